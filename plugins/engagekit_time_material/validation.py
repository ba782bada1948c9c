"""``check_component`` of the time-material model: every data file read and checked with the
readers ``bill``, ``estimate`` and ``measure_service`` use, so that ``engage validate`` rejects
what they would; and the team plan against the cap, as ``estimate`` does, so a plan the cap would
cut short is said before anything is billed.

A small generic timesheet that the row-by-row acceptor (``engagekit_time_material.acceptor``)
vouches for is not read again with polars: ``validate`` of such a project imports no polars.
Anything the acceptor does not vouch for is read as ``bill`` reads it, so an error is bill's,
word for word."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import engagekit
from engagekit_time_material.acceptor import accepts
from engagekit_time_material.backlog import history, read_backlog, read_throughput
from engagekit_time_material.capcheck import check_cap, plan_over_cap, settings_of, where_of
from engagekit_time_material.rates import rate_book
from engagekit_time_material.team import daily_plan

__all__ = ["check_component"]


def check_component(project: engagekit.Project, component: engagekit.Component) -> list[str]:
    settings = settings_of(component)
    where = where_of(project)
    check_cap(settings, project.currency, where)
    book = rate_book(settings, project, where)
    # every planned slot's rate, as estimate and staff price the plan
    plan = (
        daily_plan(project, component, settings, book, component.start, component.end)
        if settings.team
        else None
    )
    if not accepts(settings, project, component, rates=True):
        from engagekit_time_material.ledger import build_ledger, load_entries

        entries = load_entries(settings, project, component, day_totals=False)
        # the whole timeframe's ledger: every entry's rate, the 24 hours of a day
        build_ledger(project, component, settings, entries=entries)
    if settings.expenses:
        from engagekit_time_material.expenses import read_expenses

        read_expenses(
            Path(settings.expenses), component, project.currency, settings.csv, project.roster
        )
    if settings.backlog:
        items = read_backlog(Path(settings.backlog), settings.csv)
        rows = (
            read_throughput(Path(settings.throughput), settings.csv)
            if settings.throughput
            else None
        )
        history(settings, items, rows, where)
    elif settings.throughput:
        read_throughput(Path(settings.throughput), settings.csv)
    if settings.cap is None or plan is None:
        return []
    return plan_over_cap(
        settings, sum(plan.price, Decimal(0)), sum(plan.hours, Decimal(0)), project.currency
    )
