"""Bad project files: each error names the file, the line and the key, and says what is accepted."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import engagekit
from engagekit.validate import non_negative

GOOD = """\
[project]
name = "Demo"
currency = "EUR"

[calendar]
timezone = "Europe/Berlin"
country = "DE"
hours = { mon = "09:00-17:00", tue = "09:00-17:00" }

[rate_card]
overtime = 1.5
[[rate_card.rates]]
role = "dev"
bill = 95.10
cost = 50

[[adjustments]]
name = "VAT"
stage = "tax"
percent = 19

[[components]]
name = "Build"
model = "toy"
start = 2026-01-01
end = 2026-03-31

[components.settings]
hours = 120.5
data = "hours.csv"
"""


@attrs.frozen
class ToySettings:
    hours: Decimal = attrs.field(validator=non_negative)
    data: engagekit.DataFile | None = None


class Toy:
    @engagekit.hookimpl
    def register_models(self, register):
        register(engagekit.ModelSpec("toy", "A toy model", ToySettings))


@pytest.fixture
def engine():
    return engagekit.create_engine(plugins=[Toy()], entry_points=False)


@pytest.fixture
def write(tmp_path: Path):
    (tmp_path / "hours.csv").write_text("date,hours\n")

    def write(text: str) -> Path:
        path = tmp_path / "project.toml"
        path.write_text(textwrap.dedent(text))
        return path

    return write


def load_error(engine, path) -> engagekit.InputError:
    with pytest.raises(engagekit.InputError) as info:
        engine.load_project(path)
    return info.value


def test_good_file_loads_with_exact_decimals(engine, write):
    project = engine.load_project(write(GOOD))
    assert project.rate_card.rates[0].bill == Decimal("95.10")
    assert project.rate_card.overtime == Decimal("1.5")
    assert project.components[0].settings.hours == Decimal("120.5")
    assert project.components[0].settings.data.path.name == "hours.csv"
    assert project.calendar.timezone == "Europe/Berlin"
    assert project.adjustments[0].percent == 19


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ('name = "Demo"', 'name = "Demo', ":2:13", "invalid TOML"),
        (
            'currency = "EUR"',
            'currency = "EUR"\ncurency = "USD"',
            ":4, project.curency",
            "unknown key 'curency' (did you mean 'currency'?)",
        ),
        (
            "[calendar]",
            "[calender]",
            ":5, calender",
            "unknown key 'calender' (did you mean 'calendar'?)",
        ),
        (
            "hours = 120.5",
            'hours = "lots"',
            ':29, components "Build" (toy), settings.hours',
            "expected a number",
        ),
        (
            "hours = 120.5",
            "hourz = 120.5",
            ':29, components "Build" (toy), settings.hourz',
            "unknown key 'hourz' (did you mean 'hours'?)",
        ),
        (
            "hours = 120.5",
            "hours = -3",
            ':29, components "Build" (toy), settings.hours',
            "must not be negative",
        ),
        ("cost = 50", "cost = -50", ":15, rate_card.rates[0].cost", "must not be negative"),
        (
            'currency = "EUR"',
            'currency = "EUX"',
            ":3, project.currency",
            "unknown currency code 'EUX'",
        ),
        (
            "end = 2026-03-31",
            "end = 2025-03-31",
            ':26, components "Build" (toy), end',
            "ends (2025-03-31) before it starts",
        ),
        (
            'model = "toy"',
            'model = "tyo"',
            ':24, components "Build", model',
            "unknown model 'tyo' (did you mean 'toy'?)",
        ),
        (
            'data = "hours.csv"',
            'data = "nope.csv"',
            ':30, components "Build" (toy), settings.data',
            "data file 'nope.csv' does not exist",
        ),
        (
            'hours = { mon = "09:00-17:00", tue = "09:00-17:00" }',
            "hours = {}",
            ":8, calendar.hours",
            "no working hours",
        ),
        (
            "start = 2026-01-01",
            'start = "soon"',
            ':25, components "Build" (toy), start',
            "expected a date",
        ),
        ('stage = "tax"', 'stage = "taxes"', ":19, adjustments[0].stage", "unknown stage 'taxes'"),
        (
            'timezone = "Europe/Berlin"',
            'timezone = "Europe/Berlinn"',
            ":6, calendar",
            "unknown time zone",
        ),
    ],
)
def test_bad_input_is_located(engine, write, old, new, where, message):
    assert old in GOOD
    err = load_error(engine, write(GOOD.replace(old, new, 1)))
    text = str(err)
    assert "project.toml" in text
    assert where in text, text
    assert message in text, text


def test_unknown_model_lists_installed_models_and_how_to_get_more(engine, write):
    err = load_error(engine, write(GOOD.replace('model = "toy"', 'model = "retainer"')))
    assert "installed models: toy" in str(err)
    assert "pip install engagekit-" in str(err)


def test_missing_required_key(engine, write):
    err = load_error(engine, write(GOOD.replace("hours = 120.5\n", "")))
    assert "missing required key 'hours'" in str(err)


def test_missing_file(engine, tmp_path):
    err = load_error(engine, tmp_path / "nope.toml")
    assert "no such file" in str(err)


def test_rate_card_with_inverted_dates(engine, write):
    text = GOOD.replace("cost = 50", "cost = 50\nvalid_from = 2026-05-01\nvalid_until = 2026-01-01")
    err = load_error(engine, write(text))
    assert "rate_card" in str(err) and "before it starts" in str(err)


@attrs.frozen
class Inner:
    max: Decimal = attrs.field(default=Decimal(1), validator=non_negative)


@attrs.frozen
class Middle:
    volume: Inner = attrs.Factory(Inner)


@attrs.frozen
class Outer:
    volume: Middle = attrs.Factory(Middle)
    tiers: tuple[Middle, ...] = ()


@attrs.frozen
class Twice:
    volume: Decimal = attrs.field(default=Decimal(1), validator=non_negative)


@attrs.frozen
class Outer2:
    volume: Twice = attrs.Factory(Twice)


def test_settings_key_paths_follow_the_toml_however_deep_and_however_named(tmp_path):
    from engagekit.settings import SettingsError, structure

    cases = [
        ({"volume": {"volume": {"max": Decimal(-1)}}}, "settings.volume.volume.max"),
        ({"tiers": [{}, {"volume": {"max": Decimal(-2)}}]}, "settings.tiers[1].volume.max"),
        ({"volume": {"volume": {"mx": 1}}}, "settings.volume.volume.mx"),
    ]
    for table, field in cases:
        with pytest.raises(SettingsError) as info:
            structure(table, Outer, tmp_path, ("settings",))
        assert info.value.field == field
    with pytest.raises(SettingsError) as info:
        structure({"volume": {"volume": Decimal(-1)}}, Outer2, tmp_path, ("settings",))
    assert info.value.field == "settings.volume.volume"
