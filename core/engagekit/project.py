"""Projects and their components: what the project file describes, in domain terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from engagekit.calendar import Calendar
from engagekit.errors import InputError
from engagekit.money import Money, quantum
from engagekit.ratecard import RateCard
from engagekit.vat import Vat

__all__ = ["STAGES", "AdjustmentSpec", "Component", "Project"]

#: ``engagekit.period.LAST_DAY``: not imported from there, as loading a project needs no
#: periods (``engage validate``); a test compares the two.
LAST_DAY = date(9998, 12, 31)


@attrs.frozen
class Component:
    """One part of a project under one collaboration model, from ``start`` to ``end`` inclusive.

    ``settings`` is an instance of the settings class the model registered.
    """

    name: str
    model: str
    start: date
    end: date
    settings: Any = None
    description: str = ""
    #: The VAT category of this component's lines (``[components.vat]``); None: the project's.
    vat: Vat | None = None

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise InputError("a component needs a name (it is blank)", field="name")
        if self.end > LAST_DAY:
            raise InputError(
                f"component {self.name!r} ends after {LAST_DAY}",
                field="end",
                hint=f"engagekit handles dates up to {LAST_DAY}",
            )
        if self.end < self.start:
            raise InputError(
                f"component {self.name!r} ends ({self.end}) before it starts ({self.start})",
                field="end",
            )


#: The order in which invoice adjustments apply: all discounts, then surcharges, then fees,
#: then taxes; within a stage, by name. Each sees the running total the stages before it left.
#: (Here, beside the adjustment the project file gives, so that reading a project does not
#: import the results; ``engagekit.results.STAGES`` is the same.)
STAGES: dict[str, int] = {"discount": 100, "surcharge": 200, "fee": 300, "tax": 400}


@attrs.frozen
class AdjustmentSpec:
    """A project-level adjustment from the project file: a percentage of the running total or
    a fixed amount, applied at ``stage`` (see ``engagekit.adjustments``)."""

    name: str
    stage: str
    percent: Decimal | None = None
    amount: Money | None = None
    components: tuple[str, ...] = ()
    min_subtotal: Decimal | None = None
    vat: Vat | None = None


@attrs.frozen
class Project:
    name: str
    currency: str = attrs.field(validator=lambda i, a, v: quantum(v))
    components: tuple[Component, ...]
    client: str = ""
    calendar: Calendar = attrs.Factory(Calendar)
    rate_card: RateCard | None = None
    adjustments: tuple[AdjustmentSpec, ...] = ()
    #: The VAT category of every line whose component has none (``[vat]``); None: the project
    #: bills without VAT categories (VAT, if any, as a ``tax`` adjustment).
    vat: Vat | None = None
    #: FTE the firm can staff per role, across all components (``[capacity]``).
    capacity: dict[str, Decimal] = attrs.field(factory=dict)
    source: Path | None = None
    base_dir: Path = attrs.Factory(Path.cwd)
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False)
    #: The roster of the workspace the project file lives in, when it lists people (an
    #: ``engagekit.portfolio.roster.Roster``, set by ``Engine.load_project``); None otherwise.
    #: A model checks the people its data files name with ``roster.check_rows(...)``.
    roster: Any = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for c in self.components:
            if c.name in seen:
                raise InputError(f"two components are named {c.name!r}", field="components")
            seen.add(c.name)

    def component(self, name: str) -> Component:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def start(self) -> date:
        return min(c.start for c in self.components)

    @property
    def end(self) -> date:
        return max(c.end for c in self.components)

    def resolve(self, path: str | Path) -> Path:
        """A data path from the project file, relative to the file's folder."""
        return (self.base_dir / path).resolve()

    def vat_of(self, component: str) -> Vat | None:
        """The VAT category of a component's lines: its own, else the project's."""
        for c in self.components:
            if c.name == component and c.vat is not None:
                return c.vat
        return self.vat

    def money(self, amount: Decimal | int | str) -> Money:
        return Money.of(amount, self.currency)
