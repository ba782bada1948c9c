"""``compare``: draw the scope once, have every model propose, settle every offer, rank them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from engagekit.compare.draws import Draws, draw
from engagekit.compare.offers import build_offers, settle_all
from engagekit.compare.plan import Plan
from engagekit.compare.rank import Ranked, rank
from engagekit.compare.scope import Facts, Scope
from engagekit.compare.summary import overrun_trials, summarise
from engagekit.errors import InputError
from engagekit.results import EstimateOptions

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.project import Project

__all__ = ["Comparison", "compare"]


@attrs.frozen(eq=False)
class Comparison:
    scope: Scope
    project: Project
    goal: str
    trials: int
    seed: int
    plan: Plan
    facts: Facts
    ranking: tuple[Ranked, ...]
    notes: tuple[str, ...]
    draws: Draws = attrs.field(repr=False)


def compare(
    engine: Engine,
    scope: Scope,
    project: Project,
    *,
    models: Sequence[str] | None = None,
    goal: str = "balanced",
    trials: int | None = None,
    seed: int | None = None,
) -> Comparison:
    """Price ``scope`` under every model (or ``models``; a mix is named ``a+b``) on common
    random numbers and rank the offers for ``goal``."""
    defaults = EstimateOptions()
    trials = defaults.trials if trials is None else trials
    seed = defaults.seed if seed is None else seed
    if trials < 1:
        raise InputError("trials must be at least 1", field="trials")
    draws = draw(scope, trials=trials, seed=seed)
    offers, plan, notes = build_offers(engine, project, scope, draws, models)
    if not offers:
        raise InputError(
            "no model proposed for this scope",
            where=scope.source,
            hint="engage models lists the installed models; --models picks some",
        )
    worst = overrun_trials(draws.total_hours())
    settled = settle_all(offers, draws, project)
    summaries = [
        summarise(o, s, worst, project.currency) for o, s in zip(offers, settled, strict=True)
    ]
    return Comparison(
        scope=scope,
        project=project,
        goal=goal,
        trials=trials,
        seed=seed,
        plan=plan,
        facts=scope.facts(plan.month_count),
        ranking=tuple(rank(summaries, goal)),
        notes=tuple(notes),
        draws=draws,
    )
