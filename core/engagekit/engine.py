"""The engine: loads plugins, dispatches each component to its model, combines the answers.

A typed facade over ``pm.hook``: callers get results of known types and errors that name the
plugin at fault. Build one with ``create_engine()``; there is no global engine.
"""

from __future__ import annotations

import contextlib
import os
import types
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs
import pluggy

from engagekit import hookspecs
from engagekit.contract import ContractDeprecationWarning, incompatibility, requirement_problem
from engagekit.errors import EngageError, InputError, PluginError, UnknownModelError
from engagekit.guard import (
    ESCAPES,
    DistInfo,
    capture_stdout,
    read_entry_points,
    watch_ctrl_c,
)
from engagekit.modelspec import ModelSpec

if TYPE_CHECKING:
    from engagekit.money import Money
    from engagekit.period import Period
    from engagekit.project import Component, Project
    from engagekit.results import (
        Adjustment,
        ComponentBill,
        ComponentEstimate,
        ComponentStaffing,
        Distribution,
        EstimateOptions,
        Invoice,
        InvoiceLine,
        ProjectBill,
        ProjectEstimate,
        Samples,
        ServiceMeasure,
        ServiceReport,
        StaffingRow,
        StaffPlan,
    )

__all__ = ["ALLOCATOR_ENV", "ENTRY_POINT_GROUP", "Engine", "PluginInfo", "create_engine"]

ENTRY_POINT_GROUP = "engagekit"
STRICT_ENV = "ENGAGEKIT_STRICT_PLUGINS"
DISABLE_ENV = "ENGAGEKIT_DISABLE_PLUGINS"

#: Polars' allocator (jemalloc) keeps the memory a thread freed in that thread's arena, so
#: the peak resident memory of a bulk run is the sum of every thread's high-water mark; one
#: arena lets each step reuse what the step before freed (measured on `engage bill` of 1M
#: time entries: about 50 MB less peak memory, no slower). Set before polars is imported; a
#: value the user set wins.
ALLOCATOR_ENV = ("_RJEM_MALLOC_CONF", "narenas:1")

BUILTIN_PLUGINS = ("fixed-price", "time-material", "dedicated-team", "sla")
CORE_PLUGIN = "engagekit.adjustments"

T = TypeVar("T")
Progress = Callable[[str, "Component", int, int], None]


@attrs.frozen
class PluginInfo:
    """A plugin as the engine found it: loaded (``ok``), ``failed`` (with ``error``) or ``blocked``."""

    name: str
    distribution: str | None
    version: str | None
    status: Literal["ok", "failed", "blocked"]
    error: str | None = None
    hooks: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    #: The deprecation warnings its hooks raised when it registered (``file:line: message``).
    deprecations: tuple[str, ...] = ()


def _register_recording_deprecations(
    pm: pluggy.PluginManager, obj: object, name: str
) -> tuple[str, ...]:
    """``pm.register``, keeping the deprecation warnings pluggy issues for the plugin's hook
    implementations (a spec's ``warn_on_impl`` or ``warn_on_impl_args``) to list them in
    ``engage plugins``; they are issued again as they came, at the plugin's function, so its
    tests show them as before."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pm.register(obj, name=name)
    out = []
    try:
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            if issubclass(w.category, ContractDeprecationWarning):
                out.append(f"{w.filename}:{w.lineno}: {w.message}")
    except Warning:
        # warnings are errors here (python -W error): the plugin is refused, by name, not loaded
        pm.unregister(obj)
        raise
    return tuple(out)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _is_engagekit(dist: str | None) -> bool:
    return dist is not None and dist.lower().replace("_", "-") == "engagekit"


def _kind(exc: BaseException) -> str:
    """``ValueError``, or ``SystemExit(3)``: an exit a plugin should never make."""
    return f"SystemExit({exc.code!r})" if isinstance(exc, SystemExit) else type(exc).__name__


def _shape(value: object) -> str:
    """``dict``, or ``a list holding str`` when the container is right but the items not."""
    if isinstance(value, list | tuple):
        kinds = sorted({type(v).__name__ for v in value})
        return f"a {type(value).__name__} holding {', '.join(kinds)}"
    return type(value).__name__


def _raised(exc: BaseException) -> str:
    if isinstance(exc, SystemExit | KeyboardInterrupt):
        return f"{_kind(exc)} (a plugin must not end the program)"
    return f"{_kind(exc)}: {exc}"


def create_engine(
    *,
    plugins: Iterable[object | tuple[str, object]] = (),
    entry_points: bool = True,
    disable: Iterable[str] | None = None,
    strict: bool | None = None,
) -> Engine:
    """Build an engine.

    :param plugins: Extra plugin objects (or ``(name, object)`` pairs) to register in-process.
    :param entry_points: Load the plugins installed under the ``engagekit`` entry-point group
        (the four built-in models among them).
    :param disable: Plugin names to block; default from ``ENGAGEKIT_DISABLE_PLUGINS`` (``a,b``).
    :param strict: Raise ``PluginError`` on a broken plugin instead of skipping it with a warning;
        default from ``ENGAGEKIT_STRICT_PLUGINS=1``.
    """
    if disable is None:
        disable = [p.strip() for p in os.environ.get(DISABLE_ENV, "").split(",") if p.strip()]
    engine = Engine(strict=_env_flag(STRICT_ENV) if strict is None else strict)
    from engagekit import adjustments

    engine.pm.register(adjustments, name=CORE_PLUGIN)
    blocked = set(disable)
    if entry_points:
        order = {name: i for i, name in enumerate(BUILTIN_PLUGINS)}

        def rank(item: tuple[metadata.EntryPoint, DistInfo]) -> tuple[int, bool, str]:
            ep, info = item
            return order.get(ep.name, len(order)), not _is_engagekit(info.name), ep.name

        eps, unreadable = read_entry_points(ENTRY_POINT_GROUP)
        for dist_name, dist_version, problem in unreadable:
            engine._fail(dist_name, dist_name, dist_version, problem)
        for ep, info in sorted(eps, key=rank):
            dist, version = info.name, info.version
            if ep.name in BUILTIN_PLUGINS and not _is_engagekit(dist):
                engine._fail(
                    ep.name,
                    dist,
                    version,
                    f"refused: {ep.name!r} is the name of a built-in plugin of engagekit, and "
                    "no plugin displaces a built-in (rename the entry point)",
                )
                continue
            if ep.name in blocked or ("*" in blocked and not _is_engagekit(dist)):
                engine.pm.set_blocked(ep.name)
                engine._plugins.append(PluginInfo(ep.name, dist, version, "blocked"))
                continue
            required = requirement_problem(info.requires)
            if required is not None and not _is_engagekit(dist):
                engine._fail(ep.name, dist, version, f"incompatible: {required}")
                continue
            try:
                with watch_ctrl_c() as ctrl_c, capture_stdout(engine.printed, ep.name):
                    obj = ep.load()
            except KeyboardInterrupt as exc:
                if ctrl_c[0]:
                    raise  # the user pressed Ctrl-C: the program ends (130)
                engine._fail(ep.name, dist, version, f"import failed: {_raised(exc)}")
                continue
            except (Exception, SystemExit) as exc:
                engine._fail(ep.name, dist, version, f"import failed: {_raised(exc)}")
                continue
            engine._add(obj, ep.name, dist, version)
    for item in plugins:
        name, obj = item if isinstance(item, tuple) else (None, item)
        if name in blocked:
            continue
        engine.register(obj, name=name)
    return engine


class Engine:
    """The typed facade over the plugin manager. Build it with ``create_engine``."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.pm = pluggy.PluginManager("engagekit")
        self.pm.add_hookspecs(hookspecs)
        self._models: dict[str, ModelSpec] = {}
        self._plugins: list[PluginInfo] = []
        self.progress: Progress | None = None
        #: What plugin code printed to standard output, as (plugin, text); see ``take_printed``.
        self.printed: list[tuple[str, str]] = []

    def take_printed(self) -> list[str]:
        """Warnings for what plugins printed since the last call (standard output stays the
        command's own, so ``--json`` and ``--csv`` stay clean)."""
        out = [
            f"plugin {plugin!r} printed to standard output (not shown there): {text}"
            for plugin, text in self.printed
        ]
        self.printed.clear()
        return out

    # -- plugins ------------------------------------------------------------------------------

    @property
    def models(self) -> Mapping[str, ModelSpec]:
        """The registered models by name."""
        return types.MappingProxyType(self._models)

    @property
    def plugins(self) -> Sequence[PluginInfo]:
        """Every plugin found, including failed and blocked ones."""
        return tuple(self._plugins)

    @property
    def problems(self) -> list[str]:
        """One warning line per plugin that failed."""
        return [
            f"plugin {p.name!r}"
            + (f" ({p.distribution} {p.version})" if p.distribution else "")
            + f" was skipped: {p.error}"
            for p in self._plugins
            if p.status == "failed"
        ]

    def register(self, plugin: object, name: str | None = None) -> PluginInfo:
        """Register a plugin object in-process (a module, or an instance with hookimpls)."""
        if name is None:
            base = getattr(plugin, "__name__", None) or type(plugin).__name__
            taken = {p.name for p in self._plugins}
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base}#{n}"
        return self._add(plugin, name, None, None)

    def _fail(self, name: str, dist: str | None, version: str | None, error: str) -> PluginInfo:
        info = PluginInfo(name, dist, version, "failed", error)
        self._plugins.append(info)
        if self.strict:
            where = f" ({dist} {version})" if dist else ""
            raise PluginError(f"plugin {name!r}{where}: {error}", plugin=name)
        return info

    def _add(self, obj: object, name: str, dist: str | None, version: str | None) -> PluginInfo:
        if isinstance(obj, type):
            return self._fail(
                name,
                dist,
                version,
                f"{obj.__name__} is a class; register an instance (have you forgotten the ()?)",
            )
        if self.pm.is_blocked(name):
            info = PluginInfo(name, dist, version, "blocked")
            self._plugins.append(info)
            return info
        try:
            deprecations = _register_recording_deprecations(self.pm, obj, name)
        except (pluggy.PluginValidationError, ValueError, Warning) as exc:
            return self._fail(name, dist, version, f"invalid plugin: {exc}")
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(obj)
            return self._fail(name, dist, version, f"{exc} (is the hook name misspelled?)")
        claimed: list[str] = []

        def register_model(spec: ModelSpec) -> None:
            if not isinstance(spec, ModelSpec):
                raise TypeError(
                    f"register() takes an engagekit.ModelSpec, got {type(spec).__name__}"
                )
            problem = incompatibility(spec.contract)
            if problem is not None:
                raise PluginError(f"incompatible: model {spec.name!r} {problem}")
            other = self._models.get(spec.name)
            if other is not None:
                raise PluginError(
                    f"model {spec.name!r} is claimed by two plugins: {other.plugin!r} and {name!r}"
                    + (f" ({dist})" if dist else "")
                )
            self._models[spec.name] = attrs.evolve(
                spec, plugin=name, version=spec.version or version
            )
            claimed.append(spec.name)

        impls = [i for i in self.pm.hook.register_models.get_hookimpls() if i.plugin is obj]
        try:
            with capture_stdout(self.printed, name):
                for impl in impls:
                    impl.function(register=register_model)
        except (Exception, *ESCAPES) as exc:
            for model in claimed:
                del self._models[model]
            self.pm.unregister(obj)
            text = str(exc) if isinstance(exc, PluginError) else _raised(exc)
            return self._fail(name, dist, version, f"registration failed: {text}")
        hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(obj) or ()))
        info = PluginInfo(name, dist, version, "ok", None, hooks, tuple(claimed), deprecations)
        self._plugins.append(info)
        return info

    # -- projects -----------------------------------------------------------------------------

    def load_project(self, path: str | Path, *, workspace: bool = True) -> Project:
        """Read and validate a project file (components' settings by their models).

        :param workspace: Inside a workspace whose ``engage.toml`` lists people, check every
            person the project file names against that roster, let the rate card price each
            person by their seniority and location, and set ``project.roster`` (see
            docs/portfolio.md). False: the file alone, as outside a workspace.
        """
        from engagekit.projectfile import load_project

        with self._missing_plugins_explained():
            project = load_project(path, self._models)
        if not workspace:
            return project
        from engagekit.portfolio.roster import in_workspace

        return in_workspace(project)

    def project_from_dict(self, data: Mapping[str, Any], base_dir: Path | None = None) -> Project:
        from engagekit.projectfile import project_from_dict

        with self._missing_plugins_explained():
            return project_from_dict(data, self._models, base_dir=base_dir)

    @contextlib.contextmanager
    def _missing_plugins_explained(self) -> Iterator[None]:
        """An unknown model may be one of a plugin that is blocked or failed: say so."""
        try:
            yield
        except UnknownModelError as err:
            absent = [
                f"{p.name} ({p.status}" + (f": {p.error}" if p.error else "") + ")"
                for p in self._plugins
                if p.status != "ok"
            ]
            if not absent:
                raise
            hint = f"{err.hint}; not loaded: {'; '.join(absent)}"
            explained = UnknownModelError(
                err.message,
                where=err.where,
                line=err.line,
                column=err.column,
                field=err.field,
                hint=hint,
            )
            if err.component is not None:
                raise explained.in_component(err.project, err.component, err.model) from None
            raise explained from None

    def make_component(
        self,
        project: Project,
        *,
        name: str,
        model: str,
        start: date,
        end: date,
        settings: Mapping[str, Any] | object,
        key: str | None = None,
    ) -> Component:
        """A component of ``model`` built in code, e.g. by a composite model that hands part of
        its work to another model. ``settings`` may be a table (read by the model's settings
        class, relative paths against the project's folder) or a settings instance.

        ``key`` is where the table sits in the calling component's settings
        (``"time_material"`` for ``[components.settings.time_material]``): a problem in it is
        then reported at its key path in the project file, ``settings.time_material.rates[0]``.
        Errors name the component ``name`` and ``model``; raised inside the calling model's
        hook, the engine then names the calling component (``(capped-tm via time-material)``).
        """
        from engagekit.project import Component
        from engagekit.projectfile import unknown_model
        from engagekit.settings import SettingsError, format_path, parse_path, structure

        spec = self._models.get(model)
        if spec is None:
            raise unknown_model(model, self._models)
        prefix: tuple[str | int, ...] = ("settings", *parse_path(key)) if key else ("settings",)

        def placed(err: InputError, path: tuple[str | int, ...]) -> InputError:
            field = format_path((*prefix, *path))
            return InputError(err.message, field=field, hint=err.hint).in_component(
                project.source, name, model
            )

        if isinstance(settings, Mapping):
            try:
                settings = structure(dict(settings), spec.settings, project.base_dir)
            except SettingsError as err:
                raise placed(err, err.path) from None
        component = Component(name, model, start, end, settings)
        check = getattr(settings, "check_component", None)
        if check is not None:
            try:
                check(component)
            except SettingsError as err:
                raise placed(err, err.path) from None
            except InputError as err:
                if err.where is not None:
                    raise err.in_component(project.source, name, model) from None
                raise placed(err, parse_path(err.field) if err.field else ()) from None
        return component

    # -- per component ------------------------------------------------------------------------

    def _culprit(self, exc: BaseException, hook: Any) -> str:
        codes = {
            getattr(impl.function, "__code__", None): impl.plugin_name
            for impl in hook.get_hookimpls()
        }
        culprit = None
        tb = exc.__traceback__
        while tb is not None:
            name = codes.get(tb.tb_frame.f_code)
            if name is not None:
                culprit = name
            tb = tb.tb_next
        return culprit or "unknown"

    def _owner_hook(self, hook_name: str, spec: ModelSpec) -> Any:
        """``hook_name`` as only the plugin that registered ``spec`` implements it."""
        owner = self.pm.get_plugin(spec.plugin) if spec.plugin else None
        others = [p for p in self.pm.get_plugins() if p is not owner]
        return self.pm.subset_hook_caller(hook_name, others)

    def _invoke(self, hook_name: str, component: Component, **kw: Any) -> Any:
        """Call a per-component hook of the plugin that owns ``component.model``, and of no
        other plugin; input errors are placed in the component, anything else it raises is
        blamed on that plugin."""
        spec = self._models.get(component.model)
        if spec is None:
            from engagekit.projectfile import unknown_model

            raise unknown_model(component.model, self._models)
        hook = self._owner_hook(hook_name, spec)
        try:
            with watch_ctrl_c() as ctrl_c, capture_stdout(self.printed, spec.plugin or "?"):
                return hook(engine=self, component=component, **kw)
        except KeyboardInterrupt as exc:
            if ctrl_c[0]:
                raise
            raise PluginError(
                f"plugin {spec.plugin!r} raised KeyboardInterrupt in hook {hook_name!r} for "
                f"component {component.name!r}",
                plugin=spec.plugin,
            ) from exc
        except InputError as err:
            placed = err.in_component(project_source(kw), component.name, component.model)
            raise _at_key_line(placed, kw.get("project"), component) from err
        except EngageError:
            raise
        except (Exception, *ESCAPES) as exc:
            raise PluginError(
                f"plugin {spec.plugin!r} raised {_kind(exc)} in hook {hook_name!r} for "
                f"component {component.name!r}: {exc}",
                plugin=spec.plugin,
            ) from exc

    def _call(self, hook_name: str, expected: type[T], component: Component, **kw: Any) -> T:
        """``_invoke`` for a hook that must answer with an ``expected``."""
        result = self._invoke(hook_name, component, **kw)
        plugin = self._models[component.model].plugin
        if result is None:
            raise PluginError(
                f"plugin {plugin!r} registered model {component.model!r} but did not answer "
                f"{hook_name!r} for component {component.name!r} (no implementation, or it "
                f"returned None); installed models: {', '.join(sorted(self._models))}",
                plugin=plugin,
            )
        if not isinstance(result, expected):
            raise PluginError(
                f"plugin {plugin!r} broke the contract: hook {hook_name!r} returned "
                f"{type(result).__name__} for component {component.name!r}, expected "
                f"{expected.__name__}",
                plugin=plugin,
            )
        return result

    def check_component(self, project: Project, component: Component) -> list[str]:
        """The owner's ``check_component``: raises ``InputError`` for bad input (data files
        included); returns its warnings."""
        result = self._invoke("check_component", component, project=project)
        if result is None:
            return []
        if not isinstance(result, list | tuple) or not all(isinstance(w, str) for w in result):
            plugin = self._models[component.model].plugin
            raise PluginError(
                f"plugin {plugin!r} broke the contract: hook 'check_component' returned "
                f"{type(result).__name__} for component {component.name!r}, expected a list of "
                "warnings (str) or None",
                plugin=plugin,
            )
        return list(result)

    def validate(self, project: Project) -> list[str]:
        """Check every component of ``project`` as ``engage validate`` does; its warnings."""
        from engagekit.questionable import calendar_warnings

        return [
            f"{c.name}: {w}" for c in project.components for w in self.check_component(project, c)
        ] + list(calendar_warnings(project))

    def _each(self, op: str, project: Project, fn: Callable[[Component], T]) -> list[T]:
        out = []
        n = len(project.components)
        for i, component in enumerate(project.components):
            if self.progress:
                self.progress(op, component, i, n)
            out.append(fn(component))
        if self.progress and n:
            self.progress(op, project.components[-1], n, n)
        return out

    def estimate_component(
        self, project: Project, component: Component, options: EstimateOptions | None = None
    ) -> ComponentEstimate:
        from engagekit.results import ComponentEstimate, EstimateOptions

        result = self._call(
            "estimate",
            ComponentEstimate,
            component,
            project=project,
            options=options or EstimateOptions(),
        )
        for money in (result.cost, result.price):
            self._check_currency(money, project, component, "estimate")
        return result

    def bill_component(
        self, project: Project, component: Component, period: Period
    ) -> ComponentBill:
        from engagekit.results import ComponentBill

        return self._call("bill", ComponentBill, component, project=project, period=period)

    def staff_component(self, project: Project, component: Component) -> ComponentStaffing:
        from engagekit.results import ComponentStaffing

        return self._call("staff", ComponentStaffing, component, project=project)

    def measure_component(
        self, project: Project, component: Component, period: Period | None = None
    ) -> ServiceMeasure:
        from engagekit.results import ServiceMeasure

        return self._call(
            "measure_service", ServiceMeasure, component, project=project, period=period
        )

    def _check_currency(
        self, money: Money, project: Project, component: Component, op: str
    ) -> None:
        if money.currency != project.currency:
            spec = self._models[component.model]
            raise PluginError(
                f"plugin {spec.plugin!r} returned an {op} in {money.currency} for component "
                f"{component.name!r}; estimates are in the project currency {project.currency}",
                plugin=spec.plugin,
            )

    # -- per project --------------------------------------------------------------------------

    def estimate(
        self,
        project: Project,
        *,
        seed: int | None = None,
        trials: int | None = None,
        workers: int = 1,
    ) -> ProjectEstimate:
        """Estimate every component and the project; simulated components are summed per trial.

        ``workers``: processes a Monte Carlo simulation may use (results depend on it, see
        ``EstimateOptions``)."""
        from engagekit.money import Money
        from engagekit.results import EstimateOptions, ProjectEstimate

        defaults = EstimateOptions()
        options = EstimateOptions(
            seed=defaults.seed if seed is None else seed,
            trials=defaults.trials if trials is None else trials,
            workers=workers,
        )
        if options.trials < 1:
            raise InputError("trials must be at least 1", field="trials")
        if options.workers < 1:
            raise InputError("workers must be at least 1", field="workers")
        results = self._each(
            "estimate", project, lambda c: self.estimate_component(project, c, options)
        )
        cost = Money.total((r.cost for r in results), project.currency)
        price = Money.total((r.price for r in results), project.currency)
        effort, samples, warnings = _combine_effort(results, options.trials)
        return ProjectEstimate(
            project=project.name,
            currency=project.currency,
            components=tuple(results),
            cost=cost,
            price=price,
            effort_hours=effort,
            options=options,
            samples=samples,
            warnings=tuple(f"{r.component}: {w}" for r in results for w in r.warnings)
            + tuple(warnings),
        )

    def bill(self, project: Project, period: Period) -> ProjectBill:
        """One invoice per currency for ``period``: component lines, subtotal, adjustments."""
        from engagekit.results import ProjectBill

        bills = self._each("bill", project, lambda c: self.bill_component(project, c, period))
        by_currency: dict[str, list[Any]] = defaultdict(list)
        for b in bills:
            for line in b.lines:
                by_currency[line.amount.currency].append(line)
        currencies = sorted(by_currency, key=lambda c: (c != project.currency, c))
        invoices = [
            self.invoice(project, period, currency, by_currency.get(currency, ()))
            for currency in currencies or [project.currency]
        ]
        warnings = [f"{b.component}: {w}" for b in bills for w in b.warnings]
        running = [c for c in project.components if period.clip(c.start, c.end) is not None]
        if not running and project.components:
            first = min(c.start for c in project.components)
            last = max(c.end for c in project.components)
            warnings.append(
                f"no component runs in {period.label} (the project runs {first}..{last})"
            )
        else:
            warnings.extend(
                f"{b.component}: nothing to bill in {period.label}"
                for b in bills
                if not b.lines and any(c.name == b.component for c in running)
            )
        from engagekit.questionable import bill_warnings

        warnings.extend(bill_warnings(bills))
        return ProjectBill(project.name, period, tuple(invoices), tuple(bills), tuple(warnings))

    def invoice(
        self, project: Project, period: Period, currency: str, lines: Iterable[InvoiceLine]
    ) -> Invoice:
        """The invoice of ``lines`` (all in ``currency``) as ``bill`` makes it: each line's VAT
        from the project where the model left it out, the subtotal, then the adjustments in
        their fixed order. The report prices projected months with it."""
        from engagekit.money import Money
        from engagekit.results import Invoice

        vat_lines = tuple(
            line if line.vat is not None else attrs.evolve(line, vat=project.vat_of(line.component))
            for line in lines
        )
        subtotal = Money.total((line.amount for line in vat_lines), currency)
        draft = Invoice(period=period, currency=currency, lines=vat_lines, subtotal=subtotal)
        return self._adjust(project, period, draft)

    def _adjust(self, project: Project, period: Period, draft: Invoice) -> Invoice:
        from engagekit.money import Money
        from engagekit.results import Adjustment, AppliedAdjustment
        from engagekit.vatbill import VatTally

        rules: list[Adjustment] = []
        args = {"engine": self, "project": project, "period": period, "invoice": draft}
        # one plugin at a time, so that what each returns is checked and blamed on it
        for impl in self.pm.hook.invoice_adjustments.get_hookimpls():
            try:
                with capture_stdout(self.printed, impl.plugin_name):
                    item = impl.function(**{k: args[k] for k in impl.argnames})
            except EngageError:
                raise
            except (Exception, *ESCAPES) as exc:
                raise PluginError(
                    f"plugin {impl.plugin_name!r} raised {_kind(exc)} in hook "
                    f"'invoice_adjustments': {exc}",
                    plugin=impl.plugin_name,
                ) from exc
            if item is None:
                continue
            if not isinstance(item, list | tuple) or not all(
                isinstance(rule, Adjustment) for rule in item
            ):
                raise PluginError(
                    f"plugin {impl.plugin_name!r} broke the contract: hook 'invoice_adjustments' "
                    f"returned {_shape(item)}, expected a list of engagekit.Adjustment or None",
                    plugin=impl.plugin_name,
                )
            rules += item
        applied: list[AppliedAdjustment] = []
        running = draft.subtotal
        taxed = VatTally(draft) if draft.lines and all(ln.vat for ln in draft.lines) else None
        for rule in sorted(rules, key=lambda r: r.order):
            if taxed is not None and rule.stage == "tax" and not taxed.done:
                for vat_line in taxed.close():
                    applied.append(vat_line)
                    running = running + vat_line.amount
            amount = rule.compute(running, draft)
            if not isinstance(amount, Money) or amount.currency != draft.currency:
                raise PluginError(
                    f"adjustment {rule.name!r} returned {amount!r}, expected Money in {draft.currency}"
                )
            amount = amount.rounded()
            if not amount:
                continue
            shares = taxed.share(rule, amount) if taxed is not None and rule.stage != "tax" else ()
            applied.append(
                AppliedAdjustment(rule.name, rule.stage, amount, running, rule.description, shares)
            )
            running = running + amount
        if taxed is not None and not taxed.done:
            for vat_line in taxed.close():
                applied.append(vat_line)
                running = running + vat_line.amount
        breakdown = taxed.rows if taxed is not None else ()
        return attrs.evolve(
            draft, adjustments=tuple(applied), total=running, vat_breakdown=breakdown
        )

    def staff(self, project: Project) -> StaffPlan:
        """One staffing plan across components; a person over 100% in a month, or a role
        beyond the project's ``capacity``, is flagged."""
        from engagekit.results import StaffPlan

        staffing = self._each("staff", project, lambda c: self.staff_component(project, c))
        rows = tuple(r for s in staffing for r in s.rows)
        warnings = [f"{s.component}: {w}" for s in staffing for w in s.warnings]
        warnings += over_allocation(rows, project.capacity)
        from engagekit.questionable import calendar_warnings

        warnings += calendar_warnings(project)
        return StaffPlan(project.name, rows, tuple(staffing), tuple(warnings))

    def measure(self, project: Project, period: Period | None = None) -> ServiceReport:
        """Every component's service measures, in one report."""
        from engagekit.results import ServiceReport

        measures = self._each(
            "measure", project, lambda c: self.measure_component(project, c, period)
        )
        warnings = tuple(f"{m.component}: {w}" for m in measures for w in m.warnings)
        return ServiceReport(project.name, period, tuple(measures), warnings)


def _at_key_line(err: InputError, project: Project | None, component: Component) -> InputError:
    """An error about a key of the project file (no other file named) gets the key's line."""
    source = getattr(project, "source", None)
    if project is None or source is None or err.line is not None or not err.field:
        return err
    if err.where is not None and Path(err.where) != Path(source):
        return err  # about a data file: its row is the place
    from engagekit.projectfile import key_line

    line = key_line(project, component.name, err.field)
    if line is None:
        return err
    placed = type(err).__new__(type(err))  # keeps the component and model it is placed in
    placed.__dict__.update(err.__dict__, where=str(source), line=line)
    placed.args = (placed.render(),)
    return placed


def project_source(kw: Mapping[str, Any]) -> Path | None:
    """The project file of a hook call's keyword arguments, if the project came from one."""
    project = kw.get("project")
    return getattr(project, "source", None)


def _combine_effort(
    results: Sequence[ComponentEstimate], trials: int
) -> tuple[Distribution | None, Samples | None, list[str]]:
    """Project effort: per-trial sums where components simulate, points added as constants."""
    from engagekit.results import Distribution, Samples

    with_effort = [r for r in results if r.effort_hours is not None]
    if not with_effort:
        return None, None, []
    simulated = [r for r in with_effort if r.samples is not None]
    if not simulated:
        total = Distribution(
            sum((r.effort_hours.p50 for r in with_effort), Decimal(0)),  # type: ignore[union-attr]
            sum((r.effort_hours.p80 for r in with_effort), Decimal(0)),  # type: ignore[union-attr]
            sum((r.effort_hours.p90 for r in with_effort), Decimal(0)),  # type: ignore[union-attr]
        )
        return total, None, []
    import numpy as np

    warnings = []
    effort = np.zeros(trials)
    cost = np.zeros(trials)
    for r in with_effort:
        if r.samples is None:
            assert r.effort_hours is not None
            if r.effort_hours.p50 != r.effort_hours.p90:
                warnings.append(
                    f"{r.component}: percentiles without samples; its P50 is added to every trial"
                )
            effort += float(r.effort_hours.p50)
            cost += float(r.cost.amount)
            continue
        if len(r.samples.effort_hours) != trials:
            raise PluginError(
                f"component {r.component!r} returned {len(r.samples.effort_hours)} samples, "
                f"expected {trials} (options.trials)"
            )
        effort += r.samples.effort_hours
        cost += r.samples.cost if r.samples.cost is not None else float(r.cost.amount)
    return Distribution.from_samples(effort), Samples(effort, cost), warnings


#: Planned FTE may exceed a limit by this much before it counts as over-allocation.
OVER_ALLOCATION_TOLERANCE = Decimal("0.005")


def month_share(row: StaffingRow, month: Period) -> Decimal:
    """The FTE ``row`` contributes to ``month``, weighted by the days they share (a weekly row
    of 1 FTE adds 7/31 to a 31-day month)."""
    shared = month.clip(row.period.start, row.period.last)
    if shared is None:
        return Decimal(0)
    return row.fte * Decimal(shared.length) / Decimal(month.length)


def monthly_load(
    rows: Iterable[StaffingRow], key: Callable[[StaffingRow], str | None]
) -> dict[tuple[str, str], tuple[Decimal, set[str]]]:
    """Planned FTE per (key, month label) and the components it comes from."""
    load: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    parts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        name = key(row)
        if name is None or row.status != "planned":
            continue
        for calendar_month in row.period.months():
            k = (name, calendar_month.label)
            load[k] += month_share(row, calendar_month)
            parts[k].add(row.component)
    return {k: (fte, parts[k]) for k, fte in load.items()}


def over_allocation(
    rows: Iterable[StaffingRow], capacity: Mapping[str, Decimal] | None = None
) -> list[str]:
    """Warnings for each person over 1 FTE in a month across components, and each role of
    ``capacity`` (role -> FTE the firm has) planned beyond it."""
    rows = list(rows)
    out = []
    for (person, month), (fte, comps) in sorted(monthly_load(rows, lambda r: r.person).items()):
        if fte > 1 + OVER_ALLOCATION_TOLERANCE:
            out.append(
                f"{person} is over-allocated in {month}: {fte.quantize(Decimal('0.01'))} FTE "
                f"across {', '.join(sorted(comps))}"
            )
    capacity = capacity or {}
    by_role = monthly_load(rows, lambda r: r.role if r.role in capacity else None)
    for (role, month), (fte, comps) in sorted(by_role.items()):
        if fte > capacity[role] + OVER_ALLOCATION_TOLERANCE:
            out.append(
                f"role {role} is over-allocated in {month}: {fte.quantize(Decimal('0.01'))} FTE "
                f"planned across {', '.join(sorted(comps))}, capacity {capacity[role]}"
            )
    return out
