"""Choosing the model: one scope priced under every model, side by side, with a recommendation.

The public face of the compare subsystem, for embedders and for plugins that implement the
``propose`` hook (they import from here, never from the modules behind it). Names are imported
on first use, so that ``engage --help`` does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY: dict[str, str] = {
    "GOALS": "rank",
    "LARGE_SCOPE_HOURS": "scope",
    "MIXES": "offers",
    "Column": "draws",
    "Comparison": "run",
    "Draws": "draws",
    "Facts": "scope",
    "Fit": "proposal",
    "Offer": "offers",
    "Outcome": "proposal",
    "Plan": "plan",
    "Proposal": "proposal",
    "ProposeOptions": "proposal",
    "Ranked": "rank",
    "RiskEvent": "scope",
    "RunPhase": "scope",
    "Scope": "scope",
    "ScopeItem": "scope",
    "Summary": "summary",
    "Terms": "scope",
    "Window": "scope",
    "compare": "run",
    "draw": "draws",
    "hourly_rates": "plan",
    "load_scope": "scopefile",
    "month_hours": "plan",
    "plan_delivery": "plan",
    "scope_from_dict": "scopefile",
    "work_by_month": "plan",
}

__all__ = [
    "GOALS",
    "LARGE_SCOPE_HOURS",
    "MIXES",
    "Column",
    "Comparison",
    "Draws",
    "Facts",
    "Fit",
    "Offer",
    "Outcome",
    "Plan",
    "Proposal",
    "ProposeOptions",
    "Ranked",
    "RiskEvent",
    "RunPhase",
    "Scope",
    "ScopeItem",
    "Summary",
    "Terms",
    "Window",
    "compare",
    "draw",
    "hourly_rates",
    "load_scope",
    "month_hours",
    "plan_delivery",
    "scope_from_dict",
    "work_by_month",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'engagekit.compare' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"engagekit.compare.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from engagekit.compare.draws import Column, Draws, draw
    from engagekit.compare.offers import MIXES, Offer
    from engagekit.compare.plan import (
        Plan,
        hourly_rates,
        month_hours,
        plan_delivery,
        work_by_month,
    )
    from engagekit.compare.proposal import Fit, Outcome, Proposal, ProposeOptions
    from engagekit.compare.rank import GOALS, Ranked
    from engagekit.compare.run import Comparison, compare
    from engagekit.compare.scope import (
        LARGE_SCOPE_HOURS,
        Facts,
        RiskEvent,
        RunPhase,
        Scope,
        ScopeItem,
        Terms,
        Window,
    )
    from engagekit.compare.scopefile import load_scope, scope_from_dict
    from engagekit.compare.summary import Summary
