"""Inside a workspace with a roster, every person a project names is one of its people: in the
project file (team seats, rates, a dedicated team's members) and in its data files (timesheets,
a fixed-price team's roster file), for every command, each error at its line or row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import engagekit
from engagekit.errors import InputError
from tests.portfolio.conftest import TM_PROJECT


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("command", ["validate", "bill", "estimate", "staff", "measure"])
def test_a_team_seat_naming_someone_the_roster_lacks(cli, workspace, command) -> None:
    root = workspace({"a": ("Carl Nobody", "0.5")})
    project = root / "projects" / "a.toml"
    args = [command, str(project)]
    if command == "bill":
        args += ["--period", "2026-03"]
    result = cli(*args)
    assert result.exit_code == 1, result.output
    line = _line_of(project, 'person = "Carl Nobody"')
    assert (
        f'a.toml:{line}, components "Build" (time-material), settings.team[0].person: '
        "'Carl Nobody' is not in the workspace's roster" in result.stderr
    )
    assert f"[[people]] in {root / 'engage.toml'}" in result.stderr
    assert "Traceback" not in result.output


def test_an_id_or_a_name_refers_to_a_person(cli, workspace) -> None:
    root = workspace({"a": ("ada", "0.5"), "b": ("Bob Stone", "0.5")})
    for stem in ("a", "b"):
        result = cli("validate", str(root / "projects" / f"{stem}.toml"))
        assert result.exit_code == 0, result.output


def test_a_close_name_is_suggested(cli, workspace) -> None:
    root = workspace({"a": ("Ada Bryon", "0.5")})
    result = cli("validate", str(root / "projects" / "a.toml"))
    assert result.exit_code == 1
    assert "'Ada Bryon' is not in the workspace's roster (did you mean 'Ada Byron'?)" in (
        result.stderr
    )


def test_outside_a_workspace_any_name_goes(cli, tmp_path) -> None:
    alone = tmp_path / "alone.toml"
    alone.write_text(TM_PROJECT.format(name="Alone", person="Carl Nobody", fte="0.5"))
    result = cli("validate", str(alone))
    assert result.exit_code == 0, result.output


def test_a_workspace_without_people_checks_no_names(cli, workspace) -> None:
    root = workspace({"a": ("Carl Nobody", "0.5")}, people="")
    result = cli("validate", str(root / "projects" / "a.toml"))
    assert result.exit_code == 0, result.output


def test_a_rate_for_someone_the_roster_lacks(cli, workspace) -> None:
    root = workspace({"a": ("ada", "0.5")})
    project = root / "projects" / "a.toml"
    project.write_text(
        project.read_text().replace(
            'rates = [{ role = "developer", bill = 100, cost = 60 }]',
            'rates = [\n  { role = "developer", bill = 100, cost = 60 },\n'
            '  { role = "developer", person = "Zed", bill = 150 },\n]',
        )
    )
    result = cli("validate", str(project))
    assert result.exit_code == 1
    line = _line_of(project, 'person = "Zed"')
    assert f"a.toml:{line}, rate_card.rates[1].person: 'Zed' is not in" in result.stderr


def test_timesheet_rows_naming_people_the_roster_lacks(cli, workspace) -> None:
    root = workspace({"a": ("ada", "1")})
    project = root / "projects" / "a.toml"
    project.write_text(
        project.read_text().replace(
            "[components.settings]\n",
            '[components.settings]\ntime_entries = "hours.csv"\nformat = "generic"\n',
            1,
        )
    )
    (root / "projects" / "hours.csv").write_text(
        "date,person,role,hours,billable\n"
        "2026-03-02,Ada Byron,developer,8,true\n"
        "2026-03-03,Guest,developer,8,true\n"
        "2026-03-04,Zed,developer,8,true\n"
        "2026-03-05,Guest,developer,8,true\n"
        "2026-03-05,bob,developer,4,true\n"
    )
    for args in (("bill", str(project), "--period", "2026-03"), ("validate", str(project))):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert "2 problems" in result.stderr
        assert "hours.csv, row 3, person: 'Guest' is not in the workspace's roster" in (
            result.stderr
        )
        assert "hours.csv, row 4, person: 'Zed' is not in" in result.stderr
        assert "row 5" not in result.stderr  # each person once, at their first row
    # the portfolio names the project and goes on with the others
    (root / "projects" / "b.toml").write_text(
        TM_PROJECT.format(name="Project b", person="bob", fte="0.5")
    )
    portfolio = cli("bill", "--all", "--period", "2026-03", "--workspace", str(root))
    assert portfolio.exit_code == 1
    assert "row 3, person: 'Guest'" in portfolio.stderr
    assert portfolio.stderr.strip().endswith("1 of 2 projects failed")
    assert "Project b" in portfolio.stdout


def test_a_dedicated_teams_members(cli, workspace) -> None:
    from engagekit.starter import starter_text

    root = workspace({})
    text = starter_text(engagekit.create_engine(), ["dedicated-team"], name="Team", currency="EUR")
    members = (
        '\n[[components.settings.members]]\nname = "Bob Stone"\nrole = "developer"\n'
        "start = 2027-01-04\n"
        '\n[[components.settings.members]]\nname = "Nia Nobody"\nrole = "developer"\n'
        "start = 2027-01-04\n"
    )
    project = root / "projects" / "team.toml"
    project.write_text(text + members)
    result = cli("validate", str(project))
    assert result.exit_code == 1, result.output
    line = _line_of(project, 'name = "Nia Nobody"')
    assert f"team.toml:{line}, " in result.stderr
    assert "settings.members[1].name: 'Nia Nobody' is not in the workspace's roster" in (
        result.stderr
    )
    assert "Bob Stone" not in result.stderr


def test_a_fixed_price_roster_file(cli, workspace) -> None:
    from tests.conftest import EXAMPLES

    root = workspace({})
    data = root / "projects" / "data" / "fixed_price"
    shutil.copytree(EXAMPLES / "data" / "fixed_price", data)
    project = root / "projects" / "fp.toml"
    shutil.copy(EXAMPLES / "fixed-price.toml", project)
    # the seats of the project file: people the roster has
    text = project.read_text()
    for name in ("Lea Brandt", "Anton Weiss", "Mira Kovac", "Jonas Falk", "Sara Lind"):
        text = text.replace(f'"{name}"', '"Ada Byron"')
    project.write_text(text)
    result = cli("staff", str(project))
    assert result.exit_code == 1, result.output
    assert "roster.csv, row 2, person: 'Lea Brandt' is not in the workspace's roster" in (
        result.stderr
    )


def test_the_engine_reads_the_roster_again_when_it_changes(workspace) -> None:
    root = workspace({"a": ("bob", "0.5")})
    project = root / "projects" / "a.toml"
    engine = engagekit.create_engine()
    loaded = engine.load_project(project)
    assert loaded.roster is not None and loaded.roster.find("bob") is not None
    ws = root / "engage.toml"
    ws.write_text(ws.read_text().replace('id = "bob"', 'id = "rob"').replace("Bob Stone", "Rob"))
    with pytest.raises(InputError, match="'bob' is not in the workspace's roster"):
        engine.load_project(project)
    assert engine.load_project(project, workspace=False).roster is None


def test_expense_rows_naming_people_the_roster_lacks(cli, workspace, tmp_path) -> None:
    root = workspace({"a": ("ada", "1")})
    project = root / "projects" / "a.toml"
    project.write_text(
        project.read_text().replace(
            "[components.settings]\n", '[components.settings]\nexpenses = "expenses.csv"\n', 1
        )
    )
    (root / "projects" / "expenses.csv").write_text(
        "date,description,amount,person\n"
        "2026-03-02,Train,120.00,Ada Byron\n"
        "2026-03-03,Hotel,99.00,Guest\n"
        "2026-03-04,Taxi,20.00,\n"
        "2026-03-05,Hotel,99.00,Guest\n"
    )
    for args in (("bill", str(project), "--period", "2026-03"), ("validate", str(project))):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert "expenses.csv, row 3, person: 'Guest' is not in the workspace's roster" in (
            result.stderr
        )
        assert "row 5" not in result.stderr and "row 4" not in result.stderr
        assert "Traceback" not in result.output
    # outside a workspace the same files bill
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(project, alone / "a.toml")
    shutil.copy(root / "projects" / "expenses.csv", alone / "expenses.csv")
    result = cli("bill", str(alone / "a.toml"), "--period", "2026-03")
    assert result.exit_code == 0, result.output
    assert "Hotel" in result.stdout


def test_a_time_material_people_table(cli, workspace) -> None:
    root = workspace({"a": ("ada", "1")})
    project = root / "projects" / "a.toml"
    project.write_text(
        project.read_text().replace(
            "[components.settings]\n",
            '[components.settings]\npeople = { "Bob Stone" = "developer", "Zed" = "developer" }\n',
            1,
        )
    )
    result = cli("validate", str(project))
    assert result.exit_code == 1, result.output
    line = _line_of(project, '"Zed" = "developer"')
    assert f"a.toml:{line}, " in result.stderr
    assert "settings.people.Zed: 'Zed' is not in the workspace's roster" in result.stderr
    assert "Bob Stone" not in result.stderr


def _cost_plus_team(workspace) -> tuple[Path, Path]:
    from tests.conftest import EXAMPLES

    members = ("Karolina Zielinska", "Piotr Mazur", "Ewa Kowalczyk", "Rafael Costa")
    people = "".join(f'\n[[people]]\nid = "m{i}"\nname = "{n}"\n' for i, n in enumerate(members))
    root = workspace({}, people=people)
    shutil.copytree(
        EXAMPLES / "data" / "dedicated_team", root / "projects" / "data" / "dedicated_team"
    )
    project = root / "projects" / "team.toml"
    shutil.copy(EXAMPLES / "dedicated-team-cost-plus.toml", project)
    return project, root / "projects" / "data" / "dedicated_team" / "costs.csv"


def test_cost_rows_naming_people_the_roster_lacks(cli, workspace, tmp_path) -> None:
    project, costs = _cost_plus_team(workspace)
    assert cli("bill", str(project), "--period", "2026-03").exit_code == 0
    rows = costs.read_text().splitlines()
    costs.write_text("\n".join([*rows, "2026-03-31,office,analyst,Guest,100.00,desk"]) + "\n")
    for args in (("bill", str(project), "--period", "2026-03"), ("validate", str(project))):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert (
            f"costs.csv, row {len(rows) + 1}, person: 'Guest' is not in the workspace's roster"
            in result.stderr
        )
        assert "Traceback" not in result.output
    # outside a workspace any name goes
    alone = tmp_path / "alone"
    shutil.copytree(project.parent, alone)
    result = cli("bill", str(alone / "team.toml"), "--period", "2026-03")
    assert result.exit_code == 0, result.output


def test_workers_check_the_roster_as_one_process_does(
    cli, workspace, monkeypatch, tmp_path
) -> None:
    import tempfile

    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    root = workspace({"a": ("ada", "0.5"), "b": ("Carl Nobody", "0.5"), "c": ("bob", "0.5")})
    args = ["bill", "--all", "--period", "2026-03", "--workspace", str(root), "--csv"]
    one, two = cli(*args, "--workers", "1"), cli(*args, "--workers", "2")
    assert one.exit_code == two.exit_code == 1, two.output
    assert two.stdout == one.stdout and "Project a" in two.stdout and "Project c" in two.stdout
    assert "'Carl Nobody' is not in the workspace's roster" in two.stderr
    assert two.stderr.strip().endswith("1 of 3 projects failed")
    assert list(shared.iterdir()) == []  # the roster handed to the workers is not left behind
