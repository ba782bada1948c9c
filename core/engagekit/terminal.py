"""Text bound for a terminal, made harmless: the one place human output goes through.

Names, descriptions and messages come from users' files. Printed raw, an ESC in a person's
name can move the cursor, rewrite what was printed above, set the window title or hide text;
a right-to-left override can make ``1000`` read as ``0001``. Every control character (C0 but
newline and tab, DEL, C1) and every bidirectional override becomes a visible escape such as
``\\x1b`` or ``\\u202e``, so the text is shown as written, not obeyed.

rich markup (``[bold]``, ``[link=...]``) and emoji codes (``:smile:``) in users' text are shown
literally too: the console that ``console()`` builds interprets neither.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

__all__ = ["PlainConsole", "console", "plain_output", "printable", "warning_line"]

# C0 controls but \t and \n, DEL and C1; the bidi embeddings, overrides and isolates (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that a terminal would obey shown as an escape instead."""
    return _UNSAFE.sub(_escape, text)


def warning_line(warning: object) -> str:
    """A warning as ``engage`` prints it on standard error: on one line, made printable."""
    return f"warning: {printable(' '.join(str(warning).split()))}"


def console(**options: Any) -> Any:
    """A rich ``Console`` for human output: no markup, no emoji codes, and every string it
    renders (table cells, titles, captions, printed lines) passed through ``printable``."""
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text: str, **kw: Any) -> Any:
            return super().render_str(printable(text), **kw)

    options.setdefault("highlight", False)
    return SafeConsole(markup=False, emoji=False, **options)


def plain_output() -> bool:
    """Whether rich would see standard output as no terminal (a pipe, a file): its rules, the
    ``TTY_COMPATIBLE`` and ``FORCE_COLOR`` variables first."""
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "0"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force == ""
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return not (isatty is not None and isatty())
    except ValueError:  # a closed stream
        return True


class PlainConsole:
    """Human output that goes to no terminal, without importing rich until it is needed.

    ``engagekit.fit.print_table`` writes a plain table that fits its width itself
    (``plain``); anything else asked of this console (a rich renderable, a table too wide)
    goes to the rich console (``console``) that it then builds, with the same options.
    """

    is_terminal = False

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._rich: Any = None
        self.width: int = options["width"]

    def plain(self, text: str) -> None:
        """Write ``text`` (already ``printable``) and a line end."""
        (self._options.get("file") or sys.stdout).write(text + "\n")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._rich is None:
            self._rich = console(**self._options)
        return getattr(self._rich, name)
