"""Reading incident files into columns: the generic format, ServiceNow exports, Jira Service Management.

Every reader returns an ``IncidentColumns``: numpy arrays of POSIX seconds and priority indexes,
one entry per incident, and the pauses as three arrays (owner incident, start, end). No Python
object per incident is built; files of a million rows are read with polars.

Formats (docs/models/sla.md has the details):

- generic: ``id, priority, opened`` and optional ``first_response, resolved, status, pauses,
  priority_history, caused_by_change``; ``pauses`` holds ``start/end`` pairs separated by ``;``
  (an empty end: still paused), or the pauses come from a separate file
  (``incident, start, end[, reason]``).
- servicenow: the incident table export, one row per incident or the event log with one row per
  update (``number, incident_state, opened_at, priority`` and optional ``sys_updated_at,
  sys_mod_count, resolved_at, closed_at, rfc, caused_by``); ``?`` is empty; states in
  ``pause_states`` pause the clock until the next update.
- jira: ``Issue key, Issue Type, Status, Priority, Created`` and optional ``Resolved, Updated,
  Date of First Response``; problem and change issues are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

import engagekit
from engagekit.csvfile import CsvFormat, open_csv
from engagekit_sla.instants import (
    ISO_FORMATS,
    MISSING,
    naive_seconds,
    parse_instants,
    row_error,
)
from engagekit_sla.priorities import PriorityMap

if TYPE_CHECKING:
    import numpy as np
    import polars as pl
    from numpy.typing import NDArray

__all__ = ["IncidentColumns", "read_incidents"]

SERVICENOW_FORMATS = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", *ISO_FORMATS)
JIRA_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%m/%Y %H:%M",
    *ISO_FORMATS,
)
GENERIC_REQUIRED = ("id", "priority", "opened")
RESOLVED_STATES = ("resolved", "closed", "canceled", "cancelled", "done")
JIRA_SKIPPED_TYPES = ("problem", "change", "[system] problem", "[system] change")


@attrs.frozen(eq=False)
class IncidentColumns:
    """Incidents as columns. Instants are POSIX seconds; ``MISSING`` where absent.

    ``priority`` is the final priority's index, ``highest`` the highest (lowest index) the
    incident ever had. ``pause_end`` is ``MISSING`` for a pause still running.
    """

    ids: Any  # polars Series of str
    rows: NDArray[np.int64]
    priority: NDArray[np.int64]
    highest: NDArray[np.int64]
    opened: NDArray[np.int64]
    responded: NDArray[np.int64]
    resolved: NDArray[np.int64]
    pause_owner: NDArray[np.int64]
    pause_start: NDArray[np.int64]
    pause_end: NDArray[np.int64]
    caused_by_change: Any = None  # polars Series of str (nullable) or None
    source: Path | None = None
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.opened)


def _read_csv(
    path: Path, required: Sequence[str], what: str, csv_format: CsvFormat | None
) -> tuple[pl.DataFrame, NDArray[np.int64]]:
    """Every column as strings, and the spreadsheet row of each data row."""
    csv_file = open_csv(path, csv_format, what=what)
    csv_file.require(required)
    df = csv_file.frame()
    return df.drop("row"), df["row"].to_numpy().astype("int64")


def _may_repeat(ids: pl.Series) -> bool:
    """Whether any id may appear twice: equal 64-bit hashes (exact check only then)."""
    return bool(ids.hash(seed=20260101).n_unique() != len(ids))


def _priorities(
    values: pl.Series, pmap: PriorityMap, where: Path, column: str, rows: NDArray[np.int64]
) -> NDArray[np.int64]:
    import numpy as np
    import polars as pl

    s = values.cast(pl.Utf8).fill_null("")
    uniques = s.unique().to_list()
    mapping = {u: pmap.index(u) for u in uniques}
    unknown = [u for u, i in mapping.items() if i is None]
    if unknown:
        first = sorted(unknown, key=lambda u: (u == "", u))[0]
        bad = np.flatnonzero(s.is_in(unknown).to_numpy())
        label = "empty priority" if first == "" else f"unknown priority {first!r}"
        raise row_error(where, rows[bad], column, label, pmap.known())
    return s.replace_strict(mapping, return_dtype=pl.Int64).to_numpy().astype(np.int64)


def _check_order(
    earlier: NDArray[np.int64],
    later: NDArray[np.int64],
    rows: NDArray[np.int64],
    where: Path,
    column: str,
    message: str,
) -> None:
    import numpy as np

    bad = np.flatnonzero((later != MISSING) & (earlier != MISSING) & (later < earlier))
    if len(bad):
        raise row_error(where, rows[bad], column, message)


def _iso(t: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def read_incidents(
    path: Path,
    fmt: str,
    tz: str | None,
    pmap: PriorityMap,
    pause_states: Sequence[str],
    pauses_file: Path | None = None,
    csv_format: CsvFormat | None = None,
) -> IncidentColumns:
    """Read an incident file of format ``generic``, ``servicenow`` or ``jira``."""
    if fmt == "servicenow":
        return _servicenow(path, tz, pmap, pause_states, csv_format)
    if fmt == "jira":
        return _jira(path, tz, pmap, pause_states, csv_format)
    return _generic(path, tz, pmap, pauses_file, csv_format)


# -- generic -------------------------------------------------------------------------------------


def _generic(
    path: Path,
    tz: str | None,
    pmap: PriorityMap,
    pauses_file: Path | None,
    csv_format: CsvFormat | None,
) -> IncidentColumns:
    df, rows = _read_csv(path, GENERIC_REQUIRED, "generic incident file", csv_format)
    return _generic_frame(df, rows, path, tz, pmap, pauses_file, csv_format)


def _generic_frame(
    df: pl.DataFrame,
    rows: NDArray[np.int64],
    path: Path,
    tz: str | None,
    pmap: PriorityMap,
    pauses_file: Path | None = None,
    csv_format: CsvFormat | None = None,
) -> IncidentColumns:
    """The incidents of a generic file's rows (all of them, or a batch), checked."""
    import numpy as np
    import polars as pl

    n = df.height
    ids = df["id"].str.strip_chars()
    empty = ids.is_null() | (ids.str.len_bytes() == 0)
    if empty.any():
        raise row_error(path, rows[np.flatnonzero(empty.to_numpy())], "id", "empty id")
    bad: Any = np.flatnonzero(ids.is_duplicated().to_numpy()) if _may_repeat(ids) else []
    if len(bad):
        raise row_error(path, rows[bad[1:]], "id", f"incident {ids[int(bad[0])]!r} appears twice")
    priority = _priorities(df["priority"], pmap, path, "priority", rows)
    highest = priority.copy()
    if "priority_history" in df.columns:
        hist = df.select(pl.int_range(pl.len()).alias("i"), pl.col("priority_history"))
        hist = hist.filter(pl.col("priority_history").str.strip_chars().str.len_bytes() > 0)
        if hist.height:
            parts = hist.with_columns(pl.col("priority_history").str.split(">")).explode(
                "priority_history"
            )
            idx = parts["i"].to_numpy().astype(np.int64)
            ranks = _priorities(
                parts["priority_history"].str.strip_chars(),
                pmap,
                path,
                "priority_history",
                rows[idx],
            )
            np.minimum.at(highest, idx, ranks)
    stamps: list[str] = [c for c in ("opened", "first_response", "resolved") if c in df.columns]
    local = dict(zip(stamps, naive_seconds([df[c] for c in stamps], tz), strict=True))

    def instants(column: str) -> NDArray[np.int64]:
        if column not in df.columns:
            return np.full(n, MISSING, dtype=np.int64)
        return parse_instants(
            df[column],
            tz=tz,
            where=path,
            column=column,
            required=column == "opened",
            local=local[column],
        )

    opened, responded, resolved = (instants(c) for c in ("opened", "first_response", "resolved"))
    _check_order(opened, resolved, rows, path, "resolved", "resolved before opened")
    _check_order(opened, responded, rows, path, "first_response", "first response before opened")

    owner = np.zeros(0, dtype=np.int64)
    p_start = np.zeros(0, dtype=np.int64)
    p_end = np.zeros(0, dtype=np.int64)
    p_rows = np.zeros(0, dtype=np.int64)
    p_where: Path = path
    p_column = "pauses"
    if "pauses" in df.columns:
        owner, p_start, p_end, p_rows = _inline_pauses(df["pauses"], tz, path, rows)
    if pauses_file is not None:
        pf, f_rows = _read_csv(pauses_file, ("incident", "start", "end"), "pauses file", csv_format)
        index = pl.DataFrame({"incident": ids, "i": np.arange(n, dtype=np.int64)})
        joined = pf.select(pl.col("incident").str.strip_chars()).join(
            index, on="incident", how="left", maintain_order="left"
        )
        unknown = joined["i"].is_null().to_numpy()
        if unknown.any():
            first = joined["incident"][int(np.flatnonzero(unknown)[0])]
            raise row_error(
                pauses_file, f_rows[unknown], "incident", f"no incident {first!r} in {path.name}"
            )
        f_owner = joined["i"].to_numpy().astype(np.int64)
        f_start = parse_instants(pf["start"], tz=tz, where=pauses_file, column="start")
        f_end = parse_instants(pf["end"], tz=tz, where=pauses_file, column="end", required=False)
        if len(owner):
            raise engagekit.InputError(
                "pauses are given both in the incident file's pauses column and in a pauses file",
                where=pauses_file,
                hint="use one of the two",
            )
        owner, p_start, p_end, p_rows = f_owner, f_start, f_end, f_rows
        p_where, p_column = pauses_file, "end"
    _check_pauses(owner, p_start, p_end, p_rows, opened, resolved, p_where, p_column)
    caused = None
    if "caused_by_change" in df.columns:
        caused = df["caused_by_change"].str.strip_chars()
    return IncidentColumns(
        ids=ids,
        rows=rows,
        priority=priority,
        highest=highest,
        opened=opened,
        responded=responded,
        resolved=resolved,
        pause_owner=owner,
        pause_start=p_start,
        pause_end=p_end,
        caused_by_change=caused,
        source=path,
    )


PAUSES_HINT = (
    "write start/end pairs separated by ';', e.g. 2026-03-02T10:00/2026-03-02T11:30 "
    "(an empty end: still paused)"
)


def _inline_pauses(
    col: pl.Series, tz: str | None, path: Path, rows: NDArray[np.int64]
) -> tuple[NDArray[np.int64], ...]:
    """The ``pauses`` column: ``start/end`` pairs separated by ``;``, one or more per incident."""
    import numpy as np
    import polars as pl

    col = col.str.strip_chars()
    present = (col.is_not_null() & (col.str.len_bytes() > 0)).to_numpy()
    if not present.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    idx = np.flatnonzero(present)
    values = col.filter(pl.Series(present))
    if values.str.contains(";", literal=True).any():
        parts = pl.DataFrame({"i": idx, "p": values}).with_columns(pl.col("p").str.split(";"))
        parts = parts.explode("p").with_columns(pl.col("p").str.strip_chars())
        parts = parts.filter(pl.col("p").str.len_bytes() > 0)
        idx = parts["i"].to_numpy().astype(np.int64)
        values = parts["p"]
    owner = idx.astype(np.int64)
    p_rows = rows[owner]
    cut = values.str.find("/", literal=True)
    if cut.null_count():
        bad = np.flatnonzero(cut.is_null().to_numpy())
        raise row_error(
            path,
            p_rows[bad],
            "pauses",
            f"pause {values[int(bad[0])]!r} is not start/end",
            PAUSES_HINT,
        )
    lo, hi = int(cut.min()), int(cut.max())  # type: ignore[arg-type]
    if lo == hi:  # fixed-width timestamps (the usual case): slice instead of splitting
        first, second = values.str.slice(0, lo), values.str.slice(lo + 1)
    else:
        pieces = values.str.split_exact("/", 1).struct.unnest()
        first, second = pieces["field_0"], pieces["field_1"]
    second = pl.select(pl.when(second.str.len_bytes() > 0).then(second)).to_series()
    a, b = naive_seconds([first, second], tz)
    p_start = parse_instants(first, tz=tz, where=path, column="pauses", rows=p_rows, local=a)
    p_end = parse_instants(
        second, tz=tz, where=path, column="pauses", rows=p_rows, required=False, local=b
    )
    return owner, p_start, p_end, p_rows


def _check_pauses(
    owner: NDArray[np.int64],
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    rows: NDArray[np.int64],
    opened: NDArray[np.int64],
    resolved: NDArray[np.int64],
    where: Path,
    column: str,
) -> None:
    """A pause ends after it starts, lies inside its incident, and overlaps no other of it."""
    import numpy as np

    if not len(owner):
        return
    has_end = end != MISSING
    bad = np.flatnonzero(has_end & (end < start))
    if len(bad):
        k = int(bad[0])
        raise row_error(
            where,
            rows[bad],
            column,
            f"pause ends ({_iso(int(end[k]))}) before it starts ({_iso(int(start[k]))})",
        )
    inc_open = opened[owner]
    inc_res = resolved[owner]
    done = inc_res != MISSING
    outside = (start < inc_open) | (done & has_end & (end > inc_res)) | (done & (start > inc_res))
    bad = np.flatnonzero(outside)
    if len(bad):
        k = int(bad[0])
        until = _iso(int(inc_res[k])) if inc_res[k] != MISSING else "open"
        stop = _iso(int(end[k])) if end[k] != MISSING else "open"
        raise row_error(
            where,
            rows[bad],
            column,
            f"pause {_iso(int(start[k]))}..{stop} is outside its incident "
            f"({_iso(int(inc_open[k]))}..{until})",
            "a pause starts at or after the incident opened and ends by its resolution",
        )
    bad = np.flatnonzero(done & ~has_end)
    if len(bad):
        raise row_error(
            where,
            rows[bad],
            column,
            "pause has no end but its incident is resolved",
            "give the pause an end at or before the resolution",
        )
    step = np.diff(owner)
    if ((step > 0) | ((step == 0) & (np.diff(start) >= 0))).all():
        order = np.arange(len(owner))  # already in order (the usual case): no sort
    else:
        order = np.lexsort((start, owner))
    o, s, e = owner[order], start[order], end[order]
    same = o[1:] == o[:-1]
    prev_end = np.where(e[:-1] == MISSING, np.iinfo(np.int64).max, e[:-1])
    bad = np.flatnonzero(same & (s[1:] < prev_end))
    if len(bad):
        raise row_error(
            where,
            rows[order[bad + 1]],
            column,
            "pause overlaps an earlier pause of the same incident",
            "merge overlapping pauses into one",
        )


# -- ServiceNow ----------------------------------------------------------------------------------


def _servicenow(
    path: Path,
    tz: str | None,
    pmap: PriorityMap,
    pause_states: Sequence[str],
    csv_format: CsvFormat | None,
) -> IncidentColumns:
    import numpy as np
    import polars as pl

    df, rows = _read_csv(
        path,
        ("number", "incident_state", "opened_at", "priority"),
        "ServiceNow incident export",
        csv_format,
    )
    n = df.height
    df = df.with_columns(
        pl.when(pl.col(c).str.strip_chars().is_in(["?", ""]))
        .then(None)
        .otherwise(pl.col(c).str.strip_chars())
        .alias(c)
        for c in df.columns
    )
    if df["number"].is_null().any():
        raise row_error(path, rows[df["number"].is_null().to_numpy()], "number", "empty number")
    prio = _priorities(df["priority"], pmap, path, "priority", rows)
    opened = parse_instants(
        df["opened_at"], tz=tz, where=path, column="opened_at", formats=SERVICENOW_FORMATS
    )

    def optional(col: str) -> NDArray[np.int64]:
        if col not in df.columns:
            return np.full(n, MISSING, dtype=np.int64)
        return parse_instants(
            df[col], tz=tz, where=path, column=col, formats=SERVICENOW_FORMATS, required=False
        )

    updated = optional("sys_updated_at")
    resolved_at = optional("resolved_at")
    closed_at = optional("closed_at")
    _check_order(opened, resolved_at, rows, path, "resolved_at", "resolved before opened")
    updated = np.where(updated == MISSING, opened, np.maximum(updated, opened))
    mod = (
        df["sys_mod_count"].cast(pl.Int64, strict=False).fill_null(0).to_numpy()
        if "sys_mod_count" in df.columns
        else np.zeros(n, dtype=np.int64)
    )
    state = df["incident_state"].fill_null("").str.strip_chars()
    state_l = state.str.to_lowercase()
    pause_set = [s.casefold() for s in pause_states]
    paused = state_l.is_in(pause_set).to_numpy()
    resolving = state_l.is_in(list(RESOLVED_STATES)).to_numpy()
    is_new = (state_l == "new").to_numpy()

    ev = pl.DataFrame(
        {
            "number": df["number"],
            "row": rows,
            "t": updated,
            "mod": mod,
            "opened": opened,
            "prio": prio,
            "resolved_at": resolved_at,
            "closed_at": closed_at,
            "paused": paused,
            "resolving": resolving,
            "new": is_new,
        }
    )
    ev = ev.with_columns(pl.col("number").rank("dense").cast(pl.Int64).alias("k") - 1)
    ev = ev.sort(["k", "t", "mod", "row"])
    k = ev["k"].to_numpy()
    t = ev["t"].to_numpy()
    n_inc = int(k.max()) + 1 if len(k) else 0
    first = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if len(k) else np.zeros(0, np.int64)
    last = np.r_[first[1:] - 1, len(k) - 1] if len(k) else np.zeros(0, np.int64)

    opened_i = np.full(n_inc, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(opened_i, k, ev["opened"].to_numpy())
    # Event times before the opening (clock skew in exports) count as the opening.
    t = np.maximum(t, opened_i[k])
    priority = ev["prio"].to_numpy()[last]
    highest = np.full(n_inc, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(highest, k, ev["prio"].to_numpy())

    res_at = np.full(n_inc, MISSING, dtype=np.int64)
    np.maximum.at(res_at, k, ev["resolved_at"].to_numpy())
    first_resolving = np.full(n_inc, np.iinfo(np.int64).max, dtype=np.int64)
    ev_res = ev["resolving"].to_numpy()
    np.minimum.at(first_resolving, k[ev_res], t[ev_res])
    closed = np.full(n_inc, MISSING, dtype=np.int64)
    np.maximum.at(closed, k, ev["closed_at"].to_numpy())
    resolved = np.where(
        res_at != MISSING,
        res_at,
        np.where(first_resolving != np.iinfo(np.int64).max, first_resolving, closed),
    )
    resolved = np.where(resolved == MISSING, MISSING, np.maximum(resolved, opened_i))

    responded = np.full(n_inc, np.iinfo(np.int64).max, dtype=np.int64)
    touched = ~ev["new"].to_numpy()
    np.minimum.at(responded, k[touched], t[touched])
    responded = np.where(responded == np.iinfo(np.int64).max, MISSING, responded)

    # Each paused state lasts until the next update, clipped to [opened, resolved].
    nxt = np.r_[t[1:], MISSING]
    nxt[last] = MISSING
    ev_paused = ev["paused"].to_numpy()
    p = np.flatnonzero(ev_paused)
    owner = k[p]
    p_start = t[p]
    p_end = nxt[p]
    res_o = resolved[owner]
    p_end = np.where(
        p_end == MISSING, res_o, np.where(res_o != MISSING, np.minimum(p_end, res_o), p_end)
    )
    p_start = np.where(res_o != MISSING, np.minimum(p_start, res_o), p_start)
    keep = (p_end == MISSING) | (p_end > p_start)
    owner, p_start, p_end = owner[keep], p_start[keep], p_end[keep]

    caused = None
    for col in ("caused_by", "rfc"):
        if col in df.columns:
            c = ev.select(pl.col("k")).with_columns(
                pl.Series("c", df[col].gather(ev["row"].to_numpy() - 2))
            )
            c = c.group_by("k", maintain_order=True).agg(pl.col("c").drop_nulls().last())
            caused = c.sort("k")["c"] if caused is None else caused
            break
    return IncidentColumns(
        ids=ev["number"].gather(first),
        rows=ev["row"].to_numpy()[first],
        priority=priority,
        highest=highest,
        opened=opened_i,
        responded=responded,
        resolved=resolved,
        pause_owner=owner.astype(np.int64),
        pause_start=p_start,
        pause_end=p_end,
        caused_by_change=caused,
        source=path,
    )


# -- Jira Service Management ---------------------------------------------------------------------


def _jira(
    path: Path,
    tz: str | None,
    pmap: PriorityMap,
    pause_states: Sequence[str],
    csv_format: CsvFormat | None,
) -> IncidentColumns:
    import numpy as np
    import polars as pl

    df, rows_all = _read_csv(
        path,
        ("Issue key", "Issue Type", "Status", "Priority", "Created"),
        "Jira Service Management export",
        csv_format,
    )
    kind = df["Issue Type"].fill_null("").str.strip_chars().str.to_lowercase()
    keep = (~kind.is_in(list(JIRA_SKIPPED_TYPES))).to_numpy()
    skipped = int((~keep).sum())
    df = df.filter(pl.Series(keep))
    rows = rows_all[keep]
    n = df.height
    ids = df["Issue key"].str.strip_chars()
    bad: Any = np.flatnonzero(ids.is_duplicated().to_numpy()) if _may_repeat(ids) else []
    if len(bad):
        raise row_error(
            path, rows[bad[1:]], "Issue key", f"issue {ids[int(bad[0])]!r} appears twice"
        )
    priority = _priorities(df["Priority"], pmap, path, "Priority", rows)
    opened = parse_instants(
        df["Created"], tz=tz, where=path, column="Created", formats=JIRA_FORMATS, rows=rows
    )

    def optional(*cols: str) -> NDArray[np.int64]:
        for col in cols:
            if col in df.columns:
                return parse_instants(
                    df[col],
                    tz=tz,
                    where=path,
                    column=col,
                    formats=JIRA_FORMATS,
                    rows=rows,
                    required=False,
                )
        return np.full(n, MISSING, dtype=np.int64)

    resolved = optional("Resolved")
    responded = optional("Date of First Response", "First Response", "First response")
    updated = optional("Updated")
    _check_order(opened, resolved, rows, path, "Resolved", "resolved before created")
    _check_order(
        opened, responded, rows, path, "Date of First Response", "first response before created"
    )
    status = df["Status"].fill_null("").str.strip_chars().str.to_lowercase()
    waiting = status.is_in([s.casefold() for s in pause_states]).to_numpy()
    p = np.flatnonzero(waiting & (resolved == MISSING) & (updated != MISSING))
    return IncidentColumns(
        ids=ids,
        rows=rows,
        priority=priority,
        highest=priority.copy(),
        opened=opened,
        responded=responded,
        resolved=resolved,
        pause_owner=p.astype(np.int64),
        pause_start=np.maximum(updated[p], opened[p]),
        pause_end=np.full(len(p), MISSING, dtype=np.int64),
        source=path,
        skipped=skipped,
    )
