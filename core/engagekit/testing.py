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

import copy
import itertools
import json
import math
import tomllib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from engagekit.engine import Engine, create_engine
from engagekit.errors import EngageError, InputError, InputErrors
from engagekit.money import Money
from engagekit.output import bill_doc, estimate_doc, jsonable, measure_doc, staff_doc
from engagekit.period import Period
from engagekit.project import Component, Project
from engagekit.results import (
    ComponentBill,
    ComponentEstimate,
    ComponentStaffing,
    EstimateOptions,
    ServiceMeasure,
)

__all__ = [
    "STATUSES",
    "ModelContract",
    "check_bill_lines",
    "check_failures",
    "check_measure",
    "check_model",
    "check_part_month_bills",
    "check_staffing",
]

#: The statuses a measure may report (None: the model cannot judge).
STATUSES = (None, "on-track", "at-risk", "off-track")
#: Invoice quantities print with at most this many decimals (a share of a month: 0.4839).
QUANTITY_DECIMALS = 4
#: Where a month is cut to check that its parts' bills add up to its bill.
MONTH_CUTS = ((16,), (8, 15, 22))
#: How many broken inputs ``check_failures`` tries per component (the first ones found).
MAX_BREAKS = 40

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
        _check_warnings("estimate", c, est.warnings)
        bill = engine.bill_component(project, c, period)
        assert isinstance(bill, ComponentBill)
        check_bill_lines(c, bill)
        check_part_month_bills(engine, project, c, Period.of_month(period.start))
        staff = engine.staff_component(project, c)
        assert isinstance(staff, ComponentStaffing)
        check_staffing(c, staff)
        measure = engine.measure_component(project, c, period)
        assert isinstance(measure, ServiceMeasure)
        check_measure(c, measure)
    json.dumps(estimate_doc(engine.estimate(project, seed=1, trials=500)), default=str)
    json.dumps(bill_doc(engine.bill(project, period)), default=str)
    json.dumps(staff_doc(engine.staff(project)), default=str)
    json.dumps(measure_doc(engine.measure(project, period)), default=str)


def _check_warnings(what: str, component: Component, warnings: Iterable[object]) -> None:
    for w in warnings:
        assert isinstance(w, str) and w.strip(), (
            f"{component.name}: every {what} warning is a message, got {w!r}"
        )


def check_bill_lines(component: Component, bill: ComponentBill) -> None:
    """Amounts are Money rounded to the minor unit; quantities print at a sane precision."""
    for line in bill.lines:
        assert isinstance(line.amount, Money) and line.amount.is_rounded(), (
            f"{component.name}: line {line.description!r} amount {line.amount!r} is not rounded"
        )
        assert line.description.strip(), f"{component.name}: a line without a description"
        exponent = line.quantity.as_tuple().exponent
        assert isinstance(exponent, int) and exponent >= -QUANTITY_DECIMALS, (
            f"{component.name}: line {line.description!r} has quantity {line.quantity}; "
            f"quantize quantities to at most {QUANTITY_DECIMALS} decimals"
        )
    _check_warnings("bill", component, bill.warnings)


def _total(bill: ComponentBill) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in bill.lines:
        out[line.amount.currency] = out.get(line.amount.currency, Decimal(0)) + line.amount.amount
    return {k: v for k, v in out.items() if v}


def check_part_month_bills(
    engine: Engine, project: Project, component: Component, month: Period
) -> None:
    """The bills of the parts of ``month`` add up exactly to the month's bill, however the
    month is cut (in halves, in quarters): a part-month period bills its share of the month,
    or nothing, and the period holding the rest bills the rest."""
    whole = _total(engine.bill_component(project, component, month))
    for cuts in MONTH_CUTS:
        days = [month.start.replace(day=d) for d in cuts]
        edges = [month.start, *days, month.end]
        parts = [Period(a, b) for a, b in itertools.pairwise(edges)]
        summed: dict[str, Decimal] = {}
        for part in parts:
            bill = engine.bill_component(project, component, part)
            check_bill_lines(component, bill)
            for currency, amount in _total(bill).items():
                summed[currency] = summed.get(currency, Decimal(0)) + amount
        summed = {k: v for k, v in summed.items() if v}
        assert summed == whole, (
            f"{component.name}: the bills of {', '.join(p.label for p in parts)} add up to "
            f"{summed}, but {month.label} bills {whole}; a period that cuts a month must bill "
            "so that the parts add up to the month (see the plugin guide: part-month billing)"
        )


def _finite(value: object) -> bool:
    if isinstance(value, Money):
        return value.amount.is_finite()
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, bool | int | str | date)  # dates print as ISO


def check_staffing(component: Component, staff: ComponentStaffing) -> None:
    """No negative FTE or hours; rows in periods."""
    for row in staff.rows:
        assert isinstance(row.period, Period), f"{component.name}: a row without a period"
        assert row.fte >= 0, f"{component.name}: negative FTE {row.fte} for {row.role}"
        assert row.hours is None or row.hours >= 0, (
            f"{component.name}: negative hours {row.hours} for {row.role}"
        )
    _check_warnings("staffing", component, staff.warnings)


def check_measure(component: Component, measure: ServiceMeasure) -> None:
    """Metrics are finite numbers or strings (no NaN or infinity reaching ``--json``), the
    status one of ``STATUSES``, tables JSON-able."""
    for key, value in measure.metrics.items():
        assert _finite(value), (
            f"{component.name}: metric {key!r} is {value!r}; metrics are finite numbers, "
            "strings, dates, Money or None"
        )
    assert measure.status in STATUSES, (
        f"{component.name}: status {measure.status!r} is not one of {STATUSES}"
    )
    json.dumps(jsonable(measure.metrics), allow_nan=False)
    json.dumps(jsonable(measure.tables), allow_nan=False)
    _check_warnings("measure", component, measure.warnings)


Break = tuple[str, dict[str, Any]]  # what was broken, and the project file's data with it


def _breaks(data: dict[str, Any], model: str, base: Path, tmp: Path) -> Iterator[Break]:
    """Project data with one thing broken in a component of ``model``: a number negated, a
    text blanked, or a row of nonsense added to a CSV data file (a copy, in ``tmp``)."""
    for i, comp in enumerate(data.get("components", [])):
        if comp.get("model") != model or not isinstance(comp.get("settings"), dict):
            continue
        found = 0
        for path, value in _leaves(comp["settings"], ()):
            if found >= MAX_BREAKS:
                break
            broken = _broken(value, base, tmp / f"c{i}-{found}")
            if broken is None:
                continue
            found += 1
            what, new = broken
            out = copy.deepcopy(data)
            target = out["components"][i]["settings"]
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = new
            key = ".".join(str(k) for k in path)
            yield f"component {comp.get('name')!r}: settings.{key} {what}", out


def _leaves(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _leaves(v, (*path, n))
    else:
        yield path, value


def _broken(value: Any, base: Path, tmp: Path) -> tuple[str, Any] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal | float) and value:
        return f"= {-value} (negated)", -value
    if not isinstance(value, str):
        return None
    source = base / value
    if source.suffix.lower() == ".csv" and source.is_file():
        text = source.read_text(encoding="utf-8-sig")
        header = text.splitlines()[0] if text.strip() else ""
        sep = max((",", ";", "\t"), key=header.count)
        tmp.mkdir(parents=True, exist_ok=True)
        target = tmp / source.name
        row = sep.join("?!" for _ in header.split(sep))
        target.write_text(text + ("" if text.endswith("\n") else "\n") + row + "\n", "utf-8")
        return f"({value}) with a row of nonsense", str(target)
    if value.strip() and not source.exists():
        return "blanked", " "
    return None


def _rejection(call: Callable[[], object]) -> InputError | None:
    try:
        call()
    except InputError as err:
        return err
    return None


def _rejections(
    engine: Engine, project: Project, model: str, period: Period
) -> list[tuple[str, InputError | None]]:
    """What validation and each hook of ``model``'s components say: an input error or None."""
    options = EstimateOptions(seed=1, trials=20)
    out = [("validation", _rejection(lambda: engine.validate(project)))]
    for c in project.components:
        if c.model != model:
            continue
        out += [
            ("estimate", _rejection(lambda: engine.estimate_component(project, c, options))),  # noqa: B023
            ("bill", _rejection(lambda: engine.bill_component(project, c, period))),  # noqa: B023
            ("staff", _rejection(lambda: engine.staff_component(project, c))),  # noqa: B023
            ("measure", _rejection(lambda: engine.measure_component(project, c, period))),  # noqa: B023
        ]
    return out


def _has_message(err: InputError) -> bool:
    if isinstance(err, InputErrors):
        return bool(err.errors) and all(_has_message(e) for e in err.errors)
    return bool(err.message and err.message.strip())


def check_failures(
    engine: Engine, project_file: Path, model: str, period: Period, tmp: Path
) -> None:
    """Break the example's input one thing at a time (a number negated, a text blanked, a row of
    nonsense in a CSV data file) and check that the model fails well: every error is an
    ``InputError`` with a message (never another exception, never an empty message), and
    whatever a hook rejects, validation (``engine.validate``) rejects first. Raises
    ``AssertionError`` naming the broken input."""
    base = Path(project_file).resolve().parent
    data = tomllib.loads(Path(project_file).read_text(encoding="utf-8-sig"), parse_float=Decimal)
    tried = 0
    for what, broken in _breaks(data, model, base, tmp):
        tried += 1
        try:
            project = engine.project_from_dict(broken, base_dir=base)
            said = _rejections(engine, project, model, period)
        except InputError as err:  # the settings were refused
            said = [("reading the project", err)]
        except EngageError as err:  # PluginError: the model raised something else
            raise AssertionError(f"{what}: {err}") from err
        for name, rejected in said:
            assert rejected is None or _has_message(rejected), (
                f"{what}: {name} raised an input error without a message ({rejected!r})"
            )
        validated = dict(said).get("validation", "n/a")
        if validated is None:
            for name, rejected in said:
                assert rejected is None, (
                    f"{what}: validation accepts it but {name} rejects it ({rejected}); "
                    "check_component must reject what the hooks reject"
                )
    assert tried, f"the example has no settings of model {model!r} to break"


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

    def test_failures_are_input_errors_with_a_message(
        self, contract_engine: Engine, tmp_path: Path
    ) -> None:
        project = contract_engine.load_project(self.project_file)
        period = Period.parse(self.period) if self.period else None
        check_failures(
            contract_engine,
            self.project_file,
            self.model,
            period or Period.of_month(project.components[0].start),
            tmp_path,
        )

    def test_bad_settings_are_input_errors(self, contract_engine: Engine) -> None:
        with pytest.raises(InputError, match=r"no_such_key_anywhere"):
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
