"""The retainer takes part in ``engage compare`` through the ``propose`` hook."""

from decimal import Decimal
from pathlib import Path

import numpy as np

from engagekit.compare import compare, load_scope

SCOPE = """\
[scope]
name = "Support backlog"
project = "rates.toml"
requirements = "evolving"
change_rate = 10

[window]
earliest_start = 2026-03-02
deadline = 2026-05-29

[[items]]
name = "backlog"
role = "developer"
min = 300
likely = 300
max = 300
"""

RATES = """\
[project]
name = "Rates"
currency = "EUR"

[calendar]
timezone = "UTC"
hours = "8x5"

[rate_card]
rates = [{ role = "developer", bill = 100, cost = 60 }]

[[components]]
name = "unused"
model = "time-material"
start = 2026-01-01
end = 2026-01-31
"""


def test_the_retainer_proposes_and_is_settled_on_the_common_trials(
    engagekit_engine, tmp_path: Path
) -> None:
    (tmp_path / "rates.toml").write_text(RATES)
    (tmp_path / "scope.toml").write_text(SCOPE)
    scope, project = load_scope(tmp_path / "scope.toml", engagekit_engine.models)
    result = compare(
        engagekit_engine, scope, project, trials=50, models=["retainer", "time-material"]
    )
    offers = {r.summary.name: r.summary for r in result.ranking}
    retainer = offers["retainer"]
    (component,) = retainer.components
    assert component.model == "retainer"
    # 300 h over the plan's three months (March to May): 100 h included a month, at 100/h
    # less the 10% commitment discount: a fee of 9,000 a month; no hour above it.
    assert component.settings.included_hours == Decimal(100)
    assert component.settings.monthly_fee == Decimal("9000.00")
    # The plan's team: 300 h over 65 working days of 8 h -> 0.6 FTE (tenths, up), so March and
    # April (22 working days each) work 105.6 h, 5.6 h above the included hours, and May the
    # 88.8 h left: 3 fees of 9,000 plus 11.2 h at 100.
    assert retainer.client_mean.amount == Decimal("28120.00")
    # The firm's cost is the same 300 hours at 60 as under time and material.
    tm = offers["time-material"]
    assert retainer.outcome is not None and tm.outcome is not None
    assert np.array_equal(retainer.outcome.firm_cost, tm.outcome.firm_cost)
    assert retainer.margin_mean.amount == Decimal("10120.00")
