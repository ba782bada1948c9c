"""``engage invoices export`` on a copy of the bundled workspace, after ``engage issue``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engagekit.exports import validation

from . import records


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    import engagekit
    from engagekit.cli import build_app

    folder = tmp_path_factory.mktemp("ws") / "examples"
    shutil.copytree(records.EXAMPLES, folder, ignore=shutil.ignore_patterns(".engage"))
    app = build_app(engagekit.create_engine())
    for period, day in (("2026-02", "2026-02-28"), ("2026-03", "2026-03-31")):
        done = CliRunner().invoke(
            app, ["issue", "--all", "--period", period, "--date", day, "--workspace", str(folder)]
        )
        assert done.exit_code == 0, done.output
    return folder


def numbers(cli, ws: Path, period: str) -> list[str]:
    import json

    done = cli("invoices", "list", "--period", period, "--json", "--workspace", str(ws))
    assert done.exit_code == 0, done.output
    return [r["number"] for r in json.loads(done.output)]


@pytest.mark.skipif(not validation.available(), reason="saxonche is not installed")
def test_all_of_march_as_facturx_one_valid_pdf_each(cli, workspace, tmp_path):
    from facturx import get_xml_from_pdf

    out = tmp_path / "out"
    done = cli(
        "invoices",
        "export",
        "--all",
        "--period",
        "2026-03",
        "--format",
        "facturx",
        "-o",
        str(out),
        "--workspace",
        str(workspace),
    )
    assert done.exit_code == 0, done.output
    march = numbers(cli, workspace, "2026-03")
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.pdf" for n in march)
    for pdf in out.iterdir():
        name, xml = get_xml_from_pdf(pdf.read_bytes(), check_xsd=True)
        assert name == "factur-x.xml"
        assert [f for f in validation.schematron(xml, "cii") if f.fatal] == []


def test_one_invoice_to_one_file(cli, workspace, tmp_path):
    first = numbers(cli, workspace, "2026-02")[0]
    target = tmp_path / "one.xml"
    done = cli(
        "invoices", "export", first, "-f", "ubl", "-o", str(target), "--workspace", str(workspace)
    )
    assert done.exit_code == 0, done.output
    assert f"<cbc:ID>{first}</cbc:ID>".encode() in target.read_bytes()


def test_an_unknown_number_names_the_ledger(cli, workspace, tmp_path):
    done = cli(
        "invoices", "export", "INV-1999-00001", "-o", str(tmp_path), "--workspace", str(workspace)
    )
    assert done.exit_code == 1
    assert "no issued invoice or credit note 'INV-1999-00001' in the ledger" in done.output
    assert "engagekit.db" in done.output
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_lists_the_installed_ones(cli, workspace, tmp_path):
    first = numbers(cli, workspace, "2026-02")[0]
    done = cli(
        "invoices",
        "export",
        first,
        "-f",
        "xrechnung",
        "-o",
        str(tmp_path),
        "--workspace",
        str(workspace),
    )
    assert done.exit_code == 1
    assert "unknown export format 'xrechnung'" in done.output
    assert "installed formats: cii, facturx, json, pdf, ubl" in done.output


def test_the_help_lists_the_formats(cli):
    done = cli("invoices", "export", "--help")
    assert done.exit_code == 0
    for name in ("ubl", "cii", "facturx", "pdf", "json"):
        assert name in done.output


def test_a_missing_term_writes_nothing(cli, workspace, tmp_path):
    import attrs

    from engagekit.exports import command
    from engagekit.workspace import open_workspace

    ws = open_workspace(workspace)
    records_ = command.select(ws, [], True, "2026-03")
    broken = [
        attrs.evolve(records_[0], seller=attrs.evolve(records_[0].seller, vat_id="")),
        *records_[1:],
    ]
    import engagekit

    with pytest.raises(Exception, match="BT-31 seller VAT identifier") as err:
        command.export_records(engagekit.create_engine(), broken, "ubl", tmp_path / "out")
    assert "nothing was written" in str(err.value)
    assert not (tmp_path / "out").exists()
