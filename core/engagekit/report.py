"""The HTML report of ``engage report``: one self-contained file across all components.

Sections: the estimate distribution (histogram and S-curve of the jointly simulated effort and
cost, P50/P80/P90 marked), the monthly billing forecast stacked by component (one
``engine.bill`` per month of the project's timeframe), the staffing plan over time, and service
levels (SLA compliance by priority, availability, every component's metrics).

The file needs no network and no script: inline CSS, charts as hand-written inline SVG
(``engagekit.report_svg``). Every string that comes from a project, a plugin or a result is
HTML-escaped. A section with nothing to show (no simulated component, no SLA component) says
so instead of drawing an empty chart. Errors of the models (an ``InputError`` for bad data) are
not swallowed: the report is either complete or not written.

``collect`` gathers the results from an engine; ``render_html`` turns them into the page, so
embedders and tests can render results they built themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

import attrs

from engagekit._version import __version__
from engagekit.engine import OVER_ALLOCATION_TOLERANCE, Engine, month_share, monthly_load
from engagekit.money import Money
from engagekit.output import jsonable
from engagekit.period import Period
from engagekit.project import Project
from engagekit.report_billing import (
    BillingMonth,
    billing_months,
    collapse_nothing_to_bill,
    data_dates,
    issued_numbers,
    net_and_tax,
)
from engagekit.report_svg import (
    burnup_svg,
    color,
    hbars_svg,
    histogram_svg,
    nice_ticks,
    stacked_bars_svg,
)
from engagekit.results import (
    STAGES,
    Distribution,
    ProjectBill,
    ProjectEstimate,
    ServiceMeasure,
    ServiceReport,
    StaffingRow,
    StaffPlan,
)

__all__ = ["ReportData", "collect", "month_share", "render_html", "render_report"]

#: Most rows of the staffing heat table and of a component's metrics list shown in the page.
MAX_HEAT_ROWS = 60
MAX_METRICS = 40
HIST_BINS = 40


@attrs.frozen
class ReportData:
    """Everything the report shows; any part may be missing (None or empty)."""

    project: Project
    estimate: ProjectEstimate | None = None
    bills: tuple[ProjectBill, ...] = ()
    staff: StaffPlan | None = None
    service: ServiceReport | None = None
    #: ``bills`` as the report shows them: issued, actual or projected (``report_billing``);
    #: empty: every bill as it is, actual.
    months: tuple[BillingMonth, ...] = ()

    def billing(self) -> tuple[BillingMonth, ...]:
        """The months of the billing section: ``months``, or ``bills`` taken as actual."""
        return self.months or tuple(BillingMonth(b, b.invoices) for b in self.bills)


def render_report(
    engine: Engine, project: Project, *, seed: int | None = None, trials: int | None = None
) -> str:
    """The report of ``project`` as one self-contained HTML document."""
    return render_html(collect(engine, project, seed=seed, trials=trials))


def project_months(project: Project) -> list[Period]:
    """The calendar months of the project's timeframe (first component start to last end)."""
    if not project.components:
        return []
    return list(Period.days(project.start, project.end).months())


def collect(
    engine: Engine, project: Project, *, seed: int | None = None, trials: int | None = None
) -> ReportData:
    """Run every operation the report needs: estimate, a bill per month, staff, measure."""
    if not project.components:
        return ReportData(project)
    estimate = engine.estimate(project, seed=seed, trials=trials)
    bills = tuple(engine.bill(project, month) for month in project_months(project))
    staff = engine.staff(project)
    service = engine.measure(project, None)
    issued = issued_numbers(project)
    months = billing_months(engine, project, bills, estimate, service, issued)
    return ReportData(project, estimate, bills, staff, service, tuple(months))


# -- formatting ----------------------------------------------------------------------------------


def e(value: object) -> str:
    """HTML-escaped text of anything."""
    return escape("" if value is None else str(value), quote=True)


def money_text(m: Money) -> str:
    return f"{m.rounded().amount:,}"


def num_text(value: Decimal | float | int | None, places: int = 1) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-places)):,}"


def _to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Money):
        return float(value.amount)
    try:
        return float(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return None


def _note(text: str) -> str:
    return f'<p class="note">{e(text)}</p>'


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric_from: int = 1,
    css: str = "",
    foot: Sequence[Sequence[str]] = (),
) -> str:
    """A table; cells are already-escaped HTML; columns from ``numeric_from`` align right."""

    def cells(row: Sequence[str], tag: str) -> str:
        return "".join(
            f'<{tag} class="num">{c}</{tag}>' if i >= numeric_from else f"<{tag}>{c}</{tag}>"
            for i, c in enumerate(row)
        )

    head = "<thead><tr>" + cells([e(h) for h in header], "th") + "</tr></thead>"
    body = "<tbody>" + "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows) + "</tbody>"
    tfoot = (
        "<tfoot>" + "".join(f"<tr>{cells(r, 'td')}</tr>" for r in foot) + "</tfoot>" if foot else ""
    )
    return f'<table class="{e(css)}">{head}{body}{tfoot}</table>'


def _warnings(items: Iterable[str]) -> str:
    items = list(dict.fromkeys(items))
    if not items:
        return ""
    return '<ul class="warnings">' + "".join(f"<li>{e(w)}</li>" for w in items) + "</ul>"


# -- sections ------------------------------------------------------------------------------------


def data_as_of(data: ReportData) -> date | None:
    """The latest day the measured data reaches (time entries, progress, incidents), if any."""
    return max(data_dates(data.service).values(), default=None)


def _header(data: ReportData) -> str:
    p = data.project
    span = f"{p.start} to {p.end}" if p.components else "no components"
    opts = ""
    if data.estimate is not None:
        opts = f" · seed {data.estimate.options.seed}, {data.estimate.options.trials:,} trials"
    client = f"{e(p.client)} · " if p.client else ""
    as_of = data_as_of(data)
    if as_of is not None:
        opts += f" · data as of {as_of}"
    comps = _table(
        ("component", "model", "start", "end", "description"),
        (
            [
                f'<span class="swatch" style="background:{color(i)}"></span>{e(c.name)}',
                e(c.model),
                e(c.start),
                e(c.end),
                e(c.description),
            ]
            for i, c in enumerate(p.components)
        ),
        numeric_from=99,
    )
    return (
        f"<header><h1>{e(p.name)}</h1>"
        f'<p class="meta">{client}{e(p.currency)} · {e(span)} · '
        f"{len(p.components)} components{e(opts)} · engagekit {e(__version__)}</p></header>"
        f'<section id="components"><h2>Components</h2>{comps}</section>'
    )


def _kpis(data: ReportData) -> str:
    tiles: list[tuple[str, str]] = []
    cur = data.project.currency
    est = data.estimate
    if est is not None:
        tiles.append(("price, net of VAT", f"{money_text(est.price)} {cur}"))
        tiles.append(("cost", f"{money_text(est.cost)} {cur}"))
        pct = f" ({est.margin.amount / est.price.amount * 100:.1f}%)" if est.price.amount else ""
        tiles.append(("margin", f"{money_text(est.margin)} {cur}{pct}"))
        if est.effort_hours is not None:
            tiles.append(("effort P80", f"{num_text(est.effort_hours.p80, 0)} h"))
    billing = data.billing()
    invoices = [inv for m in billing for inv in m.invoices if inv.currency == cur]
    if invoices:
        net, tax = net_and_tax(invoices)
        gross = Money.total((inv.total for inv in invoices if inv.total is not None), cur)
        ahead = [inv for m in billing if m.projected for inv in m.invoices if inv.currency == cur]
        of = f" · {money_text(net_and_tax(ahead)[0] or Money.zero(cur))} projected" if ahead else ""
        assert net is not None and tax is not None
        tiles.append(("billed, net of VAT", f"{money_text(net)} {cur}{of}"))
        tiles.append(("VAT", f"{money_text(tax)} {cur}"))
        tiles.append(("billed, gross", f"{money_text(gross)} {cur}"))
    if data.staff is not None and data.staff.rows:
        months = project_months(data.project)
        peak = max(
            (
                sum(
                    (month_share(r, m) for r in data.staff.rows if r.status != "demand"), Decimal(0)
                )
                for m in months
            ),
            default=Decimal(0),
        )
        tiles.append(("peak staffing", f"{num_text(peak, 1)} FTE"))
    if not tiles:
        return ""
    return (
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi"><div class="k">{e(k)}</div><div class="v">{e(v)}</div></div>'
            for k, v in tiles
        )
        + "</div>"
    )


def _histogram(values: Any, dist: Distribution, *, title: str, x_label: str, unit: str) -> str:
    import numpy as np

    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return _note(f"{title}: no finite samples.")
    lo, hi = float(arr.min()), float(arr.max())
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(arr, bins=HIST_BINS, range=(lo, hi))
    markers = [("P50", float(dist.p50)), ("P80", float(dist.p80)), ("P90", float(dist.p90))]
    return histogram_svg(
        [float(x) for x in edges],
        [int(c) for c in counts],
        markers,
        title=title,
        x_label=x_label,
        unit=unit,
    )


def _estimate_section(data: ReportData) -> str:
    est = data.estimate
    out = ['<section id="estimate"><h2>Estimate</h2>']
    if est is None:
        out.append(_note("No estimate: the project has no components."))
        return "".join(out) + "</section>"

    def dist_cells(d: Distribution | None) -> list[str]:
        return [num_text(d.p50), num_text(d.p80), num_text(d.p90)] if d else ["", "", ""]

    def pct(margin: Money, price: Money) -> str:
        return f"{margin.amount / price.amount * 100:.1f}%" if price.amount else ""

    rows = [
        [
            e(r.component),
            e(r.model),
            *dist_cells(r.effort_hours),
            money_text(r.cost),
            money_text(r.price),
            money_text(r.margin),
            pct(r.margin, r.price),
            e(r.finish or ""),
        ]
        for r in est.components
    ]
    foot = [
        [
            "<b>project</b>",
            "",
            *dist_cells(est.effort_hours),
            money_text(est.cost),
            money_text(est.price),
            money_text(est.margin),
            pct(est.margin, est.price),
            "",
        ]
    ]
    out.append(
        _table(
            (
                "component",
                "model",
                "hours P50",
                "P80",
                "P90",
                f"cost {est.currency}",
                f"price {est.currency}",
                "margin",
                "margin %",
                "finish",
            ),
            rows,
            numeric_from=2,
            foot=foot,
        )
    )
    simulated = [r.component for r in est.components if r.samples is not None]
    if est.samples is None or len(est.samples.effort_hours) == 0:
        out.append(
            _note(
                "No simulation samples: no component of this project is estimated by "
                "simulation, so the project's percentiles are sums of point estimates and there "
                "is no distribution to draw."
            )
        )
    else:
        assert est.effort_hours is not None
        sums = sum(
            (r.effort_hours.p80 for r in est.components if r.effort_hours is not None), Decimal(0)
        )
        out.append(
            f'<p class="explain">The simulated components ({e(", ".join(simulated))}) are sampled '
            f"jointly: {est.options.trials:,} trials with seed {est.options.seed}, effort summed "
            f"per trial, so P50/P80/P90 are percentiles of the project's total. Project P80 "
            f"<b>{num_text(est.effort_hours.p80)} h</b>; the sum of the components' P80s would "
            f"say {num_text(sums)} h.</p>"
        )
        out.append('<figure class="chart-box">')
        out.append(
            _histogram(
                est.samples.effort_hours,
                est.effort_hours,
                title="Project effort: distribution of the simulated trials",
                x_label="effort (hours)",
                unit="h",
            )
        )
        out.append(
            "<figcaption>Bars: share of trials per effort bin; line: S-curve (share of "
            "trials at or below); dashed: P50, P80, P90.</figcaption></figure>"
        )
        if est.samples.cost is not None and len(est.samples.cost):
            # Places enough that the labels, rounded again for display, are not double-rounded.
            cost = Distribution.from_samples(est.samples.cost, places=6)
            out.append('<figure class="chart-box">')
            out.append(
                _histogram(
                    est.samples.cost,
                    cost,
                    title=f"Project cost ({est.currency}): distribution",
                    x_label=f"cost ({est.currency})",
                    unit="",
                )
            )
            out.append(
                f"<figcaption>Cost P50 {num_text(cost.p50, 0)}, P80 {num_text(cost.p80, 0)}, "
                f"P90 {num_text(cost.p90, 0)} {e(est.currency)}.</figcaption></figure>"
            )
    out.append(_warnings(est.warnings))
    return "".join(out) + "</section>"


def _component_order(data: ReportData, names: Iterable[str]) -> list[str]:
    order = {c.name: i for i, c in enumerate(data.project.components)}
    return sorted(set(names), key=lambda n: (order.get(n, len(order)), n))


def _billing_section(data: ReportData) -> str:
    out = ['<section id="billing"><h2>Billing by month</h2>']
    months = data.billing()
    if not months:
        out.append(_note("No billing periods: the project has no components."))
        return "".join(out) + "</section>"
    cur = data.project.currency
    comps = _component_order(
        data, (line.component for m in months for inv in m.invoices for line in inv.lines)
    )
    invoices = [(m, inv) for m in months for inv in m.invoices]
    main = [(m, inv) for m, inv in invoices if inv.currency == cur]
    projected = [m.projected != () for m in months]
    if not comps:
        out.append(_note("Nothing is billed in any month of the project's timeframe."))
    else:
        labels = [m.period.label for m in months]
        per = {c: [0.0] * len(labels) for c in comps}
        totals: list[float | None] = [None] * len(labels)
        for i, m in enumerate(months):
            for inv in m.invoices:
                if inv.currency != cur:
                    continue
                for comp, sub in inv.subtotals().items():
                    per[comp][i] += float(sub.amount)
                if inv.total is not None and (inv.lines or inv.adjustments):
                    totals[i] = float(inv.total.amount)
        out.append(
            stacked_bars_svg(
                labels,
                [(c, per[c]) for c in comps],
                title=f"Billing by month and component ({cur}, net)",
                y_label=cur,
                line=("invoice total (gross)", totals),
                colors=_colors(data, comps),
                faded=projected if any(projected) else None,
                faded_name="projected (lighter)",
            )
        )
    # the table: one row per invoice (month and currency)
    adjustments = sorted(
        {(a.stage, a.name) for _, inv in invoices for a in inv.adjustments},
        key=lambda sn: (STAGES.get(sn[0], 999), sn[1]),
    )
    others = sorted({inv.currency for _, inv in invoices} - {cur})
    header = [
        "month",
        "basis",
        *(["currency"] if others else []),
        *comps,
        "subtotal (net)",
        *(f"{n} ({s})" for s, n in adjustments),
        "total",
    ]
    rows = []
    grand: dict[tuple[str, bool], dict[str, Money]] = defaultdict(dict)
    for m, inv in invoices:
        subs = inv.subtotals()
        adj = {(a.stage, a.name): a.amount for a in inv.adjustments}
        assert inv.total is not None
        basis = m.basis
        if m.projected and basis != "projected" and len(m.running) > 1:
            parts = [f"{c} partly" if c in m.partly else c for c in m.projected]
            basis += f" ({', '.join(parts)} projected)"
        cells = [e(m.period.label), e(basis), *([e(inv.currency)] if others else [])]
        cells += [
            (f"<i>{money_text(subs[c])}</i>" if c in m.projected else money_text(subs[c]))
            if c in subs
            else ""
            for c in comps
        ]
        cells.append(money_text(inv.subtotal))
        cells += [money_text(adj[k]) if k in adj else "" for k in adjustments]
        cells.append(f"<b>{money_text(inv.total)}</b>")
        rows.append(cells)
        for key in (
            ((inv.currency, False), (inv.currency, True))
            if m.projected
            else ((inv.currency, False),)
        ):
            g = grand[key]
            sums: list[tuple[str, Money]] = [(c, v) for c, v in subs.items()]
            sums += [("subtotal", inv.subtotal), ("total", inv.total)]
            sums += [(f"adj:{s}:{n}", v) for (s, n), v in adj.items()]
            for k, v in sums:
                g[k] = g.get(k, Money.zero(inv.currency)) + v
    foot = []
    for (currency, ahead), g in sorted(grand.items()):
        label = "<b>of which projected</b>" if ahead else "<b>all months</b>"
        cells = [label, "", *([e(currency)] if others else [])]
        cells += [money_text(g[c]) if c in g else "" for c in comps]
        cells.append(money_text(g["subtotal"]))
        cells += [
            money_text(g[f"adj:{s}:{n}"]) if f"adj:{s}:{n}" in g else "" for s, n in adjustments
        ]
        cells.append(f"<b>{money_text(g['total'])}</b>")
        foot.append(cells)
    out.append('<div class="scroll">')
    out.append(_table(header, rows, numeric_from=3 if others else 2, foot=foot, css="billing"))
    out.append("</div>")
    if others:
        out.append(
            _note(f"Invoices in {', '.join(others)} are in the table only; the chart shows {cur}.")
        )
    if not main:
        out.append(_note(f"No invoice in the project currency {cur}."))
    out.append(_billing_explain(data, months))
    # a projected component's "nothing to bill" is no news: its month is the plan's
    out.append(
        _warnings(
            collapse_nothing_to_bill(
                w
                for m in months
                for w in m.bill.warnings
                if not any(w.startswith(f"{c}: nothing to bill in ") for c in m.projected)
            )
        )
    )
    out.append(_burnup(data, months))
    return "".join(out) + "</section>"


def _billing_explain(data: ReportData, months: Sequence[BillingMonth]) -> str:
    dates = data_dates(data.service)
    ahead = [m for m in months if m.projected]
    text = (
        "One <code>engage bill</code> per month of the timeframe: component subtotals (net), "
        "then the adjustments in their fixed order (discounts, surcharges, fees, taxes; by name "
        "within a stage); each total is the subtotal plus the adjustments, to the cent."
    )
    if any(m.issued for m in months):
        text += " <b>Issued</b>: the ledger holds an invoice for the month (its number shown)."
    if ahead:
        reach = "; ".join(f"{e(c)} to {d}" for c, d in dates.items())
        text += (
            f" <b>Actual</b> months are billed from the data ({reach}); <b>projected</b> months "
            "(lighter bars, amounts in italics) are the plan after the data ends: time and "
            "material and a dedicated team from their team plans (up to a cap), fixed price "
            "from its milestones at their dates or the planned end of their phase, an SLA's "
            "fees as billed. "
            f"From {e(ahead[0].period.label)} on, the figures are a forecast, not invoices."
        )
    return f'<p class="explain">{text}</p>'


def _burnup(data: ReportData, months: Sequence[BillingMonth]) -> str:
    """Cumulative billing of each component with a budget or a cap, against them."""
    cur = data.project.currency
    out = []
    for m in data.service.components if data.service is not None else ():
        refs = [
            (name, float(v.amount))
            for name, key in (("budget", "budget"), ("cap", "cap_money"))
            if isinstance(v := m.metrics.get(key), Money) and v.currency == cur
        ]
        if not refs:
            continue
        mine = [b for b in months if m.component in b.running]
        if not mine:
            continue
        labels = [b.period.label for b in mine]
        actual: list[float | None] = []
        ahead: list[float | None] = []
        total = Decimal(0)
        for b in mine:
            total += sum(
                (
                    inv.subtotals()[m.component].amount
                    for inv in b.invoices
                    if inv.currency == cur and m.component in inv.subtotals()
                ),
                Decimal(0),
            )
            is_projected = m.component in b.projected
            actual.append(None if is_projected else float(total))
            ahead.append(float(total) if is_projected else None)
        # the projection starts where the actual line ends, so that the two join
        last = max((i for i, v in enumerate(actual) if v is not None), default=None)
        if last is not None and last + 1 < len(ahead):
            ahead[last] = actual[last]
        out.append(
            burnup_svg(
                labels,
                actual,
                ahead,
                refs,
                title=f"{m.component}: billed to date against its "
                + " and ".join(name for name, _ in refs)
                + f" ({cur}, net)",
                y_label=cur,
            )
        )
    if not out:
        return ""
    return (
        "<h3>Burn-up against budget and cap</h3>"
        + "".join(out)
        + '<p class="explain">Billed to date, month by month (solid: actual; dashed: '
        "projected by the plan), against the component's budget and not-to-exceed cap.</p>"
    )


def _colors(data: ReportData, comps: Sequence[str]) -> list[str]:
    """Each component's colour, the same in every chart and in the components table."""
    index = {c.name: i for i, c in enumerate(data.project.components)}
    extra = len(index)
    out = []
    for c in comps:
        if c not in index:
            index[c] = extra
            extra += 1
        out.append(color(index[c]))
    return out


def _staff_section(data: ReportData) -> str:
    out = ['<section id="staffing"><h2>Staffing plan</h2>']
    plan = data.staff
    if plan is None or not plan.rows:
        out.append(_note("No staffing rows: no component plans people."))
        if plan is not None:
            out.append(_warnings(plan.warnings))
        return "".join(out) + "</section>"
    months = list(
        Period.days(
            min(r.period.start for r in plan.rows), max(r.period.last for r in plan.rows)
        ).months()
    )
    labels = [m.label for m in months]
    supply = [r for r in plan.rows if r.status != "demand"]
    demand = [r for r in plan.rows if r.status == "demand"]
    comps = _component_order(data, (r.component for r in supply))
    series = []
    for c in comps:
        mine = [r for r in supply if r.component == c]
        series.append(
            (c, [float(sum((month_share(r, m) for r in mine), Decimal(0))) for m in months])
        )
    line = None
    if demand:
        line = (
            "demand",
            [
                float(sum((month_share(r, m) for r in demand), Decimal(0)))
                if any(r.period.overlaps(m.start, m.last) for r in demand)
                else None
                for m in months
            ],
        )
    out.append(
        stacked_bars_svg(
            labels,
            series,
            title="Staffing by component (FTE per month)",
            y_label="FTE",
            line=line,
            colors=_colors(data, comps),
        )
    )
    out.append(
        '<p class="explain">Planned and open seats, stacked by component; rows of any length '
        "(weeks, months) count by the days they share with each month"
        + ("; the line is the demand the work needs" if demand else "")
        + ".</p>"
    )
    out.append(_capacity_charts(data, supply, months))
    # heat table: one row per component / role / person / status
    keys: dict[tuple[str, str, str, str], list[Decimal]] = {}
    order = {c: i for i, c in enumerate(comps)}
    for r in plan.rows:
        key = (r.component, r.role, r.person or "", r.status)
        vals = keys.setdefault(key, [Decimal(0)] * len(months))
        for i, m in enumerate(months):
            vals[i] += month_share(r, m)
    ordered = sorted(keys, key=lambda k: (order.get(k[0], 999), k[3] == "demand", k[1], k[2]))
    peak = max((v for vals in keys.values() for v in vals), default=Decimal(1)) or Decimal(1)
    over = _over_allocated_cells(plan.rows, months)
    rows = []
    for key in ordered[:MAX_HEAT_ROWS]:
        comp, role, person, status = key
        who = f"{person} ({role})" if person else role
        if status != "planned":
            who += f" · {status}"
        cells = [e(comp), e(who)]
        for i, v in enumerate(keys[key]):
            if not v:
                cells.append("")
                continue
            alpha = float(min(v / peak, Decimal(1))) * 0.75 + 0.08
            flag = (person, months[i].label) in over and status == "planned"
            cls = ' class="over"' if flag else ""
            cells.append(
                f'<span{cls} style="background:rgba(0,114,178,{alpha:.2f})">{num_text(v, 2)}</span>'
            )
        rows.append(cells)
    out.append('<div class="scroll">')
    out.append(_heat_table(months, rows))
    out.append("</div>")
    if len(ordered) > MAX_HEAT_ROWS:
        out.append(_note(f"{len(ordered) - MAX_HEAT_ROWS} more rows: see engage staff --csv."))
    if over:
        out.append(
            _note(
                "Cells outlined in red: the person is over-allocated across components that month."
            )
        )
    out.append(_warnings(plan.warnings))
    return "".join(out) + "</section>"


def _capacity_charts(
    data: ReportData, supply: Sequence[StaffingRow], months: Sequence[Period]
) -> str:
    """Per role with a capacity (the project's ``[capacity]``): its planned FTE by component
    against the capacity, a dashed red line; a bar above the line is over-allocation."""
    out = []
    for role, capacity in sorted(data.project.capacity.items()):
        mine = [r for r in supply if r.role == role]
        if not mine:
            continue
        first = min(r.period.start for r in mine)
        last = max(r.period.last for r in mine)
        used = [m for m in months if m.last >= first and m.start <= last]
        labels = [m.label for m in used]
        comps = _component_order(data, (r.component for r in mine))
        series = [
            (
                c,
                [
                    float(sum((month_share(r, m) for r in mine if r.component == c), Decimal(0)))
                    for m in used
                ],
            )
            for c in comps
        ]
        peak = max((sum(v[i] for _, v in series) for i in range(len(used))), default=0.0)
        over = " · over it in " + ", ".join(
            label
            for i, label in enumerate(labels)
            if sum(v[i] for _, v in series) > float(capacity + OVER_ALLOCATION_TOLERANCE)
        )
        out.append(
            f"<h4>{e(role)} <small>capacity {e(num_text(capacity, 1))} FTE, planned at most "
            f"{e(num_text(peak, 2))}{e(over) if peak > capacity + OVER_ALLOCATION_TOLERANCE else ''}"
            "</small></h4>"
        )
        out.append(
            stacked_bars_svg(
                labels,
                series,
                title=f"{role}: planned FTE per month against the capacity of {capacity}",
                y_label="FTE",
                colors=_colors(data, comps),
                limits=[(f"capacity {num_text(capacity, 1)} FTE", [float(capacity)] * len(labels))],
                height=220,
            )
        )
    if not out:
        return ""
    return (
        "<h3>Roles against their capacity</h3>"
        + "".join(out)
        + '<p class="explain">The firm\'s capacity per role (<code>[capacity]</code> in the '
        "project file) as a dashed red line; a bar above it is more of the role than the "
        "firm has that month.</p>"
    )


def _heat_table(months: Sequence[Period], rows: Sequence[Sequence[str]]) -> str:
    """The staffing heat table: years over month numbers, so that two years of months fit."""
    years: list[tuple[int, int]] = []  # (year, months in it)
    for m in months:
        if years and years[-1][0] == m.start.year:
            years[-1] = (m.start.year, years[-1][1] + 1)
        else:
            years.append((m.start.year, 1))
    labels = ("component", "role / person")
    head = "".join(f'<th rowspan="2">{e(h)}</th>' for h in labels)
    head += "".join(f'<th class="num year" colspan="{n}">{y}</th>' for y, n in years)
    sub = "".join(f'<th class="num" title="{e(m.label)}">{m.start.month:02d}</th>' for m in months)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i >= len(labels) else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="heat"><thead><tr>{head}</tr><tr>{sub}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _over_allocated_cells(
    rows: Sequence[StaffingRow], months: Sequence[Period]
) -> set[tuple[str, str]]:
    """(person, month label) pairs whose planned FTE across components exceeds 1."""
    labels = {m.label for m in months}
    return {
        key
        for key, (fte, _) in monthly_load(rows, lambda r: r.person).items()
        if key[1] in labels and fte > 1 + OVER_ALLOCATION_TOLERANCE
    }


def _metric_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    shown = jsonable(value)
    if isinstance(shown, bool | int | float | str) or shown is None:
        return "" if shown is None else str(shown)
    return ""


def _sla_block(m: ServiceMeasure) -> str:
    rows = m.tables.get("priorities") or []
    out = []
    bars: list[tuple[str, float | None, str, float | None]] = []
    targets = any(r.get("target_pct") is not None for r in rows)
    for row in rows:
        incidents = row.get("incidents")
        breached = row.get("breached")
        note = f"{incidents} incidents" if incidents is not None else ""
        if breached:
            note += f", {breached} breached"
        bars.append(
            (
                str(row.get("priority", "?")),
                _to_float(row.get("compliance_pct")),
                note,
                _to_float(row.get("target_pct")),
            )
        )
    avail = _to_float(m.metrics.get("availability_pct"))
    avail_target = _to_float(m.metrics.get("availability_target_pct"))
    if bars:
        out.append(hbars_svg(bars, title=f"{m.component}: SLA compliance by priority"))
        header = ["priority", "incidents", "met", "breached", "compliance %"]
        if targets:
            header.append("target %")
        out.append(
            _table(
                header,
                (
                    [
                        e(r.get("priority", "")),
                        e(r.get("incidents", "")),
                        e(r.get("met", "")),
                        e(r.get("breached", "")),
                        e(_pct_text(r.get("compliance_pct"))),
                        *([e(_pct_text(r.get("target_pct")))] if targets else []),
                    ]
                    for r in rows
                ),
            )
        )
    else:
        out.append(_note(f"{m.component}: no incidents by priority in the measured period."))
    if avail is not None:
        out.append(
            hbars_svg(
                [("availability", avail, "")],
                title=f"{m.component}: availability",
                target=avail_target,
                lo=availability_floor(avail, avail_target),
                hi=100.0,
                places=3,
            )
        )
    return "".join(out)


def availability_floor(value: float, target: float | None) -> float:
    """The left end of the availability scale: low enough to show the value and the target with
    room to spare (99.95 against 99.9 on a 99.7-100 scale, not 0-100)."""
    low = min(value, target if target is not None else value, 100.0)
    gap = max(100.0 - low, 0.05)
    floor = max(0.0, low - 1.5 * gap)
    return nice_ticks(floor, 100.0, 5)[0] if floor > 0 else 0.0


def _pct_text(value: Any) -> str:
    f = _to_float(value)
    return "n/a" if f is None else f"{f:.1f}%"


def _service_section(data: ReportData) -> str:
    out = ['<section id="service"><h2>Service levels</h2>']
    report = data.service
    if report is None or not report.components:
        out.append(_note("No service measures."))
        return "".join(out) + "</section>"
    sla = [
        m for m in report.components if "priorities" in m.tables or "availability_pct" in m.metrics
    ]
    if not sla:
        out.append(
            _note(
                "No SLA component: this project has no component that reports "
                "compliance by priority or availability."
            )
        )
    for m in sla:
        status = f' <span class="status {e(m.status)}">{e(m.status)}</span>' if m.status else ""
        out.append(f"<h3>{e(m.component)} <small>{e(m.model)}</small>{status}</h3>")
        out.append(_sla_block(m))
    period = report.period.label if report.period else "to date"
    out.append(f"<h3>All components: metrics ({e(period)})</h3>")
    out.append('<div class="metrics">')
    for m in report.components:
        status = f' <span class="status {e(m.status)}">{e(m.status)}</span>' if m.status else ""
        from engagekit.tables import metric_label, metric_unit

        # human names with units, as `engage measure` prints them (the keys are in --json)
        items = [
            (metric_label(k), _metric_text(v), metric_unit(k, v)) for k, v in m.metrics.items()
        ]
        items = [item for item in items if item[1] != ""]
        body = _table(
            ("metric", "value", "unit"),
            ([e(k), e(v), e(u)] for k, v, u in items[:MAX_METRICS]),
        )
        if not items:
            body = _note("no scalar metrics")
        extra = [f"{name} ({len(rows)} rows)" for name, rows in m.tables.items()]
        more = _note("tables: " + ", ".join(extra) + " (engage measure --json)") if extra else ""
        out.append(
            f'<div class="metric-card"><h4>{e(m.component)} <small>{e(m.model)}</small>'
            f"{status}</h4>{body}{more}</div>"
        )
    out.append("</div>")
    out.append(_warnings(report.warnings))
    return "".join(out) + "</section>"


CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1d2330;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
.meta { color: #5a6270; margin: 0 0 16px; }
section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 16px 20px;
  margin: 16px 0; }
h2 { margin: 0 0 12px; font-size: 20px; }
h3 { margin: 18px 0 8px; font-size: 16px; }
h4 { margin: 0 0 6px; font-size: 14px; }
small { color: #6a7380; font-weight: normal; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #eceef1; text-align: left;
  white-space: nowrap; }
th { background: #f3f5f7; font-weight: 600; }
td.num, th.num { text-align: right; }
tfoot td { border-top: 2px solid #c9ced6; font-weight: 600; }
table.heat { font-size: 12px; }
table.heat td, table.heat th { padding: 2px 4px; }
table.heat th.year { text-align: center; border-left: 1px solid #d5d9df; }
table.heat td span { display: inline-block; min-width: 28px; padding: 1px 4px; border-radius: 3px;
  color: #0b1a2a; }
table.heat td span.over { outline: 2px solid #B2182B; }
.scroll { overflow-x: auto; }
.chart-box { margin: 8px 0; }
svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
figcaption { color: #5a6270; font-size: 12px; }
.note { color: #5a6270; font-style: italic; }
.explain { color: #333; }
.warnings { background: #fff8e6; border: 1px solid #f0d58a; border-radius: 6px;
  padding: 8px 8px 8px 28px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 0; }
.kpi { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 10px 14px;
  min-width: 170px; }
.kpi .k { color: #5a6270; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .v { font-size: 18px; font-weight: 600; }
.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
.metric-card { border: 1px solid #eceef1; border-radius: 6px; padding: 8px 10px; overflow-x: auto; }
.metric-card table { width: 100%; }
.metric-card td { white-space: normal; overflow-wrap: anywhere; }
.status { font-size: 12px; padding: 1px 8px; border-radius: 10px; background: #e1e4e8; }
.status.on-track { background: #d9f0d3; } .status.at-risk { background: #fde9b6; }
.status.off-track { background: #f8c9c4; }
code { background: #f3f5f7; padding: 0 3px; border-radius: 3px; }
@media print { body { background: #fff; } section { break-inside: avoid; } }
"""


def render_html(data: ReportData) -> str:
    """The page of ``data``: a complete HTML5 document with no external resource."""
    parts = [
        _header(data),
        _kpis(data),
        _estimate_section(data),
        _billing_section(data),
        _staff_section(data),
        _service_section(data),
    ]
    title = f"{data.project.name}: engagement report"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="engagekit ' + e(__version__) + '">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(p for p in parts if p)
        + f'\n<footer class="note">Generated by engagekit {e(__version__)} from '
        f"{e(data.project.source.name if data.project.source else 'a project')}; amounts in "
        f"{e(data.project.currency)} unless stated.</footer>\n"
        "</main>\n</body>\n</html>\n"
    )
