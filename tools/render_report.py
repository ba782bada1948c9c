"""Render an engagekit HTML report in headless Chromium and write a PNG screenshot.

    python tools/render_report.py report.html report.png [--chromium PATH] [--timeout 120]

Checks that the page renders without network access (the report is self-contained) and that
Chromium writes a non-empty PNG. Exits 0 on success, 1 if Chromium is missing (install the
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
WINDOW = "1280,2400"


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


def command(chromium: str, page: Path, png: Path, profile: Path) -> list[str]:
    return [
        chromium,
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
        f"--screenshot={png}",
        f"--window-size={WINDOW}",
        page.resolve().as_uri(),
    ]


def render(page: Path, png: Path, chromium: str, timeout: float) -> str | None:
    """Screenshot ``page`` into ``png``; None on success, else what went wrong."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-report-") as tmp:
        shot = Path(tmp) / "shot.png"
        profile = Path(tmp) / "profile"
        profile.mkdir()
        try:
            proc = subprocess.run(
                command(chromium, page, shot, profile),
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
