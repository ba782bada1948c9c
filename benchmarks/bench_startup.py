"""Start-up time of `engage --version` and `engage models` against the bare imports they need.

Baseline: `python -c "import typer, pluggy, attrs"` plus a scan of the `engagekit` entry points.
Limit: median start-up at most 1.3x the baseline; neither command imports numpy, pandas or polars.
"""

from __future__ import annotations

import subprocess
import sys

from harness import check, failed, median_command, save

BASELINE = (
    "import typer, pluggy, attrs\n"
    "from importlib.metadata import entry_points\n"
    "entry_points(group='engagekit')\n"
)
ENGAGE = "from engagekit.cli import main; main()"
HEAVY = ("numpy", "pandas", "polars", "pyarrow", "holidays", "cattrs")


def heavy_imports(args: list[str]) -> list[str]:
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['engage', *{args!r}]\n"
        "try:\n"
        f"    exec({ENGAGE!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    last = out.stderr.strip().splitlines()[-1:] or [""]
    return [m for m in last[0].split(",") if m]


def main() -> int:
    base = median_command([sys.executable, "-c", BASELINE], repeat=21)
    print(f"  baseline (typer, pluggy, attrs + entry-point scan): {base * 1000:.1f} ms")
    for args in (["--version"], ["models"]):
        t = median_command([sys.executable, "-c", ENGAGE, *args], repeat=21)
        print(f"  engage {' '.join(args)}: {t * 1000:.1f} ms")
        check(f"engage {' '.join(args)} / baseline", t / base, 1.3)
        heavy = heavy_imports(args)
        check(f"engage {' '.join(args)}: heavy modules imported ({', '.join(heavy) or 'none'})",
              len(heavy), 0, unit="")
    save("startup")
    return 1 if failed() else 0


if __name__ == "__main__":
    raise SystemExit(main())
