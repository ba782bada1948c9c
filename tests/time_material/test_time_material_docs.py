"""The reference page cannot drift from the code: its example loads and bills, its keys exist."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal

import attrs

import engagekit
from engagekit_time_material.settings import Cap, Forecast, Overtime, Rounding, Settings, TeamSlot

from .conftest import DATA

ROOT = DATA.parents[2]
DOC = ROOT / "docs" / "models" / "time-material.md"
HEADER = """
[project]
name = "doc"
currency = "EUR"

[calendar]
timezone = "Europe/Berlin"
country = "DE"

[rate_card]
overtime = 1.5
"""


def test_the_full_example_loads_bills_and_estimates():
    text = DOC.read_text()
    block = re.search(r"## A full example.*?```toml\n(.*?)```", text, re.S)
    assert block is not None
    data = tomllib.loads(HEADER + block.group(1), parse_float=Decimal)
    engine = engagekit.create_engine()
    project = engine.project_from_dict(data, base_dir=ROOT / "examples")
    bill = engine.bill(project, engagekit.Period.parse("2026-03"))
    assert bill.invoices[0].total.amount > 0
    est = engine.estimate(project, seed=1, trials=300)
    assert est.components[0].details["completion"]["p85"]


def test_every_settings_key_is_documented():
    text = DOC.read_text()
    for f in attrs.fields(Settings):
        assert f"`{f.name}`" in text or f"`{f.name}." in text, f.name
    for prefix, cls in (
        ("rounding", Rounding),
        ("overtime", Overtime),
        ("cap", Cap),
        ("forecast", Forecast),
    ):
        for f in attrs.fields(cls):
            assert f"`{prefix}.{f.name}`" in text, f"{prefix}.{f.name}"
    for f in attrs.fields(TeamSlot):
        assert f"`{f.name}`" in text, f.name


def test_every_metric_of_the_example_is_documented(cli):
    import json

    text = DOC.read_text()
    doc = json.loads(cli("measure", ROOT / "examples" / "time-material.toml", "--json").output)
    for key in doc["components"][0]["metrics"]:
        assert f"`{key}`" in text, key
