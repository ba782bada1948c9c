"""attrs validators for settings classes, with messages that say what is accepted.

Plugins use them on their settings classes; the project loader adds the key path and file line.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engagekit.errors import InputError

__all__ = ["between", "non_blank", "non_negative", "percentage", "positive", "target_percentage"]


def _fail(attribute: Any, message: str, hint: str | None = None) -> InputError:
    return InputError(message, field=attribute.name, hint=hint)


def non_negative(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and value < 0:
        raise _fail(attribute, f"must not be negative (got {value})")


def positive(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and value <= 0:
        raise _fail(attribute, f"must be greater than zero (got {value})")


def percentage(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise _fail(attribute, f"must be a percentage between 0 and 100 (got {value})")


def between(lo: Any, hi: Any) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None and not lo <= value <= hi:
            raise _fail(attribute, f"must be between {lo} and {hi} (got {value})")

    return check


def target_percentage(instance: Any, attribute: Any, value: Any) -> None:
    """A service-level target: above 0% (which any service meets) and at most 100%."""
    percentage(instance, attribute, value)
    if value is not None and value == 0:
        raise _fail(
            attribute,
            "a target of 0% is met by any service, however bad",
            hint="give the share you promise, e.g. 95",
        )


def non_blank(instance: Any, attribute: Any, value: Any) -> None:
    """A name (of a person, a role) that is not only spaces; None stays allowed."""
    if value is not None and not str(value).strip():
        raise _fail(attribute, f"is blank ({value!r})", hint="write the name, or leave the key out")
