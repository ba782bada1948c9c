"""The example through the CLI, and every bad input of the issue: a clear message, exit 1."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engagekit.testing import ModelContract

from .conftest import EXAMPLE


def text(result: Any) -> str:
    out = result.output
    with contextlib.suppress(ValueError, AttributeError):
        out += result.stderr
    return out


class TestSlaContract(ModelContract):
    model = "sla"
    project_file = EXAMPLE
    period = "2026-03"


@pytest.mark.parametrize(
    "args",
    [
        ("measure", EXAMPLE, "--period", "2026-03", "--json"),
        ("measure", EXAMPLE, "--period", "2026-03"),
        ("measure", EXAMPLE, "--json"),
        ("bill", EXAMPLE, "--period", "2026-03", "--json"),
        ("bill", EXAMPLE, "--period", "2026-03"),
        ("estimate", EXAMPLE, "--json"),
        ("estimate", EXAMPLE),
        ("staff", EXAMPLE, "--json"),
        ("staff", EXAMPLE),
        ("validate", EXAMPLE),
    ],
)
def test_example_commands(run_cli: Callable, args: tuple) -> None:
    result = run_cli(*args)
    assert result.exit_code == 0, text(result)


def test_example_measure_json_document(run_cli: Callable) -> None:
    result = run_cli("measure", EXAMPLE, "--period", "2026-03", "--json")
    doc = json.loads(result.stdout)
    comp = doc["components"][0]
    assert comp["model"] == "sla" and comp["status"] in ("on-track", "at-risk", "off-track")
    assert "availability_pct" in comp["metrics"]
    row = comp["tables"]["priorities"][0]
    assert list(row)[:5] == ["priority", "incidents", "met", "breached", "compliance_pct"]
    assert isinstance(row["compliance_pct"], str)  # a Decimal, serialised exactly


COVERAGE = """
[components.settings.coverage]
timezone = "Europe/Berlin"
hours = "8x5"
[components.settings.incidents]
file = "inc.csv"
"""
ZONED = 'data_timezone = "Europe/Berlin"\n' + COVERAGE


def fails(run_cli: Callable, path: Path, *expected: str, command: str = "measure") -> None:
    args = [command, path] + (["--period", "2026-03"] if command in ("measure", "bill") else [])
    result = run_cli(*args)
    out = text(result)
    assert result.exit_code == 1, out
    assert "Traceback" not in out
    for e in expected:
        assert e in out, out


def test_resolved_before_opened(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(
        ZONED,
        {
            "inc.csv": """
        id,priority,opened,resolved
        A,P1,2026-03-02 09:00,2026-03-02 10:00
        B,P2,2026-03-03 09:00,2026-03-03 08:00
        """
        },
    )
    fails(run_cli, path, "inc.csv", "row 3", "resolved", "resolved before opened")


def test_unknown_priority_lists_the_known_ones(
    run_cli: Callable, project_file: Callable[..., Path]
) -> None:
    path = project_file(
        ZONED,
        {
            "inc.csv": """
        id,priority,opened
        A,P1,2026-03-02 09:00
        B,Urgent,2026-03-02 09:00
        """
        },
    )
    fails(run_cli, path, "row 3", "unknown priority 'Urgent'", "known priorities: P1; P2; P3; P4")


def test_pause_ending_before_it_starts(
    run_cli: Callable, project_file: Callable[..., Path]
) -> None:
    path = project_file(
        ZONED,
        {
            "inc.csv": """
        id,priority,opened,resolved,pauses
        A,P1,2026-03-02 09:00,2026-03-02 17:00,2026-03-02T12:00/2026-03-02T11:00
        """
        },
    )
    fails(run_cli, path, "row 2", "pauses", "pause ends", "before it starts")


def test_pause_outside_the_incident(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(
        ZONED.replace('file = "inc.csv"', 'file = "inc.csv"\npauses = "p.csv"'),
        {
            "inc.csv": """
            id,priority,opened,resolved
            A,P1,2026-03-02 09:00,2026-03-02 17:00
            """,
            "p.csv": """
            incident,start,end
            A,2026-03-02 10:00,2026-03-02 11:00
            A,2026-03-02 16:00,2026-03-02 18:00
            """,
        },
    )
    fails(run_cli, path, "p.csv", "row 3", "outside its incident")


def test_overlapping_pauses(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(
        ZONED,
        {
            "inc.csv": """
        id,priority,opened,resolved,pauses
        A,P1,2026-03-02 09:00,2026-03-02 17:00,2026-03-02T10:00/2026-03-02T12:00;2026-03-02T11:00/2026-03-02T13:00
        """
        },
    )
    fails(run_cli, path, "row 2", "overlaps")


def test_timestamps_without_zone_and_no_zone_configured(
    run_cli: Callable, project_file: Callable[..., Path]
) -> None:
    path = project_file(
        COVERAGE,
        {
            "inc.csv": """
        id,priority,opened
        A,P1,2026-03-02T09:00:00+01:00
        B,P1,2026-03-02 09:00
        """
        },
    )
    fails(run_cli, path, "inc.csv", "row 3", "opened", "has no time zone", "timezone")


def test_wall_clock_time_in_the_spring_gap(
    run_cli: Callable, project_file: Callable[..., Path]
) -> None:
    path = project_file(ZONED, {"inc.csv": "id,priority,opened\nA,P1,2026-03-29 02:30\n"})
    fails(run_cli, path, "row 2", "does not exist in Europe/Berlin")


def test_unparseable_timestamp(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(ZONED, {"inc.csv": "id,priority,opened\nA,P1,yesterday\n"})
    fails(run_cli, path, "row 2", "'yesterday' is not a date-time")


CREDITS = """
[components.settings.availability]
target_pct = 99.9
[components.settings.credits]
[[components.settings.credits.tiers]]
from_pct = {a}
below_pct = 99.9
credit_pct = 10
[[components.settings.credits.tiers]]
below_pct = {b}
credit_pct = 30
"""


def test_credit_bands_that_overlap(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(CREDITS.format(a="99.0", b="99.5"))
    fails(run_cli, path, "project.toml", "credits.tiers", "overlap", command="validate")


def test_credit_bands_with_a_gap(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(CREDITS.format(a="99.0", b="98.0"))
    fails(run_cli, path, "credits.tiers", "gap between 98.0% and 99.0%", command="validate")


def test_arrival_rate_the_staff_can_never_serve(
    run_cli: Callable, project_file: Callable[..., Path]
) -> None:
    path = project_file("""
        [components.settings.staffing]
        max_agents = 10
        cost_per_hour = 40
        [[components.settings.staffing.windows]]
        name = "day"
        hours = "08:00-18:00"
        arrivals_per_hour = 120
        handling_minutes = 30
        """)
    fails(
        run_cli,
        path,
        "window 'day'",
        "more than the 10 agents available",
        "max_agents",
        command="staff",
    )
    fails(run_cli, path, "max_agents", command="estimate")


def test_service_level_of_100_percent(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file("[components.settings.staffing]\nservice_level_pct = 100\n")
    fails(run_cli, path, "service_level_pct", "can never be met", command="validate")


def test_no_priorities(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file("", priorities="priorities = []\n")
    fails(run_cli, path, "priorities", "at least one priority", command="validate")


def test_missing_data_file(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(ZONED)
    fails(run_cli, path, "inc.csv", "does not exist", command="validate")


def test_duplicate_incident_ids(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(
        ZONED,
        {
            "inc.csv": """
        id,priority,opened
        A,P1,2026-03-02 09:00
        B,P1,2026-03-02 09:00
        A,P2,2026-03-03 09:00
        """
        },
    )
    fails(run_cli, path, "row 4", "incident 'A' appears twice")


def test_pause_without_slash(run_cli: Callable, project_file: Callable[..., Path]) -> None:
    path = project_file(
        ZONED,
        {
            "inc.csv": """
        id,priority,opened,resolved,pauses
        A,P1,2026-03-02 09:00,2026-03-02 17:00,2026-03-02T10:00
        """
        },
    )
    fails(run_cli, path, "row 2", "is not start/end")
