"""From one scope to the offers compared: every model's proposal, the mixed ones, settled.

An offer is one or more proposals that together carry the whole scope: a model's delivery
proposal (followed by the run-phase proposal where the scope has a run phase and a model offers
one), or a mix built from components of two models: the first phase under one (fixed-price
discovery), the other phases under the other (time and material), the same team doing both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from engagekit.compare.draws import Draws
from engagekit.compare.plan import Plan, plan_delivery
from engagekit.compare.proposal import Outcome, Proposal, ProposeOptions, Settled
from engagekit.compare.scope import Scope
from engagekit.errors import EngageError, InputError, PluginError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from engagekit.engine import Engine
    from engagekit.project import Project

__all__ = ["MIXES", "Offer", "build_offers", "settle", "settle_all"]

#: The mixes compared when the scope has more than one phase and both models propose:
#: the first model carries the first phase, the second the others.
MIXES: tuple[tuple[str, str], ...] = (("fixed-price", "time-material"),)


@attrs.frozen
class Offer:
    """Proposals that together carry the scope, each with the scope part it carries."""

    name: str
    parts: tuple[tuple[Proposal, Scope], ...]

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(p.model for p, _ in self.parts)


def propose_all(
    engine: Engine,
    project: Project,
    scope: Scope,
    draws: Draws,
    plan: Plan,
    only: Sequence[str] | None = None,
) -> dict[str, Proposal]:
    """Every model's proposal for ``scope`` (collect-all), by model name; with ``only``, just
    the plugins that registered those models are asked."""
    hook = engine.pm.hook.propose
    if only is not None:
        owners = {engine.models[m].plugin for m in only if m in engine.models}
        others = [impl.plugin for impl in hook.get_hookimpls() if impl.plugin_name not in owners]
        hook = engine.pm.subset_hook_caller("propose", remove_plugins=others)
    options = ProposeOptions(draws=draws.part(scope), plan=plan)
    try:
        answers = hook(engine=engine, project=project, scope=scope, options=options)
    except EngageError:
        raise
    except Exception as exc:
        plugin = engine._culprit(exc, hook)
        raise PluginError(
            f"plugin {plugin!r} raised {type(exc).__name__} in hook 'propose': {exc}",
            plugin=plugin,
        ) from exc
    out: dict[str, Proposal] = {}
    for answer in answers:
        if not isinstance(answer, Proposal):
            raise PluginError(
                f"hook 'propose' returned {type(answer).__name__}, expected "
                "engagekit.compare.Proposal or None"
            )
        if answer.component.model != answer.model or answer.model not in engine.models:
            raise PluginError(
                f"a proposal for model {answer.model!r} holds a component of model "
                f"{answer.component.model!r}; propose a registered model's component"
            )
        key = answer.model if answer.covers == "delivery" else f"{answer.model}:run"
        if key in out:
            raise PluginError(f"two {answer.covers} proposals for model {answer.model!r}")
        out[key] = answer
    return out


def build_offers(
    engine: Engine,
    project: Project,
    scope: Scope,
    draws: Draws,
    models: Sequence[str] | None = None,
) -> tuple[list[Offer], Plan, list[str]]:
    """The offers to compare, the shared plan, and notes (models that made no proposal)."""
    delivery = attrs.evolve(scope, run=None)
    plan = plan_delivery(project, delivery)
    proposals = propose_all(engine, project, scope, draws, plan)
    wanted = list(models) if models else sorted(engine.models)
    for name in wanted:
        if name not in engine.models and "+" not in name:
            from engagekit.projectfile import unknown_model

            raise unknown_model(name, engine.models).located(field="--models")
    notes = [
        f"{name} made no proposal for this scope"
        for name in wanted
        if "+" not in name and name not in proposals and f"{name}:run" not in proposals
    ]
    run_part = attrs.evolve(
        scope.part((), start=plan.finish + timedelta(days=1), run=True), items=(), risks=()
    )
    runs = [(p, run_part) for p in proposals.values() if p.covers == "run" and p.model in wanted]
    offers = []
    for p in proposals.values():
        if p.covers != "delivery" or p.model not in wanted:
            continue
        offers.append(Offer(_name([p.model], runs), ((p, delivery), *runs[:1])))
    if not offers:
        offers = [Offer(p.model, ((p, part),)) for p, part in runs]
    elif scope.run is not None and not runs:
        notes.append("no model in the comparison offers the run phase; it is left out")
    phases = scope.phases
    for first, rest in MIXES:
        mix = f"{first}+{rest}"
        if len(phases) < 2 or (models and mix not in wanted and not {first, rest} <= set(wanted)):
            continue
        head = scope.part(phases[:1], start=scope.window.earliest_start)
        head_plan = plan_delivery(project, head, plan.fte)
        tail = scope.part(phases[1:], start=head_plan.finish + timedelta(days=1))
        tail_plan = plan_delivery(project, tail, plan.fte)
        a = propose_all(engine, project, head, draws, head_plan, [first]).get(first)
        b = propose_all(engine, project, tail, draws, tail_plan, [rest]).get(rest)
        if a is None or b is None:
            continue
        offers.append(Offer(_name([first, rest], runs), ((a, head), (b, tail), *runs[:1])))
    return offers, plan, notes


def _name(models: list[str], runs: list[tuple[Proposal, Scope]]) -> str:
    name = " then ".join(models)
    return f"{name} + {runs[0][0].model}" if runs else name


def settle_all(offers: Sequence[Offer], draws: Draws, project: Project) -> list[Settled]:
    """Every offer settled on the common draws. A run held whole is settled at once; a chunked
    one chunk by chunk, each offer's outcome of a chunk reduced at once to the per-trial costs
    and the month sums: memory grows with the trials, not with trials times items or months."""
    import numpy as np

    if not draws.chunked:
        return [Settled.of(settle(o, draws, project)) for o in offers]
    trials = draws.trials
    client = [np.empty(trials) for _ in offers]
    firm = [np.empty(trials) for _ in offers]
    months: list[dict[str, float]] = [{} for _ in offers]
    first = 0
    for chunk in draws.chunks():
        rows = chunk.trials
        for i, offer in enumerate(offers):
            outcome = settle(offer, chunk, project)
            client[i][first : first + rows] = outcome.client_cost
            firm[i][first : first + rows] = outcome.firm_cost
            for label, total in zip(outcome.months, outcome.billing.sum(axis=0), strict=True):
                months[i][label] = months[i].get(label, 0.0) + float(total)
        first += rows
    out = []
    for i in range(len(offers)):
        labels = tuple(sorted(months[i]))
        mean = np.array([months[i][m] / trials for m in labels])
        out.append(Settled(labels, client[i], firm[i], mean))
    return out


def settle(offer: Offer, draws: Draws, project: Project) -> Outcome:
    """The offer's money on the common draws, with the project's adjustments applied."""
    parts = []
    for proposal, part in offer.parts:
        sub = draws.part(part)
        try:
            outcome = proposal.settle(sub)
        except EngageError:
            raise
        except Exception as exc:
            raise PluginError(
                f"model {proposal.model!r} raised {type(exc).__name__} settling its proposal: {exc}"
            ) from exc
        if not isinstance(outcome, Outcome) or outcome.trials != draws.trials:
            raise PluginError(
                f"model {proposal.model!r} settled its proposal into {type(outcome).__name__} "
                f"of {getattr(outcome, 'trials', '?')} trials, expected an Outcome of "
                f"{draws.trials}"
            )
        parts.append(outcome)
    combined = Outcome.combine(parts)
    return attrs.evolve(combined, billing=adjusted(combined.billing, project))


def adjusted(billing: NDArray[np.float64], project: Project) -> NDArray[np.float64]:
    """Each month's billing with the project's discounts, surcharges and fees applied (in stage
    order, then by name, as on an invoice); taxes are left out: figures are before tax."""

    from engagekit.results import STAGES

    subtotal = billing
    running = subtotal.copy()
    for spec in sorted(project.adjustments, key=lambda a: (STAGES[a.stage], a.name)):
        if spec.stage == "tax":
            continue
        applies = subtotal > 0
        if spec.min_subtotal is not None:
            applies &= subtotal >= float(spec.min_subtotal)
        if spec.amount is not None:
            if spec.amount.currency != project.currency:
                raise InputError(
                    f"adjustment {spec.name!r} is in {spec.amount.currency}, the project in "
                    f"{project.currency}",
                    where=project.source,
                    field="adjustments",
                )
            running = running + applies * float(spec.amount.amount)
        else:
            assert spec.percent is not None
            running = running + applies * running * float(spec.percent) / 100
    return running
