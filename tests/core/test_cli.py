"""The engage CLI: listing, init/validate, exit codes, and resilience to broken plugins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engagekit


def test_version_lists_plugins(cli):
    result = cli("--version")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("engagekit ")
    assert "time-material" in result.output


def test_models_json_has_the_documented_keys(cli):
    result = cli("models", "--json")
    assert result.exit_code == 0, result.output
    models = json.loads(result.stdout)
    assert {m["name"] for m in models} >= {"fixed-price", "time-material", "dedicated-team", "sla"}
    assert all(set(m) == {"name", "summary", "plugin", "version"} for m in models)


def test_plugins_json_has_the_documented_keys(cli):
    result = cli("plugins", "--json")
    assert result.exit_code == 0, result.output
    for p in json.loads(result.stdout):
        assert {"name", "distribution", "version", "status", "error", "hooks"} <= set(p)
        assert p["status"] in ("ok", "failed", "blocked")


@pytest.mark.parametrize(
    "models",
    [
        ["fixed-price"],
        ["time-material"],
        ["dedicated-team"],
        ["sla"],
        ["fixed-price", "time-material", "sla"],
    ],
)
def test_init_writes_a_starter_that_validates(cli, tmp_path, models):
    path = tmp_path / "p.toml"
    args = ["init", str(path)]
    for m in models:
        args += ["--model", m]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text.startswith("# An engagekit project")
    result = cli("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_init_refuses_to_overwrite(cli, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("keep me")
    result = cli("init", str(path))
    assert result.exit_code == 1
    assert "--force" in result.output
    assert path.read_text() == "keep me"


def test_init_with_an_unknown_model(cli, tmp_path):
    result = cli("init", str(tmp_path / "p.toml"), "--model", "fixed-prize")
    assert result.exit_code == 1
    assert "did you mean 'fixed-price'" in result.output
    assert not (tmp_path / "p.toml").exists()


def test_input_errors_exit_1_without_traceback(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[project]\nname = "x"\ncurrency = "EUR"\n[[components]]\nname = 1\n')
    result = cli("validate", str(bad))
    assert result.exit_code == 1
    assert "bad.toml:5, components[0].name: expected a string" in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_1(cli, tmp_path):
    result = cli("estimate", str(tmp_path / "none.toml"))
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_bad_period_exits_1(cli, tmp_path):
    result = cli("bill", str(tmp_path / "x.toml"), "--period", "March")
    assert result.exit_code == 1
    assert "'March' is not a period" in result.output


def test_usage_errors_exit_2(cli):
    assert cli("estimate").exit_code == 2
    assert cli("models", "--jsn").exit_code == 2
    assert cli("no-such-command").exit_code == 2


def _engage(args, env_extra=None, pythonpath=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEKIT_")}
    env.update(env_extra or {})
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", "from engagekit.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


BROKEN = "import engagekit\nraise RuntimeError('this plugin is broken')\n"
RAISES = """
import attrs, engagekit
@attrs.frozen
class S:
    pass
@engagekit.hookimpl
def register_models(register):
    register(engagekit.ModelSpec(name="explodes", summary="raises", settings=S))
@engagekit.hookimpl
def estimate(project, component, options):
    if component.model == "explodes":
        raise ZeroDivisionError("division by zero in my model")
"""


def test_with_a_broken_plugin_help_plugins_and_models_still_work(install_plugin):
    site = install_plugin("engagekit-broken", "broken", "engagekit_broken", BROKEN)
    help_ = _engage(["--help"], pythonpath=site)
    assert help_.returncode == 0 and "Commands" in help_.stdout
    assert "plugin 'broken' (engagekit-broken 1.0) was skipped" in help_.stderr
    plugins = _engage(["plugins", "--json"], pythonpath=site)
    assert plugins.returncode == 0, plugins.stderr
    broken = next(p for p in json.loads(plugins.stdout) if p["name"] == "broken")
    assert broken["status"] == "failed" and "this plugin is broken" in broken["error"]
    models = _engage(["models"], pythonpath=site)
    assert models.returncode == 0 and "time-material" in models.stdout
    strict = _engage(["models"], {"ENGAGEKIT_STRICT_PLUGINS": "1"}, pythonpath=site)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert "this plugin is broken" in strict.stderr


def test_a_plugin_raising_in_a_hook_exits_1_naming_it(install_plugin, tmp_path):
    site = install_plugin("engagekit-explodes", "explodes", "engagekit_explodes", RAISES)
    project = tmp_path / "p.toml"
    project.write_text(
        '[project]\nname = "x"\ncurrency = "EUR"\n[[components]]\nname = "c"\nmodel = "explodes"\n'
        "start = 2026-01-01\nend = 2026-01-31\n"
    )
    result = _engage(["estimate", str(project)], pythonpath=site)
    assert result.returncode == 1
    assert "plugin 'explodes' raised ZeroDivisionError in hook 'estimate'" in result.stderr
    assert "Traceback" not in result.stderr
    debug = _engage(["--debug", "estimate", str(project)], pythonpath=site)
    assert "Traceback" in debug.stderr


def test_output_file_is_written_atomically(cli, tmp_path):
    out = tmp_path / "models.txt"
    result = cli("plugins", "--json")
    assert result.exit_code == 0
    # A failing command leaves an existing output file untouched.
    out.write_text("previous")
    result = cli("estimate", str(tmp_path / "none.toml"), "-o", str(out))
    assert result.exit_code == 1 and out.read_text() == "previous"
    assert not [p for p in Path(tmp_path).iterdir() if p.name.startswith(".models")]


class ImporterCommand:
    """A plugin adding a command, as an importer for one tool's export would."""

    @engagekit.hookimpl
    def register_commands(self, app, engine):
        @app.command("import-hours")
        def import_hours(path: str) -> None:
            """Import hours from AcmeTime."""
            if not path.endswith(".csv"):
                raise engagekit.InputError("not a CSV export", where=path)
            print(f"imported {path} with {len(engine.models)} models known")


class BrokenCommand:
    @engagekit.hookimpl
    def register_commands(self, app):
        raise RuntimeError("cannot add my command")


def test_plugins_add_commands_and_a_broken_one_is_named():
    from typer.testing import CliRunner

    from engagekit.cli import build_app

    engine = engagekit.create_engine(
        plugins=[("importer", ImporterCommand()), ("broken", BrokenCommand())]
    )
    runner = CliRunner()
    app = build_app(engine)
    result = runner.invoke(app, ["import-hours", "hours.csv"])
    assert result.exit_code == 0, result.output
    assert "imported hours.csv with 4 models known" in result.output
    result = runner.invoke(app, ["import-hours", "hours.xlsx"])
    assert result.exit_code == 1 and "hours.xlsx: not a CSV export" in result.output
    assert "Traceback" not in result.output
    assert "import-hours" in runner.invoke(app, ["--help"]).output


def test_a_broken_command_plugin_is_named_and_the_cli_still_works(capsys):
    from engagekit.cli import build_app

    engine = engagekit.create_engine(plugins=[("broken", BrokenCommand())])
    build_app(engine)
    err = capsys.readouterr().err
    assert "plugin 'broken' failed to add its commands: RuntimeError: cannot add my command" in err
