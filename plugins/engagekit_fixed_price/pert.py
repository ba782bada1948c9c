"""PERT three-point estimates and the beta-PERT distribution behind the Monte Carlo.

For min ``a``, most likely ``m`` and max ``b``: expected value ``(a + 4m + b) / 6`` and standard
deviation ``(b - a) / 6``. The simulation draws each item from the beta-PERT distribution with
those three points: ``a + (b - a) * Beta(alpha, beta)`` where
``alpha = 1 + 4 (m - a) / (b - a)`` and ``beta = 1 + 4 (b - m) / (b - a)``, whose mean is exactly
the PERT expected value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["beta_parameters", "pert_mean", "pert_sd", "pert_variance_exact"]

SIX = Decimal(6)


def pert_mean(a: Decimal, m: Decimal, b: Decimal) -> Decimal:
    """The PERT expected value (a + 4m + b) / 6."""
    return (a + 4 * m + b) / SIX


def pert_sd(a: Decimal, m: Decimal, b: Decimal) -> Decimal:
    """The PERT standard deviation (b - a) / 6 (the classic rule of thumb)."""
    return (b - a) / SIX


def pert_variance_exact(a: float, m: float, b: float) -> float:
    """The variance of the beta-PERT distribution itself (not the (b - a)/6 rule).

    ``(mu - a)(b - mu) / 7`` with ``mu`` the PERT mean; equals ((b - a)/6)^2 when ``m`` is
    midway between ``a`` and ``b``.
    """
    mu = (a + 4 * m + b) / 6
    return (mu - a) * (b - mu) / 7


def beta_parameters(
    a: NDArray[np.float64], m: NDArray[np.float64], b: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The beta shape parameters of beta-PERT items (``b > a`` everywhere)."""
    span = b - a
    return 1 + 4 * (m - a) / span, 1 + 4 * (b - m) / span
