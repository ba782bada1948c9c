"""Render the hook reference (docs/hooks.md) from the hook specs' signatures and docstrings.

``python -m engagekit.hookdoc > docs/hooks.md`` regenerates it; a test fails when the
committed page and the specs differ, so the two cannot drift apart.
"""

from __future__ import annotations

import inspect
import re

from engagekit import hookspecs
from engagekit.contract import CONTRACT_VERSION

HEADER = """\
# Hook reference

Generated from `core/engagekit/hookspecs.py` by `python -m engagekit.hookdoc`; do not edit by hand.

Plugins implement hooks with `@engagekit.hookimpl` on functions (or methods) named like the
hooks below (or named otherwise, with `@engagekit.hookimpl(specname="bill")`). pluggy calls
them with keyword arguments only: an implementation may take any subset of a hook's parameters,
never one the hook lacks, and no parameter may have a default value (pluggy would not fill it).

This is plugin contract {version} (`engagekit.CONTRACT_VERSION`). A model states the contract range
it supports with `ModelSpec(contract=">={version},<{next}")` (or its distribution requires a range of
engagekit versions); an incompatible plugin is refused at start-up, naming both versions.

## Deprecations

A hook or argument on its way out is deprecated in a minor version of the contract and removed
at the next major one. From the minor version that deprecates it, its spec carries pluggy's
`warn_on_impl` (a hook) or `warn_on_impl_args` (an argument) with an
`engagekit.ContractDeprecationWarning` whose message names that version, the major version
that removes it and what replaces it. A plugin implementing it keeps working until then, and
gets the warning when it registers, pointing at its function: its tests show it (pytest
displays deprecation warnings), `engage plugins` lists it (`--json`: `deprecations`), and
under `python -W error` the plugin is refused by name instead of loaded. The hook's section
below carries the same message.

{deprecated}
"""


def hook_functions(specs: object = hookspecs) -> list[tuple[str, object]]:
    """The hook specs of ``specs`` (a module or class, as ``pm.add_hookspecs`` takes) in the
    order they are defined."""
    out = []
    for name, fn in vars(specs).items():
        if callable(fn) and hasattr(fn, "engagekit_spec"):
            out.append((name, fn))
    return out


def _format_doc(doc: str) -> str:
    doc = inspect.cleandoc(doc)
    doc = re.sub(r":class:`([^`]+)`", r"`\1`", doc).replace("``", "`")
    lines = []
    for block in re.split(r"\n\s*\n", doc):
        block = block.strip()
        if block.startswith(":param"):
            for item in re.split(r"\n(?=:param)", block):
                m = re.match(r":param (\w+):\s*(.*)", item, re.S)
                if m:
                    text = " ".join(m[2].split())
                    lines.append(f"- `{m[1]}`: {text}")
            lines.append("")
        else:
            lines.append(" ".join(block.split()))
            lines.append("")
    return "\n".join(lines).strip() + "\n"


def deprecations(opts: dict[str, object]) -> list[str]:
    """Lines for a spec's ``warn_on_impl`` (the hook) and ``warn_on_impl_args`` (arguments)."""
    out = []
    whole = opts.get("warn_on_impl")
    if whole is not None:
        out.append(f"**Deprecated:** {whole}\n")
    args = opts.get("warn_on_impl_args") or {}
    assert isinstance(args, dict)
    for arg, warning in args.items():
        out.append(f"**Deprecated argument `{arg}`:** {warning}\n")
    return out


def _deprecated(specs: object) -> str:
    """A line per deprecated hook or argument, for the header."""
    out = []
    for name, fn in hook_functions(specs):
        opts = getattr(fn, "engagekit_spec", {})
        if opts.get("warn_on_impl") is not None:
            out.append(f"- [`{name}`](#{name}): {opts['warn_on_impl']}")
        for arg, warning in (opts.get("warn_on_impl_args") or {}).items():
            out.append(f"- [`{name}`](#{name}), argument `{arg}`: {warning}")
    return "\n".join(out) if out else f"Nothing is deprecated in contract {CONTRACT_VERSION}."


def render(specs: object = hookspecs) -> str:
    """The hook reference of ``specs``: engagekit's hooks, or a test's own (a class's methods
    are shown without ``self``, as pluggy calls them)."""
    major = int(CONTRACT_VERSION.split(".")[0])
    header = HEADER.format(version=CONTRACT_VERSION, next=major + 1, deprecated=_deprecated(specs))
    parts = [header]
    for name, fn in hook_functions(specs):
        sig = inspect.signature(fn)  # type: ignore[arg-type]
        opts = getattr(fn, "engagekit_spec", {})
        shown = [p for p in sig.parameters.values() if p.name != "self"]
        params = ", ".join(f"{p.name}: {p.annotation}" for p in shown)
        kind = "first result" if opts.get("firstresult") else "all results"
        parts.append(f"## `{name}`\n")
        parts.append(f"```python\ndef {name}({params}) -> {sig.return_annotation}\n```\n")
        parts.append(f"Called with keyword arguments; collects {kind}.\n")
        parts.extend(deprecations(opts))
        parts.append(_format_doc(fn.__doc__ or ""))
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
