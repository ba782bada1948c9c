"""What a format plugin registers, and the error an export raises for a missing business term."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import attrs

from engagekit.errors import InputError

if TYPE_CHECKING:
    from engagekit.ledger.record import IssuedInvoice

__all__ = ["ExporterSpec", "MissingTerms", "Term"]


@attrs.frozen
class ExporterSpec:
    """One export format.

    ``export(record)`` returns the bytes of one file for one issued invoice or credit note.
    ``combine(records)``, when a format can hold many documents in one file (a CSV for an
    accounting import), returns that file; without it, many records become many files.
    ``plugin`` is filled in by the engine.
    """

    name: str
    summary: str
    suffix: str
    export: Callable[[IssuedInvoice], bytes] = attrs.field(eq=False, repr=False)
    combine: Callable[[Sequence[IssuedInvoice]], bytes] | None = attrs.field(
        default=None, eq=False, repr=False
    )
    plugin: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.suffix.startswith("."):
            raise ValueError(f"exporter {self.name!r}: suffix {self.suffix!r} must start with '.'")


@attrs.frozen
class Term:
    """A business term an export needs: EN 16931 ``code`` (BT-31), its ``name``, and ``where``
    the user adds it ("add vat_id to [firm] in engage.toml")."""

    code: str
    name: str
    where: str

    def render(self) -> str:
        return f"{self.code} {self.name}: {self.where}"


class MissingTerms(InputError):
    """An invoice lacks business terms a format requires; nothing was written."""

    def __init__(self, number: str, format: str, terms: Sequence[Term]) -> None:
        self.number = number
        self.format = format
        self.terms = tuple(terms)
        listed = "\n".join(f"  {t.render()}" for t in self.terms)
        super().__init__(
            f"{number} cannot be exported as {format}: "
            f"{'a business term is' if len(self.terms) == 1 else 'business terms are'} "
            f"missing or invalid\n{listed}"
        )

    def render(self) -> str:
        return self.message

    def located(self, **kw: object) -> InputError:
        return self
