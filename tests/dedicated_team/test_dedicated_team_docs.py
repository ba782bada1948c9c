"""docs/models/dedicated-team.md documents every settings key, metric and table column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

import engagekit
from engagekit_dedicated_team.settings import ClientChange, Member, Position, RampStep, Settings
from tests.conftest import EXAMPLES, ROOT

DOC = (ROOT / "docs" / "models" / "dedicated-team.md").read_text()


@pytest.mark.parametrize("cls", [Settings, Position, Member, RampStep, ClientChange])
def test_every_settings_key_is_documented(cls):
    for field in attrs.fields(cls):
        assert f"| `{field.name}` |" in DOC, f"{cls.__name__}.{field.name} is not documented"


def test_every_metric_table_and_detail_key_is_documented():
    engine = engagekit.create_engine(strict=True, disable=())
    project = engine.load_project(EXAMPLES / "dedicated-team.toml")
    team = project.components[0]
    measure = engine.measure_component(project, team, None)  # to as_of: every table has rows
    for key in measure.metrics:
        assert f"`{key}`" in DOC, f"metric {key} is not documented"
    for name, rows in measure.tables.items():
        assert f"`{name}`" in DOC
        for column in rows[0]:
            assert f"`{column}`" in DOC, f"column {name}.{column} is not documented"
    est = engine.estimate_component(project, team, engagekit.EstimateOptions(seed=1, trials=50))
    keys = set(est.details) | set(est.details["months"][0]) | set(est.details["expected"])
    keys |= set(est.details["run_rate"]) | set(est.details["roles"][0])
    staff = engine.staff_component(project, team)
    keys |= set(staff.details) | set(staff.details["months"][0])
    keys |= set(staff.details["open_positions"][0]) | set(staff.details["changes"][0])
    for key in keys:
        assert f"`{key}`" in DOC, f"detail {key} is not documented"


def test_the_docs_proration_example_holds():
    from engagekit_dedicated_team.proration import month_days, prorate

    cal = engagekit.Calendar.preset("8x5", country="DE")
    days = month_days(cal, engagekit.Period.parse("2026-05"))
    money = engagekit.Money(Decimal("10000.00"), "EUR")
    assert prorate(money, days, date(2026, 5, 17), date(2026, 5, 31))[0].amount == Decimal(
        "4999.96"
    )
    assert "4,999.96" in DOC and "5,000.04" in DOC
