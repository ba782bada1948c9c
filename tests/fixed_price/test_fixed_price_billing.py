"""Milestone billing: exact allocation in every currency precision, retention, change requests."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engagekit
from engagekit_fixed_price.billing import allocate_payments, payment_schedule
from engagekit_fixed_price.settings import Payment, Phase, Settings, TeamMember, WorkItem
from tests.fixed_price import _project as fp

D = Decimal


def pays(*percents: str) -> list[Payment]:
    return [Payment(f"m{i}", percent=D(p), due=date(2026, 3, 2)) for i, p in enumerate(percents)]


@pytest.mark.parametrize(
    "currency, total, written, equal",
    [
        ("EUR", "100.00", ["33.34", "33.33", "33.33"], ["33.34", "33.33", "33.33"]),
        ("JPY", "100", ["34", "33", "33"], ["34", "33", "33"]),
        ("KWD", "100.000", ["33.340", "33.330", "33.330"], ["33.334", "33.333", "33.333"]),
    ],
)
def test_three_thirds_of_100(currency, total, written, equal):
    # as a project file can write them: 33.34 + 33.33 + 33.33 = 100 percent. In yen the floors
    # 33 + 33 + 33 leave one yen, which goes to the largest remainder (the first, .34)
    parts = allocate_payments(pays("33.34", "33.33", "33.33"), engagekit.Money(total, currency))
    assert [p.amount for p in parts] == [D(x) for x in written]
    assert sum(p.amount for p in parts) == D(total)
    # three equal thirds: 33.333... each; the left-over units go to the earlier parts
    thirds = [Payment(f"m{i}", percent=D(1), due=date(2026, 3, 2)) for i in range(3)]
    parts = allocate_payments(thirds, engagekit.Money(total, currency))
    assert [p.amount for p in parts] == [D(x) for x in equal]
    assert sum(p.amount for p in parts) == D(total)


@pytest.mark.parametrize(
    "currency, total, expected",
    [
        # half of 100.01 is 50.005: one part takes the cent, the other does not
        ("EUR", "100.01", ["50.01", "50.00"]),
        ("JPY", "1001", ["501", "500"]),
        ("KWD", "10.005", ["5.003", "5.002"]),
        # an unrounded price rounds half up first: 0.005 EUR -> 0.01
        ("EUR", "0.005", ["0.01", "0.00"]),
    ],
)
def test_half_unit_cases(currency, total, expected):
    parts = allocate_payments(pays("50", "50"), engagekit.Money(total, currency))
    assert [p.amount for p in parts] == [D(x) for x in expected]


def test_fixed_amounts_are_rounded_and_percentages_share_the_rest():
    payments = [Payment("deposit", amount=D("10.005"), due=date(2026, 3, 2)), *pays("50", "50")]
    parts = allocate_payments(payments, engagekit.Money("100.00", "EUR"))
    # 10.005 -> 10.01; the rest 89.99 -> 45.00 + 44.99
    assert [p.amount for p in parts] == [D("10.01"), D("45.00"), D("44.99")]


CURRENCIES = {"JPY": 0, "EUR": 2, "KWD": 3}


@st.composite
def schedules(draw):
    currency = draw(st.sampled_from(sorted(CURRENCIES)))
    places = CURRENCIES[currency]
    units = draw(st.integers(min_value=1, max_value=10**9))
    total = engagekit.Money.from_units(units, currency)
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=0, max_size=6)))
    bounds = [0, *cuts, 10_000]
    percents = [D(b - a) / 100 for a, b in itertools.pairwise(bounds)]
    fixed_units = draw(st.lists(st.integers(0, units // 8), max_size=3))
    payments = [
        Payment(
            f"f{i}", amount=engagekit.Money.from_units(u, currency).amount, due=date(2026, 3, 2)
        )
        for i, u in enumerate(fixed_units)
        if u
    ]
    payments += [Payment(f"p{i}", percent=p, due=date(2026, 3, 2)) for i, p in enumerate(percents)]
    return total, payments, places


@given(schedules())
@settings(max_examples=300, deadline=None)
def test_milestones_always_sum_to_the_price(case):
    total, payments, _places = case
    if all(p.percent == 0 for p in payments if p.percent is not None):
        return
    parts = allocate_payments(payments, total)
    assert sum(p.amount for p in parts) == total.amount
    rest = total.amount - sum(p.amount for p in payments if p.amount is not None)
    for pay, part in zip(payments, parts, strict=True):
        assert part.is_rounded() and part.amount >= 0
        if pay.percent is not None:
            exact = rest * pay.percent / 100
            assert abs(part.amount - exact) < engagekit.quantum(total.currency)


def schedule_settings(**kw) -> Settings:
    return Settings(
        phases=(
            Phase("design", (WorkItem("dev", hours=D(10)),)),
            Phase("build", (WorkItem("dev", hours=D(10)),)),
        ),
        team=(TeamMember("dev"),),
        milestones=(
            Payment("signature", percent=D(20), due=date(2026, 3, 2)),
            Payment("design", percent=D(30), on_acceptance="design"),
            Payment("delivery", percent=D(50), on_acceptance="build"),
        ),
        **kw,
    )


@given(
    st.integers(min_value=1, max_value=10**9),
    st.sampled_from(sorted(CURRENCIES)),
    st.decimals(min_value=0, max_value=20, places=2),
)
@settings(max_examples=200, deadline=None)
def test_retention_parts_add_up_and_are_released_in_full(units, currency, percent):
    price = engagekit.Money.from_units(units, currency)
    s = schedule_settings(retention=percent)
    dues, release = payment_schedule(
        s, price, {"design": date(2026, 4, 1), "build": date(2026, 6, 1)}
    )
    assert release == date(2026, 6, 1)
    assert sum(d.amount.amount for d in dues) == price.amount
    withheld = sum(d.retention.amount for d in dues)
    assert withheld == (price * percent / 100).rounded().amount
    assert all(d.retention.amount <= d.amount.amount for d in dues)


def test_milestones_due_after_the_release_are_not_retained():
    s = Settings(
        phases=(Phase("build", (WorkItem("dev", hours=D(10)),)),),
        team=(TeamMember("dev"),),
        milestones=(
            Payment("delivery", percent=D(90), on_acceptance="build"),
            Payment("support", percent=D(10), due=date(2026, 9, 1)),
        ),
        retention=D(10),
    )
    dues, release = payment_schedule(
        s, engagekit.Money("1000.00", "EUR"), {"build": date(2026, 6, 1)}
    )
    assert release == date(2026, 6, 1)
    assert [d.retention.amount for d in dues] == [D("90.00"), D("0")]


def billing_project(tmp_path, acceptance: str, **kw) -> tuple:
    name = fp.write_csv(tmp_path, "acceptance.csv", "phase,accepted\n" + acceptance)
    s = fp.settings(
        contract_price=D("10000.00"),
        retention=5,
        retention_release_days=30,
        acceptance=name,
        milestones=[
            {"name": "signature", "percent": D("33.34"), "due": date(2026, 3, 2)},
            {"name": "a accepted", "percent": D("33.33"), "on_acceptance": "a"},
            {"name": "b accepted", "percent": D("33.33"), "on_acceptance": "b"},
        ],
        change_requests=[
            {
                "id": "CR-1",
                "approved": date(2026, 4, 1),
                "price": D("999.99"),
                "items": [{"role": "developer", "hours": 8}],
                "payments": [
                    {"name": "CR-1 upfront", "percent": 50, "due": date(2026, 4, 2)},
                    {"name": "CR-1 done", "percent": 50, "on_acceptance": "CR-1"},
                ],
            }
        ],
        **kw,
    )
    return fp.load(tmp_path, fp.project(s, end=date(2026, 8, 31)))


def test_a_month_with_a_milestone_and_its_retention(tmp_path):
    engine, project = billing_project(tmp_path, "a,2026-04-20\nb,2026-06-10\nCR-1,2026-05-05\n")
    bill = engine.bill(project, engagekit.Period.parse("2026-03"))
    lines = bill.invoices[0].lines
    assert [(line.kind, line.amount.amount) for line in lines] == [
        ("milestone", D("3334.00")),
        ("retention", D("-166.70")),
    ]
    assert bill.invoices[0].total.amount == D("3167.30")


def test_change_request_billed_on_its_own_terms_without_retention(tmp_path):
    engine, project = billing_project(tmp_path, "a,2026-04-20\nb,2026-06-10\nCR-1,2026-05-05\n")
    april = engine.bill(project, engagekit.Period.parse("2026-04")).invoices[0].lines
    # 999.99 split 50/50: 500.00 + 499.99; the upfront half is due on 2026-04-02
    assert [(line.kind, line.amount.amount) for line in april] == [
        ("change-request", D("500.00")),
        ("milestone", D("3333.00")),
        ("retention", D("-166.65")),
    ]
    may = engine.bill(project, engagekit.Period.parse("2026-05")).invoices[0].lines
    assert [(line.kind, line.amount.amount) for line in may] == [("change-request", D("499.99"))]


def test_retention_is_released_after_final_acceptance_and_everything_sums(tmp_path):
    engine, project = billing_project(tmp_path, "a,2026-04-20\nb,2026-06-10\nCR-1,2026-05-05\n")
    total = D(0)
    kinds = []
    for month in ("2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"):
        bill = engine.bill(project, engagekit.Period.parse(month))
        for line in bill.invoices[0].lines:
            total += line.amount.amount
            kinds.append((month, line.kind, line.amount.amount))
    assert ("2026-07", "retention-release", D("500.00")) in kinds  # 06-10 + 30 days
    assert total == D("10000.00") + D("999.99")


def test_a_milestone_awaiting_acceptance_is_a_warning(tmp_path):
    engine, project = billing_project(tmp_path, "a,2026-04-20\n")
    bill = engine.bill(project, engagekit.Period.parse("2026-08"))
    assert bill.invoices[0].lines == ()
    assert any("'b accepted' awaits acceptance of 'b'" in w for w in bill.warnings)
    schedule = bill.components[0].details["schedule"]
    assert [s["status"] for s in schedule] == [
        "billed before",
        "billed before",
        "awaiting acceptance",
        "billed before",
        "awaiting acceptance",
    ]
    assert bill.components[0].details["retention_held_after_period"].amount == D("333.35")


def test_without_a_contract_price_the_estimate_prices_the_milestones(tmp_path):
    s = fp.settings(milestones=[{"name": "all", "percent": 100, "due": date(2026, 3, 2)}])
    engine, project = fp.load(tmp_path, fp.project(s))
    bill = engine.bill(project, engagekit.Period.parse("2026-03"))
    assert bill.invoices[0].total.amount == D("14000.00")
    assert bill.components[0].details["price_source"].startswith("estimate (seed")


def test_no_milestones_means_all_on_final_acceptance(tmp_path):
    name = fp.write_csv(tmp_path, "acceptance.csv", "phase,accepted\nb,2026-05-04\n")
    engine, project = fp.load(
        tmp_path, fp.project(fp.settings(contract_price=900, acceptance=name))
    )
    lines = engine.bill(project, engagekit.Period.parse("2026-05")).invoices[0].lines
    assert [(line.kind, line.amount.amount) for line in lines] == [("milestone", D("900.00"))]


def test_bill_csv_and_json_through_the_cli(cli, tmp_path):
    billing_project(tmp_path, "a,2026-04-20\n")
    path = tmp_path / "project.toml"
    out = cli("bill", str(path), "--period", "2026-04", "--csv")
    assert out.exit_code == 0, out.output
    assert "retention" in out.output and "-166.65" in out.output
