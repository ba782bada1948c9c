"""Real-looking exports of Harvest, Toggl Track and Clockify, with what real exports carry:
a byte order mark, semicolons and decimal commas, a Windows code page, CR or CRLF line ends,
blank lines, duplicates (Harvest has no entry id) and overlaps (a manual entry beside a running
timer). Each is billed with its warnings and a total worked out by hand below.

Rates (conftest): developer 95 until 2026-03-03, 100 from 2026-03-04; lead 120. 2026-03-02,
-03 and -05 are working days without holidays in Germany, so no multiplier applies.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli_w

import engagekit

from .conftest import amounts, bill, project_data

# Harvest, exported by a German account: BOM, semicolons, decimal commas, CRLF, blank lines.
HARVEST = (
    "\ufeffDate;Client;Project;Task;Notes;Hours;Billable?;Approved?;First Name;Last Name;Roles;"
    "Billable Rate;Billable Amount;Currency\r\n"
    "2026-03-02;Northwind;Portal;Development;Checkout form;6,5;Yes;Yes;Ana;Lima;developer;"
    "95,00;617,50;Euro - EUR\r\n"  # row 2
    "2026-03-02;Northwind;Portal;Project Management;Sprint planning;1,5;Yes;Yes;Ben;Okafor;lead;"
    "120,00;180,00;Euro - EUR\r\n"  # row 3
    "\r\n"  # row 4: blank
    "2026-03-03;Northwind;Portal;Development;Code review;1,25;Yes;Yes;Ana;Lima;developer;"
    "95,00;118,75;Euro - EUR\r\n"  # row 5
    "2026-03-03;Northwind;Portal;Development;Code review;1,25;Yes;Yes;Ana;Lima;developer;"
    "95,00;118,75;Euro - EUR\r\n"  # row 6: equal to row 5 (two genuine reviews, or one twice)
    "2026-03-03;Northwind;Portal;Development;Code review;1,25;No;Yes;Ana;Lima;developer;"
    "0,00;0,00;Euro - EUR\r\n"  # row 7: not billable, so not a duplicate (and not billed)
    "2026-03-03;Northwind;Portal;Testing;Code review;1,25;Yes;Yes;Ana;Lima;developer;"
    "95,00;118,75;Euro - EUR\r\n"  # row 8: another task, not a duplicate
    '2026-03-05;Northwind;Portal;Development;"Release 1.2; notes";2,75;Yes;Yes;Ana;Lima;'
    "developer;100,00;275,00;Euro - EUR\r\n"  # row 9
    "\r\n\r\n"  # trailing blank lines
)
# Ana @95: 6.5 + 1.25 * 3 = 10.25 h = 973.75; Ana @100: 2.75 h = 275.00; Ben @120: 1.5 h = 180.00
HARVEST_TOTAL = Decimal("973.75") + Decimal("275.00") + Decimal("180.00")

# Toggl Track: UTF-8 with BOM, commas, quoted amounts with group marks, a blank line, an
# overlap (a manual entry beside a running timer) and a double-submitted entry.
TOGGL = (
    "\ufeffUser,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
    "End time,Duration,Tags,Amount (EUR)\n"
    "José Núñez,jose@example.com,Northwind,Portal,Development,API,Yes,2026-03-02,09:00:00,"
    "2026-03-02,11:00:00,02:00:00,,190.00\n"  # row 2
    "José Núñez,jose@example.com,Northwind,Portal,Development,API call,Yes,2026-03-02,10:30:00,"
    "2026-03-02,11:30:00,01:00:00,,95.00\n"  # row 3: overlaps row 2
    "\n"  # row 4: blank
    "Ben Okafor,ben@example.com,Northwind,Portal,Meetings,Standup,Yes,2026-03-02,09:00:00,"
    "2026-03-02,09:15:00,00:15:00,,30.00\n"  # row 5
    "Ben Okafor,ben@example.com,Northwind,Portal,Meetings,Standup,Yes,2026-03-02,09:00:00,"
    "2026-03-02,09:15:00,00:15:00,,30.00\n"  # row 6: duplicate of row 5
    "José Núñez,jose@example.com,Northwind,Portal,Development,Internal sync,No,2026-03-03,"
    "14:00:00,2026-03-03,15:00:00,01:00:00,,0.00\n"  # row 7: not billable
    "José Núñez,jose@example.com,Northwind,Portal,Development,Bugfix,Yes,2026-03-05,13:00:00,"
    '2026-03-05,16:30:00,03:30:00,,"1,350.00"\n'  # row 8
    "\n"
)
# José @95: 2 + 1 = 3 h = 285.00; José @100: 3.5 h = 350.00; Ben @120: 0.25 * 2 h = 60.00
TOGGL_TOTAL = Decimal("285.00") + Decimal("350.00") + Decimal("60.00")

# Clockify, a German Windows export: cp1252, semicolons, dd.mm.yyyy, CR-only line ends.
CLOCKIFY = (
    "Project;Client;Description;Task;User;Group;Email;Tags;Billable;Start Date;Start Time;"
    "End Date;End Time;Duration (h);Duration (decimal);Billable Rate (EUR);"
    "Billable Amount (EUR)\r"
    "Portal;Northwind;Größenänderung;Development;Jürgen Müller;Developers;jm@example.com;;Yes;"
    "02.03.2026;08:00;02.03.2026;12:00;04:00:00;4,00;95,00;380,00\r"  # row 2
    "\r"  # row 3: blank
    "Portal;Northwind;Telefonat;Development;Jürgen Müller;Developers;jm@example.com;;Yes;"
    "02.03.2026;11:30;02.03.2026;12:30;01:00:00;1,00;95,00;95,00\r"  # row 4: overlaps row 2
    "Portal;Northwind;Review;Development;Jürgen Müller;Developers;jm@example.com;;Yes;"
    "03.03.2026;09:00;03.03.2026;10:00;01:00:00;1,00;95,00;95,00\r"  # row 5
    "Portal;Northwind;Review;Development;Jürgen Müller;Developers;jm@example.com;;Yes;"
    "03.03.2026;09:00;03.03.2026;10:00;01:00:00;1,00;95,00;95,00\r"  # row 6: duplicate of 5
    "Portal;Northwind;Übergabe;Development;Jürgen Müller;Developers;jm@example.com;;Yes;"
    "05.03.2026;10:00;05.03.2026;12:30;02:30:00;2,50;100,00;250,00\r"  # row 7
)
# Jürgen @95: 4 + 1 + 1 + 1 = 7 h = 665.00; @100: 2.5 h = 250.00
CLOCKIFY_TOTAL = Decimal("665.00") + Decimal("250.00")


def _project(tmp_path: Path, name: str, data: bytes, **settings: Any) -> Path:
    (tmp_path / name).write_bytes(data)
    path = tmp_path / "project.toml"
    doc = project_data({"time_entries": name, **settings})
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def _bill(path: Path) -> Any:
    engine = engagekit.create_engine()
    project = engine.load_project(path)
    return bill(engine, project, "2026-03")


def test_harvest_export_with_bom_semicolons_decimal_commas_and_a_duplicate(tmp_path):
    result = _bill(_project(tmp_path, "harvest.csv", HARVEST.encode("utf-8")))
    assert amounts(result) == HARVEST_TOTAL == Decimal("1428.75")
    assert result.warnings == (
        "harvest.csv rows 5, 6: duplicate entries of Ana Lima on 2026-03-03 (75+75 min), billed",
    )
    assert result.details["flagged_entries"] == [
        {
            "kind": "duplicate",
            "file": "harvest.csv",
            "rows": [5, 6],
            "person": "Ana Lima",
            "date": "2026-03-03",
            "minutes": [75, 75],
            "times": None,
        }
    ]


def test_toggl_export_with_an_overlap_and_a_duplicate(tmp_path):
    people = {"José Núñez": "developer", "Ben Okafor": "lead"}
    result = _bill(_project(tmp_path, "toggl.csv", TOGGL.encode("utf-8"), people=people))
    assert amounts(result) == TOGGL_TOTAL == Decimal("695.00")
    assert result.warnings == (
        "toggl.csv rows 2, 3: overlapping entries of José Núñez on 2026-03-02 10:30-11:30 "
        "(120+60 min), billed",
        "toggl.csv rows 5, 6: duplicate entries of Ben Okafor on 2026-03-02 09:00-09:15 "
        "(15+15 min), billed",
    )
    kinds = [(f["kind"], f["rows"]) for f in result.details["flagged_entries"]]
    assert kinds == [("overlap", [2, 3]), ("duplicate", [5, 6])]


def test_clockify_export_in_cp1252_with_cr_line_ends(tmp_path):
    data = CLOCKIFY.encode("cp1252")
    path = _project(
        tmp_path,
        "clockify.csv",
        data,
        encoding="cp1252",
        people={"Jürgen Müller": "developer"},
    )
    result = _bill(path)
    assert amounts(result) == CLOCKIFY_TOTAL == Decimal("915.00")
    assert [(f["kind"], f["rows"]) for f in result.details["flagged_entries"]] == [
        ("overlap", [2, 4]),
        ("duplicate", [5, 6]),
    ]
    # undeclared, the same file names the first row with a byte UTF-8 cannot decode
    bad = _project(tmp_path, "clockify.csv", data, people={"Jürgen Müller": "developer"})
    with pytest.raises(engagekit.InputError) as err:
        _bill(bad)
    text = str(err.value)
    assert "clockify.csv, row 2, Description: byte 0xf6 is not utf-8 text" in text
    assert "row 4, Description: byte 0xe4" not in text  # row 4 is ASCII ...
    assert "row 7, Description: byte 0xdc is not utf-8 text" in text  # ... row 7 is not


def test_policies_error_and_allow(tmp_path):
    people = {"José Núñez": "developer", "Ben Okafor": "lead"}
    data = TOGGL.encode("utf-8")
    strict = _project(tmp_path, "toggl.csv", data, people=people, overlaps="error")
    with pytest.raises(engagekit.InputError) as err:
        _bill(strict)
    assert "toggl.csv, row 3, start: entry of José Núñez 2026-03-02 10:30-11:30 overlaps row 2" in (
        str(err.value)
    )
    quiet = _project(
        tmp_path, "toggl.csv", data, people=people, overlaps="allow", duplicates="allow"
    )
    result = _bill(quiet)
    assert result.warnings == ()
    assert "flagged_entries" not in result.details
    assert amounts(result) == TOGGL_TOTAL


def test_flagged_entries_in_the_cli_json_and_warnings(tmp_path):
    from typer.testing import CliRunner

    from engagekit.cli import build_app

    path = _project(tmp_path, "harvest.csv", HARVEST.encode("utf-8"))
    runner = CliRunner()
    result = runner.invoke(
        build_app(engagekit.create_engine()), ["bill", str(path), "-p", "2026-03", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["invoices"][0]["total"] == "1428.75"
    (component,) = doc["components"]
    assert component["details"]["flagged_entries"][0]["rows"] == [5, 6]
    assert doc["warnings"] == [
        "Build: harvest.csv rows 5, 6: duplicate entries of Ana Lima on 2026-03-03 "
        "(75+75 min), billed"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2026-03-02,Ana,developer,1.234,56\n", "row 2: the row has 5 fields, the header 4"),
        ("2026-03-02,Ana\n", "row 2: the row has 2 fields, the header 4: role, hours missing"),
        ('2026-03-02,Ana,developer,"1.234,56"\n', "row 2, hours: '1.234,56' is not a number"),
        ('2026-03-02,Ana,developer,"1,5"\n', "row 2, hours: '1,5' is not a number"),
    ],
)
def test_locale_numbers_and_ragged_rows_are_errors(tmp_path, line, message):
    data = ("date,person,role,hours\n" + line).encode()
    with pytest.raises(engagekit.InputError) as err:
        _bill(_project(tmp_path, "t.csv", data))
    assert message in str(err.value)


def test_decimal_comma_declared(tmp_path):
    data = b'date,person,role,hours\n2026-03-02,Ana,developer,"1.000,5"\n'
    with pytest.raises(engagekit.InputError, match="more than a day holds"):
        _bill(_project(tmp_path, "t.csv", data, decimal=","))
    data = b'date,person,role,hours\n2026-03-02,Ana,developer,"2,5"\n'
    assert amounts(_bill(_project(tmp_path, "t.csv", data, decimal=","))) == Decimal("237.50")


def test_every_bad_row_is_reported(tmp_path):
    rows = "".join(f"2026-03-02,Ana,developer,x{i}\n" for i in range(30))
    with pytest.raises(engagekit.InputErrors) as err:
        _bill(_project(tmp_path, "t.csv", ("date,person,role,hours\n" + rows).encode()))
    assert len(err.value.errors) == 30
    assert "row 31, hours: 'x29' is not a number" in err.value.render_all()


def test_max_errors_limits_the_listing(tmp_path):
    from typer.testing import CliRunner

    from engagekit.cli import build_app

    rows = "".join(f"2026-03-02,Ana,developer,x{i}\n" for i in range(30))
    path = _project(tmp_path, "t.csv", ("date,person,role,hours\n" + rows).encode())
    app = build_app(engagekit.create_engine())
    every = CliRunner().invoke(app, ["bill", str(path), "-p", "2026-03"])
    assert every.exit_code == 1
    assert "30 problems" in every.output and "'x29'" in every.output
    assert "more" not in every.output
    some = CliRunner().invoke(app, ["--max-errors", "5", "bill", str(path), "-p", "2026-03"])
    assert some.exit_code == 1
    assert "'x4'" in some.output and "'x5'" not in some.output
    assert "... and 25 more" in some.output


def test_a_string_where_a_list_belongs_is_an_error(tmp_path):
    path = _project(tmp_path, "t.csv", b"date,person,role,hours\n", non_billable="Internal")
    with pytest.raises(engagekit.InputError) as err:
        engagekit.create_engine().load_project(path)
    assert "non_billable: expected a list, got a string" in str(err.value)


def test_a_project_file_with_a_byte_order_mark(tmp_path):
    data = b"date,person,role,hours\n2026-03-02,Ana,developer,2\n"
    path = _project(tmp_path, "t.csv", data)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert amounts(_bill(path)) == Decimal("190.00")


def test_the_starter_plan_over_its_cap_warns_at_validate_estimate_and_measure(tmp_path):
    from typer.testing import CliRunner

    from engagekit.cli import build_app

    app = build_app(engagekit.create_engine())
    path = tmp_path / "p.toml"
    assert CliRunner().invoke(app, ["init", "-m", "time-material", str(path)]).exit_code == 0
    fits = CliRunner().invoke(app, ["validate", str(path)])
    assert fits.exit_code == 0 and "warning" not in fits.stderr, fits.stderr  # the starter fits
    text = path.read_text()
    assert "money = 260000" in text
    path.write_text(text.replace("money = 260000", "money = 60000"))  # a quarter of the plan
    validated = CliRunner().invoke(app, ["validate", str(path)])
    assert validated.exit_code == 0
    assert "the team plan bills 248,000.00 EUR, 413% of the cap" in validated.stderr
    strict = CliRunner().invoke(app, ["--strict", "validate", str(path)])
    assert strict.exit_code == 1 and "(--strict)" in strict.stderr
    engine = engagekit.create_engine()
    project = engine.load_project(path)
    estimate = engine.estimate(project, trials=200)
    (warning,) = [w for w in estimate.warnings if "team plan bills" in w]
    # 0.5 lead + 2 developers over the starter's timeframe at its rates: 248,000 EUR
    assert "248,000.00 EUR, 413% of the cap of 60,000.00 EUR" in warning
    report = engine.measure(project, None)
    assert report.components[0].status == "at-risk"
    assert any("over the cap 60,000.00 EUR" in w for w in report.components[0].warnings)
