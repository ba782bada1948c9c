"""`engage validate` sees everything: whatever bill, estimate, staff or measure rejects in a
project's data files, validate rejects first with the same message; several files; --json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import engagekit
from tests.conftest import EXAMPLES


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of examples/ whose data files a test may break."""
    out = tmp_path / "examples"
    shutil.copytree(EXAMPLES, out)
    return out


def _append(path: Path, row: str) -> None:
    text = path.read_text()
    path.write_text(text + ("" if text.endswith("\n") else "\n") + row + "\n")


def _error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert lines, result.output
    return lines[0]


BROKEN = [
    pytest.param(
        "time-material.toml",
        "data/time_material/harvest_time_report.csv",
        "2026-03-02,Northwind Traders,Order Portal Rebuild,NW-042,Development,x,2.00,2.00,Yes,No,"
        "Yes,Ana,Lima,Juggler,Yes,95.00,190.00,55.00,110.00,Euro - EUR,",  # a role without a rate
        ("bill", "--period", "2026-03"),
        "no rate for",
        id="time-material: an entry without a rate",
    ),
    pytest.param(
        "sla.toml",
        "data/sla/incidents.csv",
        "INC9999,P9,2026-03-02 10:00,2026-03-02 10:30,2026-03-02 12:00,,,",
        ("measure",),
        "P9",
        id="sla: an incident of an unknown priority",
    ),
    pytest.param(
        "fixed-price.toml",
        "data/fixed_price/acceptance.csv",
        "nosuchphase,2026-04-01,x",
        ("bill", "--period", "2026-04"),
        "nosuchphase",
        id="fixed-price: acceptance of an unknown phase",
    ),
    pytest.param(
        "dedicated-team.toml",
        "data/dedicated_team/timesheet.csv",
        "2026-03-04,Lena Vogel,lead,30,yes,Development,too long a day",
        ("bill", "--period", "2026-03"),
        "more than a day holds",
        id="dedicated-team: its time-material part",
    ),
    pytest.param(
        "sla.toml",
        "data/sla/out-of-scope-time.csv",
        "2026-03-05,Mara Vogel,-2,engineer,Report export,negative",
        ("bill", "--period", "2026-03"),
        "out-of-scope-time.csv",
        id="sla: its out-of-scope work",
    ),
]


@pytest.mark.parametrize(("project", "data", "row", "command", "needle"), BROKEN)
def test_validate_rejects_what_the_commands_reject_with_the_same_message(
    cli, examples, project, data, row, command, needle
):
    _append(examples / data, row)
    path = str(examples / project)
    ran = _error(cli(command[0], path, *command[1:]))
    validated = _error(cli("validate", path))
    assert needle in validated
    assert validated == ran


def test_validate_reads_several_files_and_says_which_fail(cli, examples):
    _append(examples / "data/fixed_price/acceptance.csv", "nosuchphase,2026-04-01,x")
    good, bad = examples / "time-material.toml", examples / "fixed-price.toml"
    result = cli("validate", str(good), str(bad))
    assert result.exit_code == 1
    assert f"{good}: ok (Order Portal Rebuild" in result.output
    assert "nosuchphase" in result.output


def test_validate_json(cli, examples):
    _append(examples / "data/fixed_price/acceptance.csv", "nosuchphase,2026-04-01,x")
    result = cli(
        "validate", "--json", str(examples / "sla.toml"), str(examples / "fixed-price.toml")
    )
    assert result.exit_code == 1
    start = result.output.index("[")
    good, bad = json.loads(result.output[start:])
    assert good["ok"] and good["components"] == [{"name": "portal-sla", "model": "sla"}]
    assert not bad["ok"]
    error = bad["error"]
    assert (error["component"], error["model"]) == ("Shop rebuild", "fixed-price")
    assert error["where"].endswith("acceptance.csv") and error["row"] is not None


def test_every_bundled_file_validates_as_what_it_is(cli):
    files = [str(p) for p in sorted(EXAMPLES.glob("*.toml"))]
    result = cli("validate", *files)
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok (") == len(files)
    assert "engage.toml: ok (workspace of " in result.output
    assert "scope.toml: ok (scope Returns portal, " in result.output
    assert "sla.toml: ok (Portal run and maintenance, 1 component: " in result.output
    docs = json.loads(cli("validate", *files, "--json").output)
    assert {d["kind"] for d in docs} == {"project", "workspace", "scope"}


def test_a_broken_scope_or_workspace_is_named_like_a_project(cli, tmp_path):
    scope = tmp_path / "scope.toml"
    scope.write_text('[scope]\nname = "x"\nproject = "missing.toml"\n\n[[items]]\nname = "a"\n')
    (tmp_path / "engage.toml").write_text("[firm]\nname = 3\n")
    result = cli("validate", str(scope), str(tmp_path / "engage.toml"))
    assert result.exit_code == 1
    assert "scope.toml" in result.output and "engage.toml" in result.output
    assert "Traceback" not in result.output


class Checked:
    """A toy model whose check_component warns, or breaks the contract."""

    def __init__(self, answer: object) -> None:
        self.answer = answer

    @engagekit.hookimpl
    def register_models(self, register):  # type: ignore[no-untyped-def]
        import attrs

        @attrs.frozen
        class S:
            pass

        register(engagekit.ModelSpec("checked", "toy", S))

    @engagekit.hookimpl
    def check_component(self, project, component):  # type: ignore[no-untyped-def]
        return self.answer


def _project(engine: engagekit.Engine) -> engagekit.Project:
    return engine.project_from_dict(
        {
            "project": {"name": "p", "currency": "EUR"},
            "components": [
                {"name": "c", "model": "checked", "start": "2026-01-01", "end": "2026-01-31"}
            ],
        }
    )


def test_check_component_warnings_are_named_and_a_bad_answer_breaks_the_contract():
    engine = engagekit.create_engine(plugins=[Checked(["odd value"])], entry_points=False)
    assert engine.validate(_project(engine)) == ["c: odd value"]
    engine = engagekit.create_engine(plugins=[Checked(None)], entry_points=False)
    assert engine.validate(_project(engine)) == []
    engine = engagekit.create_engine(plugins=[("bad", Checked("odd"))], entry_points=False)
    with pytest.raises(engagekit.PluginError, match=r"'bad' broke the contract.*check_component"):
        engine.validate(_project(engine))
