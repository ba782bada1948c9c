"""``engage init --workspace DIR``: a commented ``engage.toml`` that validates as written."""

from __future__ import annotations

from pathlib import Path

from engagekit.workspace.find import WORKSPACE_FILE

__all__ = ["STARTER", "write_starter"]

STARTER = """\
# An engagekit workspace: the firm, its clients, invoice numbers and where issued invoices are
# kept. Project files live below this folder and name their client by id:
#   [project]
#   client = "example-client"
# Format: docs/ledger.md. Check it with any command, e.g. engage invoices list

# Which project files belong to the workspace (globs, relative to this folder).
projects = ["projects/*.toml"]

# Where issued invoices are kept. Default: SQLite in .engage/engagekit.db here. For a team:
#   database = "postgresql+psycopg://user@host:5432/engagekit"   (pip install 'engagekit[postgres]')
# ENGAGEKIT_DATABASE_URL overrides it; put passwords there or in ~/.pgpass, not in this file.

# The seller, as it appears on every invoice (EN 16931 needs name, postal address and VAT id).
[firm]
name = "Your Firm Ltd"
street = "1 Example Street"
city = "Example City"
postcode = "12345"
country = "DE"                  # ISO 3166-1 alpha-2
vat_id = "DE000000000"
registration = ""               # company register entry, if any
email = "billing@example.com"
iban = ""
bic = ""
payment_terms_days = 30         # due date = issue date + this
books_currency = "EUR"          # the currency your books are kept in

# One table per client; projects name the id (here: example-client).
[clients.example-client]
name = "Example Client GmbH"
street = "2 Client Road"
city = "Client Town"
postcode = "54321"
country = "DE"
vat_id = ""
buyer_reference = ""            # the client's purchase order or reference (BT-10)
# payment_terms_days = 14       # overrides the firm's terms
# series = "invoices"           # a series of its own

# Number series. {year} is the issue date's year, {seq} the number within the series.
# reset = "yearly" starts at 1 each year (the format must hold {year}); "never" counts on.
# issue_within_period = true refuses issue dates outside the billed period.
[invoices]
invoice_series = "invoices"
credit_series = "credit-notes"  # credit notes always have a series of their own

[invoices.series.invoices]
format = "INV-{year}-{seq:05}"
reset = "yearly"

[invoices.series.credit-notes]
format = "CN-{year}-{seq:05}"
reset = "yearly"

# Exchange rates to the books currency, for projects billed in another currency:
# one unit of `currency` is worth `rate` units of the books currency from `since` on.
# A CSV file with the columns currency,rate,since works too: file = "fx.csv".
[fx]
rates = [
  # { currency = "USD", rate = 0.9210, since = 2026-01-01 },
]
"""


def write_starter(folder: Path, *, force: bool = False) -> Path:
    """Write the starter into ``folder`` (created if needed) after checking that it loads."""
    import tempfile

    from engagekit.errors import InputError
    from engagekit.output import write_atomic
    from engagekit.workspace.load import load_workspace

    target = folder / WORKSPACE_FILE
    if target.exists() and not force:
        raise InputError(f"{target} exists; pass --force to overwrite it")
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / WORKSPACE_FILE
        probe.write_text(STARTER, encoding="utf-8")
        load_workspace(probe)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "projects").mkdir(exist_ok=True)
    write_atomic(target, STARTER)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        write_atomic(
            ignore, "# the ledger's SQLite database (back it up; never edit it)\n.engage/\n"
        )
    return target
