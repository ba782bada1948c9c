"""The terminal tells the truth: warnings on stderr, --strict, -h, usage errors, closed pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "time-material.toml"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(build_app(engagekit.create_engine()), [str(a) for a in args])


def test_a_period_where_no_component_runs_warns_and_strict_exits_1():
    result = _run("bill", EXAMPLE, "-p", "2030-01", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # warnings are not mixed into the JSON on stdout
    assert any(w.startswith("no component runs in 2030-01") for w in doc["warnings"])
    assert "warning: no component runs in 2030-01" in result.stderr
    strict = _run("--strict", "bill", EXAMPLE, "-p", "2030-01")
    assert strict.exit_code == 1
    assert "warning: no component runs in 2030-01" in strict.stderr
    assert "1 warning (--strict)" in strict.stderr


def test_warnings_are_one_line_each_on_stderr():
    result = _run("bill", EXAMPLE, "-p", "2030-01")
    assert "warning" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line]
    assert lines and all(line.startswith("warning: ") for line in lines)


def test_json_with_csv_is_a_usage_error():
    result = _run("bill", EXAMPLE, "-p", "2026-03", "--json", "--csv")
    assert result.exit_code == 2
    assert "--json and --csv exclude each other" in result.output


def test_h_is_help():
    for args in (["-h"], ["bill", "-h"]):
        result = _run(*args)
        assert result.exit_code == 0
        assert "Usage:" in result.output


def test_a_closed_pipe_ends_quietly():
    engage = [sys.executable, "-c", "from engagekit.cli import main; main()"]
    proc = subprocess.run(
        " ".join([*engage[:2], repr(engage[2]), "estimate", str(EXAMPLE), "--json"])
        + " | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        executable="/bin/bash",
    )
    assert proc.stdout == '{\n  "proje'
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr
    status = subprocess.run(
        " ".join([*engage[:2], repr(engage[2]), "estimate", str(EXAMPLE), "--json"])
        + " | head -c 10 >/dev/null; echo ${PIPESTATUS[0]}",
        shell=True,
        capture_output=True,
        text=True,
        executable="/bin/bash",
    )
    assert status.stdout.strip() == "0", status.stderr


def test_json_money_is_at_the_currencys_minor_unit():
    from decimal import Decimal

    from engagekit.output import jsonable

    assert jsonable(engagekit.Money(Decimal(0), "EUR")) == "0.00"
    assert jsonable(engagekit.Money(Decimal(14900), "EUR")) == "14900.00"
    assert jsonable(engagekit.Money(Decimal("0.125"), "EUR")) == "0.125"  # padded, not rounded
    assert jsonable(engagekit.Money(Decimal(5), "JPY")) == "5"
    assert jsonable(engagekit.Money(Decimal("1.5"), "KWD")) == "1.500"
