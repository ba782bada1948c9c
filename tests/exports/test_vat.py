"""VAT categories: what the project file accepts, how adjustments split over categories, and
EN 16931's totals rules (BR-CO-10 to BR-CO-17) holding on any bill's own numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit.errors import InputError
from engagekit.money import Money
from engagekit.period import Period
from engagekit.vat import Vat, allocate

from .conftest import flat, project


def test_categories_and_their_rules():
    assert Vat.of("s", 19) == Vat("S", Decimal("19.00"))
    assert Vat.of("AE").exemption_reason == "Reverse charge"
    assert Vat.of("O").rate == 0
    with pytest.raises(InputError, match="needs a positive rate"):
        Vat.of("S")
    with pytest.raises(InputError, match="needs the exemption that applies"):
        Vat.of("E")
    with pytest.raises(InputError, match="has rate 0"):
        Vat.of("AE", 19)
    with pytest.raises(InputError, match="not an exemption"):
        Vat.of("S", 19, "because")
    with pytest.raises(InputError, match="unknown VAT category 'X'") as err:
        Vat.of("X")
    assert "AE (VAT reverse charge)" in str(err.value)


def test_a_bad_category_names_its_line_in_the_project_file(engine, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        '[project]\nname = "P"\ncurrency = "EUR"\n\n[vat]\ncategory = "S"\nrate = 19\n\n'
        '[[components]]\nname = "Build"\nmodel = "flat"\nstart = 2026-03-01\nend = 2026-03-31\n'
        '[components.settings]\nquantity = 1\nprice = 1\n[components.vat]\ncategory = "E"\n'
    )
    with pytest.raises(InputError) as err:
        engine.load_project(path)
    assert "vat.exemption_reason" in str(err.value) and '"Build"' in str(err.value)
    assert f"{path}:9" in str(err.value)


def test_a_component_category_needs_a_project_default_for_the_others(engine):
    data = project("berlin", "EUR", [flat("A", "1", "1", {"category": "AE"}), flat("B", "1", "1")])
    with pytest.raises(InputError, match="'A' has a VAT category but 'B' has none"):
        engine.project_from_dict(data)


@given(st.integers(-(10**9), 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=5))
def test_shares_add_up_to_the_adjustment(units, weights):
    vats = [Vat.of("S", r) for r in (19, 7, 16, 21, 5)][: len(weights)]
    amount = Money.from_units(units, "EUR")
    shares = allocate(
        amount, {v: Money.from_units(w, "EUR") for v, w in zip(vats, weights, strict=True)}, vats[0]
    )
    assert sum((s.amount for s in shares), Money.zero("EUR")) == amount


def test_vat_is_rounded_once_per_category_not_per_line(engine):
    # Three lines of 0.03 at 19%: per line 0.0057 rounds to 0.01 (0.03 in all); on their sum,
    # 0.09, VAT is 0.0171, 0.02: what EN 16931's BR-CO-17 checks.
    p = engine.project_from_dict(
        project(
            "berlin",
            "EUR",
            [flat(n, "1", "0.03") for n in "ABC"],
            vat={"category": "S", "rate": Decimal(19)},
        )
    )
    invoice = engine.bill(p, Period.parse("2026-03")).invoices[0]
    (row,) = invoice.vat_breakdown
    assert (row.basis.amount, row.amount.amount) == (Decimal("0.09"), Decimal("0.02"))
    assert invoice.total.amount == Decimal("0.11")


CATS = st.sampled_from([("S", 19), ("S", 7), ("Z", None), ("AE", None), ("E", None)])


@settings(max_examples=60)
@given(
    lines=st.lists(
        st.tuples(st.decimals("0", "500", places=2), st.decimals("0.01", "250", places=2), CATS),
        min_size=1,
        max_size=5,
    ),
    discount=st.decimals("-30", "0", places=1),
    fee=st.decimals("0", "900", places=2),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_en16931_totals_hold_on_any_bill(engine, lines, discount, fee, currency):
    components = []
    for i, (qty, price, (cat, rate)) in enumerate(lines):
        vat = {"category": cat, **({"rate": Decimal(rate)} if rate else {})}
        if cat == "E":
            vat["exemption_reason"] = "Article 135"
        components.append(flat(f"C{i}", str(qty), str(price), vat))
    adjustments = [
        {"name": "discount", "stage": "discount", "percent": discount},
        {"name": "fee", "stage": "fee", "amount": fee},
    ]
    data = project(
        "berlin",
        currency,
        components,
        vat={"category": "S", "rate": Decimal(19)},
        adjustments=adjustments,
    )
    invoice = engine.bill(engine.project_from_dict(data), Period.parse("2026-03")).invoices[0]
    cur = invoice.currency
    zero = Money.zero(cur)
    line_sum = sum((ln.amount for ln in invoice.lines), zero)
    assert invoice.subtotal == line_sum  # BR-CO-10
    others = [a for a in invoice.adjustments if a.stage != "tax"]
    taxes = [a for a in invoice.adjustments if a.stage == "tax"]
    for a in others:
        assert sum((s.amount for s in a.vat), zero) == a.amount  # each allowance/charge placed
    net = invoice.subtotal + sum((a.amount for a in others), zero)  # BR-CO-13
    vat_total = sum((r.amount for r in invoice.vat_breakdown), zero)
    assert sum((t.amount for t in taxes), zero) == vat_total  # BR-CO-14
    assert invoice.total == net + vat_total  # BR-CO-15
    assert sum((r.basis for r in invoice.vat_breakdown), zero) == net
    for row in invoice.vat_breakdown:  # BR-S-08 and friends, BR-CO-17
        basis = sum((ln.amount for ln in invoice.lines if ln.vat.key == row.vat.key), zero)
        basis += sum((s.amount for a in others for s in a.vat if s.vat.key == row.vat.key), zero)
        assert row.basis == basis
        assert row.amount == (row.basis * row.vat.rate / 100).rounded()


def test_a_credit_line_reduces_its_categorys_basis(engine):
    p = engine.project_from_dict(
        project(
            "berlin",
            "EUR",
            [flat("A", "10", "100"), flat("B", "-2", "100")],
            vat={"category": "S", "rate": Decimal(19)},
        )
    )
    invoice = engine.bill(p, Period.parse("2026-03")).invoices[0]
    assert invoice.vat_breakdown[0].basis.amount == Decimal("800.00")
    assert invoice.vat_breakdown[0].amount.amount == Decimal("152.00")
