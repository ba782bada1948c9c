"""``engage plugin new NAME``: a working model plugin package to start from.

The package has a pyproject with the entry point, a model answering every hook (a fee per
calendar month, its share for a month run in part) with its settings, an example project and
tests built on ``engagekit.testing.ModelContract``; it installs and passes its tests as written.
The model is the plugin guide's first example (``MINIMAL``, at most 60 lines) plus a
``check_component``; a test keeps the two the same.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from engagekit._version import __version__
from engagekit.contract import CONTRACT_VERSION
from engagekit.errors import InputError

__all__ = ["MINIMAL", "new_plugin"]

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[project]
name = "engagekit-$name"
version = "0.1.0"
description = "An engagekit model plugin: $name"
requires-python = ">=3.11"
dependencies = ["engagekit>=$engagekit"]

[project.optional-dependencies]
test = ["pytest>=8"]

[project.entry-points.engagekit]
$name = "$module"

[tool.hatch.build.targets.wheel]
packages = ["$module"]

[tool.ruff]
line-length = 100
"""

#: The smallest complete model: settings and the hooks every model answers. The plugin guide
#: shows it (for ``monthly-fee``) as its first example.
MINIMAL = """\
from decimal import Decimal

import attrs
import engagekit
from engagekit.validate import non_negative, positive


@attrs.frozen
class Settings:  # read from a component's [components.settings] table
    monthly_fee: Decimal = attrs.field(validator=positive)
    hours_per_month: Decimal = attrs.field(default=Decimal(40), validator=non_negative)
    cost_rate: Decimal = attrs.field(default=Decimal(0), validator=non_negative)


def months(c):  # (month, the days of it the component runs, their share of the month)
    runs = [(m, m.clip(c.start, c.end)) for m in engagekit.Period.days(c.start, c.end).months()]
    return [(m, p, (Decimal(p.length) / m.length).quantize(Decimal("0.0001"))) for m, p in runs]


@engagekit.hookimpl
def register_models(register):  # version: the distribution's; example: for `engage init`
    example = {"monthly_fee": Decimal(3000)}
    register(engagekit.ModelSpec("$name", "A fee per month", Settings, example=example))


@engagekit.hookimpl
def estimate(project, component):
    s, share = component.settings, sum(q for _, _, q in months(component))
    hours, price = s.hours_per_month * share, project.money(s.monthly_fee * share).rounded()
    cost, effort = project.money(hours * s.cost_rate).rounded(), engagekit.Distribution.point(hours)
    return engagekit.ComponentEstimate(component.name, component.model, cost, price, effort)


@engagekit.hookimpl
def bill(project, component, period):  # a month bills in the period of its last day: parts add up
    fee, c = project.money(component.settings.monthly_fee), component
    lines = [
        engagekit.InvoiceLine(c.name, f"Fee {m.label}", q, "month", fee, (fee * q).rounded())
        for m, runs, q in months(c)
        if runs.last in period
    ]
    return engagekit.ComponentBill(c.name, c.model, tuple(lines))


@engagekit.hookimpl
def staff(project, component):
    rows = []
    for _, runs, q in months(component):
        hours = component.settings.hours_per_month * q
        capacity = project.calendar.working_hours(runs.start, runs.last)
        fte = round(hours / capacity, 2) if capacity else Decimal(0)
        rows.append(engagekit.StaffingRow(component.name, runs, "consultant", fte, hours=hours))
    return engagekit.ComponentStaffing(component.name, component.model, tuple(rows))


@engagekit.hookimpl
def measure_service(component, period):
    billed = sum(1 for _, runs, _ in months(component) if period is None or runs.last < period.end)
    return engagekit.ServiceMeasure(component.name, component.model, {"months_billed": billed})
"""

#: What ``engage plugin new`` adds to ``MINIMAL``: the hook ``engage validate`` calls.
CHECK = """
@engagekit.hookimpl
def check_component(project, component):  # `engage validate` rejects what the hooks would
    if (fee := component.settings.monthly_fee) != project.money(fee).rounded().amount:
        raise engagekit.InputError(f"{fee}: too many decimals", field="settings.monthly_fee")
"""

EXAMPLE_PROJECT = """\
[project]
name = "$name example"
currency = "EUR"

[[components]]
name = "Service"
model = "$name"
start = 2026-01-15
end = 2026-06-30

[components.settings]
monthly_fee = 3000
hours_per_month = 40
cost_rate = 55
"""

TESTS = '''\
"""The contract tests of engagekit (every hook, the laws of the contract) and the model's own."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import engagekit
from engagekit.testing import ModelContract

EXAMPLE = Path(__file__).parents[1] / "example" / "$name.toml"


class TestContract(ModelContract):
    model = "$name"
    project_file = EXAMPLE
    period = "2026-03"


def test_a_part_month_bills_its_share(engagekit_engine):
    project = engagekit_engine.load_project(EXAMPLE)
    bill = engagekit_engine.bill(project, engagekit.Period.parse("2026-01"))
    # 17 of January's 31 days: a share of 0.5484 of the fee
    assert bill.invoices[0].subtotal == engagekit.Money(Decimal("1645.20"), "EUR")
'''

README = """\
# engagekit-$name

An engagekit model plugin generated by `engage plugin new $name` (engagekit $engagekit, plugin
contract $contract). Install it and its tests:

    python -m pip install -e '.[test]'
    python -m pytest
    engage models
    engage bill example/$name.toml --period 2026-03
"""


def new_plugin(name: str, parent: Path) -> Path:
    """Write the package ``engagekit-<name>`` under ``parent``; return its folder."""
    if not NAME.match(name):
        raise InputError(
            f"{name!r} is not a plugin name",
            field="NAME",
            hint="lower-case letters and digits, words joined by '-': retainer, outcome-pricing",
        )
    root = parent / f"engagekit-{name}"
    if root.exists():
        raise InputError("exists already; choose another name or folder", where=root)
    module = "engagekit_" + name.replace("-", "_")
    values = {
        "name": name,
        "module": module,
        "engagekit": __version__,
        "contract": CONTRACT_VERSION,
    }
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{module}/__init__.py": MINIMAL + "\n" + CHECK,
        f"{module}/py.typed": "",
        f"example/{name}.toml": EXAMPLE_PROJECT,
        f"tests/test_{module.removeprefix('engagekit_')}.py": TESTS,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values), encoding="utf-8")
    return root
