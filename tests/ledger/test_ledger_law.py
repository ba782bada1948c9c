"""The ledger's law, by hypothesis: whatever sequence of issuing, changing the data,
correcting and crediting, the invoices of a project and period minus its credit notes add up
to the bill as last issued or corrected (nothing after a full credit), and right after an
issue or a correction, to the bill recomputed from the data as it is."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engagekit
from engagekit.errors import InputError
from engagekit.ledger.integrity import verify
from engagekit.ledger.reconcile import live_invoices
from engagekit.ledger.service import credit, issue
from engagekit.ledger.store import Ledger
from engagekit.workspace import open_workspace
from tests.ledger.conftest import SMALL_PROJECT, SMALL_TIMESHEET, SMALL_WORKSPACE

ENGINE = engagekit.create_engine()
PERIOD = engagekit.Period.parse("2026-03")

ops = st.lists(
    st.one_of(
        st.just(("issue",)),
        st.just(("correct",)),
        st.just(("credit",)),
        st.tuples(st.just("change"), st.decimals(min_value=0, max_value=12, places=1)),
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path / uuid.uuid4().hex / 'l.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database  # type: ignore[no-any-return]


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_issued_minus_credited_is_the_bill(
    steps: list[tuple[object, ...]], fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    (folder / "engage.toml").write_text(SMALL_WORKSPACE)
    (folder / "project.toml").write_text(SMALL_PROJECT)
    (folder / "time.csv").write_text(SMALL_TIMESHEET)
    ws = open_workspace(folder)
    ledger = Ledger.open(fresh_url(), ws.invoices.series)
    expected = Decimal(0)
    day = date(2026, 4, 1)

    def bill_now() -> Decimal:
        project = ENGINE.load_project(folder / "project.toml")
        invoice = ENGINE.bill(project, PERIOD).invoices[0]
        assert invoice.total is not None
        return invoice.total.amount if invoice.lines else Decimal(0)

    try:
        for step in steps:
            if step[0] == "change":
                hours = step[1]
                rows = SMALL_TIMESHEET.replace(",7.5,yes,", f",{hours},yes,")
                (folder / "time.csv").write_text(rows)
                continue
            try:
                if step[0] == "credit":
                    live = live_invoices(
                        ledger.records(project_file="project.toml", period="2026-03")
                    )
                    if not live:
                        continue
                    credit(ws, live["EUR"].number, "test", issue_date=day, ledger=ledger)
                    expected = Decimal(0)
                else:
                    issue(ws, folder / "project.toml", PERIOD, issue_date=day,
                          correct=step[0] == "correct", engine=ENGINE, ledger=ledger)  # fmt: skip
                    expected = bill_now()
            except InputError:
                pass  # refused (drift, nothing to correct): nothing changed
            records = ledger.records(project_file="project.toml", period="2026-03")
            assert sum((r.signed_total for r in records), Decimal(0)) == expected
        report = verify(ledger)
        assert report.ok, report.problems
    finally:
        ledger.close()
        shutil.rmtree(folder, ignore_errors=True)
