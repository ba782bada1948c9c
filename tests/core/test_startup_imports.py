"""What `engage validate` imports: no data library unless a data file needs it, one country of
the `holidays` package.

Each check runs in a fresh interpreter (the test process has imported everything already).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REPORT = """
import atexit, json, sys
def report():
    print("MODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
atexit.register(report)
sys.argv = ["engage", *{args!r}]
from engagekit.cli import main
main()
"""


def modules_of(*args: str, env: dict[str, str] | None = None) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", REPORT.format(args=list(args))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    assert out.returncode == 0, out.stderr
    line = [x for x in out.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return set(json.loads(line.removeprefix("MODULES ")))


DATA_LIBRARIES = {"numpy", "polars", "pyarrow", "pandas"}


def test_validate_imports_only_the_projects_country(tmp_path: Path) -> None:
    # the first time, the holidays package computes Germany's; then engagekit's cache has them
    cache = {"ENGAGEKIT_CACHE_DIR": str(tmp_path)}
    loaded = modules_of("validate", "examples/hybrid.toml", env=cache)
    countries = {m for m in loaded if m.startswith("holidays.countries.")}
    assert countries == {"holidays.countries.germany"}
    loaded = modules_of("validate", "examples/hybrid.toml", env=cache)
    assert not {m for m in loaded if m.split(".")[0] == "holidays"}


def test_validate_imports_no_data_library_unless_a_data_file_needs_it() -> None:
    # the fixed-price example's data files are small CSVs, read without a data library
    loaded = modules_of("validate", "examples/fixed-price.toml")
    assert not {m.split(".")[0] for m in loaded} & DATA_LIBRARIES


def test_validate_reads_small_data_files_without_a_data_library(tmp_path: Path) -> None:
    # the hybrid example's fixed-price discovery and SLA run (their data files are small
    # CSVs: the SLA incidents are checked row by row); its T&M build is left out here
    text = (ROOT / "examples/hybrid.toml").read_text(encoding="utf-8")
    head, rest = text.split("[[components]]", 1)
    parts = ["[[components]]" + p for p in rest.split("[[components]]")]
    kept = [p for p in parts if 'model = "time-material"' not in p]
    import shutil

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    project = tmp_path / "examples" / "no-tm.toml"
    project.write_text(head + "".join(kept), encoding="utf-8")
    loaded = modules_of("validate", str(project))
    assert "engagekit_sla.validation" in loaded
    assert not {m.split(".")[0] for m in loaded} & DATA_LIBRARIES


def test_other_countries_stay_reachable_after_one_was_loaded() -> None:
    code = (
        "import engagekit\n"
        "cal = engagekit.Calendar(country='DE', subdivision='BE')\n"
        "assert cal.is_holiday(__import__('datetime').date(2026, 3, 8))  # Women's Day, Berlin\n"
        "from holidays.countries import France\n"
        "import holidays\n"
        "assert len(holidays.country_holidays('FR', years=2026)) == len(France(years=2026))\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_unknown_country_and_subdivision_are_input_errors() -> None:
    import pytest

    import engagekit

    with pytest.raises(engagekit.InputError, match="no public holidays known for country 'ZZ'"):
        engagekit.Calendar(country="ZZ")
    with pytest.raises(engagekit.InputError):
        engagekit.Calendar(country="DE", subdivision="XX")


def test_a_project_ends_when_periods_end() -> None:
    # engagekit.project keeps its own copy of the last day, so as not to import periods
    from engagekit import period, project

    assert project.LAST_DAY == period.LAST_DAY
