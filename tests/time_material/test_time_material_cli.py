"""Bad input through the CLI: exit 1, a message naming file, row and field, no traceback.
And the example project works with every command."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from .conftest import DATA

HEAD = "date,person,role,minutes,category,start,end\n"


def _fails(result, *needles: str) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output
    return str(result.output)


def _bill(cli, write_project, text: str, **kw):  # type: ignore[no-untyped-def]
    path = write_project({"time_entries": "t.csv", **kw.pop("settings", {})}, {"t.csv": text}, **kw)
    return cli("bill", path, "--period", "2026-03")


def test_every_row_without_a_rate_is_listed(cli, write_project):
    text = (
        "date,person,role,minutes\n"
        "2026-03-02,Ana,developer,60\n"
        "2026-03-02,Dee,designer,60\n"
        "2026-03-03,Dee,designer,30\n"
        "2026-03-03,Zed,,45\n"
    )
    out = _fails(
        _bill(cli, write_project, text),
        "3 problems",
        "t.csv, row 3, role",
        "no rate for Dee (role 'designer') on 2026-03-02",
        "t.csv, row 4, role",
        "t.csv, row 5, role: no rate for Zed (no role) on 2026-03-03",
    )
    assert "row 2," not in out


def test_a_role_with_a_rate_only_from_a_later_date_has_no_rate_before_it(cli, write_project):
    text = "date,person,role,minutes\n2026-03-02,Ana,senior,60\n"
    rates = [{"role": "senior", "bill": Decimal(130), "valid_from": "2026-04-01"}]
    _fails(
        _bill(cli, write_project, text, rates=rates),
        "row 2, role",
        "no rate for Ana (role 'senior') on 2026-03-02",
    )


def test_zero_negative_and_over_a_day_durations(cli, write_project):
    text = (
        "date,person,role,minutes\n"
        "2026-03-02,Ana,developer,0\n"
        "2026-03-03,Ana,developer,-30\n"
        "2026-03-04,Ana,developer,1500\n"
        "2026-03-05,Ana,developer,60\n"
    )
    _fails(
        _bill(cli, write_project, text),
        "3 problems",
        "row 2, minutes: duration must be positive (got 0 minutes)",
        "row 3, minutes: duration must be positive (got -30 minutes)",
        "row 4, minutes: a duration of 25.00 hours is more than a day holds",
    )


def test_more_than_24_hours_of_one_person_on_one_date(cli, write_project):
    text = (
        "date,person,role,minutes\n"
        "2026-03-02,Ana,developer,800\n"
        "2026-03-02,Ana,developer,700\n"
        "2026-03-02,Ben,lead,700\n"
    )
    _fails(
        _bill(cli, write_project, text),
        "row 2, minutes",
        "Ana has 25.00 hours on 2026-03-02, more than a day holds (rows 2, 3)",
    )


def test_harvest_hours_over_a_day(cli, write_project):
    text = (DATA / "harvest_detailed.csv").read_text().replace(",6.5,6.5,", ",25,25,", 1)
    _fails(
        _bill(cli, write_project, text),
        "row 2, Hours",
        "a duration of 25.00 hours is more than a day holds",
    )


def test_entries_outside_the_component_are_listed(cli, write_project):
    text = (
        "date,person,role,minutes\n"
        "2025-12-31,Ana,developer,60\n"
        "2026-03-02,Ana,developer,60\n"
        "2026-07-01,Ana,developer,60\n"
    )
    _fails(
        _bill(cli, write_project, text),
        "2 problems",
        "row 2, date: entry of Ana on 2025-12-31 is outside the component's timeframe "
        "2026-01-01..2026-06-30",
        "row 4, date",
    )


def test_duplicate_entries_without_times(cli, write_project):
    text = (
        "date,person,role,minutes,category,notes\n"
        "2026-03-02,Ana,developer,60,Dev,API\n"
        "2026-03-02,Ana,developer,60,Dev,API\n"
        "2026-03-02,Ana,developer,60,Dev,UI\n"
    )
    _fails(
        _bill(cli, write_project, text, settings={"duplicates": "error"}),
        "row 3: duplicate of row 2: Ana, 2026-03-02, 60 minutes",
    )


def test_duplicate_and_overlapping_entries_with_times(cli, write_project):
    text = HEAD + (
        "2026-03-02,Ana,developer,120,Dev,09:00,11:00\n"
        "2026-03-02,Ana,developer,120,Dev,09:00,11:00\n"
        "2026-03-02,Ana,developer,60,Dev,10:30,11:30\n"
        "2026-03-02,Ben,lead,60,Dev,10:30,11:30\n"
        "2026-03-02,Ana,developer,60,Dev,13:00,14:00\n"
    )
    strict = {"duplicates": "error", "overlaps": "error"}
    out = _fails(
        _bill(cli, write_project, text, settings=strict),
        "2 problems",
        "row 3: duplicate of row 2: Ana, 2026-03-02 09:00-11:00",
        "row 4, start: entry of Ana 2026-03-02 10:30-11:30 overlaps row 2",
    )
    assert "row 5" not in out and "row 6" not in out


def test_an_export_in_another_currency(cli, write_project):
    harvest = (DATA / "harvest_detailed.csv").read_text()
    usd = harvest.replace("Euro - EUR", "United States Dollar - USD")
    _fails(
        _bill(cli, write_project, usd),
        "row 2, currency: currency USD is not the project's currency EUR",
    )
    toggl = (DATA / "toggl_detailed.csv").read_text().replace("Amount (EUR)", "Amount (USD)")
    _fails(
        _bill(cli, write_project, toggl),
        "row 1, currency: the export is in USD, the project in EUR",
    )


def test_a_rate_card_in_another_currency(cli, write_project):
    _fails(
        _bill(
            cli, write_project, (DATA / "generic.csv").read_text(), rate_card={"currency": "USD"}
        ),
        "rate_card.currency: the rate card is in USD, the project in EUR",
    )


def test_an_unknown_export_header(cli, write_project):
    _fails(
        _bill(cli, write_project, "Day,Employee,Duration\n2026-03-02,Ana,1:00\n"),
        "t.csv, row 1: the header matches no known time-entry format",
        "harvest (Harvest detailed time report) lacks Date, Hours, First Name",
        "toggl (Toggl Track detailed report) lacks User",
        "generic",
        "known formats",
    )


def test_a_malformed_date_in_row_n(cli, write_project):
    text = (
        "date,person,role,minutes\n"
        "2026-03-02,Ana,developer,60\n"
        "2026-03-02,Ana,developer,60\n"
        "2026-13-02,Ana,developer,60\n"
    )
    _fails(
        _bill(cli, write_project, text),
        "t.csv, row 4, date: '2026-13-02' is not a date",
        "hint: write dates as YYYY-MM-DD",
    )


def test_a_malformed_date_in_a_harvest_export(cli, write_project):
    text = (DATA / "harvest_detailed.csv").read_text().replace("2026-03-04", "2026-03-4x", 1)
    _fails(_bill(cli, write_project, text), "row 7, Date: '2026-03-4x' is not a date")


def test_a_settings_typo_is_named(cli, write_project):
    _fails(
        _bill(cli, write_project, "date,person,minutes\n", settings={"roundng": {}}),
        "unknown key 'roundng' (did you mean 'rounding'?)",
    )


EXAMPLE = DATA.parents[2] / "examples" / "time-material.toml"


@pytest.mark.parametrize(
    "args",
    [
        ("bill", "--period", "2026-03"),
        ("estimate", "--trials", "2000"),
        ("staff",),
        ("measure",),
        ("measure", "--period", "2026-03"),
    ],
)
def test_the_example_works_in_table_and_json(cli, args):
    table = cli(*args[:1], EXAMPLE, *args[1:])
    assert table.exit_code == 0, table.output
    doc = cli(*args[:1], EXAMPLE, *args[1:], "--json")
    assert doc.exit_code == 0, doc.output
    json.loads(doc.stdout)


def test_the_example_bill_of_march(cli):
    doc = json.loads(cli("bill", EXAMPLE, "--period", "2026-03", "--json").stdout)
    lines = doc["invoices"][0]["lines"]
    kinds = {line["kind"] for line in lines}
    assert kinds == {"time", "expense"}
    assert any("rate from 2026-03-16" in line["description"] for line in lines)
    assert any("overtime" in line["description"] for line in lines)
    assert any("weekend" in line["description"] for line in lines)
    invoice = doc["invoices"][0]
    assert Decimal(invoice["subtotal"]) == sum(Decimal(line["amount"]) for line in lines)
    vat = [a for a in invoice["adjustments"] if a["stage"] == "tax"]
    assert [a["name"] for a in vat] == ["VAT 19%"]
    assert Decimal(invoice["total"]) == Decimal(invoice["subtotal"]) + Decimal(vat[0]["amount"])


def test_a_monthly_rate_on_the_project_card_is_refused_only_when_used(cli, write_project):
    rates = [
        {"role": "developer", "bill": Decimal(95)},
        {"role": "manager", "bill": Decimal(9000), "unit": "month"},
    ]
    ok = "date,person,role,minutes\n2026-03-02,Ana,developer,60\n"
    assert _bill(cli, write_project, ok, rates=rates).exit_code == 0
    used = ok + "2026-03-03,Max,manager,60\n"
    _fails(_bill(cli, write_project, used, rates=rates), "is per month")
