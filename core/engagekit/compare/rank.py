"""The recommendation: offers ranked for the firm's stated goal, each with its reasons in words.

- ``margin``: the highest expected margin first;
- ``risk``: the best bad case first (the highest P10 margin), then the expected margin;
- ``client-cost``: the lowest expected cost to the client first, then its P90;
- ``balanced``: the lowest sum of the offer's places on the firm's side (expected margin, P10
  margin), the client's (expected cost, P90 cost) and the fit to the collaboration-models text
  (the share of its models' criteria the scope meets), then the expected margin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Literal

import attrs

from engagekit.compare.summary import Summary
from engagekit.errors import InputError

__all__ = ["GOALS", "Goal", "Ranked", "rank"]

Goal = Literal["margin", "risk", "client-cost", "balanced"]
GOALS: tuple[Goal, ...] = ("margin", "risk", "client-cost", "balanced")


@attrs.frozen
class Ranked:
    place: int
    summary: Summary
    reasons: tuple[str, ...]


def _places(items: Sequence[Summary], key: Callable[[Summary], Decimal]) -> dict[str, int]:
    ordered = sorted(items, key=key)
    return {s.name: i for i, s in enumerate(ordered)}


def rank(summaries: Sequence[Summary], goal: str) -> list[Ranked]:
    if goal not in GOALS:
        raise InputError(
            f"unknown goal {goal!r}", field="--goal", hint=f"use one of {', '.join(GOALS)}"
        )
    items = list(summaries)

    def margin(s: Summary) -> Decimal:
        return -s.margin_mean.amount

    def p10(s: Summary) -> Decimal:
        return -s.margin_p10.amount

    def client(s: Summary) -> Decimal:
        return s.client_mean.amount

    def fit(s: Summary) -> Decimal:
        # The share of the criteria met, so that an offer of three parts (three models' own
        # criteria) is not favoured over one of a single model.
        return -Decimal(s.fit_met) / len(s.fit) if s.fit else Decimal(0)

    if goal == "margin":
        ordered = sorted(items, key=lambda s: (margin(s), p10(s), s.name))
    elif goal == "risk":
        ordered = sorted(items, key=lambda s: (p10(s), margin(s), s.name))
    elif goal == "client-cost":
        ordered = sorted(items, key=lambda s: (client(s), s.client_p90.amount, s.name))
    else:

        def client_p90(s: Summary) -> Decimal:
            return s.client_p90.amount

        places = [_places(items, k) for k in (margin, p10, client, client_p90, fit)]
        ordered = sorted(items, key=lambda s: (sum(p[s.name] for p in places), margin(s), s.name))
    return [Ranked(i + 1, s, tuple(_reasons(s, i, ordered, goal))) for i, s in enumerate(ordered)]


def _gap(a: Decimal, b: Decimal) -> str:
    return format(abs(a - b), ",.2f")


def _cmp(a: Decimal, b: Decimal) -> str:
    return "more" if a >= b else "less"


_LEAD = {
    "margin": "the highest expected margin",
    "risk": "the best bad case for the firm (the highest P10 margin)",
    "client-cost": "the lowest expected cost to the client",
    "balanced": "the best balance of margin, bad case, client cost and fit",
}


def _reasons(s: Summary, place: int, ordered: list[Summary], goal: str) -> list[str]:
    cur = s.margin_mean.currency
    out = []
    best = ordered[0]
    if place == 0:
        out.append(f"recommended for the goal {goal}: {_LEAD[goal]}")
    # Compare the winner with the runner-up, everyone else with the winner.
    other = ordered[1] if place == 0 and len(ordered) > 1 else best
    m = s.margin_mean.amount
    line = f"expected margin {cur} {m:,.2f} ({s.margin_percent}% of the client's cost)"
    if other is not s:
        om = other.margin_mean.amount
        line += f", {cur} {_gap(m, om)} {_cmp(m, om)} than {other.name}"
    out.append(line)
    p10 = s.margin_p10.amount
    if p10 < 0:
        out.append(
            f"in the bad case (P10) the firm loses {cur} {-p10:,.2f}: more than one trial in ten "
            "ends in a loss"
        )
    else:
        out.append(f"even in the bad case (P10) the firm keeps a margin of {cur} {p10:,.2f}")
    c = s.client_mean.amount
    line = f"the client pays {cur} {c:,.2f} expected, {cur} {s.client_p90.amount:,.2f} at P90"
    if other is not s:
        oc = other.client_mean.amount
        line += f" ({cur} {_gap(c, oc)} {_cmp(c, oc)} than {other.name})"
    out.append(line)
    carrier = s.overrun_carrier
    if carrier == "none":
        out.append("an overrun changes next to nothing for either side")
    else:
        who = {"client": "the client carries it", "firm": "the firm carries it"}.get(
            carrier, "client and firm share it"
        )
        out.append(
            f"an overrun (the tenth of trials with the most hours): {who}, the client paying "
            f"{cur} {s.overrun_client.amount:,.2f} more and the firm earning "
            f"{cur} {s.overrun_firm.amount:,.2f} less than expected"
        )
    met = [f.criterion for f in s.fit if f.met]
    unmet = [f"{f.criterion} ({f.reason})" for f in s.fit if not f.met]
    if met:
        out.append("fits the text's criteria: " + ", ".join(met))
    if unmet:
        out.append("does not fit: " + "; ".join(unmet))
    return out
