"""Matching the priorities written in data files to the configured ones."""

from __future__ import annotations

import re
from collections.abc import Sequence

from engagekit_sla.settings import Priority

__all__ = ["PriorityMap"]

_NUMBERED = re.compile(r"^\s*(\d+)\s*[-:.)]")


class PriorityMap:
    """Text -> index into the configured priorities (index 0 the first, taken as the highest).

    A value matches a priority's name or one of its aliases (case and surrounding blanks
    ignored); failing that, a ServiceNow-style ``"2 - High"`` matches a priority named ``P2``.
    """

    def __init__(self, priorities: Sequence[Priority]) -> None:
        self.priorities = tuple(priorities)
        self._lookup: dict[str, int] = {}
        for i, p in enumerate(self.priorities):
            for label in (p.name, *p.aliases):
                self._lookup.setdefault(label.strip().casefold(), i)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.priorities]

    def index(self, text: str) -> int | None:
        key = text.strip().casefold()
        if key in self._lookup:
            return self._lookup[key]
        m = _NUMBERED.match(text)
        if m:
            return self._lookup.get(f"p{int(m[1])}")
        return None

    def known(self) -> str:
        parts = []
        for p in self.priorities:
            parts.append(p.name + (f" ({', '.join(p.aliases)})" if p.aliases else ""))
        return "known priorities: " + "; ".join(parts)
