"""The hook contract on the example, the model seen by engines, and light imports."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import engagekit
import engagekit_time_material
from engagekit.testing import ModelContract

from .conftest import DATA

EXAMPLES = DATA.parents[2] / "examples"


class TestTimeMaterialExample(ModelContract):
    model = "time-material"
    project_file = EXAMPLES / "time-material.toml"
    period = "2026-03"


def test_hooks_survive_importing_every_module():
    for info in pkgutil.iter_modules(engagekit_time_material.__path__):
        importlib.import_module(f"engagekit_time_material.{info.name}")
    engine = engagekit.create_engine(strict=True, disable=())
    assert engine.models["time-material"].plugin == "time-material"
    for hook in ("bill", "estimate", "staff", "measure_service", "register_models"):
        assert callable(getattr(engagekit_time_material, hook))


def test_importing_the_plugin_does_not_import_polars_or_numpy():
    code = (
        "import sys, engagekit_time_material; "
        "print(sorted(m for m in ('polars', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
