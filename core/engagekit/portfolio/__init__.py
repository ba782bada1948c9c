"""The portfolio: one operation over every project of a workspace, in one process, over a
local process pool, or on a Dask cluster; and the firm-wide roster of people that staffing,
utilisation and rates span.

``run_portfolio(files, Operation("bill", period="2026-03"))`` is the public face. Its names
are imported on first use, so that ``engage`` adding the portfolio's commands does not pay for
the runner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "KINDS",
    "EngineSpec",
    "Operation",
    "PortfolioResult",
    "ProjectFailure",
    "ProjectResult",
    "run_portfolio",
]

_LAZY = {
    "KINDS": "engagekit.portfolio.operations",
    "Operation": "engagekit.portfolio.operations",
    "EngineSpec": "engagekit.portfolio.runner",
    "PortfolioResult": "engagekit.portfolio.runner",
    "ProjectFailure": "engagekit.portfolio.runner",
    "ProjectResult": "engagekit.portfolio.runner",
    "run_portfolio": "engagekit.portfolio.runner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'engagekit.portfolio' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from engagekit.portfolio.operations import KINDS, Operation
    from engagekit.portfolio.runner import (
        EngineSpec,
        PortfolioResult,
        ProjectFailure,
        ProjectResult,
        run_portfolio,
    )
