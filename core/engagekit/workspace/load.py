"""Finding and reading ``engage.toml``: walk up from a path like git does, then validate.

Structuring (types, unknown keys) is the settings converter's job, as for project files; the
checks that span fields (series formats, series names, currencies, rates) follow, each error
located at the line and key path it is about.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs

from engagekit.errors import InputError
from engagekit.money import quantum
from engagekit.settings import KeyPath, SettingsError, format_path, structure
from engagekit.tomlmap import TomlMap
from engagekit.workspace.find import WORKSPACE_FILE, find_workspace
from engagekit.workspace.model import (
    Client,
    FxRate,
    Workspace,
    WorkspaceFile,
)

__all__ = ["find_workspace", "load_workspace", "open_workspace"]

_COUNTRY = re.compile(r"[A-Z]{2}")


def open_workspace(path: str | Path = ".") -> Workspace:
    """Open the workspace at ``path``: its folder, its ``engage.toml``, or any path inside it."""
    path = Path(path)
    if path.name == WORKSPACE_FILE and path.is_file():
        return load_workspace(path)
    root = find_workspace(path)
    if root is None:
        raise InputError(
            f"no {WORKSPACE_FILE} here or in any folder above",
            where=path,
            hint="create one with: engage init --workspace DIR",
        )
    return load_workspace(root / WORKSPACE_FILE)


def load_workspace(file: Path) -> Workspace:
    """Read and check one ``engage.toml``."""
    from engagekit.projectfile import read_toml

    data, text = read_toml(file)
    lines = TomlMap(text)
    root = file.resolve().parent

    def fail(err: InputError, path: KeyPath) -> InputError:
        return InputError(
            err.message,
            where=file,
            line=lines.line_of(path),
            field=format_path(path) or err.field,
            hint=err.hint,
        )

    try:
        table: WorkspaceFile = structure(dict(data), WorkspaceFile, root)
    except SettingsError as err:
        raise fail(err, err.path) from None

    try:
        quantum(table.firm.books_currency)
    except InputError as err:
        raise fail(err, ("firm", "books_currency")) from None
    _check_party(table.firm.country, ("firm", "country"), fail)
    if table.firm.payment_terms_days < 0:
        raise fail(InputError("must not be negative"), ("firm", "payment_terms_days"))

    clients: dict[str, Client] = {}
    for cid, client in table.clients.items():
        _check_party(client.country, ("clients", cid, "country"), fail)
        if client.payment_terms_days is not None and client.payment_terms_days < 0:
            raise fail(InputError("must not be negative"), ("clients", cid, "payment_terms_days"))
        clients[cid] = attrs.evolve(client, id=cid)

    _check_series(table, fail)
    rates = _rates(table, fail)
    from engagekit.portfolio.roster import roster_of_workspace

    people = roster_of_workspace(table.people, root, file, lines)
    return Workspace(
        root=root,
        firm=table.firm,
        clients=clients,
        invoices=table.invoices,
        projects=table.projects,
        database=table.database,
        fx=rates,
        lines=lines,
        people=people,
    )


def _check_party(country: str, path: KeyPath, fail: Any) -> None:
    if country and not _COUNTRY.fullmatch(country):
        raise fail(
            InputError(f"{country!r} is not a country code", hint="use ISO 3166-1 alpha-2: DE, FR"),
            path,
        )


def _check_series(table: WorkspaceFile, fail: Any) -> None:
    inv = table.invoices
    samples: dict[str, str] = {}
    for name, series in inv.series.items():
        try:
            series.check()
        except InputError as err:
            raise fail(err, ("invoices", "series", name, "format")) from None
        sample = series.number(2026, 1)
        if sample in samples:
            raise fail(
                InputError(
                    f"series {name!r} and {samples[sample]!r} would give the same numbers "
                    f"({sample})",
                    hint="give each series its own prefix",
                ),
                ("invoices", "series", name, "format"),
            )
        samples[sample] = name
    known = ", ".join(sorted(inv.series)) or "none"
    for key in ("invoice_series", "credit_series"):
        name = getattr(inv, key)
        if name not in inv.series:
            raise fail(
                InputError(f"no series named {name!r}", hint=f"series: {known}"), ("invoices", key)
            )
    if inv.invoice_series == inv.credit_series:
        raise fail(
            InputError(
                "credit notes need a series of their own",
                hint="add an [invoices.series.credit-notes] table and name it here",
            ),
            ("invoices", "credit_series"),
        )
    for cid, client in table.clients.items():
        if client.series is not None and client.series not in inv.series:
            raise fail(
                InputError(f"no series named {client.series!r}", hint=f"series: {known}"),
                ("clients", cid, "series"),
            )


def _rates(table: WorkspaceFile, fail: Any) -> tuple[FxRate, ...]:
    rates = list(table.fx.rates)
    for i, rate in enumerate(rates):
        _check_rate(rate, lambda err, field, i=i: fail(err, ("fx", "rates", i, field)))
    if table.fx.file is not None:
        from engagekit.csvio import read_rows

        for row in read_rows(
            table.fx.file.path,
            required=("currency", "rate"),
            optional=("since",),
            what="rates file",
        ):
            value = row.decimal("rate")
            assert value is not None  # required
            rate = FxRate(row.text("currency") or "", value, row.date("since", required=False))
            _check_rate(rate, lambda err, field, row=row: row.error(err.message, field, err.hint))
            rates.append(rate)
    seen: set[tuple[str, Any]] = set()
    for rate in rates:
        key = (rate.currency, rate.since)
        if key in seen:
            raise fail(
                InputError(f"two rates for {rate.currency} from {rate.since or 'the start'}"),
                ("fx",),
            )
        seen.add(key)
    return tuple(rates)


def _check_rate(rate: FxRate, fail: Any) -> None:
    try:
        quantum(rate.currency)
    except InputError as err:
        raise fail(err, "currency") from None
    if rate.rate <= 0:
        raise fail(InputError(f"must be positive (got {rate.rate})"), "rate")
