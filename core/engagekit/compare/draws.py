"""The common random numbers of a comparison: every work item's hours, drawn once per trial.

Each trial draws each uncertain item from its beta-PERT distribution (as the fixed-price model
does: ``min + (max - min) * Beta(1 + 4 (likely - min) / (max - min), 1 + 4 (max - likely) /
(max - min))``), each risk event happens with its probability, and the run phase's incidents of
each month are Poisson. Every proposal is settled on these same draws, so the differences
between models come from the models, never from noise.

Memory: a run of at most ``CHUNK_CELLS`` trials times columns (and ``CHUNK_TRIALS`` trials)
keeps its ``(trials, columns)`` matrix. A larger one never holds it: ``draw`` walks the trials
in chunks once, keeping each chunk's place in the random stream and, per trial, the hours of
each group of columns of one kind, role and phase (what ``dot``, ``role_hours`` and ``part``
are asked for); ``chunks()`` then draws each chunk again, exactly as the whole matrix would
hold it, for the models to settle on. Every draw is the whole matrix's to the last bit; sums
over chunks may differ from the whole matrix's in the last bit (another order of addition),
which has not moved a reported figure by a cent in any test (tests/compare/test_chunks.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from engagekit.compare.scope import Scope

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["CHUNK_CELLS", "Column", "Draws", "draw"]

#: OpenBLAS goes multi-threaded above m * n * k = 4 * 65536 (see the fixed-price simulation).
_SINGLE_THREAD_MNK = 4 * 65536
#: Trials times columns of hours held at once (32 MB of float64): the whole matrix below it,
#: a chunk of trials above.
CHUNK_CELLS = 1 << 22
#: At most this many trials in a chunk, however few the columns: what a model settles a chunk
#: into (hours by role and month, billing by month) grows with its trials, not its columns.
CHUNK_TRIALS = 1 << 16


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
    month (``(trials, run months)``, or None without a run phase).

    ``hours`` and ``incidents`` of a run too large to hold (see the module doc) are drawn again
    and put together when asked for, the whole matrix at once: models settle on ``chunks()``,
    where they are small, and use ``dot``, ``role_hours``, ``phase_hours`` and ``total_hours``
    on the whole run."""

    columns: tuple[Column, ...]
    _hours: NDArray[np.float64] | None = attrs.field(alias="hours")
    _incidents: NDArray[np.float64] | None = attrs.field(default=None, alias="incidents")
    #: A run drawn in chunks: where the chunks come from, and which of its columns these are.
    _source: _Chunked | None = attrs.field(default=None, alias="source", repr=False)
    _index: tuple[int, ...] = attrs.field(default=(), alias="index", repr=False)
    _run: bool = attrs.field(default=False, alias="run", repr=False)
    #: For a chunk: the draws of all trials it is a chunk of (``work_by_month`` plans the
    #: months of the longest trial of them all, so that every chunk has the same months).
    whole: Draws | None = attrs.field(default=None, repr=False)
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
    def chunked(self) -> bool:
        """True when the hours are not held but drawn again chunk by chunk (``chunks()``)."""
        return self._source is not None

    @property
    def trials(self) -> int:
        if self._source is not None:
            return self._source.trials
        if self._incidents is not None:
            return int(self._incidents.shape[0])
        assert self._hours is not None
        return int(self._hours.shape[0])

    @property
    def hours(self) -> NDArray[np.float64]:
        """Hours of each column, per trial: ``(trials, columns)``; for a chunked run, the
        whole matrix, drawn again (``chunks()`` and ``dot`` don't need it)."""
        if self._hours is not None:
            return self._hours
        if "hours" not in self.memo:
            import numpy as np

            self.memo["hours"] = np.concatenate([c.hours for c in self.chunks()]).reshape(
                self.trials, len(self.columns)
            )
        out: NDArray[np.float64] = self.memo["hours"]  # type: ignore[assignment]
        return out

    @property
    def incidents(self) -> NDArray[np.float64] | None:
        if self._source is None or not self._run or self._source.poisson is None:
            return self._incidents
        if "incidents" not in self.memo:
            import numpy as np

            self.memo["incidents"] = np.concatenate(
                [c.incidents for c in self.chunks() if c.incidents is not None]
            )
        out: NDArray[np.float64] = self.memo["incidents"]  # type: ignore[assignment]
        return out

    def chunks(self) -> Iterator[Draws]:
        """These draws in chunks of trials, in order, each held whole (itself, if it is)."""
        if self._source is None:
            yield self
            return
        for first in range(0, self.trials, self._source.rows):
            hours, incidents = self._source.chunk(first)
            keep = list(self._index)
            if keep != list(range(len(self._source.columns))):
                hours = hours[:, keep]
            yield Draws(self.columns, hours, incidents if self._run else None, whole=self)

    def part(self, scope: Scope) -> Draws:
        """The columns of ``scope``'s items and risks (a part of the scope drawn), and the
        incidents only if ``scope`` has the run phase."""
        wanted = frozenset(
            {("item", it.name) for it in scope.items} | {("risk", r.name) for r in scope.risks}
        )
        key = (wanted, scope.run is not None)
        if key not in self._parts:
            keep = [i for i, c in enumerate(self.columns) if (c.kind, c.name) in wanted]
            run = scope.run is not None and (self._run or self._incidents is not None)
            if self._source is not None:
                if len(keep) == len(self.columns) and run == self._run:
                    return self
                index = tuple(self._index[i] for i in keep)
                columns = tuple(self.columns[i] for i in keep)
                self._parts[key] = Draws(columns, None, source=self._source, index=index, run=run)
                return self._parts[key]
            incidents = self._incidents if scope.run is not None else None
            if len(keep) == len(self.columns) and incidents is self._incidents:
                return self
            assert self._hours is not None
            # Columns are in phase order, so the phases of a mix are a view, not a copy.
            contiguous = keep and keep == list(range(keep[0], keep[-1] + 1))
            hours = self._hours[:, keep[0] : keep[-1] + 1] if contiguous else self._hours[:, keep]
            whole = self.whole.part(scope) if self.whole is not None else None
            self._parts[key] = Draws(
                tuple(self.columns[i] for i in keep), hours, incidents, whole=whole
            )
        return self._parts[key]

    def select(self, keep: list[int]) -> Draws:
        """Only the columns at ``keep`` (no incidents)."""
        if self._source is not None:
            index = tuple(self._index[i] for i in keep)
            return Draws(
                tuple(self.columns[i] for i in keep), None, source=self._source, index=index
            )
        assert self._hours is not None
        return Draws(tuple(self.columns[i] for i in keep), self._hours[:, keep])

    def dot(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        """``hours @ weights`` (a vector or a ``(columns, k)`` matrix) in blocks of trials small
        enough for OpenBLAS to stay on one thread: thin products are fastest so, above all on
        a busy machine. Of a chunked run: from the per-trial hours of its groups of columns
        when ``weights`` are the same within each group (by role, by phase, by kind), else
        chunk by chunk."""
        import numpy as np

        if self._source is not None:
            by_group = self._source.by_group(self._index, weights)
            if by_group is not None:
                return by_group
            return np.concatenate([c.dot(weights) for c in self.chunks()])
        assert self._hours is not None
        return _blocked_dot(self._hours, weights)

    def total_hours(self) -> NDArray[np.float64]:
        """Hours of every column, per trial."""
        import numpy as np

        if not self.columns:
            return np.zeros(self.trials)
        if self._source is not None:
            return self.dot(np.ones(len(self.columns)))
        assert self._hours is not None
        out: NDArray[np.float64] = self._hours.sum(axis=1)
        return out

    def role_hours(self) -> dict[str, NDArray[np.float64]]:
        """Hours per role, per trial (computed once per draws; of a chunked run, from its
        group sums at each call, so that they are not kept beside them)."""
        if self._source is not None:
            return self._sum_by(lambda c: c.role)
        if "role" not in self._sums:
            self._sums["role"] = self._sum_by(lambda c: c.role)
        return self._sums["role"]

    def phase_hours(self) -> dict[str, NDArray[np.float64]]:
        """Hours per phase, per trial, phases in the order they first appear."""
        if self._source is not None:
            return self._sum_by(lambda c: c.phase)
        if "phase" not in self._sums:
            self._sums["phase"] = self._sum_by(lambda c: c.phase)
        return self._sums["phase"]

    def role_maxima(self) -> dict[str, float]:
        """The most hours of each role in any trial (computed once per draws)."""
        if "role_maxima" not in self.memo:
            self.memo["role_maxima"] = {
                role: float(h.max()) if len(h) else 0.0 for role, h in self.role_hours().items()
            }
        out: dict[str, float] = self.memo["role_maxima"]  # type: ignore[assignment]
        return out

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


@attrs.frozen(eq=False)
class _Layout:
    """How ``draw`` turns random numbers into hours: the items' beta-PERT parameters (of the
    items whose hours vary), the risks' probabilities and impacts, and where each column goes."""

    low: NDArray[np.float64]
    varying: NDArray[np.intp]
    alpha: NDArray[np.float64]
    beta: NDArray[np.float64]
    span: NDArray[np.float64]
    probability: NDArray[np.float64]
    impact: NDArray[np.float64]
    place: list[int] | None

    def hours(
        self, rng: np.random.Generator, trials: int, risk_rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """``trials`` rows of hours: their beta variates from ``rng``, their risks' uniforms
        from ``risk_rng`` (the same generator when the whole run is drawn at once)."""
        import numpy as np

        n = len(self.low)
        hours = np.empty((trials, n + len(self.impact)))
        if len(self.varying):
            variates = rng.beta(self.alpha, self.beta, (trials, len(self.varying)))
            variates *= self.span
            variates += self.low[self.varying]
            if len(self.varying) == hours.shape[1]:
                hours = variates  # the common case: no constants, no risks, no copy
            elif len(self.varying) == n:
                hours[:, :n] = variates
            else:
                hours[:, :n] = self.low
                hours[:, self.varying] = variates
        else:
            hours[:, :n] = self.low
        if len(self.impact):
            hours[:, n:] = (risk_rng.random((trials, len(self.impact))) < self.probability) * (
                self.impact
            )
            if self.place is not None:
                hours = np.ascontiguousarray(hours[:, self.place])
        return hours

    def item_hours(self, rng: np.random.Generator, trials: int) -> NDArray[np.float64]:
        """The items' columns of ``hours`` (before the risks are placed): ``(trials, items)``."""
        import numpy as np

        out = np.empty((trials, len(self.low)))
        out[:] = self.low
        if len(self.varying):
            variates = rng.beta(self.alpha, self.beta, (trials, len(self.varying)))
            variates *= self.span
            variates += self.low[self.varying]
            out[:, self.varying] = variates
        return out

    def risk_hours(self, rng: np.random.Generator, trials: int) -> NDArray[np.float64]:
        """The risks' columns of ``hours``: ``(trials, risks)``."""
        out: NDArray[np.float64] = (
            rng.random((trials, len(self.impact))) < self.probability
        ) * self.impact
        return out


@attrs.frozen(eq=False)
class _Chunked:
    """How to draw again any chunk of a run too large to hold: the generator's state at the
    start of each chunk's beta variates, after the last of them (the risks' uniforms follow,
    one per trial and risk), and at the start of each chunk's incidents; plus each trial's
    hours per group of columns (same kind, role and phase)."""

    columns: tuple[Column, ...]
    trials: int
    rows: int
    layout: _Layout
    beta_states: list[Mapping[str, Any]]
    risk_state: Mapping[str, Any]
    #: The run phase's incidents a month, its months, and each chunk's state.
    poisson: tuple[float, int, list[Mapping[str, Any]]] | None
    #: Group of each column, and each trial's hours per group: ``(trials, groups)``.
    group: NDArray[np.intp]
    sums: NDArray[np.float64] = attrs.field(repr=False)

    def chunk(self, first: int) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        """Hours and incidents of the trials from ``first`` (at most ``rows`` of them)."""
        import numpy as np

        rows = min(self.rows, self.trials - first)
        rng = _generator(self.beta_states[first // self.rows])
        risk_rng = _generator(self.risk_state, first * len(self.layout.impact))
        hours = self.layout.hours(rng, rows, risk_rng)
        incidents = None
        if self.poisson is not None:
            lam, months, states = self.poisson
            incidents = (
                _generator(states[first // self.rows])
                .poisson(lam, size=(rows, months))
                .astype(np.float64)
            )
        return hours, incidents

    def by_group(
        self, index: tuple[int, ...], weights: NDArray[np.float64]
    ) -> NDArray[np.float64] | None:
        """``hours[:, index] @ weights`` from the group sums, or None when ``index`` holds
        part of a group or ``weights`` differ within one."""
        import numpy as np

        at = np.asarray(index, dtype=np.intp)
        groups = self.group[at]
        used = np.unique(groups)
        if np.count_nonzero(np.isin(self.group, used)) != len(at):
            return None
        w = weights if weights.ndim == 2 else weights[:, None]
        first = np.array([np.flatnonzero(groups == g)[0] for g in used], dtype=np.intp)
        per_group = w[first]
        if not np.array_equal(per_group[np.searchsorted(used, groups)], w):
            return None
        # Zero weights for the other groups: a copy of the used columns of ``sums`` would cost
        # as much memory as they hold.
        full = np.zeros((self.sums.shape[1], w.shape[1]))
        full[used] = per_group
        out: NDArray[np.float64] = self.sums @ full
        return out if weights.ndim == 2 else out[:, 0]


def _blocked_dot(hours: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """``hours @ weights`` (see ``Draws.dot``)."""
    import numpy as np

    k = 1 if weights.ndim == 1 else int(weights.shape[1])
    if k == 1:
        out1: NDArray[np.float64] = hours @ weights
        return out1
    step = max(16, _SINGLE_THREAD_MNK // max(1, int(hours.shape[1]) * k))
    out = np.empty((hours.shape[0], k))
    for first in range(0, hours.shape[0], step):
        out[first : first + step] = hours[first : first + step] @ weights
    return out


def _generator(state: Mapping[str, Any], skip: int = 0) -> np.random.Generator:
    """A generator at ``state``, ``skip`` 64-bit draws on (one per uniform)."""
    import numpy as np

    bits = np.random.PCG64()
    bits.state = dict(state)  # type: ignore[assignment]  # numpy types it as its own TypedDict
    if skip:
        bits.advance(skip)
    return np.random.Generator(bits)


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
    low = np.array([float(it.min) for it in items])
    mode = np.array([float(it.likely) for it in items])
    high = np.array([float(it.max) for it in items])
    varying = np.flatnonzero(high > low)
    lo, mo, hi = low[varying], mode[varying], high[varying]
    span = hi - lo
    # Each risk's column goes to the end of its phase (a stable reordering, one copy).
    place: list[int] | None = sorted(
        range(len(columns)),
        key=lambda i: (order.get(columns[i].phase, len(order)), columns[i].kind == "risk"),
    )
    if place == list(range(len(columns))):
        place = None
    else:
        columns = [columns[i] for i in place]  # type: ignore[union-attr]
    layout = _Layout(
        low=low,
        varying=varying,
        alpha=1 + 4 * (mo - lo) / span if len(varying) else lo,
        beta=1 + 4 * (hi - mo) / span if len(varying) else lo,
        span=span,
        probability=np.array([float(r.probability) for r in risks]),
        impact=np.array([float(r.impact) for r in risks]),
        place=place,
    )
    rng = np.random.Generator(np.random.PCG64(seed))
    rows = max(1024, min(CHUNK_TRIALS, CHUNK_CELLS // max(1, len(columns))))
    if trials > rows:
        return _draw_in_chunks(scope, tuple(columns), trials, rows, rng, layout)
    hours = layout.hours(rng, trials, rng)
    incidents = None
    if scope.run is not None:
        incidents = rng.poisson(
            float(scope.run.incidents_per_month), size=(trials, scope.run.months)
        ).astype(np.float64)
    return Draws(tuple(columns), hours, incidents)


def _draw_in_chunks(
    scope: Scope,
    columns: tuple[Column, ...],
    trials: int,
    rows: int,
    rng: np.random.Generator,
    layout: _Layout,
) -> Draws:
    """Walk the trials once (see the module doc): the generator's states, and each trial's
    hours per group of columns."""
    import numpy as np

    keys: dict[tuple[str, str, str], int] = {}
    group = np.array([keys.setdefault((c.kind, c.role, c.phase), len(keys)) for c in columns])
    # The group of each column before the risks are placed: items first, then risks.
    unplaced = group.copy()
    if layout.place is not None:
        unplaced[layout.place] = group
    onehot = np.zeros((len(columns), len(keys)))
    onehot[np.arange(len(columns)), unplaced] = 1.0
    n = len(layout.low)
    sums = np.empty((trials, len(keys)))
    starts = range(0, trials, rows)
    beta_states = []
    for first in starts:
        beta_states.append(rng.bit_generator.state)
        items = layout.item_hours(rng, min(rows, trials - first))
        sums[first : first + len(items)] = _blocked_dot(items, onehot[:n])
    risk_state = rng.bit_generator.state
    if len(layout.impact):
        # Groups are of one kind: an item group's risk sums are 0, a risk group's item sums.
        risks = _generator(risk_state)
        for first in starts:
            block = layout.risk_hours(risks, min(rows, trials - first))
            sums[first : first + len(block)] += block @ onehot[n:]
    poisson = None
    if scope.run is not None:
        after = _generator(risk_state, trials * len(layout.impact))
        lam, months = float(scope.run.incidents_per_month), scope.run.months
        states = []
        for first in starts:
            states.append(after.bit_generator.state)
            after.poisson(lam, size=(min(rows, trials - first), months))
        poisson = (lam, months, states)
    source = _Chunked(
        columns,
        trials,
        rows,
        layout,
        beta_states=beta_states,
        risk_state=risk_state,
        poisson=poisson,
        group=group,
        sums=sums,
    )
    index = tuple(range(len(columns)))
    return Draws(columns, None, source=source, index=index, run=scope.run is not None)
