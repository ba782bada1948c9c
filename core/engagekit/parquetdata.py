"""Bulk data as Parquet: one file, or a folder of Parquet files (a partitioned dataset).

Warehouses export tables as Parquet, often as a folder of files, partitioned by a column
(``month=2026-03/part-0.parquet``: the folder names are Hive partitions and become columns).
Such a source is read lazily with polars (only the columns a reader asks for), and its values
are written as the text the CSV export of the same rows would hold (dates ``2026-03-02``,
instants ``2026-03-02T09:30:00`` or with their UTC offset, times ``09:30:00``, booleans
``true``/``false``), so that every reader treats the two alike: the same rows give the same
results, and the same errors name the same rows (numbered as a spreadsheet would: the first
row of data is row 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from engagekit.errors import InputError

if TYPE_CHECKING:
    import polars as pl

__all__ = ["is_parquet", "parquet_frame", "parquet_header"]

SUFFIXES = (".parquet", ".pq")


def is_parquet(path: Path) -> bool:
    """A Parquet file (by its suffix), or a folder that holds Parquet files."""
    if path.is_dir():
        return any(p.suffix in SUFFIXES for p in path.rglob("*") if p.is_file())
    return path.suffix.lower() in SUFFIXES


def _scan(path: Path, what: str) -> pl.LazyFrame:
    import polars as pl

    source = path
    if path.is_dir():
        source = path / "**" / "*.parquet"
        if not any(path.rglob("*.parquet")):
            raise InputError(f"{what}: the folder holds no .parquet files", where=path)
    try:
        return pl.scan_parquet(source, hive_partitioning=path.is_dir())
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(
            f"cannot read the {what} as Parquet: {str(exc).splitlines()[0]}", where=path
        ) from None


def parquet_header(path: Path, what: str) -> tuple[str, ...]:
    """The column names of a Parquet source (partition columns included)."""
    import polars as pl

    try:
        return tuple(_scan(path, what).collect_schema().names())
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            f"cannot read the {what} as Parquet: {str(exc).splitlines()[0]}", where=path
        ) from None


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A column as the text a CSV export of it would hold."""
    import polars as pl

    col = pl.col(name)
    if dtype == pl.String:
        return col
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit("true")).when(~col).then(pl.lit("false"))
    if dtype == pl.Date:
        return col.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return col.dt.strftime("%Y-%m-%dT%H:%M:%S")
        return col.dt.strftime("%Y-%m-%dT%H:%M:%S%:z")
    if dtype == pl.Time:
        return col.dt.strftime("%H:%M:%S")
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return col.cast(pl.String)
    return col.cast(pl.String)


def parquet_frame(path: Path, what: str, columns: Sequence[str]) -> pl.DataFrame:
    """The ``columns`` of a Parquet source as text, plus ``row`` (the first data row is 2)."""
    import polars as pl

    lf = _scan(path, what)
    schema = lf.collect_schema()
    wanted = [c for c in columns if c in schema]
    try:
        return (
            lf.select(wanted)
            .with_row_index("row", offset=2)
            .select(
                pl.col("row").cast(pl.Int64), *[_as_text(c, schema[c]).alias(c) for c in wanted]
            )
            .collect()
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            f"cannot read the {what} as Parquet: {str(exc).splitlines()[0]}", where=path
        ) from None
