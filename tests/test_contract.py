"""Every registered model keeps the hook contract on its bundled example project."""

from __future__ import annotations

import pytest

import engagekit
from engagekit.testing import check_failures, check_model
from tests.conftest import EXAMPLES

ENGINE = engagekit.create_engine(strict=True, disable=())
BUILTIN = ("fixed-price", "time-material", "dedicated-team", "sla")


@pytest.mark.parametrize("model", BUILTIN)
def test_builtin_model_keeps_the_contract(model):
    path = EXAMPLES / f"{model}.toml"
    assert path.exists(), f"examples/{model}.toml is missing"
    engine = engagekit.create_engine(strict=True, disable=())
    project = engine.load_project(path)
    check_model(engine, project, model)


@pytest.mark.parametrize("model", BUILTIN)
def test_builtin_model_has_valid_example_settings(model, tmp_path):
    spec = ENGINE.models[model]
    assert spec.example is not None, f"{model} gives no example settings for engage init"
    project = ENGINE.project_from_dict(
        {
            "project": {"name": "x", "currency": "EUR"},
            "components": [
                {
                    "name": "c",
                    "model": model,
                    "start": "2026-01-01",
                    "end": "2026-12-31",
                    "settings": spec.example,
                }
            ],
        },
        base_dir=tmp_path,
    )
    assert isinstance(project.components[0].settings, spec.settings)


@pytest.mark.parametrize("model", BUILTIN)
def test_builtin_model_fails_well_on_broken_input(model, tmp_path):
    engine = engagekit.create_engine(strict=True, disable=())
    path = EXAMPLES / f"{model}.toml"
    project = engine.load_project(path)
    period = engagekit.Period.of_month(project.components[0].start)
    check_failures(engine, path, model, period, tmp_path)
