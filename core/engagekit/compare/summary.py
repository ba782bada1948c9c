"""What an offer's outcome means for each side: the figures a pre-sales team asks for.

Per offer: the client's expected cost and P90, the firm's expected margin and P10 (its bad
case), who carries an overrun and how much, the expected billing by month, and the proposals'
terms, team flexibility and fit. An overrun is read off the same trials for every offer: the
tenth of the trials with the most hours. What the client pays in them above its expected cost
is the client's share; what the firm earns in them below its expected margin is the firm's.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.compare.offers import Offer
from engagekit.compare.proposal import Fit, Settled
from engagekit.money import Money, quantum

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["NEGLIGIBLE", "Summary", "summarise"]

#: An overrun that moves both sides by at most this share of the client's expected cost is none.
NEGLIGIBLE = Decimal("0.005")


@attrs.frozen
class Summary:
    """The figures of one offer, in the project currency."""

    name: str
    models: tuple[str, ...]
    client_mean: Money
    client_p90: Money
    margin_mean: Money
    margin_p10: Money
    #: Expected margin as a percentage of the client's expected cost.
    margin_percent: Decimal
    overrun_client: Money
    overrun_firm: Money
    months: tuple[str, ...]
    billing: tuple[Money, ...]
    terms: tuple[str, ...]
    flexibility: tuple[str, ...]
    fit: tuple[Fit, ...]
    components: tuple[Any, ...] = attrs.field(eq=False, repr=False)
    #: Each component's settings table, as it would be in a project file.
    settings: tuple[dict[str, Any], ...] = attrs.field(default=(), eq=False, repr=False)
    outcome: Settled | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def overrun_carrier(self) -> str:
        """``client``, ``firm``, ``shared`` or ``none``, from the two shares."""
        c, f = self.overrun_client.amount, self.overrun_firm.amount
        total = c + f
        if total <= self.client_mean.amount * NEGLIGIBLE:
            return "none"
        if c / total >= Decimal("0.8"):
            return "client"
        if f / total >= Decimal("0.8"):
            return "firm"
        return "shared"

    @property
    def fit_met(self) -> int:
        return sum(1 for f in self.fit if f.met)


def _money(value: float, currency: str) -> Money:
    return Money(
        Decimal(repr(float(value))).quantize(quantum(currency), rounding=ROUND_HALF_UP), currency
    )


def overrun_trials(total_hours: NDArray[np.float64]) -> NDArray[np.bool_]:
    """The tenth of the trials with the most hours (all trials if the hours never vary)."""
    import numpy as np

    if not len(total_hours) or float(total_hours.max()) == float(total_hours.min()):
        return np.ones(len(total_hours), dtype=bool)
    order = np.argsort(total_hours, kind="stable")
    top = np.zeros(len(total_hours), dtype=bool)
    top[order[-max(1, len(order) // 10) :]] = True
    return top


def summarise(offer: Offer, outcome: Settled, worst: NDArray[np.bool_], currency: str) -> Summary:
    import numpy as np

    client = outcome.client_cost
    margin = outcome.margin
    client_mean = float(client.mean())
    margin_mean = float(margin.mean())
    spread_client = max(0.0, float(client[worst].mean()) - client_mean)
    spread_firm = max(0.0, margin_mean - float(margin[worst].mean()))
    expected = outcome.billing_mean
    pct = (
        Decimal(repr(100 * margin_mean / client_mean)).quantize(Decimal("0.1"))
        if client_mean
        else Decimal(0)
    )
    proposals = [p for p, _ in offer.parts]
    return Summary(
        name=offer.name,
        models=offer.models,
        client_mean=_money(client_mean, currency),
        client_p90=_money(float(np.percentile(client, 90)), currency),
        margin_mean=_money(margin_mean, currency),
        margin_p10=_money(float(np.percentile(margin, 10)), currency),
        margin_percent=pct,
        overrun_client=_money(spread_client, currency),
        overrun_firm=_money(spread_firm, currency),
        months=outcome.months,
        billing=tuple(_money(v, currency) for v in expected),
        terms=tuple(f"{p.model}: {p.terms}" for p in proposals),
        flexibility=tuple(f"{p.model}: {p.flexibility}" for p in proposals),
        fit=tuple(
            attrs.evolve(f, criterion=f"{p.model}: {f.criterion}") if len(proposals) > 1 else f
            for p in proposals
            for f in p.fit
        ),
        components=tuple(p.component for p in proposals),
        settings=tuple(dict(p.details.get("settings", {})) for p in proposals),
        outcome=outcome,
    )
