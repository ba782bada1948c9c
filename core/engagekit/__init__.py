"""engagekit: price, bill, staff and measure IT service engagements.

The public API for embedders and plugin authors. Plugins import from here only.

Names are imported on first use (PEP 562), so that `engage --version` and plugin discovery
do not pay for the parts of engagekit they never touch.
"""

# Imported before `engage` can make Ctrl-C quiet (engagekit.launch), so this imports nothing it
# can do without: not `from __future__ import annotations` nor importlib (half a millisecond
# each), not `from typing import TYPE_CHECKING` (~10 ms; mypy reads this name as typing's).
from engagekit._version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_LAZY: dict[str, str] = {
    "CONTRACT_VERSION": "engagekit.contract",
    "Adjustment": "engagekit.results",
    "AppliedAdjustment": "engagekit.results",
    "Calendar": "engagekit.calendar",
    "Change": "engagekit.actuals",
    "Component": "engagekit.project",
    "ComponentBill": "engagekit.results",
    "ComponentEstimate": "engagekit.results",
    "ComponentStaffing": "engagekit.results",
    "ContractDeprecationWarning": "engagekit.contract",
    "DataFile": "engagekit.settings",
    "Distribution": "engagekit.results",
    "EngageError": "engagekit.errors",
    "Engine": "engagekit.engine",
    "EstimateOptions": "engagekit.results",
    "Incident": "engagekit.actuals",
    "InputError": "engagekit.errors",
    "InputErrors": "engagekit.errors",
    "Invoice": "engagekit.results",
    "InvoiceLine": "engagekit.results",
    "MilestoneAcceptance": "engagekit.actuals",
    "ModelSpec": "engagekit.modelspec",
    "Money": "engagekit.money",
    "Outage": "engagekit.actuals",
    "Pause": "engagekit.actuals",
    "Period": "engagekit.period",
    "PluginError": "engagekit.errors",
    "PluginInfo": "engagekit.engine",
    "Problem": "engagekit.actuals",
    "Project": "engagekit.project",
    "ProjectBill": "engagekit.results",
    "ProjectEstimate": "engagekit.results",
    "Rate": "engagekit.ratecard",
    "RateCard": "engagekit.ratecard",
    "Release": "engagekit.actuals",
    "STAGES": "engagekit.results",
    "SettingsError": "engagekit.settings",
    "Samples": "engagekit.results",
    "ServiceMeasure": "engagekit.results",
    "ServiceReport": "engagekit.results",
    "StaffPlan": "engagekit.results",
    "StaffingRow": "engagekit.results",
    "TimeEntry": "engagekit.actuals",
    "UnknownModelError": "engagekit.errors",
    "Workspace": "engagekit.workspace",
    "allocate_units": "engagekit.money",
    "create_engine": "engagekit.engine",
    # Lazy too: `engage` installs its signal handlers before pluggy is imported.
    "hookimpl": "engagekit.markers",
    "open_workspace": "engagekit.workspace",
    "percentiles": "engagekit.quantiles",
    "quantum": "engagekit.money",
}

__all__ = [
    "CONTRACT_VERSION",
    "STAGES",
    "Adjustment",
    "AppliedAdjustment",
    "Calendar",
    "Change",
    "Component",
    "ComponentBill",
    "ComponentEstimate",
    "ComponentStaffing",
    "ContractDeprecationWarning",
    "DataFile",
    "Distribution",
    "EngageError",
    "Engine",
    "EstimateOptions",
    "Incident",
    "InputError",
    "InputErrors",
    "Invoice",
    "InvoiceLine",
    "MilestoneAcceptance",
    "ModelSpec",
    "Money",
    "Outage",
    "Pause",
    "Period",
    "PluginError",
    "PluginInfo",
    "Problem",
    "Project",
    "ProjectBill",
    "ProjectEstimate",
    "Rate",
    "RateCard",
    "Release",
    "Samples",
    "ServiceMeasure",
    "ServiceReport",
    "SettingsError",
    "StaffPlan",
    "StaffingRow",
    "TimeEntry",
    "UnknownModelError",
    "Workspace",
    "__version__",
    "allocate_units",
    "create_engine",
    "hookimpl",
    "open_workspace",
    "percentiles",
    "quantum",
]


def __getattr__(name: str) -> "Any":
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'engagekit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from engagekit._version import __version__
    from engagekit.actuals import (
        Change,
        Incident,
        MilestoneAcceptance,
        Outage,
        Pause,
        Problem,
        Release,
        TimeEntry,
    )
    from engagekit.calendar import Calendar
    from engagekit.contract import CONTRACT_VERSION, ContractDeprecationWarning
    from engagekit.engine import Engine, PluginInfo, create_engine
    from engagekit.errors import (
        EngageError,
        InputError,
        InputErrors,
        PluginError,
        UnknownModelError,
    )
    from engagekit.markers import hookimpl
    from engagekit.money import Money, allocate_units, quantum
    from engagekit.period import Period
    from engagekit.project import Component, Project
    from engagekit.ratecard import Rate, RateCard
    from engagekit.results import (
        STAGES,
        Adjustment,
        AppliedAdjustment,
        ComponentBill,
        ComponentEstimate,
        ComponentStaffing,
        Distribution,
        EstimateOptions,
        Invoice,
        InvoiceLine,
        ModelSpec,
        ProjectBill,
        ProjectEstimate,
        Samples,
        ServiceMeasure,
        ServiceReport,
        StaffingRow,
        StaffPlan,
    )
    from engagekit.settings import DataFile, SettingsError
    from engagekit.workspace import Workspace, open_workspace
