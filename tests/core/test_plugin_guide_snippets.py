"""The plugin guide's first two snippets run as written, and bill a fee per month."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import engagekit

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugin-guide.md"


def test_the_declare_and_bill_snippets_run_and_bill_each_month_of_a_quarter():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0] + blocks[1], str(GUIDE), "exec"), namespace)
    settings = SimpleNamespace(monthly_fee=Decimal(4000))
    component = SimpleNamespace(
        name="Care", start=date(2026, 2, 1), end=date(2026, 12, 31), settings=settings
    )
    project = SimpleNamespace(money=lambda amount: engagekit.Money(amount, "EUR"))
    bill = namespace["bill"]
    result = bill(project, component, engagekit.Period.parse("2026-Q1"))  # type: ignore[operator]
    assert [line.description for line in result.lines] == ["Retainer 2026-02", "Retainer 2026-03"]
    outside = bill(project, component, engagekit.Period.parse("2027-01"))  # type: ignore[operator]
    assert outside.lines == ()


def test_the_project_file_examples_use_keys_the_models_accept():
    import tomllib

    import attrs

    from engagekit_time_material.settings import Settings

    doc = (GUIDE.parent / "project-file.md").read_text()
    known = {f.name for f in attrs.fields(Settings)}
    checked = 0
    for block in re.findall(r"```toml\n(.*?)```", doc, re.S):
        try:
            data = tomllib.loads(block)
        except tomllib.TOMLDecodeError:
            continue  # a fragment
        for component in data.get("components", []):
            if component.get("model") == "time-material":
                assert set(component.get("settings", {})) <= known, component["settings"]
                checked += 1
    assert checked


def test_hybrid_md_says_which_commands_take_json():
    text = (GUIDE.parent / "hybrid.md").read_text()
    assert "Every command takes `--json`" not in text
    assert "the seed" not in text.lower()
