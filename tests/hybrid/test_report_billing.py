"""The report's billing by month: actual months from the data, projected ones from the plan
(T&M team plan up to its cap, fixed-price milestones, SLA fees), issued ones from the ledger;
the burn-up against budget and cap; role capacity on the staffing chart; net and gross."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import engagekit
from engagekit.period import Period
from engagekit.report import collect, render_html
from engagekit.report_billing import billing_months, collapse_nothing_to_bill, net_and_tax

from ._html import parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TRIALS = 300


def _data(name: str):  # type: ignore[no-untyped-def]
    engine = engagekit.create_engine()
    project = engine.load_project(EXAMPLES / name)
    return engine, project, collect(engine, project, trials=TRIALS)


def test_months_after_the_time_entries_are_the_team_plan():
    _engine, _project, data = _data("time-material.toml")
    (build,) = data.estimate.components
    plan = {p["month"]: p["amount"] for p in build.details["billing_plan"]}
    as_of = data.service.components[0].metrics["as_of"]
    assert str(as_of) == "2026-03-31"
    for m in data.months:
        if m.period.start <= as_of:
            assert m.basis == "actual" and m.invoices == m.bill.invoices
            continue
        assert m.basis == "projected" and m.projected == ("Build",)
        (inv,) = m.invoices
        (line,) = inv.lines
        assert line.kind == "projection" and line.amount == plan[m.period.label]
        # priced as engage bill prices: VAT 19% on the projected subtotal, to the cent
        (vat,) = [a for a in inv.adjustments if a.stage == "tax"]
        assert vat.amount == (inv.subtotal * Decimal("0.19")).rounded()
        assert inv.total == inv.subtotal + vat.amount
    assert [m.basis for m in data.months].count("projected") == 3


def test_the_projection_stops_at_the_cap(tmp_path):
    from typer.testing import CliRunner

    from engagekit.cli import build_app

    path = tmp_path / "p.toml"
    app = build_app(engagekit.create_engine())
    assert CliRunner().invoke(app, ["init", "-m", "time-material", str(path)]).exit_code == 0
    text = path.read_text()
    path.write_text(text.replace("money = 260000", "money = 60000"))
    engine = engagekit.create_engine()
    project = engine.load_project(path)
    data = collect(engine, project, trials=TRIALS)
    # no time recorded: every month after the start is the team plan, 248,000 EUR in all,
    # which the cap of 60,000 cuts: the months add up to the cap exactly, then bill nothing
    projected = [m for m in data.months if m.projected]
    assert len(projected) == 5  # the start month holds the data's as-of day
    billed = sum(
        (inv.subtotals().get("Time Material", engagekit.Money.zero("EUR")).amount
         for m in data.months for inv in m.invoices),
        Decimal(0),
    )  # fmt: skip
    assert billed == Decimal("60000.00")
    assert not projected[-1].invoices[0].lines  # the cap is used up before the last month


def test_fixed_price_milestones_are_planned_at_their_phase_ends():
    engine = engagekit.create_engine()
    project = engine.load_project(EXAMPLES / "fixed-price.toml")
    # the bill gives it: placing the milestones needs the client's acceptances
    (comp,) = engine.bill(project, Period.parse("2026-05")).components
    plan = comp.details["billing_plan"]
    # the milestones, net of retention, and the retention released: the price and every
    # change request's price, exactly
    settings = project.components[0].settings
    price = engagekit.Money.of(str(settings.contract_price), "EUR")
    crs = sum((cr.price for cr in settings.change_requests), Decimal(0))
    assert sum((p["amount"].amount for p in plan), Decimal(0)) == price.amount + crs
    assert any("retention release" in p["basis"] for p in plan)
    assert [p["date"] for p in plan] == sorted(p["date"] for p in plan)
    assert all(p["month"] == f"{p['date']:%Y-%m}" for p in plan)
    # accepted or dated milestones are decided; the ones awaiting acceptance are pending
    pending = {p["basis"] for p in plan if p["pending"]}
    assert {"milestone 'build accepted'", "milestone 'go-live'"} <= pending


def test_hybrid_projects_the_sla_fees_after_the_incident_data():
    _engine, _project, data = _data("hybrid.toml")
    basis = {m.period.label: m.basis for m in data.months}
    assert basis["2026-12"] == "actual"  # the incidents run to 2026-12-31
    assert all(basis[f"2027-{n:02}"] == "projected" for n in range(1, 9))
    fee = {m.period.label: m.invoices[0].subtotal for m in data.months}
    assert fee["2027-05"].amount == Decimal("14900.00")  # the SLA's monthly fee, as billed
    root = parse(render_html(data))
    rows = [
        [td.all_text() for td in tr.iter("td")]
        for table in root.iter("table")
        if "billing" in table.attrs.get("class", "")
        for tr in next(table.iter("tbody")).iter("tr")
    ]
    assert rows[0][:2] == ["2026-01", "actual"] and rows[-1][:2] == ["2027-08", "projected"]
    faded = [r for r in root.iter("rect") if "faded" in (r.attrs.get("class") or "")]
    assert len(faded) == 8  # one projected bar a month, Run's
    text = root.all_text()
    assert "From 2027-01 on, the figures are a forecast, not invoices." in text


def test_key_figures_say_net_and_gross():
    _engine, _project, data = _data("hybrid.toml")
    root = parse(render_html(data))
    tiles = {
        k.all_text(): v.all_text()
        for kpi in root.iter("div")
        if kpi.attrs.get("class") == "kpi"
        for k, v in [list(d for d in kpi.iter("div") if d.attrs.get("class") in ("k", "v"))]
    }
    assert set(tiles) >= {"price, net of VAT", "billed, net of VAT", "VAT", "billed, gross"}

    def amount(text: str) -> Decimal:
        return Decimal(text.split(" EUR")[0].replace(",", ""))

    invoices = [inv for m in data.months for inv in m.invoices]
    net, tax = net_and_tax(invoices)
    assert amount(tiles["billed, net of VAT"]) == net.amount
    assert amount(tiles["VAT"]) == tax.amount
    assert amount(tiles["billed, net of VAT"]) + amount(tiles["VAT"]) == amount(
        tiles["billed, gross"]
    )


def test_burn_up_against_budget_and_cap_and_capacity_lines():
    _, _, data = _data("time-material.toml")
    html = render_html(data)
    root = parse(html)
    burnup = [s for s in root.iter("svg") if "burnup" in s.attrs.get("class", "")]
    assert len(burnup) == 1
    refs = {
        n.attrs["data-series"] for n in burnup[0].iter("line") if "ref" in n.attrs.get("class", "")
    }
    assert refs == {"budget", "cap"}
    series = {n.attrs["data-series"] for n in burnup[0].iter("polyline")}
    assert series == {"billed to date", "projected"}
    # the last projected point is the months' Build subtotals added up
    total = sum(
        (inv.subtotals()["Build"].amount for m in data.months for inv in m.invoices),
        Decimal(0),
    )
    last = [c for c in burnup[0].iter("circle") if c.attrs["data-series"] == "projected"][-1]
    assert f"{float(total) / 1000:.3g}k" in last.all_text()

    _engine, _project, data = _data("hybrid.toml")  # [capacity] developer = 2, among others
    root = parse(render_html(data))
    limits = [p for p in root.iter("polyline") if p.attrs.get("class") == "limit"]
    assert {p.attrs["data-series"] for p in limits} >= {"capacity 2.0 FTE"}
    assert "developer capacity 2.0 FTE, planned at most 2.10 · over it in 2026-03" in (
        root.all_text()
    )


def test_issued_months_come_from_the_ledger(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from engagekit.cli import build_app

    from ..ledger.conftest import SMALL_PROJECT, SMALL_TIMESHEET, SMALL_WORKSPACE

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "engage.toml").write_text(SMALL_WORKSPACE)
    (ws / "project.toml").write_text(SMALL_PROJECT)
    (ws / "time.csv").write_text(SMALL_TIMESHEET)
    monkeypatch.chdir(ws)
    monkeypatch.delenv("ENGAGEKIT_DATABASE_URL", raising=False)
    engine = engagekit.create_engine()
    project = engine.load_project(ws / "project.toml")
    before = collect(engine, project, trials=TRIALS)
    assert not any(m.issued for m in before.months)
    assert not list(ws.glob(".engage/*.db*")), "the report must not create the ledger"
    app = build_app(engagekit.create_engine())
    issued = CliRunner().invoke(app, ["issue", "project.toml", "--period", "2026-03"])
    assert issued.exit_code == 0, issued.output
    after = collect(engagekit.create_engine(), project, trials=TRIALS)
    march = next(m for m in after.months if m.period.label == "2026-03")
    assert march.basis == "issued INV-2026-00001" and not march.projected
    assert "issued INV-2026-00001" in render_html(after)


def test_collapse_nothing_to_bill_into_ranges():
    warnings = [
        "Build: nothing to bill in 2026-02",
        "Run: 95% of the cap used",
        "Build: nothing to bill in 2026-05",
        "Build: nothing to bill in 2026-06",
        "Build: nothing to bill in 2026-07",
        "Build: nothing to bill in 2026-12",
        "Build: nothing to bill in 2027-01",
        "Build: nothing to bill in 2026-05",  # the same warning twice is said once
        "Build",  # a warning that reads like a component's name stays as it is
    ]
    assert collapse_nothing_to_bill(warnings) == [
        "Build: nothing to bill in 2026-02, 2026-05..2026-07, 2026-12..2027-01",
        "Run: 95% of the cap used",
        "Build",
    ]


@given(st.sets(st.integers(min_value=0, max_value=60), min_size=1))
def test_collapsed_ranges_name_each_month_once(indexes):
    labels = [Period.parse(f"{2026 + i // 12}-{i % 12 + 1:02}").label for i in indexes]
    (line,) = collapse_nothing_to_bill(f"C: nothing to bill in {x}" for x in labels)
    named = []
    for part in line.removeprefix("C: nothing to bill in ").split(", "):
        a, _, b = part.partition("..")
        first, last = Period.parse(a), Period.parse(b or a)
        named += [m.label for m in Period.days(first.start, last.last).months()]
        assert b == "" or first.start < last.start
    assert sorted(named) == sorted(labels)


def test_an_embedder_s_report_data_without_months_shows_its_bills_as_actual():
    engine, project, data = _data("time-material.toml")
    import attrs

    plain = attrs.evolve(data, months=())
    assert all(m.basis == "actual" for m in plain.billing())
    # without measures no component has a data date: every month is billed as it is
    months = billing_months(engine, project, data.bills, data.estimate, None)
    assert all(m.basis == "actual" for m in months)


def test_a_month_the_data_ends_in_adds_what_the_plan_has_after_that_day():
    _, _, data = _data("fixed-price.toml")
    july = next(m for m in data.months if m.period.label == "2026-07")
    assert str(data.service.components[0].metrics["status_date"]) == "2026-07-03"
    assert july.basis == "actual + projected" and july.partly == ("Shop rebuild",)
    kinds = [line.kind for line in july.invoices[0].lines]
    actual = list(july.bill.invoices[0].lines)
    assert kinds[: len(actual)] == [line.kind for line in actual]  # the data's lines stay
    (late,) = [line for line in july.invoices[0].lines if line.kind == "projection"]
    assert late.description == "projected: milestone 'build accepted' (2026-07-24)"


def test_a_pending_milestone_overdue_by_the_data_is_projected_for_the_next_day():
    from datetime import date

    from engagekit.report_billing import PlanEntry

    eur = engagekit.Money.of("100", "EUR")
    late = PlanEntry("2026-05", eur, "milestone 'x'", date(2026, 5, 20), pending=True)
    assert late.placed(date(2026, 6, 30)) == ("2026-07", date(2026, 7, 1))
    assert late.placed(date(2026, 5, 10)) == ("2026-05", date(2026, 5, 20))
    decided = PlanEntry("2026-05", eur, "milestone 'y'", date(2026, 5, 20))
    assert decided.placed(date(2026, 6, 30)) == ("2026-05", date(2026, 5, 20))


def test_a_dedicated_team_is_projected_by_its_plan_after_its_time_entries():
    _, _, data = _data("dedicated-team.toml")
    (team,) = data.service.components
    assert str(team.metrics["as_of"]) == "2026-10-30"  # the last time entry, as T&M measures it
    (est,) = data.estimate.components
    plan = {p["month"]: p["amount"] for p in est.details["billing_plan"]}
    basis = {m.period.label: m for m in data.months}
    assert basis["2026-10"].basis == "actual"
    for label in ("2026-11", "2026-12", "2027-01", "2027-02"):
        month = basis[label]
        assert month.basis == "projected"
        assert month.invoices[0].subtotal == plan[label]  # the team plan, not the seat fees only
    # after the time entries the bill has only the month-rated seats: the projection is more
    assert basis["2026-11"].invoices[0].subtotal > basis["2026-11"].bill.invoices[0].subtotal
