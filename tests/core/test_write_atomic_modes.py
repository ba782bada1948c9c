"""``-o`` files: the umask or the existing mode, through symlinks, errors naming the user's path."""

from __future__ import annotations

import os
import stat

import pytest

from engagekit.output import write_atomic


def _mode(path) -> int:  # type: ignore[no-untyped-def]
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.json", "{}")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.json") == 0o640


def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("old")
    path.chmod(0o604)
    write_atomic(path, "new")
    assert path.read_text() == "new"
    assert _mode(path) == 0o604


def test_a_symlink_is_written_through(tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_errors_name_the_path_given(tmp_path):
    missing = tmp_path / "no such folder" / "out.json"
    with pytest.raises(OSError) as err:
        write_atomic(missing, "{}")
    assert err.value.filename == str(missing)
    assert ".tmp" not in str(err.value)
