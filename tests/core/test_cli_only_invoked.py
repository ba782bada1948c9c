"""``engage`` converts only the command it runs: the others are left out before typer builds
the click commands, unless the arguments need them (help, an unknown name, completion)."""

from __future__ import annotations

import pytest

from engagekit.cli import _only_invoked, build_app
from engagekit.engine import create_engine


def names(args: list[str]) -> list[str]:
    app = build_app(create_engine())
    _only_invoked(app, args)
    return [
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    ] + [g.name or "" for g in app.registered_groups]


def test_only_the_invoked_command_is_kept() -> None:
    assert names(["validate", "x.toml"]) == ["validate"]
    assert names(["--debug", "--max-errors", "3", "--strict", "estimate", "x.toml"]) == ["estimate"]
    assert names(["--max-errors=3", "ledger", "verify"]) == ["ledger"]


def test_version_alone_needs_no_command() -> None:
    assert names(["--version"]) == []
    assert names(["--debug", "--version"]) == []


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--version", "--help"],
        ["nosuch"],
        ["validat", "x"],
        ["--bogus", "validate"],
    ],
)
def test_anything_else_keeps_every_command(args: list[str]) -> None:
    every = names(["--help"])
    assert len(every) > 10
    assert names(args) == every


def test_completion_keeps_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    every = names([])
    monkeypatch.setenv("_ENGAGE_COMPLETE", "bash_complete")
    assert names(["validate"]) == every


def built(command: str | None) -> set[str]:
    app = build_app(create_engine(), command)
    commands = {
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    }
    return commands | {
        g.name or (g.typer_instance.info.name if g.typer_instance else "") or ""
        for g in app.registered_groups
    }


def test_core_commands_lists_every_command_of_the_core() -> None:
    from engagekit.cli import CORE_COMMANDS

    assert {"", *built(None)} == CORE_COMMANDS


def test_the_parts_another_command_needs_are_left_out() -> None:
    every = built(None)
    assert built("nosuch") == every  # a typo: click suggests among every name
    assert built("issue") == every - {"compare", "status"}
    assert built("validate") == every - {
        "compare",
        "status",
        "issue",
        "credit",
        "invoices",
        "ledger",
    }
    assert built("") == built("validate")
    assert built("bill") == every - {"compare", "issue", "credit", "invoices", "ledger"}
