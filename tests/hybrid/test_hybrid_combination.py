"""The engine's combination of components of several models, with in-process plugins so the
checks don't depend on the built-in models: joint sampling, adjustments in stage order whatever
the install order, exact totals, over-allocation across components."""

from __future__ import annotations

from decimal import Decimal
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engagekit

from ._fakes import AdjustmentPlugin, FakeModel, FakeSettings, draw, project_dict

D = Decimal


def engine(*extra: object) -> engagekit.Engine:
    return engagekit.create_engine(plugins=[FakeModel(), *extra], entry_points=False, strict=True)


def estimate(components: list[dict], trials: int, seed: int = 11) -> engagekit.ProjectEstimate:
    eng = engine()
    project = eng.project_from_dict(project_dict(components))
    return eng.estimate(project, seed=seed, trials=trials)


# -- joint sampling ------------------------------------------------------------------------------


def test_joint_p80_of_two_coins_is_not_the_sum_of_their_p80s() -> None:
    """Each component needs 100 h with probability 0.3, else nothing: each one's P80 is 100 h,
    so summed P80s say 200 h; the sum is 0/100/200 h with probabilities 0.49/0.42/0.09, whose
    P80 and P90 are 100 h (cumulative 0.91 at 100 h), computed by hand."""
    coin = {"kind": "coin", "hours": D(100), "spread": D("0.3")}
    est = estimate([{"name": "a", "settings": coin}, {"name": "b", "settings": coin}], 20_000)
    assert [c.effort_hours.p80 for c in est.components] == [D(100), D(100)]  # type: ignore[union-attr]
    assert est.effort_hours is not None
    assert est.effort_hours.p80 == D(100)
    assert est.effort_hours.p90 == D(100)
    assert sum(c.effort_hours.p80 for c in est.components) == D(200)  # type: ignore[union-attr]


def test_joint_p80_of_normals_matches_the_formula_and_a_direct_simulation() -> None:
    """Two independent N(1000, 200) efforts and a fixed 50 h part: the total is
    N(2050, 200·√2), so its P80 is 2050 + z80·282.8 h, not 2050 + 2·z80·200 h."""
    trials, seed = 40_000, 5
    normal = {"kind": "normal", "hours": D(1000), "spread": D("0.2")}
    comps = [
        {"name": "build", "settings": normal},
        {"name": "discovery", "settings": normal},
        {"name": "fixed", "settings": {"kind": "point", "hours": D(50)}},
    ]
    est = estimate(comps, trials, seed)
    assert est.effort_hours is not None
    z80 = NormalDist().inv_cdf(0.8)
    formula = 2050 + z80 * 200 * 2**0.5
    summed = sum(float(c.effort_hours.p80) for c in est.components)  # type: ignore[union-attr]
    assert float(est.effort_hours.p80) == pytest.approx(formula, abs=8)
    assert summed == pytest.approx(2050 + 2 * z80 * 200, abs=8)
    assert summed - float(est.effort_hours.p80) > 40  # the difference is ~49 h

    # a direct simulation: the same seeded draws, summed per trial here
    options = engagekit.EstimateOptions(seed=seed, trials=trials)
    direct = (
        sum(
            draw(
                FakeSettings(kind="normal", hours=D(1000), spread=D("0.2")),
                options.seed_for(name),
                trials,
            )
            for name in ("build", "discovery")
        )
        + 50.0
    )
    assert est.effort_hours == engagekit.Distribution.from_samples(direct)
    assert est.samples is not None
    np.testing.assert_allclose(est.samples.effort_hours, direct)


def test_joint_sampling_is_reproducible_and_seeded_per_component() -> None:
    normal = {"kind": "normal", "hours": D(300)}
    comps = [{"name": "a", "settings": normal}, {"name": "b", "settings": normal}]
    one, two = estimate(comps, 2000, seed=1), estimate(comps, 2000, seed=1)
    assert one.effort_hours == two.effort_hours
    assert estimate(comps, 2000, seed=2).effort_hours != one.effort_hours
    a, b = (c.samples.effort_hours for c in one.components)  # type: ignore[union-attr]
    assert not np.array_equal(a, b)  # components get their own streams


def test_cost_price_and_margin_add_up_over_components() -> None:
    comps = [
        {"name": "a", "settings": {"hours": D(10), "rate": D(120), "cost_rate": D(70)}},
        {"name": "b", "settings": {"hours": D("7.5"), "rate": D(90), "cost_rate": D(50)}},
    ]
    est = estimate(comps, 100)
    assert est.price == engagekit.Money.of("1875.0", "EUR")  # 1200 + 675, by hand
    assert est.cost == engagekit.Money.of("1075.0", "EUR")  # 700 + 375
    assert est.margin == engagekit.Money.of("800.0", "EUR")


# -- adjustments ---------------------------------------------------------------------------------

RULES_ONE = (
    engagekit.Adjustment.percent("b-volume", "discount", D(-10)),
    engagekit.Adjustment.percent("vat", "tax", D(20)),
)
RULES_TWO = (
    engagekit.Adjustment.fixed("handling", "fee", engagekit.Money.of("25.00", "EUR")),
    engagekit.Adjustment.percent("a-loyalty", "discount", D(-5)),
)


def bill_with(plugins: list[object]) -> engagekit.Invoice:
    eng = engine(*plugins)
    project = eng.project_from_dict(
        project_dict(
            [{"name": "build", "settings": {"monthly": D("1000.00")}}],
            adjustments=[{"name": "rush", "stage": "surcharge", "percent": D(2)}],
        )
    )
    (invoice,) = eng.bill(project, engagekit.Period.month(2026, 2)).invoices
    return invoice


@pytest.mark.parametrize(
    "plugins",
    [
        [AdjustmentPlugin(*RULES_ONE), AdjustmentPlugin(*RULES_TWO)],
        [AdjustmentPlugin(*RULES_TWO), AdjustmentPlugin(*RULES_ONE)],
        [AdjustmentPlugin(*reversed(RULES_ONE + RULES_TWO))],
    ],
    ids=["one-then-two", "two-then-one", "one-plugin-reversed"],
)
def test_adjustments_apply_by_stage_then_name_whatever_the_install_order(plugins) -> None:
    invoice = bill_with(plugins)
    # by hand: 1000.00 → a-loyalty −5% = −50.00 (950.00) → b-volume −10% = −95.00 (855.00)
    # → rush +2% = 17.10 (872.10) → handling +25.00 (897.10) → vat 20% = 179.42 (1076.52)
    got = [
        (a.name, a.stage, str(a.amount.amount), str(a.basis.amount)) for a in invoice.adjustments
    ]
    assert got == [
        ("a-loyalty", "discount", "-50.00", "1000.00"),
        ("b-volume", "discount", "-95.00", "950.00"),
        ("rush", "surcharge", "17.10", "855.00"),
        ("handling", "fee", "25.00", "872.10"),
        ("vat", "tax", "179.42", "897.10"),
    ]
    assert invoice.total == engagekit.Money.of("1076.52", "EUR")


money_text = st.decimals(
    min_value=D("-5000"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False
)
percent = st.decimals(
    min_value=D("-50"), max_value=D("50"), places=3, allow_nan=False, allow_infinity=False
)


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(money_text, min_size=1, max_size=4),
    discount=percent,
    tax=st.decimals(min_value=D(0), max_value=D(30), places=2),
    fee=money_text,
    threshold=st.one_of(st.none(), money_text),
    scoped=st.booleans(),
)
def test_invoice_total_is_subtotal_plus_adjustments_exactly(
    amounts, discount, tax, fee, threshold, scoped
) -> None:
    eng = ENGINE
    comps = [{"name": f"c{i}", "settings": {"monthly": a}} for i, a in enumerate(amounts)]
    adjustments = [
        {
            "name": "volume",
            "stage": "discount",
            "percent": discount,
            **({"min_subtotal": threshold} if threshold is not None else {}),
            **({"components": ["c0"]} if scoped else {}),
        },
        {"name": "setup", "stage": "fee", "amount": fee},
        {"name": "vat", "stage": "tax", "percent": tax},
    ]
    project = eng.project_from_dict(project_dict(comps, adjustments))
    bill = eng.bill(project, engagekit.Period.month(2026, 1))
    (invoice,) = bill.invoices
    lines = engagekit.Money.total((x.amount for x in invoice.lines), "EUR")
    assert invoice.subtotal == lines
    assert lines.amount == sum((a for a in amounts), D(0))
    adjusted = engagekit.Money.total((a.amount for a in invoice.adjustments), "EUR")
    assert invoice.total == invoice.subtotal + adjusted
    assert invoice.total is not None and invoice.total.is_rounded()
    assert all(a.amount.is_rounded() and a.amount for a in invoice.adjustments)
    # each basis is the running total before it
    running = invoice.subtotal
    for a in invoice.adjustments:
        assert a.basis == running
        running += a.amount
    assert running == invoice.total
    # subtotals per component add up to the subtotal
    assert sum(invoice.subtotals().values(), engagekit.Money.zero("EUR")) == invoice.subtotal


ENGINE = engine()


# -- staffing ------------------------------------------------------------------------------------


def test_a_person_over_allocated_across_two_components_is_flagged() -> None:
    eng = engine()
    project = eng.project_from_dict(
        project_dict(
            [
                {
                    "name": "build",
                    "start": "2026-01-01",
                    "end": "2026-03-31",
                    "settings": {"person": "ana", "fte": D("0.6")},
                },
                {
                    "name": "run",
                    "start": "2026-02-01",
                    "end": "2026-04-30",
                    "settings": {"person": "ana", "fte": D("0.6"), "role": "support"},
                },
                {
                    "name": "other",
                    "start": "2026-01-01",
                    "end": "2026-04-30",
                    "settings": {"person": "ben", "fte": D("1.0")},
                },
            ]
        )
    )
    plan = eng.staff(project)
    flagged = [w for w in plan.warnings if "over-allocated" in w]
    assert flagged == [
        "ana is over-allocated in 2026-02: 1.20 FTE across build, run",
        "ana is over-allocated in 2026-03: 1.20 FTE across build, run",
    ]  # not January or April (one component), and not ben at exactly 1.0


def test_partial_months_count_by_days_when_flagging() -> None:
    eng = engine()
    project = eng.project_from_dict(
        project_dict(
            [
                {
                    "name": "a",
                    "start": "2026-01-01",
                    "end": "2026-01-31",
                    "settings": {"person": "ana", "fte": D("0.8")},
                },
                # 0.8 FTE for 10 of January's 31 days is 0.26 FTE of January: 1.06 in all
                {
                    "name": "b",
                    "start": "2026-01-22",
                    "end": "2026-01-31",
                    "settings": {"person": "ana", "fte": D("0.8")},
                },
            ]
        )
    )
    assert eng.staff(project).warnings == (
        "ana is over-allocated in 2026-01: 1.06 FTE across a, b",
    )
