"""The hook contract on both examples, and the plugin seen by engines built at any time."""

from __future__ import annotations

import importlib
import pkgutil

import engagekit
import engagekit_dedicated_team
from engagekit.testing import ModelContract
from tests.conftest import EXAMPLES


class TestTmExample(ModelContract):
    model = "dedicated-team"
    project_file = EXAMPLES / "dedicated-team.toml"
    period = "2026-10"


class TestCostPlusExample(ModelContract):
    model = "dedicated-team"
    project_file = EXAMPLES / "dedicated-team-cost-plus.toml"
    period = "2026-05"


def test_hooks_survive_importing_every_module():
    # A submodule named like a hook would replace the hook function on the package.
    for info in pkgutil.iter_modules(engagekit_dedicated_team.__path__):
        importlib.import_module(f"engagekit_dedicated_team.{info.name}")
    engine = engagekit.create_engine(strict=True, disable=())
    info = next(p for p in engine.plugins if p.name == "dedicated-team")
    assert set(info.hooks) >= {"estimate", "bill", "staff", "measure_service"}


def test_no_heavy_import_at_registration():
    import subprocess
    import sys

    code = (
        "import sys, engagekit_dedicated_team; "
        "print(any(m in sys.modules for m in ('numpy', 'polars')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
