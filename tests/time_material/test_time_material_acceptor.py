"""The row-by-row acceptor of small generic timesheets (``engagekit_time_material.acceptor``)
vouches only for files the columnar path (``load_entries`` and ``build_ledger``) accepts; for
every other file ``validate`` falls back to that path, so its error is bill's, word for word:
the same file, row and field."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import engagekit
from engagekit_time_material import acceptor, forecast
from engagekit_time_material.ledger import build_ledger, load_entries, settings_of

HEADER = "date,person,role,hours,billable,approved,category,notes"
BASE = "2026-03-02,Mira Kovac,lead,4,yes,yes,Leadership,planning"
GOOD = "2026-03-03,Anton Weiss,developer,8,yes,yes,Development,sprint work"
SETTINGS: dict[str, Any] = {"time_entries": "t.csv", "format": "generic"}
EXAMPLES = Path(__file__).parents[2] / "examples"

#: One row each (after a good one): what the acceptor must refuse (most of them the columnar
#: path refuses too; some it accepts, and the acceptor leaves them to it).
ROWS = {
    "fine": GOOD,
    "fine, minutes of hours": "2026-03-03,Anton Weiss,developer,0.25,yes,yes,Development,x",
    "fine, empty flags": "2026-03-03,Anton Weiss,developer,8,,,Development,x",
    "fine, worded flags": "2026-03-03,Anton Weiss,developer,8,TRUE,Y,Development,x",
    "fine, not approved, no rate": "2026-03-03,Anton Weiss,designer,8,yes,no,Development,x",
    "fine, not billable, no rate": "2026-03-03,Anton Weiss,,8,no,yes,Development,x",
    "fine, quoted notes": '2026-03-03,Anton Weiss,developer,8,yes,yes,Development,"a, ""b"""',
    "fine, padded notes": "2026-03-03,Anton Weiss,developer,8,yes,yes,Development, x ",
    "fine, a day's hours": "2026-03-03,Anton Weiss,developer,24,yes,yes,Development,x",
    "fine, the rate that changed": "2026-03-05,Anton Weiss,developer,8,yes,yes,Development,x",
    "duplicate (warned)": BASE,
    "no such day": "2026-02-30,Anton Weiss,developer,8,yes,yes,Development,x",
    "not ISO": "03/03/2026,Anton Weiss,developer,8,yes,yes,Development,x",
    "outside the timeframe": "2025-12-31,Anton Weiss,developer,8,yes,yes,Development,x",
    "no person": "2026-03-03,,developer,8,yes,yes,Development,x",
    "padded person": "2026-03-03, Anton Weiss,developer,8,yes,yes,Development,x",
    "padded hours": "2026-03-03,Anton Weiss,developer, 8,yes,yes,Development,x",
    "no hours": "2026-03-03,Anton Weiss,developer,,yes,yes,Development,x",
    "zero hours": "2026-03-03,Anton Weiss,developer,0,yes,yes,Development,x",
    "negative hours": "2026-03-03,Anton Weiss,developer,-1,yes,yes,Development,x",
    "over a day": "2026-03-03,Anton Weiss,developer,24.5,yes,yes,Development,x",
    "decimal comma": '2026-03-03,Anton Weiss,developer,"1,5",yes,yes,Development,x',
    "not a number": "2026-03-03,Anton Weiss,developer,8h,yes,yes,Development,x",
    "half a minute": "2026-03-03,Anton Weiss,developer,0.025,yes,yes,Development,x",
    "less than half a minute": "2026-03-03,Anton Weiss,developer,0.001,yes,yes,Development,x",
    "a flag that is not yes or no": "2026-03-03,Anton Weiss,developer,8,perhaps,yes,Development,x",
    "no rate for the role": "2026-03-03,Anton Weiss,designer,8,yes,yes,Development,x",
    "no role": "2026-03-03,Anton Weiss,,8,yes,yes,Development,x",
    "more than a day, two rows": "2026-03-02,Mira Kovac,lead,20.5,yes,yes,Leadership,more",
    "a stray quote": '2026-03-03,Anton Weiss,developer,8,yes,yes,Development,a"b',
    "a line end in a quote": '2026-03-03,Anton Weiss,developer,8,yes,yes,Development,"a\nb"',
    "a ragged row": "2026-03-03,Anton Weiss,developer,8,yes,yes,Development,x,extra",
    "a short row": "2026-03-03,Anton Weiss,developer,8",
    "a row of spaces": " , , , , , , , ",
}
ACCEPTED = {name for name in ROWS if name.startswith("fine")} | {"duplicate (warned)"}


def columnar(project: engagekit.Project, component: engagekit.Component) -> str | None:
    """The error of the columnar path (None when it accepts)."""
    settings = settings_of(component)
    try:
        entries = load_entries(settings, project, component, day_totals=False)
        build_ledger(project, component, settings, entries=entries)
    except engagekit.InputError as err:
        return describe(err)
    return None


def describe(err: engagekit.InputError) -> str:
    return f"{err} @ {err.where} {err.row} {err.field}"


def validated(engine: engagekit.Engine, project: engagekit.Project) -> str | None:
    try:
        engine.validate(project)
    except engagekit.InputError as err:
        return describe(err)
    return None


def check(
    engine: engagekit.Engine,
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> bool:
    """Whether the acceptor vouches for the project's timesheet; assert that validate says
    what the columnar path says, with the acceptor and without it."""
    project = engine.load_project(path)
    component = project.components[0]
    vouched = acceptor.accepts(settings_of(component), project, component, rates=True)
    expected = columnar(project, component)
    if vouched:
        assert expected is None
    with_it = validated(engine, project)
    with monkeypatch.context() as m:
        m.setattr(acceptor, "SMALL_BYTES", -1)
        without = validated(engine, project)
    assert with_it == without
    if expected is not None:
        assert with_it is not None and expected in with_it
    return vouched


@pytest.mark.parametrize("case", sorted(ROWS))
def test_validate_fails_as_bill_does(
    engine: engagekit.Engine,
    write_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    text = "\n".join([HEADER, BASE, ROWS[case]]) + "\n"
    path = write_project(SETTINGS, {"t.csv": text})
    assert check(engine, path, monkeypatch) == (case in ACCEPTED)


@pytest.mark.parametrize(
    ("settings", "header", "row", "accepted"),
    [
        ({"duplicates": "error"}, HEADER, BASE, False),
        (
            {"non_billable": ["Internal"]},
            HEADER,
            "2026-03-03,X Y,designer,8,yes,yes,Internal,",
            True,
        ),
        ({}, HEADER, "2026-03-03,X Y,designer,8,yes,yes,Internal,", False),
        ({"people": {"Anton Weiss": "lead"}}, HEADER, "2026-03-03,Anton Weiss,,8,yes,yes,,", True),
        ({}, HEADER + ",currency", BASE + ",EUR", True),
        ({}, HEADER + ",currency", BASE + ",eur", True),
        ({}, HEADER + ",currency", BASE + ",USD", False),
        ({}, "date,person,role,minutes", "2026-03-03,Anton Weiss,developer,90", True),
        ({}, "date,person,role,minutes", "2026-03-03,Anton Weiss,developer,1441", False),
        ({}, "date,person,role,minutes", "2026-03-03,Anton Weiss,developer,9.5", False),
        (
            {},
            "date,person,role,hours,start,end",
            "2026-03-03,Anton Weiss,developer,1,09:00,10:00",
            False,
        ),
        ({"format": "auto"}, HEADER, BASE, True),
        ({"date_format": "%d.%m.%Y"}, HEADER, BASE, False),
    ],
)
def test_settings_and_headers(
    engine: engagekit.Engine,
    write_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    settings: dict[str, Any],
    header: str,
    row: str,
    accepted: bool,
) -> None:
    lines = [header, BASE, row] if header == HEADER else [header, row]
    path = write_project({**SETTINGS, **settings}, {"t.csv": "\n".join(lines) + "\n"})
    assert check(engine, path, monkeypatch) == accepted


#: Cells that a fuzzed timesheet takes now and then.
CELLS = [
    "", " ", "0", "8", "7.5", "25", "-2", "1,5", "abc", "yes", "no", "maybe", "TRUE",
    "2026-03-04", "2026-02-29", "2026-13-01", "2027-01-04", "developer", "designer", "lead",
    "Anton Weiss", " Anton Weiss", "Internal", '"', 'a"b', "x,y", "0.001", "0.025", "24",
]  # fmt: skip


def timesheet(rng: random.Random, rows: int) -> list[list[str]]:
    people = [("Anton Weiss", "developer"), ("Mira Kovac", "lead"), ("Sara Lind", "qa")]
    out = []
    for _ in range(rows):
        person, role = rng.choice(people)
        day = f"2026-03-{rng.randint(2, 27):02d}"
        hours = rng.choice(["1", "2.5", "4", "0.75", "6"])
        out.append([day, person, role, hours, "yes", "yes", "Development", "work"])
    return out


def written(rows: list[list[str]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER.split(","))
    w.writerows(rows)
    return buf.getvalue()


@pytest.mark.parametrize("seed", range(60))
def test_fuzzed_timesheets(
    engine: engagekit.Engine,
    write_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
) -> None:
    rng = random.Random(seed)
    rows = timesheet(rng, 30)
    for _ in range(rng.randint(0, 3)):
        kind = rng.random()
        i = rng.randrange(len(rows))
        if kind < 0.7:
            rows[i][rng.randrange(len(HEADER.split(",")))] = rng.choice(CELLS)
        elif kind < 0.85:
            rows.append(list(rows[i]))  # a duplicate
        else:
            rows.insert(i, [""] * len(rows[i]))  # a blank row
    settings = {**SETTINGS, "duplicates": rng.choice(["warn", "error", "allow"])}
    path = write_project(settings, {"t.csv": written(rows)})
    check(engine, path, monkeypatch)


def test_a_bulk_file_is_not_read_row_by_row(
    engine: engagekit.Engine, write_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = written(timesheet(random.Random(1), 200))
    project = engine.load_project(write_project(SETTINGS, {"t.csv": text}))
    component = project.components[0]
    assert acceptor.accepts(settings_of(component), project, component, rates=True)
    monkeypatch.setattr(acceptor, "SMALL_BYTES", len(text.encode()) - 1)
    assert not acceptor.accepts(settings_of(component), project, component, rates=True)


def test_the_hybrid_example_is_validated_without_polars() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['engage', 'validate', 'hybrid.toml']\n"
        "from engagekit.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(sorted(m for m in ('polars', 'numpy', 'pyarrow') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=EXAMPLES, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr


def test_the_forecast_is_the_same_without_the_acceptor(
    engine: engagekit.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = engine.load_project(EXAMPLES / "hybrid.toml")
    build = next(c for c in project.components if c.model == "time-material")
    options = engagekit.EstimateOptions(trials=500, seed=3)
    vouched = engine.estimate_component(project, build, options)
    monkeypatch.setattr(forecast, "accepts", lambda *a, **k: False)
    read = engine.estimate_component(project, build, options)
    assert vouched.details == read.details
    assert (vouched.price, vouched.cost, vouched.finish) == (read.price, read.cost, read.finish)
