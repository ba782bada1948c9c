"""A lean process that runs the measured commands, one at a time, for the gate.

Linux charges a child the peak resident set of the process that spawned it (``ru_maxrss``
carries over the fork), so the commands are not started by the benchmark process, which holds
generated data, but by this one, started first and importing nothing heavy. It reads one JSON
request a line on stdin (``argv``, ``cwd``, ``env``, ``stdout``: a file path or null) and
answers one JSON line: wall seconds, user and system CPU seconds, peak RSS in bytes, exit code
and the tail of stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


def run(request: dict) -> dict:
    out = open(request["stdout"], "wb") if request.get("stdout") else subprocess.DEVNULL  # noqa: SIM115
    with tempfile.TemporaryFile() as err:
        try:
            t0 = time.perf_counter()
            child = subprocess.Popen(
                request["argv"],
                cwd=request.get("cwd"),
                env=request.get("env"),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - t0
            child.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        err.seek(0)
        tail = err.read()[-4000:].decode(errors="replace")
    return {
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss": usage.ru_maxrss * 1024,
        "rc": child.returncode,
        "stderr": tail,
    }


def main() -> None:
    for line in sys.stdin:
        print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
