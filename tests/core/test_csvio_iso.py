"""An ISO date-time read with ISO formats takes ``fromisoformat``: the same value as the
``strptime`` loop over those formats gives, and the same refusals."""

from __future__ import annotations

from datetime import datetime

import pytest

from engagekit.csvio import _ISO_SHAPES, _ISO_VALUE

VALUES = [
    "2026-09-10 20:00", "2026-09-10T20:00:05", "2026-09-10 20:00:05.5",
    "2026-09-10 20:00:05.123456", "2026-02-29 10:00", "2024-02-29 10:00", "2026-13-01 10:00",
    "2026-09-10 24:00", "2026-09-10 23:60", "2026-09-10 20:00:60", "0001-01-01 00:00",
    "2026-09-10 20:00:05.000001", "2026-00-10 20:00",
]  # fmt: skip


def by_strptime(value: str, formats: list[str]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@pytest.mark.parametrize("value", VALUES)
def test_fromisoformat_reads_as_the_formats_do(value: str) -> None:
    assert _ISO_VALUE.fullmatch(value)
    try:
        fast: datetime | None = datetime.fromisoformat(value)
    except ValueError:
        fast = None
    formats = sorted(_ISO_SHAPES)
    for k in range(len(formats)):
        assert by_strptime(value, formats[k:] + formats[:k]) == fast
        assert by_strptime(value, formats[k : k + 2]) == fast
