"""``engage invoices export``: issued invoices and credit notes to files, in any installed format.

Every document is made (and validated) in memory first; only when all of them succeed are they
written, each through a temporary file and a rename. A failure writes nothing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.ledger.record import IssuedInvoice
    from engagekit.workspace import Workspace

__all__ = ["add_export_command", "export_records", "select"]


def _formats_help(engine: Engine) -> str:
    from engagekit.exports import exporters

    listed = "; ".join(f"{name}: {spec.summary}" for name, spec in exporters(engine).items())
    return f"The format. Installed: {listed}."


def select(
    ws: Workspace, numbers: Sequence[str], all_: bool, period: str | None
) -> list[IssuedInvoice]:
    """The records to export: the numbers given (each must be in the ledger), or every one of
    ``period`` with ``--all``."""
    from engagekit.errors import InputError
    from engagekit.ledger.service import open_ledger
    from engagekit.ledger.store import Ledger

    url = ws.database_url()
    where = _ledger_name(ws)
    if not Ledger.exists(url):
        raise InputError(f"the ledger {where} has no invoices yet", hint="engage issue issues some")
    ledger = open_ledger(ws)
    try:
        if all_:
            found = ledger.records(period=period)
            if not found:
                raise InputError(
                    f"nothing issued for {period} in the ledger {where}",
                    field="--period",
                    hint="engage invoices list shows what was issued",
                )
            return found
        out = []
        for number in numbers:
            record = ledger.get(number)
            if record is None:
                raise InputError(
                    f"no issued invoice or credit note {number!r} in the ledger {where}",
                    hint="engage invoices list shows the numbers",
                )
            out.append(record)
        return out
    finally:
        ledger.close()


def _ledger_name(ws: Workspace) -> str:
    url = ws.database_url()
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def export_records(
    engine: Engine, records: Sequence[IssuedInvoice], fmt: str, output: Path
) -> list[Path]:
    """Export ``records`` to ``output`` (a file for one record or a combining format, else a
    folder of ``<number><suffix>`` files); returns the files written."""
    from engagekit.errors import EngageError, InputError
    from engagekit.exports import exporter

    spec = exporter(engine, fmt)
    as_file = output.suffix != "" and not output.is_dir()
    if as_file and len(records) > 1 and spec.combine is None:
        raise InputError(
            f"{len(records)} documents cannot go into one file: format {fmt!r} writes one file each",
            field="-o",
            hint=f"give a folder: -o {output.with_suffix('')}/",
        )
    documents: list[tuple[Path, bytes]] = []
    if as_file and spec.combine is not None and len(records) > 1:
        documents.append((output, spec.combine(records)))
    else:
        failures: list[str] = []
        for record in records:
            try:
                data = spec.export(record)
            except EngageError as exc:
                failures.append(str(exc))
                continue
            target = output if as_file else output / f"{record.number}{spec.suffix}"
            documents.append((target, data))
        if failures:
            raise InputError(
                "\n".join(failures)
                + (
                    f"\nnothing was written ({len(documents)} others were fine)"
                    if documents
                    else ""
                )
            )
    for path, data in documents:
        _write_bytes(path, data)
    return [path for path, _ in documents]


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def add_export_command(
    invoices_app: typer.Typer,
    engine: Engine,
    errors: Callable[[], AbstractContextManager[None]],
) -> None:
    """``export`` in the ``invoices`` group."""
    from engagekit.exports import registry

    formats_help = _formats_help(engine)

    @invoices_app.command("export")
    def export(
        numbers: Annotated[
            list[str] | None,
            typer.Argument(help="Invoice or credit note numbers.", show_default=False),
        ] = None,
        # A default, not an annotation: the help lists the formats installed at start-up.
        format_: str = typer.Option("pdf", "--format", "-f", help=formats_help),
        output: Annotated[
            Path,
            typer.Option(
                "--output",
                "-o",
                help="A file (one document) or a folder (one file per document, named by number).",
            ),
        ] = Path("."),
        all_: Annotated[
            bool, typer.Option("--all", help="Every invoice and credit note of --period.")
        ] = False,
        period: Annotated[
            str | None, typer.Option("--period", "-p", help="With --all: YYYY-MM, ...")
        ] = None,
        workspace: Annotated[
            Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")
        ] = None,
    ) -> None:
        """Export issued invoices and credit notes: e-invoices (UBL, CII, Factur-X), PDF, JSON."""
        from engagekit.period import Period
        from engagekit.workspace import open_workspace

        if all_ == bool(numbers):
            raise typer.BadParameter("give invoice NUMBERs or --all --period P (not both)")
        if all_ and not period:
            raise typer.BadParameter("--all needs --period", param_hint="--period")
        from engagekit.terminal import printable

        with errors():
            for problem in registry.problems(engine):
                typer.echo(f"warning: {printable(str(problem))}", err=True)
            label = Period.parse(period).label if all_ and period else None
            ws = open_workspace(workspace or Path.cwd())
            records = select(ws, numbers or [], all_, label)
            written = export_records(engine, records, format_, output)
            for path in written:
                typer.echo(f"wrote {path}")
