"""``check_component`` of the fixed-price model: the acceptance, progress and roster files as
``bill``, ``measure_service`` and ``staff`` read them, the cost rates of every role, and the
milestone payments against the contract price."""

from __future__ import annotations

import engagekit
from engagekit_fixed_price.billing import component_schedule, contract_price
from engagekit_fixed_price.importers import read_acceptances, read_progress, read_roster
from engagekit_fixed_price.settings import Settings
from engagekit_fixed_price.work import build_plan, role_cost_rates

__all__ = ["check_component"]


def check_component(project: engagekit.Project, component: engagekit.Component) -> None:
    settings: Settings = component.settings
    plan = build_plan(settings, component, project.calendar)
    role_cost_rates(project, component, plan.roles)
    accepted = {name: a.accepted for name, a in read_acceptances(component).items()}
    read_progress(component)
    read_roster(component, project.roster)
    # without a contract_price the price is the estimate's, and the milestones share it
    price, _ = contract_price(project, component)
    component_schedule(project, component, price, accepted)
