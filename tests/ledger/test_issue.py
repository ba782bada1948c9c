"""Issuing on the bundled workspace, through the CLI, on both backends: numbered invoices, a
second run that names them, a changed timesheet refused with its difference, then corrected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engagekit.ledger.record import document_hash
from engagekit.ledger.service import open_ledger
from engagekit.workspace import open_workspace


def count(ws_dir: Path) -> int:
    ws = open_workspace(ws_dir)
    ledger = open_ledger(ws)
    try:
        return len(ledger.records())
    finally:
        ledger.close()


def bump_first_row(path: Path) -> None:
    rows = path.read_text().splitlines(keepends=True)
    rows[1] = rows[1].replace(",9,yes,", ",10,yes,", 1)
    path.write_text("".join(rows))


def test_issue_all_again_then_drift_refused_then_corrected(workspace: Path, cli) -> None:
    first = cli("issue", "--all", "--period", "2026-03", "--date", "2026-04-02")
    assert first.exit_code == 0, first.output
    numbers = [f"INV-2026-{n:05}" for n in range(1, 7)]
    for number in numbers:
        assert f"issued invoice {number}:" in first.output
    assert "nothing to invoice: Tracking platform" in first.output

    again = cli("issue", "--all", "--period", "2026-03")
    assert again.exit_code == 0, again.output
    for number in numbers:
        assert f"already issued as {number}" in again.output
    assert "issued invoice" not in again.output
    assert count(workspace) == 6

    bump_first_row(workspace / "data" / "hybrid" / "build-time.csv")
    refused = cli("issue", "hybrid.toml", "--period", "2026-03")
    assert refused.exit_code == 1
    assert "the bill differs from the issued INV-2026-00001" in refused.output
    assert "~ Build: Anton Weiss (developer): quantity 175.00 -> 176.00" in refused.output
    assert "total 80689.60 -> 80799.26 EUR" in refused.output
    assert "--correct" in refused.output
    assert count(workspace) == 6

    # --all refuses the lot when one project drifted
    refused_all = cli("issue", "--all", "--period", "2026-03")
    assert refused_all.exit_code == 1 and count(workspace) == 6

    billed = cli("bill", "hybrid.toml", "--period", "2026-03")
    assert billed.exit_code == 0, billed.output
    assert "2026-03 is issued as INV-2026-00001" in billed.output
    assert "drifted from the issued INV-2026-00001" in billed.output

    corrected = cli(
        "issue", "hybrid.toml", "--period", "2026-03", "--correct", "--date", "2026-04-20"
    )
    assert corrected.exit_code == 0, corrected.output
    assert "issued credit note CN-2026-00001" in corrected.output
    assert "issued invoice INV-2026-00007" in corrected.output
    assert "corrects INV-2026-00001" in corrected.output

    nothing = cli("issue", "hybrid.toml", "--period", "2026-03", "--correct")
    assert nothing.exit_code == 1 and "nothing to correct" in nothing.output

    verified = cli("ledger", "verify")
    assert verified.exit_code == 0, verified.output
    assert "ok: 8 records" in verified.output

    shown = json.loads(cli("invoices", "show", "INV-2026-00007", "--json").output)
    assert shown["corrects"] == {"number": "INV-2026-00001", "issue_date": "2026-04-02"}
    assert shown["total"] == "80799.26" and shown["issue_date"] == "2026-04-20"
    assert shown["hash"] == document_hash(shown)
    credit = json.loads(cli("invoices", "show", "CN-2026-00001", "--json").output)
    assert credit["kind"] == "credit_note" and credit["total"] == "80689.60"
    assert credit["prev_hash"] is None
    assert (
        shown["prev_hash"]
        == json.loads(cli("invoices", "show", "INV-2026-00006", "--json").output)["hash"]
    )


def test_record_keeps_what_the_issue_lists(small_workspace: Path, cli) -> None:
    result = cli("issue", "project.toml", "--period", "2026-03", "--date", "2026-03-31")
    assert result.exit_code == 0, result.output
    doc = json.loads(cli("invoices", "show", "INV-2026-00001", "--json").output)
    assert doc["seller"]["name"] == "Firm GmbH" and doc["buyer"]["id"] == "acme"
    assert doc["due_date"] == "2026-04-30" and doc["payment"]["means_code"] == "58"
    assert doc["books"] == {"currency": "EUR", "rate": "1", "total": doc["total"]}
    assert doc["subtotal"] == "1550.00" and doc["total"] == "1844.50"
    assert doc["adjustments"][0]["name"] == "VAT 19%"
    import hashlib

    assert doc["sources"]["project"] == {
        "path": "project.toml",
        "sha256": hashlib.sha256((small_workspace / "project.toml").read_bytes()).hexdigest(),
    }
    assert doc["sources"]["data"] == [
        {
            "path": "time.csv",
            "sha256": hashlib.sha256((small_workspace / "time.csv").read_bytes()).hexdigest(),
        }
    ]
    assert doc["versions"]["plugins"] == {"time-material": doc["versions"]["engagekit"]}
    # the firm moves: the issued invoice keeps the address it was issued with
    text = (
        (small_workspace / "engage.toml")
        .read_text()
        .replace('street = "Weg 1"', 'street = "Neu 9"')
    )
    (small_workspace / "engage.toml").write_text(text)
    again = cli("issue", "project.toml", "--period", "2026-03")
    assert "already issued as INV-2026-00001" in again.output
    assert (
        json.loads(cli("invoices", "show", "INV-2026-00001", "--json").output)["seller"]["street"]
        == "Weg 1"
    )


def test_dry_run_writes_nothing(small_workspace: Path, cli) -> None:
    result = cli("issue", "project.toml", "--period", "2026-03", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would issue invoice in series invoices: Small, 2026-03, 1,844.50 EUR" in result.output
    listed = cli("invoices", "list", "--json")
    assert json.loads(listed.output) == []


def test_the_list_fits_the_terminal_and_says_when_a_filter_matches_nothing(
    small_workspace: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("issue", "project.toml", "--period", "2026-03").exit_code == 0
    monkeypatch.setenv("COLUMNS", "60")
    listed = cli("invoices", "list").output
    assert "INV-2026-00001" in listed and "1,844.50 EUR" in listed and "…" not in listed
    assert all(len(line) <= 60 for line in listed.splitlines())
    assert "no invoices match" in cli("invoices", "list", "--period", "2027-01").output


def test_credit_list_and_export(small_workspace: Path, cli) -> None:
    assert (
        cli("issue", "project.toml", "--period", "2026-03", "--date", "2026-03-31").exit_code == 0
    )
    credited = cli("credit", "INV-2026-00001", "--reason", "cancelled", "--date", "2026-04-01")
    assert credited.exit_code == 0, credited.output
    assert "issued credit note CN-2026-00001 for INV-2026-00001 (1,844.50 EUR)" in credited.output
    # a credited period can be issued afresh
    reissued = cli("issue", "project.toml", "--period", "2026-03", "--date", "2026-04-02")
    assert "issued invoice INV-2026-00002" in reissued.output
    listed = cli("invoices", "list", "--period", "2026-03")
    assert (
        "credited by CN-2026-00001" in listed.output and "credits INV-2026-00001" in listed.output
    )
    rows = cli("invoices", "list", "--csv").output.splitlines()
    assert rows[0].startswith("number,kind,date") and len(rows) == 4
    jsonl = cli("ledger", "export", "--format", "jsonl").output.splitlines()
    assert [json.loads(x)["number"] for x in jsonl] == [
        "INV-2026-00001",
        "CN-2026-00001",
        "INV-2026-00002",
    ]
    csv_rows = cli(
        "ledger", "export", "--format", "csv", "--since", "2026-04-01"
    ).output.splitlines()
    assert len(csv_rows) == 3  # header, CN-2026-00001, INV-2026-00002
    assert ",-1844.50," in "\n".join(csv_rows)
    from decimal import Decimal

    from engagekit.ledger import issued_totals

    ws = open_workspace(small_workspace)
    assert issued_totals(ws, through="2026-03") == {"Small": Decimal("1844.50")}
    assert issued_totals(ws, through="2026-02") == {}
    out = small_workspace / "export.jsonl"
    assert cli("ledger", "export", "-o", str(out)).exit_code == 0
    assert len(out.read_text().splitlines()) == 3


def test_a_rate_card_changed_after_issue_never_alters_the_invoice(
    small_workspace: Path, cli
) -> None:
    assert cli("issue", "project.toml", "--period", "2026-03").exit_code == 0
    issued = cli("invoices", "show", "INV-2026-00001", "--json").output
    project = small_workspace / "project.toml"
    project.write_text(project.read_text().replace("bill = 100", "bill = 110"))
    refused = cli("issue", "project.toml", "--period", "2026-03")
    assert refused.exit_code == 1
    assert "unit price 100.00 -> 110.00" in refused.output, refused.output
    assert cli("invoices", "show", "INV-2026-00001", "--json").output == issued
    assert cli("ledger", "verify").exit_code == 0
