"""The cache of cattrs' generated structuring functions: same code, read back instead of
compiled, keyed by source; off, unwritable or overfull, it only costs the compile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engagekit import codecache

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "def f(x):\n    return x * 2 + 1\n"


def run(code: object) -> int:
    space: dict[str, object] = {}
    exec(code, space)  # our own test source
    f = space["f"]
    assert callable(f)
    return int(f(20))


def test_compiled_once_then_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(codecache.CACHE_ENV, str(tmp_path))
    first = codecache.cached_compile(SOURCE, "<test f>", "exec")
    (entry,) = (tmp_path / "code").glob("*.bin")
    compiled = []
    monkeypatch.setattr(codecache, "compile", lambda *a: compiled.append(a), raising=False)
    second = codecache.cached_compile(SOURCE, "<test f>", "exec")
    assert not compiled  # read from the file, not compiled
    assert run(first) == run(second) == 41
    assert second.co_filename == "<test f>"
    # another source or name is another entry; a damaged entry is compiled again
    monkeypatch.undo()
    monkeypatch.setenv(codecache.CACHE_ENV, str(tmp_path))
    other = codecache.cached_compile(SOURCE.replace("2", "3"), "<test f>", "exec")
    assert run(other) == 61
    assert len(list((tmp_path / "code").glob("*.bin"))) == 2
    entry.write_bytes(b"not marshal data")
    assert run(codecache.cached_compile(SOURCE, "<test f>", "exec")) == 41


def test_off_or_unwritable_only_costs_the_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(codecache.CACHE_ENV, "")
    assert codecache.cache_dir() is None
    assert run(codecache.cached_compile(SOURCE, "<test f>", "exec")) == 41
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv(codecache.CACHE_ENV, str(blocked))  # its folders would be under a file
    assert run(codecache.cached_compile(SOURCE, "<test f>", "exec")) == 41


def test_an_overfull_folder_is_emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(codecache.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(codecache, "MAX_ENTRIES", 3)
    for i in range(3):
        codecache.cached_compile(f"x = {i}\n", "<test x>", "exec")
    assert len(list((tmp_path / "code").glob("*.bin"))) == 3
    codecache.cached_compile("x = 99\n", "<test x>", "exec")
    assert len(list((tmp_path / "code").glob("*.bin"))) == 1


def test_validate_reads_its_structuring_functions_from_the_cache(tmp_path: Path) -> None:
    """A second run adds no entry (every function was found) and says the same."""
    env = {**os.environ, codecache.CACHE_ENV: str(tmp_path)}
    argv = [sys.executable, "-c", "from engagekit.cli import main; main()"]
    args = ["validate", "examples/hybrid.toml"]
    first = subprocess.run([*argv, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    entries = sorted(p.name for p in (tmp_path / "code").glob("*.bin"))
    assert first.returncode == 0, first.stderr
    assert len(entries) > 20
    second = subprocess.run([*argv, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    assert (second.returncode, second.stdout) == (0, first.stdout)
    assert sorted(p.name for p in (tmp_path / "code").glob("*.bin")) == entries


ATTRS_CLASS = (
    "import sys, attrs\n"
    "from engagekit import codecache\n"
    "codecache.install_attrs()\n"
    "@attrs.frozen\n"
    "class Point:\n"
    "    x: int\n"
    "    y: str = 'a'\n"
    "p = Point(1)\n"
    "expected = hash((hash('<attrs generated hash __main__.Point>'), 1, 'a'))\n"
    "assert hash(p) == expected, (hash(p), expected)\n"
    "assert p == Point(1) and p != Point(2) and repr(p) == \"Point(x=1, y='a')\"\n"
)


def test_attrs_methods_come_from_the_cache_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Cached under any hash seed, the code of attrs' ``__hash__`` holds the process's own
    type hash; the cache gains no entry from one seed to the next."""
    counts = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, codecache.CACHE_ENV: str(tmp_path), "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", ATTRS_CLASS], env=env, check=True)
        counts.append(len(list((tmp_path / "code").iterdir())))
    assert counts[0] > 0
    assert counts == [counts[0]] * 3
