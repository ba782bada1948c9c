"""The plugin guide's examples: the first is the minimal model `engage plugin new` writes and
keeps the contract; the retainer's excerpts are its code; the project-file examples' keys."""

from __future__ import annotations

import re
import sys
import types
from decimal import Decimal
from pathlib import Path
from string import Template

import engagekit
from engagekit.scaffold import MINIMAL
from engagekit.testing import check_failures, check_model

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugin-guide.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)


def test_the_first_example_is_a_minimal_model_of_at_most_60_lines_that_plugin_new_writes():
    model = _blocks()[0]
    assert len(model.splitlines()) <= 60
    assert model == Template(MINIMAL).substitute(name="monthly-fee")
    assert f"every hook a model must answer ({len(model.splitlines())} lines)" in GUIDE.read_text()


def test_the_first_example_keeps_the_contract(tmp_path, monkeypatch):
    module = types.ModuleType("monthly_fee")
    monkeypatch.setitem(sys.modules, "monthly_fee", module)  # as an installed plugin is
    exec(compile(_blocks()[0], str(GUIDE), "exec"), module.__dict__)
    engine = engagekit.create_engine(plugins=[module], entry_points=False, strict=True)
    path = tmp_path / "fee.toml"
    path.write_text(
        '[project]\nname = "p"\ncurrency = "EUR"\n\n[[components]]\nname = "Care"\n'
        'model = "monthly-fee"\nstart = 2026-02-10\nend = 2026-06-30\n\n'
        "[components.settings]\nmonthly_fee = 3000\ncost_rate = 50\n"
    )
    project = engine.load_project(path)
    check_model(engine, project, "monthly-fee", engagekit.Period.parse("2026-03"))
    check_failures(engine, path, "monthly-fee", engagekit.Period.parse("2026-03"), tmp_path / "b")
    quarter = engine.bill(project, engagekit.Period.parse("2026-Q1")).invoices[0]
    # February from the 10th: 19 of its 28 days (0.6786 of the fee), then March whole
    assert [line.amount.amount for line in quarter.lines] == [Decimal("2035.80"), Decimal(3000)]


def test_the_retainer_excerpts_are_the_retainer_s_code():
    source = GUIDE.parent / "examples" / "engagekit-retainer" / "engagekit_retainer"
    code = (source / "__init__.py").read_text()
    excerpts = _blocks()[1:4]
    assert [e.split("(", 1)[0].split()[-1] for e in excerpts] == [
        "_overage",
        "bill",
        "check_component",
    ]
    for excerpt in excerpts:
        assert excerpt in code, f"the guide's excerpt is not in the retainer:\n{excerpt}"


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
