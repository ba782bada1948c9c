"""The errors engagekit raises. Everything a user can cause is an ``InputError``.

The CLI prints an ``EngageError`` as one message and exits 1, without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class EngageError(Exception):
    """Base of every error engagekit reports to a user."""


class InputError(EngageError, ValueError):
    """A problem with the user's input, located as precisely as known.

    ``where`` is a file (or any source name), ``line``/``column`` (1-based) or ``row`` (a CSV row
    as a spreadsheet numbers it: the header is row 1, the first data row 2), and ``field`` a
    column or dotted key path.

    ``project``, ``component`` and ``model`` say which component of which project file the
    problem belongs to; the engine fills them in for errors raised inside a model's hooks
    (``in_component``), so a plugin names only what it knows (its data file, row and field).
    """

    project: str | None = None
    component: str | None = None
    model: str | None = None

    def __init__(
        self,
        message: str,
        *,
        where: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        row: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.where = str(where) if where is not None else None
        self.line = line
        self.column = column
        self.row = row
        self.field = field
        self.hint = hint
        super().__init__(self.render())

    def located(self, **kw: object) -> InputError:
        """A copy with the location filled in where it was missing (the inner location wins)."""
        args: dict[str, object] = {
            "where": self.where,
            "line": self.line,
            "column": self.column,
            "row": self.row,
            "field": self.field,
            "hint": self.hint,
        }
        for key, value in kw.items():
            if args.get(key) is None:
                args[key] = value
        return type(self)(self.message, **args)  # type: ignore[arg-type]

    def in_component(
        self, project: str | Path | None, component: str, model: str | None
    ) -> InputError:
        """A copy placed in ``component`` (of ``model``) of the project file ``project``.

        An error placed already by a model that ``component`` handed its work to keeps the
        user's component and says which model it went through: ``(dedicated-team via
        time-material)``.
        """
        new = type(self).__new__(type(self))  # not copy.copy: it would call __init__ again
        new.__dict__.update(self.__dict__)
        if self.component is not None and model and self.model not in (None, model):
            inner = self.model.split(" via ", 1)[-1]
            model = f"{model} via {inner}"
        new.project = str(project) if project is not None else self.project
        new.component = component
        new.model = model
        new.args = (new.render(),)
        return new

    def context(self) -> list[str]:
        """``project.toml, components "Build" (time-material)`` as parts, when known."""
        parts = []
        if self.project and self.project != self.where:
            parts.append(self.project)
        if self.component is not None:
            parts.append(
                f'components "{self.component}"' + (f" ({self.model})" if self.model else "")
            )
        return parts

    def render(self) -> str:
        place = []
        if self.where:
            loc = self.where
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            place.append(loc)
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.field:
            place.append(self.field)
        if self.component is not None:
            # the project file (with its line) first, then the component, then the data file
            ours = bool(place) and self.where is not None and self.where == self.project
            place = (place[:1] + self.context() + place[1:]) if ours else self.context() + place
        text = f"{', '.join(place)}: {self.message}" if place else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputErrors(InputError):
    """Several input errors found in one pass: every bad row, not just the first.

    The message lists all of them; ``render_all(limit)`` lists the first ``limit`` (the CLI's
    ``--max-errors``) and says how many more there are.
    """

    def __init__(self, errors: Sequence[InputError], *, limit: int | None = None) -> None:
        self.errors = list(errors)
        super().__init__(self._text(limit))

    def _text(self, limit: int | None) -> str:
        shown = "\n".join(f"  {e.render()}" for e in self.errors[:limit])
        more = len(self.errors) - limit if limit is not None else 0
        if more > 0:
            shown += f"\n  ... and {more} more (--max-errors sets how many are shown)"
        return f"{len(self.errors)} problems:\n{shown}"

    def render(self) -> str:
        context = ", ".join(self.context())
        return f"{context}: {self.message}" if context else self.message

    def render_all(self, limit: int | None = None) -> str:
        """Every error, or the first ``limit`` of them."""
        return self._text(limit)

    def located(self, **kw: object) -> InputError:
        """Each error is located already; a second location would only blur them."""
        return self


class PluginError(EngageError):
    """A plugin failed to load, broke the contract, or raised inside a hook."""

    def __init__(self, message: str, *, plugin: str | None = None) -> None:
        self.plugin = plugin
        super().__init__(message)


class UnknownModelError(InputError):
    """A component names a model that no installed plugin provides."""
