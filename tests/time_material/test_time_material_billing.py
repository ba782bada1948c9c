"""Bills checked against hand calculations written out in the tests.

The sample tests/time_material/data/generic.csv holds, in March 2026 (rates: developer 95, 100
from 4 March; lead 120; qa 80; weekend x1.25, holiday x2, overtime x1.5):

    row date       person     role      min  notes
    2   03-02 Mon  Ana Lima   developer 390
    3   03-02      Ben Okafor lead       90
    4   03-02      Ben Okafor lead       15  not billable
    5   03-03 Tue  Ana Lima   developer 465
    6   03-03      Ben Okafor lead       70
    7   03-04 Wed  Ana Lima   developer 600  (10 hours)
    8   03-04      Chen Wei   qa        120  not approved
    9   03-07 Sat  Ana Lima   developer 120  tags "sprint-7, release"
    10  03-09 Mon  Chen Wei   qa        360
"""

from __future__ import annotations

import itertools
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engagekit
from engagekit_time_material.billing import Cycle, cycles_between, run_cap

from .conftest import DATA, amounts, bill

GENERIC = (DATA / "generic.csv").read_text()
D = Decimal


def _lines(result):  # type: ignore[no-untyped-def]
    return {(line.description, line.amount.amount) for line in result.lines}


def test_plain_bill_by_hand(load):
    engine, project, _ = load({"time_entries": "t.csv"}, {"t.csv": GENERIC})
    result = bill(engine, project, "2026-03")
    # Ana 390+465 min at 95 = 1353.75; 600 at 100 (from 4 March) = 1000.00;
    # Saturday 120 at 100 x 1.25 = 250.00. Ben 90+70 at 120 = 320.00. Chen 360 at 80 = 480.00
    assert _lines(result) == {
        ("Ana Lima (developer)", D("1353.75")),
        ("Ana Lima (developer), rate from 2026-03-04", D("1000.00")),
        ("Ana Lima (developer), weekend ×1.25", D("250.00")),
        ("Ben Okafor (lead)", D("320.00")),
        ("Chen Wei (qa)", D("480.00")),
    }
    assert amounts(result) == D("3403.75")
    assert all(line.amount.is_rounded() for line in result.lines)
    assert result.details["unbilled_hours"]["non_billable"] == D("0.25")
    assert result.details["unbilled_hours"]["unapproved"] == D("2.00")


def test_rounding_up_to_quarter_hours_per_entry(load):
    engine, project, _ = load(
        {"time_entries": "t.csv", "rounding": {"increment": 15, "mode": "up"}}, {"t.csv": GENERIC}
    )
    # only Ben's 70 minutes move: to 75, so 165 min at 120 = 330.00
    assert amounts(bill(engine, project, "2026-03")) == D("3413.75")


def test_rounding_down_per_day(load):
    settings = {
        "time_entries": "t.csv",
        "rounding": {"increment": 60, "mode": "down", "per": "day"},
    }
    engine, project, _ = load(settings, {"t.csv": GENERIC})
    # per person and day: Ana 390->360, 465->420, 600->600, 120->120; Ben 90->60, 70->60;
    # Chen 360->360. Ana: (360+420) at 95 = 1235.00, 600 at 100 = 1000, 120 at 125 = 250
    assert amounts(bill(engine, project, "2026-03")) == D("1235") + 1000 + 250 + 240 + 480


def test_overtime_per_day(load):
    settings = {"time_entries": "t.csv", "overtime": {"after_hours": 8}}
    engine, project, _ = load(settings, {"t.csv": GENERIC})
    result = bill(engine, project, "2026-03")
    # Ana's 10 hours on 4 March: 8 at 100, 2 at 150
    assert ("Ana Lima (developer), overtime ×1.5", D("300.00")) in _lines(result)
    assert ("Ana Lima (developer), rate from 2026-03-04", D("800.00")) in _lines(result)
    assert amounts(result) == D("3503.75")


def test_overtime_per_week_goes_to_the_latest_hours(load):
    settings = {
        "time_entries": "t.csv",
        "overtime": {"after_hours": 16, "per": "week", "multiplier": D(2)},
    }
    engine, project, _ = load(settings, {"t.csv": GENERIC})
    result = bill(engine, project, "2026-03")
    # Ana's week: 390 + 465 + 600 + 120 minutes; 960 at the plain rate. Overtime starts 105
    # minutes into 4 March: 495 min there and Saturday's 120 (x2 beats the weekend's x1.25)
    # Ana: 855 at 95 = 1353.75; 105 at 100 = 175.00; 615 at 200 = 2050.00
    assert amounts(result) == D("1353.75") + D("175") + D("2050") + 320 + 480


def test_holidays_of_the_calendar_bill_at_the_holiday_multiplier(load):
    settings = {"time_entries": "t.csv"}
    engine, project, _ = load(
        settings,
        {"t.csv": GENERIC},
        calendar={"timezone": "Europe/Berlin", "holidays": [date(2026, 3, 3)]},
    )
    result = bill(engine, project, "2026-03")
    # 3 March closed: Ana's 465 min at 95 x 2 = 1472.50; Ben's 70 min at 240 = 280.00
    assert ("Ana Lima (developer), holiday ×2", D("1472.50")) in _lines(result)
    assert ("Ben Okafor (lead), holiday ×2", D("280.00")) in _lines(result)


def test_non_billable_categories_and_tags(load):
    settings = {"time_entries": "t.csv", "non_billable": ["release", "Testing"]}
    engine, project, _ = load(settings, {"t.csv": GENERIC})
    # the Saturday entry (tag "release") and Chen's testing go
    assert amounts(bill(engine, project, "2026-03")) == D("3403.75") - 250 - 480


def test_unapproved_time_bills_when_approval_is_not_required(load):
    engine, project, _ = load({"time_entries": "t.csv", "approved_only": False}, {"t.csv": GENERIC})
    assert amounts(bill(engine, project, "2026-03")) == D("3403.75") + 160


def test_lines_per_role(load):
    engine, project, _ = load({"time_entries": "t.csv", "invoice_by": "role"}, {"t.csv": GENERIC})
    result = bill(engine, project, "2026-03")
    assert {line.description for line in result.lines} == {
        "developer",
        "developer, rate from 2026-03-04",
        "developer, weekend ×1.25",
        "lead",
        "qa",
    }
    assert amounts(result) == D("3403.75")


def test_people_give_roles_to_exports_without_them(load):
    settings = {
        "time_entries": "toggl.csv",
        "people": {"Ana Lima": "developer", "Ben Okafor": "lead", "Chen Wei": "qa"},
    }
    engine, project, _ = load(settings, {"toggl.csv": (DATA / "toggl_detailed.csv").read_text()})
    result = bill(engine, project, "2026-03")
    # Ana 3.5+3 h on 2 March and 3.5 on 3 March at 95; 4.25 h on 3 March at 95
    # Ben 1.5 h + 70 min at 120; Chen 2 h (across midnight, dated 5 March) + 6 h at 80
    ana = (D(210 + 180 + 210) * 95 + D(255) * 95) / 60
    assert amounts(result) == ana.quantize(D("0.01")) + D(160 * 120) / 60 + D(480 * 80) / 60


def test_weekly_cycles_give_one_set_of_lines_per_week(load):
    engine, project, _ = load(
        {"time_entries": "t.csv", "billing_period": "weekly"}, {"t.csv": GENERIC}
    )
    result = bill(engine, project, "2026-03")
    assert amounts(result) == D("3403.75")
    labels = {line.description.rsplit("[", 1)[1].rstrip("]") for line in result.lines}
    assert labels == {"2026-W10", "2026-W11"}
    assert result.details["cycles"][0] == "2026-03-01..2026-03-01"  # Sunday, the end of W09


def test_cycles_between_cover_the_span_without_gaps():
    for freq in ("monthly", "weekly", "biweekly"):
        cycles = cycles_between(
            date(2026, 1, 7), date(2026, 4, 1), freq, date(2026, 1, 7), cut=date(2026, 3, 1)
        )
        assert cycles[0].start == date(2026, 1, 7) and cycles[-1].end == date(2026, 4, 1)
        for a, b in itertools.pairwise(cycles):
            assert a.end == b.start
        assert any(c.start == date(2026, 3, 1) for c in cycles)


def test_expenses_pass_through_with_markup(load):
    expenses = (
        "date,description,amount,currency,category,billable\n"
        "2026-03-05,Train,100.00,EUR,travel,true\n"
        "2026-03-06,Team lunch,50.00,,meals,false\n"
        "2026-02-10,Licence,20.00,EUR,licences,\n"
        "2026-03-20,Parking,10.05,EUR,travel,\n"
    )
    engine, project, _ = load({"expenses": "e.csv", "expense_markup": 10}, {"e.csv": expenses})
    result = bill(engine, project, "2026-03")
    assert [(line.kind, line.amount.amount) for line in result.lines] == [
        ("expense", D("110.00")),
        ("expense", D("11.06")),
    ]  # 11.055 rounds half up
    assert result.details["expenses"]["spent"] == D("110.05")


def _three_months() -> str:
    """Ana, one rate: January 20 h 7 min, February 30 h, March 25 h 13 min."""
    rows = ["date,person,role,minutes"]
    rows += [f"2026-01-{d:02d},Ana,dev,{m}" for d, m in ((5, 600), (6, 607))]
    rows += [f"2026-02-{d:02d},Ana,dev,600" for d in (2, 3, 4)]
    rows += [f"2026-03-{d:02d},Ana,dev,{m}" for d, m in ((2, 600), (3, 600), (4, 313))]
    return "\n".join(rows) + "\n"


RATE = [{"role": "dev", "bill": D("97.35"), "cost": D("51.10")}]


def test_a_money_cap_across_three_months_is_held_exactly(load):
    settings = {"time_entries": "t.csv", "cap": {"money": D("6500.00")}}
    engine, project, _ = load(settings, {"t.csv": _three_months()}, rates=RATE)
    jan, feb, mar = (bill(engine, project, p) for p in ("2026-01", "2026-02", "2026-03"))
    # gross: 1207 min x 97.35 / 60 = 1958.3575 -> 1958.36; 1800 min -> 2920.50;
    # 1513 min -> 2454.8425 -> 2454.84. Jan + Feb = 4878.86; March may bill 1621.14.
    assert amounts(jan) == D("1958.36")
    assert amounts(feb) == D("2920.50")
    assert amounts(mar, "time") == D("2454.84")
    assert amounts(mar) == D("1621.14")
    assert amounts(jan) + amounts(feb) + amounts(mar) == D("6500.00")
    cap_line = next(line for line in mar.lines if line.kind == "cap")
    assert cap_line.amount.amount == D("-833.70")
    cap = mar.details["cap"]
    assert cap["billed_before"] == D("4878.86")
    assert cap["billed_to_date"] == D("6500.00")
    assert cap["withheld_this_period"] == D("833.70")
    assert cap["remaining"] == 0
    assert any("withheld" in w for w in mar.warnings)
    assert any("100.0% of the money cap" in w for w in mar.warnings)
    # a later month bills nothing of its time, all withheld
    assert not [line for line in feb.lines if line.kind == "cap"]
    # February alone is at 75% (4878.86 / 6500 = 75.06%): the first threshold warns
    assert any("75.1% of the money cap" in w and "threshold 75%" in w for w in feb.warnings)


def test_an_hours_cap_across_three_months_is_held_exactly(load):
    settings = {"time_entries": "t.csv", "cap": {"hours": D(60)}}
    engine, project, _ = load(settings, {"t.csv": _three_months()}, rates=RATE)
    mar = bill(engine, project, "2026-03")
    # 1207 + 1800 = 3007 minutes before March; the cap leaves 3600 - 3007 = 593 of 1513
    cap = mar.details["cap"]
    assert cap["billed_hours_to_date"] == D("60.00")
    withheld_min = 1513 - 593
    line = next(line for line in mar.lines if line.kind == "cap")
    assert line.details["withheld_minutes"] == withheld_min
    # valued at March's average rate: 2454.84 x 920 / 1513 = 1492.71...
    assert line.amount.amount == -(D("2454.84") * withheld_min / 1513).quantize(D("0.01"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grosses=st.lists(st.integers(0, 5_000_00), min_size=1, max_size=8),
    minutes=st.lists(st.integers(0, 10_000), min_size=8, max_size=8),
    cap_units=st.integers(1, 30_000_00),
)
def test_the_cap_law_the_periods_add_up_to_min_of_cap_and_billable(grosses, minutes, cap_units):
    cap = D(cap_units) / 100
    cycles = [
        Cycle(engagekit.Period.month(2026, i + 1), (), minutes[i], D(g) / 100, D(0), True)
        for i, g in enumerate(grosses)
    ]
    from engagekit_time_material.settings import Cap, Settings

    states = run_cap(cycles, Settings(cap=Cap(money=cap)), "EUR")
    billed = [s.billed for s in states]
    assert all(b >= 0 for b in billed)
    assert all(b == b.quantize(D("0.01")) for b in billed)
    assert sum(billed) == min(cap, sum(D(g) for g in grosses) / 100)
    for s in states:
        assert s.billed + s.withheld == s.cycle.gross


def test_a_period_outside_the_component_bills_nothing(load):
    engine, project, _ = load({"time_entries": "t.csv"}, {"t.csv": GENERIC})
    assert bill(engine, project, "2027-01").lines == ()


def test_a_component_built_from_a_dict_by_another_model_bills(engine, tmp_path: Path):
    """What the dedicated-team model does: a time-material component from a plain table."""
    shutil.copy(DATA / "harvest_detailed.csv", tmp_path / "harvest.csv")
    project = engagekit.Project(name="p", currency="EUR", components=(), base_dir=tmp_path)
    component = engine.make_component(
        project,
        name="team (T&M)",
        model="time-material",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        settings={
            "time_entries": "harvest.csv",
            "format": "harvest",
            "rates": [
                {"role": "Developer", "bill": D(90), "unit": "hour"},
                {"role": "Lead", "bill": D(880), "unit": "day"},
                {"role": "QA", "bill": D(70)},
            ],
            "hours_per_day": D(8),
            "people": {"Chen Wei": "QA"},
            "rounding": {"increment": 6, "mode": "up"},
            "cap": {"money": D(100000)},
        },
    )
    result = engine.bill_component(project, component, engagekit.Period.parse("2026-03"))
    by_person = {}
    for line in result.lines:
        by_person[line.details["person"]] = (
            by_person.get(line.details["person"], 0) + (line.details["minutes"])
        )
    # Harvest hours rounded up to 6 minutes: 7.75 h = 465 min -> 468; 1.17 h = 70 min -> 72;
    # 5.33 h = 320 min -> 324
    assert by_person == {
        "Ana Lima": 390 + 468 + 480 + 324,
        "Ben Okafor": 90 + 72 + 120,
        "Chen Wei": 360,
    }
    lead = next(line for line in result.lines if line.details["person"] == "Ben Okafor")
    assert lead.unit_price.amount == D(110)  # 880 a day / 8 hours


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # cycle
            st.integers(0, 2),  # rate
            st.integers(0, 3),  # kind
            st.integers(1, 20_000),  # minutes
        ),
        min_size=1,
        max_size=40,
    ),
    st.lists(st.decimals("0", "2500", places=3), min_size=3, max_size=3),
    st.lists(st.decimals("1", "3", places=2), min_size=4, max_size=4),
)
def test_columnar_cycle_totals_equal_the_decimal_loop(rows, bills, mults):
    import polars as pl

    from engagekit_time_material.billing import _totals_only, _totals_slow
    from engagekit_time_material.ledger import Ledger, RateRef

    rates = (
        RateRef(bills[0], bills[1], None),
        RateRef(bills[1], None, None),
        RateRef(bills[2], D("12.345"), None),
    )
    ledger = Ledger(None, pl.DataFrame(), rates, tuple(mults), None, None)  # type: ignore[arg-type]
    keyed = pl.DataFrame(
        [(c, "Ana", "dev", r, k, m) for c, r, k, m in rows],
        schema={
            "cycle": pl.Int64,
            "person": pl.String,
            "role": pl.String,
            "rate": pl.Int64,
            "kind": pl.Int64,
            "minutes": pl.Int64,
        },
        orient="row",
    )
    q = D("0.01")
    sums = keyed.group_by("cycle", "person", "role", "rate", "kind").agg(pl.col("minutes").sum())
    assert _totals_only(keyed, ledger, ["person", "role"], q) == _totals_slow(sums, ledger, q)


def test_hours_and_money_caps_together(load):
    settings = {"time_entries": "t.csv", "cap": {"hours": D(60), "money": D(5500)}}
    engine, project, _ = load(settings, {"t.csv": _three_months()}, rates=RATE)
    mar = bill(engine, project, "2026-03")
    # the hours cap withholds 920 of March's 1513 minutes: 2454.84 x 920 / 1513 = 1492.6985
    # -> 1492.70, leaving 962.14; the money cap then allows 5500 - 4878.86 = 621.14
    assert amounts(mar) == D("621.14")
    line = next(line for line in mar.lines if line.kind == "cap")
    assert line.details["withheld_for_hours"] == D("1492.70")
    assert line.details["withheld_for_money"] == D("341.00")
    assert mar.details["cap"]["billed_to_date"] == D("5500.00")


def test_biweekly_cycles_start_on_the_monday_of_the_first_week(load):
    engine, project, _ = load(
        {"time_entries": "t.csv", "billing_period": "biweekly"}, {"t.csv": GENERIC}
    )
    result = bill(engine, project, "2026-03")
    # the component starts Thursday 1 January: cycles from Monday 29 December, two weeks each
    assert result.details["cycles"] == [
        "2026-03-01..2026-03-08",
        "2026-03-09..2026-03-22",
        "2026-03-23..2026-03-31",
    ]
    assert amounts(result) == D("3403.75")
    chen = next(line for line in result.lines if "Chen" in line.description)
    assert chen.description.endswith("[2026-03-09..2026-03-22]")
