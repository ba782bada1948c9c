"""Run every benchmark (``nox -s bench``): each ``bench_*.py`` in its own process.

Exit status 1 if any benchmark misses a limit. Figures land in benchmarks/results/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

here = Path(__file__).parent
selected = sys.argv[1:]
status = 0
for bench in sorted(here.glob("bench_*.py")):
    if selected and not any(s in bench.stem for s in selected):
        continue
    print(f"== {bench.stem}", flush=True)
    status |= subprocess.run([sys.executable, str(bench)], cwd=here.parent).returncode
sys.exit(1 if status else 0)
