"""``engage ledger verify``: recompute every record's hash and its series' chain.

A record whose content no longer hashes to its hash, whose ``prev_hash`` is not the previous
record's hash, whose indexed columns or line rows disagree with its document, or whose number
leaves a gap, is named. So is a series whose head or counter does not match its last record.

Every row is read once, in one query in the order of issue, with its line rows as one JSON text
the database builds. A record is first checked in bulk (``_intact``: one parse, the indexed
columns as one tuple, the line rows as one string); only a record that fails that is checked
field by field (``_check``), which names what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import operator
from typing import Any

import attrs
import orjson

from engagekit.ledger.sql import CHAIN_COLUMNS, LINE_COLUMNS
from engagekit.ledger.store import Ledger

__all__ = ["Problem", "VerifyReport", "verify"]


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


def verify(ledger: Ledger) -> VerifyReport:
    store = ledger.store
    problems: list[Problem] = []
    last_hash: dict[str, str | None] = {}
    last_number: dict[str, str] = {}
    expected: dict[tuple[str, int], int] = {}
    counts: dict[str, int] = {}
    records = 0
    with store.read() as conn:
        heads = store.heads(conn)
        counters = store.counters(conn)
        for row in store.chain(conn):
            records += 1
            series, sequence = row[_SERIES], row[_SEQUENCE]
            counts[series] = counts.get(series, 0) + 1
            key = (series, row[_YEAR])
            want = expected.get(key, 1)
            prev = last_hash.get(series)
            if sequence != want or not _intact(row, prev):
                lines = store.line_rows(conn, row[_ID])
                problem = _check(row, lines, prev, last_number.get(series), want)
                if problem:
                    problems.append(Problem(row[_NUMBER], series, problem))
            last_hash[series] = row[_HASH]
            last_number[series] = row[_NUMBER]
            expected[key] = sequence + 1
    for series, head in heads.items():
        if head != last_hash.get(series):
            problems.append(
                Problem(
                    last_number.get(series, "-"),
                    series,
                    "the series' head is not the hash of its last record (a record was removed?)",
                )
            )
    for (series, year), last in counters.items():
        if expected.get((series, year), 1) - 1 != last:
            problems.append(
                Problem(
                    last_number.get(series, "-"),
                    series,
                    f"the counter of {year or 'the series'} stands at {last}, but "
                    f"{expected.get((series, year), 1) - 1} records were found",
                )
            )
    return VerifyReport(records, counts, tuple(problems))


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
    in ("number", "series", "sequence", "kind", "project_file", "currency", "issue_date", "total")
)
_same_columns = operator.itemgetter(*(i for i, _ in _SAME))
_same_keys = operator.itemgetter(*(name for _, name in _SAME))
_line_values = operator.itemgetter(*LINE_COLUMNS)


def _intact(row: tuple[Any, ...], prev: str | None) -> bool:
    """Whether ``row`` passes every check of ``_check`` (its sequence aside), decided fast:
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
    prev_number: str | None,
    sequence: int,
) -> str:
    """What is wrong with ``row`` (its line rows ``lines``), in words; "" when nothing."""
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
        after = f"the previous record {prev_number}" if prev_number else "nothing (first record)"
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
    if row[_SEQUENCE] != sequence:
        return f"number {row[_SEQUENCE]} follows {sequence - 1}: the series has a gap or repeat"
    return ""
