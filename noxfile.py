"""Sessions: tests, lint, typecheck, docs and plugin run by default (`nox`); bench and report on demand."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs", "plugin"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
EXAMPLE_PLUGINS = [
    "docs/examples/engagekit-retainer",
    "docs/examples/engagekit-capped-tm",
    "docs/examples/engagekit-xero",
]


def _example_plugins() -> list[str]:
    return [p for p in EXAMPLE_PLUGINS if (ROOT / p / "pyproject.toml").exists()]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite against an installed (not editable) engagekit."""
    session.install(".[test]")
    session.run("pytest", "-q", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", "core", "plugins", "tests", "benchmarks", "examples", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy, strict on the core."""
    session.install(".[test]", "mypy>=1.10")
    session.run("mypy", "core/engagekit")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation, strict: broken links and missing pages fail."""
    session.install(".", "mkdocs>=1.6")
    session.run("python", "-m", "engagekit.hookdoc", silent=True)
    session.run(
        "mkdocs", "build", "--strict", "--site-dir", str(Path(session.create_tmp()) / "site")
    )


@nox.session(python=PYTHON)
def plugin(session: nox.Session) -> None:
    """Build the example third-party plugins, pip-install them into a fresh environment with
    engagekit, and use them through the `engage` CLI and their own tests."""
    session.install(".[test]")
    dist = Path(session.create_tmp()) / "dist"
    for path in _example_plugins():
        session.run("pip", "wheel", "--no-deps", "--wheel-dir", str(dist), path, silent=True)
    session.install("--no-deps", *map(str, sorted(dist.glob("*.whl"))))
    models = session.run("engage", "models", "--json", silent=True)
    if '"retainer"' not in str(models):
        session.error("the retainer plugin is not listed by `engage models`")
    session.run(
        "engage",
        "bill",
        "docs/examples/engagekit-retainer/example/retainer.toml",
        "--period",
        "2026-03",
    )
    # The exporter plugin: listed by `invoices export --help`, then used on a copy of the
    # bundled workspace (issued there, so the repository's examples keep no database).
    formats = session.run("engage", "invoices", "export", "--help", silent=True)
    if "xero" not in str(formats):
        session.error("the xero exporter is not listed by `engage invoices export --help`")
    tmp = Path(session.create_tmp())
    workspace = tmp / "workspace"
    shutil.rmtree(workspace, ignore_errors=True)
    shutil.copytree(ROOT / "examples", workspace, ignore=shutil.ignore_patterns(".engage"))
    session.run("engage", "issue", "--all", "--period", "2026-03", "--workspace", str(workspace))
    csv_file = tmp / "march-xero.csv"
    session.run(
        "engage",
        "invoices",
        "export",
        "--all",
        "--period",
        "2026-03",
        "--format",
        "xero",
        "-o",
        str(csv_file),
        "--workspace",
        str(workspace),
    )
    if "*InvoiceNumber" not in csv_file.read_text(encoding="utf-8"):
        session.error(f"{csv_file} is not a Xero import")
    for path in _example_plugins():
        session.run("pytest", "-q", "-p", "no:cacheprovider", f"{path}/tests")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """The benchmark gate: engagekit against independent floors in paired, interleaved runs
    (benchmarks/gate.py); `nox -s bench -- --quick sla` runs the small sizes of one."""
    session.install(".[test,bench]")
    session.run(
        "python",
        "benchmarks/run.py",
        *session.posargs,
        env={"PYTHONHASHSEED": "0", **({"CI": os.environ["CI"]} if "CI" in os.environ else {})},
    )


@nox.session(python=PYTHON)
def report(session: nox.Session) -> None:
    """Render examples/hybrid.toml's HTML report and screenshot it in headless Chromium."""
    session.install(".")
    out = Path(session.create_tmp())
    session.run("engage", "report", "examples/hybrid.toml", "-o", str(out / "report.html"))
    session.run(
        "python",
        "tools/render_report.py",
        str(out / "report.html"),
        str(ROOT / "benchmarks" / "results" / "report.png"),
    )
