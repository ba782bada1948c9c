"""The hybrid example projects through the CLI with the built-in models: every command works,
in table and JSON form, and the combination shows what the issue asks for."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app

from ._html import parse

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HYBRID = EXAMPLES / "hybrid.toml"
ODC = EXAMPLES / "odc-with-sla.toml"
D = Decimal


def run(*args: str) -> object:
    return CliRunner().invoke(build_app(engagekit.create_engine()), list(args))


def doc(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("example", [HYBRID, ODC], ids=["hybrid", "odc-with-sla"])
@pytest.mark.parametrize(
    "command",
    [["estimate", "--trials", "500"], ["bill", "--period", "2026-07"], ["staff"], ["measure"]],
    ids=["estimate", "bill", "staff", "measure"],
)
def test_every_command_works_as_table_and_json(example: Path, command: list[str]) -> None:
    args = [command[0], str(example), *command[1:]]
    table = run(*args)
    assert table.exit_code == 0, table.output
    assert "Traceback" not in table.output
    data = doc(*args)
    assert data["project"]


def test_one_invoice_a_month_across_models_with_discount_then_vat() -> None:
    bill = doc("bill", str(HYBRID), "--period", "2026-03")
    (invoice,) = bill["invoices"]
    assert set(invoice["subtotals"]) == {"Discovery", "Build"}  # the milestone and the time
    lines = sum((D(x["amount"]) for x in invoice["lines"]), D(0))
    assert D(invoice["subtotal"]) == lines
    assert [(a["name"], a["stage"]) for a in invoice["adjustments"]] == [
        ("volume discount", "discount"),
        ("VAT 19%", "tax"),
    ]
    discount, vat = (D(a["amount"]) for a in invoice["adjustments"])
    subtotal = D(invoice["subtotal"])
    # rounded half up (away from zero), as invoices are: 69,903.50 x -3% = -2,097.105 -> -2,097.11
    assert discount == (subtotal * D("-0.03")).quantize(D("0.01"), ROUND_HALF_UP)
    assert vat == ((subtotal + discount) * D("0.19")).quantize(D("0.01"), ROUND_HALF_UP)
    assert D(invoice["total"]) == subtotal + discount + vat


def test_the_discount_needs_a_big_month() -> None:
    bill = doc("bill", str(HYBRID), "--period", "2026-10")  # only the SLA: below 40,000
    (invoice,) = bill["invoices"]
    assert [a["name"] for a in invoice["adjustments"]] == ["VAT 19%"]
    assert set(invoice["subtotals"]) == {"Run"}


def test_estimate_is_joint_and_not_a_sum_of_percentiles() -> None:
    est = doc("estimate", str(HYBRID), "--seed", "7", "--trials", "4000")
    comps = {c["name"]: c for c in est["components"]}
    total = est["total"]["effort_hours"]
    summed = sum(D(c["effort_hours"]["p80"]) for c in comps.values())
    assert D(total["p80"]) < summed
    assert D(total["p50"]) <= D(total["p80"]) <= D(total["p90"])
    assert D(est["total"]["price"]) == sum(D(c["price"]) for c in comps.values())
    assert D(est["total"]["margin"]) == D(est["total"]["price"]) - D(est["total"]["cost"])


def test_staffing_flags_the_person_and_the_role_on_two_components() -> None:
    staff = doc("staff", str(HYBRID))
    flagged = [w for w in staff["warnings"] if "over-allocated" in w]
    # Anton: 1.0 FTE on Build from 2 March, 0.4 FTE on Discovery to 13 March (9/31 of it).
    # Developers: [capacity] has 2; Build plans 2.0 from 2 March while Discovery still has one.
    assert flagged == [
        "Anton Weiss is over-allocated in 2026-03: 1.14 FTE across Build, Discovery",
        "role developer is over-allocated in 2026-03: 2.10 FTE planned across Build, Discovery, "
        "capacity 2",
    ]


def test_one_service_report_across_components() -> None:
    measure = doc("measure", str(HYBRID))
    models = {m["name"]: m["model"] for m in measure["components"]}
    assert models == {"Discovery": "fixed-price", "Build": "time-material", "Run": "sla"}
    (run_,) = [m for m in measure["components"] if m["name"] == "Run"]
    assert [r["priority"] for r in run_["tables"]["priorities"]] == ["P1", "P2", "P3", "P4"]


@pytest.mark.parametrize("example", [HYBRID, ODC], ids=["hybrid", "odc-with-sla"])
def test_report_of_the_example(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run("report", str(example), "-o", str(out), "--trials", "1000")
    assert result.exit_code == 0, result.output
    root = parse(out.read_text(encoding="utf-8"))
    for section in ("estimate", "billing", "staffing", "service"):
        node = root.find_id(section)
        assert node is not None and list(node.iter("svg")), section
    service = root.find_id("service")
    assert service is not None
    assert "SLA compliance by priority" in " ".join(
        svg.attrs.get("aria-label") or "" for svg in service.iter("svg")
    )
