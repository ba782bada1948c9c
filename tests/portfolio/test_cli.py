"""``--all`` on the project commands, ``engage status``, ``engage report --all``: on the
bundled workspace and on small workspaces made for each case."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import engagekit
from engagekit import output
from engagekit.period import Period
from tests.conftest import EXAMPLES

WS = str(EXAMPLES)


def _bundled_files() -> list[Path]:
    from engagekit.workspace import open_workspace

    return open_workspace(EXAMPLES).project_files()


def test_bill_all_on_the_bundled_workspace(cli) -> None:
    result = cli("bill", "--all", "--period", "2026-03", "--workspace", WS, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    engine = engagekit.create_engine()
    files = _bundled_files()
    alone = [engine.bill(engine.load_project(f), Period.parse("2026-03")) for f in files]
    assert [{k: v for k, v in p.items() if k != "file"} for p in doc["projects"]] == [
        json.loads(output.dumps(output.bill_doc(b))) for b in alone
    ]
    total = sum((inv.total.amount for b in alone for inv in b.invoices), Decimal(0))
    assert Decimal(doc["totals"]["EUR"]["total"]) == total
    assert doc["failures"] == []

    table = cli("bill", "--all", "--period", "2026-03", "--workspace", WS)
    assert table.exit_code == 0, table.output
    assert "Portfolio bill 2026-03" in table.stdout
    assert output.decimal_text(total) in table.stdout

    rows = cli("bill", "--all", "--period", "2026-03", "--workspace", WS, "--csv")
    lines = rows.stdout.splitlines()
    assert lines[0] == "project,period,currency,lines,subtotal,total"
    assert lines[-1].startswith("total,2026-03,EUR,")
    assert len(lines) == 1 + len(files) + 1


def test_estimate_and_measure_all(cli) -> None:
    est = cli("estimate", "--all", "--workspace", WS, "--trials", "300", "--csv")
    assert est.exit_code == 0, est.output
    header, *rows = est.stdout.splitlines()
    assert header.endswith("blended rate")
    assert rows[-1].startswith("total,")
    measure = cli("measure", "--all", "--workspace", WS, "--json")
    assert measure.exit_code == 0, measure.output
    assert {c["status"] for p in json.loads(measure.stdout)["projects"] for c in p["components"]}


def test_staff_all_on_the_bundled_workspace(cli) -> None:
    result = cli("staff", "--all", "--workspace", WS, "--json")
    assert result.exit_code == 0, result.output
    util = json.loads(result.stdout)["utilisation"]
    bench = {c["person"] for c in util["people"] if Decimal(c["bench_fte"]) > 0}
    assert {"Nina Hartmann", "Ravi Kumar"} <= bench  # on no project at all
    assert util["over_allocated"]
    shown = cli("staff", "--all", "--workspace", WS)
    assert shown.exit_code == 0, shown.output
    assert "Bench (FTE on no project):" in shown.stdout


def test_over_allocation_across_projects(cli, workspace) -> None:
    root = workspace({"a": ("ada", "0.6"), "b": ("Ada Byron", "0.6")})
    result = cli("staff", "--all", "--workspace", str(root), "--json")
    assert result.exit_code == 0, result.output
    util = json.loads(result.stdout)["utilisation"]
    over = {(o["person"], o["month"]): o for o in util["over_allocated"]}
    assert over[("Ada Byron", "2026-04")]["planned_fte"] == "1.20"
    assert over[("Ada Byron", "2026-04")]["projects"] == ["Project a", "Project b"]
    cells = {(c["person"], c["month"]): c for c in util["people"]}
    april = cells[("Ada Byron", "2026-04")]
    assert Decimal(april["planned_hours"]) == Decimal(april["capacity_hours"]) * Decimal("1.2")
    assert cells[("Bob Stone", "2026-04")]["bench_fte"] == "0.50"
    # two open developer seats a month; Bob's half a day is on the bench: hire 1.5, so 2 people
    hire = {h["month"]: h for h in util["hire"]}
    assert hire["2026-04"] == {"role": "developer", "month": "2026-04", "fte": "1.50", "people": 2}


def test_a_name_no_roster_knows(cli, workspace) -> None:
    root = workspace({"a": ("ada", "0.6"), "b": ("Carl Nobody", "0.5")})
    result = cli("staff", "--all", "--workspace", str(root))
    assert result.exit_code == 1
    assert "'Carl Nobody' is not in the workspace's roster" in result.stderr
    assert "b.toml" in result.stderr
    assert result.stderr.strip().endswith("1 of 2 projects failed")
    assert "Project a" in result.stdout  # the others went on


def test_a_person_in_two_roster_rows(cli, workspace) -> None:
    from tests.portfolio.conftest import PEOPLE

    twice = PEOPLE + '\n[[people]]\nid = "ada2"\nname = "Ada Byron"\n'
    root = workspace({"a": ("ada", "0.6")}, people=twice)
    result = cli("staff", "--all", "--workspace", str(root))
    assert result.exit_code == 1
    assert "engage.toml:" in result.stderr
    assert "'Ada Byron' is in two roster rows (also line" in result.stderr
    assert "Traceback" not in result.output


def test_a_people_csv(cli, workspace) -> None:
    root = workspace({"a": ("p1", "0.5")}, people='people = "people.csv"\n')
    # the key must come before [firm]: rewrite the file with it at the top
    text = (root / "engage.toml").read_text().replace('people = "people.csv"\n', "")
    (root / "engage.toml").write_text('people = "people.csv"\n' + text)
    (root / "people.csv").write_text(
        "id,name,roles,seniority,location,cost_rate,fte,start,end\n"
        "p1,Ada Byron,developer;lead,senior,nearshore,50,0.8,2026-01-01,\n"
    )
    result = cli("staff", "--all", "--workspace", str(root), "--json")
    assert result.exit_code == 0, result.output
    cells = json.loads(result.stdout)["utilisation"]["people"]
    assert {c["person"] for c in cells} == {"Ada Byron"}
    assert {c["capacity_fte"] for c in cells} == {"0.8"}
    (root / "people.csv").write_text("id,name,location\np1,Ada Byron,moon\n")
    bad = cli("staff", "--all", "--workspace", str(root))
    assert bad.exit_code == 1
    assert "people.csv, row 2, location: unknown location 'moon'" in bad.stderr


def test_a_glob_matching_nothing(cli, workspace) -> None:
    root = workspace({"a": ("ada", "0.6")}, globs='["projects/*.toml", "archive/*.toml"]')
    result = cli("bill", "--all", "--period", "2026-03", "--workspace", str(root))
    assert result.exit_code == 1
    assert "the glob 'archive/*.toml' matches no project file" in result.stderr
    assert "engage.toml:1" in result.stderr


def test_two_projects_with_one_name(cli, workspace) -> None:
    root = workspace({"a": ("ada", "0.6"), "b": ("bob", "0.5")})
    (root / "projects" / "c.toml").write_text((root / "projects" / "a.toml").read_text())
    result = cli("bill", "--all", "--period", "2026-03", "--workspace", str(root))
    assert result.exit_code == 1
    assert "two projects are named 'Project a'" in result.stderr
    assert result.stderr.strip().endswith("1 of 3 projects failed")


def test_a_project_outside_the_workspace(cli, workspace, tmp_path) -> None:
    root = workspace({"a": ("ada", "0.6")})
    outside = tmp_path / "elsewhere.toml"
    outside.write_text((root / "projects" / "a.toml").read_text())
    result = cli("bill", str(outside), "--period", "2026-03", "--workspace", str(root))
    assert result.exit_code == 1
    assert "elsewhere.toml: the project is outside the workspace" in result.stderr
    inside = cli(
        "bill", str(root / "projects" / "a.toml"), "-p", "2026-03", "--workspace", str(root)
    )
    assert inside.exit_code == 0, inside.output


def test_file_and_all_together_is_a_usage_error(cli) -> None:
    result = cli("staff", str(EXAMPLES / "sla.toml"), "--all", "--workspace", WS)
    assert result.exit_code == 2
    missing = cli("staff")
    assert missing.exit_code == 2
    assert "FILE" in missing.output


def test_unreachable_scheduler_from_the_command_line(cli, monkeypatch) -> None:
    from engagekit.portfolio import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    result = cli(
        "staff",
        "--all",
        "--workspace",
        WS,
        "--executor",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.output


def test_status_on_the_bundled_workspace(cli) -> None:
    result = cli("status", "--period", "2026-03", "--workspace", WS, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["issued_source"] in ("ledger", "computed")
    assert len(doc["projects"]) == len(_bundled_files())
    for p in doc["projects"]:
        assert Decimal(p["billed_to_date"]) == Decimal(p["issued"]) + Decimal(p["unbilled_wip"])
    total = sum((Decimal(p["billed_to_date"]) for p in doc["projects"]), Decimal(0))
    assert Decimal(doc["totals"]["EUR"]["billed_to_date"]) == total
    # billed to date is every month's bill from the project's start through March
    engine = engagekit.create_engine()
    tm = next(p for p in doc["projects"] if p["file"].endswith("time-material.toml"))
    project = engine.load_project(tm["file"])
    months = Period.days(project.start, date_of("2026-03-31")).months()
    assert Decimal(tm["billed_to_date"]) == sum(
        (engine.bill(project, m).invoices[0].total.amount for m in months), Decimal(0)
    )
    shown = cli("status", "--period", "2026-03", "--workspace", WS)
    assert shown.exit_code == 0, shown.output
    assert "firm total" in shown.stdout


def test_status_says_which_services_do_not_run_in_the_month(cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    shown = cli("status", "--period", "2026-03", "--workspace", WS)
    assert shown.exit_code == 0, shown.output
    # the hybrid project's service starts in September; the portal's runs in March
    row = next(line for line in shown.stdout.splitlines() if line.startswith("Order platform"))
    assert "Run: not running" in row
    row = next(line for line in shown.stdout.splitlines() if line.startswith("Portal run"))
    assert "portal-sla off-track 79.59%" in row


def test_status_help_names_no_all_option(cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    shown = cli("status", "--help")
    assert shown.exit_code == 0
    assert "--all" not in shown.stdout and "--workers" in shown.stdout


def date_of(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_report_all_writes_one_page(cli, tmp_path) -> None:
    out = tmp_path / "portfolio.html"
    result = cli("report", "--all", "--workspace", WS, "-o", str(out), "--trials", "300")
    assert result.exit_code == 0, result.output
    html = out.read_text()
    for heading in (
        "Revenue by month",
        "Utilisation per person and month",
        "Projects at risk",
        "SLA compliance across clients",
    ):
        assert f"<h2>{heading}</h2>" in html
    # each SLA chart is named on the page, not only in its tooltip
    assert "<h3>Incidents answered and resolved within target (%)</h3>" in html
    assert "<h3>Availability (%)</h3>" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_a_bad_calendar_in_the_roster_names_its_line(cli, workspace) -> None:
    people = '\n[[people]]\nid = "ada"\nname = "Ada Byron"\ncalendar = { country = "XX" }\n'
    root = workspace({"a": ("ada", "0.6")}, people=people)
    result = cli("staff", "--all", "--workspace", str(root))
    assert result.exit_code == 1
    assert "engage.toml:6, calendar.country: " in result.stderr
    assert "Traceback" not in result.output


def test_status_reads_what_the_ledger_issued(cli, tmp_path) -> None:
    import shutil

    ws = tmp_path / "examples"
    shutil.copytree(EXAMPLES, ws, ignore=shutil.ignore_patterns(".engage"))
    before = json.loads(cli("status", "-p", "2026-03", "--workspace", str(ws), "--json").stdout)
    assert before["issued_source"] == "computed"
    issued = cli("issue", "--all", "--period", "2026-03", "--workspace", str(ws))
    assert issued.exit_code == 0, issued.output
    doc = json.loads(cli("status", "-p", "2026-03", "--workspace", str(ws), "--json").stdout)
    assert doc["issued_source"] == "ledger"
    by_name = {p["project"]: p for p in doc["projects"]}
    for p in before["projects"]:
        after = by_name[p["project"]]
        # March is issued now: what is left unbilled is what came before it
        assert Decimal(after["issued"]) == Decimal(p["this_period"])
        assert Decimal(after["unbilled_wip"]) == Decimal(p["billed_to_date"]) - Decimal(
            p["this_period"]
        )


def test_portfolio_tables_fit_80_columns_without_cutting_figures(cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for args in (
        ("status", "--period", "2026-03"),
        ("staff", "--all"),
        ("bill", "--all", "--period", "2026-03"),
        ("estimate", "--all", "--trials", "300"),
    ):
        shown = cli(*args, "--workspace", WS)
        assert shown.exit_code == 0, shown.output
        assert "…" not in shown.stdout, args
        assert all(len(line) <= 80 for line in shown.stdout.splitlines()), args


def test_json_to_a_file_is_what_standard_output_gets(cli, workspace, tmp_path) -> None:
    root = workspace({"a": ("ada", "0.6"), "b": ("bob", "0.5")})
    args = ("staff", "--all", "--workspace", str(root), "--json")
    printed = cli(*args)
    assert printed.exit_code == 0, printed.output
    out = tmp_path / "staff.json"
    written = cli(*args, "-o", str(out))
    assert written.exit_code == 0, written.output
    assert out.read_text() == printed.stdout
    doc = json.loads(out.read_text())
    assert [p["file"] for p in doc["projects"]] == [
        str((root / "projects" / f"{s}.toml").resolve()) for s in "ab"
    ]
    assert "utilisation" in doc and doc["failures"] == []


def test_json_when_every_project_fails_is_still_a_document(cli, workspace) -> None:
    root = workspace({"a": ("Nobody", "0.6")})
    result = cli("bill", "--all", "--period", "2026-03", "--workspace", str(root), "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["projects"] == []
    assert "'Nobody' is not in the workspace's roster" in doc["failures"][0]["error"]


def test_a_sliver_of_open_demand_is_no_hire() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from engagekit.portfolio.utilisation import HIRE_FROM, people_to_hire

    cases = {"0.05": 0, "0.24": 0, "0.25": 1, "0.3": 1, "1.0": 1, "1.1": 1, "1.5": 2, "2.9": 3}
    assert {k: people_to_hire(Decimal(k)) for k in cases} == cases

    @given(st.decimals(min_value=0, max_value=100, places=2))
    def law(gap: Decimal) -> None:
        n = people_to_hire(gap)
        # never fewer people than the whole FTE, never a person for less than HIRE_FROM
        assert n <= gap + 1 - HIRE_FROM and gap - n < HIRE_FROM

    law()
