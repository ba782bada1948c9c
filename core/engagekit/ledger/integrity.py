"""``engage ledger verify``: recompute every record's hash and its series' chain.

A record whose content no longer hashes to its hash, whose ``prev_hash`` is not the previous
record's hash, whose indexed columns or line rows disagree with its document, or whose number
leaves a gap, is named. So is a series whose head or counter does not match its last record.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import attrs

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
            number, series, year, sequence = row[0], row[1], row[2], row[3]
            counts[series] = counts.get(series, 0) + 1
            key = (series, year)
            want = expected.get(key, 1)
            problem = _check(row, last_hash.get(series), last_number.get(series), want)
            if problem:
                problems.append(Problem(number, series, problem))
            last_hash[series] = row[_HASH]
            last_number[series] = number
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


_DOCUMENT = CHAIN_COLUMNS.index("document")
_HASH = CHAIN_COLUMNS.index("hash")
_PREV = CHAIN_COLUMNS.index("prev_hash")
_PERIOD = CHAIN_COLUMNS.index("period")
_CORRECTS = CHAIN_COLUMNS.index("corrects")
#: columns that are the document's top-level keys of the same name
_SAME = tuple(
    (i, name)
    for i, name in enumerate(CHAIN_COLUMNS)
    if name
    in ("number", "series", "sequence", "kind", "project_file", "currency", "issue_date", "total")
)


def _check(row: tuple[Any, ...], prev: str | None, prev_number: str | None, sequence: int) -> str:
    text = row[_DOCUMENT]
    if hashlib.sha256(text.encode()).hexdigest() != row[_HASH]:
        return "its content does not hash to its recorded hash: it was changed after issue"
    doc = json.loads(text)
    if doc.get("prev_hash") != prev or row[_PREV] != prev:
        after = f"the previous record {prev_number}" if prev_number else "nothing (first record)"
        return f"the chain is broken: its prev_hash does not match {after}"
    for i, name in _SAME:
        if doc.get(name) != row[i]:
            return f"column {name} says {row[i]!r}, its document {doc.get(name)!r}"
    period = row[_PERIOD]
    if period != doc["period"]["label"]:
        return f"column period says {period!r}, its document {doc['period']['label']!r}"
    corrects = (doc.get("corrects") or {}).get("number")
    if corrects != row[_CORRECTS]:
        return f"column corrects says {row[_CORRECTS]!r}, its document {corrects!r}"
    if [tuple(line[k] for k in LINE_COLUMNS) for line in doc["lines"]] != row[-1]:
        return "its line rows disagree with its document"
    if row[3] != sequence:
        return f"number {row[3]} follows {sequence - 1}: the series has a gap or repeat"
    return ""
