"""A generic incident file read in batches measures and bills as the whole file does, and fails
with the same error (file, row, field) as the whole-file reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import engagekit
from engagekit_sla import batches, data

SETTINGS = """
data_timezone = "Europe/Berlin"
list_incidents = "all"
max_listed = 40
[components.settings.coverage]
timezone = "Europe/Berlin"
hours = "8x5"
country = "DE"
[components.settings.fee]
monthly = 1000
included_tickets = 20
overage = [{ unit_price = 15 }]
[components.settings.incidents]
file = "inc.csv"
"""
PRIORITIES = ("P1", "P2", "P3", "P4")
#: the hours the Berlin clocks skip in 2026 (no wall-clock time in them exists)
SKIPPED = (np.datetime64("2026-03-29T02", "h"),)


def incident_file(seed: int, n: int, *, shuffled: bool) -> str:
    """Random incidents over 2026 in Berlin wall-clock time: some unanswered, some open, with
    none, one or two pauses (an open one for an open incident), raised priorities, changes."""
    rng = np.random.default_rng(seed)
    lines = ["id,priority,opened,first_response,resolved,pauses,priority_history,caused_by_change"]
    order = rng.permutation(n) if shuffled else np.arange(n)

    def text(t: np.datetime64) -> str:
        return str(t)[:19]

    for i in order:
        while True:
            opened = np.datetime64("2025-12-20T00:00:00") + np.timedelta64(
                int(rng.integers(0, 380 * 86400)), "s"
            )
            response = opened + np.timedelta64(int(rng.integers(60, 20 * 3600)), "s")
            resolved = response + np.timedelta64(int(rng.integers(60, 9 * 86400)), "s")
            p0 = response + (resolved - response) // 4
            p1 = p0 + (resolved - p0) // 3
            p2 = p1 + (resolved - p1) // 2
            stamps = (opened, response, resolved, p0, p1, p2)
            if not any(t.astype("datetime64[h]") in SKIPPED for t in stamps):
                break
        is_open = rng.random() < 0.1
        pauses = ["", f"{text(p0)}/{text(p1)}", f"{text(p0)}/{text(p1)};{text(p2)}/"][
            int(rng.integers(0, 3))
        ]
        if not is_open and pauses.endswith("/"):
            pauses = pauses + text(resolved)
        history = "P4>P2" if rng.random() < 0.1 else ""
        change = f"CHG{int(rng.integers(0, 5))}" if rng.random() < 0.05 else ""
        lines.append(
            ",".join(
                (
                    f"INC{i:05d}",
                    PRIORITIES[int(rng.integers(0, 4))],
                    text(opened),
                    "" if rng.random() < 0.1 else text(response),
                    "" if is_open else text(resolved),
                    pauses,
                    history,
                    change,
                )
            )
        )
    return "\n".join(lines) + "\n"


def figures(engine: engagekit.Engine, path: Path, period: str | None) -> object:
    project = engine.load_project(path)
    component = project.components[0]
    p = engagekit.Period.parse(period) if period else None
    m = engine.measure_component(project, component, p)
    out: list[object] = [m.metrics, m.tables, m.status, m.warnings]
    if p is not None:
        bill = engine.bill_component(project, component, p)
        out.append([(x.description, x.quantity, x.amount) for x in bill.lines])
    return out


def whole_file_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "batches_of", lambda *args: None)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("shuffled", [False, True])
def test_batches_measure_and_bill_as_the_whole_file(
    engine: engagekit.Engine,
    project_file: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    shuffled: bool,
) -> None:
    path = project_file(SETTINGS, {"inc.csv": incident_file(seed, 700, shuffled=shuffled)})
    monkeypatch.setattr(batches, "BATCH_BYTES", 4096)  # about 35 batches
    data._CACHE.clear()
    batched = {period: figures(engine, path, period) for period in ("2026", "2026-03", None)}
    assert isinstance(
        data.load(engine.load_project(path).components[0].settings).incidents,
        batches.IncidentBatches,
    )
    whole_file_only(monkeypatch)
    data._CACHE.clear()
    whole = {period: figures(engine, path, period) for period in ("2026", "2026-03", None)}
    assert batched == whole


def error_of(engine: engagekit.Engine, path: Path) -> tuple[str, object, object, object]:
    data._CACHE.clear()
    project = engine.load_project(path)
    with pytest.raises(engagekit.InputError) as err:
        engine.measure_component(project, project.components[0], engagekit.Period.parse("2026"))
    e = err.value
    return str(e), e.where, e.row, e.field


@pytest.mark.parametrize(
    "breakage",
    [
        "bad timestamp late, empty id later",
        "repeated id in another batch",
        "repeated id, ids unsorted",
        "pause outside its incident late",
        "blank line, then a bad timestamp",
    ],
)
def test_a_batch_fails_as_the_whole_file_does(
    engine: engagekit.Engine,
    project_file: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    breakage: str,
) -> None:
    lines = incident_file(7, 400, shuffled="unsorted" in breakage).splitlines()
    if "bad timestamp" in breakage:
        cells = lines[300].split(",")
        lines[300] = ",".join([cells[0], cells[1], "2026-13-01T10:00:00", *cells[3:]])
    if breakage.startswith("bad timestamp"):
        lines[380] = "," + lines[380].split(",", 1)[1]
    elif breakage.startswith("repeated id"):
        lines[390] = lines[5].split(",")[0] + "," + lines[390].split(",", 1)[1]
    elif breakage.startswith("pause outside"):
        cells = lines[350].split(",")
        cells[5] = "2024-01-01T10:00:00/2024-01-01T11:00:00"
        lines[350] = ",".join(cells)
    elif breakage.startswith("blank line"):
        lines.insert(200, "")  # rows are numbered as lines: the bad one is on line 302
    path = project_file(SETTINGS, {"inc.csv": "\n".join(lines) + "\n"})
    monkeypatch.setattr(batches, "BATCH_BYTES", 4096)
    batched = error_of(engine, path)
    whole_file_only(monkeypatch)
    assert batched == error_of(engine, path)
    assert batched[2] is not None  # names the row


def test_a_file_of_one_batch_is_read_whole(
    engine: engagekit.Engine, project_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batching a file of at most one batch saves nothing, and would read it twice when the
    batch finds an empty last column (as ``priority_history`` mostly is): it is read whole."""
    text = incident_file(3, 60, shuffled=False)
    path = project_file(SETTINGS, {"inc.csv": text})
    settings = engine.load_project(path).components[0].settings
    monkeypatch.setattr(batches, "BATCH_BYTES", len(text.encode()))
    data._CACHE.clear()
    assert isinstance(data.load(settings).incidents, batches.IncidentColumns)
    monkeypatch.setattr(batches, "BATCH_BYTES", len(text.encode()) - 1)
    data._CACHE.clear()
    assert isinstance(data.load(settings).incidents, batches.IncidentBatches)
