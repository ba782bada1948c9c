"""Contract 2.1 renames ``measure_service`` to ``measure``: the old name still works, warns
through pluggy's ``warn_on_impl`` at the plugin's function, is listed by ``engage plugins``
and in the hook reference; the new name warns about nothing."""

from __future__ import annotations

import inspect
import json
import warnings
from datetime import date

import attrs
import pytest

import engagekit
from engagekit import hookspecs
from engagekit.cli import build_app
from engagekit.hookdoc import render
from engagekit.listing import plugins_doc


@attrs.frozen
class Empty:
    pass


class _Model:
    """A model answering every hook but the measure, which its subclasses add."""

    name = "gauge"

    @engagekit.hookimpl
    def register_models(self, register):  # type: ignore[no-untyped-def]
        register(engagekit.ModelSpec(self.name, "a model for the deprecation tests", Empty))

    @engagekit.hookimpl
    def estimate(self, project, component):  # type: ignore[no-untyped-def]
        return engagekit.ComponentEstimate(
            component.name, self.name, project.money(0), project.money(0)
        )

    @engagekit.hookimpl
    def bill(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ComponentBill(component.name, self.name, ())

    @engagekit.hookimpl
    def staff(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ComponentStaffing(component.name, self.name, ())


class OldStyle(_Model):
    @engagekit.hookimpl
    def measure_service(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ServiceMeasure(component.name, self.name, {"answered_by": "old"})


class NewStyle(_Model):
    @engagekit.hookimpl
    def measure(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ServiceMeasure(component.name, self.name, {"answered_by": "new"})


class Both(OldStyle, NewStyle):
    """Moving to the new name while still running on contract 2.0 engines."""


def _engine(plugin: object) -> engagekit.Engine:
    return engagekit.create_engine(plugins=[plugin], entry_points=False, strict=True)


def _measured_by(engine: engagekit.Engine) -> object:
    project = engagekit.Project(
        name="p",
        currency="EUR",
        components=(
            engagekit.Component("c", "gauge", date(2026, 3, 1), date(2026, 3, 31), Empty()),
        ),
    )
    return engine.measure_component(project, project.components[0]).metrics["answered_by"]


def test_an_old_style_measure_warns_at_its_function_and_still_answers():
    with pytest.warns(
        engagekit.ContractDeprecationWarning, match="rename the function to 'measure'"
    ) as caught:
        engine = _engine(OldStyle())
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    # pointed at the plugin's code, where the author has to change it
    code = OldStyle.measure_service.__code__
    assert (warning.filename, warning.lineno) == (code.co_filename, code.co_firstlineno)
    assert "removed in 3.0" in str(warning.message)
    assert _measured_by(engine) == "old"
    (info,) = [p for p in engine.plugins if p.models == ("gauge",)]
    assert len(info.deprecations) == 1 and "'measure_service' is deprecated" in info.deprecations[0]
    assert info.deprecations[0].startswith(f"{code.co_filename}:{code.co_firstlineno}: ")


@pytest.mark.parametrize("plugin", [NewStyle(), Both()], ids=["new", "both"])
def test_the_new_name_answers_and_only_the_old_name_warns(plugin):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine = _engine(plugin)
    deprecated = [w for w in caught if issubclass(w.category, engagekit.ContractDeprecationWarning)]
    assert len(deprecated) == (1 if isinstance(plugin, Both) else 0)
    assert _measured_by(engine) == "new"  # `measure` wins over the old name


def test_the_built_in_models_use_no_deprecated_hook():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine = engagekit.create_engine(strict=True, disable=())
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert not any(p.deprecations for p in engine.plugins)
    assert all("measure" in p.hooks for p in engine.plugins if p.models)


def test_engage_plugins_lists_the_deprecation(recwarn):
    from typer.testing import CliRunner

    app = build_app(_engine(OldStyle()))
    result = CliRunner().invoke(app, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    (doc,) = [p for p in json.loads(result.stdout) if p["models"] == ["gauge"]]
    assert "'measure_service' is deprecated" in doc["deprecations"][0]
    text = CliRunner().invoke(app, ["plugins"])
    assert "warning: plugin 'OldStyle' uses a deprecated hook:" in text.stderr
    assert "'measure_service' is deprecated" in text.stderr
    assert [p["deprecations"] for p in plugins_doc(_engine(NewStyle())) if p["models"]] == [[]]


def test_the_hook_reference_says_what_is_deprecated_and_until_when():
    text = render()
    section = text.split("## `measure_service`", 1)[1].split("\n## ", 1)[0]
    assert "**Deprecated:**" in section and "removed in 3.0" in section
    assert "rename the function to 'measure'" in text.split("## `register_models`")[0]
    measure = text.split("## `measure`\n", 1)[1].split("\n## ", 1)[0]
    assert "Deprecated" not in measure and "New in contract 2.1" in measure
    old = inspect.signature(hookspecs.measure_service)
    assert old.parameters.keys() == inspect.signature(hookspecs.measure).parameters.keys()


def test_with_warnings_as_errors_an_old_style_plugin_is_refused_by_name():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        engine = engagekit.create_engine(plugins=[OldStyle()], entry_points=False)
    (info,) = [p for p in engine.plugins if p.name != "engagekit" and p.status != "ok"]
    assert "'measure_service' is deprecated" in (info.error or "")
    assert "gauge" not in engine.models
    assert not any(isinstance(p, OldStyle) for p in engine.pm.get_plugins())
