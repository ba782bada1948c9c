"""The portfolio table of each operation: one row per project, then a total per currency.

A ``Sheet`` is plain text cells, so that one builder serves the terminal table, the CSV rows
and the JSON totals alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from engagekit.output import decimal_text
from engagekit.portfolio.runner import PortfolioResult, ProjectResult

__all__ = ["Sheet", "sheet_of"]


@attrs.frozen
class Sheet:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: one total row per currency (the first cell says ``total``, the currency follows)
    totals: tuple[tuple[str, ...], ...]
    #: the totals as JSON: per currency, the summed columns
    totals_doc: dict[str, dict[str, str]]


def _sum(values: dict[str, dict[str, Decimal]], currency: str, key: str, value: Any) -> None:
    if value is not None:
        values[currency][key] += Decimal(value)


def _money_totals(
    results: tuple[ProjectResult, ...],
    rows_of: Callable[[ProjectResult], list[tuple[str, dict[str, Any]]]],
    keys: tuple[str, ...],
) -> dict[str, dict[str, Decimal]]:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for r in results:
        for currency, values in rows_of(r):
            for key in keys:
                _sum(totals, currency, key, values.get(key))
    return totals


def _pct(part: Decimal, whole: Decimal) -> str:
    return f"{part / whole * 100:.1f}%" if whole else ""


def estimate_sheet(result: PortfolioResult) -> Sheet:
    header = (
        "project", "models", "currency", "hours P50", "P80", "cost", "price", "margin", "%",
        "blended rate",
    )  # fmt: skip
    rows = []
    for r in result.results:
        s = r.summary
        models = sorted({c["model"] for c in s["components"]})
        rows.append(
            (
                r.project,
                ", ".join(models),
                s["currency"],
                s["effort_p50"] or "",
                s["effort_p80"] or "",
                s["cost"],
                s["price"],
                s["margin"],
                _pct(Decimal(s["margin"]), Decimal(s["price"])),
                s["blended_rate"] or "",
            )
        )
    keys = ("effort_p50", "cost", "price", "margin")
    totals = _money_totals(result.results, lambda r: [(r.summary["currency"], r.summary)], keys)
    total_rows = []
    for cur, t in sorted(totals.items()):
        rate = (t["price"] / t["effort_p50"]).quantize(Decimal("0.01")) if t["effort_p50"] else None
        t_rate = decimal_text(rate) if rate is not None else ""
        total_rows.append(
            (
                "total", "", cur, decimal_text(t["effort_p50"]), "", decimal_text(t["cost"]),
                decimal_text(t["price"]), decimal_text(t["margin"]),
                _pct(t["margin"], t["price"]), t_rate,
            )
        )  # fmt: skip
    return Sheet(
        "Portfolio estimate",
        header,
        tuple(rows),
        tuple(total_rows),
        {c: {k: decimal_text(v) for k, v in t.items()} for c, t in sorted(totals.items())},
    )


def bill_sheet(result: PortfolioResult) -> Sheet:
    header = ("project", "period", "currency", "lines", "subtotal", "total")
    rows = []
    for r in result.results:
        for inv in r.summary["invoices"]:
            rows.append(
                (
                    r.project,
                    r.summary["period"],
                    inv["currency"],
                    str(inv["lines"]),
                    inv["subtotal"],
                    inv["total"],
                )
            )
    totals = _money_totals(
        result.results,
        lambda r: [(inv["currency"], inv) for inv in r.summary["invoices"]],
        ("lines", "subtotal", "total"),
    )
    period = result.operation.period or ""
    total_rows = tuple(
        ("total", period, cur, str(int(t["lines"])), decimal_text(t["subtotal"]),
         decimal_text(t["total"]))
        for cur, t in sorted(totals.items())
    )  # fmt: skip
    return Sheet(
        f"Portfolio bill {period}",
        header,
        tuple(rows),
        total_rows,
        {c: {k: decimal_text(v) for k, v in t.items()} for c, t in sorted(totals.items())},
    )


def staff_sheet(result: PortfolioResult) -> Sheet:
    header = (
        "project",
        "people",
        "planned FTE-months",
        "open FTE-months",
        "first",
        "last",
        "warnings",
    )
    rows = []
    fte_total = open_total = Decimal(0)
    for r in result.results:
        s = r.summary
        months = [p["month"] for p in s["planned"]] + [o["month"] for o in s["open"]]
        planned = sum((Decimal(p["fte"]) for p in s["planned"]), Decimal(0))
        open_ = sum((Decimal(o["fte"]) for o in s["open"]), Decimal(0))
        fte_total += planned
        open_total += open_
        rows.append(
            (
                r.project,
                str(len({p["person"] for p in s["planned"] if p["person"]})),
                decimal_text(planned.quantize(Decimal("0.01"))),
                decimal_text(open_.quantize(Decimal("0.01"))),
                min(months, default=""),
                max(months, default=""),
                str(len(s["warnings"])),
            )
        )
    total = (
        "total", "", decimal_text(fte_total.quantize(Decimal("0.01"))),
        decimal_text(open_total.quantize(Decimal("0.01"))), "", "", "",
    )  # fmt: skip
    return Sheet(
        "Portfolio staffing",
        header,
        tuple(rows),
        (total,),
        {"": {"planned_fte_months": total[2], "open_fte_months": total[3]}},
    )


def measure_sheet(result: PortfolioResult) -> Sheet:
    header = ("project", "component", "model", "status", "blended rate", "measures")
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for r in result.results:
        for c in r.summary["components"]:
            counts[c["status"] or "n/a"] += 1
            shown = ", ".join(
                f"{k.removesuffix('_percent').removesuffix('_pct')} {v}%"
                for k, v in c["metrics"].items()
                if k in SHOWN and v is not None
            )
            rows.append(
                (
                    r.project,
                    c["name"],
                    c["model"],
                    c["status"] or "",
                    c["blended_rate"] or "",
                    shown,
                )
            )
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return Sheet(
        "Portfolio measures",
        header,
        tuple(rows),
        (("total", "", "", summary, "", ""),),
        {"": {status: str(n) for status, n in sorted(counts.items())}},
    )


#: The measures the portfolio table shows (the JSON document has them all).
SHOWN = (
    "budget_used_percent",
    "cap_used_percent",
    "compliance_pct",
    "availability_pct",
    "team_vs_plan_percent",
)


def sheet_of(result: PortfolioResult) -> Sheet:
    builders = {
        "estimate": estimate_sheet,
        "bill": bill_sheet,
        "staff": staff_sheet,
        "measure": measure_sheet,
    }
    return builders[result.operation.kind](result)
