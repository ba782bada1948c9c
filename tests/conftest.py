"""Shared fixtures: fake installed plugin distributions, the CLI runner, the repo's paths."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app

# CI shares two cores with other work: a slow example is not a failing one.
settings.register_profile(
    "engagekit", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("engagekit")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Install a fake plugin distribution: a module plus a .dist-info with an entry point.

    ``install_plugin("engagekit-foo", "foo", "engagekit_foo", source)`` makes
    ``importlib.metadata`` see distribution engagekit-foo with entry point foo, exactly as pip
    would have. Returns the folder to put on PYTHONPATH for subprocesses.
    """
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    monkeypatch.syspath_prepend(str(site))

    def install(dist: str, entry: str, module: str, source: str, version: str = "1.0") -> Path:
        (site / f"{module}.py").write_text(textwrap.dedent(source))
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[engagekit]\n{entry} = {module}\n")
        sys.modules.pop(module, None)
        return site

    return install


@pytest.fixture
def cli() -> Callable[..., object]:
    """Run ``engage`` in-process with a fresh engine: ``cli("models", "--json")``."""
    runner = CliRunner()

    def run(*args: str, engine: engagekit.Engine | None = None) -> object:
        app = build_app(engine or engagekit.create_engine())
        return runner.invoke(app, list(args))

    return run
