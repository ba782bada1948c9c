"""The bad-input corpus: hand-written cases from ``cases.toml`` plus cases generated from the
examples (every key of every example project given a value of the wrong kind; every typed
column of every data file given a value that is not of its type).

A case is an example project copied into a fresh folder, with edits to the project file or
its data, and one ``engage`` command run in-process. It passes when the exit code is the one
expected, nothing raised (no traceback), and the message names the place: every string in
``says`` (file and line, or file, row and column) appears in the output.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from engagekit.tomlmap import TomlMap

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[1] / "examples"
CASES = HERE / "cases.toml"


@attrs.frozen
class Edit:
    """Change ``file`` (the project file when empty): its text to ``whole``, line ``line`` or
    the first ``old`` to ``new``, then append ``append``; or its bytes to ``hex``."""

    file: str = ""
    line: int | None = None  # replace this line (1-based) by ``new``
    old: str | None = None
    new: str = ""
    append: str = ""
    whole: str | None = None
    hex: str | None = None
    #: ``{open}`` and ``{close}`` in ``whole``/``new``/``append`` become ``opener``/``closer``
    #: repeated this often: deep nesting without 10,000-character lines in cases.toml.
    repeat: int = 0
    opener: str = ""
    closer: str = ""

    def expand(self, text: str) -> str:
        if not self.repeat:
            return text
        return text.replace("{open}", self.opener * self.repeat).replace(
            "{close}", self.closer * self.repeat
        )


@attrs.frozen
class Case:
    id: str
    project: str
    args: tuple[str, ...]
    exit: int = 1
    says: tuple[str, ...] = ()
    edits: tuple[Edit, ...] = ()
    kind: str = "hand"
    #: Why this case still fails (another issue's work), for an xfail; empty when it passes.
    known: str = ""

    def prepare(self, folder: Path) -> Path:
        """The example project and its data in ``folder``, edited; returns the project file."""
        source = EXAMPLES / self.project if self.project else None
        target = folder / (self.project or "project.toml")
        if source is not None:
            shutil.copyfile(source, target)
            data = folder / "data"
            data.mkdir(exist_ok=True)
            for path in re.findall(r'"(data/[^"]+)"', source.read_text()):
                dest = folder / path
                dest.parent.mkdir(parents=True, exist_ok=True)
                if not dest.exists():  # linked, not copied: most cases leave the data alone
                    dest.symlink_to(EXAMPLES / path)
        for edit in self.edits:
            path = folder / edit.file if edit.file else target
            if edit.hex is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.unlink(missing_ok=True)
                path.write_bytes(bytes.fromhex(edit.hex))
                continue
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            if path.is_symlink():  # write a copy, never the example it links to
                path.unlink()
            if edit.whole is not None:
                text = edit.expand(edit.whole)
            if edit.line is not None:
                lines = text.splitlines(keepends=True)
                lines[edit.line - 1] = edit.new + "\n"
                text = "".join(lines)
            if edit.old is not None:
                assert edit.old in text, f"{self.id}: {edit.old!r} not in {path.name}"
                text = text.replace(edit.old, edit.new, 1)
            text += edit.expand(edit.append)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return target

    def argv(self, project: Path) -> list[str]:
        """The arguments: ``{project}`` is the project file, ``{folder}`` the case's folder
        (a workspace's ``engage.toml`` written by an edit is ``{folder}/engage.toml``)."""
        return [
            str(project) if a == "{project}" else a.replace("{folder}", str(project.parent))
            for a in self.args
        ]


def _table() -> dict[str, Any]:
    return tomllib.loads(CASES.read_text(encoding="utf-8"))


def hand_cases(table: dict[str, Any]) -> Iterator[Case]:
    for raw in table["case"]:
        edits = tuple(Edit(**e) for e in raw.pop("edit", []))
        args = raw.pop("args")
        yield Case(
            edits=edits,
            args=tuple(shlex.split(args) if isinstance(args, str) else args),
            says=tuple(raw.pop("says", ())),
            **raw,
        )


# Values of the wrong kind for any key: a table where a scalar or list is expected.
WRONG = "{ bogus = 1 }"


def key_cases(table: dict[str, Any]) -> Iterator[Case]:
    """Every ``key = value`` line of every example project, its value replaced by a table."""
    known = table.get("known_keys", {})
    for project in table["projects"]:
        text = (EXAMPLES / project).read_text(encoding="utf-8")
        lines = text.splitlines()
        mapping = TomlMap(text)
        seen: set[tuple[str | int, ...]] = set()
        for path, number in sorted(mapping.lines.items(), key=lambda item: item[1]):
            # One element of each list of tables stands for the others (same types, same code).
            # (Components stay apart: each may be of another model.)
            shape = tuple(
                p for i, p in enumerate(path) if isinstance(p, str) or path[i - 1] == "components"
            )
            if shape in seen:
                continue
            seen.add(shape)
            line = lines[number - 1]
            m = re.match(r"^(\s*)([A-Za-z0-9_-]+)\s*=\s*(.*)$", line)
            if not m or not path or path[-1] != m[2]:
                continue
            value = m[3].split("#", 1)[0].strip()
            if value.startswith(("[", "{", '"""', "'''")) and not _closed(value):
                continue  # a value over several lines: replacing one would break the syntax
            dotted = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path)
            dotted = dotted.replace(".[", "[")
            yield Case(
                id=f"key:{project}:{dotted}",
                project=project,
                args=("validate", "{project}"),
                exit=1,
                says=(f"{project}:{number}", m[2]),
                edits=(Edit(line=number, new=f"{m[1]}{m[2]} = {WRONG}"),),
                kind="project key",
                known=known.get(f"{project}:{dotted}", ""),
            )


def _closed(value: str) -> bool:
    return value.count("[") == value.count("]") and value.count("{") == value.count("}")


# A value no column of that kind may take, by the kind the example's first data row shows.
_KINDS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"), "2026-02-30 25:61"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "2026-02-30"),
    (re.compile(r"^-?\d+(\.\d+)?$"), "12..5"),
    (re.compile(r"^(yes|no|true|false)$", re.I), "perhaps"),
)


def column_cases(table: dict[str, Any]) -> Iterator[Case]:
    """Every typed column of every data file: the first data row's cell made wrong."""
    import csv

    ignored = table.get("ignored_columns", {})
    known = table.get("known_columns", {})
    for key, command in table["readers"].items():
        project, data = key.split(":", 1)
        text = (EXAMPLES / data).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(text.splitlines(keepends=True)))
        header, first = rows[0], rows[1]
        for i, (column, cell) in enumerate(zip(header, first, strict=False)):
            bad = next((b for pattern, b in _KINDS if pattern.match(cell.strip())), None)
            name = f"{data}:{column}"
            if bad is None or name in ignored:
                continue
            edited = [*first]
            edited[i] = bad
            lines = text.splitlines(keepends=True)
            lines[1] = _csv_line(edited)
            yield Case(
                id=f"column:{project}:{name}",
                project=project,
                args=(*shlex.split(command.split(" ", 1)[0]), "{project}", *_rest(command)),
                exit=1,
                says=(Path(data).name, "row 2", column),
                edits=(Edit(file=data, whole="".join(lines)),),
                kind="data column",
                known=known.get(name, ""),
            )


def _rest(command: str) -> list[str]:
    return shlex.split(command)[1:]


def _csv_line(values: list[str]) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def structure_cases(table: dict[str, Any]) -> Iterator[Case]:
    """Every data file: empty, a header of nonsense, an unclosed quote, a ragged row."""
    known = table.get("known_structure", {})
    for key, command in table["readers"].items():
        project, data = key.split(":", 1)
        name = Path(data).name
        lines = (EXAMPLES / data).read_text(encoding="utf-8-sig").splitlines(keepends=True)
        ragged = lines[1].rstrip("\r\n") + ",extra,fields\n"
        variants = (
            ("empty", "", (name,)),
            ("nonsense header", "zz,yy\n1,2\n", (name, "row 1")),
            ("unclosed quote", lines[0] + '"' + "".join(lines[1:]), (name, "row 2")),
            ("ragged row", lines[0] + ragged + "".join(lines[2:]), (name, "row 2")),
        )
        for what, whole, says in variants:
            yield Case(
                id=f"structure:{project}:{data}:{what}",
                project=project,
                args=(shlex.split(command)[0], "{project}", *_rest(command)),
                exit=1,
                says=says,
                edits=(Edit(file=data, whole=whole),),
                kind="data structure",
                known=known.get(f"{data}:{what}", ""),
            )


def cases() -> list[Case]:
    table = _table()
    out = [
        *hand_cases(table),
        *key_cases(table),
        *column_cases(table),
        *structure_cases(table),
    ]
    ids = [c.id for c in out]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, duplicates
    return out
