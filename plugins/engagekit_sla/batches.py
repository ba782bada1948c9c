"""A large generic incident file read in batches, so that a measure holds one batch at a time.

Each batch (about ``BATCH_BYTES`` of the file, cut at a line end outside quotes) is read by
polars and checked and parsed exactly as a whole file is (``incidents._generic_frame``), with
the rows numbered as in the file. What spans batches is checked across them: an id may not
appear twice: ids in increasing order (the usual export) cannot repeat; otherwise the id column
is read once more at the end and its distinct values counted.

Anything unusual (a pauses file, Parquet, another encoding, blank or ragged rows) is read
whole, as before. And when a batch finds a problem, the file is read whole again so that the
error is the same as for a whole file: the first of its kind, counting every row that has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import engagekit
from engagekit.csvfile import CsvFormat, open_csv
from engagekit_sla.incidents import (
    GENERIC_REQUIRED,
    IncidentColumns,
    _generic_frame,
    read_incidents,
)
from engagekit_sla.priorities import PriorityMap

if TYPE_CHECKING:
    import polars as pl

__all__ = ["BATCH_BYTES", "IncidentBatches", "NotStreamable", "batches_of", "fold"]

BATCH_BYTES = 16 << 20
T = TypeVar("T")


class NotStreamable(Exception):
    """The file (or what a batch found in it) needs the whole-file reader."""


class IncidentBatches:
    """A generic incident CSV, iterated as ``IncidentColumns`` of consecutive rows."""

    def __init__(
        self,
        path: Path,
        tz: str | None,
        pmap: PriorityMap,
        csv_format: CsvFormat | None,
        batch_bytes: int = BATCH_BYTES,
    ) -> None:
        self.path = path
        self.tz = tz
        self.pmap = pmap
        self.csv_format = csv_format
        self.batch_bytes = batch_bytes
        self.skipped = 0
        #: after a complete pass: the distinct non-empty ``caused_by_change`` values
        self.caused_by_change: pl.Series | None = None

    def whole(self) -> IncidentColumns:
        """The file read at once (the reader that names every problem)."""
        return read_incidents(self.path, "generic", self.tz, self.pmap, (), None, self.csv_format)

    def __iter__(self) -> Iterator[IncidentColumns]:
        import numpy as np
        import polars as pl

        csv_file = open_csv(self.path, self.csv_format, what="generic incident file")
        csv_file.require(GENERIC_REQUIRED)
        if not csv_file.direct:
            raise NotStreamable
        header = list(csv_file.header)
        last_id: str | None = None
        increasing = True
        caused: set[str] = set()
        row = 2
        for chunk in _chunks(self.path, self.batch_bytes):
            df = _frame(chunk, header, csv_file.delimiter)
            rows = np.arange(row, row + df.height, dtype=np.int64)
            row += df.height
            inc = _generic_frame(df, rows, self.path, self.tz, self.pmap)
            ids = inc.ids
            increasing = increasing and bool(
                (last_id is None or ids[0] > last_id)
                and (ids.slice(1) > ids.slice(0, len(ids) - 1)).all()
            )
            last_id = ids[-1]
            if inc.caused_by_change is not None:
                caused.update(inc.caused_by_change.drop_nulls().unique().to_list())
            yield inc
        if not increasing and _distinct_ids(self.path, header, csv_file.delimiter) != row - 2:
            raise NotStreamable  # an id repeats: the whole-file reader names it
        self.caused_by_change = pl.Series(sorted(caused), dtype=pl.String) if caused else None


def _distinct_ids(path: Path, header: list[str], delimiter: str) -> int:
    """How many distinct ids the file has (a second read, of the id column only)."""
    import polars as pl

    return int(
        pl.scan_csv(
            path, has_header=True, new_columns=header, infer_schema=False, separator=delimiter
        )
        .select(pl.col("id").str.strip_chars().n_unique())
        .collect(engine="streaming")
        .item()
    )


def batches_of(
    path: Path,
    fmt: str,
    tz: str | None,
    pmap: PriorityMap,
    pauses_file: Path | None,
    csv_format: CsvFormat | None,
) -> IncidentBatches | None:
    """The batched reader of an incident file it can read; None for the whole-file reader.

    A file of at most one batch is read whole: batching it saves no memory, and a batch that
    then finds something unusual (an empty last column is common) would have it read twice."""
    from engagekit.parquetdata import is_parquet

    if fmt != "generic" or pauses_file is not None or not path.is_file() or is_parquet(path):
        return None
    if path.stat().st_size <= BATCH_BYTES:
        return None
    return IncidentBatches(path, tz, pmap, csv_format, BATCH_BYTES)


def fold(
    incidents: IncidentColumns | IncidentBatches,
    start: Callable[[], T],
    add: Callable[[T, IncidentColumns], None],
) -> T:
    """``add`` every batch of incidents, in file order, to what ``start`` makes.

    Should a batch find a problem, the file is read whole and added at once: the error raised
    is then that of the whole-file reader (or, were the problem one only batches see, such as
    equal hashes of different ids, the figures are those of the whole file).
    """
    if isinstance(incidents, IncidentColumns):
        acc = start()
        add(acc, incidents)
        return acc
    try:
        acc = start()
        for batch in incidents:
            add(acc, batch)
        return acc
    except (engagekit.InputError, NotStreamable):
        whole = incidents.whole()
        acc = start()
        add(acc, whole)
        caused = whole.caused_by_change
        incidents.caused_by_change = None if caused is None else caused.drop_nulls().unique()
        return acc


def _chunks(path: Path, size: int) -> Iterator[bytes]:
    """The data rows of the file (after its header), in pieces of about ``size`` bytes, each cut
    after a line end that is outside quotes (an even number of quotes before it)."""
    with path.open("rb") as f:
        if not f.readline().strip(b"\xef\xbb\xbf\r\n\t ,;"):
            raise NotStreamable  # blank lines before the header
        rest = b""
        while True:
            data = rest + f.read(size)
            if not data:
                return
            if len(data) <= len(rest):  # the end of the file
                yield data
                return
            cut = data.rfind(b"\n")
            while cut >= 0 and data.count(b'"', 0, cut) % 2:
                cut = data.rfind(b"\n", 0, cut)
            if cut < 0:  # no line end yet: read on
                rest = data
                continue
            rest = data[cut + 1 :]
            yield data[: cut + 1]


def _frame(chunk: bytes, header: list[str], delimiter: str) -> pl.DataFrame:
    """A piece of the file as strings; NotStreamable if it has blank or ragged rows."""
    import polars as pl

    try:
        df = pl.read_csv(
            chunk,
            has_header=False,
            new_columns=header,
            infer_schema=False,
            separator=delimiter,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.PolarsError, ValueError):
        raise NotStreamable from None
    if df[header[-1]].null_count():
        raise NotStreamable  # a blank line or a short row: the careful reader tells which
    blank = pl.all_horizontal((pl.col(c).is_null() | (pl.col(c) == "")) for c in header)
    if df.select(blank.any()).item():
        raise NotStreamable
    return df
