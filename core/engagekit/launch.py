"""The ``engage`` console script: signals are settled before anything heavy is imported.

Importing the CLI (typer, click, rich) takes a good part of a second on a busy machine. A
Ctrl-C in that window would otherwise print a ``KeyboardInterrupt`` traceback from deep inside
an import; here it exits 130 without a word, as nothing has been written yet.

Once the CLI is loaded, SIGINT is a ``KeyboardInterrupt`` again, and SIGTERM and SIGHUP raise
``Terminated``: both unwind through ``write_atomic``, which removes its temporary file, and
the process exits 130, 143 or 129 (128 + the signal's number, as a shell reports a kill).
This module imports nothing but the standard library's ``signal``, ``os`` and ``sys``.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

__all__ = ["Terminated", "main"]


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (so temporary files go), then exit ``128 + signum``.

    A ``BaseException``, like ``KeyboardInterrupt``, so that ``except Exception`` in a plugin
    does not swallow it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum


def _exit_now(signum: int, _frame: FrameType | None) -> None:
    os._exit(128 + signum)  # nothing is written yet: no clean-up to run, no traceback


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


def _catchable() -> list[signal.Signals]:
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``engage`` console script."""
    for sig in _catchable():
        signal.signal(sig, _exit_now)
    from engagekit.cli import main as cli_main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in _catchable():
        if sig != signal.SIGINT:
            signal.signal(sig, _terminate)
    try:
        cli_main(argv)
    except KeyboardInterrupt:
        sys.exit(130)
    except Terminated as stop:
        sys.exit(stop.code)


if __name__ == "__main__":
    main()
