"""Serialisation of results, kept apart from the result classes: JSON documents, CSV rows,
and atomic writes (an output file is complete or untouched).

The JSON shapes are documented in docs/output-formats.md and are stable: money as decimal
strings (``"1234.50"``), dates as ISO strings, periods by label.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from engagekit.money import Money, quantum
from engagekit.period import Period
from engagekit.results import (
    ComponentBill,
    ComponentEstimate,
    ComponentStaffing,
    Distribution,
    Invoice,
    ProjectBill,
    ProjectEstimate,
    ServiceReport,
    StaffPlan,
)
from engagekit.vat import Vat

__all__ = [
    "bill_doc",
    "csv_text",
    "dumps",
    "estimate_doc",
    "jsonable",
    "measure_doc",
    "staff_doc",
    "write_atomic",
]


def decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0") else text


#: Each currency's minor unit and its exponent (a bill's document formats 10**4 amounts).
_MINOR: dict[str, tuple[Decimal, int]] = {}


def money_text(value: Money) -> str:
    """An amount with at least the currency's minor unit: ``"0.00"``, ``"14900.00"``, ``"5"`` JPY.

    Padded, never rounded: a unit price may be finer than a cent.
    """
    minor = _MINOR.get(value.currency)
    if minor is None:
        q = quantum(value.currency)
        minor = _MINOR[value.currency] = (q, int(q.as_tuple().exponent))
    amount = value.amount
    if amount.as_tuple().exponent > minor[1]:  # type: ignore[operator]
        amount = amount.quantize(minor[0])
    return decimal_text(amount)


_PLAIN = (str, int, bool, float, type(None))


def jsonable(value: Any) -> Any:
    """Plain JSON values for anything a result may hold."""
    kind = type(value)  # the common exact types first: a bill's document has 10**5 values
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if kind is Decimal:
        return decimal_text(value)
    if kind is Money:
        return money_text(value)
    if kind is date:
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        return value
    if isinstance(value, Money):
        return money_text(value)
    if isinstance(value, Period):
        return value.label
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if attrs.has(type(value)):
        return {f.name: jsonable(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return jsonable(value.tolist())
    return str(value)


class Document(dict[str, Any]):
    """A JSON document whose values are plain already (``jsonable``'s): ``dumps`` writes it
    without walking it again (a bill of 10**4 lines has 10**5 values)."""


def dumps(doc: Any) -> str:
    """``doc`` as JSON text, indented by two spaces, UTF-8 characters as they are.

    orjson writes the text of ``json.dumps(indent=2, ensure_ascii=False)`` some twenty times
    faster (a bill of a thousand lines is a megabyte), floats in exponent form aside (``1e16``
    for ``1e+16``: the same number); Python's encoder writes what orjson refuses (integers
    beyond 64 bits) or would change (NaN and infinities, which orjson writes as null).
    """
    import orjson

    text: str | None = None
    plain = doc
    if type(doc) is Document:
        # already plain: written as it is. orjson hands what it would write otherwise than
        # ``jsonable`` (dates, dataclasses, subclasses) to the default, which has none: such a
        # value raises, and the document is walked as any other
        passthrough = (
            orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_SUBCLASS
        )
        with contextlib.suppress(TypeError, OverflowError):
            text = orjson.dumps(dict(doc), option=orjson.OPT_INDENT_2 | passthrough).decode()
    if text is None:
        plain = jsonable(doc)
        try:
            text = orjson.dumps(plain, option=orjson.OPT_INDENT_2).decode()
        except (TypeError, OverflowError):  # orjson.JSONEncodeError is a TypeError
            text = None
    if text is not None and "null" in text and not _finite(plain):
        text = None
    if text is None:
        text = json.dumps(plain, indent=2, ensure_ascii=False)
    return text + "\n"


def _finite(plain: Any) -> bool:
    """Whether no float of ``plain`` is NaN or infinite (the C encoder refuses them)."""
    try:
        json.dumps(plain, allow_nan=False)
    except ValueError:
        return False
    return True


def _dist(d: Distribution | None) -> dict[str, str] | None:
    if d is None:
        return None
    out = {"p50": decimal_text(d.p50), "p80": decimal_text(d.p80), "p90": decimal_text(d.p90)}
    if d.mean is not None:
        out["mean"] = decimal_text(d.mean)
    return out


def _money_dist(est: ProjectEstimate) -> dict[str, str] | None:
    if est.samples is None or est.samples.cost is None:
        return None
    q = quantum(est.currency)
    d = Distribution.from_samples(est.samples.cost, places=-int(q.as_tuple().exponent))
    return {
        k: money_text(Money(v, est.currency))
        for k, v in (("p50", d.p50), ("p80", d.p80), ("p90", d.p90))
    }


def _component_estimate(r: ComponentEstimate) -> dict[str, Any]:
    return {
        "name": r.component,
        "model": r.model,
        "effort_hours": _dist(r.effort_hours),
        "cost": jsonable(r.cost),
        "price": jsonable(r.price),
        "margin": jsonable(r.margin),
        # what cost and price are: a percentile of the trials ("P80") or "point"
        "basis": r.basis or "point",
        "start": jsonable(r.start),
        "finish": jsonable(r.finish),
        "details": jsonable(r.details),
        "warnings": list(r.warnings),
    }


def estimate_doc(est: ProjectEstimate) -> dict[str, Any]:
    return {
        "project": est.project,
        "currency": est.currency,
        "seed": est.options.seed,
        "trials": est.options.trials,
        "components": [_component_estimate(r) for r in est.components],
        "total": {
            "effort_hours": _dist(est.effort_hours),
            "cost": jsonable(est.cost),
            "price": jsonable(est.price),
            "margin": jsonable(est.margin),
            # cost, price and margin add the components' figures, whatever their basis
            "basis": "sum",
            # the project's cost per trial, where components simulate (else null)
            "cost_per_trial": _money_dist(est),
        },
        "warnings": list(est.warnings),
    }


def _text(value: Any) -> Any:
    return value if type(value) is str else jsonable(value)


def _plain_dict(value: Any) -> Any:
    """``jsonable(value)``, the plain values of a dict not passed to it one by one."""
    if type(value) is not dict:
        return jsonable(value)
    return {
        k if type(k) is str else str(k): v if type(v) in _PLAIN else jsonable(v)
        for k, v in value.items()
    }


def _invoice(inv: Invoice) -> dict[str, Any]:
    return {
        "currency": _text(inv.currency),
        "lines": [
            {
                "component": _text(line.component),
                "description": _text(line.description),
                "quantity": jsonable(line.quantity),
                "unit": _text(line.unit),
                "unit_price": jsonable(line.unit_price),
                "amount": jsonable(line.amount),
                "kind": _text(line.kind),
                "details": _plain_dict(line.details),
                "vat": _vat(line.vat) if line.vat is not None else None,
            }
            for line in inv.lines
        ],
        "subtotals": jsonable(inv.subtotals()),
        "subtotal": jsonable(inv.subtotal),
        "adjustments": [
            {
                "name": _text(a.name),
                "stage": _text(a.stage),
                "amount": jsonable(a.amount),
                "basis": jsonable(a.basis),
                "description": _text(a.description),
                "vat": [{**_vat(v.vat), "amount": jsonable(v.amount)} for v in a.vat],
            }
            for a in inv.adjustments
        ],
        "vat_breakdown": [
            {**_vat(r.vat), "basis": jsonable(r.basis), "amount": jsonable(r.amount)}
            for r in inv.vat_breakdown
        ],
        "total": jsonable(inv.total),
    }


def _vat(vat: Vat) -> dict[str, Any]:
    return {
        "category": _text(vat.category),
        "rate": jsonable(vat.rate),
        "exemption_reason": _text(vat.exemption_reason),
    }


def _component_summary(result: ComponentBill | ComponentStaffing) -> dict[str, Any]:
    return {
        "name": _text(result.component),
        "model": _text(result.model),
        "details": jsonable(result.details),
        "warnings": [_text(w) for w in result.warnings],
    }


def bill_doc(bill: ProjectBill) -> Document:
    return Document(
        project=_text(bill.project),
        period=_text(bill.period.label),
        period_start=bill.period.start.isoformat(),
        period_end=bill.period.last.isoformat(),
        invoices=[_invoice(inv) for inv in bill.invoices],
        components=[_component_summary(b) for b in bill.components],
        warnings=[_text(w) for w in bill.warnings],
    )


def staff_doc(plan: StaffPlan) -> dict[str, Any]:
    return {
        "project": plan.project,
        "plan": [
            {
                "component": r.component,
                "period": r.period.label,
                "period_start": r.period.start.isoformat(),
                "role": r.role,
                "person": r.person,
                "fte": jsonable(r.fte),
                "hours": jsonable(r.hours),
                "status": r.status,
            }
            for r in plan.rows
        ],
        "components": [_component_summary(s) for s in plan.components],
        "warnings": list(plan.warnings),
    }


def measure_doc(report: ServiceReport) -> dict[str, Any]:
    return {
        "project": report.project,
        "period": report.period.label if report.period else None,
        "components": [
            {
                "name": m.component,
                "model": m.model,
                "status": m.status,
                "metrics": jsonable(m.metrics),
                "tables": jsonable(m.tables),
                "warnings": list(m.warnings),
            }
            for m in report.components
        ],
        "warnings": list(report.warnings),
    }


_FORMULA_START = frozenset("=+-@\t\r")
# Where a spreadsheet may start a new cell inside one quoted value: after a line break (an
# importer that ignores quoting), or after any separator a locale's CSV dialect uses.
_CELL_BREAK = frozenset("\r\n,;\t")


def safe_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet won't run as a formula (OWASP's CSV injection advice).

    A ``'`` goes before a formula character (``= + - @``, tab, CR) at the start of the cell and
    at every place inside it where a line break or a separator (``,`` ``;`` tab) could make a
    new cell start when the file is opened with another dialect. Numbers stay numbers:
    ``-12.50`` is a credit, not a formula.
    """
    text = "" if value is None else str(jsonable(value))
    if not text:
        return text
    if text[0] in _FORMULA_START and text == text.strip():  # Decimal() would strip "\r-1"
        try:
            if Decimal(text).is_finite():
                return text
        except ArithmeticError:
            pass
    out = []
    starts = True
    for ch in text:
        if starts and ch in _FORMULA_START:
            out.append("'")
        out.append(ch)
        starts = ch in _CELL_BREAK
    return "".join(out)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> str:
    """CSV text with every cell made formula-safe by ``safe_cell``: the one CSV writer of
    ``--csv`` and of exports (a plugin's exporter should use it too)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", delimiter=delimiter)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


# mkstemp's names: the prefix, eight characters of its alphabet, the suffix.
_TEMP_NAME = r"^\.{name}\.[a-z0-9_]{{8}}\.tmp$"
STALE_AFTER = 60  # seconds: older temporary files are no write in progress


def write_atomic(path: str | Path, text: str | Iterable[str]) -> list[Path]:
    """Write ``text`` (or its chunks, as they come) to ``path`` via a temporary file in the
    same folder and a rename.

    On any exception (a ``KeyboardInterrupt``, or the ``Terminated`` that SIGTERM and SIGHUP
    raise) the temporary file is removed. SIGKILL leaves it behind: the temporary files of
    earlier writes to ``path`` older than a minute are removed first, and returned so that
    the caller can say so.
    """
    given = Path(path)
    # a symlink is written through: its target is replaced, the link stays a link
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    if _special(target):
        return _write_through(given, target, text)
    folder = target.parent or Path(".")
    mode = _mode_for(target)
    removed = remove_stale_temps(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # name the path the user gave, not the temporary file
        raise OSError(exc.errno, exc.strerror, str(given)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            for chunk in (text,) if isinstance(text, str) else text:
                f.write(chunk)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(given)) from None
        raise
    return removed


def _special(target: Path) -> bool:
    """A device, FIFO or socket (``-o /dev/null``, a named pipe): written to as it is. A rename
    would put a regular file in its place, and as root that replaces ``/dev/null`` itself."""
    import stat

    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_through(given: Path, target: Path, text: str | Iterable[str]) -> list[Path]:
    try:
        with open(target, "w", encoding="utf-8", newline="") as f:
            for chunk in (text,) if isinstance(text, str) else text:
                f.write(chunk)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(given)) from None
    return []


def _mode_for(target: Path) -> int:
    """An existing file keeps its mode; a new one gets what the umask allows (not mkstemp's
    0600), as any program's ``open(path, "w")`` would."""
    import stat

    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def remove_stale_temps(target: Path, *, now: float | None = None) -> list[Path]:
    """Remove ``write_atomic``'s leftover temporary files for ``target`` (a killed write)."""
    import re
    import time

    pattern = re.compile(_TEMP_NAME.format(name=re.escape(target.name)))
    limit = (time.time() if now is None else now) - STALE_AFTER
    removed = []
    try:
        candidates = [p for p in (target.parent or Path(".")).iterdir() if pattern.match(p.name)]
    except OSError:  # the folder is unreadable or missing: mkstemp will say so
        return []
    for candidate in candidates:
        with contextlib.suppress(OSError):
            if candidate.is_file() and candidate.stat().st_mtime < limit:
                candidate.unlink()
                removed.append(candidate)
    return removed
