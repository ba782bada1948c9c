"""The CLI on a hybrid project of in-process models: formula-safe CSV, atomic ``-o`` files, and
``engage report`` writing a complete page or nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner

import engagekit
import engagekit.output
from engagekit.cli import build_app

from ._fakes import FakeModel, project_dict
from ._html import parse

DANGER = ('=HYPERLINK("x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "=cmd|' /C calc'!A0")


def run(*args: str) -> object:
    engine = engagekit.create_engine(plugins=[FakeModel()], entry_points=False, strict=True)
    return CliRunner().invoke(build_app(engine), list(args))


def write_project(tmp_path: Path, fail_months: tuple[str, ...] = ("2026-03",)) -> Path:
    doc = project_dict(
        [
            {
                "name": DANGER[0],
                "end": "2026-02-28",
                "settings": {
                    "monthly": Decimal("1200.00"),
                    "description": DANGER[1],
                    "role": DANGER[3],
                    "person": DANGER[2],
                    "fte": Decimal("0.5"),
                },
            },
            {
                "name": "credits",
                "start": "2026-02-01",
                "settings": {
                    "monthly": Decimal("-150.00"),
                    "description": DANGER[5],
                    "role": DANGER[4],
                    "fail_months": list(fail_months),
                    "sla": True,
                },
            },
        ],
        adjustments=[{"name": "@vat", "stage": "tax", "percent": Decimal(20)}],
        name="=evil project",
    )
    path = tmp_path / "hybrid.toml"
    path.write_text(tomli_w.dumps(doc))
    return path


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_formula_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                Decimal(cell)  # only numbers may start so: -150.00 is a credit


def test_bill_csv_neutralises_formulas_and_keeps_credits_numeric(project_file: Path) -> None:
    result = run("bill", str(project_file), "--period", "2026-02", "--csv")
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout)
    assert_formula_safe(rows)
    cells = {c for row in rows for c in row}
    assert "'" + DANGER[0] in cells and "'" + DANGER[1] in cells and "'" + DANGER[5] in cells
    assert "'@vat" in cells
    assert "-150.00" in cells  # the credit line stays a number
    total = next(r for r in rows if r[3] == "total")
    assert total[7] == "1260.00"  # (1200 - 150) * 1.2


def test_staff_csv_neutralises_formulas(project_file: Path) -> None:
    result = run("staff", str(project_file), "--csv")
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout)
    assert_formula_safe(rows)
    cells = {c for row in rows for c in row}
    assert {"'" + DANGER[0], "'" + DANGER[2], "'" + DANGER[3], "'" + DANGER[4]} <= cells


def test_output_file_is_written_whole(project_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "bill.csv"
    result = run("bill", str(project_file), "--period", "2026-02", "--csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert rows_of(out.read_text())[0][0] == "period"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bill.csv", "hybrid.toml"]


def test_a_failing_bill_leaves_an_existing_file_untouched(
    project_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "bill.csv"
    out.write_text("OLD CONTENT\n")
    result = run("bill", str(project_file), "--period", "2026-03", "--csv", "-o", str(out))
    assert result.exit_code == 1
    assert "no timesheet data for 2026-03" in result.output
    assert "Traceback" not in result.output
    assert out.read_text() == "OLD CONTENT\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bill.csv", "hybrid.toml"]


def test_a_failing_write_leaves_an_existing_file_untouched(
    project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "staff.csv"
    out.write_text("OLD CONTENT\n")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(engagekit.output.os, "replace", broken_replace)
    result = run("staff", str(project_file), "--csv", "-o", str(out))
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert out.read_text() == "OLD CONTENT\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hybrid.toml", "staff.csv"]


def test_report_is_written_and_self_contained(tmp_path: Path) -> None:
    project_file = write_project(tmp_path, fail_months=())
    out = tmp_path / "report.html"
    result = run("report", str(project_file), "-o", str(out), "--seed", "3", "--trials", "500")
    assert result.exit_code == 0, result.output
    root = parse(out.read_text())
    assert "=evil project" in next(root.iter("h1")).all_text()
    billing = root.find_id("billing")
    assert billing is not None and list(billing.iter("svg"))
    assert "seed 3, 500 trials" in root.all_text()


def test_report_surfaces_a_components_error_and_writes_nothing(
    project_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous report")
    result = run("report", str(project_file), "-o", str(out), "--trials", "200")
    assert result.exit_code == 1
    assert "fake.csv, date: no timesheet data for 2026-03" in result.output
    assert "Traceback" not in result.output
    assert out.read_text() == "previous report"
