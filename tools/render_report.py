"""Render an engagekit HTML report in headless Chromium and write a PNG screenshot.

    python tools/render_report.py report.html report.png [--chromium PATH] [--timeout 120]

Checks that the page renders without network access (the report is self-contained) and that
Chromium writes a non-empty PNG of the whole page, however long: a first pass measures the
page's height at the screenshot's width (a copy of the page that writes its scroll height into
the DOM, read back with ``--dump-dom``), the second takes a window that tall. Exits 0 on success, 1 if Chromium is missing (install the
Debian package ``chromium``), fails, times out, or writes no PNG, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH = 1280
#: The height used when the page cannot be measured.
FALLBACK_HEIGHT = 2400
#: Chromium refuses windows taller than this (and a PNG that tall is unreadable anyway).
MAX_HEIGHT = 30000
_MEASURE = (
    "<script>window.addEventListener('load', () => document.documentElement.setAttribute("
    "'data-page-height', String(Math.ceil(document.documentElement.scrollHeight))));</script>"
)


def find_chromium(explicit: str | None) -> str | None:
    if explicit:
        return explicit if Path(explicit).is_file() or shutil.which(explicit) else None
    env = os.environ.get("CHROMIUM")
    if env:
        return env if Path(env).is_file() or shutil.which(env) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _flags(profile: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]


def page_height(chromium: str, page: Path, profile: Path, timeout: float) -> int:
    """The page's scroll height in CSS pixels at ``WIDTH``; ``FALLBACK_HEIGHT`` if unknown."""
    import re

    html = page.read_text(encoding="utf-8")
    probe = page.with_name(f".{page.name}.measure.html")
    probe.write_text(html.replace("</body>", _MEASURE + "</body>", 1), encoding="utf-8")
    try:
        proc = subprocess.run(
            [
                chromium,
                *_flags(profile),
                f"--window-size={WIDTH},800",
                "--dump-dom",
                probe.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return FALLBACK_HEIGHT
    finally:
        probe.unlink(missing_ok=True)
    found = re.search(r'data-page-height="(\d+)"', proc.stdout or "")
    return min(int(found[1]) + 16, MAX_HEIGHT) if found else FALLBACK_HEIGHT


def command(chromium: str, page: Path, png: Path, profile: Path, height: int) -> list[str]:
    return [
        chromium,
        *_flags(profile),
        f"--screenshot={png}",
        f"--window-size={WIDTH},{height}",
        page.resolve().as_uri(),
    ]


def render(page: Path, png: Path, chromium: str, timeout: float) -> str | None:
    """Screenshot ``page`` into ``png``; None on success, else what went wrong."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-report-") as tmp:
        shot = Path(tmp) / "shot.png"
        profile = Path(tmp) / "profile"
        profile.mkdir()
        height = page_height(chromium, page, profile, timeout)
        try:
            proc = subprocess.run(
                command(chromium, page, shot, profile, height),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"chromium did not finish within {timeout:g} s"
        except OSError as exc:
            return f"could not run {chromium}: {exc}"
        if not shot.is_file() or shot.stat().st_size == 0:
            tail = "\n".join((proc.stderr or "").strip().splitlines()[-10:])
            return f"chromium exited {proc.returncode} and wrote no screenshot\n{tail}".rstrip()
        data = shot.read_bytes()
        if not data.startswith(PNG_MAGIC):
            return "chromium wrote a file that is not a PNG"
        # complete or untouched: move the finished file into place
        tmp_png = png.with_name(f".{png.name}.tmp")
        tmp_png.write_bytes(data)
        os.replace(tmp_png, png)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="the report.html to render")
    parser.add_argument("png", type=Path, help="where to write the screenshot")
    parser.add_argument("--chromium", help="the Chromium binary (default: $CHROMIUM or PATH)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds (default 120)")
    args = parser.parse_args(argv)
    if not args.report.is_file():
        print(f"error: {args.report}: no such file", file=sys.stderr)
        return 1
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print(
            "error: chromium not found; install it (Debian: apt-get install chromium) or pass "
            "--chromium PATH",
            file=sys.stderr,
        )
        return 1
    problem = render(args.report, args.png, chromium, args.timeout)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(f"wrote {args.png} ({args.png.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
