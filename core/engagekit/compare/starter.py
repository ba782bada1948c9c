"""``engage init --scope FILE``: a commented starter scope that compares, and the project file
it prices with when there is none yet."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

__all__ = ["scope_starter_text"]


def _next_month(today: date) -> date:
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def scope_starter_text(scope_path: Path, project_path: Path, *, name: str) -> str:
    """The TOML text of a starter scope at ``scope_path`` that uses ``project_path`` (which
    must have hourly bill and cost rates for the roles ``developer`` and ``lead``)."""
    start = _next_month(date.today())
    deadline = start + timedelta(days=7 * 26 - 3)
    relative = Path(os.path.relpath(project_path.resolve(), scope_path.resolve().parent))
    return f'''\
# A scope: the work of one deal, to be priced under every model. Compare with:
#   engage compare {scope_path.name}
# Format: docs/compare.md. Rates, calendar and adjustments come from the project file below.

[scope]
name = "{name}"
project = "{relative.as_posix()}"
requirements = "mostly-settled"   # settled, mostly-settled, evolving or unknown
change_rate = 2                   # percent of the scope expected to change a month
in_house_team = false             # the client has a development team of its own

[window]
earliest_start = {start.isoformat()}
deadline = {deadline.isoformat()}        # optional

[terms]                           # the firm's pricing policy; all optional
target_confidence = 80            # a fixed price covers the cost at this confidence
# fixed_price_margin = 20         # absent: the rate card's own mark-up
# time_material_cap = 60000       # a not-to-exceed cap on time and material
sla_margin = 20
minimum_term_months = 6           # of a dedicated team

# Work items: hours of one role as min / most likely / max, grouped into phases.
[[items]]
name = "discovery workshops"
phase = "discovery"
role = "lead"
min = 16
likely = 24
max = 40

[[items]]
name = "features"
phase = "build"
role = "developer"
min = 160
likely = 220
max = 380

[[items]]
name = "integration"
phase = "build"
role = "developer"
min = 40
likely = 60
max = 120
new_technology = true

# Risk events: a probability (0-1) and the hours they add when they happen.
[[risks]]
name = "partner API late"
phase = "build"
role = "developer"
probability = 0.2
impact = 80

# Support after delivery (optional): priced as an SLA.
[run]
months = 12
incidents_per_month = 10
handling_hours = 2
service_hours = "8x5"
role = "developer"
'''
