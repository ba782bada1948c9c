"""The terminal tells the truth: warnings on stderr, --strict, -h, usage errors, closed pipes."""

from __future__ import annotations

import json
import re
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


HYBRID = ROOT / "examples" / "hybrid.toml"


def _piped(*args: str, columns: int) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-c", "from engagekit.cli import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_tables_fit_80_columns_without_cutting_numbers_or_dates():
    import re

    for args in (
        ("estimate", HYBRID, "--trials", "500"),
        ("bill", HYBRID, "-p", "2026-03"),
        ("staff", HYBRID),
        ("measure", HYBRID),
    ):
        proc = _piped(*args, columns=80)
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert not re.search("[\u2500-\u257f]", proc.stdout), args  # plain text in a pipe
        table_lines = [line for line in lines if re.search(r"\S  +\S", line)]
        assert any(set(line) <= {"-", " "} for line in lines), args  # the line under a header
        assert table_lines, args
        assert all(len(line) <= 80 for line in lines), args
        assert "…" not in proc.stdout, args
        # every figure in a table cell is whole: digits, a point, two decimals
        for line in table_lines:
            for cell in re.split(r"\s{2,}", line):
                cell = cell.strip()
                if re.fullmatch(r"-?[\d.]+", cell) and "." in cell:
                    assert re.fullmatch(r"-?\d+\.\d+", cell), (args, cell)


def test_a_pipe_honours_columns_and_goes_vertical_when_very_narrow():
    wide = _piped("estimate", HYBRID, "--trials", "500", columns=200)
    assert "model" in wide.stdout and "finish" in wide.stdout
    narrow = _piped("estimate", HYBRID, "--trials", "500", columns=40)
    assert "  component: Discovery" in narrow.stdout
    assert "      basis: P80" in narrow.stdout
    assert "\x1b[" not in wide.stdout + narrow.stdout  # plain text in a pipe


def test_estimate_says_what_each_figure_is():
    result = _run("estimate", HYBRID, "--trials", "500", "--json")
    doc = json.loads(result.stdout)
    assert [c["basis"] for c in doc["components"]] == ["P80", "P50", "point"]
    assert doc["total"]["basis"] == "sum"
    per_trial = doc["total"]["cost_per_trial"]
    assert set(per_trial) == {"p50", "p80", "p90"}
    assert all(len(v.split(".")[1]) == 2 for v in per_trial.values())
    assert per_trial["p50"] <= per_trial["p80"] <= per_trial["p90"] or (
        float(per_trial["p50"]) <= float(per_trial["p80"]) <= float(per_trial["p90"])
    )


def test_staff_marks_over_allocated_rows():
    table = _piped("staff", HYBRID, columns=120).stdout
    over = [line for line in table.splitlines() if line.endswith("  over-allocated")]
    # Anton Weiss works on Discovery (0.4) and Build (1.0) in 2026-03
    assert over and all("Anton Weiss" in line and "2026-03" in line for line in over)
    csv_rows = _run("staff", HYBRID, "--csv").stdout.splitlines()
    assert csv_rows[0].endswith(",over_allocated")
    flagged = [r for r in csv_rows[1:] if r.endswith(",True")]
    assert flagged and all("Anton Weiss" in r for r in flagged)


def test_measure_reads_like_a_report_and_has_csv():
    table = _piped("measure", EXAMPLE, columns=100).stdout
    assert "Budget used" in table and "budget_used_percent" not in table
    assert "True" not in table and "False" not in table
    rows = _run("measure", EXAMPLE, "--csv").stdout.splitlines()
    assert rows[0] == "component,table,row,field,value,unit"
    assert any(
        r.startswith("Build,metrics,,budget_used_percent,") and r.endswith(",%") for r in rows
    )


def test_each_command_help_has_examples_and_defaults():
    for command in ("estimate", "bill", "staff", "measure", "report", "init", "validate"):
        result = _run(command, "-h")
        assert result.exit_code == 0
        assert "Examples:\n    engage " + command in result.output, command
    assert "[default: 1" in _run("estimate", "-h").output


def test_shell_completion_completes_commands_and_options():
    import os

    engage = [sys.executable, "-c", "from engagekit.cli import main; main()"]
    script = subprocess.run(
        [*engage, "--show-completion", "bash"], capture_output=True, text=True, check=False
    )
    assert script.returncode == 0 and "complete -o default" in script.stdout

    def complete(words: str, cword: int) -> list[str]:
        env = {
            **os.environ,
            "_ENGAGE_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
        }
        out = subprocess.run(engage, capture_output=True, text=True, env=env, check=False)
        return out.stdout.split()

    assert "staff" in complete("engage st", 1)
    assert "--json" in complete("engage bill x.toml --js", 3)


def test_the_report_names_metrics_for_people_and_says_its_as_of_date():
    from engagekit.report import collect, data_as_of, render_html

    engine = engagekit.create_engine()
    project = engine.load_project(EXAMPLE)
    data = collect(engine, project, trials=300)
    html = render_html(data)
    assert str(data_as_of(data)) == "2026-03-31"
    assert "data as of 2026-03-31" in html
    assert "<td>Budget used</td>" in html and ">budget_used_percent<" not in html


def test_the_bill_says_which_figures_are_net_and_which_gross():
    table = _piped("bill", HYBRID, "-p", "2026-03", columns=120).stdout
    assert re.search(r"subtotal \(net\)\s+69903\.50$", table, re.M)
    assert re.search(r"total \(gross\)\s+80689\.60$", table, re.M)  # after VAT 19%


def test_validate_says_when_the_team_plan_is_over_its_cap(tmp_path):
    path = tmp_path / "p.toml"
    assert _run("init", "-m", "time-material", path).exit_code == 0
    path.write_text(path.read_text().replace("money = 260000", "money = 100000"))
    result = _run("validate", path)
    assert result.exit_code == 0
    assert "248,000.00 EUR, 248% of the cap of 100,000.00 EUR" in result.stderr
    assert "ok" in result.stdout and "warning" not in result.stdout


def test_quantities_keep_their_precision_in_json_csv_and_the_table():
    doc = json.loads(_run("bill", HYBRID, "-p", "2026-03", "--json").stdout)
    lines = {line["description"]: line for line in doc["invoices"][0]["lines"]}
    assert lines["Lea Brandt (lead)"]["quantity"] == "52.30"  # hours to the hundredth
    assert lines["Anton Weiss (developer)"]["quantity"] == "175.00"  # not "175"
    rows = _run("bill", HYBRID, "-p", "2026-03", "--csv").stdout.splitlines()
    assert any(",Lea Brandt (lead),52.30,h," in r for r in rows)
    table = _piped("bill", HYBRID, "-p", "2026-03", columns=120).stdout
    assert re.search(r"Anton Weiss \(developer\)\s+175\.00\s+h", table)
