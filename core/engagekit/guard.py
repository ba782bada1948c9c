"""Keeping plugins from taking engagekit down: entry points read one distribution at a time,
what plugin code prints to standard output captured (so ``--json`` and ``--csv`` stay clean),
and ``SystemExit``/``KeyboardInterrupt`` raised by plugin code turned into errors naming it."""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
from collections.abc import Iterator
from importlib import metadata
from types import FrameType
from typing import NamedTuple

__all__ = [
    "ESCAPES",
    "DistInfo",
    "Printed",
    "capture_stdout",
    "read_entry_points",
    "watch_ctrl_c",
]

#: What plugin code may raise that ``except Exception`` lets through.
ESCAPES = (SystemExit, KeyboardInterrupt)


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


class DistInfo(NamedTuple):
    """What the engine needs of a plugin's distribution, read from its ``METADATA`` once
    (``Distribution.name``, ``.version`` and ``.requires`` each parse the whole file again)."""

    name: str | None
    version: str | None
    requires: list[str] | None


def read_entry_points(
    group: str,
) -> tuple[list[tuple[metadata.EntryPoint, DistInfo]], list[tuple[str, str | None, str]]]:
    """The entry points of ``group`` with their distribution's ``DistInfo``, and
    ``(distribution, version, problem)`` for each distribution whose metadata names the group
    but cannot be read (a malformed ``entry_points.txt``). ``importlib.metadata.entry_points``
    would raise for any one distribution in the environment, breaking every command,
    ``--help`` included.

    Only distributions whose ``entry_points.txt`` names the group have their metadata parsed,
    once each: parsing every ``METADATA`` of a large environment (the e-mail parser, some 200
    files here) cost more than the rest of ``engage validate``'s start-up. Names come from the
    folder (``_normalized_name``, as ``importlib.metadata.entry_points`` itself does)."""
    found: list[tuple[metadata.EntryPoint, DistInfo]] = []
    broken: list[tuple[str, str | None, str]] = []
    seen: set[str] = set()
    header = f"[{group}]"
    for dist in metadata.distributions():
        try:
            key = getattr(dist, "_normalized_name", None) or _normal(dist.metadata["Name"] or "?")
        except Exception:  # metadata itself unreadable: not ours to judge
            continue
        key = _normal(key)
        if key in seen:
            continue  # shadowed by an earlier path entry, as importlib.metadata does
        seen.add(key)
        text = _read(dist)
        if header not in text:
            continue
        try:
            meta = dist.metadata
            name = meta["Name"]
            version = meta["Version"]
            # Requires-Dist, or an egg-info's requires.txt, as Distribution.requires reads them
            requires = meta.get_all("Requires-Dist") or dist.requires
        except Exception:
            continue
        info = DistInfo(name, version, requires)
        name = name or "?"
        try:
            found += [(ep, info) for ep in dist.entry_points if ep.group == group]
        except Exception as exc:
            broken.append(
                (name, version, f"unreadable entry_points.txt: {type(exc).__name__}: {exc}")
            )
    return found, broken


def _read(dist: metadata.Distribution) -> str:
    try:
        return dist.read_text("entry_points.txt") or ""
    except Exception:
        return ""


class Printed(io.StringIO):
    """What a plugin printed while its code ran."""


@contextlib.contextmanager
def capture_stdout(sink: list[tuple[str, str]], plugin: str) -> Iterator[None]:
    """Run plugin code with standard output captured; what it printed is added to ``sink`` as
    ``(plugin, text)``. Nested captures attribute output to the innermost plugin."""
    buffer = Printed()
    saved = sys.stdout
    sys.stdout = buffer
    try:
        yield
    finally:
        sys.stdout = saved
        text = buffer.getvalue().strip()
        if text:
            sink.append((plugin, text))


@contextlib.contextmanager
def watch_ctrl_c() -> Iterator[list[bool]]:
    """Run plugin code telling a real Ctrl-C (SIGINT, which must end the program with 130)
    from a ``KeyboardInterrupt`` the plugin raised itself (its fault, named, exit 1): the
    yielded flag is set when SIGINT arrived. Outside the main thread signals cannot be
    watched, and every interrupt counts as the plugin's."""
    fired = [False]
    if threading.current_thread() is not threading.main_thread():
        yield fired
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: FrameType | None) -> None:
        fired[0] = True
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield fired
    finally:
        signal.signal(signal.SIGINT, previous)
