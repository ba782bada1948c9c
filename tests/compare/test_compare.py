"""engage compare: common random numbers, the laws of the models, hand-worked figures."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from engagekit import create_engine
from engagekit.cli import build_app
from engagekit.compare import compare, load_scope
from engagekit.compare.doc import comparison_doc

ENGINE = create_engine()

THREE_ITEMS = """\
[window]
earliest_start = 2026-03-02

[terms]
fixed_price_margin = 15
minimum_term_months = 1

[[items]]
name = "api"
role = "Developer"
min = 100
likely = 100
max = 100

[[items]]
name = "screens"
role = "Developer"
min = 50
likely = 50
max = 50

[[items]]
name = "lead"
role = "Lead"
min = 20
likely = 20
max = 20
"""


def run(path: Path, **kw: object):  # type: ignore[no-untyped-def]
    scope, project = load_scope(path, ENGINE.models)
    return compare(ENGINE, scope, project, **kw)  # type: ignore[arg-type]


def offer(c, name):  # type: ignore[no-untyped-def]
    return next(r.summary for r in c.ranking if r.summary.name == name)


def test_three_items_by_hand(write_scope: Callable[[str], Path]) -> None:
    c = run(write_scope(THREE_ITEMS), trials=50)
    # Team: Developer has the most hours (150) -> 1 FTE; Lead 20/150 -> 0.2 FTE (tenths, up).
    assert c.plan.fte == {"Developer": Decimal("1.0"), "Lead": Decimal("0.2")}
    tm = offer(c, "time-material")
    # 150 h x 100 + 20 h x 150 = 18,000 billed; cost 150 x 60 + 20 x 90 = 10,800.
    assert tm.client_mean.amount == Decimal("18000.00")
    assert tm.margin_mean.amount == tm.margin_p10.amount == Decimal("7200.00")
    # 150 h at 8 h a day from Monday 2 March: done in March, billed in March.
    assert tm.months == ("2026-03",)
    fp = offer(c, "fixed-price")
    # Cost 10,800 (no uncertainty: every percentile), no risks: no buffer; + 15% = 12,420.
    assert fp.client_mean.amount == fp.client_p90.amount == Decimal("12420.00")
    assert fp.margin_mean.amount == Decimal("1620.00")
    dt = offer(c, "dedicated-team")
    # Whole seats: 1 Developer, 1 Lead, for the one-month minimum term from 2 March to
    # 1 April: 22 weekdays in March from the 2nd and Wednesday 1 April = 184 h a seat.
    # Billed 184 x (100 + 150) = 46,000; cost 184 x (60 + 90) = 27,600.
    assert dt.client_mean.amount == Decimal("46000.00")
    assert dt.margin_mean.amount == Decimal("18400.00")
    assert dt.months == ("2026-03", "2026-04")
    assert {r.summary.name for r in c.ranking} == {"time-material", "fixed-price", "dedicated-team"}
    assert "sla made no proposal for this scope" in c.notes


def test_no_uncertainty_fixed_price_and_tm_bill_the_same_hours(
    write_scope: Callable[[str], Path],
) -> None:
    body = THREE_ITEMS.replace("fixed_price_margin = 15\n", "")
    c = run(write_scope(body), trials=200)
    tm, fp = offer(c, "time-material"), offer(c, "fixed-price")
    assert tm.outcome is not None and fp.outcome is not None
    # The same hours at the same cost rates under both models.
    assert np.array_equal(tm.outcome.firm_cost, fp.outcome.firm_cost)
    # T&M: no spread in the margin.
    assert float(np.ptp(tm.outcome.margin)) == 0.0
    # The fixed price differs only by its margin term: here the rate card's own mark-up
    # (18,000 / 10,800 - 1 = 66.6%, in tenths down), on a cost without buffer.
    component = fp.components[0]
    assert component.settings.margin == Decimal("66.6")
    assert component.settings.risk_buffer == 0
    assert fp.client_mean.amount == (Decimal("10800") * Decimal("1.666")).quantize(Decimal("0.01"))


def _symmetric(k: int) -> str:
    """Three items whose ranges scale by k around a fixed most likely value, so the beta
    variates (same shapes, same seed) are the same and only the spread grows."""
    items = []
    for name, role, likely, half in (
        ("a", "Developer", 100, 10),
        ("b", "Developer", 80, 8),
        ("c", "Lead", 30, 3),
    ):
        items.append(
            f'[[items]]\nname = "{name}"\nrole = "{role}"\n'
            f"min = {likely - k * half}\nlikely = {likely}\nmax = {likely + k * half}\n"
        )
    return "[window]\nearliest_start = 2026-03-02\n\n" + "\n".join(items)


def test_more_uncertainty_more_risk(write_scope: Callable[[str], Path]) -> None:
    previous = None
    for k in (1, 2, 4, 8):
        c = run(write_scope(_symmetric(k), f"s{k}.toml"), trials=2000, seed=7)
        fp, tm = offer(c, "fixed-price"), offer(c, "time-material")
        fp_risk = fp.margin_mean.amount - fp.margin_p10.amount
        point = (fp_risk, tm.client_p90.amount)
        if previous is not None:
            assert point[0] >= previous[0]
            assert point[1] > previous[1]
        previous = point


def test_same_seed_same_comparison(write_scope: Callable[[str], Path]) -> None:
    path = write_scope(_symmetric(3))
    a = comparison_doc(run(path, trials=500, seed=11))
    b = comparison_doc(run(path, trials=500, seed=11))
    assert a == b
    c = comparison_doc(run(path, trials=500, seed=12))
    assert c != a


def test_per_trial_hours_are_identical_across_models(
    write_scope: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import engagekit_dedicated_team.proposing as dt
    import engagekit_fixed_price.proposing as fp
    import engagekit_time_material.proposing as tm

    seen: dict[str, np.ndarray] = {}

    def spy(module: object, attr: str, key: str) -> None:
        real = getattr(module, attr)

        def wrapper(d, *args, **kw):  # type: ignore[no-untyped-def]
            seen[key] = d.hours.copy()
            return real(d, *args, **kw)

        monkeypatch.setattr(module, attr, wrapper)

    spy(fp, "_settle", "fixed-price")
    spy(tm, "settle_hours", "time-material")
    spy(dt, "_settle", "dedicated-team")
    body = (
        _symmetric(2)
        + '\n[[risks]]\nname = "r"\nrole = "Developer"\nprobability = 0.3\nimpact = 40\n'
    )
    c = run(
        write_scope(body), trials=300, models=["fixed-price", "time-material", "dedicated-team"]
    )
    assert set(seen) == {"fixed-price", "time-material", "dedicated-team"}
    assert np.array_equal(seen["fixed-price"], seen["time-material"])
    assert np.array_equal(seen["fixed-price"], seen["dedicated-team"])
    assert np.array_equal(seen["fixed-price"], c.draws.hours)
    # The risk event happens in about 30% of the trials, adding 40 hours when it does.
    risk = c.draws.hours[:, -1]
    assert set(np.unique(risk)) <= {0.0, 40.0}
    assert 0.2 < float(np.mean(risk > 0)) < 0.4


def test_mixed_and_run_phase(write_scope: Callable[[str], Path]) -> None:
    body = (
        "[window]\nearliest_start = 2026-03-02\n\n"
        '[[items]]\nname = "discovery"\nphase = "discovery"\nrole = "Lead"\nmin = 10\nlikely = 16\nmax = 30\n\n'
        '[[items]]\nname = "build"\nphase = "build"\nrole = "Developer"\nmin = 200\nlikely = 260\nmax = 400\n\n'
        '[run]\nmonths = 6\nincidents_per_month = 10\nhandling_hours = 2\nrole = "Developer"\n'
    )
    c = run(write_scope(body), trials=400)
    names = {r.summary.name for r in c.ranking}
    assert "fixed-price then time-material + sla" in names
    assert "time-material + sla" in names
    mix = offer(c, "fixed-price then time-material + sla")
    assert [comp.model for comp in mix.components] == ["fixed-price", "time-material", "sla"]
    # SLA: 10 incidents x 2 h x 60 cost x 1.2 = 1,440 a month, 10 included, 200 per extra one.
    sla = mix.components[-1].settings.fee
    assert sla.monthly == Decimal(1440) and sla.included_tickets == 10
    assert sla.overage[0].unit_price == Decimal("200.00")
    # Billing adds up to the client's expected cost.
    assert sum(b.amount for b in mix.billing) == pytest.approx(
        mix.client_mean.amount, abs=Decimal("0.1")
    )
    for r in c.ranking:
        assert r.reasons and all(isinstance(x, str) and x for x in r.reasons)


def test_cli_table_json_and_errors(write_scope: Callable[[str], Path]) -> None:
    app = build_app(ENGINE)
    runner = CliRunner()
    path = write_scope(THREE_ITEMS)
    result = runner.invoke(app, ["compare", str(path), "--trials", "20"])
    assert result.exit_code == 0, result.output
    assert (
        "Recommendation" in result.output and "recommended for the goal balanced" in result.output
    )
    result = runner.invoke(
        app, ["compare", str(path), "--trials", "20", "--json", "--goal", "margin"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["goal"] == "margin" and doc["offers"][0]["place"] == 1
    margins = [Decimal(o["margin"]["mean"]) for o in doc["offers"]]
    assert margins == sorted(margins, reverse=True)

    bad = write_scope(THREE_ITEMS.replace('role = "Lead"', 'role = "Architect"'), "bad.toml")
    result = runner.invoke(app, ["compare", str(bad)])
    assert result.exit_code == 1
    assert "bad.toml" in result.output and "items[2].role" in result.output
    assert "bad.toml:27," in result.output and "Traceback" not in result.output

    bad = write_scope(THREE_ITEMS.replace("max = 50", "max = 40"), "bad2.toml")
    result = runner.invoke(app, ["compare", str(bad)])
    assert result.exit_code == 1 and "items[1]" in result.output, result.output

    result = runner.invoke(app, ["compare", str(path), "--goal", "fastest"])
    assert result.exit_code == 2


def test_fixed_price_declines_single_figures_over_300_hours(
    write_scope: Callable[[str], Path],
) -> None:
    body = THREE_ITEMS.replace("likely = 100\nmax = 100", "likely = 300\nmax = 300").replace(
        "min = 100", "min = 300"
    )
    c = run(write_scope(body), trials=20)
    assert "fixed-price made no proposal for this scope" in c.notes


def test_the_projects_adjustments_apply_before_tax(
    write_scope: Callable[[str], Path], tmp_path: Path
) -> None:
    from tests.compare.conftest import PROJECT

    (tmp_path / "rates.toml").write_text(
        PROJECT
        + '\n[[adjustments]]\nname = "partner discount"\nstage = "discount"\npercent = -10\n'
        '\n[[adjustments]]\nname = "VAT"\nstage = "tax"\npercent = 19\n'
        '\n[[adjustments]]\nname = "admin fee"\nstage = "fee"\namount = 50\n'
    )
    c = run(write_scope(THREE_ITEMS), trials=20)
    tm = offer(c, "time-material")
    # March bills 18,000 of hours: less 10% = 16,200, plus the 50 fee of the invoice; no VAT.
    assert tm.client_mean.amount == Decimal("16250.00")
    assert tm.margin_mean.amount == Decimal("16250.00") - Decimal("10800.00")


def test_time_and_material_cap(write_scope: Callable[[str], Path]) -> None:
    capped = _symmetric(6).replace(
        "[window]\nearliest_start = 2026-03-02\n",
        "[window]\nearliest_start = 2026-03-02\n\n[terms]\ntime_material_cap = 24000\n",
    )
    free = run(write_scope(_symmetric(6), "free.toml"), trials=1000, seed=3)
    cap = run(write_scope(capped, "capped.toml"), trials=1000, seed=3)
    a, b = offer(free, "time-material").outcome, offer(cap, "time-material").outcome
    assert a is not None and b is not None
    # Never more than the cap; below it, what time and material bills; the cost unchanged.
    assert np.allclose(b.client_cost, np.minimum(a.client_cost, 24000))
    assert np.array_equal(a.firm_cost, b.firm_cost)
    assert (a.client_cost > 24000).any() and (a.client_cost < 24000).any()
    assert offer(cap, "time-material").components[0].settings.cap.money == Decimal(24000)
