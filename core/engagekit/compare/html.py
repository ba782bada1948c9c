"""The comparison as one self-contained HTML page: the report's style, charts and no script.

Sections: the recommendation with its reasons; the figures side by side; the firm's margin and
the client's cost, every offer's distribution on one axis; the cumulative billing by month; and
each offer's terms, team flexibility and fit to the collaboration-models text.
"""

from __future__ import annotations

from html import escape

from engagekit._version import __version__
from engagekit.compare.charts import distributions_svg, lines_svg
from engagekit.compare.run import Comparison
from engagekit.report import CSS

__all__ = ["render_comparison"]

BINS = 40


def e(value: object) -> str:
    return escape(str(value), quote=True)


def _distribution(c: Comparison, which: str) -> str:
    import numpy as np

    rows = []
    for r in c.ranking:
        outcome = r.summary.outcome
        assert outcome is not None
        values = outcome.margin if which == "margin" else outcome.client_cost
        rows.append((r.summary, values))
    lo = min(float(v.min()) for _, v in rows)
    hi = max(float(v.max()) for _, v in rows)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    edges = np.linspace(lo, hi, BINS + 1)
    series = []
    for s, values in rows:
        counts, _ = np.histogram(values, bins=edges)
        mark = s.margin_p10 if which == "margin" else s.client_p90
        series.append((s.name, [int(x) for x in counts], float(mark.amount)))
    cur = c.project.currency
    if which == "margin":
        return distributions_svg(
            list(edges),
            series,
            title="The firm's margin under each offer, on the same trials",
            x_label=f"margin ({cur})",
            marker="P10",
            unit=cur,
        )
    return distributions_svg(
        list(edges),
        series,
        title="The client's cost under each offer, on the same trials",
        x_label=f"client cost ({cur})",
        marker="P90",
        unit=cur,
    )


def _billing(c: Comparison) -> str:
    months = sorted({m for r in c.ranking for m in r.summary.months})
    series = []
    for r in c.ranking:
        s = r.summary
        by = {m: float(b.amount) for m, b in zip(s.months, s.billing, strict=True)}
        run = 0.0
        points = []
        for m in months:
            run += by.get(m, 0.0)
            points.append(run)
        series.append((s.name, points))
    return lines_svg(
        months,
        series,
        title="Cumulative expected billing to the client",
        y_label="billed to date",
        unit=c.project.currency,
    )


def _figures(c: Comparison) -> str:
    cur = c.project.currency
    head = (
        "<tr><th>#</th><th>offer</th><th class=num>client cost</th><th class=num>client P90</th>"
        "<th class=num>firm margin</th><th class=num>margin P10</th><th>overrun</th></tr>"
    )
    rows = []
    for r in c.ranking:
        s = r.summary
        rows.append(
            f"<tr><td>{r.place}</td><td>{e(s.name)}</td>"
            f"<td class=num>{s.client_mean.amount:,.2f}</td><td class=num>{s.client_p90.amount:,.2f}</td>"
            f"<td class=num>{s.margin_mean.amount:,.2f} ({s.margin_percent}%)</td>"
            f"<td class=num>{s.margin_p10.amount:,.2f}</td><td style=white-space:normal>"
            f"{e(s.overrun_carrier)}: client "
            f"pays {s.overrun_client.amount:,.2f} more, firm earns {s.overrun_firm.amount:,.2f} "
            "less</td></tr>"
        )
    return (
        f"<section><h2>The offers side by side <small>{cur}, before tax; overrun: the tenth of "
        f"trials with the most hours</small></h2><div class=scroll><table>{head}"
        + "".join(rows)
        + "</table></div></section>"
    )


def _recommendation(c: Comparison) -> str:
    items = []
    for r in c.ranking:
        s = r.summary
        reasons = "".join(f"<li>{e(x)}</li>" for x in r.reasons)
        terms = "".join(f"<li>{e(x)}</li>" for x in (*s.terms, *s.flexibility))
        fit = "".join(
            f"<li>{'✔' if f.met else '✘'} {e(f.criterion)} <small>{e(f.reason)}</small></li>"
            for f in s.fit
        )
        items.append(
            f"<li><h3>{r.place}. {e(s.name)}</h3><ul class=explain>{reasons}</ul>"
            f"<h4>Terms and team</h4><ul>{terms}</ul><h4>Fit to the collaboration-models text</h4>"
            f"<ul>{fit}</ul></li>"
        )
    notes = "".join(f"<li>{e(n)}</li>" for n in c.notes)
    return (
        f"<section><h2>Recommendation <small>goal: {e(c.goal)}</small></h2>"
        f"<ol style='list-style:none;padding:0'>{''.join(items)}</ol>"
        + (f"<ul class=warnings>{notes}</ul>" if notes else "")
        + "</section>"
    )


def render_comparison(c: Comparison) -> str:
    """The page of a comparison: a complete HTML5 document with no external resource."""
    plan = c.plan
    team = ", ".join(f"{fte} {role}" for role, fte in sorted(plan.fte.items()))
    title = f"{c.scope.name}: choosing the model"
    header = (
        f"<header><h1>{e(title)}</h1><p class=meta>{e(c.scope.client)} · "
        f"{c.facts.likely_hours} most-likely hours · delivery {plan.start} to {plan.finish} "
        f"({plan.month_count} months) with {e(team)} · {c.trials:,} trials, seed {c.seed}</p>"
        "</header>"
    )
    charts = (
        "<section><h2>Margin and client cost</h2>"
        f"<div class=chart-box>{_distribution(c, 'margin')}</div>"
        f"<div class=chart-box>{_distribution(c, 'client')}</div></section>"
        f"<section><h2>Billing by month</h2><div class=chart-box>{_billing(c)}</div></section>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="engagekit {e(__version__)}">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + header
        + _recommendation(c)
        + _figures(c)
        + charts
        + f'\n<footer class="note">Generated by engagekit {e(__version__)}; amounts in '
        f"{e(c.project.currency)}, before tax.</footer>\n</main>\n</body>\n</html>\n"
    )
