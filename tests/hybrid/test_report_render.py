"""tools/render_report.py: a report renders in headless Chromium and a PNG is written; a
missing Chromium is an error, not a silent pass."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engagekit.report import render_html

from .test_report_html import full

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "render_report.py"


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=180
    )


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_the_report_renders_to_a_png(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(full()), encoding="utf-8")
    png = tmp_path / "shots" / "report.png"
    result = run_tool(str(page), str(png))
    assert result.returncode == 0, result.stderr
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    # the whole page, however long (the full report is longer than one 2400-pixel window)
    assert width == 1280 and height > 2400
    assert [p.name for p in png.parent.iterdir()] == ["report.png"]
    assert [p.name for p in tmp_path.iterdir() if "measure" in p.name] == []


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_a_short_page_gives_a_short_png(tmp_path: Path) -> None:
    page = tmp_path / "short.html"
    page.write_text(
        '<!DOCTYPE html><html><body style="margin:0"><div style="height:300px">x</div>'
        "</body></html>",
        encoding="utf-8",
    )
    png = tmp_path / "short.png"
    assert run_tool(str(page), str(png)).returncode == 0
    data = png.read_bytes()
    assert 300 <= int.from_bytes(data[20:24], "big") < 800


def test_a_missing_chromium_fails(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    result = run_tool(str(page), str(tmp_path / "x.png"), "--chromium", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "chromium not found" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_missing_report_fails(tmp_path: Path) -> None:
    result = run_tool(str(tmp_path / "none.html"), str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert "no such file" in result.stderr
