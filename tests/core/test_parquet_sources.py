"""Every bulk data source may be Parquet: one file, or a folder of them (a partitioned dataset).

The hybrid example is measured and billed from its CSV files, then from the same rows as typed
Parquet (dates, instants, numbers, booleans as Parquet types), as a single file and as a folder
partitioned by month: the documents are the same.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

import engagekit
from engagekit import output

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {
    "build-time.csv": {
        "date": pl.col("date").str.to_date(),
        "hours": pl.col("hours").cast(pl.Float64),
    },
    "run-incidents.csv": {},
    "run-outages.csv": {},
}


def typed(path: Path) -> pl.DataFrame:
    """The CSV's rows with the types a warehouse would give them."""
    frame = pl.read_csv(path, infer_schema=False)
    casts = []
    for name in frame.columns:
        values = frame[name].drop_nulls()
        if name in SOURCES[path.name]:
            casts.append(SOURCES[path.name][name])
        elif len(values) and values.str.contains(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d$").all():
            casts.append(pl.col(name).str.to_datetime("%Y-%m-%d %H:%M", strict=False))
        elif len(values) and values.is_in(["true", "false"]).all():
            casts.append(pl.col(name) == "true")
    return frame.with_columns(casts)


def documents(project_file: Path) -> tuple[str, str]:
    engine = engagekit.create_engine()
    project = engine.load_project(project_file)
    period = engagekit.Period.parse("2026-10")
    bill = output.dumps(output.bill_doc(engine.bill(project, period)))
    measure = output.dumps(output.measure_doc(engine.measure(project, period)))
    return bill, measure


@pytest.fixture
def hybrid(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path / "examples"


@pytest.mark.parametrize("layout", ["file", "folder"])
def test_parquet_sources_give_what_their_csv_gives(hybrid: Path, layout: str) -> None:
    expected = documents(hybrid / "hybrid.toml")
    text = (hybrid / "hybrid.toml").read_text()
    for name in SOURCES:
        csv_path = hybrid / "data" / "hybrid" / name
        frame = typed(csv_path)
        target = csv_path.with_suffix(".parquet" if layout == "file" else "")
        if layout == "file":
            frame.write_parquet(target)
        else:
            # a warehouse export: one folder per month (Hive partitions), several files
            first = next(c for c in frame.columns if frame[c].dtype in (pl.Date, pl.Datetime))
            frame = frame.with_columns(pl.col(first).dt.strftime("%Y-%m").alias("month"))
            frame.write_parquet(target, partition_by="month")
        text = text.replace(f"data/hybrid/{name}", f"data/hybrid/{target.name}")
        csv_path.unlink()
    (hybrid / "parquet.toml").write_text(text)
    got = documents(hybrid / "parquet.toml")
    assert got[0] == expected[0].replace("hybrid.toml", "parquet.toml")
    assert got[1] == expected[1].replace("hybrid.toml", "parquet.toml")


def test_a_folder_without_parquet_files_is_an_input_error(hybrid: Path) -> None:
    (hybrid / "empty").mkdir()
    text = (hybrid / "hybrid.toml").read_text().replace("data/hybrid/build-time.csv", "empty")
    (hybrid / "bad.toml").write_text(text)
    with pytest.raises(engagekit.InputError, match="folder without Parquet files"):
        engagekit.create_engine().load_project(hybrid / "bad.toml")
