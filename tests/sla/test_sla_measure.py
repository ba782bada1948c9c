"""measure_service and bill on hand-made data: targets, priority changes, backlog, availability,
credits, overage and out-of-scope work."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import engagekit

BUSINESS = """
data_timezone = "Europe/Berlin"
[components.settings.coverage]
timezone = "Europe/Berlin"
hours = "8x5"
country = "DE"
[components.settings.incidents]
file = "inc.csv"
"""


def measure(
    engine: engagekit.Engine, path: Path, period: str = "2026-03"
) -> engagekit.ServiceMeasure:
    project = engine.load_project(path)
    return engine.measure_component(project, project.components[0], engagekit.Period.parse(period))


def by_priority(m: engagekit.ServiceMeasure) -> dict[str, dict]:
    return {r["priority"]: r for r in m.tables["priorities"]}


def test_priorities_table_shape_and_compliance(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    path = project_file(
        BUSINESS,
        {
            "inc.csv": """
        id,priority,opened,first_response,resolved
        A,P2,2026-03-02 09:00,2026-03-02 09:30,2026-03-02 16:00
        B,P2,2026-03-02 16:30,2026-03-03 09:45,2026-03-03 12:00
        C,P3,2026-03-05 10:00,2026-03-05 10:05,2026-03-09 10:00
        D,P3,2026-03-31 16:00,,
        """
        },
    )
    m = measure(engine, path)
    rows = m.tables["priorities"]
    assert list(rows[0])[:5] == ["priority", "incidents", "met", "breached", "compliance_pct"]
    p2 = by_priority(m)["P2"]
    # A: 30 min response, 7 h resolution: met. B: response 16:30 -> Tue 09:45 = 30 + 45 = 75 min
    # > 60: breached; resolution 0.5 + 3 = 3.5 h.
    assert (p2["incidents"], p2["met"], p2["breached"]) == (2, 1, 1)
    assert p2["compliance_pct"] == Decimal("50.00")
    assert p2["response_breached"] == 1 and p2["resolution_breached"] == 0
    assert p2["resolution_median_h"] == Decimal("5.25")  # median of 7 and 3.5
    p3 = by_priority(m)["P3"]
    # C: Thu 10:00 -> Mon 10:00 = 7 + 8 + 1 = 16 business hours (24 h target): met.
    assert (p3["incidents"], p3["met"], p3["open"]) == (1, 1, 1)
    assert m.metrics["open_backlog"] == 1 and m.metrics["incidents_opened"] == 4
    assert m.metrics["compliance_pct"] == Decimal("66.67")
    assert m.status == "off-track"


def test_regression_pending_time_kept_when_priority_changes_mid_ticket(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    """Raised from P3 to P1 and lowered to P2: the elapsed time and its pauses stay the
    incident's; the rule picks which targets apply."""
    files = {
        "inc.csv": """
        id,priority,opened,first_response,resolved,pauses,priority_history
        X,P2,2026-03-02 09:00,2026-03-02 09:20,2026-03-02 15:00,2026-03-02T10:00/2026-03-02T11:00,P3>P1
        """
    }
    final = measure(engine, project_file(BUSINESS, files))
    row = by_priority(final)["P2"]
    # 6 business hours minus a 1 hour pause = 5 h <= 8 h (P2): met; the pause is not lost.
    assert (row["incidents"], row["met"], row["paused_h"]) == (1, 1, Decimal("1.00"))
    assert row["resolution_median_h"] == Decimal("5.00")
    path = project_file('priority_rule = "highest"\n' + BUSINESS, files)
    m = measure(engine, path)
    row = by_priority(m)["P1"]
    # P1 targets: 30 min response (20: met), 4 h resolution (5: breached)
    assert (row["incidents"], row["met"], row["breached"]) == (1, 0, 1)
    assert row["resolution_breached"] == 1 and row["response_breached"] == 0
    assert row["paused_h"] == Decimal("1.00")


def test_open_incident_already_past_its_target_counts_as_open_breached(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    path = project_file(
        BUSINESS,
        {
            "inc.csv": """
        id,priority,opened,first_response
        A,P1,2026-03-30 09:00,2026-03-30 09:10
        """
        },
    )
    m = measure(engine, path)
    assert m.metrics["open_breached"] == 1 and m.status == "at-risk"
    backlog = {r["priority"]: r for r in m.tables["backlog"]}
    assert backlog["P1"]["age_1_3d"] == 1


AVAILABILITY = """
[components.settings.availability]
target_pct = 99.99
[components.settings.outages]
file = "out.csv"
[components.settings.credits]
cap_pct = 100
[[components.settings.credits.tiers]]
from_pct = 99.0
below_pct = 99.99
credit_pct = 10
[[components.settings.credits.tiers]]
from_pct = 95.0
below_pct = 99.0
credit_pct = 30
[[components.settings.credits.tiers]]
below_pct = 95.0
credit_pct = 100
[components.settings.fee]
monthly = 10000
"""


@pytest.mark.parametrize(
    ("down_minutes", "credit"),
    [
        (0, "0"),
        (4, "0"),
        (5, "1000.00"),
        (432, "1000.00"),
        (433, "3000.00"),
        (2160, "3000.00"),
        (2161, "10000.00"),
    ],
)
def test_availability_credits_follow_the_aws_ec2_region_table(
    engine: engagekit.Engine, project_file: Callable[..., Path], down_minutes: int, credit: str
) -> None:
    """April 2026 in UTC has 43,200 minutes: 99.99% allows 4.32 minutes, 99.0% 432, 95.0% 2160."""
    from datetime import datetime, timedelta

    start = datetime(2026, 4, 10, 0, 0)
    end = start + timedelta(minutes=down_minutes)
    rows = f"start,end,planned\n{start:%Y-%m-%d %H:%M},{end:%Y-%m-%d %H:%M},false\n"
    path = project_file(
        'data_timezone = "UTC"\n[components.settings.coverage]\ntimezone = "UTC"\n' + AVAILABILITY,
        {"out.csv": rows},
    )
    m = measure(engine, path, "2026-04")
    assert m.metrics["window_minutes"] == 43200
    assert m.metrics["downtime_minutes"] == down_minutes
    assert m.metrics["credit"].amount == Decimal(credit)
    project = engine.load_project(path)
    bill = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-04"))
    total = sum(line.amount.amount for line in bill.lines)
    assert total == Decimal(10000) - Decimal(credit)


def test_maintenance_and_planned_outages_are_excluded(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    rows = (
        "start,end,planned\n"
        "2026-04-05 02:30,2026-04-05 03:30,false\n"  # inside Sunday maintenance: not counted
        "2026-04-08 22:00,2026-04-08 23:00,true\n"  # planned: out of the window
        "2026-04-09 10:00,2026-04-09 10:30,false\n"
    )
    settings = (
        'data_timezone = "UTC"\n[components.settings.coverage]\ntimezone = "UTC"\n'
        + AVAILABILITY
        + "[[components.settings.availability.maintenance]]\n"
        'day = "sun"\nhours = "02:00-04:00"\n'
    )
    m = measure(engine, project_file(settings, {"out.csv": rows}), "2026-04")
    window = 43200 - 4 * 120 - 60
    assert m.metrics["maintenance_minutes"] == 4 * 120 + 60
    assert m.metrics["window_minutes"] == window
    assert m.metrics["downtime_minutes"] == 30
    expected = (Decimal(window - 30) * 100 / Decimal(window)).quantize(Decimal("0.0001"))
    assert m.metrics["availability_pct"] == expected


def test_breach_credits_are_capped(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    priorities = """
        [[components.settings.priorities]]
        name = "P1"
        resolution_hours = 1
        breach_credit_pct = 4
        """
    inc = "id,priority,opened,resolved\n" + "".join(
        f"I{i},P1,2026-03-{i + 2:02d} 09:00,2026-03-{i + 2:02d} 15:00\n" for i in range(5)
    )
    path = project_file(
        BUSINESS + "[components.settings.fee]\nmonthly = 5000\n"
        "[components.settings.credits]\ncap_pct = 15\n",
        {"inc.csv": inc},
        priorities=priorities,
    )
    project = engine.load_project(path)
    bill = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-03"))
    credit = [x for x in bill.lines if x.kind == "credit"]
    assert len(credit) == 1 and credit[0].amount.amount == Decimal("-750.00")  # 15% of 5000
    assert "capped" in credit[0].description and any("capped" in w for w in bill.warnings)


def test_overage_tiers_are_graduated(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    inc = "id,priority,opened\n" + "".join(
        f"I{i},P4,2026-03-02 09:{i % 60:02d}\n" for i in range(17)
    )
    fee = """
        [components.settings.fee]
        monthly = 1000
        included_tickets = 5
        [[components.settings.fee.overage]]
        up_to = 10
        unit_price = 20
        [[components.settings.fee.overage]]
        unit_price = 15
        """
    project = engine.load_project(project_file(BUSINESS + fee, {"inc.csv": inc}))
    bill = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-03"))
    over = [(x.quantity, x.amount.amount) for x in bill.lines if x.kind == "overage"]
    assert over == [(5, Decimal("100.00")), (7, Decimal("105.00"))]


def test_partial_first_month_prorates_the_fee(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    path = project_file("[components.settings.fee]\nmonthly = 3100\n", start="2026-03-21")
    project = engine.load_project(path)
    bill = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-03"))
    assert [x.amount.amount for x in bill.lines] == [Decimal("1100.00")]  # 11 of 31 days


def test_out_of_scope_work_is_billed_by_time_material_with_included_hours(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    if "time-material" not in engine.models:
        pytest.skip("time-material model not installed")
    settings = """
        [components.settings.fee]
        monthly = 1000
        [components.settings.out_of_scope]
        included_hours = 2
        [components.settings.out_of_scope.settings]
        time_entries = "time.csv"
        format = "generic"
        rates = [{ role = "engineer", bill = 100 }]
        """
    files = {
        "time.csv": """
        date,person,hours,role
        2026-03-03,Ana,3,engineer
        2026-03-10,Ana,2,engineer
        2026-04-01,Ana,9,engineer
        """
    }
    project = engine.load_project(project_file(settings, files))
    bill = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-03"))
    assert all(x.component == "svc" for x in bill.lines)
    oos = [x for x in bill.lines if x.description.startswith("Out of scope")]
    assert sum(x.amount.amount for x in oos) == Decimal("500.00")
    included = [x for x in bill.lines if x.description.startswith("Included hours")]
    assert included[0].amount.amount == Decimal("-200.00")
    assert sum(x.amount.amount for x in bill.lines) == Decimal("1300.00")
    assert bill.details["out_of_scope"]["hours"] == Decimal(5)


def test_example_measures_and_bills(engine: engagekit.Engine) -> None:
    from .conftest import EXAMPLE

    project = engine.load_project(EXAMPLE)
    period = engagekit.Period.parse("2026-03")
    report = engine.measure(project, period)
    m = report.components[0]
    assert m.metrics["incidents"] > 0 and "availability_pct" in m.metrics
    bill = engine.bill(project, period)
    assert bill.invoices[0].total.amount > 0
