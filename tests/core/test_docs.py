"""The docs cannot drift from the code: hook reference, output formats, embedding example."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

from engagekit import hookdoc
from tests.conftest import EXAMPLES, ROOT

DOCS = ROOT / "docs"


def test_hook_reference_is_generated_from_the_specs():
    committed = (DOCS / "hooks.md").read_text()
    assert committed == hookdoc.render(), (
        "docs/hooks.md is out of date: run python -m engagekit.hookdoc > docs/hooks.md"
    )


def test_every_hook_and_argument_is_documented():
    text = (DOCS / "hooks.md").read_text()
    hooks = hookdoc.hook_functions()
    assert {name for name, _ in hooks} >= {
        "register_models",
        "estimate",
        "bill",
        "staff",
        "measure_service",
        "invoice_adjustments",
        "register_commands",
    }
    for name, fn in hooks:
        section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        for param in inspect.signature(fn).parameters:
            assert f"- `{param}`:" in section, f"{name}: argument {param} is not documented"


def test_output_formats_document_every_stable_key():
    text = (DOCS / "output-formats.md").read_text()
    for key in [
        "name",
        "summary",
        "plugin",
        "version",
        "distribution",
        "status",
        "error",
        "hooks",
        "project",
        "currency",
        "components",
        "effort_hours",
        "p50",
        "p80",
        "p90",
        "cost",
        "price",
        "margin",
        "total",
        "period",
        "invoices",
        "lines",
        "component",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "amount",
        "subtotal",
        "adjustments",
        "stage",
        "plan",
        "role",
        "person",
        "fte",
        "warnings",
        "model",
        "metrics",
    ]:
        assert re.search(rf'"{key}"', text), f"output-formats.md does not mention {key!r}"


def test_embedding_example_runs():
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "embed" / "embed.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "total" in result.stdout and "8,972.60 EUR" in result.stdout
    assert "Travel" in result.stdout and "VAT 19%" in result.stdout
