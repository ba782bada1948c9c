"""The ``engage`` console script: Ctrl-C is quiet from the moment this module starts.

Importing this module (only ``engage`` does) installs, as its first statement, a handler that
ends the process with ``128 + signum`` and no traceback on SIGINT, SIGTERM and SIGHUP: nothing
has been written yet. It stays in place while the console-script wrapper finishes (its ``re.sub``
on ``argv[0]``) and while the CLI (typer, click, rich, pluggy) is imported, which takes a good
part of a second on a busy machine. Only ``_signal`` (loaded by the interpreter itself) is used
for it: ``signal`` converts its constants to ``IntEnum`` on import, a couple of milliseconds in
which Ctrl-C would still print a traceback; and ``engagekit/__init__`` imports nothing but the
version first.

Once the CLI is loaded, SIGINT is a ``KeyboardInterrupt`` again, and SIGTERM and SIGHUP raise
``Terminated``: both unwind through ``write_atomic``, which removes its temporary file, and the
process exits 130, 143 or 129 (128 + the signal's number, as a shell reports a kill). When the
command is over, the quiet handler is back for the interpreter's shut-down (it flushes what the
command printed first).

Before this module: CPython installs its own SIGINT handler (``KeyboardInterrupt``) while it
initialises, before it imports ``site``; then ``site`` runs, and the wrapper that pip (or
another installer) generates runs ``import re`` and ``import sys`` before it imports this
module, some 10 ms on an idle machine. The wheel covers that with ``00-engagekit-sigint.pth``
(``core/engagekit_sigint.pth``): ``site`` runs it first of the environment's ``.pth`` files,
and in ``engage`` it puts SIGINT back to ``SIG_DFL``, so the kernel ends the process (130 in a
shell) until the handler below replaces it. Only the stretch of interpreter start-up between
CPython's handler and that file is left (``python -m tests.badinput.sigint_census`` measures it):
``init_sys_streams`` importing ``io``, then ``init_import_site``: ``site`` importing ``os`` and
``_collections_abc``, reading ``pyvenv.cfg``, listing site-packages and opening the .pth. A
Ctrl-C there is CPython's "Fatal Python error" with a traceback, exit 1. Only a launcher that
starts Python with SIGINT blocked (pending across ``exec``), unblocked by the .pth once it is
``SIG_DFL``, would close it; pip's generated wrapper is a script, so there is none.
"""

import _signal  # type: ignore[import-not-found]  # no stub; `signal` costs an IntEnum import
import os
import sys


def _exit_now(signum: int, _frame: object) -> None:
    # Before the command nothing is buffered; after it, what it printed is complete: keep it.
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # the reader has gone, or the signal cut into this stream's write
            pass
    os._exit(128 + signum)  # no clean-up to run, no traceback


_CATCHABLE = [getattr(_signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(_signal, n)]
for _sig in _CATCHABLE:
    _signal.signal(_sig, _exit_now)

__all__ = ["Terminated", "main"]


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (so temporary files go), then exit ``128 + signum``.

    A ``BaseException``, like ``KeyboardInterrupt``, so that ``except Exception`` in a plugin
    does not swallow it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def _loud() -> None:
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    for sig in _CATCHABLE:
        if sig != _signal.SIGINT:
            _signal.signal(sig, _terminate)


def _quiet() -> None:
    for sig in _CATCHABLE:
        _signal.signal(sig, _exit_now)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``engage`` console script."""
    try:
        try:
            args = sys.argv[1:] if argv is None else argv
            engine = None
            if args[:2] == ["ledger", "verify"]:
                # a clean SQLite ledger is verified without loading the CLI (its start-up is a
                # good part of the command's time); anything else goes on to the command
                from engagekit.ledger.quick import run

                _loud()
                if run(args[2:]) is not None:
                    return
                _quiet()
            elif args[:1] == ["validate"]:
                # the plain form of the commonest check is run without loading the CLI (a
                # third of its time); anything it does not take goes on to the command
                from engagekit.validation import run as validate

                _loud()
                code, engine = validate(args[1:])
                if code is not None:
                    sys.exit(code)
                _quiet()
            from engagekit.cli import main as cli_main

            _loud()
            cli_main(argv, engine)
        finally:
            # First thing on the way out, whatever ended the command: a Ctrl-C from here on
            # would interrupt the exit itself (an ``except`` clause, SystemExit unwinding).
            # One arriving before this line is caught below like any other.
            _quiet()
    except KeyboardInterrupt:
        sys.exit(130)
    except Terminated as stop:
        sys.exit(stop.code)


if __name__ == "__main__":
    main()
