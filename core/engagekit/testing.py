"""A pytest plugin for plugin authors: engines with given plugins, and contract checks.

Installed with engagekit (entry point ``pytest11``), so a third party's tests get the fixtures
without configuration::

    def test_my_model(engagekit_engine_factory):
        engine = engagekit_engine_factory(MyPlugin())
        ...

    class TestRetainerContract(engagekit.testing.ModelContract):
        model = "retainer"
        project_file = Path(__file__).parent / "example.toml"
        period = "2026-03"
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import attrs
import pytest

from engagekit.engine import Engine, create_engine
from engagekit.errors import InputError
from engagekit.money import Money
from engagekit.output import bill_doc, estimate_doc, jsonable, measure_doc, staff_doc
from engagekit.period import Period
from engagekit.project import Project
from engagekit.results import (
    ComponentBill,
    ComponentEstimate,
    ComponentStaffing,
    EstimateOptions,
    ServiceMeasure,
)

__all__ = ["ModelContract", "check_model"]

EngineFactory = Callable[..., Engine]


@pytest.fixture
def engagekit_engine_factory() -> EngineFactory:
    """Build fresh engines: ``factory(*plugins, entry_points=False, strict=True)``.

    By default only the given plugin objects are registered (plus the core's own), and a broken
    plugin raises instead of being skipped, so a test sees its own mistakes.
    """

    def factory(*plugins: object, entry_points: bool = False, strict: bool = True) -> Engine:
        return create_engine(plugins=plugins, entry_points=entry_points, strict=strict, disable=())

    return factory


@pytest.fixture
def engagekit_engine() -> Engine:
    """A fresh engine with every installed plugin, strict."""
    return create_engine(strict=True, disable=())


def check_model(engine: Engine, project: Project, model: str, period: Period | None = None) -> None:
    """Check that ``model`` keeps the hook contract on every one of its components in ``project``.

    Each hook returns its result type (or raises ``InputError`` for the user's input), money is
    in known currencies with invoice amounts rounded, estimates carry consistent samples, every
    result serialises to the documented JSON. Raises ``AssertionError`` naming what broke.
    """
    spec = engine.models.get(model)
    assert spec is not None, (
        f"model {model!r} is not registered; installed: {sorted(engine.models)}"
    )
    assert attrs.has(spec.settings), "settings must be an attrs class"
    assert spec.summary and "\n" not in spec.summary, "summary must be one line"
    components = [c for c in project.components if c.model == model]
    assert components, f"the project has no component of model {model!r}"
    options = EstimateOptions(seed=1, trials=500)
    period = period or Period.of_month(components[0].start)
    for c in components:
        assert isinstance(c.settings, spec.settings)
        est = engine.estimate_component(project, c, options)
        assert isinstance(est, ComponentEstimate)
        assert est.component == c.name and est.model == model
        for money in (est.cost, est.price):
            assert money.currency == project.currency
        if est.effort_hours is not None:
            d = est.effort_hours
            assert d.p50 <= d.p80 <= d.p90, f"percentiles out of order: {d}"
        if est.samples is not None:
            assert len(est.samples.effort_hours) == options.trials, "samples must be trials long"
        bill = engine.bill_component(project, c, period)
        assert isinstance(bill, ComponentBill)
        for line in bill.lines:
            assert isinstance(line.amount, Money) and line.amount.is_rounded()
        staff = engine.staff_component(project, c)
        assert isinstance(staff, ComponentStaffing)
        for row in staff.rows:
            assert row.fte >= 0 and isinstance(row.period, Period)
        measure = engine.measure_component(project, c, period)
        assert isinstance(measure, ServiceMeasure)
        json.dumps(jsonable(measure.metrics))
        json.dumps(jsonable(measure.tables))
    json.dumps(estimate_doc(engine.estimate(project, seed=1, trials=500)), default=str)
    json.dumps(bill_doc(engine.bill(project, period)), default=str)
    json.dumps(staff_doc(engine.staff(project)), default=str)
    json.dumps(measure_doc(engine.measure(project, period)), default=str)


class ModelContract:
    """Subclass in a test module, set ``model`` and ``project_file`` (and ``period``), and the
    contract tests run against your model."""

    model: ClassVar[str]
    project_file: ClassVar[Path]
    period: ClassVar[str | None] = None
    plugins: ClassVar[tuple[object, ...]] = ()

    @pytest.fixture
    def contract_engine(self) -> Iterator[Engine]:
        yield create_engine(plugins=self.plugins, strict=True, disable=())

    def test_registered(self, contract_engine: Engine) -> None:
        assert self.model in contract_engine.models

    def test_example_settings_validate(self, contract_engine: Engine) -> None:
        spec = contract_engine.models[self.model]
        if spec.example is None:
            pytest.skip("the model gives no example settings")
        project = contract_engine.project_from_dict(
            {
                "project": {"name": "contract", "currency": "EUR"},
                "components": [
                    {
                        "name": "c",
                        "model": self.model,
                        "start": "2026-01-01",
                        "end": "2026-12-31",
                        "settings": spec.example,
                    }
                ],
            },
            base_dir=Path(self.project_file).parent,
        )
        assert isinstance(project.components[0].settings, spec.settings)

    def test_hooks_keep_the_contract(self, contract_engine: Engine) -> None:
        project = contract_engine.load_project(self.project_file)
        check_model(
            contract_engine, project, self.model, Period.parse(self.period) if self.period else None
        )

    def test_bad_settings_are_input_errors(self, contract_engine: Engine) -> None:
        with pytest.raises(InputError):
            contract_engine.project_from_dict(
                {
                    "project": {"name": "contract", "currency": "EUR"},
                    "components": [
                        {
                            "name": "c",
                            "model": self.model,
                            "start": "2026-01-01",
                            "end": "2026-12-31",
                            "settings": {"no_such_key_anywhere": Decimal(1)},
                        }
                    ],
                }
            )
