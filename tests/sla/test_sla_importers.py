"""Importers: the real ServiceNow event log, Jira Service Management, the generic formats."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import engagekit
from engagekit_sla.incidents import read_incidents
from engagekit_sla.instants import MISSING
from engagekit_sla.priorities import PriorityMap
from engagekit_sla.settings import DEFAULT_PAUSE_STATES, Priority

from .conftest import SERVICENOW

PMAP = PriorityMap([Priority(name=f"P{i}") for i in range(1, 5)])


def utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


@pytest.mark.skipif(not SERVICENOW.exists(), reason="shared data not present")
def test_real_servicenow_event_log_imports_every_row() -> None:
    with SERVICENOW.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5998
    cols = read_incidents(SERVICENOW, "servicenow", "UTC", PMAP, DEFAULT_PAUSE_STATES)
    assert len(cols) == 890 == len({r["number"] for r in rows})
    assert set(cols.ids.to_list()) == {r["number"] for r in rows}
    assert (cols.opened != MISSING).all()
    assert (cols.resolved != MISSING).all()  # every incident ends Closed
    assert (cols.resolved >= cols.opened).all()
    assert (cols.responded >= cols.opened).all()
    assert (cols.pause_end > cols.pause_start).all()
    assert (cols.pause_start >= cols.opened[cols.pause_owner]).all()
    assert (cols.pause_end <= cols.resolved[cols.pause_owner]).all()
    waiting = sum(r["incident_state"].startswith("Awaiting") for r in rows)
    assert waiting == 990
    assert 0 < len(cols.pause_owner) <= waiting
    counts = np.bincount(cols.priority, minlength=4)
    assert counts.sum() == 890 and counts[2] > counts[0]


@pytest.mark.skipif(not SERVICENOW.exists(), reason="shared data not present")
def test_servicenow_incident_history_by_hand() -> None:
    """INC0000045: New 01:23, Resolved 08:53, Resolved 11:29, Closed; resolved_at 11:29."""
    cols = read_incidents(SERVICENOW, "servicenow", "UTC", PMAP, DEFAULT_PAUSE_STATES)
    k = cols.ids.to_list().index("INC0000045")
    assert cols.opened[k] == utc("2016-02-29 01:16")
    assert cols.responded[k] == utc("2016-02-29 08:53")
    assert cols.resolved[k] == utc("2016-02-29 11:29")
    assert cols.priority[k] == 2
    assert not (cols.pause_owner == k).any()


@pytest.mark.skipif(not SERVICENOW.exists(), reason="shared data not present")
def test_servicenow_measures_through_the_cli(
    project_file: Callable[..., Path], run_cli: Callable
) -> None:
    path = project_file(
        f"""
        data_timezone = "UTC"
        [components.settings.coverage]
        timezone = "UTC"
        hours = "24x7"
        [components.settings.incidents]
        file = "{SERVICENOW}"
        format = "servicenow"
        """,
        start="2016-02-01",
        end="2017-03-31",
    )
    result = run_cli("measure", path, "--json")
    assert result.exit_code == 0, result.output
    import json

    doc = json.loads(result.stdout)
    metrics = doc["components"][0]["metrics"]
    assert metrics["incidents"] == 890
    assert metrics["open_backlog"] == 0
    rows = doc["components"][0]["tables"]["priorities"]
    assert [r["priority"] for r in rows] == ["P1", "P2", "P3", "P4"]
    assert sum(r["incidents"] for r in rows) == 890


def _event_log(tmp_path: Path, events: list[tuple[str, str, str, str]]) -> Path:
    """Minimal ServiceNow event log: (state, priority, sys_updated_at, resolved_at)."""
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "number",
                "incident_state",
                "sys_mod_count",
                "opened_at",
                "sys_updated_at",
                "priority",
                "resolved_at",
                "closed_at",
            ]
        )
        for i, (state, prio, updated, resolved) in enumerate(events):
            w.writerow(["INC1", state, i, "02-03-2026 09:00", updated, prio, resolved, "?"])
    return path


def test_servicenow_pause_lasts_until_the_next_update(tmp_path: Path) -> None:
    path = _event_log(
        tmp_path,
        [
            ("New", "3 - Moderate", "02-03-2026 09:00", "?"),
            ("Active", "3 - Moderate", "02-03-2026 09:20", "?"),
            ("Awaiting User Info", "2 - High", "02-03-2026 10:00", "?"),
            ("Active", "2 - High", "02-03-2026 13:30", "?"),
            ("Awaiting Vendor", "1 - Critical", "02-03-2026 14:00", "?"),
            ("Resolved", "2 - High", "02-03-2026 16:00", "02-03-2026 15:30"),
        ],
    )
    cols = read_incidents(path, "servicenow", "Europe/Berlin", PMAP, DEFAULT_PAUSE_STATES)
    assert len(cols) == 1
    assert cols.priority[0] == 1 and cols.highest[0] == 0  # final P2, highest P1
    berlin = "+01:00"
    assert cols.responded[0] == int(datetime.fromisoformat(f"2026-03-02T09:20{berlin}").timestamp())
    pauses = sorted(zip(cols.pause_start.tolist(), cols.pause_end.tolist(), strict=True))
    t = lambda hm: int(datetime.fromisoformat(f"2026-03-02T{hm}{berlin}").timestamp())  # noqa: E731
    # the vendor pause is cut at the resolution (15:30), not the later update (16:00)
    assert pauses == [(t("10:00"), t("13:30")), (t("14:00"), t("15:30"))]


def test_jira_service_management_export(tmp_path: Path) -> None:
    path = tmp_path / "jira.csv"
    path.write_text(
        "Issue key,Issue Type,Status,Priority,Created,Resolved,Updated\n"
        "SD-1,Incident,Resolved,P1,02/Mar/26 9:15 AM,02/Mar/26 11:45 AM,02/Mar/26 11:45 AM\n"
        "SD-2,Service Request,Waiting for customer,P3,03/Mar/26 2:00 PM,,04/Mar/26 10:00 AM\n"
        "SD-3,Problem,Open,P2,03/Mar/26 2:00 PM,,03/Mar/26 2:00 PM\n"
    )
    cols = read_incidents(path, "jira", "Europe/Berlin", PMAP, DEFAULT_PAUSE_STATES)
    assert cols.ids.to_list() == ["SD-1", "SD-2"] and cols.skipped == 1
    assert cols.resolved[0] - cols.opened[0] == 150 * 60
    assert cols.resolved[1] == MISSING
    assert cols.pause_owner.tolist() == [1] and cols.pause_end.tolist() == [MISSING]
    assert cols.rows.tolist() == [2, 3]


def test_generic_with_pauses_file(tmp_path: Path) -> None:
    (tmp_path / "inc.csv").write_text(
        "id,priority,opened,first_response,resolved\n"
        "A,P2,2026-03-02T09:00:00+01:00,2026-03-02T09:10:00+01:00,2026-03-02T12:00:00+01:00\n"
        "B,P3,2026-03-02 10:00,,\n"
    )
    (tmp_path / "p.csv").write_text(
        "incident,start,end,reason\nA,2026-03-02 10:00,"
        "2026-03-02 11:00,customer\nB,2026-03-02 11:00,,vendor\n"
    )
    cols = read_incidents(
        tmp_path / "inc.csv", "generic", "Europe/Berlin", PMAP, (), tmp_path / "p.csv"
    )
    assert cols.pause_owner.tolist() == [0, 1]
    assert cols.pause_end[1] == MISSING
    assert cols.pause_end[0] - cols.pause_start[0] == 3600


def test_generic_inline_pauses_and_priority_history(tmp_path: Path) -> None:
    (tmp_path / "inc.csv").write_text(
        "id,priority,opened,resolved,pauses,priority_history\n"
        "A,P3,2026-03-02 09:00,2026-03-03 12:00,"
        "2026-03-02T10:00/2026-03-02T11:00;2026-03-02T12:00/2026-03-02T12:30,P4>P1\n"
    )
    cols = read_incidents(tmp_path / "inc.csv", "generic", "Europe/Berlin", PMAP, ())
    assert cols.pause_owner.tolist() == [0, 0]
    assert (cols.pause_end - cols.pause_start).tolist() == [3600, 1800]
    assert cols.priority.tolist() == [2] and cols.highest.tolist() == [0]


def test_priority_aliases_and_numbered_names() -> None:
    pmap = PriorityMap([Priority(name="P1", aliases=("Critical",)), Priority(name="P2")])
    assert pmap.index("critical ") == 0
    assert pmap.index("2 - High") == 1
    assert pmap.index("Urgent") is None


def test_empty_incident_file_reads_no_rows(tmp_path: Path) -> None:
    (tmp_path / "inc.csv").write_text("id,priority,opened\n")
    cols = read_incidents(tmp_path / "inc.csv", "generic", None, PMAP, ())
    assert len(cols) == 0


def test_missing_column_is_named(tmp_path: Path) -> None:
    (tmp_path / "inc.csv").write_text("id,opened\nA,2026-03-02 09:00\n")
    with pytest.raises(engagekit.InputError, match="missing column priority"):
        read_incidents(tmp_path / "inc.csv", "generic", "UTC", PMAP, ())
