"""Tables that fit the terminal: numbers and dates are never cut, text wraps, and a table too
wide for the screen drops its optional columns, then turns vertical (one block per row).

On a terminal a table has rich's borders; anywhere else (a pipe, a file written with ``-o``)
it is plain text: columns separated by spaces, a line of ``-`` under the header and above a
total, so that ``grep``, ``awk`` and an e-mail show it as it is.

rich squeezes a table wider than the console by truncating cells with ``…``; for a money column
that turns ``143840.00`` into ``1438…``, a number that reads as another. Here a numeric column
is as wide as its widest cell and never wraps; only text columns give up width.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

__all__ = ["SECTION", "Col", "plain_table", "print_table"]

#: A row that draws a separator line instead of cells.
SECTION: tuple[str, ...] = ()
#: The narrowest a text column is made before the table drops columns.
_TEXT_MIN = 10


@attrs.frozen
class Col:
    """A column: its header, whether it holds a figure (right-aligned, never cut or wrapped),
    and whether it may be dropped when the terminal is narrow (the first dropped first)."""

    name: str
    numeric: bool = False
    optional: int = 0  # 0: always shown; 1, 2, ...: dropped in this order
    #: A short text column that must not wrap (a status), as wide as its widest cell.
    nowrap: bool = False


def _plain_box() -> Any:
    """rich's ``SIMPLE`` box drawn in ASCII: ``-`` under the header and at a section, spaces
    between columns, no edges."""
    from rich.box import Box

    return Box("    \n    \n -  \n    \n -  \n -  \n    \n    \n", ascii=True)


def _needed(cols: Sequence[Col], rows: Sequence[Sequence[str]], *, plain: bool = False) -> int:
    """The width the table needs with text columns at their narrowest: a bordered one has a
    border and a space each side of every cell, a plain one two spaces between cells."""
    gap = 2 if plain else 3
    total = -gap if plain else 1
    for i, col in enumerate(cols):
        widest = max([len(col.name), *(len(r[i]) for r in rows if r)])
        fixed = col.numeric or col.nowrap
        total += (widest if fixed else min(widest, max(_TEXT_MIN, len(col.name)))) + gap
    return total


def print_table(
    console: Any,
    title: str,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    *,
    caption: str | None = None,
) -> None:
    """Print ``rows`` (``SECTION`` for a separator) as wide as ``console`` allows."""
    from engagekit.terminal import PlainConsole

    plain = not console.is_terminal
    keep = list(range(len(cols)))
    order = sorted((c.optional, i) for i, c in enumerate(cols) if c.optional)
    while _needed(
        [cols[i] for i in keep], [[r[i] for i in keep] if r else r for r in rows], plain=plain
    ) > (console.width):
        if not order:
            _print_vertical(console, title, cols, rows, caption)
            return
        keep.remove(order.pop(0)[1])
    dropped = [cols[i].name for i in range(len(cols)) if i not in keep]
    note = f"(not shown here: {', '.join(dropped)}; see --json)" if dropped else None
    if isinstance(console, PlainConsole):
        text = plain_table(
            title,
            [cols[i] for i in keep],
            [[r[i] for i in keep] if r else r for r in rows],
            (caption, note),
            console.width,
        )
        if text is not None:
            console.plain(text)
            return
    from rich.table import Table

    if plain:  # the title and caption are lines of their own, as wide as the screen
        table = Table(box=_plain_box(), show_edge=False, pad_edge=False, collapse_padding=True)
    else:
        table = Table(title=title, caption=caption)
    for i in keep:
        col = cols[i]
        if col.numeric or col.nowrap:
            widest = max([len(col.name), *(len(r[i]) for r in rows if r)])
            table.add_column(
                col.name,
                justify="right" if col.numeric else "left",
                no_wrap=True,
                min_width=widest,
            )
        else:
            table.add_column(col.name, overflow="fold")
    for row in rows:
        if not row:
            table.add_section()
            continue
        table.add_row(*[row[i] for i in keep])
    if plain:
        # rich pads every line to the table's width: no trailing spaces in a file or a pipe
        with console.capture() as captured:
            for part in (title, table, caption, note):
                if part is not None:
                    console.print(part)
        console.out("\n".join(line.rstrip() for line in captured.get().splitlines()))
        return
    console.print(table)
    if note:
        console.print(note, soft_wrap=True)


def _print_vertical(
    console: Any,
    title: str,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    caption: str | None,
) -> None:
    """One block per row, ``name: value`` lines: nothing has to share a line."""
    console.print(title)
    width = max(len(c.name) for c in cols)
    for row in rows:
        if not row:
            continue
        console.print("")
        for col, value in zip(cols, row, strict=True):
            if value:
                console.print(f"  {col.name.rjust(width)}: {value}", overflow="fold")
    if caption:
        console.print(caption)


def plain_table(
    title: str,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    after: Sequence[str | None],
    width: int,
) -> str | None:
    """The plain text ``print_table`` prints in a pipe (rich's rendering of it, to the
    character), made without rich: for a table whose cells all fit at their full width, and
    text of printable ASCII (one cell a character), which is what engagekit's tables hold.
    None for anything else: rich renders it then (a test compares the two)."""
    from engagekit.terminal import printable

    head = [printable(c.name) for c in cols]
    body = [[printable(v) for v in r] if r else r for r in rows]
    texts = [printable(t) for t in (title, *after) if t is not None]
    cells = [*head, *(v for r in body for v in r), *texts]
    if not all(v.isascii() and v.isprintable() for v in cells):
        return None  # a wide or combining character, a tab, a line end: rich measures those
    widths = [max([len(h), *(len(r[i]) for r in body if r)]) for i, h in enumerate(head)]
    if sum(widths) + 2 * (len(widths) - 1) > width:
        return None  # rich would wrap the text columns
    rule = " ".join("-" * (w + (i + 1 < len(widths))) for i, w in enumerate(widths))

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if c.numeric else v.ljust(w)
            for c, v, w in zip(cols, values, widths, strict=True)
        )

    lines = [line(head), rule]
    for i, row in enumerate(body):
        if not row:
            continue
        lines.append(line(row))
        # a separator after a row that a section follows, unless it is the last row
        if i + 1 < len(body) and not body[i + 1] and any(body[i + 1 :]):
            lines.append(rule)
    wrapped: list[str] = []
    for text in texts[:1]:
        found = _wrap(text, width)
        if found is None:
            return None
        wrapped.extend(found)
    out = [*wrapped, *lines]
    for text in texts[1:]:
        found = _wrap(text, width)
        if found is None:
            return None
        out.extend(found)
    return "\n".join(x.rstrip() for x in out)


def _wrap(text: str, width: int) -> list[str] | None:
    """``text`` broken into lines as rich wraps a printed string (``rich._wrap.divide_line``:
    at word starts, a word to the next line when it does not fit); None for a word longer
    than a line (rich folds it)."""
    import re

    breaks = [0]
    offset = 0
    for m in re.finditer(r"\s*\S+\s*", text):
        start, word = m.start(), m.group()
        length = len(word.rstrip())
        if length > width:
            return None
        if width - offset >= length:
            offset += len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return [text[a:b] for a, b in zip(breaks, [*breaks[1:], len(text)], strict=True)]
