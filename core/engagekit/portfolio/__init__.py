"""The portfolio: one operation over every project of a workspace, in one process, over a
local process pool, or on a Dask cluster; and the firm-wide roster of people that staffing,
utilisation and rates span.

``run_portfolio(files, Operation("bill", period="2026-03"))`` is the public face.
"""

from engagekit.portfolio.operations import KINDS, Operation
from engagekit.portfolio.runner import (
    EngineSpec,
    PortfolioResult,
    ProjectFailure,
    ProjectResult,
    run_portfolio,
)

__all__ = [
    "KINDS",
    "EngineSpec",
    "Operation",
    "PortfolioResult",
    "ProjectFailure",
    "ProjectResult",
    "run_portfolio",
]
