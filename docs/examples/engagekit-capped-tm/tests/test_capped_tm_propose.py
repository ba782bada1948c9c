"""capped-tm takes part in ``engage compare``: the ceiling at the target confidence."""

from pathlib import Path

import numpy as np

from engagekit.compare import compare, load_scope

SCOPE = """\
[scope]
name = "Build"
project = "rates.toml"

[window]
earliest_start = 2026-03-02

[terms]
target_confidence = 80

[[items]]
name = "build"
role = "developer"
min = 100
likely = 200
max = 500
"""

RATES = """\
[project]
name = "Rates"
currency = "EUR"

[rate_card]
rates = [{ role = "developer", bill = 100, cost = 55 }]

[[components]]
name = "unused"
model = "time-material"
start = 2026-01-01
end = 2026-01-31
"""


def test_capped_tm_bills_time_and_material_up_to_its_ceiling(
    engagekit_engine, tmp_path: Path
) -> None:
    (tmp_path / "rates.toml").write_text(RATES)
    (tmp_path / "scope.toml").write_text(SCOPE)
    scope, project = load_scope(tmp_path / "scope.toml", engagekit_engine.models)
    result = compare(
        engagekit_engine, scope, project, trials=2000, models=["capped-tm", "time-material"]
    )
    offers = {r.summary.name: r.summary for r in result.ranking}
    capped, tm = offers["capped-tm"], offers["time-material"]
    assert capped.outcome is not None and tm.outcome is not None
    ceiling = float(capped.components[0].settings.ceiling)
    # The ceiling is the P80 of the T&M bills, rounded up to a hundred ...
    p80 = float(np.percentile(tm.outcome.client_cost, 80))
    assert p80 <= ceiling < p80 + 100
    # ... and in every trial capped-tm bills what T&M bills, up to the ceiling.
    assert np.allclose(capped.outcome.client_cost, np.minimum(tm.outcome.client_cost, ceiling))
    assert np.array_equal(capped.outcome.firm_cost, tm.outcome.firm_cost)
