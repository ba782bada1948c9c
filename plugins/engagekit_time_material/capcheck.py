"""What ``validate`` needs of billing and of the forecast without importing them: the cap's
own check, the plan's warnings against the cap, a component's settings (billing's import
brings the ledger's warnings, the expenses and the timesheet stream; the forecast's the
ledger and its checks)."""

from __future__ import annotations

from decimal import Decimal

import engagekit
from engagekit_time_material.settings import Settings

__all__ = ["check_cap", "plan_over_cap", "settings_of", "where_of"]


def check_cap(settings: Settings, currency: str, where: str) -> None:
    cap = settings.cap
    if cap is not None and cap.money is not None:
        q = engagekit.quantum(currency)
        if cap.money != cap.money.quantize(q):
            raise engagekit.InputError(
                f"cap.money {cap.money} has more decimals than {currency} has",
                where=where,
                field="cap.money",
                hint=f"give the cap in whole {q} of {currency}",
            )


def where_of(project: engagekit.Project) -> str:
    return str(project.source) if project.source else project.name


def settings_of(component: engagekit.Component) -> Settings:
    settings = component.settings
    if settings is None:
        return Settings()
    if not isinstance(settings, Settings):
        raise engagekit.PluginError(
            f"component {component.name!r}: settings are {type(settings).__name__}, expected "
            "time-material settings"
        )
    settings.check_component(component)
    return settings


def plan_over_cap(settings: Settings, price: Decimal, hours: Decimal, cur: str) -> list[str]:
    """Warnings for a plan that bills more than the cap allows (the cap would withhold it)."""
    cap = settings.cap
    out: list[str] = []
    if cap is None:
        return out
    if cap.money is not None and price > cap.money:
        out.append(
            f"the team plan bills {engagekit.Money(price, cur).rounded()}, "
            f"{price / cap.money * 100:.0f}% of the cap of "
            f"{engagekit.Money(cap.money, cur).rounded()}: "
            "the cap would withhold the rest; plan fewer FTE or raise the cap"
        )
    if cap.hours is not None and hours > cap.hours:
        out.append(
            f"the team plan has {hours.quantize(Decimal('0.01'))} hours, "
            f"{hours / cap.hours * 100:.0f}% of the cap of {cap.hours} hours"
        )
    return out
