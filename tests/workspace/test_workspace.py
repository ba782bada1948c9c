"""engage.toml: found by walking up, read strictly, every mistake located; the bundled
examples are a workspace whose projects all name a client of it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import engagekit
from engagekit.errors import InputError
from engagekit.workspace import find_workspace, open_workspace
from engagekit.workspace.starter import STARTER
from tests.conftest import EXAMPLES

FIRM = """\
[firm]
name = "Firm"
street = "s"
city = "c"
postcode = "1"
country = "DE"
vat_id = "DE1"
"""


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "engage.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_examples_are_a_workspace_whose_projects_name_its_clients() -> None:
    ws = engagekit.open_workspace(EXAMPLES)
    assert isinstance(ws, engagekit.Workspace)
    assert ws.firm.name == "Kranich Digital GmbH"
    engine = engagekit.create_engine()
    files = ws.project_files()
    assert {f.name for f in files} >= {"hybrid.toml", "sla.toml", "time-material.toml"}
    for file in files:
        project = engine.load_project(file)
        client = ws.client(project.client, where=file)
        ws.require_legal_data(client)
    # embed.toml (a model defined in-process) is outside the globs but names a client too
    import tomllib

    embed = tomllib.loads((EXAMPLES / "embed" / "embed.toml").read_text())
    assert embed["project"]["client"] in ws.clients


def test_found_by_walking_up_from_a_project_file(tmp_path: Path) -> None:
    write(tmp_path, FIRM)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "p.toml").write_text("")
    assert find_workspace(deep / "p.toml") == tmp_path.resolve()
    assert open_workspace(deep).root == tmp_path.resolve()
    assert open_workspace(tmp_path / "engage.toml").root == tmp_path.resolve()


def test_no_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no engage\.toml") as err:
        open_workspace(tmp_path)
    assert "engage init --workspace" in str(err.value)


def test_defaults_series_and_sqlite_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGAGEKIT_DATABASE_URL", raising=False)
    ws = open_workspace(write(tmp_path, FIRM))
    assert ws.invoices.series["invoices"].number(2026, 12) == "INV-2026-00012"
    assert ws.invoices.series["credit-notes"].number(2026, 3) == "CN-2026-00003"
    assert ws.database_url() == f"sqlite:///{tmp_path.resolve()}/.engage/engagekit.db"
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert ws.database_url() == "postgresql+psycopg://u@h/db"


def test_starter_validates_and_init_refuses_to_overwrite(tmp_path: Path, cli) -> None:
    result = cli("init", "--workspace", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    ws = open_workspace(tmp_path / "ws")
    assert "example-client" in ws.clients
    assert (tmp_path / "ws" / "engage.toml").read_text() == STARTER
    again = cli("init", "--workspace", str(tmp_path / "ws"))
    assert again.exit_code == 1
    assert "exists" in again.output


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        (FIRM + 'vat = "x"\n', "unknown key 'vat'", "engage.toml:8, firm.vat"),
        (
            FIRM + '[invoices.series.invoices]\nformat = "INV-{year}"\n',
            "has no {seq}",
            "invoices.series.invoices.format",
        ),
        (
            FIRM + '[invoices.series.invoices]\nformat = "INV-{seq}"\n',
            "resets yearly but has no {year}",
            "invoices.series.invoices.format",
        ),
        (
            FIRM + '[invoices.series.invoices]\nformat = "INV-{client}-{seq}"\n',
            "uses {client}",
            "invoices.series.invoices.format",
        ),
        (
            FIRM + '[invoices]\ncredit_series = "invoices"\n',
            "credit notes need a series of their own",
            "invoices.credit_series",
        ),
        (FIRM + '[invoices]\ninvoice_series = "inv"\n', "no series named 'inv'", "invoice_series"),
        (
            FIRM + '[invoices.series.invoices]\nformat = "INV-{year}-{seq:05}"\n'
            '[invoices.series.credit-notes]\nformat = "INV-{year}-{seq:05}"\n',
            "would give the same numbers",
            "invoices.series",
        ),
        (FIRM.replace('"DE"', '"Germany"'), "not a country code", "engage.toml:6, firm.country"),
        (FIRM + 'books_currency = "EURO"\n', "unknown currency", "firm.books_currency"),
        (
            FIRM + '[clients.a]\nname = "A"\nseries = "x"\n',
            "no series named 'x'",
            "clients.a.series",
        ),
        (
            FIRM + '[fx]\nrates = [{currency = "USD", rate = 0}]\n',
            "must be positive",
            "fx.rates[0].rate",
        ),
        (FIRM + "[clients.a]\n", "missing required key 'name'", "clients.a.name"),
        ('[firm]\nname = "x"\n[firm]\n', "invalid TOML", "engage.toml:3"),
    ],
)
def test_bad_workspace_files_are_located(
    tmp_path: Path, text: str, message: str, where: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        open_workspace(path)
    assert message in str(err.value)
    assert where in str(err.value)


def test_fx_rates_from_a_csv_file(tmp_path: Path) -> None:
    (tmp_path / "fx.csv").write_text("currency,rate,since\nUSD,0.92,2026-01-01\nGBP,-1,\n")
    with pytest.raises(InputError, match=r"fx.csv, row 3, rate: must be positive"):
        open_workspace(write(tmp_path, FIRM + '[fx]\nfile = "fx.csv"\n'))
    (tmp_path / "fx.csv").write_text("currency,rate,since\nUSD,0.92,2026-01-01\nGBP,1.17,\n")
    ws = open_workspace(tmp_path)
    assert [(r.currency, str(r.rate)) for r in ws.fx] == [("USD", "0.92"), ("GBP", "1.17")]


def test_a_client_the_workspace_lacks_is_named_with_the_known_ones(tmp_path: Path) -> None:
    ws = open_workspace(write(tmp_path, FIRM + '[clients.nordwind]\nname = "N"\n'))
    with pytest.raises(InputError) as err:
        ws.client("nordwnd", where="p.toml")
    text = str(err.value)
    assert "p.toml, project.client: client 'nordwnd' is not in the workspace" in text
    assert "did you mean 'nordwind'" in text and "[clients.nordwnd]" in text


def test_missing_legal_data_names_the_field_and_where_to_add_it(tmp_path: Path) -> None:
    ws = open_workspace(write(tmp_path, FIRM + '[clients.a]\nname = "A"\ncity = "X"\n'))
    with pytest.raises(InputError) as err:
        ws.require_legal_data(ws.clients["a"])
    text = str(err.value)
    assert "engage.toml:8" in text and "clients.a.street: street is missing" in text
    assert 'add street = "..." to the [clients.a] table' in text
