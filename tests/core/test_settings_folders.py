"""One settings converter per process: data file paths still resolve per project folder."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from engagekit.settings import DataFile, SettingsError, make_converter, structure


@attrs.frozen
class WithFile:
    data: DataFile


def test_each_structure_resolves_against_its_own_folder(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "data.csv").write_text("x\n")
    a = structure({"data": "data.csv"}, WithFile, tmp_path / "a")
    b = structure({"data": "data.csv"}, WithFile, tmp_path / "b")
    assert a.data.path == (tmp_path / "a" / "data.csv").resolve()
    assert b.data.path == (tmp_path / "b" / "data.csv").resolve()
    assert make_converter() is make_converter()
    with pytest.raises(SettingsError, match="does not exist"):
        structure({"data": "data.csv"}, WithFile, tmp_path)
