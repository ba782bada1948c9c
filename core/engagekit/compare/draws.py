"""The common random numbers of a comparison: every work item's hours, drawn once per trial.

Each trial draws each uncertain item from its beta-PERT distribution (as the fixed-price model
does: ``min + (max - min) * Beta(1 + 4 (likely - min) / (max - min), 1 + 4 (max - likely) /
(max - min))``), each risk event happens with its probability, and the run phase's incidents of
each month are Poisson. Every proposal is settled on these same draws, so the differences
between models come from the models, never from noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs

from engagekit.compare.scope import Scope

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Column", "Draws", "draw"]


@attrs.frozen
class Column:
    """What one column of ``Draws.hours`` holds: a work item or a risk event."""

    kind: Literal["item", "risk"]
    name: str
    role: str
    phase: str


@attrs.frozen(eq=False)
class Draws:
    """Per-trial hours of each column (``(trials, columns)``) and run-phase incidents of each
    month (``(trials, run months)``, or None without a run phase)."""

    columns: tuple[Column, ...]
    hours: NDArray[np.float64]
    incidents: NDArray[np.float64] | None = None

    @property
    def trials(self) -> int:
        return int(self.hours.shape[0]) if self.incidents is None else int(self.incidents.shape[0])

    def part(self, scope: Scope) -> Draws:
        """The columns of ``scope``'s items and risks (a part of the scope drawn), and the
        incidents only if ``scope`` has the run phase."""
        wanted = {("item", it.name) for it in scope.items} | {("risk", r.name) for r in scope.risks}
        keep = [i for i, c in enumerate(self.columns) if (c.kind, c.name) in wanted]
        return Draws(
            tuple(self.columns[i] for i in keep),
            self.hours[:, keep],
            self.incidents if scope.run is not None else None,
        )

    def total_hours(self) -> NDArray[np.float64]:
        """Hours of every column, per trial."""
        import numpy as np

        out: NDArray[np.float64] = self.hours.sum(axis=1) if self.columns else np.zeros(self.trials)
        return out

    def role_hours(self) -> dict[str, NDArray[np.float64]]:
        """Hours per role, per trial."""
        return self._sum_by(lambda c: c.role)

    def phase_hours(self) -> dict[str, NDArray[np.float64]]:
        """Hours per phase, per trial, phases in the order they first appear."""
        return self._sum_by(lambda c: c.phase)

    def _sum_by(self, key: object) -> dict[str, NDArray[np.float64]]:
        import numpy as np

        groups: dict[str, list[int]] = {}
        for i, c in enumerate(self.columns):
            groups.setdefault(key(c), []).append(i)  # type: ignore[operator]
        if not groups:
            return {}
        weights = np.zeros((len(self.columns), len(groups)))
        for j, idx in enumerate(groups.values()):
            weights[idx, j] = 1.0
        sums = self.hours @ weights
        return {name: np.ascontiguousarray(sums[:, j]) for j, name in enumerate(groups)}


def draw(scope: Scope, *, trials: int, seed: int) -> Draws:
    """Draw ``trials`` trials of ``scope``: items, then risks, then incidents, from one
    ``numpy.random.Generator(PCG64(seed))``."""
    import numpy as np

    columns = [Column("item", it.name, it.role, it.phase) for it in scope.items]
    columns += [Column("risk", r.name, r.role, r.phase) for r in scope.risks]
    rng = np.random.Generator(np.random.PCG64(seed))
    low = np.array([float(it.min) for it in scope.items])
    mode = np.array([float(it.likely) for it in scope.items])
    high = np.array([float(it.max) for it in scope.items])
    hours = np.empty((trials, len(columns)))
    hours[:, : len(low)] = low
    varying = np.flatnonzero(high > low)
    if len(varying):
        lo, mo, hi = low[varying], mode[varying], high[varying]
        span = hi - lo
        alpha = 1 + 4 * (mo - lo) / span
        beta = 1 + 4 * (hi - mo) / span
        hours[:, varying] = lo + span * rng.beta(alpha, beta, size=(trials, len(varying)))
    if scope.risks:
        p = np.array([float(r.probability) for r in scope.risks])
        impact = np.array([float(r.impact) for r in scope.risks])
        hours[:, len(low) :] = (rng.random((trials, len(p))) < p) * impact
    incidents = None
    if scope.run is not None:
        incidents = rng.poisson(
            float(scope.run.incidents_per_month), size=(trials, scope.run.months)
        ).astype(np.float64)
    return Draws(tuple(columns), hours, incidents)
