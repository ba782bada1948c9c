"""Rate cards by role × seniority × location; the roster says who is what."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from engagekit.ratecard import Rate, RateCard

ON = date(2026, 3, 2)
CARD = RateCard(
    "EUR",
    (
        Rate("developer", Decimal(95)),
        Rate("developer", Decimal(45), location="offshore"),
        Rate("developer", Decimal(70), seniority="senior", location="nearshore"),
        Rate("developer", Decimal(80), seniority="senior"),
        Rate("developer", Decimal(150), person="Star"),
    ),
    people={"ana": ("mid", "offshore"), "ben": ("senior", "nearshore"), "cy": ("senior", None)},
)


def test_the_most_specific_rate_wins() -> None:
    assert CARD.find("developer", ON).bill == 95  # no dimensions known: the plain role rate
    assert CARD.find("developer", ON, "ana").bill == 45
    assert CARD.find("developer", ON, "ben").bill == 70  # two dimensions beat one
    assert CARD.find("developer", ON, "cy").bill == 80
    assert CARD.find("developer", ON, "Star").bill == 150  # a person's own rate first
    assert CARD.find("developer", ON, location="offshore").bill == 45
    assert CARD.find("developer", ON, "nobody").bill == 95


def test_existing_rate_cards_keep_working() -> None:
    plain = RateCard(
        "EUR", (Rate("lead", Decimal(120)), Rate("lead", Decimal(130), valid_from=date(2026, 3, 1)))
    )
    assert plain.find("lead", ON).bill == 130
    assert plain.find("lead", date(2026, 2, 1)).bill == 120
    assert plain.bill_rate("lead", ON).amount == 130


@given(
    seniority=st.sampled_from([None, "junior", "senior"]),
    location=st.sampled_from([None, "onshore", "offshore"]),
)
def test_a_dimensioned_rate_applies_only_where_its_dimensions_match(seniority, location) -> None:
    found = CARD.find("developer", ON, seniority=seniority, location=location)
    assert found is not None
    assert found.seniority in (None, seniority)
    assert found.location in (None, location)


def test_the_roster_sets_a_persons_rate_in_the_bill(cli, workspace) -> None:
    root = workspace({"a": ("ada", "1")})
    project = root / "projects" / "a.toml"
    text = project.read_text().replace(
        'rates = [{ role = "developer", bill = 100, cost = 60 }]',
        'rates = [{ role = "developer", bill = 100, cost = 60 },\n'
        '  { role = "developer", location = "onshore", seniority = "senior", bill = 130, cost = 70 }]',
    )
    (root / "projects" / "a.toml").write_text(text)
    (root / "projects" / "hours.csv").write_text(
        "date,person,role,hours,billable\n2026-03-02,Ada Byron,developer,8,true\n"
        "2026-03-03,Bob Stone,developer,8,true\n"
    )
    project.write_text(
        text.replace(
            "[components.settings]\n",
            '[components.settings]\ntime_entries = "hours.csv"\nformat = "generic"\n',
            1,
        )
    )
    single = cli("bill", str(project), "--period", "2026-03", "--json")
    assert single.exit_code == 0, single.output
    lines = json.loads(single.stdout)["invoices"][0]["lines"]
    prices = {
        line["details"].get("person"): line["unit_price"]
        for line in lines
        if line["kind"] == "time"
    }
    assert prices == {"Ada Byron": "130.00", "Bob Stone": "100.00"}  # Bob: no dimensions
    portfolio = cli("bill", "--all", "--period", "2026-03", "--workspace", str(root), "--json")
    assert portfolio.exit_code == 0, portfolio.output
    assert (
        json.loads(portfolio.stdout)["projects"][0]["invoices"]
        == json.loads(single.stdout)["invoices"]
    )
