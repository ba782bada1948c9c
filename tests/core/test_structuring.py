"""`engagekit.structuring`: what it structures equals what the cattrs converter structures, and
whatever it does not structure (an invalid value, a type it leaves to cattrs) is cattrs'."""

from __future__ import annotations

import enum
import subprocess
import sys
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import engagekit
from engagekit import settings as settings_module
from engagekit.structuring import Structurer, Unsupported

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
#: the project files (the others are a workspace and a scope)
PROJECTS = [p for p in EXAMPLES if "[project]" in p.read_text(encoding="utf-8")]


def _cattrs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Structurer, value: object, tp: object) -> object:
        raise Unsupported(tp)

    monkeypatch.setattr(Structurer, "structure", refuse)


@pytest.mark.parametrize("path", PROJECTS, ids=lambda p: p.name)
def test_every_example_structures_as_cattrs_structures_it(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engagekit.create_engine()
    fast = engine.load_project(path)
    _cattrs_only(monkeypatch)
    slow = engine.load_project(path)
    assert repr(fast) == repr(slow)
    assert [c.settings for c in fast.components] == [c.settings for c in slow.components]


def test_the_fast_path_leaves_cattrs_nothing_on_the_examples() -> None:
    fast = settings_module._structurer()
    from engagekit.projectfile import ProjectFile

    for path in PROJECTS:
        table = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        token = settings_module._BASE_DIR.set(path.parent)
        try:
            assert isinstance(fast.structure(dict(table), ProjectFile), ProjectFile)
        finally:
            settings_module._BASE_DIR.reset(token)


@attrs.frozen
class _Inner:
    when: date
    hours: Decimal = Decimal(8)


class _Colour(enum.Enum):
    RED = "red"


@attrs.frozen
class _Outer:
    name: str
    inner: _Inner
    many: tuple[_Inner, ...] = ()
    by_name: dict[str, int] = attrs.Factory(dict)
    either: str | list[str] = "x"
    maybe: int | None = None
    colour: _Colour = _Colour.RED


def test_values_and_errors_are_cattrs_own(tmp_path: Path) -> None:
    table = {
        "name": "n",
        "inner": {"when": "2026-01-02", "hours": "7.5"},
        "many": [{"when": date(2026, 1, 3)}],
        "by_name": {"a": 1},
        "either": ["a", "b"],
        "maybe": None,
    }
    fast = settings_module._structurer().structure(table, _Outer)
    slow = settings_module.make_converter().structure(table, _Outer)
    assert fast == slow
    assert fast.inner.hours == Decimal("7.5") and fast.either == ["a", "b"]
    for bad, message in [
        ({**table, "nam": 1}, "unknown key 'nam' (did you mean 'name'?)"),
        ({**table, "inner": {"when": "soon"}}, "expected a date (YYYY-MM-DD), got a string"),
        ({**table, "many": "x"}, "expected a list, got a string ('x')"),
        ({**table, "maybe": True}, "expected a whole number, got true"),
    ]:
        with pytest.raises(settings_module.SettingsError) as err:
            settings_module.structure(bad, _Outer, tmp_path)
        assert err.value.message.startswith(message)


def test_a_type_it_does_not_mirror_goes_to_cattrs(tmp_path: Path) -> None:
    # an enum: cattrs maps the value to the member
    table = {"name": "n", "inner": {"when": "2026-01-02"}, "colour": "red"}
    with pytest.raises(Unsupported):
        settings_module._structurer().structure(table, _Outer)
    out = settings_module.structure(table, _Outer, tmp_path)
    assert out.colour is _Colour.RED


def test_validate_imports_no_cattrs() -> None:
    code = (
        "import sys\nsys.argv = ['engage', 'validate', 'examples/hybrid.toml']\n"
        "from engagekit.cli import main\n"
        "try:\n    main()\nfinally:\n    print('CATTRS', 'cattrs' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "CATTRS False" in out.stdout


def _reachable(roots: list[type]) -> list[type]:
    """The attrs classes that structuring ``roots`` reaches through their fields' types."""
    import typing

    seen: list[type] = []
    todo: list[object] = list(roots)
    while todo:
        tp = todo.pop()
        if isinstance(tp, type) and attrs.has(tp) and not typing.get_args(tp):
            if tp in seen:
                continue
            seen.append(tp)
            todo.extend(typing.get_type_hints(tp, include_extras=True).values())
        else:
            todo.extend(a for a in typing.get_args(tp) if not isinstance(a, str | int))
    return seen


def test_type_hints_are_typings_own() -> None:
    import typing

    from engagekit.compare.scopefile import ScopeFile
    from engagekit.portfolio import roster
    from engagekit.projectfile import ProjectFile
    from engagekit.structuring import type_hints
    from engagekit.workspace.model import WorkspaceFile

    engine = engagekit.create_engine()
    roots = [ProjectFile, ScopeFile, WorkspaceFile, roster._PersonRow, _Outer]
    roots += [spec.settings for spec in engine.models.values()]
    classes = _reachable(roots)
    assert len(classes) > 40
    for cls in classes:
        assert type_hints(cls) == typing.get_type_hints(cls, include_extras=True), cls
