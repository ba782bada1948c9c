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

from engagekit.ledger.store import Ledger

__all__ = ["Problem", "VerifyReport", "verify"]

_COLUMNS = (
    "number",
    "series",
    "sequence",
    "kind",
    "project_file",
    "currency",
    "issue_date",
    "total",
)
_LINE_COLUMNS = ("position", "component", "description", "quantity", "unit_price", "amount")


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
            series = row["series"]
            counts[series] = counts.get(series, 0) + 1
            key = (series, row["year"])
            want = expected.get(key, 1)
            problem = _check(row, last_hash.get(series), last_number.get(series), want)
            if problem:
                problems.append(Problem(row["number"], series, problem))
            last_hash[series] = row["hash"]
            last_number[series] = row["number"]
            expected[key] = row["sequence"] + 1
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


def _check(row: dict[str, Any], prev: str | None, prev_number: str | None, sequence: int) -> str:
    body = row["document"].encode()
    if hashlib.sha256(body).hexdigest() != row["hash"]:
        return "its content does not hash to its recorded hash: it was changed after issue"
    doc = json.loads(body)
    if doc.get("prev_hash") != prev or row["prev_hash"] != prev:
        after = f"the previous record {prev_number}" if prev_number else "nothing (first record)"
        return f"the chain is broken: its prev_hash does not match {after}"
    for column in _COLUMNS:
        value = doc.get(column)
        if value != row[column]:
            return f"column {column} says {row[column]!r}, its document {value!r}"
    if row["period"] != doc["period"]["label"]:
        return f"column period says {row['period']!r}, its document {doc['period']['label']!r}"
    corrects = (doc.get("corrects") or {}).get("number")
    if corrects != row["corrects"]:
        return f"column corrects says {row['corrects']!r}, its document {corrects!r}"
    lines = [{k: line[k] for k in _LINE_COLUMNS} for line in doc["lines"]]
    rows = [{k: line[k] for k in _LINE_COLUMNS} for line in row["lines"]]
    if lines != rows:
        return "its line rows disagree with its document"
    if row["sequence"] != sequence:
        return f"number {row['sequence']} follows {sequence - 1}: the series has a gap or repeat"
    return ""
