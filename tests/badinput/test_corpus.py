"""Run the bad-input corpus in-process: exit code, no traceback, the place named."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
import typer
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app

from .corpus import Case, cases

CASES = cases()


@pytest.fixture(scope="module")
def app() -> object:
    return build_app(engagekit.create_engine())


_COMMANDS: dict[int, object] = {}


def _command_of(app: object) -> object:
    """typer builds the click command on every ``invoke`` (40 ms, most of a validate case);
    the corpus builds it once per app."""
    if id(app) not in _COMMANDS:
        _COMMANDS[id(app)] = typer.main.get_command(app)  # type: ignore[arg-type]
    return _COMMANDS[id(app)]


def outcome(case: Case, app: object, folder: Path) -> tuple[str, str]:
    """``clean``, ``traceback``, ``accepted`` (exit 0 where an error was due), ``wrong exit``
    or ``unplaced`` (the message misses the file, line, row or field), and the output."""
    project = case.prepare(folder)
    with mock.patch("typer.testing._get_command", _command_of):
        result = CliRunner().invoke(app, case.argv(project), catch_exceptions=True)  # type: ignore[arg-type]
    output = result.output
    if (result.exception is not None and not isinstance(result.exception, SystemExit)) or (
        "Traceback" in output
    ):
        return "traceback", f"{result.exception!r}\n{output}"
    if result.exit_code != case.exit:
        return ("accepted" if result.exit_code == 0 else "wrong exit"), output
    missing = [s for s in case.says if s not in output]
    if missing:
        return "unplaced", f"missing {missing} in:\n{output}"
    return "clean", output


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=pytest.mark.xfail(reason=c.known, strict=False))
        if c.known
        else pytest.param(c, id=c.id)
        for c in CASES
    ],
)
def test_case(case: Case, app: object, tmp_path: Path) -> None:
    result, output = outcome(case, app, tmp_path)
    assert result == "clean", f"{case.kind} {case.id}: {result}\n{output}"


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    kinds = {c.kind for c in CASES}
    assert {"hand", "project key", "data column", "data structure"} <= kinds
    assert len(CASES) >= 300


def test_the_cli_and_the_engine_bound_trials_alike() -> None:
    import inspect

    from engagekit.cli import TrialsOpt
    from engagekit.results import MAX_TRIALS, EstimateOptions

    (option,) = [m for m in TrialsOpt.__metadata__ if hasattr(m, "max")]
    assert option.max == MAX_TRIALS
    with pytest.raises(engagekit.InputError, match="trials"):
        EstimateOptions(trials=MAX_TRIALS + 1)
    assert inspect.signature(EstimateOptions).parameters["trials"].default == 10_000
