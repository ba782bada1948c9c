"""``engage plugin new NAME``: a working model plugin package to start from.

The package has a pyproject with the entry point, a model answering every hook (a monthly fee
billed per calendar month, a role staffed at some FTE), its settings, an example project and
tests built on ``engagekit.testing.ModelContract``; it installs and passes its tests as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from engagekit._version import __version__
from engagekit.contract import CONTRACT_VERSION
from engagekit.errors import InputError

__all__ = ["new_plugin"]

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
"""

INIT = '''\
"""engagekit model plugin ``$name``: a monthly fee, billed per calendar month.

The engine calls these hooks only for components of model ``$name``. Replace the
arithmetic with your model's; ``tests/`` checks the contract (``engagekit.testing``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import engagekit

from .settings import EXAMPLE, Settings

MODEL = "$name"
__version__ = "0.1.0"


@engagekit.hookimpl
def register_models(register: Callable[[engagekit.ModelSpec], None]) -> None:
    register(
        engagekit.ModelSpec(
            name=MODEL,
            summary="A monthly fee, billed per calendar month",
            settings=Settings,
            version=__version__,
            contract=">=$contract,<$contract_next",
            example=EXAMPLE,
        )
    )


def _months(component: engagekit.Component) -> list[tuple[engagekit.Period, Decimal]]:
    """Each calendar month of the component with the share of it the component runs."""
    out = []
    for month in engagekit.Period.days(component.start, component.end).months():
        month = engagekit.Period.of_month(month.start)
        part = month.clip(component.start, component.end)
        assert part is not None
        out.append((month, Decimal(part.length) / Decimal(month.length)))
    return out


@engagekit.hookimpl
def check_component(
    project: engagekit.Project, component: engagekit.Component
) -> list[str] | None:
    s: Settings = component.settings
    if s.monthly_fee != s.monthly_fee.quantize(engagekit.quantum(project.currency)):
        raise engagekit.InputError(
            f"monthly_fee {s.monthly_fee} has more decimals than {project.currency} has",
            field="settings.monthly_fee",
        )
    return None


@engagekit.hookimpl
def estimate(
    project: engagekit.Project,
    component: engagekit.Component,
    options: engagekit.EstimateOptions,
) -> engagekit.ComponentEstimate:
    s: Settings = component.settings
    shares = sum((share for _, share in _months(component)), Decimal(0))
    hours = s.hours_per_month * shares
    return engagekit.ComponentEstimate(
        component=component.name,
        model=MODEL,
        cost=project.money(hours * s.cost_rate).rounded(),
        price=project.money(s.monthly_fee * shares).rounded(),
        effort_hours=engagekit.Distribution.point(hours),
        start=component.start,
        finish=component.end,
    )


@engagekit.hookimpl
def bill(
    project: engagekit.Project, component: engagekit.Component, period: engagekit.Period
) -> engagekit.ComponentBill:
    # A month is billed whole in the period that holds its last day (or the component's):
    # periods that cut a month then add up to the month exactly.
    s: Settings = component.settings
    lines = []
    for month, share in _months(component):
        if min(month.last, component.end) not in period:
            continue
        amount = project.money(s.monthly_fee * share).rounded()
        lines.append(
            engagekit.InvoiceLine(
                component.name,
                f"Monthly fee {month.label}",
                share.quantize(Decimal("0.0001")),
                "month",
                project.money(s.monthly_fee),
                amount,
                "fee",
            )
        )
    return engagekit.ComponentBill(component.name, MODEL, tuple(lines))


@engagekit.hookimpl
def staff(
    project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    s: Settings = component.settings
    rows = []
    for month, share in _months(component):
        part = month.clip(component.start, component.end)
        assert part is not None
        hours = (s.hours_per_month * share).quantize(Decimal("0.1"))
        rows.append(engagekit.StaffingRow(component.name, part, s.role, s.fte, hours=hours))
    return engagekit.ComponentStaffing(component.name, MODEL, tuple(rows))


@engagekit.hookimpl
def measure(
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period | None,
) -> engagekit.ServiceMeasure:
    months = [m for m, _ in _months(component) if period is None or m.start in period]
    return engagekit.ServiceMeasure(
        component.name, MODEL, metrics={"months": len(months)}, status="on-track"
    )
'''

SETTINGS = '''\
"""Settings of a ``$name`` component (its ``[components.settings]`` table)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from engagekit.validate import non_negative, positive


@attrs.frozen
class Settings:
    #: The fee billed each month, in the project currency.
    monthly_fee: Decimal = attrs.field(validator=positive)
    #: Hours of work a month, for estimates and staffing.
    hours_per_month: Decimal = attrs.field(default=Decimal(40), validator=non_negative)
    #: Cost of one hour to the firm, for margins.
    cost_rate: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: The role that does the work, and at what FTE.
    role: str = "consultant"
    fte: Decimal = attrs.field(default=Decimal("0.25"), validator=non_negative)


#: Settings that validate, for ``engage init``.
EXAMPLE: dict[str, Any] = {"monthly_fee": Decimal(3000), "hours_per_month": Decimal(40)}
'''

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
    assert bill.invoices[0].subtotal == engagekit.Money(Decimal("1645.16"), "EUR")
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
    major = int(CONTRACT_VERSION.split(".")[0])
    values = {
        "name": name,
        "module": module,
        "engagekit": __version__,
        "contract": CONTRACT_VERSION,
        "contract_next": str(major + 1),
    }
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{module}/__init__.py": INIT,
        f"{module}/settings.py": SETTINGS,
        f"{module}/py.typed": "",
        f"example/{name}.toml": EXAMPLE_PROJECT,
        f"tests/test_{module.removeprefix('engagekit_')}.py": TESTS,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values), encoding="utf-8")
    return root
