"""Signals: Ctrl-C while `engage` starts, SIGTERM/SIGHUP during an ``-o`` write, and the
temporary files SIGKILL leaves behind.

Each signal is raised from inside the process at a chosen point (an import, the ``fsync`` of
the write), so the tests hit the window they mean on any machine, loaded or not.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ..conftest import EXAMPLES

PROJECT = EXAMPLES / "fixed-price.toml"


def engage(
    prelude: str, *args: str, cwd: Path, cache: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``engage ARGS`` in a fresh interpreter after ``prelude`` (which arms a signal); with
    ``cache``, engagekit's caches in that folder."""
    code = textwrap.dedent(prelude) + textwrap.dedent(
        f"""
        from engagekit.launch import main
        main({list(args)!r})
        """
    )
    env = {**os.environ, "CI": "1"}
    if cache is not None:
        env["ENGAGEKIT_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def on_import(module: str, signum: int) -> str:
    return f"""
    import os, sys
    class Trip:
        def find_spec(self, name, path=None, target=None):
            if name == {module!r}:
                sys.meta_path.remove(self)
                os.kill(os.getpid(), {int(signum)})
            return None
    sys.meta_path.insert(0, Trip())
    """


# From the first heavy import to the command's own work: the start-up of `engage`, through the
# CLI (`--max-errors` keeps `validate` from the launcher's quick path, which imports no typer)
# and without it.
@pytest.mark.parametrize(
    ("module", "options"),
    [
        ("typer", ["--max-errors", "5"]),
        ("typer._click.core", ["--max-errors", "5"]),
        ("engagekit.engine", ["--max-errors", "5"]),
        ("engagekit.engine", []),
        ("pluggy", []),
        ("engagekit_fixed_price", []),
        ("tomllib", []),
        ("engagekit.tomlmap", ["--max-errors", "5"]),
        ("engagekit.tomlmap", []),
    ],
)
def test_ctrl_c_during_start_up_exits_130_quietly(
    tmp_path: Path, module: str, options: list[str]
) -> None:
    # a first run (its caches empty): the project file is parsed, so tomllib is imported
    prelude = on_import(module, signal.SIGINT)
    args = [*options, "validate", str(PROJECT)]
    result = engage(prelude, *args, cwd=tmp_path, cache=tmp_path / "cache")
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_importing_the_launcher_makes_ctrl_c_quiet_before_anything_else_is_imported() -> None:
    # The console-script wrapper imports engagekit.launch first thing: whatever that import
    # loads before the handler is in place is a window in which Ctrl-C prints a traceback.
    code = """
    import signal, sys
    before = set(sys.modules)
    import engagekit.launch
    print(sorted(set(sys.modules) - before))
    print(signal.getsignal(signal.SIGINT) is engagekit.launch._exit_now)
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )
    assert result.stdout.splitlines() == [
        "['engagekit', 'engagekit._version', 'engagekit.launch']",
        "True",
    ], result.stderr


def installed_script() -> str:
    """The ``engage`` wrapper the installer generated in this environment."""
    script = shutil.which("engage", path=str(Path(sys.executable).parent))
    assert script, "no engage console script next to the interpreter"
    return script


def test_ctrl_c_in_the_console_script_wrapper_after_the_import_exits_130_quietly(
    tmp_path: Path,
) -> None:
    # pip's wrapper rewrites argv[0] with re.sub between importing main and calling it.
    prelude = f"""
    import os, re, sys
    _sub = re.sub
    def sub(*args, **kwargs):
        if "engagekit.launch" in sys.modules:
            os.kill(os.getpid(), {int(signal.SIGINT)})
        return _sub(*args, **kwargs)
    re.sub = sub
    """
    script = installed_script()
    code = textwrap.dedent(prelude) + (
        "import runpy\n"
        f"sys.argv = [{script!r}, 'validate', {str(PROJECT)!r}]\n"
        f"runpy.run_path({script!r}, run_name='__main__')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_ctrl_c_while_the_interpreter_shuts_down_keeps_the_output_and_exits_130(
    tmp_path: Path,
) -> None:
    at_exit = f"""
    import atexit, os
    atexit.register(lambda: os.kill(os.getpid(), {int(signal.SIGINT)}))
    """
    done = engage(at_exit, "validate", str(PROJECT), cwd=tmp_path)
    plain = engage("", "validate", str(PROJECT), cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.stdout == plain.stdout != ""


def on_fsync(signum: int) -> str:
    return f"""
    import os
    def fsync(fd):
        os.kill(os.getpid(), {int(signum)})
    os.fsync = fsync
    """


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_during_a_write_remove_the_temporary_file(
    tmp_path: Path, signum: int, code: int
) -> None:
    (tmp_path / "out.json").write_text("old")
    result = engage(
        on_fsync(signum), "estimate", str(PROJECT), "--json", "-o", "out.json", cwd=tmp_path
    )
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    assert (tmp_path / "out.json").read_text() == "old"


def test_after_sigkill_the_next_write_removes_the_stale_temporary_file(tmp_path: Path) -> None:
    hang = """
    import os, time
    def fsync(fd):
        print("writing", flush=True)
        time.sleep(60)
    os.fsync = fsync
    """
    code = textwrap.dedent(hang) + (
        f"from engagekit.launch import main\nmain(['estimate', {str(PROJECT)!r}, '--json', '-o', 'out.json'])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    proc.kill()
    proc.wait()
    (stale,) = tmp_path.iterdir()
    assert stale.name.startswith(".out.json.") and stale.name.endswith(".tmp")
    old = time.time() - 120
    os.utime(stale, (old, old))
    fresh = tmp_path / ".out.json.abcd1234.tmp"  # another write in progress: not touched
    fresh.write_text("")
    other = tmp_path / ".other.json.abcd1234.tmp"  # another target's: not touched
    other.write_text("")
    os.utime(other, (old, old))

    result = engage("", "estimate", str(PROJECT), "--json", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"removed {stale}" in result.stderr or f"removed {stale.name}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.json", fresh.name, other.name]
    )


# The .pth the wheel installs (core/engagekit_sigint.pth): it runs while `site` starts, before
# the console-script wrapper and any of engagekit, in every interpreter of the environment.
PTH = Path(__file__).resolve().parents[2] / "core" / "engagekit_sigint.pth"


def with_pth(argv0: str, after: str, *, ignored: bool = False) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter that processes the .pth as ``site`` does (``site.addpackage``) with
    ``sys.argv[0] == argv0``, then runs ``after``. SIGINT starts with Python's default handler
    (or ignored, as in a background job), whatever this test process inherited."""
    code = textwrap.dedent(
        f"""
        import os, signal, site, sys
        signal.signal(signal.SIGINT, signal.{"SIG_IGN" if ignored else "default_int_handler"})
        sys.argv[0] = {argv0!r}
        site.addpackage({str(PTH.parent)!r}, {PTH.name!r}, set())
        """
    ) + textwrap.dedent(after)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("argv0", ["/venv/bin/engage", "engage", "engage.exe"])
def test_the_pth_gives_engage_the_default_sigint_before_anything_is_imported(argv0: str) -> None:
    result = with_pth(
        argv0, "import signal; print(signal.getsignal(signal.SIGINT) == signal.SIG_DFL)"
    )
    assert result.stdout == "True\n", result.stderr


@pytest.mark.parametrize("argv0", ["-c", "/venv/bin/python", "/venv/bin/engage-ish", "pytest"])
def test_the_pth_leaves_every_other_interpreter_as_it_was(argv0: str) -> None:
    result = with_pth(
        argv0,
        """
        import signal
        print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
        print(sorted(m for m in ("re", "engagekit") if m in sys.modules))
        """,
    )
    assert result.stdout.splitlines() == ["True", "[]"], result.stderr


def test_the_pth_keeps_an_ignored_sigint_ignored() -> None:
    # A background job (`engage ... &` in a script) starts with SIGINT ignored: not ours to undo.
    result = with_pth(
        "/venv/bin/engage",
        "import signal; print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)",
        ignored=True,
    )
    assert result.stdout == "True\n", result.stderr


def test_ctrl_c_in_the_wrapper_before_engagekit_is_imported_ends_engage_quietly() -> None:
    # The window the .pth closes: the wrapper's `import re`, before engagekit.launch exists.
    script = installed_script()
    result = with_pth(
        script,
        f"""
        class Trip:
            def find_spec(self, name, path=None, target=None):
                if name == "re":
                    os.kill(os.getpid(), {int(signal.SIGINT)})
                return None
        sys.meta_path.insert(0, Trip())
        sys.modules.pop("re", None)
        sys.argv[1:] = ["validate", {str(PROJECT)!r}]
        import runpy
        runpy.run_path({script!r}, run_name="__main__")
        """,
    )
    assert result.returncode == -signal.SIGINT, result.stderr  # a shell reports 130
    assert result.stderr == "" and result.stdout == ""


def test_the_wheel_installs_the_pth_under_a_name_that_sorts_first() -> None:
    import tomllib

    table = tomllib.loads((PTH.parents[1] / "pyproject.toml").read_text())
    forced = table["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert forced == {"core/engagekit_sigint.pth": "00-engagekit-sigint.pth"}
    # site processes .pth files in sorted order: ahead of virtualenv's, setuptools' and
    # hatchling's own editable ones, and of anything named with a letter.
    names = ["_virtualenv.pth", "__editable__.x.pth", "_editable_impl_x.pth", "a.pth", "Z.pth"]
    assert sorted([*names, "00-engagekit-sigint.pth"])[0] == "00-engagekit-sigint.pth"
    line = [ln for ln in PTH.read_text().splitlines() if not ln.startswith("#")]
    assert len(line) == 1 and line[0].startswith("import ")  # site runs only `import` lines


def test_the_installed_pth_is_this_checkout_s() -> None:
    from importlib import metadata

    files = metadata.files("engagekit") or []
    installed = [f for f in files if f.name == "00-engagekit-sigint.pth"]
    if not installed:
        pytest.skip("engagekit installed before the .pth existed: pip install -e . again")
    assert Path(str(installed[0].locate())).read_text() == PTH.read_text()
