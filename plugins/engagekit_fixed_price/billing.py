"""The bill hook: payment milestones that fall due in a period, retention, change requests.

- The price billed is ``contract_price`` when the settings give one, else the estimate's base
  price with the default seed and trials (reported in the bill's details).
- Fixed ``amount`` milestones are taken as they are; ``percent`` milestones share what is left
  of the price, split with ``Money.allocate`` so that all milestones sum to the price exactly.
- A milestone falls due on its ``due`` date, or on the day the client accepts its phase
  (acceptance file).
- Retention: ``retention`` percent of the milestones (of all of them, unless one falls due after
  the release), split over them in proportion to their amounts (so the parts add up exactly
  to the rounded total), is withheld on each as its own negative line
  (kind ``retention``) and released in one line (kind ``retention-release``) on the day of final
  acceptance plus ``retention_release_days``. Milestones due after that day are not retained.
- Change requests bill their own price by their own ``payments`` (default: all on their
  acceptance), without retention.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

import engagekit
from engagekit_fixed_price.settings import Payment, Settings
from engagekit_fixed_price.work import Plan, component_field

__all__ = ["Due", "allocate_payments", "bill_component", "billing_plan", "payment_schedule"]

MODEL = "fixed-price"


@attrs.frozen
class Due:
    """One payment of the schedule, with the date it falls due (None: not yet known)."""

    name: str
    kind: str  # milestone | change-request
    amount: engagekit.Money
    retention: engagekit.Money
    on: date | None
    basis: str
    scope: str  # the phase or change request it belongs to ("" for a dated base milestone)
    percent: Decimal | None = None


def allocate_payments(
    payments: Sequence[Payment], total: engagekit.Money, *, what: str = "the price"
) -> list[engagekit.Money]:
    """Amounts of ``payments`` that add up to ``total`` (rounded) exactly.

    Fixed amounts are rounded to the minor unit; the percentages share the rest by the
    largest-remainder method.
    """
    total = total.rounded()
    currency = total.currency
    fixed = [
        engagekit.Money(p.amount, currency).rounded() if p.amount is not None else None
        for p in payments
    ]
    fixed_sum = engagekit.Money.total((f for f in fixed if f is not None), currency)
    rest = total - fixed_sum
    percents = [p.percent for p in payments if p.percent is not None]
    if rest.amount < 0:
        raise engagekit.InputError(
            f"milestone amounts ({fixed_sum}) exceed {what} ({total})",
            field="milestones",
            hint="lower the amounts or raise the price",
        )
    if not percents:
        if rest.amount != 0:
            raise engagekit.InputError(
                f"milestone amounts add up to {fixed_sum}, but {what} is {total}",
                field="milestones",
                hint="give one milestone a percent to take the rest, or set contract_price",
            )
        return [f for f in fixed if f is not None]
    shares = iter(rest.allocate(percents))
    return [f if f is not None else next(shares) for f in fixed]


def _default_cr_payment(cr_id: str) -> Payment:
    return Payment(name=f"{cr_id} accepted", percent=Decimal(100), on_acceptance=cr_id)


def payment_schedule(
    settings: Settings,
    price: engagekit.Money,
    accepted: Mapping[str, date],
) -> tuple[list[Due], date | None]:
    """Every payment with its amount, retention and due date; and the retention release day."""
    currency = price.currency
    zero = engagekit.Money.zero(currency)
    milestones = settings.milestones or (
        Payment(name="final acceptance", percent=Decimal(100), on_acceptance=settings.final_phase),
    )
    amounts = allocate_payments(milestones, price)
    final = accepted.get(settings.final_phase)
    release = final + timedelta(days=settings.retention_release_days) if final else None
    dues = []
    for pay, amount in zip(milestones, amounts, strict=True):
        on = pay.due or accepted.get(pay.on_acceptance or "")
        basis = f"due {pay.due}" if pay.due else f"on acceptance of {pay.on_acceptance!r}"
        dues.append(
            Due(
                pay.name, "milestone", amount, zero, on, basis, pay.on_acceptance or "", pay.percent
            )
        )
    if settings.retention > 0:
        retained = [
            i for i, d in enumerate(dues) if release is None or d.on is None or d.on <= release
        ]
        weights = [dues[i].amount.to_units() for i in retained]
        if retained and any(weights):
            base = engagekit.Money.total((dues[i].amount for i in retained), currency)
            total = (base * settings.retention / 100).rounded()
            for i, part in zip(retained, total.allocate(weights), strict=True):
                dues[i] = attrs.evolve(dues[i], retention=part)
    for cr in settings.change_requests:
        payments = cr.payments or (_default_cr_payment(cr.id),)
        cr_amounts = allocate_payments(
            payments,
            engagekit.Money(cr.price, currency),
            what=f"the price of change request {cr.id!r}",
        )
        for pay, amount in zip(payments, cr_amounts, strict=True):
            on = pay.due or accepted.get(pay.on_acceptance or "")
            basis = f"due {pay.due}" if pay.due else f"on acceptance of {pay.on_acceptance!r}"
            dues.append(
                Due(pay.name, "change-request", amount, zero, on, basis, cr.id, pay.percent)
            )
    return dues, release


def contract_price(
    project: engagekit.Project, component: engagekit.Component
) -> tuple[engagekit.Money, str]:
    """The base-scope price billed by the milestones, and where it comes from."""
    settings: Settings = component.settings
    if settings.contract_price is not None:
        return engagekit.Money(
            settings.contract_price, project.currency
        ).rounded(), "contract_price"
    from engagekit_fixed_price.estimation import estimate_component

    options = engagekit.EstimateOptions()
    est = estimate_component(project, component, options)
    base = est.details["price_build_up"]["base_price"]
    return (
        engagekit.Money(base, project.currency),
        f"estimate (seed {options.seed}, {options.trials} trials); set contract_price to fix it",
    )


def component_schedule(
    project: engagekit.Project,
    component: engagekit.Component,
    price: engagekit.Money,
    accepted: Mapping[str, date],
) -> tuple[list[Due], date | None]:
    """``payment_schedule`` of the component, its errors placed at the settings key."""
    try:
        return payment_schedule(component.settings, price, accepted)
    except engagekit.InputError as err:
        raise engagekit.InputError(
            err.message,
            where=project.source,
            field=component_field(project, component, err.field or "milestones"),
            hint=err.hint,
        ) from None


def bill_component(
    project: engagekit.Project, component: engagekit.Component, period: engagekit.Period
) -> engagekit.ComponentBill:
    from engagekit_fixed_price.importers import read_acceptances
    from engagekit_fixed_price.work import build_plan

    settings: Settings = component.settings
    price, source = contract_price(project, component)
    accepted = {name: a.accepted for name, a in read_acceptances(component).items()}
    dues, release = component_schedule(project, component, price, accepted)
    lines: list[engagekit.InvoiceLine] = []
    ordered = sorted(
        (d for d in dues if d.on is not None and d.on in period),
        key=lambda d: (d.on, d.kind != "milestone"),
    )
    for d in ordered:
        lines.append(_line(component, d))
        if d.retention:
            lines.append(_retention_line(component, d, settings.retention))
    withheld = [d for d in dues if d.retention and d.on is not None]
    if release is not None and release in period:
        released = engagekit.Money.total(
            (d.retention for d in withheld if d.on is not None and d.on <= release),
            price.currency,
        )
        if released:
            lines.append(
                engagekit.InvoiceLine(
                    component=component.name,
                    description=f"Retention released on final acceptance of "
                    f"{settings.final_phase!r}",
                    quantity=Decimal(1),
                    unit="release",
                    unit_price=released,
                    amount=released,
                    kind="retention-release",
                    details={"released_on": release, "milestones": [d.name for d in withheld]},
                )
            )
    warnings = _warnings(settings, component, project, dues, period)
    released_by_end = release is not None and release < period.end
    held = engagekit.Money.total(
        (
            d.retention
            for d in withheld
            if d.on is not None and d.on < period.end and not released_by_end
        ),
        price.currency,
    )
    plan = build_plan(settings, component, project.calendar)
    details: dict[str, Any] = {
        "price": price,
        "price_source": source,
        "retention_percent": settings.retention,
        "retention_held_after_period": held,
        "retention_release": release,
        "schedule": [
            {
                "name": d.name,
                "kind": d.kind,
                "scope": d.scope,
                "basis": d.basis,
                "percent": d.percent,
                "amount": d.amount,
                "retention": d.retention,
                "due": d.on,
                "planned": _planned(plan, d),
                "status": _status(d, period),
            }
            for d in dues
        ],
        # every payment by its date or plan: the report projects the months after the data
        "billing_plan": billing_plan(settings, dues, release, plan),
    }
    return engagekit.ComponentBill(
        component=component.name,
        model=MODEL,
        lines=tuple(lines),
        details=details,
        warnings=tuple(warnings),
    )


def billing_plan(
    settings: Settings, dues: Sequence[Due], release: date | None, plan: Plan
) -> list[dict[str, Any]]:
    """What the milestones bill, by the plan: each on its date, on acceptance where the client
    has accepted, else at the planned end of its phase (``pending``: the data hasn't decided
    it yet); net of retention, which comes back on the release day (final acceptance, actual
    or planned, plus the release days)."""
    out: list[dict[str, Any]] = []

    def add(day: date, amount: engagekit.Money, what: str, pending: bool) -> None:
        out.append(
            {"month": f"{day:%Y-%m}", "date": day, "amount": amount, "basis": what,
             "pending": pending}
        )  # fmt: skip

    for d in dues:
        on = d.on or _planned(plan, d)
        if on is not None:
            add(on, d.amount - d.retention, f"milestone {d.name!r}", d.on is None)
    pending = release is None
    if release is None:
        try:
            release = plan.group(settings.final_phase).end + timedelta(
                days=settings.retention_release_days
            )
        except KeyError:
            release = None
    currency = dues[0].amount.currency if dues else None
    held = engagekit.Money.total((d.retention for d in dues), currency) if currency else None
    if release is not None and held:
        add(release, held, "retention release", pending)
    return sorted(out, key=lambda e: e["date"])


def _planned(plan: Plan, due: Due) -> date | None:
    if due.basis.startswith("due "):
        return due.on
    try:
        return plan.group(due.scope).end
    except KeyError:
        return None


def _status(due: Due, period: engagekit.Period) -> str:
    if due.on is None:
        return "awaiting acceptance"
    if due.on < period.start:
        return "billed before"
    if due.on in period:
        return "billed"
    return "scheduled"


def _line(component: engagekit.Component, due: Due) -> engagekit.InvoiceLine:
    share = f"{due.percent.normalize():f}% " if due.percent is not None else ""
    what = "Change request" if due.kind == "change-request" else "Milestone"
    scope = f" ({due.scope})" if due.kind == "change-request" else ""
    return engagekit.InvoiceLine(
        component=component.name,
        description=f"{what} {due.name!r}{scope}: {share}{due.basis}".replace("  ", " "),
        quantity=Decimal(1),
        unit="milestone",
        unit_price=due.amount,
        amount=due.amount,
        kind=due.kind,
        details={
            "milestone": due.name,
            "scope": due.scope,
            "percent": due.percent,
            "due": due.on,
            "basis": due.basis,
        },
    )


def _retention_line(
    component: engagekit.Component, due: Due, percent: Decimal
) -> engagekit.InvoiceLine:
    amount = -due.retention
    return engagekit.InvoiceLine(
        component=component.name,
        description=f"Retention {percent.normalize():f}% withheld on {due.name!r} until final "
        "acceptance",
        quantity=Decimal(1),
        unit="retention",
        unit_price=amount,
        amount=amount,
        kind="retention",
        details={"milestone": due.name, "percent": percent},
    )


def _warnings(
    settings: Settings,
    component: engagekit.Component,
    project: engagekit.Project,
    dues: list[Due],
    period: engagekit.Period,
) -> list[str]:
    from engagekit_fixed_price.work import build_plan

    plan = build_plan(settings, component, project.calendar)
    out = []
    for d in dues:
        if d.on is not None or not d.scope:
            continue
        try:
            group = plan.group(d.scope)
        except KeyError:
            continue
        if group.end < period.end:
            out.append(
                f"milestone {d.name!r} awaits acceptance of {d.scope!r}, planned for {group.end}"
            )
    return out
