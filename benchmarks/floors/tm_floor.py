"""The T&M floor: billed minutes per (person, role, month) of a generic time-entry CSV.

Written without engagekit: a polars lazy scan with typed columns, one filter (billable,
approved, not a non-billable category), each entry's minutes rounded up to the increment, one
group-by, run on polars' streaming engine. Prints the rows as JSON, as `engage bill --json`
prints its lines, so that both pay for their output.

Run: python floors/tm_floor.py ENTRIES.csv [--rounding 15] [--non-billable CATEGORY ...]
"""

from __future__ import annotations

import argparse
import json
import sys

import polars as pl


def minutes(path: str, increment: int, non_billable: list[str]) -> pl.DataFrame:
    lf = pl.scan_csv(
        path,
        schema_overrides={
            "date": pl.Date,
            "minutes": pl.Int64,
            "billable": pl.Boolean,
            "approved": pl.Boolean,
        },
    )
    billed = pl.col("billable") & pl.col("approved") & ~pl.col("category").is_in(non_billable)
    rounded = (pl.col("minutes") + increment - 1) // increment * increment
    return (
        lf.filter(billed)
        .group_by(pl.col("date").dt.strftime("%Y-%m").alias("month"), "person", "role")
        .agg(rounded.sum().alias("minutes"))
        .collect(engine="streaming")
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--rounding", type=int, default=1)
    parser.add_argument("--non-billable", nargs="*", default=[])
    args = parser.parse_args()
    frame = minutes(args.path, args.rounding, args.non_billable)
    json.dump(frame.to_dicts(), sys.stdout)


if __name__ == "__main__":
    main()
