"""The reference page cannot drift from the code: its example loads, its keys exist."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal

import attrs

import engagekit
from engagekit_fixed_price.settings import (
    ChangeRequest,
    Payment,
    Phase,
    Settings,
    TeamMember,
    WorkItem,
)
from tests.conftest import EXAMPLES, ROOT

DOC = ROOT / "docs" / "models" / "fixed-price.md"
HEADER = """
[project]
name = "doc"
currency = "EUR"

[rate_card]
rates = [{ role = "lead", bill = 120, cost = 70 }, { role = "developer", bill = 95, cost = 55 }]
"""


def test_the_full_example_of_the_reference_loads_and_estimates():
    block = re.search(r"```toml\n(.*?)```", DOC.read_text(), re.S)
    assert block is not None
    data = tomllib.loads(HEADER + block.group(1), parse_float=Decimal)
    engine = engagekit.create_engine()
    project = engine.project_from_dict(data, base_dir=EXAMPLES)
    est = engine.estimate(project, seed=1, trials=500)
    assert est.components[0].price.amount > 0


def test_every_settings_key_is_documented():
    text = DOC.read_text()
    for cls in (Settings, Phase, WorkItem, Payment, ChangeRequest, TeamMember):
        for field in attrs.fields(cls):
            assert f"`{field.name}`" in text, f"{cls.__name__}.{field.name} is not documented"
