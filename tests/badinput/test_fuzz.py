"""Fuzzing the project loader and every CSV reader: random bytes and mutated valid files.

Whatever the bytes, reading them ends in a result or in an ``EngageError`` (exit 1 naming the
file): never another exception (a traceback), and never success on bytes that can't be a
project or a data file.
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engagekit
from engagekit.cli import build_app

from .corpus import EXAMPLES, Case, Edit, _table
from .test_corpus import outcome

ENGINE = engagekit.create_engine()
APP = build_app(ENGINE)
READERS = _table()["readers"]


@st.composite
def mutated(draw: st.DrawFn, text: bytes) -> bytes:
    """``text`` after a few edits of the kinds that break real files: a span cut out, random
    bytes put in, a line doubled or dropped, one byte changed."""
    data = bytearray(text)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "double", "drop", "flip"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        else:
            lines = bytes(data).splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                lines[i : i + 1] = [lines[i]] * (2 if kind == "double" else 0)
                data = bytearray(b"".join(lines))
    return bytes(data)


def load(text: bytes) -> Exception | None:
    """The error loading ``text`` as a project file raised, or None when it loaded."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "project.toml"
        path.write_bytes(text)
        try:
            ENGINE.load_project(path)
        except engagekit.EngageError as err:
            assert "project.toml" in str(err), err
            return err
    return None


PROJECTS = sorted(p for p in _table()["projects"])

fuzz = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(st.binary(max_size=400))
def test_random_bytes_are_never_a_project(data: bytes) -> None:
    assert load(data) is not None


@fuzz
@given(st.data())
@pytest.mark.parametrize("project", PROJECTS)
def test_a_mutated_project_loads_or_fails_with_its_place(project: str, data: st.DataObject) -> None:
    text = (EXAMPLES / project).read_bytes()
    load(data.draw(mutated(text)))  # raises (fails the test) on anything but an EngageError


def run_reader(key: str, content: bytes) -> tuple[str, str]:
    project, data_file = key.split(":", 1)
    command = shlex.split(READERS[key])
    case = Case(
        id=f"fuzz:{key}",
        project=project,
        args=(command[0], "{project}", *command[1:]),
        edits=(Edit(file=data_file, hex=content.hex()),),
        says=(Path(data_file).name,),
    )
    with tempfile.TemporaryDirectory() as folder:
        return outcome(case, APP, Path(folder))


reader_fuzz = settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow])


@reader_fuzz
@given(st.data())
@pytest.mark.parametrize("key", sorted(READERS))
def test_random_bytes_are_never_a_data_file(key: str, data: st.DataObject) -> None:
    # Printable noise too: most bytes fail at decoding, which says nothing about the reader.
    noise = data.draw(
        st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8"))
    )
    result, output = run_reader(key, noise)
    assert result == "clean", f"{result}\n{output}"


@reader_fuzz
@given(st.data())
@pytest.mark.parametrize("key", sorted(READERS))
def test_a_mutated_data_file_is_read_or_refused_with_its_place(
    key: str, data: st.DataObject
) -> None:
    text = (EXAMPLES / key.split(":", 1)[1]).read_bytes()
    result, output = run_reader(key, data.draw(mutated(text)))
    # A mutation may leave a valid file (a doubled row, a changed note): success is allowed
    # here; a traceback, or a failure that doesn't name the file, is not.
    assert result in ("clean", "accepted"), f"{result}\n{output}"
