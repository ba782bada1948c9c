"""Settings of a fixed-price component: phases of work items, price policy, payments, team.

Read from ``[components.settings]`` by the core's cattrs converter. Checks that need more than
one field (the collaboration-models text's 300-hour / new-technology phasing rule, milestone percentages, names that must
exist) run in ``Settings.__attrs_post_init__`` and raise errors that carry the key path of the
offending entry, so the message names the line in the project file. Checks against the
component's dates run in ``check_component``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

import attrs

import engagekit
from engagekit.csvfile import CsvFormat, check_delimiter, check_encoding
from engagekit.settings import DataFile, SettingsError
from engagekit.validate import between, non_negative, percentage, positive

__all__ = [
    "SINGLE_FIGURE_LIMIT",
    "ChangeRequest",
    "Payment",
    "Phase",
    "Settings",
    "TeamMember",
    "WorkItem",
]

#: The phasing rule of the collaboration-models text: beyond this most-likely total (hours), or with any new technology, a
#: fixed-price project must be divided into phases with min-max ranges.
SINGLE_FIGURE_LIMIT = Decimal(300)


def _opt(validator: Any) -> Any:
    return attrs.validators.optional(validator)


def _fail(message: str, path: tuple[str | int, ...], hint: str | None = None) -> SettingsError:
    return SettingsError(message, path, hint)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


@attrs.frozen
class WorkItem:
    """One piece of work: a role and its hours, as a single figure or min / likely / max."""

    role: str
    name: str = ""
    hours: Decimal | None = attrs.field(default=None, validator=_opt(non_negative))
    min: Decimal | None = attrs.field(default=None, validator=_opt(non_negative))
    likely: Decimal | None = attrs.field(default=None, validator=_opt(non_negative))
    max: Decimal | None = attrs.field(default=None, validator=_opt(non_negative))
    new_technology: bool = False

    def __attrs_post_init__(self) -> None:
        three = (self.min, self.likely, self.max)
        given = [v is not None for v in three]
        if self.hours is not None:
            if any(given):
                raise engagekit.InputError(
                    "give either hours (a single figure) or min, likely and max, not both",
                    field="hours",
                )
            return
        if not all(given):
            missing = [n for n, g in zip(("min", "likely", "max"), given, strict=True) if not g]
            raise engagekit.InputError(
                f"missing {', '.join(missing)}: a three-point estimate needs min, likely and max",
                field=missing[0],
                hint="write min = 16, likely = 24, max = 40 (hours), or hours = 24 where a "
                "single figure is allowed",
            )
        lo, mid, hi = three
        assert lo is not None and mid is not None and hi is not None
        if lo > mid:
            raise engagekit.InputError(
                f"min ({_fmt(lo)}) is greater than most likely ({_fmt(mid)})",
                field="min",
                hint="the hours must satisfy min <= likely <= max",
            )
        if mid > hi:
            raise engagekit.InputError(
                f"most likely ({_fmt(mid)}) is greater than max ({_fmt(hi)})",
                field="max",
                hint="the hours must satisfy min <= likely <= max",
            )

    @property
    def three_point(self) -> bool:
        return self.hours is None

    @property
    def low(self) -> Decimal:
        return self.hours if self.hours is not None else self.min  # type: ignore[return-value]

    @property
    def mode(self) -> Decimal:
        return self.hours if self.hours is not None else self.likely  # type: ignore[return-value]

    @property
    def high(self) -> Decimal:
        return self.hours if self.hours is not None else self.max  # type: ignore[return-value]

    @property
    def label(self) -> str:
        return self.name or self.role


@attrs.frozen
class Phase:
    """A phase of the work with its own estimate; accepted by the client as a whole."""

    name: str
    items: tuple[WorkItem, ...]
    new_technology: bool = False
    start: date | None = None
    end: date | None = None

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise engagekit.InputError(
                f"phase {self.name!r} has no work items",
                field="items",
                hint="add [[...phases.items]] tables with a role and hours",
            )
        if self.start and self.end and self.end < self.start:
            raise engagekit.InputError(
                f"phase {self.name!r} ends ({self.end}) before it starts ({self.start})",
                field="end",
            )


@attrs.frozen
class Payment:
    """A payment milestone: a percentage or an amount, due on a date or on acceptance."""

    name: str
    percent: Decimal | None = attrs.field(default=None, validator=_opt(percentage))
    amount: Decimal | None = attrs.field(default=None, validator=_opt(positive))
    due: date | None = None
    on_acceptance: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            raise engagekit.InputError(
                f"milestone {self.name!r}: give exactly one of percent or amount",
                field="percent",
                hint="percent = 30 (of the price) or amount = 12000 (in the project currency)",
            )
        if (self.due is None) == (self.on_acceptance is None):
            raise engagekit.InputError(
                f"milestone {self.name!r}: give exactly one of due (a date) or on_acceptance "
                "(a phase name)",
                field="due",
                hint='due = 2026-04-30, or on_acceptance = "design"',
            )


@attrs.frozen
class TeamMember:
    """A seat of the fixed team: a role (and person), its allocation and when it holds."""

    role: str
    person: str | None = None
    fte: Decimal = attrs.field(default=Decimal(1), validator=non_negative)
    start: date | None = None
    end: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.person is not None and self.fte > 1:
            raise engagekit.InputError(
                f"{self.person} is allocated {_fmt(self.fte)} FTE; one person gives at most 1",
                field="fte",
                hint="give a role seat without a person for several people of one role",
            )
        if self.start and self.end and self.end < self.start:
            raise engagekit.InputError(
                f"{self.person or self.role}: end ({self.end}) is before start ({self.start})",
                field="end",
            )

    @property
    def who(self) -> str:
        return f"{self.person} ({self.role})" if self.person else f"{self.role} seat"


@attrs.frozen
class ChangeRequest:
    """Approved added scope: its own estimate, its own price and its own payment terms."""

    id: str
    approved: date
    price: Decimal = attrs.field(validator=non_negative)
    items: tuple[WorkItem, ...]
    title: str = ""
    payments: tuple[Payment, ...] = ()
    start: date | None = None
    end: date | None = None

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise engagekit.InputError(
                f"change request {self.id!r} has no work items", field="items"
            )


@attrs.frozen
class Settings:
    """Settings of a fixed-price component (see docs/models/fixed-price.md)."""

    phases: tuple[Phase, ...]
    team: tuple[TeamMember, ...]
    milestones: tuple[Payment, ...] = ()
    target_confidence: int = attrs.field(default=80, validator=between(1, 99))
    risk_buffer: Decimal = attrs.field(default=Decimal(0), validator=percentage)
    contingency: Literal["none", "percent", "to-p90"] = "none"
    contingency_percent: Decimal = attrs.field(default=Decimal(0), validator=percentage)
    margin: Decimal = attrs.field(default=Decimal(15), validator=non_negative)
    margin_on: Literal["cost", "price"] = "cost"
    round_to: Decimal | None = attrs.field(default=None, validator=_opt(positive))
    rounding: Literal["up", "nearest", "down"] = "up"
    contract_price: Decimal | None = attrs.field(default=None, validator=_opt(positive))
    retention: Decimal = attrs.field(default=Decimal(0), validator=percentage)
    final_acceptance: str | None = None
    retention_release_days: int = attrs.field(default=0, validator=non_negative)
    change_requests: tuple[ChangeRequest, ...] = ()
    cost_rates: dict[str, Decimal] = attrs.Factory(dict)
    hours_per_day: Decimal = attrs.field(default=Decimal(8), validator=between(1, 24))
    acceptance: DataFile | None = None
    progress: DataFile | None = None
    roster: DataFile | None = None
    #: Text encoding, field separator and decimal mark of the acceptance, progress and roster
    #: files (see the time-material model's keys of the same names).
    encoding: str = attrs.field(default="utf-8", validator=check_encoding)
    delimiter: str | None = attrs.field(default=None, validator=check_delimiter)
    decimal: Literal[".", ","] | None = None
    staffing_period: Literal["month", "week"] = "month"
    capacity_tolerance: Decimal = attrs.field(default=Decimal(10), validator=percentage)
    at_risk_below: Decimal = attrs.field(default=Decimal("0.95"), validator=positive)
    off_track_below: Decimal = attrs.field(default=Decimal("0.85"), validator=positive)

    @property
    def csv(self) -> CsvFormat:
        """How the component's CSV files are written."""
        return CsvFormat(self.encoding, self.delimiter, self.decimal)

    def __attrs_post_init__(self) -> None:
        self._check_names()
        self._check_seed_rule()
        self._check_milestones()
        self._check_team()
        for role, rate in self.cost_rates.items():
            if rate < 0:
                raise _fail(
                    f"cost rate of {role!r} must not be negative (got {rate})", ("cost_rates", role)
                )
        if self.margin_on == "price" and self.margin >= 100:
            raise _fail(
                f"a margin of {_fmt(self.margin)}% of the price is impossible",
                ("margin",),
                hint='with margin_on = "price" the margin must be below 100',
            )
        if self.off_track_below > self.at_risk_below:
            raise _fail("off_track_below must not be above at_risk_below", ("off_track_below",))

    # -- names --------------------------------------------------------------------------------

    @property
    def phase_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.phases)

    @property
    def change_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.change_requests)

    @property
    def acceptable(self) -> tuple[str, ...]:
        """Names an acceptance event may carry: phases and change requests."""
        return self.phase_names + self.change_ids

    @property
    def final_phase(self) -> str:
        return self.final_acceptance or self.phases[-1].name

    def _check_names(self) -> None:
        if not self.phases:
            raise _fail(
                "a fixed-price component needs at least one phase",
                ("phases",),
                hint="add a [[components.settings.phases]] table with items",
            )
        seen: set[str] = set()
        for i, phase in enumerate(self.phases):
            if phase.name in seen:
                raise _fail(f"two phases are named {phase.name!r}", ("phases", i, "name"))
            seen.add(phase.name)
        for i, cr in enumerate(self.change_requests):
            if cr.id in seen:
                raise _fail(
                    f"change request id {cr.id!r} is already used by a phase or change request",
                    ("change_requests", i, "id"),
                )
            seen.add(cr.id)
        if self.final_acceptance is not None and self.final_acceptance not in self.phase_names:
            raise _fail(
                f"final_acceptance names an unknown phase {self.final_acceptance!r}",
                ("final_acceptance",),
                hint=f"phases: {', '.join(self.phase_names)}",
            )

    # -- the phasing rule --------------------------------------------------------------------

    def _check_seed_rule(self) -> None:
        likely_total = sum((it.mode for p in self.phases for it in p.items), Decimal(0))
        new_tech = [
            (i, j)
            for i, p in enumerate(self.phases)
            for j, it in enumerate(p.items)
            if p.new_technology or it.new_technology
        ]
        if likely_total <= SINGLE_FIGURE_LIMIT and not new_tech:
            for k, cr in enumerate(self.change_requests):
                self._check_change_rule(k, cr)
            return
        if likely_total > SINGLE_FIGURE_LIMIT:
            why = (
                f"the most-likely total is {_fmt(likely_total)} hours, more than "
                f"{_fmt(SINGLE_FIGURE_LIMIT)}"
            )
        else:
            i, j = new_tech[0]
            p = self.phases[i]
            what = f"phase {p.name!r}" if p.new_technology else f"item {p.items[j].label!r}"
            why = f"{what} is flagged as new technology"
        rule = (
            "a fixed-price project whose hours cannot be evaluated precisely (new technology, "
            "300+ hours) must be divided into phases, each with a min-max estimate"
        )
        if len(self.phases) < 2:
            raise _fail(
                f"{why}, so {rule}; this project has a single phase",
                ("phases", 0),
                hint="split the work items into two or more [[components.settings.phases]] "
                "tables (e.g. discovery, build, rollout), each item with min, likely and max",
            )
        for i, p in enumerate(self.phases):
            for j, it in enumerate(p.items):
                self._check_range(it, ("phases", i, "items", j), f"{why}, so {rule}")
        for k, cr in enumerate(self.change_requests):
            self._check_change_rule(k, cr)

    def _check_change_rule(self, k: int, cr: ChangeRequest) -> None:
        likely = sum((it.mode for it in cr.items), Decimal(0))
        if likely > SINGLE_FIGURE_LIMIT:
            why = (
                f"change request {cr.id!r} is {_fmt(likely)} hours most likely, more than "
                f"{_fmt(SINGLE_FIGURE_LIMIT)}"
            )
            for j, it in enumerate(cr.items):
                self._check_range(
                    it,
                    ("change_requests", k, "items", j),
                    f"{why}, so its hours need min-max ranges",
                )
        for j, it in enumerate(cr.items):
            if it.new_technology:
                self._check_range(
                    it,
                    ("change_requests", k, "items", j),
                    f"item {it.label!r} of change request {cr.id!r} is flagged as new technology, "
                    "so its hours need a min-max range",
                )

    @staticmethod
    def _check_range(item: WorkItem, path: tuple[str | int, ...], why: str) -> None:
        if item.hours is not None:
            h = _fmt(item.hours)
            raise _fail(
                f"item {item.label!r} has a single-figure estimate (hours = {h}), which is not "
                f"accepted here: {why}",
                (*path, "hours"),
                hint=f"replace hours = {h} with a range: min = ..., likely = {h}, max = ...",
            )
        if item.min == item.max:
            raise _fail(
                f"item {item.label!r} has min = max = {_fmt(item.low)}, a single figure in "
                f"disguise: {why}",
                (*path, "max"),
                hint="give the range you really expect: min < max",
            )

    # -- payments -----------------------------------------------------------------------------

    def _check_milestones(self) -> None:
        self._check_payments(
            self.milestones, ("milestones",), self.phase_names, self.contract_price, "the price"
        )
        for k, cr in enumerate(self.change_requests):
            self._check_payments(
                cr.payments,
                ("change_requests", k, "payments"),
                (*self.phase_names, cr.id),
                cr.price,
                f"the price of {cr.id!r}",
            )

    @staticmethod
    def _check_payments(
        payments: tuple[Payment, ...],
        path: tuple[str | int, ...],
        names: tuple[str, ...],
        price: Decimal | None,
        what: str,
    ) -> None:
        seen: set[str] = set()
        for i, pay in enumerate(payments):
            if pay.name in seen:
                raise _fail(f"two milestones are named {pay.name!r}", (*path, i, "name"))
            seen.add(pay.name)
            if pay.on_acceptance is not None and pay.on_acceptance not in names:
                raise _fail(
                    f"milestone {pay.name!r} is due on acceptance of {pay.on_acceptance!r}, "
                    "which is not a phase of this component",
                    (*path, i, "on_acceptance"),
                    hint=f"use one of: {', '.join(names)}",
                )
        percents = [p.percent for p in payments if p.percent is not None]
        amounts = sum((p.amount for p in payments if p.amount is not None), Decimal(0))
        if percents and sum(percents) != 100:
            listed = " + ".join(_fmt(p) for p in percents)
            first = next(i for i, p in enumerate(payments) if p.percent is not None)
            raise _fail(
                f"milestone percentages sum to {_fmt(sum(percents, Decimal(0)))}, not 100 "
                f"({listed})",
                (*path, first, "percent"),
                hint="percentages share "
                + what
                + (" left after the fixed amounts" if amounts else "")
                + "; make them add up to 100",
            )
        if price is not None and amounts:
            if amounts > price:
                raise _fail(
                    f"milestone amounts sum to {_fmt(amounts)}, more than {what} ({_fmt(price)})",
                    path,
                )
            if not percents and amounts != price:
                raise _fail(
                    f"milestone amounts sum to {_fmt(amounts)}, but {what} is {_fmt(price)}",
                    path,
                    hint="make the amounts add up to the price, or give one milestone a "
                    "percent to take the rest",
                )

    # -- team ---------------------------------------------------------------------------------

    def _check_team(self) -> None:
        if not self.team or not any(m.fte > 0 for m in self.team):
            raise _fail(
                "the fixed team has no capacity: "
                + ("no team members are listed" if not self.team else "every allocation is 0 FTE"),
                ("team", 0, "fte") if self.team else ("team",),
                hint='add [[components.settings.team]] entries such as role = "developer", fte = 1',
            )
        staffed = {m.role for m in self.team if m.fte > 0}
        for i, p in enumerate(self.phases):
            for j, it in enumerate(p.items):
                if it.role not in staffed:
                    raise _fail(
                        f"no one in the fixed team has role {it.role!r} (item {it.label!r})",
                        ("phases", i, "items", j, "role"),
                        hint=f"team roles: {', '.join(sorted(staffed))}; add a team member "
                        "with this role or change the item's role",
                    )
        for k, cr in enumerate(self.change_requests):
            for j, it in enumerate(cr.items):
                if it.role not in staffed:
                    raise _fail(
                        f"no one in the fixed team has role {it.role!r} (change request {cr.id!r})",
                        ("change_requests", k, "items", j, "role"),
                        hint=f"team roles: {', '.join(sorted(staffed))}",
                    )

    # -- against the component's dates --------------------------------------------------------

    def check_component(self, component: engagekit.Component) -> None:
        """Dates in the settings must lie in the component's timeframe."""
        first, last = component.start, component.end
        span = f"{first} .. {last}"

        def inside(value: date | None, path: tuple[str | int, ...], what: str) -> None:
            if value is not None and not first <= value <= last:
                raise _fail(
                    f"{what} ({value}) is outside the component's timeframe {span}",
                    path,
                    hint="a fixed price has a fixed timeframe: move the date inside it, or "
                    "change the component's start/end",
                )

        with_end = [p.end is not None for p in self.phases]
        if any(with_end) and not all(with_end):
            i = with_end.index(False)
            raise _fail(
                f"phase {self.phases[i].name!r} has no end date while other phases have one",
                ("phases", i, "end"),
                hint="give end for every phase, or for none (then phases are planned one after "
                "the other in proportion to their expected hours)",
            )
        for i, p in enumerate(self.phases):
            inside(p.start, ("phases", i, "start"), f"start of phase {p.name!r}")
            inside(p.end, ("phases", i, "end"), f"end of phase {p.name!r}")
        for i, m in enumerate(self.milestones):
            inside(m.due, ("milestones", i, "due"), f"due date of milestone {m.name!r}")
        for i, t in enumerate(self.team):
            inside(t.start, ("team", i, "start"), f"start of {t.who}")
            inside(t.end, ("team", i, "end"), f"end of {t.who}")
        for k, cr in enumerate(self.change_requests):
            inside(
                cr.approved,
                ("change_requests", k, "approved"),
                f"approval of change request {cr.id!r}",
            )
            inside(cr.start, ("change_requests", k, "start"), f"start of {cr.id!r}")
            inside(cr.end, ("change_requests", k, "end"), f"end of {cr.id!r}")
            for i, m in enumerate(cr.payments):
                inside(
                    m.due,
                    ("change_requests", k, "payments", i, "due"),
                    f"due date of {cr.id!r} payment {m.name!r}",
                )


#: A settings table that validates, for ``engage init``.
EXAMPLE: dict[str, Any] = {
    "target_confidence": 80,
    "risk_buffer": Decimal(5),
    "margin": Decimal(20),
    "round_to": Decimal(100),
    "retention": Decimal(5),
    "phases": [
        {
            "name": "design",
            "items": [
                {"name": "workshops", "role": "lead", "min": 16, "likely": 24, "max": 40},
                {"name": "specification", "role": "developer", "min": 24, "likely": 32, "max": 56},
            ],
        },
        {
            "name": "build",
            "items": [
                {"name": "features", "role": "developer", "min": 120, "likely": 160, "max": 260},
                {
                    "name": "new payment API",
                    "role": "developer",
                    "min": 24,
                    "likely": 40,
                    "max": 90,
                    "new_technology": True,
                },
            ],
        },
    ],
    "milestones": [
        {"name": "design accepted", "percent": 40, "on_acceptance": "design"},
        {"name": "delivery", "percent": 60, "on_acceptance": "build"},
    ],
    "team": [
        {"role": "lead", "person": "Lea", "fte": Decimal("0.2")},
        {"role": "developer", "person": "Dev", "fte": 1},
    ],
}
