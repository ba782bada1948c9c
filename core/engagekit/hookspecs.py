"""The contract between engagekit and its model plugins, as pluggy hook specifications.

A plugin is a module or object with functions marked ``@engagekit.hookimpl`` whose names and
parameters match the specs below. pluggy calls hooks with keyword arguments only, and fills an
implementation's parameters by name: an implementation may accept any subset of a spec's
parameters, but never one the spec lacks, and never a parameter with a default value (pluggy
would not fill it).

The per-component hooks (``estimate``, ``bill``, ``staff``, ``measure_service``) are
dispatched to the owner only: the engine calls the implementation of the plugin that registered
``component.model``, and no other plugin's. A model therefore needs no "is this mine?" check
(a plugin with several models branches on ``component.model``), cannot answer for another
model's components, and is the one blamed when a result breaks the contract. Plugins never
import each other; a model that builds on another (a dedicated team billed as time and
material) asks the engine, which dispatches to that model's owner. ``check_component`` is
per-component too. Cross-cutting hooks
(``invoice_adjustments``, ``register_commands``) are called on every plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer

    from engagekit.compare import Proposal, ProposeOptions, Scope
    from engagekit.engine import Engine
    from engagekit.exports import ExporterSpec
    from engagekit.period import Period
    from engagekit.project import Component, Project
    from engagekit.results import (
        Adjustment,
        ComponentBill,
        ComponentEstimate,
        ComponentStaffing,
        EstimateOptions,
        Invoice,
        ModelSpec,
        ServiceMeasure,
    )

hookspec = pluggy.HookspecMarker("engagekit")


@hookspec
def register_models(register: Callable[[ModelSpec], None]) -> None:
    """Declare the collaboration models this plugin provides.

    Called once per plugin when the engine starts.

    :param register:
        Call it once per model with a :class:`engagekit.ModelSpec`: the model's ``name`` (the
        value of ``model =`` in a project file), a one-line ``summary``, the attrs ``settings``
        class that a component's ``[components.settings]`` table is read into, and its ``version``.

    Two plugins registering one model name is an error at start-up naming both; the later one is
    skipped (or, in strict mode, the engine refuses to start).

    Return nothing.
    """


@hookspec(firstresult=True)
def estimate(
    engine: Engine, project: Project, component: Component, options: EstimateOptions
) -> ComponentEstimate | None:
    """Estimate one component: effort, cost, price and margin, and when it finishes.

    :param engine: The engine, to ask other models for their part (composite models).
    :param project: The whole project (currency, calendar, rate card, other components).
    :param component: The component to estimate; ``component.settings`` is an instance of the
        settings class the owning model registered.
    :param options: ``seed`` and ``trials`` for Monte Carlo simulations. Seed a component's
        generator with ``options.seed_for(component.name)`` so runs are reproducible.

    Return a :class:`engagekit.ComponentEstimate`. A
    probabilistic model sets ``effort_hours`` (P50/P80/P90) and ``samples`` (per-trial effort and
    cost, ``options.trials`` long), which the engine sums per trial across components so that the
    project's percentiles are those of the sum.

    Called only on the plugin that registered ``component.model``.
    """


@hookspec(firstresult=True)
def bill(
    engine: Engine, project: Project, component: Component, period: Period
) -> ComponentBill | None:
    """Bill one component for one period.

    :param engine: The engine, to have another model bill part of the work (``engine.bill_component``).
    :param project: The whole project.
    :param component: The component to bill.
    :param period: The billing period (``period.start`` inclusive, ``period.end`` exclusive).

    Return a :class:`engagekit.ComponentBill` whose lines are in the project currency (or in
    currencies the engine then puts on separate invoices), each ``amount`` rounded to the
    currency's minor unit. A component with nothing to bill in the period returns a bill with no
    lines, not None.

    Called only on the plugin that registered ``component.model``.
    """


@hookspec(firstresult=True)
def staff(engine: Engine, project: Project, component: Component) -> ComponentStaffing | None:
    """Plan the people of one component over its timeframe.

    :param engine: The engine.
    :param project: The whole project (its calendar gives capacity).
    :param component: The component to staff.

    Return a :class:`engagekit.ComponentStaffing` with one :class:`engagekit.StaffingRow` per
    role or person and period (FTE, hours), plus warnings for under- or over-capacity. The engine
    merges all components into one plan and flags a person over-allocated across components.

    Called only on the plugin that registered ``component.model``.
    """


@hookspec(firstresult=True)
def measure_service(
    engine: Engine, project: Project, component: Component, period: Period | None
) -> ServiceMeasure | None:
    """Measure how one component is doing: delivery, burn, service levels.

    ``engage measure`` and ``Engine.measure`` call it; every model answers it, not only
    services.

    :param engine: The engine.
    :param project: The whole project.
    :param component: The component to measure.
    :param period: The period to measure, or None for everything to date.

    Return a :class:`engagekit.ServiceMeasure` with the model's ``metrics`` (scalars),
    ``tables`` (lists of rows) and a ``status`` where the model can judge one.

    Called only on the plugin that registered ``component.model``.
    """


@hookspec(firstresult=True)
def check_component(engine: Engine, project: Project, component: Component) -> list[str] | None:
    """Validate one component against the whole project and every data file it names.

    ``engage validate`` calls it after the project file has been read (settings structured and
    their ``check_component`` run). Read every data file the settings name and check every row
    as ``bill``, ``estimate``, ``staff`` and ``measure_service`` would, so that whatever
    those hooks would reject, validation rejects first with the same message (``ModelContract``
    checks it). Validation is meant to be quick: read a CSV file with engagekit's CSV reader
    (``engagekit.csvio``, ``engagekit.csvfile``) rather than a dataframe library, and import
    numpy, polars or pyarrow only for a file that needs them (Parquet; or a CSV file so large
    that the vectorised reader is faster, its import included). Settings handed to another
    model go through that model's checks:
    ``engine.check_component(project, engine.make_component(..., key=...))``.

    :param engine: The engine, to check the part of the work handed to another model.
    :param project: The whole project.
    :param component: The component to check.

    Raise ``engagekit.InputError`` (or ``engagekit.InputErrors`` for several) for a problem
    with the input; the engine adds the project file, the component and its model. Return a
    list of warnings (questionable values that are accepted), or None.

    Called only on the plugin that registered ``component.model``; a model without it is
    checked by its settings alone.
    """


@hookspec
def invoice_adjustments(
    engine: Engine, project: Project, period: Period, invoice: Invoice
) -> list[Adjustment] | None:
    """Contribute adjustments (discounts, surcharges, fees, taxes) to an invoice.

    Called once per invoice of a period, after the component lines are known; every plugin may
    contribute.

    :param engine: The engine.
    :param project: The whole project.
    :param period: The billing period.
    :param invoice: The invoice so far: its lines and subtotal, no adjustments yet.

    Return a list of :class:`engagekit.Adjustment` (or None for none). The core applies all
    contributions in a fixed order, whatever the plugins' install order: by stage
    (``discount``, ``surcharge``, ``fee``, ``tax``), then by name. Each adjustment's ``compute``
    receives the running total after the adjustments before it, and each becomes its own line.
    """


@hookspec
def register_commands(app: typer.Typer, engine: Engine) -> None:
    """Add sub-commands to the ``engage`` command line.

    :param app: The ``typer.Typer`` application; add commands with ``app.command()`` or groups
        with ``app.add_typer()``.
    :param engine: The engine the commands should use.

    Return nothing. Raise ``engagekit.InputError`` from a command for a problem with the user's
    input: the CLI prints it and exits 1.

    ``engage validate FILE...`` is answered without building the CLI while no plugin
    implements this hook; with one, it runs through the CLI, so a plugin's commands are always
    the ones a user gets.
    """


@hookspec
def propose(
    engine: Engine, project: Project, scope: Scope, options: ProposeOptions
) -> Proposal | None:
    """Propose how your model would carry a scope: a component of it with sensible terms.

    Called by ``engage compare`` (and ``engagekit.compare.compare``) once per scope or part of
    a scope (a mixed proposal asks for its phases separately); every plugin may answer.

    :param engine: The engine.
    :param project: The project the scope prices with: currency, calendar, rate card and
        adjustments, no components.
    :param scope: The :class:`engagekit.compare.Scope`: work items with min / likely / max
        hours of a role, risk events, the window, how settled the requirements are, the
        expected change rate, an optional run phase, and the firm's ``terms`` (target
        confidence, margins, a cap).
    :param options: A :class:`engagekit.compare.ProposeOptions`: ``draws``, the trials of this
        scope that every proposal is settled on (price at a confidence from them, never draw
        again), and ``plan``, the shared delivery plan (team FTE per role, start, planned finish).

    Return a :class:`engagekit.compare.Proposal`: the ``component`` (of your model, with the
    proposed terms), ``settle`` (draws -> :class:`engagekit.compare.Outcome`: the client's billing
    per month and the firm's cost in every trial, from those terms), the terms and the team
    flexibility in words, and the model's ``fit`` to the collaboration-models text's criteria.
    A model for support after delivery sets ``covers = "run"`` and settles the run phase only.

    Return None if your model cannot carry this scope (an SLA without a run phase, a fixed
    price the text's rules forbid).
    """


@hookspec
def register_exporters(register: Callable[[ExporterSpec], None]) -> None:
    """Declare the formats this plugin exports issued invoices and credit notes to.

    Called once per plugin, the first time the exporters are needed (``engage invoices
    export``, ``engagekit.exports.exporters(engine)``); every plugin may contribute. The
    built-in formats (``ubl``, ``cii``, ``facturx``, ``pdf``, ``json``) register the same way.

    :param register:
        Call it once per format with a :class:`engagekit.exports.ExporterSpec`: the format's
        ``name`` (the value of ``--format``), a one-line ``summary``, the file ``suffix``
        (``".xml"``), and ``export``, a function that takes one
        :class:`engagekit.ledger.IssuedInvoice` and returns the file's bytes. ``export`` maps
        the record as the ledger keeps it and never recomputes money; for a business term the
        record lacks it raises :class:`engagekit.exports.MissingTerms` (or an
        ``engagekit.InputError``) naming what to add where, and nothing is written.

    Two plugins registering one format name is an error naming both; the later one is skipped
    (or, in strict mode, refused).

    Return nothing.
    """
