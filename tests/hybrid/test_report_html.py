"""The HTML report rendered from results built by hand: a well-formed, self-contained page,
a chart per section, every dynamic string escaped, percentile markers where they belong, and
notes instead of charts when there is nothing to draw."""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engagekit
from engagekit.report import ReportData, month_share, render_html
from engagekit.report_svg import nice_ticks

from ._fakes import sla_rows
from ._html import Node, parse

EUR = "EUR"
EVIL = '<script>alert("x")</script> & "quoted" \'single\''


def m(amount: str) -> engagekit.Money:
    return engagekit.Money.of(amount, EUR)


def make_project(
    name: str = "Hybrid <demo>", comp_names: tuple[str, ...] = ("discovery", "build", "run")
) -> engagekit.Project:
    spans = [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 4, 30)),
        (date(2026, 3, 1), date(2026, 6, 30)),
    ]
    models = ["fixed-price", "time-material", "sla"]
    comps = tuple(
        engagekit.Component(n, models[i % 3], *spans[i % 3], description=f"part {n}")
        for i, n in enumerate(comp_names)
    )
    return engagekit.Project(name=name, currency=EUR, components=comps, client="ACME & Co")


def make_estimate(project: engagekit.Project, simulated: bool = True) -> engagekit.ProjectEstimate:
    rng = np.random.default_rng(7)
    trials = 2000
    a = rng.lognormal(5, 0.4, trials)
    b = rng.normal(800, 120, trials)
    names = [c.component if hasattr(c, "component") else c.name for c in project.components]
    comps = []
    for name, arr in zip(names, (a, b, None), strict=False):
        if arr is not None and simulated:
            comps.append(
                engagekit.ComponentEstimate(
                    name,
                    "x",
                    m("100.00"),
                    m("150.00"),
                    effort_hours=engagekit.Distribution.from_samples(arr),
                    samples=engagekit.Samples(arr, arr * 60.0),
                )
            )
        else:
            comps.append(
                engagekit.ComponentEstimate(
                    name,
                    "x",
                    m("10.00"),
                    m("12.00"),
                    effort_hours=engagekit.Distribution.point(Decimal(40)),
                )
            )
    if simulated:
        total = a + b + 40.0
        return engagekit.ProjectEstimate(
            project.name,
            EUR,
            tuple(comps),
            m("210.00"),
            m("312.00"),
            engagekit.Distribution.from_samples(total),
            engagekit.EstimateOptions(seed=3, trials=trials),
            samples=engagekit.Samples(total, total * 60.0),
            warnings=(f"warning about {EVIL}",),
        )
    return engagekit.ProjectEstimate(
        project.name,
        EUR,
        tuple(comps),
        m("30.00"),
        m("36.00"),
        engagekit.Distribution(Decimal(120), Decimal(120), Decimal(120)),
        engagekit.EstimateOptions(seed=3, trials=100),
    )


def line(component: str, amount: str, description: str = "work") -> engagekit.InvoiceLine:
    return engagekit.InvoiceLine(component, description, Decimal(1), "month", m(amount), m(amount))


def make_bills(project: engagekit.Project) -> tuple[engagekit.ProjectBill, ...]:
    names = [c.name for c in project.components]
    bills = []
    for month, lines in (
        (1, [line(names[0], "5000.00")]),
        (2, [line(names[1], "12000.50")]),
        (3, [line(names[1], "9000.25"), line(names[-1], "3000.00"), line(names[-1], "-150.00")]),
        (4, []),
    ):
        period = engagekit.Period.month(2026, month)
        subtotal = engagekit.Money.total((x.amount for x in lines), EUR)
        adj = []
        if lines:
            adj = [
                engagekit.AppliedAdjustment(
                    "VAT", "tax", (subtotal * Decimal("0.2")).rounded(), subtotal
                )
            ]
        inv = engagekit.Invoice(period, EUR, tuple(lines), subtotal, tuple(adj))
        bills.append(engagekit.ProjectBill(project.name, period, (inv,), ()))
    return tuple(bills)


def make_staff(project: engagekit.Project) -> engagekit.StaffPlan:
    names = [c.name for c in project.components]
    rows = [
        engagekit.StaffingRow(
            names[0], engagekit.Period.month(2026, 1), "analyst", Decimal("0.7"), person="ana"
        ),
        engagekit.StaffingRow(
            names[1],
            engagekit.Period.days(date(2026, 1, 1), date(2026, 1, 31)),
            "dev",
            Decimal("0.6"),
            person="ana",
        ),
        engagekit.StaffingRow(names[1], engagekit.Period.month(2026, 2), "dev", Decimal(2)),
        engagekit.StaffingRow(
            names[-1], engagekit.Period.month(2026, 3), "agent", Decimal("1.5"), status="open"
        ),
        engagekit.StaffingRow(
            names[1], engagekit.Period.month(2026, 2), "dev", Decimal(3), status="demand"
        ),
    ]
    return engagekit.StaffPlan(project.name, tuple(rows), (), ("ana is over-allocated in 2026-01",))


def make_service(project: engagekit.Project, sla: bool = True) -> engagekit.ServiceReport:
    names = [c.name for c in project.components]
    measures = [engagekit.ServiceMeasure(names[0], "fixed-price", metrics={"accepted": 1})]
    if sla:
        measures.append(
            engagekit.ServiceMeasure(
                names[-1],
                "sla",
                metrics={
                    "availability_pct": Decimal("99.5"),
                    "availability_target_pct": Decimal("99.9"),
                },
                tables={"priorities": sla_rows()},
                status="off-track",
            )
        )
    return engagekit.ServiceReport(project.name, None, tuple(measures))


def full(project: engagekit.Project | None = None) -> ReportData:
    project = project or make_project()
    return ReportData(
        project,
        make_estimate(project),
        make_bills(project),
        make_staff(project),
        make_service(project),
    )


def section(root: Node, name: str) -> Node:
    node = root.find_id(name)
    assert node is not None and node.tag == "section", name
    return node


def test_the_page_is_well_formed_html5() -> None:
    root = parse(render_html(full()))
    html = next(root.iter("html"))
    assert html.attrs["lang"] == "en"
    assert next(root.iter("meta")).attrs.get("charset") == "utf-8"
    assert [s.attrs["id"] for s in root.iter("section")] == [
        "components",
        "estimate",
        "billing",
        "staffing",
        "service",
    ]


def test_the_page_needs_no_network_and_no_script() -> None:
    text = render_html(full())
    root = parse(text)
    assert not list(root.iter("script"))
    assert not list(root.iter("link"))
    assert not list(root.iter("img"))
    for node in root.iter():
        for key, value in node.attrs.items():
            assert key not in ("src", "href", "xlink:href"), (node.tag, key, value)
            assert not key.startswith("on"), (node.tag, key)
    assert not re.search(r"https?://", text)
    assert "url(" not in text and "@import" not in text


def test_every_section_with_data_has_its_chart() -> None:
    root = parse(render_html(full()))
    assert len(list(section(root, "estimate").iter("svg"))) == 2  # effort and cost
    assert len(list(section(root, "billing").iter("svg"))) == 1
    assert len(list(section(root, "staffing").iter("svg"))) == 1
    assert len(list(section(root, "service").iter("svg"))) == 2  # priorities and availability
    for svg in root.iter("svg"):
        assert "viewBox" in {k.lower(): v for k, v in svg.attrs.items()} or "viewbox" in svg.attrs
        assert svg.attrs.get("role") == "img" and svg.attrs.get("aria-label")
        assert next(svg.iter("title")).all_text()


def test_percentile_markers_sit_at_the_projects_percentiles() -> None:
    data = full()
    root = parse(render_html(data))
    effort_chart = next(section(root, "estimate").iter("svg"))
    markers = {
        g.attrs["data-marker"]: float(g.attrs["data-value"] or "nan")
        for g in effort_chart.iter("g")
        if "data-marker" in g.attrs
    }
    assert data.estimate is not None and data.estimate.effort_hours is not None
    d = data.estimate.effort_hours
    assert markers == pytest.approx({"P50": float(d.p50), "P80": float(d.p80), "P90": float(d.p90)})
    text = effort_chart.all_text()
    for name in ("P50", "P80", "P90"):
        assert name in text
    # the cost chart's markers are the percentiles of the cost samples
    cost_chart = list(section(root, "estimate").iter("svg"))[1]
    cost = {
        g.attrs["data-marker"]: float(g.attrs["data-value"] or "nan")
        for g in cost_chart.iter("g")
        if "data-marker" in g.attrs
    }
    assert data.estimate.samples is not None and data.estimate.samples.cost is not None
    want = np.percentile(data.estimate.samples.cost, [50, 80, 90])
    assert [cost["P50"], cost["P80"], cost["P90"]] == pytest.approx(list(want))


def test_histogram_bars_add_up_to_all_trials() -> None:
    data = full()
    root = parse(render_html(data))
    chart = next(section(root, "estimate").iter("svg"))
    counts = []
    for rect in chart.iter("rect"):
        title = next(rect.iter("title"), None)
        if title is not None and "trials" in title.all_text():
            counts.append(int(re.search(r": (\d+) trials", title.all_text())[1]))  # type: ignore[index]
    assert data.estimate is not None
    assert sum(counts) == data.estimate.options.trials


def test_every_dynamic_string_is_escaped() -> None:
    project = make_project(name=EVIL, comp_names=(f"a {EVIL}", "b<i>", "c&d"))
    data = ReportData(
        project,
        make_estimate(project),
        make_bills(project),
        make_staff(project),
        engagekit.ServiceReport(
            project.name,
            None,
            (
                engagekit.ServiceMeasure(
                    "c&d",
                    "sla<x>",
                    metrics={f"key {EVIL}": f"value {EVIL}", "availability_pct": 99},
                    tables={
                        "priorities": [
                            {
                                "priority": EVIL,
                                "incidents": 1,
                                "met": 0,
                                "breached": 1,
                                "compliance_pct": 0,
                            }
                        ]
                    },
                    status=EVIL,
                    warnings=(EVIL,),
                ),
            ),
            warnings=(f"report {EVIL}",),
        ),
    )
    text = render_html(data)
    root = parse(text)
    assert "<script>" not in text and "<i>" not in text
    assert not list(root.iter("script")) and not list(root.iter("i"))
    # the strings survive, as text
    assert EVIL in next(root.iter("h1")).all_text()
    assert EVIL in next(root.iter("title")).all_text()
    body = next(root.iter("body")).all_text()
    for s in (
        f"key {EVIL}",
        f"value {EVIL}",
        "b<i>",
        "c&d",
        f"report {EVIL}",
        f"warning about {EVIL}",
    ):
        assert s in body, s
    # inside SVG too (series names, priority labels), and in attributes
    svg_text = " ".join(svg.all_text() for svg in root.iter("svg"))
    assert "b<i>" in svg_text and EVIL in svg_text
    assert any(n.attrs.get("data-series") == "c&d" for n in root.iter("rect"))


def test_billing_table_totals_are_the_invoices() -> None:
    data = full()
    root = parse(render_html(data))
    table = next(section(root, "billing").iter("table"))
    foot = next(table.iter("tfoot"))
    cells = [td.all_text() for td in next(foot.iter("tr")).iter("td")]
    totals = [inv.total for b in data.bills for inv in b.invoices]
    want = engagekit.Money.total((t for t in totals if t is not None), EUR)
    assert cells[-1] == f"{want.amount:,}"
    assert cells[-1] == "34,620.90"  # (5000 + 12000.50 + 11850.25) * 1.2 = 28850.75 * 1.2
    header = [th.all_text() for th in next(table.iter("thead")).iter("th")]
    # one currency: no currency column; what each month is, and which figure is net
    assert header == [
        "month",
        "basis",
        "discovery",
        "build",
        "run",
        "subtotal (net)",
        "VAT (tax)",
        "total",
    ]


def test_stacked_billing_bars_are_the_component_subtotals() -> None:
    data = full()
    root = parse(render_html(data))
    chart = next(section(root, "billing").iter("svg"))
    by_series: dict[str, list[str]] = {}
    for rect in chart.iter("rect"):
        if "data-series" in rect.attrs:
            by_series.setdefault(rect.attrs["data-series"] or "", []).append(
                next(rect.iter("title")).all_text()
            )
    assert set(by_series) == {"discovery", "build", "run"}
    assert by_series["run"] == ["2026-03 · run: 2,850"]  # 3000 - 150 credit
    assert len(by_series["build"]) == 2


def test_staffing_weights_rows_by_the_days_they_share_with_a_month() -> None:
    row = engagekit.StaffingRow(
        "c", engagekit.Period.days(date(2026, 1, 26), date(2026, 2, 8)), "dev", Decimal(1)
    )
    assert month_share(row, engagekit.Period.month(2026, 1)) == Decimal(6) / Decimal(31)
    assert month_share(row, engagekit.Period.month(2026, 2)) == Decimal(8) / Decimal(28)
    assert month_share(row, engagekit.Period.month(2026, 3)) == 0


def test_staffing_flags_over_allocation_and_draws_demand() -> None:
    root = parse(render_html(full()))
    staffing = section(root, "staffing")
    over = [s for s in staffing.iter("span") if s.attrs.get("class") == "over"]
    assert [s.all_text() for s in over] == ["0.70", "0.60"]  # ana in January, both components
    assert "ana is over-allocated in 2026-01" in staffing.all_text()
    chart = next(staffing.iter("svg"))
    # demand only in February: a dot, no line to nowhere
    demand = [c for c in chart.iter("circle") if c.attrs.get("data-series") == "demand"]
    assert [next(c.iter("title")).all_text() for c in demand] == ["2026-02 · demand: 3"]
    assert not [p for p in chart.iter("polyline") if p.attrs.get("data-series") == "demand"]


def test_sla_bars_show_compliance_by_priority() -> None:
    root = parse(render_html(full()))
    service = section(root, "service")
    chart = next(service.iter("svg"))
    values = [
        float(r.attrs["data-value"] or "nan") for r in chart.iter("rect") if "data-value" in r.attrs
    ]
    assert values == [50.0, 100.0, 83.3]  # P4 has no incidents: no bar, "n/a"
    assert "n/a" in chart.all_text()
    availability = list(service.iter("svg"))[1]
    assert "target 99.9%" in availability.all_text()
    bar = next(r for r in availability.iter("rect") if "data-value" in r.attrs)
    assert bar.attrs["fill"] == "#B2182B"  # below target


def test_sections_degrade_to_notes() -> None:
    project = make_project()
    data = ReportData(
        project, make_estimate(project, simulated=False), (), None, make_service(project, sla=False)
    )
    root = parse(render_html(data))
    assert not list(section(root, "estimate").iter("svg"))
    assert "No simulation samples" in section(root, "estimate").all_text()
    assert "No billing periods" in section(root, "billing").all_text()
    assert "No staffing rows" in section(root, "staffing").all_text()
    assert "No SLA component" in section(root, "service").all_text()
    assert not list(section(root, "service").iter("svg"))


def test_empty_bills_say_nothing_is_billed() -> None:
    project = make_project()
    period = engagekit.Period.month(2026, 1)
    empty = engagekit.Invoice(period, EUR, (), m("0"))
    data = ReportData(project, bills=(engagekit.ProjectBill(project.name, period, (empty,), ()),))
    root = parse(render_html(data))
    assert "Nothing is billed" in section(root, "billing").all_text()
    assert "No estimate" in section(root, "estimate").all_text()


def test_a_project_without_components_renders() -> None:
    project = engagekit.Project(name="empty", currency=EUR, components=())
    parse(render_html(ReportData(project)))


def test_other_currencies_are_in_the_table_not_the_chart() -> None:
    project = make_project()
    period = engagekit.Period.month(2026, 2)
    usd = engagekit.Money.of("100.00", "USD")
    inv_usd = engagekit.Invoice(
        period,
        "USD",
        (engagekit.InvoiceLine("build", "licence", Decimal(1), "each", usd, usd),),
        usd,
    )
    bills = (*make_bills(project)[:1], engagekit.ProjectBill(project.name, period, (inv_usd,), ()))
    root = parse(render_html(ReportData(project, bills=bills)))
    billing = section(root, "billing")
    assert "Invoices in USD are in the table only" in billing.all_text()
    chart = next(billing.iter("svg"))
    assert {r.attrs.get("data-series") for r in chart.iter("rect") if "data-series" in r.attrs} == {
        "discovery"
    }


@given(st.floats(-1e9, 1e9), st.floats(-1e9, 1e9), st.integers(2, 10))
def test_nice_ticks_cover_the_range_evenly(a: float, b: float, count: int) -> None:
    lo, hi = min(a, b), max(a, b)
    ticks = nice_ticks(lo, hi, count)
    assert ticks[0] <= lo + 1e-9 * max(1, abs(lo))
    assert ticks[-1] >= hi - 1e-9 * max(1, abs(hi))
    steps = [y - x for x, y in itertools.pairwise(ticks)]
    assert len(ticks) >= 2 and all(s > 0 for s in steps)
    assert max(steps) == pytest.approx(min(steps), rel=1e-6)
    assert len(ticks) <= 2 * count + 3
