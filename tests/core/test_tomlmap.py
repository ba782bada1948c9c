"""Key paths to lines, so errors found after parsing can name the line."""

from engagekit.tomlmap import TomlMap

TEXT = """\
[project]
name = "x"

[[components]]
name = "a"
[components.settings]
margin = 20
items = [
  { role = "dev", hours = 3 },
  { role = "qa", hours = 4 },
]
[[components.settings.positions]]
role = "lead"
[[components.settings.positions]]
role = "dev"
[components.settings.coverage]
hours = "24x7"

[[components]]
name = "b"
[[components.settings.positions]]
role = "ops"
"""


def test_lines_of_nested_arrays_of_tables():
    m = TomlMap(TEXT)
    assert m.line_of(("project", "name")) == 2
    assert m.line_of(("components", 0, "settings", "margin")) == 7
    assert m.line_of(("components", 0, "settings", "items", 1, "hours")) == 10
    assert m.line_of(("components", 0, "settings", "positions", 0, "role")) == 13
    assert m.line_of(("components", 0, "settings", "positions", 1, "role")) == 15
    assert m.line_of(("components", 0, "settings", "coverage", "hours")) == 17
    assert m.line_of(("components", 1, "name")) == 20
    assert m.line_of(("components", 1, "settings", "positions", 0, "role")) == 22


def test_unknown_paths_fall_back_to_the_nearest_enclosing_key():
    m = TomlMap(TEXT)
    assert m.line_of(("components", 0, "settings", "positions", 1, "nope")) == 14
    assert m.line_of(("components", 0, "settings", "missing")) == 6
