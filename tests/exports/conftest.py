from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import engagekit
from engagekit.period import Period
from engagekit.workspace import Client

from . import records


@attrs.frozen
class FlatSettings:
    quantity: Decimal
    price: Decimal
    unit: str = "h"


class FlatModel:
    """Bills ``quantity`` x ``price`` once, in the period its component ends."""

    @engagekit.hookimpl
    def register_models(self, register: Any) -> None:
        register(engagekit.ModelSpec("flat", "quantity at a price", FlatSettings))

    @engagekit.hookimpl
    def bill(self, project: Any, component: Any, period: Any) -> Any:
        s = component.settings
        if component.end not in period:
            return engagekit.ComponentBill(component.name, "flat")
        price = project.money(s.price)
        line = engagekit.InvoiceLine(
            component.name,
            f"{component.name} work",
            s.quantity,
            s.unit,
            price,
            (price * s.quantity).rounded(),
        )
        return engagekit.ComponentBill(component.name, "flat", (line,))


CLIENTS = {
    "kuwait": Client(
        name="Gulf Freight K.S.C.",
        id="kuwait",
        street="Al Soor Street 5",
        city="Kuwait City",
        postcode="13001",
        country="KW",
        registration="CR 123456",
        email="ap@gulf-freight.example",
    ),
    "tokyo": Client(
        name="Sakura Systems KK",
        id="tokyo",
        street="1-2-3 Marunouchi",
        city="Tokyo",
        postcode="100-0005",
        country="JP",
        registration="0100-01-123456",
        email="keiri@sakura.example",
    ),
    "paris": Client(
        name="Contoso Retail S.A.",
        id="paris",
        street="12 rue de la Paix",
        city="Paris",
        postcode="75002",
        country="FR",
        vat_id="FR40303265045",
        email="fournisseurs@contoso-retail.example",
    ),
    "berlin": Client(
        name="Spree Analytics GmbH",
        id="berlin",
        street="Am Kupfergraben 6",
        city="Berlin",
        postcode="10117",
        country="DE",
        vat_id="DE815678901",
        email="buchhaltung@spree.example",
    ),
}


@pytest.fixture(scope="session")
def engine() -> engagekit.Engine:
    return engagekit.create_engine(plugins=[FlatModel()])


@pytest.fixture(scope="session")
def year(engine: engagekit.Engine) -> list[Any]:
    return records.year_of_records(engine)


@pytest.fixture
def issue(engine: engagekit.Engine) -> Any:
    """Bill a project given as a dict in March 2026 and keep it as an issued record."""
    ws = attrs.evolve(records.workspace(), clients={**records.workspace().clients, **CLIENTS})

    def make(project: dict[str, Any], number: str = "INV-2026-00901") -> Any:
        p = engine.project_from_dict(project, base_dir=records.EXAMPLES)
        invoice = engine.bill(p, Period.parse("2026-03")).invoices[0]
        models = {c.name: c.model for c in p.components}
        return records.record(
            ws,
            records.EXAMPLES / "case.toml",
            invoice,
            p.name,
            p.client,
            number,
            date(2026, 3, 31),
            models,
        )

    return make


def flat(
    name: str, quantity: str, price: str, vat: dict[str, Any] | None = None, unit: str = "h"
) -> dict[str, Any]:
    c: dict[str, Any] = {
        "name": name,
        "model": "flat",
        "start": date(2026, 3, 1),
        "end": date(2026, 3, 31),
        "settings": {"quantity": Decimal(quantity), "price": Decimal(price), "unit": unit},
    }
    if vat is not None:
        c["vat"] = vat
    return c


def project(
    client: str, currency: str, components: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {
        "project": {"name": f"Case {client}", "client": client, "currency": currency},
        "components": components,
        **extra,
    }


HERE = Path(__file__).parent
