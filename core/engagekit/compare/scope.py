"""A scope: the work a deal asks for, before anyone has chosen how to sell it.

Work items with min / most likely / max hours of one role, risk events that may add hours, a
window, how settled the requirements are, and an optional run phase for after delivery. The
same scope is proposed under every model (the ``propose`` hook) and simulated once for all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from engagekit.errors import InputError
from engagekit.validate import between, non_negative, percentage, positive

__all__ = [
    "LARGE_SCOPE_HOURS",
    "LONG_TERM_MONTHS",
    "SHORT_TERM_MONTHS",
    "Facts",
    "RiskEvent",
    "RunPhase",
    "Scope",
    "ScopeItem",
    "Terms",
    "Window",
]

#: The collaboration-models text: "project time 300+ hours" (or new technology) calls for
#: phases with their own min-max evaluation; as the fixed-price model reads it, more than 300
#: most-likely hours.
LARGE_SCOPE_HOURS = Decimal(300)
#: A delivery of at most this many months counts as short term (fixed price suits it).
SHORT_TERM_MONTHS = 6
#: An engagement (delivery and run) of at least this many months counts as long term.
LONG_TERM_MONTHS = 12

Settledness = Literal["settled", "mostly-settled", "evolving", "unknown"]


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


@attrs.frozen
class ScopeItem:
    """One piece of work: a role and its hours as min / most likely / max."""

    name: str
    role: str
    min: Decimal = attrs.field(validator=non_negative)
    likely: Decimal = attrs.field(validator=non_negative)
    max: Decimal = attrs.field(validator=non_negative)
    #: The phase the item belongs to (items of one phase are delivered together).
    phase: str = "delivery"
    new_technology: bool = False

    def __attrs_post_init__(self) -> None:
        if self.min > self.likely:
            raise InputError(
                f"item {self.name!r}: min ({_fmt(self.min)}) is greater than likely "
                f"({_fmt(self.likely)})",
                field="min",
                hint="the hours must satisfy min <= likely <= max",
            )
        if self.likely > self.max:
            raise InputError(
                f"item {self.name!r}: likely ({_fmt(self.likely)}) is greater than max "
                f"({_fmt(self.max)})",
                field="max",
                hint="the hours must satisfy min <= likely <= max",
            )

    @property
    def mean(self) -> Decimal:
        """The PERT expected hours (min + 4 likely + max) / 6."""
        return (self.min + 4 * self.likely + self.max) / 6


@attrs.frozen
class RiskEvent:
    """Something that may happen (``probability`` 0-1) and then adds ``impact`` hours of ``role``."""

    name: str
    role: str
    probability: Decimal = attrs.field(validator=between(Decimal(0), Decimal(1)))
    impact: Decimal = attrs.field(validator=non_negative)
    #: The phase whose work it adds to; absent: the last phase.
    phase: str | None = None


@attrs.frozen
class Window:
    """When the work may start, and the date it must be delivered by, if any."""

    earliest_start: date
    deadline: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.deadline is not None and self.deadline <= self.earliest_start:
            raise InputError(
                f"deadline ({self.deadline}) is not after earliest_start ({self.earliest_start})",
                field="deadline",
            )


@attrs.frozen
class RunPhase:
    """Support after delivery: incident volumes and the service hours they are covered in."""

    months: int = attrs.field(validator=positive)
    incidents_per_month: Decimal = attrs.field(validator=non_negative)
    #: Average effort of one incident, in hours.
    handling_hours: Decimal = attrs.field(validator=positive)
    #: Coverage: a calendar preset (``8x5``, ``12x5``, ``24x7``).
    service_hours: str = "8x5"
    #: The rate card role that handles incidents.
    role: str = "support"


@attrs.frozen
class Terms:
    """The firm's pricing policy, which proposals follow."""

    #: Fixed price: the cost at this confidence (percent) is what the price covers.
    target_confidence: int = attrs.field(default=80, validator=between(1, 99))
    #: Fixed price: mark-up on that cost, percent; absent: the rate card's own mark-up (bill
    #: over cost) on the scope's expected hours, so a fixed price earns per hour what time and
    #: material earns, and its risk buffer on top.
    fixed_price_margin: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    #: Time & material: a not-to-exceed cap on the money billed (absent: no cap).
    time_material_cap: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(positive)
    )
    #: SLA: mark-up on the expected cost of the service, percent.
    sla_margin: Decimal = attrs.field(default=Decimal(20), validator=non_negative)
    #: Dedicated team: seats are kept at least this many months (the minimum term).
    minimum_term_months: int = attrs.field(default=3, validator=non_negative)


@attrs.frozen
class Facts:
    """What the collaboration-models text asks about a deal, answered for one scope."""

    likely_hours: Decimal
    months: int
    defined_scope: bool
    short_term: bool
    large_or_new: bool
    long_term: bool
    in_house_team: bool
    support: bool


@attrs.frozen
class Scope:
    """The scope of one deal. ``items`` have unique names; so do ``risks``."""

    name: str
    items: tuple[ScopeItem, ...]
    window: Window
    requirements: Settledness = "mostly-settled"
    #: Expected share of the scope that changes per month, percent.
    change_rate: Decimal = attrs.field(default=Decimal(0), validator=percentage)
    #: The client has a development team of its own.
    in_house_team: bool = False
    risks: tuple[RiskEvent, ...] = ()
    run: RunPhase | None = None
    terms: Terms = attrs.Factory(Terms)
    client: str = ""
    source: Path | None = attrs.field(default=None, eq=False)
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False)

    def __attrs_post_init__(self) -> None:
        phases = self.phases
        for i, r in enumerate(self.risks):
            if r.phase is not None and r.phase not in phases:
                raise InputError(
                    f"risk {r.name!r} names phase {r.phase!r}, which no work item has",
                    field=f"risks[{i}].phase",
                    hint=f"phases: {', '.join(phases)}; leave phase out for the last one",
                )
        if any(r.phase is None for r in self.risks) and phases:
            risks = tuple(attrs.evolve(r, phase=r.phase or phases[-1]) for r in self.risks)
            object.__setattr__(self, "risks", risks)

    @property
    def phases(self) -> tuple[str, ...]:
        """Phase names in the order their first item appears."""
        return tuple(dict.fromkeys(it.phase for it in self.items))

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(sorted({it.role for it in self.items} | {r.role for r in self.risks}))

    @property
    def likely_hours(self) -> Decimal:
        return sum((it.likely for it in self.items), Decimal(0))

    @property
    def needs_phases(self) -> bool:
        """The text's rule: more than 300 most-likely hours, or any new technology."""
        return self.likely_hours > LARGE_SCOPE_HOURS or any(it.new_technology for it in self.items)

    def part(self, phases: tuple[str, ...], *, start: date, run: bool = False) -> Scope:
        """The items and risks of ``phases`` only, starting on ``start``; with the run phase
        only if ``run``. The deadline is kept if it is still ahead of ``start``."""
        deadline = self.window.deadline
        if deadline is not None and deadline <= start:
            deadline = None
        return attrs.evolve(
            self,
            items=tuple(it for it in self.items if it.phase in phases),
            risks=tuple(r for r in self.risks if r.phase in phases),
            window=Window(start, deadline),
            run=self.run if run else None,
        )

    def facts(self, months: int) -> Facts:
        """The text's criteria for this scope, with ``months`` the planned delivery months."""
        total_months = months + (self.run.months if self.run else 0)
        return Facts(
            likely_hours=self.likely_hours,
            months=months,
            defined_scope=self.requirements in ("settled", "mostly-settled")
            and self.change_rate <= 5,
            short_term=months <= SHORT_TERM_MONTHS,
            large_or_new=self.needs_phases,
            long_term=total_months >= LONG_TERM_MONTHS,
            in_house_team=self.in_house_team,
            support=self.run is not None,
        )
