"""The ``engage compare --json`` document and the terminal view of a comparison."""

from __future__ import annotations

from typing import Any

from engagekit.compare.run import Comparison

__all__ = ["FORMAT", "comparison_doc", "show_comparison"]

#: Version of the JSON document; bumped when a field changes meaning or goes away.
FORMAT = 1


def comparison_doc(c: Comparison) -> dict[str, Any]:
    """The JSON document of a comparison (see docs/compare.md); money as decimal strings."""
    f = c.facts
    return {
        "format": FORMAT,
        "scope": c.scope.name,
        "client": c.scope.client,
        "currency": c.project.currency,
        "goal": c.goal,
        "trials": c.trials,
        "seed": c.seed,
        "plan": {
            "start": c.plan.start,
            "finish": c.plan.finish,
            "months": c.plan.month_count,
            "fte": dict(sorted(c.plan.fte.items())),
        },
        "facts": {
            "likely_hours": f.likely_hours,
            "defined_scope": f.defined_scope,
            "short_term": f.short_term,
            "large_or_new": f.large_or_new,
            "long_term": f.long_term,
            "in_house_team": f.in_house_team,
            "support": f.support,
        },
        "offers": [
            {
                "place": r.place,
                "name": s.name,
                "models": list(s.models),
                "client_cost": {"mean": s.client_mean.amount, "p90": s.client_p90.amount},
                "margin": {
                    "mean": s.margin_mean.amount,
                    "p10": s.margin_p10.amount,
                    "percent": s.margin_percent,
                },
                "overrun": {
                    "carried_by": s.overrun_carrier,
                    "client_pays_more": s.overrun_client.amount,
                    "firm_earns_less": s.overrun_firm.amount,
                },
                "billing": [
                    {"month": m, "expected": b.amount}
                    for m, b in zip(s.months, s.billing, strict=True)
                ],
                "terms": list(s.terms),
                "flexibility": list(s.flexibility),
                "fit": [
                    {"criterion": x.criterion, "met": x.met, "reason": x.reason} for x in s.fit
                ],
                "components": [
                    {
                        "name": comp.name,
                        "model": comp.model,
                        "start": comp.start,
                        "end": comp.end,
                        "settings": settings,
                    }
                    for comp, settings in zip(s.components, s.settings, strict=True)
                ],
                "reasons": list(r.reasons),
            }
            for r in c.ranking
            for s in [r.summary]
        ],
        "notes": list(c.notes),
    }


def show_comparison(c: Comparison, console: Any) -> None:
    """The comparison as a table, then the recommendation with its reasons."""
    from engagekit.fit import Col, print_table

    cur = c.project.currency
    console.print(
        f"{c.scope.name}: {c.facts.likely_hours} likely hours, delivery {c.plan.start} to "
        f"{c.plan.finish} ({c.plan.month_count} months) with "
        + ", ".join(f"{fte} {role}" for role, fte in sorted(c.plan.fte.items()))
        + f"; {c.trials} trials, seed {c.seed}, goal {c.goal}"
    )
    cols = [
        Col("#", numeric=True),
        Col("offer"),
        Col("client mean", numeric=True),
        Col("client P90", numeric=True),
        Col("margin mean", numeric=True),
        Col("margin %", numeric=True, optional=1),
        Col("margin P10", numeric=True),
        Col("overrun carried by", nowrap=True, optional=2),
    ]
    rows = [
        (
            str(r.place),
            r.summary.name,
            f"{r.summary.client_mean.amount:,.2f}",
            f"{r.summary.client_p90.amount:,.2f}",
            f"{r.summary.margin_mean.amount:,.2f}",
            f"{r.summary.margin_percent}%",
            f"{r.summary.margin_p10.amount:,.2f}",
            r.summary.overrun_carrier,
        )
        for r in c.ranking
    ]
    print_table(console, f"Every offer on the same trials ({cur})", cols, rows)
    console.print("Recommendation")
    for r in c.ranking:
        s = r.summary
        console.print(f"{r.place}. {s.name}")
        for line in (*s.terms, *s.flexibility):
            console.print(f"     {line}")
        for reason in r.reasons:
            console.print(f"   - {reason}")
    for note in c.notes:
        console.print(f"note: {note}")
