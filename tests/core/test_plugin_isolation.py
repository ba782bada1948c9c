"""A plugin can't take the CLI down: unreadable entry points, exits and interrupts from plugin
code, printing to standard output, wrong return values, a settings module that is not there,
a command that raises; and ENGAGEKIT_DISABLE_PLUGINS=* as the escape hatch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import engagekit
from engagekit.cli import build_app
from tests.conftest import ROOT

MODEL = """
import attrs, engagekit
@attrs.frozen
class S:
    pass
@engagekit.hookimpl
def register_models(register):
    register(engagekit.ModelSpec(name="noisy", summary="a model that misbehaves", settings=S))
"""


def _broken_distribution(site: Path, text: str, name: str = "engagekit-mangled") -> None:
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(text)


def _engage(site: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    import os

    return subprocess.run(
        [sys.executable, "-c", "from engagekit.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(site), **(env or {})},
    )


def test_a_malformed_entry_points_txt_is_named_and_every_command_still_works(tmp_path):
    site = tmp_path / "site"
    _broken_distribution(site, "[engagekit]\nmangled\n")
    _broken_distribution(site, "[console_scripts]\nbroken\n", name="unrelated")
    for args in (["--help"], ["plugins"], ["models", "--json"]):
        out = _engage(site, *args)
        assert out.returncode == 0, out.stderr
        assert "Traceback" not in out.stderr
    out = _engage(site, "plugins")
    assert "engagekit-mangled" in out.stderr and "unreadable entry_points.txt" in out.stderr
    assert "unrelated" not in out.stderr  # not an engagekit plugin: not ours to report
    assert "time-material" in _engage(site, "models").stdout


def _site_with_plugin(install_plugin, body: str) -> Path:
    return install_plugin(
        "engagekit-noisy", "noisy", "engagekit_noisy", MODEL + textwrap.dedent(body)
    )


@pytest.mark.parametrize("escape", ["SystemExit(3)", "KeyboardInterrupt()"])
def test_an_exit_or_interrupt_at_import_is_contained_and_named(install_plugin, escape):
    site = install_plugin("engagekit-noisy", "noisy", "engagekit_noisy", f"raise {escape}\n")
    out = _engage(site, "models")
    assert "noisy" in out.stderr and "Traceback" not in out.stderr
    assert out.returncode == 0 and "a plugin must not end the program" in out.stderr
    assert "time-material" in out.stdout


PROJECT = """
[project]
name = "p"
currency = "EUR"
[[components]]
name = "c"
model = "noisy"
start = 2026-03-01
end = 2026-03-31
"""


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(PROJECT)
    return path


@pytest.mark.parametrize("escape", ["SystemExit(4)", "KeyboardInterrupt()"])
def test_an_exit_or_interrupt_in_a_hook_exits_1_naming_the_plugin(install_plugin, tmp_path, escape):
    site = _site_with_plugin(
        install_plugin,
        f"""
        @engagekit.hookimpl
        def bill(project, component, period):
            raise {escape}
        """,
    )
    out = _engage(site, "bill", str(_project(tmp_path)), "--period", "2026-03")
    assert out.returncode == 1, out
    assert "plugin 'noisy' raised" in out.stderr and "in hook 'bill'" in out.stderr
    assert "Traceback" not in out.stderr


def test_what_a_hook_prints_is_a_warning_and_json_stays_clean(install_plugin, tmp_path, cli):
    _site_with_plugin(
        install_plugin,
        """
        @engagekit.hookimpl
        def bill(project, component, period):
            print("debugging my plugin")
            return engagekit.ComponentBill(component.name, "noisy", ())
        """,
    )
    result = cli("bill", str(_project(tmp_path)), "--period", "2026-03", "--json")
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # nothing but the document
    assert "plugin 'noisy' printed to standard output" in result.stderr
    assert "debugging my plugin" in result.stderr


def test_invoice_adjustments_returning_a_non_list_names_the_plugin(install_plugin, tmp_path):
    _site_with_plugin(
        install_plugin,
        """
        @engagekit.hookimpl
        def bill(project, component, period):
            return engagekit.ComponentBill(component.name, "noisy", ())
        @engagekit.hookimpl
        def invoice_adjustments(engine, project, period, invoice):
            return {"discount": 5}
        """,
    )
    engine = engagekit.create_engine()
    with pytest.raises(engagekit.PluginError, match="plugin 'noisy' broke the contract") as info:
        engine.bill(engine.load_project(_project(tmp_path)), engagekit.Period.parse("2026-03"))
    assert "returned dict" in str(info.value) and info.value.plugin == "noisy"


def test_a_settings_module_that_is_not_there_names_the_plugin(install_plugin, tmp_path, cli):
    install_plugin(
        "engagekit-noisy",
        "noisy",
        "engagekit_noisy",
        """
        import engagekit
        @engagekit.hookimpl
        def register_models(register):
            register(engagekit.ModelSpec(
                name="noisy", summary="lazy", settings="engagekit_noisy_gone.settings:Settings"))
        """,
    )
    result = cli("validate", str(_project(tmp_path)))
    assert result.exit_code == 1
    assert "plugin 'noisy'" in result.stderr and "engagekit_noisy_gone" in result.stderr
    assert "ModuleNotFoundError" in result.stderr and "Traceback" not in result.output


def test_a_plugin_command_raising_value_error_is_named(install_plugin):
    _site_with_plugin(
        install_plugin,
        """
        @engagekit.hookimpl
        def register_commands(app, engine):
            @app.command()
            def explode():
                raise ValueError("no such thing")
        """,
    )
    from typer.testing import CliRunner

    result = CliRunner().invoke(build_app(engagekit.create_engine()), ["explode"])
    assert result.exit_code == 1
    assert "plugin 'noisy': its command failed: ValueError: no such thing" in result.stderr


def test_disable_star_blocks_every_third_party_plugin_and_no_builtin(install_plugin, monkeypatch):
    _site_with_plugin(install_plugin, "")
    monkeypatch.setenv("ENGAGEKIT_DISABLE_PLUGINS", "*")
    engine = engagekit.create_engine()
    status = {p.name: p.status for p in engine.plugins}
    assert status["noisy"] == "blocked" and "noisy" not in engine.models
    assert {"fixed-price", "time-material", "dedicated-team", "sla"} <= set(engine.models)


def test_the_user_guide_documents_the_escape_hatch():
    text = (ROOT / "docs" / "user-guide.md").read_text()
    assert "ENGAGEKIT_DISABLE_PLUGINS=*" in text


def test_a_plugin_for_another_contract_is_refused_naming_both_versions(install_plugin):
    install_plugin(
        "engagekit-old",
        "old",
        "engagekit_old",
        """
        import attrs, engagekit
        @attrs.frozen
        class S:
            pass
        @engagekit.hookimpl
        def register_models(register):
            register(engagekit.ModelSpec(name="old", summary="x", settings=S, contract=">=1,<2"))
        """,
    )
    engine = engagekit.create_engine()
    info = {p.name: p for p in engine.plugins}["old"]
    assert info.status == "failed" and "old" not in engine.models
    assert (
        "contract >=1,<2" in info.error and f"contract {engagekit.CONTRACT_VERSION}" in info.error
    )


def test_a_distribution_requiring_another_engagekit_is_refused(install_plugin):
    site = install_plugin("engagekit-future", "future", "engagekit_future", MODEL)
    metadata = next(site.glob("engagekit_future-*.dist-info")) / "METADATA"
    metadata.write_text(metadata.read_text() + "Requires-Dist: engagekit>=99\n")
    engine = engagekit.create_engine()
    info = {p.name: p for p in engine.plugins}["future"]
    assert info.status == "failed"
    assert "requires engagekit>=99" in info.error and engagekit.__version__ in info.error


def test_version_ranges():
    from engagekit.contract import satisfies

    assert satisfies("2.0", ">=2,<3") and not satisfies("2.0", ">=1,<2")
    assert satisfies("2.1", "~=2.0") and not satisfies("3.0", "~=2.0")
    assert satisfies("2.0.5", "==2.*") and not satisfies("3.1", "==2.*")
    with pytest.raises(ValueError, match="cannot read the version range"):
        satisfies("2.0", "two or more")


def test_the_hook_reference_renders_deprecations():
    from engagekit.hookdoc import deprecations

    lines = deprecations(
        {
            "warn_on_impl": DeprecationWarning("gone in contract 3.0"),
            "warn_on_impl_args": {"engine": DeprecationWarning("use project in contract 3.0")},
        }
    )
    assert lines == [
        "**Deprecated:** gone in contract 3.0\n",
        "**Deprecated argument `engine`:** use project in contract 3.0\n",
    ]
