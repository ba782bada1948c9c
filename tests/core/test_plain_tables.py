"""Tables in a pipe without rich (``engagekit.fit.plain_table``): the same text, to the
character, as rich renders them, for every table it takes; rich renders the others."""

from __future__ import annotations

import io
import random

import pytest

from engagekit import terminal
from engagekit.fit import SECTION, Col, plain_table, print_table

WORDS = ["total", "Discovery", "time-material", "2026-03-17", "P80", "", "a b", "cost,", "x" * 12]
#: Now and then: what only rich renders (a wide word, a character beyond ASCII, an escape)
RARE = ["x" * 130, "€ 5", "\x1b[2J"]


def word(rng: random.Random) -> str:
    return rng.choice(RARE) if rng.random() < 0.01 else rng.choice(WORDS)


def rendered(console: object, *table: object, **kw: object) -> str:
    print_table(console, *table, **kw)  # type: ignore[arg-type]
    return (
        console._options["file"].getvalue()
        if isinstance(console, terminal.PlainConsole)
        else console.file.getvalue()
    )  # type: ignore[attr-defined]


def random_table(rng: random.Random) -> tuple[str, list[Col], list[tuple[str, ...]], str | None]:
    cols = [
        Col(
            rng.choice(["component", "hours P50", "%", "model", "finish"]) + str(i),
            numeric=rng.random() < 0.4,
            optional=rng.choice([0, 0, 1, 2]),
            nowrap=rng.random() < 0.2,
        )
        for i in range(rng.randint(1, 7))
    ]
    rows: list[tuple[str, ...]] = []
    for _ in range(rng.randint(0, 5)):
        if rng.random() < 0.2:
            rows.append(SECTION)
        else:
            rows.append(
                tuple(
                    word(rng) if not c.numeric else f"{rng.uniform(0, 10 ** rng.randint(1, 7)):.2f}"
                    for c in cols
                )
            )
    title = " ".join(word(rng) for _ in range(rng.randint(1, 30)))
    caption = " ".join(word(rng) for _ in range(rng.randint(1, 40))) if rng.random() < 0.5 else None
    return title, cols, rows, caption


@pytest.mark.parametrize("seed", range(300))
def test_plain_tables_are_riches_to_the_character(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    rng = random.Random(seed)
    title, cols, rows, caption = random_table(rng)
    width = rng.choice([40, 80, 120, 200])
    ours = terminal.PlainConsole(width=width, file=io.StringIO())
    theirs = terminal.console(width=width, file=io.StringIO())
    assert rendered(ours, title, cols, rows, caption=caption) == rendered(
        theirs, title, cols, rows, caption=caption
    )


def test_what_rich_must_render_is_left_to_it() -> None:
    cols = [Col("name"), Col("hours", numeric=True)]
    assert plain_table("t", cols, [("Müller", "1.00")], (None,), 80) is None  # not ASCII
    assert plain_table("t", cols, [("a\tb", "1.00")], (None,), 80) is None  # a tab
    assert plain_table("t", cols, [("x" * 90, "1.00")], (None,), 80) is None  # too wide
    assert plain_table("t " + "y" * 90, cols, [("a", "1.00")], (None,), 80) is None  # a long word
    assert plain_table("t", cols, [("a", "1.00")], (None,), 80) == (
        "t\nname  hours\n----- -----\na      1.00"
    )


def test_the_plain_console_builds_riches_for_anything_else() -> None:
    out = io.StringIO()
    console = terminal.PlainConsole(width=80, file=out)
    console.print("[bold]as written[/bold]")
    assert out.getvalue() == "[bold]as written[/bold]\n"


def test_most_random_tables_take_the_plain_path() -> None:
    taken = 0
    for seed in range(300):
        rng = random.Random(seed)
        title, cols, rows, caption = random_table(rng)
        width = rng.choice([40, 80, 120, 200])
        keep = [c for c in cols]
        taken += plain_table(title, keep, rows, (caption,), width) is not None
    assert taken > 150
