"""Through the CLI: the examples in table and JSON form, and each bad input of the issue
(exit 1, a message naming the place, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

TM = EXAMPLES / "dedicated-team.toml"
COST_PLUS = EXAMPLES / "dedicated-team-cost-plus.toml"


@pytest.mark.parametrize("example", [TM, COST_PLUS], ids=["tm", "cost-plus"])
@pytest.mark.parametrize(
    "args",
    [
        ("estimate", "--trials", "300"),
        ("bill", "--period", "2026-05"),
        ("bill", "--period", "2026-10"),
        ("staff",),
        ("measure", "--period", "2026-06"),
        ("measure",),
    ],
    ids=lambda a: "-".join(a[:3:2]) if len(a) > 1 else a[0],
)
def test_examples_work_in_table_and_json_form(cli, example, args):
    table = cli(args[0], str(example), *args[1:])
    assert table.exit_code == 0, table.output
    assert "dedicated-team" in table.output or "team" in table.output
    doc = cli(args[0], str(example), *args[1:], "--json")
    assert doc.exit_code == 0, doc.output
    json.loads(doc.stdout)


def test_example_bills_show_each_basis(cli):
    tm = json.loads(cli("bill", str(TM), "--period", "2026-10", "--json").stdout)
    kinds = {line["kind"] for line in tm["invoices"][0]["lines"]}
    assert {"service", "time", "notice", "fee"} <= kinds
    cp = json.loads(cli("bill", str(COST_PLUS), "--period", "2026-05", "--json").stdout)
    kinds = {line["kind"] for line in cp["invoices"][0]["lines"]}
    assert {"cost", "margin", "fee"} <= kinds


def _variant(tmp_path: Path, old: str, new: str, example: Path = TM) -> Path:
    text = example.read_text()
    assert old in text, old
    text = text.replace(old, new).replace(
        '"data/dedicated_team/', f'"{example.parent}/data/dedicated_team/'
    )
    path = tmp_path / "project.toml"
    path.write_text(text)
    return path


def _fails(cli, path: Path, *expected: str) -> str:
    result = cli("staff", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output
    return result.output


def test_member_starting_outside_the_term(cli, tmp_path):
    path = _variant(
        tmp_path,
        "start = 2026-07-20\nrequested = 2026-06-13",
        "start = 2027-03-20\nrequested = 2026-06-13",
    )
    _fails(
        cli,
        path,
        "project.toml:",
        'components "Platform team" (dedicated-team), settings.members[6].start',
        "'Omar Haddad' starts on 2027-03-20, outside the contract term 2026-03-01..2027-02-28",
    )


def test_member_ending_outside_the_term(cli, tmp_path):
    path = _variant(tmp_path, "end = 2026-06-12", "end = 2027-06-12")
    _fails(
        cli,
        path,
        'components "Platform team" (dedicated-team), settings.members[3].end',
        "'Marta Silva' ends on 2027-06-12, outside the contract term",
    )


def test_reduction_inside_the_notice_period(cli, tmp_path):
    path = _variant(
        tmp_path,
        'requested = 2026-09-10\nperson = "Jonas Weber"',
        'requested = 2026-09-10\neffective = 2026-09-20\nperson = "Jonas Weber"',
    )
    _fails(
        cli,
        path,
        'components "Platform team" (dedicated-team), settings.changes[0].effective',
        "requested on 2026-09-10 cannot take effect on 2026-09-20",
        "the notice period is 30 days",
        "it can take effect on 2026-10-10 at the earliest",
    )


def test_reduction_inside_the_minimum_term(cli, tmp_path):
    path = _variant(
        tmp_path,
        'requested = 2026-09-10\nperson = "Jonas Weber"',
        'requested = 2026-05-10\neffective = 2026-06-20\nperson = "Jonas Weber"',
    )
    _fails(
        cli,
        path,
        "the minimum term of 6 months runs to 2026-08-31",
        "it can take effect on 2026-09-01 at the earliest",
    )


def test_role_without_a_rate_for_tm(cli, tmp_path):
    path = _variant(tmp_path, "rate = 8200\n", "")
    _fails(
        cli,
        path,
        'components "Platform team" (dedicated-team), settings.positions[2].rate',
        "role 'qa' has no rate, which tm billing needs",
    )


def test_role_without_a_cost_for_cost_plus(cli, tmp_path):
    path = _variant(tmp_path, "monthly_cost = 4800\n", "", COST_PLUS)
    _fails(
        cli,
        path,
        'components "Data team" (dedicated-team), settings.positions[1].monthly_cost',
        "role 'analyst' has no monthly_cost, which cost-plus billing needs",
    )


def test_negative_headcount(cli, tmp_path):
    path = _variant(tmp_path, 'role = "qa"\nheadcount = 1', 'role = "qa"\nheadcount = -1')
    _fails(
        cli,
        path,
        'components "Platform team" (dedicated-team), settings.positions[2].headcount',
        "negative headcount (-1)",
    )


def test_negative_headcount_in_the_ramp_up(cli, tmp_path):
    path = _variant(
        tmp_path, "headcount = { developer = 3, qa = 1 }", "headcount = { developer = -3, qa = 1 }"
    )
    _fails(
        cli,
        path,
        'components "Platform team" (dedicated-team), settings.ramp_up[1].headcount',
        "negative headcount (-3) for role 'developer'",
    )


def test_reduction_below_zero_seats(cli, tmp_path):
    path = _variant(
        tmp_path,
        'kind = "reduction"\nrole = "developer"\nheadcount = 1',
        'kind = "reduction"\nrole = "developer"\nheadcount = 5',
    )
    _fails(
        cli,
        path,
        'components "Platform team" (dedicated-team), settings.changes[0].headcount',
        "leaves a negative headcount (-1)",
    )


@pytest.mark.parametrize("value", ["120", "-5"])
def test_attrition_outside_0_to_100(cli, tmp_path, value):
    path = _variant(tmp_path, "attrition_percent = 15", f"attrition_percent = {value}")
    out = _fails(
        cli,
        path,
        "project.toml:32",
        'components "Platform team" (dedicated-team), settings.attrition_percent',
        f"expected annual attrition of {value}% is outside 0-100%",
    )
    assert "hint:" in out


def test_cost_file_row_outside_the_term(cli, tmp_path):
    costs = tmp_path / "costs.csv"
    costs.write_text("date,category,amount\n2026-05-31,salary,100.00\n2025-12-31,salary,5.00\n")
    path = _variant(tmp_path, '"data/dedicated_team/costs.csv"', f'"{costs}"', COST_PLUS)
    result = cli("bill", str(path), "--period", "2026-05")
    assert result.exit_code == 1
    assert "costs.csv, row 3, date: 2025-12-31 is outside the contract term" in result.output
