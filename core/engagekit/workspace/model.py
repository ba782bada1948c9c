"""What ``engage.toml`` describes, as typed values: the firm, its clients, number series, rates.

Each class is also the shape of its TOML table: the loader structures the file into them with
the same converter as project files (unknown keys refused with a "did you mean", every error
naming its line and key path). A new table is one more field of ``WorkspaceFile`` here.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs

from engagekit.errors import InputError
from engagekit.ledger.record import Buyer, Seller
from engagekit.settings import DataFile
from engagekit.workspace.find import WORKSPACE_FILE

__all__ = [
    "Client",
    "Firm",
    "FxRate",
    "FxTable",
    "InvoicesTable",
    "Series",
    "Workspace",
    "WorkspaceFile",
]

DEFAULT_DATABASE = ".engage/engagekit.db"
_P = TypeVar("_P", Seller, Buyer)


@attrs.frozen
class Firm(Seller):
    """``[firm]``: the seller, as it appears on every invoice (the fields of ``Seller``), and
    its terms and books."""

    payment_terms_days: int = 30
    books_currency: str = "EUR"

    def seller(self) -> Seller:
        """The firm's legal data alone, as an invoice keeps it."""
        return _part(Seller, self)


@attrs.frozen
class Client(Buyer):
    """``[clients.<id>]``: a buyer (the fields of ``Buyer``). ``id`` is the table's key, filled
    in by the loader."""

    id: str = ""
    #: overrides the firm's payment terms for this client
    payment_terms_days: int | None = None
    #: the number series of this client's invoices, instead of ``[invoices] invoice_series``
    series: str | None = None

    def buyer(self) -> Buyer:
        """The client's legal data alone, as an invoice keeps it."""
        return _part(Buyer, self)


def _part(cls: type[_P], whole: _P) -> _P:
    """The fields of ``cls`` taken from ``whole`` (an instance of a subclass), as a ``cls``."""
    return cls(**{f.name: getattr(whole, f.name) for f in attrs.fields(cls)})


#: The legal data an invoice cannot do without (EN 16931: seller and buyer name and postal
#: address with country, the seller's VAT identifier).
FIRM_REQUIRED = ("name", "street", "city", "postcode", "country", "vat_id")
CLIENT_REQUIRED = ("name", "street", "city", "postcode", "country")


@attrs.frozen
class Series:
    """``[invoices.series.<name>]``: a number series.

    ``format`` takes ``{year}`` (the issue date's year) and ``{seq}`` (the number within the
    series, with a format spec such as ``{seq:05}``). ``reset = "yearly"`` starts each year at
    1 again (the format must then hold ``{year}``); ``"never"`` counts on forever.
    ``issue_within_period``: refuse an issue date outside the billed period.
    """

    format: str
    reset: Literal["yearly", "never"] = "yearly"
    issue_within_period: bool = False

    def number(self, year: int, seq: int) -> str:
        return self.format.format(year=year, seq=seq)

    def counter_year(self, issue_date: date) -> int:
        """The key of the counter an invoice dated ``issue_date`` draws from (0: never reset)."""
        return issue_date.year if self.reset == "yearly" else 0

    def check(self) -> None:
        """Refuse formats that cannot number invoices uniquely; raises with ``field`` set."""
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(self.format) if f is not None]
        except ValueError as exc:
            raise InputError(f"invalid format {self.format!r}: {exc}", field="format") from None
        unknown = [f for f in fields if f not in ("year", "seq")]
        if unknown:
            raise InputError(
                f"format {self.format!r} uses {{{unknown[0]}}}",
                field="format",
                hint="only {year} and {seq} are known, e.g. INV-{year}-{seq:05}",
            )
        if "seq" not in fields:
            raise InputError(
                f"format {self.format!r} has no {{seq}}: every number would be the same",
                field="format",
                hint='add the sequence number, e.g. format = "INV-{year}-{seq:05}"',
            )
        if self.reset == "yearly" and "year" not in fields:
            raise InputError(
                f"format {self.format!r} resets yearly but has no {{year}}: numbers would repeat",
                field="format",
                hint='add {year}, or set reset = "never"',
            )
        try:
            self.number(2026, 1)
        except (ValueError, TypeError) as exc:
            raise InputError(f"invalid format {self.format!r}: {exc}", field="format") from None


def _default_series() -> dict[str, Series]:
    return {
        "invoices": Series("INV-{year}-{seq:05}"),
        "credit-notes": Series("CN-{year}-{seq:05}"),
    }


@attrs.frozen
class InvoicesTable:
    """``[invoices]``: the series and which of them invoices and credit notes use."""

    series: dict[str, Series] = attrs.Factory(_default_series)
    invoice_series: str = "invoices"
    credit_series: str = "credit-notes"


@attrs.frozen
class FxRate:
    """One unit of ``currency`` is worth ``rate`` units of the books currency, from ``since``."""

    currency: str
    rate: Decimal
    since: date | None = None


@attrs.frozen
class FxTable:
    """``[fx]``: exchange rates to the books currency, inline and/or from a CSV file
    (columns ``currency,rate,since``)."""

    rates: tuple[FxRate, ...] = ()
    file: DataFile | None = None


@attrs.frozen
class WorkspaceFile:
    """The whole of ``engage.toml``. A new table is a new field here (and its class above)."""

    firm: Firm
    clients: dict[str, Client] = attrs.Factory(dict)
    invoices: InvoicesTable = attrs.Factory(InvoicesTable)
    projects: tuple[str, ...] = ("*.toml",)
    database: str | None = None
    fx: FxTable = attrs.Factory(FxTable)
    #: ``[[people]]`` rows or ``"people.csv"``: read by ``engagekit.portfolio.roster``
    people: Any = None


@attrs.frozen
class Workspace:
    """An opened workspace: ``root`` is the folder holding ``engage.toml``."""

    root: Path
    firm: Firm
    clients: Mapping[str, Client]
    invoices: InvoicesTable
    projects: tuple[str, ...]
    database: str | None
    fx: tuple[FxRate, ...]
    #: where each key was defined (for errors found later, at issue time)
    lines: Any = attrs.field(default=None, eq=False, repr=False)
    #: the firm's people (an ``engagekit.portfolio.roster.Roster``; empty when none are listed)
    people: Any = attrs.field(default=None, eq=False, repr=False)

    @property
    def file(self) -> Path:
        return self.root / WORKSPACE_FILE

    def line_of(self, *path: str | int) -> int | None:
        return self.lines.line_of(tuple(path)) if self.lines is not None else None

    def database_url(self) -> str:
        """``ENGAGEKIT_DATABASE_URL``, else ``database``, else SQLite inside the workspace.

        A ``database`` without ``://`` is a SQLite file, relative to the workspace folder.
        """
        import os

        url = os.environ.get("ENGAGEKIT_DATABASE_URL") or self.database or DEFAULT_DATABASE
        if "://" in url:
            return url
        return f"sqlite:///{(self.root / url).resolve()}"

    def project_files(self) -> list[Path]:
        """Every project file the ``projects`` globs match, sorted, without ``engage.toml``."""
        found: dict[Path, None] = {}
        for pattern in self.projects:
            for path in sorted(self.root.glob(pattern)):
                if path.is_file() and path.name != WORKSPACE_FILE:
                    found[path.resolve()] = None
        return list(found)

    def relative(self, path: Path) -> str:
        """``path`` relative to the workspace (with ``/``), as records name files."""
        import os

        return Path(os.path.relpath(Path(path).resolve(), self.root.resolve())).as_posix()

    def client(self, client_id: str, *, where: Path | str | None = None) -> Client:
        """The client a project names by id; a clear error when the workspace lacks it."""
        if not client_id:
            raise InputError(
                "the project names no client",
                where=where,
                field="project.client",
                hint=f"set client to one of the ids in {self.file}: {self._ids()}",
            )
        found = self.clients.get(client_id)
        if found is None:
            import difflib

            close = difflib.get_close_matches(client_id, list(self.clients), n=1)
            raise InputError(
                f"client {client_id!r} is not in the workspace"
                + (f" (did you mean {close[0]!r}?)" if close else ""),
                where=where,
                field="project.client",
                hint=f"clients in {self.file}: {self._ids()}; or add a [clients.{client_id}] table",
            )
        return found

    def _ids(self) -> str:
        return ", ".join(sorted(self.clients)) or "none yet"

    def payment_terms(self, client: Client) -> int:
        """Days from issue to due date: the client's terms, else the firm's."""
        terms = client.payment_terms_days
        return self.firm.payment_terms_days if terms is None else terms

    def series_for(self, kind: Literal["invoice", "credit_note"], client: Client) -> str:
        if kind == "credit_note":
            return self.invoices.credit_series
        return client.series or self.invoices.invoice_series

    def require_legal_data(self, client: Client) -> None:
        """Refuse to issue without the legal data an invoice needs, naming where to add it."""
        for party, table, required in (
            (self.firm, ("firm",), FIRM_REQUIRED),
            (client, ("clients", client.id), CLIENT_REQUIRED),
        ):
            for name in required:
                if not str(getattr(party, name)).strip():
                    header = ".".join(str(p) for p in table)
                    raise InputError(
                        f"{name} is missing, and an invoice needs it",
                        where=self.file,
                        line=self.line_of(*table),
                        field=f"{header}.{name}",
                        hint=f'add {name} = "..." to the [{header}] table',
                    )
