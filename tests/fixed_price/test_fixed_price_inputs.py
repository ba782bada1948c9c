"""Every bad input the issue names: exit 1, a message that says what and where, no traceback."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.fixed_price import _project as fp


def run_bad(cli, tmp_path, doc, command=("validate",), extra=()):
    path = fp.write(tmp_path, doc)
    result = cli(command[0], str(path), *command[1:], *extra)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def phases_with(item: dict) -> list[dict]:
    return [
        {"name": "a", "items": [item]},
        {"name": "b", "items": [{"role": "developer", "hours": 8}]},
    ]


def test_min_above_most_likely(cli, tmp_path):
    s = fp.settings(phases=phases_with({"role": "developer", "min": 50, "likely": 40, "max": 60}))
    out = run_bad(cli, tmp_path, fp.project(s))
    assert re.search(
        r'project\.toml:\d+, components "fp" \(fixed-price\), settings\.phases\[0\]\.items\[0\]'
        r"\.min: min \(50\) is greater than most likely \(40\)",
        out,
    )
    assert "min <= likely <= max" in out


def test_most_likely_above_max(cli, tmp_path):
    s = fp.settings(phases=phases_with({"role": "developer", "min": 10, "likely": 70, "max": 60}))
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "phases[0].items[0].max: most likely (70) is greater than max (60)" in out


def test_an_incomplete_three_point_estimate(cli, tmp_path):
    s = fp.settings(phases=phases_with({"role": "developer", "min": 10, "likely": 20}))
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "items[0].max: missing max: a three-point estimate needs min, likely and max" in out


def test_percentages_that_do_not_sum_to_100(cli, tmp_path):
    s = fp.settings(
        milestones=[
            {"name": "start", "percent": 30, "due": date(2026, 3, 2)},
            {"name": "end", "percent": 60, "on_acceptance": "b"},
        ]
    )
    out = run_bad(cli, tmp_path, fp.project(s))
    assert re.search(
        r'project\.toml:\d+, components "fp" \(fixed-price\), settings\.milestones\[0\]\.percent: '
        r"milestone percentages sum to 90, not 100 \(30 \+ 60\)",
        out,
    )
    assert "make them add up to 100" in out


def test_change_request_payment_percentages_must_sum_to_100(cli, tmp_path):
    s = fp.settings(
        change_requests=[
            {
                "id": "CR-1",
                "approved": date(2026, 4, 1),
                "price": 1000,
                "items": [{"role": "developer", "hours": 8}],
                "payments": [{"name": "half", "percent": 50, "due": date(2026, 4, 1)}],
            }
        ]
    )
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "change_requests[0].payments[0].percent: milestone percentages sum to 50" in out


def test_milestone_tied_to_an_unknown_phase(cli, tmp_path):
    s = fp.settings(milestones=[{"name": "end", "percent": 100, "on_acceptance": "c"}])
    out = run_bad(cli, tmp_path, fp.project(s))
    assert re.search(
        r'project\.toml:\d+, components "fp" \(fixed-price\), settings\.milestones\[0\]'
        r"\.on_acceptance: milestone 'end' is due on acceptance of 'c', which is not "
        r"a phase",
        out,
    )
    assert "use one of: a, b" in out


def test_milestone_due_outside_the_timeframe(cli, tmp_path):
    s = fp.settings(milestones=[{"name": "end", "percent": 100, "due": date(2026, 9, 1)}])
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "milestones[0].due: due date of milestone 'end' (2026-09-01) is outside" in out


def acceptance_project(tmp_path, rows: str) -> dict:
    name = fp.write_csv(tmp_path, "acceptance.csv", "phase,accepted\n" + rows)
    return fp.project(fp.settings(acceptance=name))


def test_acceptance_of_an_unknown_phase(cli, tmp_path):
    doc = acceptance_project(tmp_path, "a,2026-03-20\nz,2026-04-10\n")
    out = run_bad(cli, tmp_path, doc, ("bill", "--period", "2026-04"))
    assert "acceptance.csv, row 3, phase: unknown phase 'z' of component 'fp'" in out
    assert "phases and change requests: a, b" in out


def test_acceptance_outside_the_timeframe(cli, tmp_path):
    doc = acceptance_project(tmp_path, "a,2026-03-20\nb,2026-07-02\n")
    out = run_bad(cli, tmp_path, doc, ("bill", "--period", "2026-04"))
    assert (
        "acceptance.csv, row 3, accepted: 'b' accepted on 2026-07-02, outside the "
        "component's timeframe 2026-03-02 .. 2026-06-30"
    ) in out


def test_all_bad_acceptance_rows_are_reported(cli, tmp_path):
    doc = acceptance_project(tmp_path, "x,2026-03-20\nb,2025-01-01\nb,not a date\n")
    out = run_bad(cli, tmp_path, doc, ("measure",))
    assert "3 problems" in out and "row 2" in out and "row 3" in out and "row 4" in out


def progress_project(tmp_path, rows: str) -> dict:
    name = fp.write_csv(
        tmp_path, "progress.csv", "date,phase,percent_complete,actual_hours\n" + rows
    )
    return fp.project(fp.settings(progress=name))


def test_progress_above_100_percent(cli, tmp_path):
    doc = progress_project(tmp_path, "2026-03-13,a,40,30\n2026-03-20,a,120,80\n")
    out = run_bad(cli, tmp_path, doc, ("measure",))
    assert "progress.csv, row 3, percent_complete: percent complete 120 is above 100" in out
    assert "hint:" in out


def test_progress_of_an_unknown_phase_and_negative_hours(cli, tmp_path):
    doc = progress_project(tmp_path, "2026-03-13,q,40,30\n2026-03-13,a,40,-3\n")
    out = run_bad(cli, tmp_path, doc, ("measure",))
    assert "row 2, phase: unknown phase 'q'" in out
    assert "row 3, actual_hours: actual hours must not be negative" in out


def test_progress_file_without_actuals(cli, tmp_path):
    name = fp.write_csv(tmp_path, "progress.csv", "date,phase,percent_complete\n2026-03-13,a,4\n")
    out = run_bad(cli, tmp_path, fp.project(fp.settings(progress=name)), ("measure",))
    assert (
        "progress.csv, row 1: a progress report needs a column actual_hours or actual_cost" in out
    )


@pytest.mark.parametrize(
    "team, expected",
    [
        (
            [],
            'components "fp" (fixed-price), settings.team: the fixed team has no capacity: no team members',
        ),
        (
            [{"role": "developer", "fte": 0}],
            'components "fp" (fixed-price), settings.team[0].fte: the fixed team has no capacity: every allocation is 0',
        ),
    ],
)
def test_a_team_with_no_capacity(cli, tmp_path, team, expected):
    out = run_bad(cli, tmp_path, fp.project(fp.settings(team=team)))
    assert expected in out
    assert "hint: add [[components.settings.team]]" in out


def test_a_team_whose_members_work_only_on_holidays(cli, tmp_path):
    # the only developer is on the team for Christmas Day 2026 only
    s = fp.settings(
        team=[{"role": "developer", "start": date(2026, 12, 25), "end": date(2026, 12, 25)}]
    )
    doc = fp.project(
        s, end=date(2026, 12, 31), calendar={"timezone": "UTC", "country": "DE", "hours": "8x5"}
    )
    out = run_bad(cli, tmp_path, doc, ("estimate",), ("--trials", "10"))
    assert "the fixed team has no capacity for role 'developer'" in out
    assert 'components "fp" (fixed-price), settings.team' in out


def test_an_item_whose_role_is_not_in_the_team(cli, tmp_path):
    s = fp.settings(phases=phases_with({"role": "tester", "hours": 8}))
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "phases[0].items[0].role: no one in the fixed team has role 'tester'" in out


def test_single_figure_above_300_hours_is_refused_with_the_reason(cli, tmp_path):
    s = fp.settings(
        phases=[
            {"name": "a", "items": [{"role": "developer", "min": 100, "likely": 200, "max": 300}]},
            {"name": "b", "items": [{"role": "developer", "hours": 120}]},
        ]
    )
    out = run_bad(cli, tmp_path, fp.project(s))
    assert (
        "phases[1].items[0].hours: item 'developer' has a single-figure estimate "
        "(hours = 120), which is not accepted here: the most-likely total is 320 hours, "
        "more than 300"
    ) in out
    assert "must be divided into phases, each with a min-max estimate" in out
    assert "hint: replace hours = 120 with a range: min = ..., likely = 120, max = ..." in out


def test_new_technology_needs_ranges_even_below_300_hours(cli, tmp_path):
    s = fp.settings(
        phases=[
            {
                "name": "a",
                "new_technology": True,
                "items": [{"role": "developer", "min": 10, "likely": 20, "max": 40}],
            },
            {"name": "b", "items": [{"role": "developer", "hours": 12}]},
        ]
    )
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "phases[1].items[0].hours" in out
    assert "phase 'a' is flagged as new technology" in out


def test_new_technology_in_a_single_phase_asks_for_phases(cli, tmp_path):
    s = fp.settings(
        phases=[
            {
                "name": "all",
                "items": [
                    {
                        "name": "api",
                        "role": "developer",
                        "min": 10,
                        "likely": 20,
                        "max": 40,
                        "new_technology": True,
                    }
                ],
            }
        ]
    )
    out = run_bad(cli, tmp_path, fp.project(s))
    assert (
        "components \"fp\" (fixed-price), settings.phases[0]: item 'api' is flagged as new technology"
        in out
    )
    assert "this project has a single phase" in out
    assert "hint: split the work items into two or more" in out


def test_min_equal_to_max_is_a_single_figure_in_disguise(cli, tmp_path):
    s = fp.settings(
        phases=[
            {"name": "a", "items": [{"role": "developer", "min": 200, "likely": 200, "max": 200}]},
            {"name": "b", "items": [{"role": "developer", "min": 100, "likely": 150, "max": 200}]},
        ]
    )
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "phases[0].items[0].max: item 'developer' has min = max = 200" in out


def test_single_figures_are_fine_below_the_rule(cli, tmp_path):
    path = fp.write(tmp_path, fp.project())
    result = cli("validate", str(path))
    assert result.exit_code == 0, result.output


def test_a_missing_cost_rate(cli, tmp_path):
    s = fp.settings()
    del s["cost_rates"]
    out = run_bad(cli, tmp_path, fp.project(s), ("estimate",), ("--trials", "10"))
    assert "no rate for role 'developer'" in out
    assert (
        'components "fp" (fixed-price), settings.cost_rates' in out
        and "hint: add cost_rates" in out
    )


def test_milestone_amounts_that_miss_the_estimated_price(cli, tmp_path):
    s = fp.settings(milestones=[{"name": "all", "amount": 1000, "due": date(2026, 3, 2)}])
    out = run_bad(cli, tmp_path, fp.project(s), ("bill", "--period", "2026-03"))
    assert "milestone amounts add up to 1,000.00 EUR, but the price is 14,000.00 EUR" in out
    assert 'components "fp" (fixed-price), settings.milestones' in out


def test_milestone_amounts_above_the_contract_price(cli, tmp_path):
    s = fp.settings(
        contract_price=Decimal(500),
        milestones=[{"name": "all", "amount": 1000, "due": date(2026, 3, 2)}],
    )
    out = run_bad(cli, tmp_path, fp.project(s))
    assert "milestone amounts sum to 1000, more than the price (500)" in out


def test_roster_with_a_bad_row(cli, tmp_path):
    name = fp.write_csv(tmp_path, "roster.csv", "role,person,fte,start,end\ndeveloper,Dev,1.5,,\n")
    out = run_bad(cli, tmp_path, fp.project(fp.settings(roster=name)), ("staff",))
    assert "roster.csv, row 2, fte: Dev is allocated 1.5 FTE; one person gives at most 1" in out


def test_unknown_setting_is_named(cli, tmp_path):
    out = run_bad(cli, tmp_path, fp.project(fp.settings(retension=5)))
    assert "unknown key 'retension' (did you mean 'retention'?)" in out
