"""Start-up: `engage --version` against bare imports; `validate` and `estimate` against it.

Goals:
- `engage --version` at most 1.3x `python -c "import typer, pluggy, attrs"` plus a scan of the
  `engagekit` entry points (issue 4);
- `engage validate examples/hybrid.toml` at most 1.5x `engage --version`, and `engage estimate`
  on it at most 3x (issue 16);
- `--version` imports no numpy, pandas, polars, pyarrow, holidays or cattrs; of the `holidays`
  package's countries `validate` loads none but the project's (Germany; none once engagekit's
  cache holds its holidays); validating a project
  without data files (generated: the fixed-price example's estimate without its CSV files)
  imports no numpy, polars or pyarrow; nor does validating the hybrid example without its
  time-and-material build (its fixed-price acceptances and its SLA files are small CSVs, the
  incidents checked row by row). The whole hybrid example's `validate` reads its eight data
  files (issue 14: validate rejects what bill, estimate and measure would), the build's
  timesheet too row by row (`engagekit_time_material.acceptor`; the T&M model's polars reader
  only for what it does not vouch for), so it imports no numpy, polars or pyarrow either;
- `estimate` on the hybrid example imports numpy (the Monte Carlo) but no polars (its
  forecast starts on the build's first day: the timesheet is checked, not read), no rich (its
  table in a pipe is written plain) and no `numpy.ma` (`engagekit.percentiles`).
"""

from __future__ import annotations

import json
import sys

import gate

BASELINE = (
    "import typer, pluggy, attrs\n"
    "from importlib.metadata import entry_points\n"
    "entry_points(group='engagekit')\n"
)
HYBRID = "examples/hybrid.toml"
REPORT_MODULES = (
    "import atexit, sys\n"
    "def report():\n"
    "    names = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}\n"
    "                   and (m.count('.') == 0 or m.startswith('holidays.countries.')\n"
    "                        or m == 'numpy.ma'))\n"
    "    print('MODULES ' + __import__('json').dumps(names), file=sys.stderr)\n"
    "atexit.register(report)\n"
    "sys.argv = ['engage', *{args!r}]\n"
    "from engagekit.cli import main; main()\n"
)
HEAVY = ("numpy", "pandas", "polars", "pyarrow", "holidays", "cattrs", "rich")
#: The hybrid example's country: its holidays come from the package the first time, then from
#: engagekit's cache (no country at all)
GERMANY = "holidays.countries.germany"


def modules(bench: gate.Bench, *args: str) -> list[str]:
    """The heavy modules (and holiday countries) that an `engage` command imports."""
    import subprocess

    code = REPORT_MODULES.format(heavy=HEAVY, args=list(args))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=gate.ROOT, check=True
    )
    line = [x for x in out.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return list(json.loads(line.removeprefix("MODULES ")))


def run(bench: gate.Bench) -> None:
    version = gate.engage("--version")
    bench.compare(
        "engage --version / bare imports",
        version,
        [sys.executable, "-c", BASELINE],
        pairs=21,
        time_at_most=1.3,
        labels=("engage --version", "imports"),
    )
    bench.compare(
        "engage validate hybrid / engage --version",
        gate.engage("validate", HYBRID),
        version,
        pairs=21,
        time_at_most=1.5,
        labels=("engage validate", "engage --version"),
    )
    bench.compare(
        "engage estimate hybrid / engage --version",
        gate.engage("estimate", HYBRID),
        version,
        pairs=11,
        time_at_most=3.0,
        labels=("engage estimate", "engage --version"),
    )
    loaded = modules(bench, "--version")
    bench.same("engage --version: heavy modules imported", loaded, [])
    loaded = modules(bench, "validate", HYBRID)
    bench.same(
        "engage validate hybrid: holiday countries imported but the project's",
        [m for m in loaded if m.startswith("holidays.countries.") and m != GERMANY],
        [],
    )
    bench.same(
        "engage validate hybrid: data libraries imported",
        [m for m in loaded if m.split(".")[0] in ("numpy", "polars", "pyarrow", "pandas")],
        [],
    )
    loaded = modules(bench, "estimate", HYBRID)
    bench.same(
        "engage estimate hybrid (a pipe): polars, rich, numpy.ma imported",
        [m for m in loaded if m in ("polars", "rich", "numpy.ma", "pandas", "pyarrow")],
        [],
    )
    no_data = bench.tmp / "no-data.toml"
    no_data.write_text(_without_data_files((gate.ROOT / "examples/fixed-price.toml").read_text()))
    loaded = modules(bench, "validate", str(no_data))
    bench.same(
        "engage validate, no data files: data libraries, holiday countries but the project's",
        [
            m
            for m in loaded
            if m.split(".")[0] in ("numpy", "polars", "pyarrow", "pandas")
            or (m.startswith("holidays.countries.") and m != GERMANY)
        ],
        [],
    )
    import shutil

    shutil.copytree(gate.ROOT / "examples", bench.tmp / "examples")  # the workspace, the data
    small = bench.tmp / "examples" / "hybrid-without-tm.toml"
    small.write_text(_without_time_material((gate.ROOT / HYBRID).read_text()))
    loaded = modules(bench, "validate", str(small))
    bench.same(
        "engage validate hybrid without its T&M part: data libraries imported",
        [m for m in loaded if m.split(".")[0] in ("numpy", "polars", "pyarrow", "pandas")],
        [],
    )


def _without_time_material(toml: str) -> str:
    """The hybrid example without its time-and-material component."""
    head, rest = toml.split("[[components]]", 1)
    parts = ["[[components]]" + p for p in rest.split("[[components]]")]
    return head + "".join(p for p in parts if 'model = "time-material"' not in p)


def _without_data_files(toml: str) -> str:
    """The fixed-price example without its CSV files (and its client, which needs the
    examples' workspace): a project whose validation has no data file to read."""
    skip = ("acceptance =", "progress =", "roster =", "client =")
    return "\n".join(line for line in toml.splitlines() if not line.startswith(skip)) + "\n"


if __name__ == "__main__":
    sys.exit(gate.main(sys.modules[__name__]))
