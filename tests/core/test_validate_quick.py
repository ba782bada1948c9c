"""``engage validate FILE... [--json]`` without the CLI (``engagekit.validation.run``, tried
first by the launcher): the same output, stream for stream, and the same exit code as the
command, which runs instead whenever the plain form does not apply."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engagekit
from engagekit import validation

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

#: Runs ``args`` the way ``engage`` does (the launcher), or through the CLI alone; says on
#: standard error (last line) whether typer was loaded.
LAUNCH = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('TYPER', 'typer' in sys.modules, file=sys.stderr))\n"
    "from engagekit.{module} import main\n"
    "main(sys.argv[1:])\n"
)


def _engage(module: str, args: list[str], pythonpath: Path | None = None, cwd: Path = ROOT):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEKIT_")}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH.format(module=module), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    *err, typer_line = done.stderr.splitlines(keepends=True)
    return done.returncode, done.stdout, "".join(err), typer_line.split()[1] == "True"


def _same(args: list[str], quick: bool = True, **kw) -> tuple[int, str, str]:
    """The launcher's result for ``args``, checked against the CLI's; whether the launcher ran
    it without typer is ``quick``."""
    code, out, err, typer_loaded = _engage("launch", args, **kw)
    cli_code, cli_out, cli_err, _ = _engage("cli", args, **kw)
    assert (code, out, err) == (cli_code, cli_out, cli_err)
    assert typer_loaded is not quick
    return code, out, err


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    (folder / "bad.toml").write_text(
        '[project]\nname = "x"\ncurrency = "EUR"\n[[components]]\nname = "a"\nmodel = "nope"\n'
    )
    (folder / "syntax.toml").write_text("[project\n")
    (folder / "esc\x1b[2Jname.toml").write_text("[project]\nname = 'x\\u001b[31m'\n")
    return folder


def test_a_valid_project_text_and_json():
    code, out, err = _same(["validate", "examples/hybrid.toml"])
    assert code == 0 and out.startswith("examples/hybrid.toml: ok (") and err == ""
    code, out, _ = _same(["validate", "--json", "examples/hybrid.toml", "examples/sla.toml"])
    assert code == 0 and out.startswith("[\n") and out.endswith("]\n")


def test_every_example_kind_project_scope_workspace():
    files = sorted(str(p.relative_to(ROOT)) for p in EXAMPLES.glob("*.toml"))
    code, out, _ = _same(["validate", *files])
    assert code == 0 and "workspace of" in out and "scope " in out


def test_broken_and_missing_files_exit_1_naming_each(broken):
    files = [str(p) for p in sorted(broken.iterdir())] + [str(broken / "missing.toml")]
    code, out, err = _same(["validate", *files])
    assert code == 1 and "no such file" in err and "missing required key" in err
    assert "\x1b" not in out + err  # shown as an escape, as the command shows it
    code, out, _ = _same(["validate", *files, "--json"])
    assert code == 1 and '"ok": false' in out


def test_warnings_are_printed_as_the_command_prints_them(tmp_path):
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    project = folder / "hybrid.toml"
    text = project.read_text()
    assert "cap = { money = 290000" in text
    project.write_text(text.replace("cap = { money = 290000", "cap = { money = 190000"))
    code, _, err = _same(["validate", str(project)])
    assert code == 0 and "145% of the cap" in err
    # --strict is a root option: the command's
    code, _, err = _same(["--strict", "validate", str(project)], quick=False)
    assert code == 1 and "(--strict)" in err


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "--help"],
        ["validate", "-h"],
        ["validate", "--", "examples/hybrid.toml"],
        ["validate", "examples/hybrid.toml", "--bogus"],
        ["validate", "examples/hybrid.toml", "--json=yes"],
        ["validate", ""],
        ["--debug", "validate", "examples/hybrid.toml"],
    ],
)
def test_anything_but_the_plain_form_is_the_commands(args):
    _same(args, quick=False)


PRINTS = """
print("loaded, and talking")
"""

COMMANDS = """
import engagekit

@engagekit.hookimpl
def register_commands(app):
    @app.command("hello")
    def hello() -> None:
        print("hello")
"""

BROKEN = "raise RuntimeError('this plugin is broken')\n"


def test_plugins_printing_failing_or_adding_commands(install_plugin):
    site = install_plugin("engagekit-prints", "prints", "engagekit_prints", PRINTS)
    install_plugin("engagekit-broken", "broken", "engagekit_broken", BROKEN)
    code, _, err = _same(["validate", "examples/hybrid.toml"], pythonpath=site)
    assert code == 0 and "this plugin is broken" in err and "talking" in err
    # a plugin's commands could hold a `validate` of its own: the CLI decides
    install_plugin("engagekit-hello", "hello", "engagekit_hello", COMMANDS)
    code, _, _ = _same(["validate", "examples/hybrid.toml"], quick=False, pythonpath=site)
    assert code == 0


def test_an_error_that_is_not_a_files_own_is_left_to_the_command(monkeypatch, capsys):
    def raises(engine, paths):
        engine.printed.append(("a-plugin", "said something"))  # the command's run says it
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(validation, "validate_files", raises)
    code, engine = validation.run([str(EXAMPLES / "hybrid.toml")])
    assert code is None and engine is not None and engine.printed == []
    assert capsys.readouterr() == ("", "")  # nothing printed: the command starts clean


def test_interrupted_exits_130_as_the_command_does(monkeypatch, capsys):
    def interrupted(engine, paths):
        raise KeyboardInterrupt

    monkeypatch.setattr(validation, "validate_files", interrupted)
    assert validation.run([str(EXAMPLES / "hybrid.toml")]) == (130, None)
    assert capsys.readouterr().err.endswith("error: interrupted\n")


def test_a_closed_pipe_ends_quietly():
    done = subprocess.run(
        f"set -o pipefail; {sys.executable} -c 'from engagekit.launch import main; main()' "
        "validate examples/*.toml | head -c 0",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_the_cli_and_the_quick_path_word_a_file_alike():
    doc = validation.validate_files(engagekit.create_engine(), [EXAMPLES / "hybrid.toml"])
    lines = list(validation.report_lines(doc, False))
    assert lines == [(f"{EXAMPLES / 'hybrid.toml'}: ok ({validation.summary(doc[0])})", False)]
