"""Find the line of a key in TOML text, so that errors found after parsing can name it.

``tomllib`` returns plain dicts without positions. This scanner follows table headers
(``[a.b]``, ``[[a.b]]`` with their indices), ``key = value`` lines and inline tables inside
multi-line arrays, and maps each key path to the line that defines it. Lookups fall back to the
nearest enclosing path, so a message always names a line close to the problem.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_KEY = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A table header, a ``key =`` line, a key of an inline table: compiled on the first scan
    (a project read without an error never scans)."""
    return (
        re.compile(rf"^\s*(\[\[?)\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*\]\]?\s*(?:#.*)?$"),
        re.compile(rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*="),
        re.compile(rf"(?:^|[{{,])\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*="),
    )


def _split(dotted: str) -> list[str]:
    parts = re.findall(rf"{_KEY}", dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _strip_strings(line: str) -> str:
    """The line with string contents emptied and the comment dropped (keys stay as they are)."""
    line = re.sub(r'=\s*("(?:\\.|[^"\\])*"|\'[^\']*\')', '= ""', line)
    line = re.sub(r'([\[,{]\s*)("(?:\\.|[^"\\])*"|\'[^\']*\')', r'\1""', line)
    return line.split("#", 1)[0]


class TomlMap:
    """The key paths of a TOML text and their lines: scanned on first use (a project file
    read without an error never needs them)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[Path, int] | None = None

    @property
    def lines(self) -> dict[Path, int]:
        if self._lines is None:
            self._lines = {}
            self._scan(self._text)
        return self._lines

    def _scan(self, text: str) -> None:
        header_re, assign_re, inline_key_re = _patterns()
        counters: dict[Path, int] = {}
        current: Path = ()
        array_key: Path | None = None
        array_depth = 0
        element = -1
        in_multiline_string = False
        for number, raw in enumerate(text.splitlines(), start=1):
            if in_multiline_string:
                if '"""' in raw or "'''" in raw:
                    in_multiline_string = False
                continue
            line = _strip_strings(raw)
            if array_key is not None:
                for m in re.finditer(r"[\[\]{]", line):
                    ch = m.group()
                    if ch == "{" and array_depth == 1:
                        element += 1
                        self.lines.setdefault((*array_key, element), number)
                        rest = line[m.start() :]
                        close = rest.find("}")
                        segment = rest if close < 0 else rest[: close + 1]
                        for km in inline_key_re.finditer(segment):
                            self.lines.setdefault((*array_key, element, *_split(km[1])), number)
                    elif ch == "[":
                        array_depth += 1
                    elif ch == "]":
                        array_depth -= 1
                if array_depth <= 0:
                    array_key = None
                continue
            header = header_re.match(line)
            if header:
                keys = tuple(_split(header[2]))
                if header[1] == "[[":
                    # The array itself is keys[-1]; only the tables above it take their index.
                    parent = (*self._resolve(keys[:-1], counters), keys[-1])
                    index = counters.get(parent, -1) + 1
                    counters[parent] = index
                    current = (*parent, index)
                else:
                    current = self._resolve(keys, counters)
                self.lines.setdefault(current, number)
                continue
            assign = assign_re.match(line)
            if assign:
                path = (*current, *_split(assign[1]))
                self.lines.setdefault(path, number)
                value = line[assign.end() :].strip()
                raw_value = raw[raw.index("=") + 1 :].strip()
                if raw_value.startswith(('"""', "'''")) and raw_value.count(raw_value[:3]) == 1:
                    in_multiline_string = True
                elif value.startswith("["):
                    depth = value.count("[") - value.count("]")
                    if depth > 0:
                        array_key, array_depth, element = path, depth, -1
                    self._inline_elements(path, value, number)
                elif value.startswith("{"):
                    for km in inline_key_re.finditer(value[1:]):
                        self.lines.setdefault((*path, *_split(km[1])), number)

    def _inline_elements(self, path: Path, value: str, number: int) -> None:
        depth = 0
        element = -1
        for ch in value:
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            elif ch == "{" and depth == 1:
                element += 1
                self.lines.setdefault((*path, element), number)

    @staticmethod
    def _resolve(keys: Sequence[str], counters: dict[Path, int]) -> Path:
        """A header's dotted keys with the current index of every array of tables on the way."""
        path: Path = ()
        for key in keys:
            path = (*path, key)
            if path in counters:
                path = (*path, counters[path])
        return path

    def line_of(self, path: Sequence[str | int]) -> int | None:
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return None
