"""engagekit: price, bill, staff and measure IT service engagements.

The public API for embedders and plugin authors. Plugins import from here only.
"""

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
from engagekit.engine import Engine, PluginInfo, create_engine
from engagekit.errors import EngageError, InputError, InputErrors, PluginError, UnknownModelError
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
from engagekit.settings import DataFile

__all__ = [
    "STAGES",
    "Adjustment",
    "AppliedAdjustment",
    "Calendar",
    "Change",
    "Component",
    "ComponentBill",
    "ComponentEstimate",
    "ComponentStaffing",
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
    "StaffPlan",
    "StaffingRow",
    "TimeEntry",
    "UnknownModelError",
    "__version__",
    "allocate_units",
    "create_engine",
    "hookimpl",
    "quantum",
]
