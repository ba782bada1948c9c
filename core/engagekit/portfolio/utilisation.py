"""``engage staff --all``: people across projects, month by month.

From every project's staffing (planned FTE per person or role and month, open seats) and its
actual billable hours, against the roster's capacity: utilisation per person and month, the
bench (capacity on no project), over-allocation across projects, open demand by role, and what
to hire by month (open demand the bench of that role can't cover).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from engagekit.engine import OVER_ALLOCATION_TOLERANCE
from engagekit.output import decimal_text
from engagekit.period import Period
from engagekit.portfolio.roster import Person, Roster
from engagekit.portfolio.runner import PortfolioResult, ProjectFailure

__all__ = ["Utilisation", "utilisation_of"]

Q2 = Decimal("0.01")
#: A gap's part below this is no hire: a few hours a week are overtime or a contractor's, and
#: "hire 1" for 0.05 FTE of open demand reads as a person nobody needs.
HIRE_FROM = Decimal("0.25")


def people_to_hire(gap: Decimal) -> int:
    """Whole people for ``gap`` FTE: rounded up, except a remainder under ``HIRE_FROM``
    (1.5 -> 2, 1.1 -> 1, 0.3 -> 1, 0.1 -> 0)."""
    whole = int(gap // 1)
    return whole + (1 if gap - whole >= HIRE_FROM else 0)


def _month_bounds(label: str) -> tuple[date, date]:
    p = Period.parse(label)
    return p.start, p.last


@attrs.frozen
class Cell:
    person: str
    month: str
    capacity_fte: Decimal
    capacity_hours: Decimal
    planned_fte: Decimal
    planned_hours: Decimal
    actual_hours: Decimal
    projects: tuple[str, ...]

    @property
    def utilisation(self) -> Decimal | None:
        return (
            (self.planned_hours / self.capacity_hours * 100).quantize(Decimal("0.1"))
            if self.capacity_hours
            else None
        )

    @property
    def actual_utilisation(self) -> Decimal | None:
        return (
            (self.actual_hours / self.capacity_hours * 100).quantize(Decimal("0.1"))
            if self.capacity_hours
            else None
        )

    @property
    def bench_fte(self) -> Decimal:
        return max(Decimal(0), self.capacity_fte - self.planned_fte)


@attrs.frozen
class Utilisation:
    months: tuple[str, ...]
    cells: tuple[Cell, ...]
    over: tuple[tuple[str, str, Decimal, Decimal, tuple[str, ...]], ...]
    demand: tuple[tuple[str, str, Decimal], ...]
    hires: tuple[tuple[str, str, Decimal, int], ...]
    failures: tuple[ProjectFailure, ...]
    has_roster: bool

    def bench(self) -> list[Cell]:
        return [c for c in self.cells if c.bench_fte > OVER_ALLOCATION_TOLERANCE]

    def doc(self) -> dict[str, Any]:
        return {
            "months": list(self.months),
            "people": [
                {
                    "person": c.person,
                    "month": c.month,
                    "capacity_fte": decimal_text(c.capacity_fte),
                    "capacity_hours": decimal_text(c.capacity_hours.quantize(Q2)),
                    "planned_fte": decimal_text(c.planned_fte.quantize(Q2)),
                    "planned_hours": decimal_text(c.planned_hours.quantize(Q2)),
                    "actual_hours": decimal_text(c.actual_hours.quantize(Q2)),
                    "utilisation_percent": _t(c.utilisation),
                    "actual_utilisation_percent": _t(c.actual_utilisation),
                    "bench_fte": decimal_text(c.bench_fte.quantize(Q2)),
                    "projects": list(c.projects),
                }
                for c in self.cells
            ],
            "over_allocated": [
                {
                    "person": p,
                    "month": m,
                    "planned_fte": decimal_text(f.quantize(Q2)),
                    "capacity_fte": decimal_text(cap),
                    "projects": list(projects),
                }
                for p, m, f, cap, projects in self.over
            ],
            "open_demand": [
                {"role": r, "month": m, "fte": decimal_text(f.quantize(Q2))}
                for r, m, f in self.demand
            ],
            "hire": [
                {"role": r, "month": m, "fte": decimal_text(f.quantize(Q2)), "people": n}
                for r, m, f, n in self.hires
            ],
        }

    def print(self, console: Any) -> None:
        from engagekit.fit import Col, print_table

        cols = [
            Col("person"), Col("month", nowrap=True), Col("capacity h", numeric=True, optional=3),
            Col("planned h", numeric=True), Col("actual h", numeric=True),
            Col("planned %", numeric=True, optional=4), Col("actual %", numeric=True, optional=5),
            Col("bench FTE", numeric=True, optional=2), Col("projects", optional=1),
        ]  # fmt: skip
        rows = [
            (
                c.person,
                c.month,
                decimal_text(c.capacity_hours.quantize(Q2)),
                decimal_text(c.planned_hours.quantize(Q2)),
                decimal_text(c.actual_hours.quantize(Q2)),
                _t(c.utilisation) or "",
                _t(c.actual_utilisation) or "",
                decimal_text(c.bench_fte.quantize(Q2)),
                ", ".join(c.projects),
            )
            for c in self.cells
            if c.planned_fte or c.actual_hours
        ]
        print_table(
            console,
            "Utilisation per person and month (planned / actual billable vs capacity)",
            cols,
            rows,
        )
        bench = self.bench()
        if self.has_roster:
            per_month: dict[str, list[str]] = defaultdict(list)
            for c in bench:
                per_month[c.month].append(f"{c.person} {decimal_text(c.bench_fte.quantize(Q2))}")
            console.print("Bench (FTE on no project):")
            for month in self.months:
                names = per_month.get(month)
                if names:
                    console.print(
                        f"  {month}: {len(names)} people: "
                        + ", ".join(names[:12])
                        + (" ..." if len(names) > 12 else "")
                    )
        for person, month, fte, cap, projects in self.over:
            console.print(
                f"over-allocated: {person} in {month}: {decimal_text(fte.quantize(Q2))} FTE "
                f"(capacity {decimal_text(cap)}) across {', '.join(projects)}"
            )
        if self.demand:
            hires = {(r, m): n for r, m, _f, n in self.hires}
            print_table(
                console,
                "Open demand by role and month (FTE)",
                [Col("role"), Col("month", nowrap=True), Col("open FTE", numeric=True),
                 Col("hire", numeric=True)],
                [
                    (role, month, decimal_text(fte.quantize(Q2)), str(hires.get((role, month), "-")))
                    for role, month, fte in self.demand
                ],
                caption=f"hire: people for what the bench can't cover, rounded up; under "
                f"{HIRE_FROM} FTE left over is overtime or a contractor, no hire (-)",
            )  # fmt: skip


def _t(value: Decimal | None) -> str | None:
    return decimal_text(value) if value is not None else None


def utilisation_of(workspace: Any, result: PortfolioResult) -> Utilisation:
    """The cross-project view of a ``staff`` portfolio run; ``workspace.people`` is the roster."""
    roster: Roster | None = getattr(workspace, "people", None)
    has_roster = bool(roster)
    planned: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    projects_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    actual: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    demand: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    failures: list[ProjectFailure] = []
    months: set[str] = set()

    def person_id(ref: str) -> str | None:
        if roster is None or not has_roster:
            return ref
        p = roster.find(ref)
        return p.id if p else None

    for r in result.results:
        s = r.summary
        unknown = sorted(
            {
                row["person"]
                for row in [*s["planned"], *s.get("actual_hours", [])]
                if row.get("person") and person_id(row["person"]) is None
            }
        )
        if unknown:
            failures.append(
                ProjectFailure(
                    r.file,
                    f"{r.file}: {', '.join(repr(u) for u in unknown)} "
                    f"{'is' if len(unknown) == 1 else 'are'} not in the workspace's roster "
                    f"(add them to [[people]] in {workspace.file}, or refer to them by id)",
                    r.project,
                )
            )
            continue
        for row in s["planned"]:
            months.add(row["month"])
            if row["person"]:
                key = (person_id(row["person"]) or row["person"], row["month"])
                planned[key] += Decimal(row["fte"])
                projects_of[key].add(r.project)
        for row in s.get("actual_hours", []):
            key = (person_id(row["person"]) or row["person"], row["month"])
            actual[key] += Decimal(row["hours"])
            projects_of[key].add(r.project)
            months.add(row["month"])
        for row in s["open"]:
            demand[(row["role"], row["month"])] += Decimal(row["fte"])
            months.add(row["month"])

    ordered = tuple(sorted(months))
    people: dict[str, Person | None] = {}
    if roster is not None and has_roster:
        people = {p.id: p for p in roster.people}
    for key in (*planned, *actual):
        people.setdefault(key[0], None)

    cells: list[Cell] = []
    over = []

    def label_of(pid: str) -> str:
        person = people[pid]
        return person.name if person else pid

    for pid in sorted(people, key=label_of):
        person = people[pid]
        label = person.name if person else pid
        for month in ordered:
            first, last = _month_bounds(month)
            cap_h = person.capacity_hours(first, last) if person else Decimal(0)
            full_h = (
                person.capacity_hours(first, last) / person.fte
                if person and person.fte
                else Decimal(0)
            )
            cap_fte = person.fte if person and cap_h else Decimal(0)
            fte = planned.get((pid, month), Decimal(0))
            if not (cap_h or fte or actual.get((pid, month))):
                continue
            cells.append(
                Cell(
                    label, month, cap_fte, cap_h, fte, fte * full_h,
                    actual.get((pid, month), Decimal(0)), tuple(sorted(projects_of.get((pid, month), ()))),
                )
            )  # fmt: skip
            # Planned beyond the person's FTE, or at all outside their start..end, is too much.
            limit = cap_fte if person else Decimal(1)
            if fte > limit + OVER_ALLOCATION_TOLERANCE:
                over.append((label, month, fte, limit, tuple(sorted(projects_of[(pid, month)]))))

    bench_by_role: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for c in cells:
        person = roster.find(c.person) if roster is not None and has_roster else None
        if person is not None and c.bench_fte > 0:
            for role in person.roles:
                bench_by_role[(role, c.month)] += c.bench_fte
    hires = []
    for (role, month), fte in sorted(demand.items()):
        gap = fte - bench_by_role.get((role, month), Decimal(0))
        if gap > OVER_ALLOCATION_TOLERANCE and people_to_hire(gap):
            hires.append((role, month, gap, people_to_hire(gap)))
    return Utilisation(
        ordered,
        tuple(cells),
        tuple(over),
        tuple((r, m, f) for (r, m), f in sorted(demand.items())),
        tuple(hires),
        tuple(failures),
        has_roster,
    )
