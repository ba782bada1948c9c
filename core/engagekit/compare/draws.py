"""The common random numbers of a comparison: every work item's hours, drawn once per trial.

Each trial draws each uncertain item from its beta-PERT distribution (as the fixed-price model
does: ``min + (max - min) * Beta(1 + 4 (likely - min) / (max - min), 1 + 4 (max - likely) /
(max - min))``), each risk event happens with its probability, and the run phase's incidents of
each month are Poisson. Every proposal is settled on these same draws, so the differences
between models come from the models, never from noise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import attrs

from engagekit.compare.scope import Scope

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Column", "Draws", "draw"]

#: OpenBLAS goes multi-threaded above m * n * k = 4 * 65536 (see the fixed-price simulation).
_SINGLE_THREAD_MNK = 4 * 65536


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
    _sums: dict[str, dict[str, NDArray[np.float64]]] = attrs.field(
        factory=dict, init=False, repr=False
    )
    _parts: dict[tuple[frozenset[tuple[str, str]], bool], Draws] = attrs.field(
        factory=dict, init=False, repr=False
    )
    #: What helpers computed from these draws (``work_by_month``), so that proposals that ask
    #: for the same thing pay for it once.
    memo: dict[object, object] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def trials(self) -> int:
        return int(self.hours.shape[0]) if self.incidents is None else int(self.incidents.shape[0])

    def part(self, scope: Scope) -> Draws:
        """The columns of ``scope``'s items and risks (a part of the scope drawn), and the
        incidents only if ``scope`` has the run phase."""
        wanted = frozenset(
            {("item", it.name) for it in scope.items} | {("risk", r.name) for r in scope.risks}
        )
        key = (wanted, scope.run is not None)
        if key not in self._parts:
            keep = [i for i, c in enumerate(self.columns) if (c.kind, c.name) in wanted]
            incidents = self.incidents if scope.run is not None else None
            if len(keep) == len(self.columns) and incidents is self.incidents:
                return self
            # Columns are in phase order, so the phases of a mix are a view, not a copy.
            contiguous = keep and keep == list(range(keep[0], keep[-1] + 1))
            hours = self.hours[:, keep[0] : keep[-1] + 1] if contiguous else self.hours[:, keep]
            self._parts[key] = Draws(tuple(self.columns[i] for i in keep), hours, incidents)
        return self._parts[key]

    def dot(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        """``hours @ weights`` (a vector or a ``(columns, k)`` matrix) in blocks of trials small
        enough for OpenBLAS to stay on one thread: thin products are fastest so, above all on
        a busy machine."""
        import numpy as np

        k = 1 if weights.ndim == 1 else int(weights.shape[1])
        if k == 1:
            return self.hours @ weights
        step = max(16, _SINGLE_THREAD_MNK // max(1, len(self.columns) * k))
        out = np.empty((self.trials, k))
        for first in range(0, self.trials, step):
            out[first : first + step] = self.hours[first : first + step] @ weights
        return out

    def total_hours(self) -> NDArray[np.float64]:
        """Hours of every column, per trial."""
        import numpy as np

        out: NDArray[np.float64] = self.hours.sum(axis=1) if self.columns else np.zeros(self.trials)
        return out

    def role_hours(self) -> dict[str, NDArray[np.float64]]:
        """Hours per role, per trial (computed once per draws)."""
        if "role" not in self._sums:
            self._sums["role"] = self._sum_by(lambda c: c.role)
        return self._sums["role"]

    def phase_hours(self) -> dict[str, NDArray[np.float64]]:
        """Hours per phase, per trial, phases in the order they first appear."""
        if "phase" not in self._sums:
            self._sums["phase"] = self._sum_by(lambda c: c.phase)
        return self._sums["phase"]

    def _sum_by(self, key: Callable[[Column], str]) -> dict[str, NDArray[np.float64]]:
        import numpy as np

        groups: dict[str, list[int]] = {}
        for i, c in enumerate(self.columns):
            groups.setdefault(key(c), []).append(i)
        if not groups:
            return {}
        weights = np.zeros((len(self.columns), len(groups)))
        for j, idx in enumerate(groups.values()):
            weights[idx, j] = 1.0
        sums = self.dot(weights)
        return {name: np.ascontiguousarray(sums[:, j]) for j, name in enumerate(groups)}


def draw(scope: Scope, *, trials: int, seed: int) -> Draws:
    """Draw ``trials`` trials of ``scope``: items, then risks, then incidents, from one
    ``numpy.random.Generator(PCG64(seed))``. Columns are ordered by phase (its items, then
    its risks), phases in the scope's order."""
    import numpy as np

    order = {p: i for i, p in enumerate(scope.phases)}
    items = sorted(scope.items, key=lambda it: order[it.phase])
    risks = sorted(scope.risks, key=lambda r: order.get(r.phase or "", len(order)))
    columns = [Column("item", it.name, it.role, it.phase) for it in items]
    columns += [Column("risk", r.name, r.role, r.phase or "") for r in risks]
    rng = np.random.Generator(np.random.PCG64(seed))
    low = np.array([float(it.min) for it in items])
    mode = np.array([float(it.likely) for it in items])
    high = np.array([float(it.max) for it in items])
    varying = np.flatnonzero(high > low)
    n = len(low)
    hours = np.empty((trials, len(columns)))
    if len(varying):
        lo, mo, hi = low[varying], mode[varying], high[varying]
        span = hi - lo
        variates = rng.beta(1 + 4 * (mo - lo) / span, 1 + 4 * (hi - mo) / span, (trials, len(lo)))
        variates *= span
        variates += lo
        if len(varying) == len(columns):
            hours = variates  # the common case: no constants, no risks, no copy
        elif len(varying) == n:
            hours[:, :n] = variates
        else:
            hours[:, :n] = low
            hours[:, varying] = variates
    else:
        hours[:, :n] = low
    if risks:
        p = np.array([float(r.probability) for r in risks])
        impact = np.array([float(r.impact) for r in risks])
        hours[:, n:] = (rng.random((trials, len(p))) < p) * impact
        # Each risk's column goes to the end of its phase (a stable reordering, one copy).
        place = sorted(
            range(len(columns)),
            key=lambda i: (order.get(columns[i].phase, len(order)), columns[i].kind == "risk"),
        )
        if place != list(range(len(columns))):
            columns = [columns[i] for i in place]
            hours = np.ascontiguousarray(hours[:, place])
    incidents = None
    if scope.run is not None:
        incidents = rng.poisson(
            float(scope.run.incidents_per_month), size=(trials, scope.run.months)
        ).astype(np.float64)
    return Draws(tuple(columns), hours, incidents)
