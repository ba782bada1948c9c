"""Ctrl-C at random moments of `engage`'s start-up: ``python -m tests.badinput.sigint_census
[RUNS] [MAX_MS] [CHECKOUT[,SCRIPT] ...]`` runs the ``engage`` console script (or SCRIPT, another
launcher) RUNS times (default 60) per variant, sends SIGINT after a random delay of 0 to MAX_MS milliseconds (default 60), and counts
the outcomes: quiet (exit 130, or killed by SIGINT before Python could raise anything) or a
traceback, with the frame each traceback starts in (the closing note's figures). Timing varies
with the machine's load, so this is a measurement, not a test.

Each CHECKOUT (default: this one) is a source tree of engagekit, put first on ``PYTHONPATH``
under the script this environment's installer generated; with two variants, say ``git worktree add
/tmp/before HEAD~1`` and ``.``, the runs alternate and share their delays, so a change in load
hits both alike. An empty CHECKOUT (``,/tmp/venv/bin/engage``) runs SCRIPT on the engagekit
installed beside it, a wheel for instance. Bytecode is cached as an installed copy's is
(``PYTHONDONTWRITEBYTECODE`` is dropped and a warm-up run writes it): compiling every module
from source would stretch start-up several-fold.

SIGINT is set back to its default first: a shell starts a background job (``census &``, or
under ``flock`` in a script) with SIGINT ignored, its children inherit that, and CPython then
never installs its own handler, so every run would look quiet and the census measure nothing.
"""

from __future__ import annotations

import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..conftest import EXAMPLES


def where(stderr: str) -> str:
    """Where a traceback arose: the fatal error's stage of interpreter start-up (if any) and
    the chain of functions it names, the import machinery left out."""
    import re

    lines = stderr.splitlines()
    stage = next((ln.split(":")[1].strip() for ln in lines if ln.startswith("Fatal Python")), "")
    frames = [
        f"{os.path.basename(file)}:{function}"
        for file, function in re.findall(r'File "([^"]+)", line \d+, in (\S+)', stderr)
        if "importlib._bootstrap" not in file
    ]
    chain = " > ".join(frames) or (lines[-1] if lines else "")
    return f"{stage}: {chain}" if stage else chain


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson interval of k successes in n tries."""
    import math

    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, centre - half), min(1.0, centre + half))


def main() -> None:
    # What the children inherit: the default disposition, as in a terminal (see the module doc).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    most = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    installed = shutil.which("engage", path=str(Path(sys.executable).parent))
    assert installed, "no engage script next to this interpreter"
    variants = sys.argv[3:] or [str(Path(__file__).parents[2])]
    commands, envs = [], []
    for variant in variants:
        checkout, _, script = variant.partition(",")
        commands.append([script or installed, "validate", str(EXAMPLES / "fixed-price.toml")])
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
        }
        if checkout:
            env["PYTHONPATH"] = os.pathsep.join(
                str(Path(checkout).resolve() / d) for d in ("core", "plugins")
            )
        subprocess.run(commands[-1], env=env, capture_output=True, check=True)
        envs.append(env)
    rng = random.Random(17)
    counts = [collections.Counter[str]() for _ in variants]
    origins = [collections.Counter[str]() for _ in variants]
    for _ in range(runs):
        delay = rng.uniform(0, most) / 1000
        for command, env, count, origin in zip(commands, envs, counts, origins, strict=True):
            proc = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            time.sleep(delay)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
            if "Traceback" in err or "Fatal Python error" in err:
                count["traceback"] += 1
                origin[where(err)] += 1
            elif proc.returncode in (130, -signal.SIGINT):
                count["quiet"] += 1
            elif proc.returncode == 0:
                count["finished first"] += 1
            else:
                count[f"exit {proc.returncode}"] += 1
                origin[err.strip()[-200:]] += 1
    for variant, count, origin in zip(variants, counts, origins, strict=True):
        low, high = wilson(count["traceback"], runs)
        print(
            f"{variant}: {runs} runs, SIGINT after 0-{most:g} ms: "
            + ", ".join(f"{k} {v}" for k, v in count.most_common())
            + f" (tracebacks: Wilson 95 % {100 * low:.1f}-{100 * high:.1f} %)"
        )
        for frame, n in origin.most_common():
            print(f"{n:6}  {frame}")


if __name__ == "__main__":
    main()
