"""The cap's own check, which ``validate`` makes without the rest of billing (its import
brings the ledger's warnings, the expenses and the timesheet stream)."""

from __future__ import annotations

import engagekit
from engagekit_time_material.settings import Settings

__all__ = ["check_cap"]


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
