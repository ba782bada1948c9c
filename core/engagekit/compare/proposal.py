"""What the ``propose`` hook returns, and what a proposal's money comes to on the common draws.

A ``Proposal`` is a component of the proposing model with its terms (a real component: it can
be written into a project file and estimated, billed and staffed like any other) plus a
``settle`` function: given the draws of the scope it carries, it returns an ``Outcome``, the
client's billing per month and the firm's cost, trial by trial. The compare engine calls
``settle`` on the same draws for every model, so third-party models take part on equal terms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import attrs

from engagekit.project import Component

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from engagekit.compare.draws import Draws
    from engagekit.compare.plan import Plan

__all__ = ["Fit", "Outcome", "Proposal", "ProposeOptions", "Settled"]


@attrs.frozen
class ProposeOptions:
    """What a model proposes with: the common ``draws`` of the scope (price at a confidence from
    them; never draw again) and the shared delivery ``plan`` (the team and its dates)."""

    draws: Draws
    plan: Plan


@attrs.frozen(eq=False)
class Outcome:
    """A proposal's money in every trial: ``billing`` to the client per month
    (``(trials, len(months))``, project currency, before tax) and the firm's ``firm_cost``
    (``(trials,)``)."""

    months: tuple[str, ...]
    billing: NDArray[np.float64]
    firm_cost: NDArray[np.float64]

    def __attrs_post_init__(self) -> None:
        if self.billing.ndim != 2 or self.billing.shape[1] != len(self.months):
            raise ValueError(
                f"billing has shape {self.billing.shape}, expected (trials, {len(self.months)})"
            )
        if self.firm_cost.shape != (self.billing.shape[0],):
            raise ValueError(
                f"firm_cost has shape {self.firm_cost.shape}, expected ({self.billing.shape[0]},)"
            )

    @property
    def trials(self) -> int:
        return int(self.billing.shape[0])

    @property
    def client_cost(self) -> NDArray[np.float64]:
        return self.billing.sum(axis=1)  # type: ignore[no-any-return]

    @property
    def margin(self) -> NDArray[np.float64]:
        return self.client_cost - self.firm_cost

    @classmethod
    def combine(cls, parts: list[Outcome]) -> Outcome:
        """The sum of several outcomes over the union of their months."""
        import numpy as np

        months = tuple(sorted({m for p in parts for m in p.months}))
        index = {m: i for i, m in enumerate(months)}
        trials = parts[0].trials
        billing = np.zeros((trials, len(months)))
        cost = np.zeros(trials)
        for p in parts:
            at = [index[m] for m in p.months]
            if at == list(range(at[0], at[0] + len(at))):
                billing[:, at[0] : at[0] + len(at)] += p.billing
            else:
                billing[:, at] += p.billing
            cost += p.firm_cost
        return cls(months, billing, cost)


@attrs.frozen(eq=False)
class Settled:
    """What a comparison keeps of an offer's outcomes: the client's cost and the firm's in every
    trial, and the expected billing of each month. A run settled chunk by chunk holds no more
    than these, whatever its months."""

    months: tuple[str, ...]
    client_cost: NDArray[np.float64]
    firm_cost: NDArray[np.float64]
    #: The mean over trials of each month's billing.
    billing_mean: NDArray[np.float64]

    @property
    def trials(self) -> int:
        return int(self.client_cost.shape[0])

    @property
    def margin(self) -> NDArray[np.float64]:
        return self.client_cost - self.firm_cost

    @classmethod
    def of(cls, outcome: Outcome) -> Settled:
        return cls(
            outcome.months, outcome.client_cost, outcome.firm_cost, outcome.billing.mean(axis=0)
        )


@attrs.frozen
class Fit:
    """How a model fits one of the collaboration-models text's criteria for a scope."""

    criterion: str
    met: bool
    reason: str


@attrs.frozen
class Proposal:
    """One model's offer for (a part of) a scope.

    :ivar model: the proposing model's name.
    :ivar component: a component of that model with the proposed terms.
    :ivar settle: ``settle(draws) -> Outcome`` on the draws of the scope it was proposed for.
    :ivar terms: the terms in words, for people ("fixed price EUR 48,300 in 2 phases").
    :ivar flexibility: the team flexibility the model allows, in words.
    :ivar fit: the model against the text's criteria, for this scope.
    :ivar covers: ``delivery`` (the work items) or ``run`` (support after delivery).
    """

    model: str
    component: Component
    settle: Callable[[Draws], Outcome] = attrs.field(eq=False, repr=False)
    terms: str
    flexibility: str
    fit: tuple[Fit, ...] = ()
    covers: Literal["delivery", "run"] = "delivery"
    details: dict[str, Any] = attrs.field(factory=dict)
