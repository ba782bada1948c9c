"""``engage ledger verify``: recompute every record's hash and its series' chain.

A record whose content no longer hashes to its hash, whose ``prev_hash`` is not the previous
record's hash, whose indexed columns or line rows disagree with what was issued, or whose
number leaves a gap, is named. So is a series whose head or counter does not match its last
record.

Every row is read once, in the order of issue (``Store.scan``). A record of schema 2 carries
the SHA-256 of its index text (``record.index_text``: the values written to its columns and
line rows) as its document's first key, so it is checked without parsing the document: its
SHA-256 is its hash, its ``prev_hash`` column the previous record's hash, its number the next
of its counter, and the SHA-256 of the index text rebuilt from its rows the one its document
holds. A record of schema 1 has no such key: its document is parsed and compared with its
rows in bulk (``_intact``). Only a record that fails is checked field by field (``_check``),
which names what is wrong.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import orjson

from engagekit.ledger.scanning import (
    CHAIN_COLUMNS,
    INDEX_COLUMNS,
    INDEX_KEY,
    LINE_COLUMNS,
    Digested,
    UntypedValue,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from engagekit.ledger.store import Ledger

__all__ = ["Problem", "Source", "VerifyReport", "ok_message", "verify", "verify_source"]


@attrs.frozen
class Problem:
    number: str
    series: str
    message: str

    def __str__(self) -> str:
        return f"{self.number} (series {self.series}): {self.message}"


@attrs.frozen
class VerifyReport:
    records: int
    series: dict[str, int]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


#: How a schema-2 document begins: its index digest follows, at ``_AT``.
_PREFIX = b'{"' + INDEX_KEY.encode() + b'":"'
_AT = len(_PREFIX)
#: A record to look closer at: (id, the previous hash of its series, its series, the sequence
#: its counter is at, whether it passed the fast check).
_Suspect = tuple[int, "str | None", Any, int, bool]


def ok_message(report: VerifyReport) -> str:
    """What ``engage ledger verify`` prints for a ledger that verifies."""
    series = ", ".join(f"{name} ({n})" for name, n in sorted(report.series.items()))
    return f"ok: {report.records} records, every hash and chain intact" + (
        f"; series: {series}" if series else ""
    )


class Source(Protocol):
    """What verify reads: ``engagekit.ledger.sql.Store``, or ``engagekit.ledger.quick``'s
    SQLite connection (which has no ``chain_rows`` or the like: it hands a ledger with a
    suspect record to the store)."""

    def read(self) -> AbstractContextManager[Any]: ...
    def heads(self, conn: Any) -> dict[str, str | None]: ...
    def counters(self, conn: Any) -> dict[tuple[str, int], int]: ...
    def scan(self, conn: Any, *, typed: bool = False) -> Iterator[list[tuple[Any, ...]]]: ...
    def chain_rows(self, conn: Any, ids: Sequence[int]) -> list[tuple[Any, ...]]: ...
    def line_rows(self, conn: Any, invoice_id: int) -> list[tuple[Any, ...]]: ...
    def previous_number(self, conn: Any, series: str, invoice_id: int) -> str | None: ...
    def last_numbers(self, conn: Any) -> dict[str, str]: ...


def verify(ledger: Ledger, *, full: bool = False) -> VerifyReport:
    """Check the whole ledger. ``full``: also parse every document and compare its fields
    with its rows, which finds a record whose document was rewritten, rehashed and chained
    anew without its index digest being made to match (docs/ledger.md says what each proves).
    """
    return verify_source(ledger.store, full=full)


def verify_source(store: Source, *, full: bool = False) -> VerifyReport:
    """``verify`` of what ``store`` reads."""
    try:
        return _verify(store, typed=False, full=full)
    except UntypedValue:  # a BLOB in a line row (SQLite): again, reading it as null
        return _verify(store, typed=True, full=full)


def _verify(store: Source, *, typed: bool, full: bool) -> VerifyReport:
    found: list[tuple[int, Problem]] = []
    last_hash: dict[Any, str | None] = {}
    expected: dict[tuple[Any, Any], int] = {}
    counts: dict[Any, int] = {}
    orphans: list[int] = []
    prefix, at = _PREFIX, _AT
    with store.read() as conn:
        heads = store.heads(conn)
        counters = store.counters(conn)
        for batch, sums in _hashed(store.scan(conn, typed=typed)):
            suspects: list[_Suspect] = []
            for row, (doc_sum, index_sum) in zip(batch, sums, strict=True):
                doc = row[1]
                if doc is None:
                    orphans.append(row[0])
                    continue
                series = row[3]
                key = (series, row[4])
                prev = last_hash.get(series)
                want = expected.get(key, 1)
                ok = (
                    doc_sum is not None
                    and doc_sum == row[2]
                    and row[6] == prev
                    and row[5] == want
                    and doc.startswith(prefix)
                    and doc.startswith(index_sum, at)
                )
                if full or not ok:
                    suspects.append((row[0], prev, series, want, ok))
                last_hash[series] = row[2]
                expected[key] = row[5] + 1 if type(row[5]) is int else want + 1
                counts[series] = counts.get(series, 0) + 1
            if suspects:
                found.extend(_look_closer(store, conn, suspects))
        problems = [p for _, p in sorted(found, key=operator.itemgetter(0))]
        broken_heads = [s for s, head in heads.items() if head != last_hash.get(s)]
        stopped = {
            (s, year): last
            for (s, year), last in counters.items()
            if expected.get((s, year), 1) - 1 != last
        }
        last_number = store.last_numbers(conn) if broken_heads or stopped else {}
    for series in broken_heads:
        problems.append(
            Problem(
                last_number.get(series, "-"),
                series,
                "the series' head is not the hash of its last record (a record was removed?)",
            )
        )
    for (series, year), last in stopped.items():
        problems.append(
            Problem(
                last_number.get(series, "-"),
                series,
                f"the counter of {year or 'the series'} stands at {last}, but "
                f"{expected.get((series, year), 1) - 1} records were found",
            )
        )
    for invoice_id in orphans:
        problems.append(
            Problem(
                f"invoice id {invoice_id}",
                "-",
                "its line rows are there but not the invoice (a record was removed)",
            )
        )
    return VerifyReport(sum(counts.values()), counts, tuple(problems))


_Sums = list[tuple["str | None", bytes]]


def _hashed(
    batches: Iterator[list[tuple[Any, ...]]],
) -> Iterator[tuple[list[tuple[Any, ...]], _Sums]]:
    """Each batch of scanned rows with its rows' SHA-256s (``_sums``), computed in a thread
    while the next batch is read: hashlib lets go of the GIL while it hashes a document, so
    the database reads on one core while the hashes are computed on the other."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="engagekit-verify") as pool:
        pending = None
        for batch in batches:
            sums = pool.submit(_sums, batch)
            if pending is not None:
                yield pending[0], pending[1].result()
            pending = (batch, sums)
        if pending is not None:
            yield pending[0], pending[1].result()


def _sums(batch: list[tuple[Any, ...]]) -> _Sums:
    """Per row: the SHA-256 (hex) of its document, and that of its index text (its index
    columns' JSON and its lines' JSON) as ASCII bytes; None and ``b"!"`` (which no document
    holds where its digest goes) where a value is not of the type the check needs."""
    sha256 = hashlib.sha256
    out: _Sums = []
    if isinstance(batch, Digested):  # its index texts were hashed by the scan's indexer
        doc_sums: list[str | None] = []
        for row in batch:
            try:
                doc_sums.append(sha256(row[1]).hexdigest())
            except TypeError:  # an orphan's None
                doc_sums.append(None)
        return list(zip(doc_sums, batch.index_sums, strict=True))
    for row in batch:
        try:
            doc_sum: str | None = sha256(row[1]).hexdigest()
        except TypeError:  # an orphan's None, or not bytes
            doc_sum = None
        try:
            index_sum = sha256(row[7] + row[8]).hexdigest().encode()
        except TypeError:  # a value of no JSON type (PostgreSQL), or an orphan
            index_sum = b"!"
        out.append((doc_sum, index_sum))
    return out


def _look_closer(
    store: Source, conn: Any, suspects: Sequence[_Suspect]
) -> list[tuple[int, Problem]]:
    """Decide on the records the fast check did not pass (or, with ``full``, passed): a record
    of schema 1, or one of 2 that passed, in bulk (``_intact``: for the latter, its rows match
    its digest, so its document agreeing with its rows proves the digest is its document's),
    then any that still fails field by field (``_check``)."""
    out = []
    rows = store.chain_rows(conn, [s[0] for s in suspects])
    by_id = {row[_ID]: row for row in rows}
    for invoice_id, prev, series, want, passed in suspects:
        row = by_id[invoice_id]
        bulk = passed or not row[_DOCUMENT].startswith(_PREFIX)
        if row[_SEQUENCE] == want and bulk and _intact(row, prev):
            continue
        problem = _check(
            row,
            store.line_rows(conn, invoice_id),
            prev,
            functools.partial(store.previous_number, conn, series, invoice_id),
            want,
        )
        if problem:
            out.append((invoice_id, Problem(row[_NUMBER], row[_SERIES], problem)))
    return out


_ID, _NUMBER, _SERIES, _YEAR, _SEQUENCE = (
    CHAIN_COLUMNS.index(name) for name in ("id", "number", "series", "year", "sequence")
)
_DOCUMENT = CHAIN_COLUMNS.index("document")
_HASH = CHAIN_COLUMNS.index("hash")
_PREV = CHAIN_COLUMNS.index("prev_hash")
_PERIOD = CHAIN_COLUMNS.index("period")
_CORRECTS = CHAIN_COLUMNS.index("corrects")
_LINES = CHAIN_COLUMNS.index("lines")
#: columns that are the document's top-level keys of the same name
_SAME = tuple(
    (i, name)
    for i, name in enumerate(CHAIN_COLUMNS)
    if name
    in (
        "number", "series", "sequence", "kind", "project", "project_file", "currency",
        "issue_date", "total",
    )
)  # fmt: skip
_same_columns = operator.itemgetter(*(i for i, _ in _SAME))
_same_keys = operator.itemgetter(*(name for _, name in _SAME))
_line_values = operator.itemgetter(*LINE_COLUMNS)


def _intact(row: tuple[Any, ...], prev: str | None) -> bool:
    """Whether ``row`` (schema 1) passes every check of ``_check`` (its sequence aside), decided fast:
    one parse with orjson, the columns compared as one tuple, the line rows as one string.

    True only when ``_check`` would find nothing, so a true answer is final. False means
    "look closer": ``_check`` then decides and names the problem, if there is one; it finds
    none where the database wrote the line rows' JSON in another form than orjson would,
    which is why equal strings prove the rows right but unequal ones prove nothing.
    """
    text = row[_DOCUMENT]
    if hashlib.sha256(text).hexdigest() != row[_HASH]:
        return False
    try:
        doc = orjson.loads(text)
        corrects = doc["corrects"]
        return bool(
            doc["prev_hash"] == prev == row[_PREV]
            and _same_keys(doc) == _same_columns(row)
            and doc["period"]["label"] == row[_PERIOD]
            and (corrects["number"] if corrects else None) == row[_CORRECTS]
            and orjson.dumps(list(map(_line_values, doc["lines"]))) == row[_LINES].encode()
        )
    except Exception:  # a document of another shape: _check says what is wrong with it
        return False


def _check(
    row: tuple[Any, ...],
    lines: list[tuple[Any, ...]],
    prev: str | None,
    prev_number: Callable[[], str | None],
    sequence: int,
) -> str:
    """What is wrong with ``row`` (its line rows ``lines``), in words; "" when nothing.

    ``prev`` is the hash of the record before it in its series, ``prev_number`` says that
    record's number, ``sequence`` is the number its counter is due to give."""
    text = row[_DOCUMENT]
    if hashlib.sha256(text).hexdigest() != row[_HASH]:
        return "its content does not hash to its recorded hash: it was changed after issue"
    try:
        doc = json.loads(text)
    except ValueError as exc:
        return f"its content is not a JSON document ({exc})"
    if not isinstance(doc, dict):
        return "its content is not a JSON object"
    if doc.get("prev_hash") != prev or row[_PREV] != prev:
        before = prev_number() if prev is not None else None
        after = f"the previous record {before}" if before else "nothing (first record)"
        return f"the chain is broken: its prev_hash does not match {after}"
    for i, name in _SAME:
        if doc.get(name) != row[i]:
            return f"column {name} says {row[i]!r}, its document {doc.get(name)!r}"
    period = row[_PERIOD]
    label = (doc.get("period") or {}).get("label")
    if period != label:
        return f"column period says {period!r}, its document {label!r}"
    corrects = (doc.get("corrects") or {}).get("number")
    if corrects != row[_CORRECTS]:
        return f"column corrects says {row[_CORRECTS]!r}, its document {corrects!r}"
    try:
        own = [tuple(line[k] for k in LINE_COLUMNS) for line in doc["lines"]]
    except (KeyError, TypeError):
        return "its document's lines are not the shape of a record's"
    if own != lines:
        return "its line rows disagree with its document"
    digest = doc.get(INDEX_KEY)
    if digest is not None:
        problem = _index_problem(row, lines, doc, digest)
        if problem:
            return problem
    if row[_SEQUENCE] != sequence:
        return f"number {row[_SEQUENCE]} follows {sequence - 1}: the series has a gap or repeat"
    return ""


def _index_problem(
    row: tuple[Any, ...], lines: list[tuple[Any, ...]], doc: dict[str, Any], digest: object
) -> str:
    """For a record whose columns and lines agree with its document: what its index digest
    says (year, the one column the document does not hold, or that the record is not as
    issued); "" when it matches."""
    columns = dict(zip(CHAIN_COLUMNS, row, strict=True))
    if _index_digest(columns, lines) == digest:
        return ""
    issued = str(doc.get("issue_date", ""))[:4]
    for year in (int(issued) if issued.isdigit() else None, 0):
        if year is not None and _index_digest({**columns, "year": year}, lines) == digest:
            return (
                f"column year says {columns['year']!r}, it was issued under the counter of {year}"
            )
    return (
        f"its {INDEX_KEY} is not that of its own columns and lines: the record is not as "
        "engagekit issues it"
    )


def _index_digest(columns: dict[str, Any], lines: list[tuple[Any, ...]]) -> str | None:
    from engagekit.ledger.record import index_text

    try:
        text = index_text([columns[name] for name in INDEX_COLUMNS], lines)
    except TypeError:  # a value of a type no column holds
        return None
    return hashlib.sha256(text).hexdigest()
