"""The bad-input corpus and its fuzzing run in every CI run, within a budget of 60 seconds
together (issue 17). The summary of every run that collects them says how long they took, and
says so loudly when they are over: a figure to act on, not a timing assertion that fails on a
busy machine."""

from __future__ import annotations

from pathlib import Path

import pytest

BUDGET_SECONDS = 60.0
HERE = Path(__file__).resolve().parent
_root: list[Path] = []
_spent: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    _root[:] = [config.rootpath]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Node ids are relative to the root. Setup, call and teardown all count: a slow fixture
    # spends the budget as well.
    path = (_root[0] / report.nodeid.split("::", 1)[0]).resolve() if _root else None
    if path is not None and path.is_relative_to(HERE):
        _spent[report.nodeid] = _spent.get(report.nodeid, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _spent:
        return
    total = sum(_spent.values())
    slowest = sorted(_spent.items(), key=lambda kv: -kv[1])[:3]
    line = (
        f"tests/badinput: {len(_spent)} tests in {total:.1f} s "
        f"(budget {BUDGET_SECONDS:g} s on 2 cores); slowest: "
        + ", ".join(f"{nodeid.rsplit('::', 1)[-1]} {t:.1f} s" for nodeid, t in slowest)
    )
    if total > BUDGET_SECONDS:
        terminalreporter.write_sep(
            "=", "bad-input corpus over its time budget", red=True, bold=True
        )
        terminalreporter.write_line(line, red=True, bold=True)
    else:
        terminalreporter.write_line(line)
