"""The plugin contract's version, and the ranges plugins state they support.

``CONTRACT_VERSION`` changes its major number when a hook, an argument or a result type changes
incompatibly (2.0: per-component hooks dispatched to the owner only, ``check_component``), its
minor number when hooks or arguments are added or deprecated. A deprecated hook or argument
keeps working and warns (``ContractDeprecationWarning``, through pluggy's ``warn_on_impl``) from
the minor version that deprecates it, and is removed at the next major; nothing is deprecated
in 2.0. A plugin states the contract range it supports with ``ModelSpec(contract=">=2,<3")``,
or the engagekit versions it works with through its distribution's requirement
(``engagekit>=0.1,<0.2``); the engine refuses an incompatible plugin at start-up, naming both
versions."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from engagekit._version import __version__

__all__ = [
    "CONTRACT_VERSION",
    "ContractDeprecationWarning",
    "incompatibility",
    "requirement_problem",
    "satisfies",
]

CONTRACT_VERSION = "2.0"


class ContractDeprecationWarning(DeprecationWarning):
    """A plugin implements a hook or takes an argument that a later plugin contract removes.

    Issued through pluggy's ``warn_on_impl`` when the plugin registers, pointing at the plugin's
    function, so that its tests show it (pytest displays ``DeprecationWarning``) and
    ``engage plugins`` lists it; it still works until the contract version the message names.
    """


_OPS: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_CLAUSE = re.compile(r"^\s*(~=|>=|<=|==|!=|>|<)\s*([0-9]+(?:\.[0-9]+)*)(?:\.\*)?\s*$")


def _version(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", text.split("+")[0])[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def satisfies(version: str, spec: str) -> bool:
    """Whether ``version`` is in the range ``spec`` (``>=2,<3``; also ``~=2.0``, ``==2.*``)."""
    have = _version(version)
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        m = _CLAUSE.match(clause)
        if m is None:
            raise ValueError(f"cannot read the version range {spec!r} (e.g. '>=2,<3')")
        op, text = m.groups()
        want = _version(text)
        if clause.rstrip().endswith(".*"):
            n = len(text.split("."))
            ok = have[:n] == want[:n]
            if (op == "==" and not ok) or (op == "!=" and ok):
                return False
            continue
        if op == "~=":
            n = max(len(text.split(".")) - 1, 1)
            if not (have >= want and have[:n] == want[:n]):
                return False
        elif not _OPS[op](have, want):
            return False
    return True


def incompatibility(spec: str | None) -> str | None:
    """Why a plugin stating contract range ``spec`` cannot run on this engagekit, or None."""
    if spec is None or satisfies(CONTRACT_VERSION, spec):
        return None
    return (
        f"supports plugin contract {spec}, but engagekit {__version__} has contract "
        f"{CONTRACT_VERSION}: upgrade the plugin (or install an engagekit whose contract is {spec})"
    )


def requirement_problem(requires: list[str] | None) -> str | None:
    """Why a distribution requiring ``engagekit<range>`` cannot run on this engagekit, or None.
    Requirements with environment markers (extras) are not the plugin's run-time needs."""
    for req in requires or ():
        m = re.match(r"^\s*engagekit\s*(\[[^\]]*\])?\s*\(?([^;()]*)\)?\s*(;.*)?$", req)
        if m is None or m[3] or not m[2].strip():
            continue
        if not satisfies(__version__, m[2]):
            return (
                f"requires engagekit{m[2].strip()}, but engagekit {__version__} is installed "
                f"(contract {CONTRACT_VERSION}): upgrade the plugin or install a matching engagekit"
            )
    return None
