"""The row-by-row acceptor of small incident files (``engagekit_sla.acceptor``) vouches only for
files the columnar reader accepts; for every other file validate falls back to that reader, so
its error is measure's, word for word."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

import engagekit
from engagekit_sla import acceptor, data
from engagekit_sla.incidents import read_incidents
from engagekit_sla.priorities import PriorityMap

from .test_sla_batches import SETTINGS, incident_file

HEADER = "id,priority,opened,first_response,resolved,pauses,priority_history,caused_by_change"
GOOD = "INC1,P2,2026-03-02 10:00,2026-03-02 10:20,2026-03-02 18:00,{pauses},{history},"

#: One row each: what the acceptor must refuse (most of them the reader refuses too; some the
#: reader accepts, and the acceptor leaves them to it).
ROWS = {
    "fine": GOOD.format(pauses="", history=""),
    "fine with pauses": GOOD.format(
        pauses="2026-03-02 11:00/2026-03-02T12:00;2026-03-02 13:00/2026-03-02 14:00:30",
        history="P4>P2",
    ),
    "empty id": ",P2,2026-03-02 10:00,,,,,",
    "unknown priority": "INC1,P9,2026-03-02 10:00,,,,,",
    "empty priority": "INC1,,2026-03-02 10:00,,,,,",
    "blank priority": "INC1, ,2026-03-02 10:00,,,,,",
    "unknown priority in its history": GOOD.format(pauses="", history="P4>P7"),
    "empty step in its history": GOOD.format(pauses="", history="P4>>P2"),
    "no opened": "INC1,P2,,,,,,",
    "not a date": "INC1,P2,2026-02-30 10:00,,,,,",
    "hour 24": "INC1,P2,2026-03-02 24:00,,,,,",
    "leap second": "INC1,P2,2026-03-02 23:59:60,,,,,",
    "with an offset": "INC1,P2,2026-03-02T10:00+01:00,,,,,",
    "in Z": "INC1,P2,2026-03-02T10:00:00Z,,,,,",
    "fraction of a second": "INC1,P2,2026-03-02 10:00:00.5,,,,,",
    "spaces around": "INC1,P2, 2026-03-02 10:00 ,,,,,",
    "skipped hour": "INC1,P2,2026-03-29 02:30,,,,,",
    "repeated hour": "INC1,P2,2026-10-25 02:30,,2026-10-25 02:45,,,",
    "resolved before opened": "INC1,P2,2026-03-02 10:00,,2026-03-02 09:00,,,",
    "responded before opened": "INC1,P2,2026-03-02 10:00,2026-03-02 09:59,,,,",
    "pause ends before it starts": GOOD.format(
        pauses="2026-03-02 12:00/2026-03-02 11:00", history=""
    ),
    "pause before opened": GOOD.format(pauses="2026-03-02 09:00/2026-03-02 11:00", history=""),
    "pause after resolved": GOOD.format(pauses="2026-03-02 17:00/2026-03-02 19:00", history=""),
    "open pause, resolved": GOOD.format(pauses="2026-03-02 17:00/", history=""),
    "open pause, open incident": "INC1,P2,2026-03-02 10:00,,,2026-03-02 11:00/,,",
    "overlapping pauses": GOOD.format(
        pauses="2026-03-02 11:00/2026-03-02 13:00;2026-03-02 12:00/2026-03-02 14:00", history=""
    ),
    "pauses out of order": GOOD.format(
        pauses="2026-03-02 13:00/2026-03-02 14:00;2026-03-02 11:00/2026-03-02 12:00", history=""
    ),
    "pause without end mark": GOOD.format(pauses="2026-03-02 11:00", history=""),
    "pause with two marks": GOOD.format(pauses="2026-03-02 11:00/2026-03-02 12:00/", history=""),
    "empty pause start": GOOD.format(pauses="/2026-03-02 12:00", history=""),
    "year 1": "INC1,P2,0001-01-01 00:30,,,,,",
}
ACCEPTED = {
    "fine",
    "fine with pauses",
    "repeated hour",
    "open pause, open incident",
    "pauses out of order",
}


def outcome(engine: engagekit.Engine, path: Path, command: str) -> str | None:
    """The error of ``validate`` or ``measure`` (None when it succeeds)."""
    data._CACHE.clear()
    project = engine.load_project(path)
    try:
        if command == "validate":
            engine.validate(project)
        else:
            engine.measure_component(project, project.components[0], None)
    except engagekit.InputError as err:
        return f"{err} @ {err.where} {err.row} {err.field}"
    return None


def pmap_of(engine: engagekit.Engine, path: Path) -> PriorityMap:
    return PriorityMap(engine.load_project(path).components[0].settings.priorities)


@pytest.mark.parametrize("case", sorted(ROWS))
def test_validate_fails_as_measure_does(
    engine: engagekit.Engine, project_file: Callable[..., Path], case: str
) -> None:
    rows = [HEADER, "INC0,P3,2026-03-01 09:00,,2026-03-01 10:00,,,", ROWS[case]]
    path = project_file(SETTINGS, {"inc.csv": "\n".join(rows) + "\n"})
    inc = path.parent / "inc.csv"
    vouched = acceptor.accepts(inc, "Europe/Berlin", pmap_of(engine, path), None, None)
    assert vouched == (case in ACCEPTED)
    measured = outcome(engine, path, "measure")
    assert outcome(engine, path, "validate") == measured
    if vouched:
        assert measured is None


def test_a_repeated_id_and_a_missing_zone_are_left_to_the_reader(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    rows = [HEADER, ROWS["fine"], ROWS["fine"]]
    path = project_file(SETTINGS, {"inc.csv": "\n".join(rows) + "\n"})
    inc = path.parent / "inc.csv"
    pmap = pmap_of(engine, path)
    assert not acceptor.accepts(inc, "Europe/Berlin", pmap, None, None)
    assert outcome(engine, path, "validate") == outcome(engine, path, "measure")
    assert "appears twice" in str(outcome(engine, path, "validate"))
    inc.write_text("\n".join(rows[:2]) + "\n")
    assert acceptor.accepts(inc, "Europe/Berlin", pmap, None, None)
    assert not acceptor.accepts(inc, None, pmap, None, None)


def test_a_bulk_file_is_not_read_row_by_row(
    engine: engagekit.Engine, project_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = incident_file(5, 50, shuffled=False)
    path = project_file(SETTINGS, {"inc.csv": text})
    inc = path.parent / "inc.csv"
    assert acceptor.accepts(inc, "Europe/Berlin", pmap_of(engine, path), None, None)
    monkeypatch.setattr(acceptor, "SMALL_BYTES", len(text.encode()) - 1)
    assert not acceptor.accepts(inc, "Europe/Berlin", pmap_of(engine, path), None, None)


CELLS = [
    "",
    " ",
    "P1",
    "P5",
    "2026-03-29 02:15",
    "2026-10-25 02:15",
    "2026-13-01 10:00",
    "2026-06-01T10:00:00+02:00",
    "2026-06-01 10:00",
    "2025-12-01 10:00",
    "2027-06-01 10:00",
    "2026-06-01 10:00/2026-06-01 11:00",
    "2026-06-01 10:00/",
    "x/y",
    "P4>P1",
    "P4>Q",
    "INC00001",
]


@pytest.mark.parametrize("seed", range(8))
def test_what_the_acceptor_vouches_for_the_reader_reads(
    engine: engagekit.Engine, project_file: Callable[..., Path], seed: int
) -> None:
    """Random files with random cells broken: whenever the acceptor says yes, the columnar
    reader reads the file; whenever the reader refuses it, the acceptor said no."""
    rng = random.Random(seed)
    path = project_file(SETTINGS, {"inc.csv": incident_file(seed, 40, shuffled=True)})
    inc = path.parent / "inc.csv"
    pmap = pmap_of(engine, path)
    lines = inc.read_text().splitlines()
    vouched = 0
    for _ in range(25):
        broken = [line.split(",") for line in lines]
        for _ in range(rng.choice([0, 1, 1, 2])):
            row = broken[rng.randrange(1, len(broken))]
            row[rng.randrange(len(row))] = rng.choice(CELLS)
        inc.write_text("\n".join(",".join(r) for r in broken) + "\n")
        yes = acceptor.accepts(inc, "Europe/Berlin", pmap, None, None)
        try:
            read_incidents(inc, "generic", "Europe/Berlin", pmap, ())
            read = True
        except engagekit.InputError:
            read = False
        assert read or not yes, inc.read_text()
        vouched += yes
    assert vouched  # the unbroken files at least


def test_the_acceptor_requires_the_columns_the_reader_requires() -> None:
    """The acceptor's copy of the generic format's required columns (it does not import the
    columnar reader's module) is the reader's."""
    from engagekit_sla import incidents

    assert acceptor.GENERIC_REQUIRED == incidents.GENERIC_REQUIRED
