"""Count the corpus's outcomes: ``python -m tests.badinput.census [-v] [KIND ...]`` prints, per kind of
input, how many cases came out clean, with a traceback, silently accepted, with the wrong exit
code, or with a message that does not name the place (the closing note's figures)."""

from __future__ import annotations

import collections
import sys
import tempfile
import time
from pathlib import Path

import engagekit
from engagekit.cli import build_app

from .corpus import cases
from .test_corpus import outcome


def main() -> None:
    verbose = "-v" in sys.argv
    kinds = [a for a in sys.argv[1:] if not a.startswith("-")]
    app = build_app(engagekit.create_engine())
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    start = time.perf_counter()
    for case in cases():
        if kinds and case.kind not in kinds:
            continue
        with tempfile.TemporaryDirectory() as folder:
            result, output = outcome(case, app, Path(folder))
        counts[case.kind][result] += 1
        counts["all"][result] += 1
        if verbose and result != "clean":
            last = output.strip().splitlines()[-3:] if output.strip() else [""]
            print(f"{result:10} {case.id}\n    " + "\n    ".join(last))
    print(f"{time.perf_counter() - start:.1f} s")
    for kind, c in counts.items():
        print(
            f"{kind:16} {sum(c.values()):4} cases: "
            + ", ".join(f"{k} {v}" for k, v in c.most_common())
        )


if __name__ == "__main__":
    main()
