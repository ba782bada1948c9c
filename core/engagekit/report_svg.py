"""Hand-written inline SVG charts for the HTML report: no plotting library, no script, no
external resource. Every function returns an ``<svg>`` element as a string; every text in it
is escaped here, so callers pass plain strings.

Charts scale with the page (``viewBox`` plus ``width: 100%`` in the report's CSS) and carry a
``<title>`` and an ``aria-label`` for screen readers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from html import escape

__all__ = [
    "PALETTE",
    "burnup_svg",
    "color",
    "fmt_number",
    "hbars_svg",
    "histogram_svg",
    "nice_ticks",
    "stacked_bars_svg",
]

#: Okabe-Ito-like colours, distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
    "#332288",
    "#117733",
)
MARKER_COLORS = {"P50": "#1b7837", "P80": "#E69F00", "P90": "#B2182B"}
#: A ceiling (a role's capacity, a cap).
LIMIT_COLOR = "#B2182B"

WIDTH = 1120
FONT = 13


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _f(x: float) -> str:
    """A coordinate: short and stable."""
    text = f"{x:.1f}"
    return "0" if text == "-0.0" else text.removesuffix(".0")


def fmt_number(x: float, unit: str = "") -> str:
    """A compact human number: 950, 1.2k, 3.4M (with ``unit`` appended after a space)."""
    a = abs(x)
    if a >= 1e9:
        text = f"{x / 1e9:.3g}G"
    elif a >= 1e6:
        text = f"{x / 1e6:.3g}M"
    elif a >= 1e4:
        text = f"{x / 1e3:.3g}k"
    elif a >= 100 or x == int(x):
        text = f"{x:,.0f}"
    else:
        text = f"{x:.3g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):  # no visible range: make one
        hi = lo + (abs(lo) if abs(lo) > 1e-12 else 1.0)
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    k0, k1 = math.floor(lo / step), math.ceil(hi / step)
    if k0 == k1:
        k1 += 1
    digits = max(0, 3 - math.floor(math.log10(step)))
    return [round(k * step, digits) for k in range(k0, k1 + 1)]


def tick_text(value: float, ticks: Sequence[float], unit: str = "") -> str:
    """A tick label with as many decimals as the ticks' spacing needs (99.75%, not 99.8%)."""
    steps = [b - a for a, b in itertools.pairwise(ticks) if b > a]
    step = min(steps) if steps else 1.0
    if step >= 1 or abs(value) >= 1e4:
        return fmt_number(value, unit)
    places = min(6, max(0, -math.floor(math.log10(step) + 1e-9)))
    if abs(round(step * 10**places) - step * 10**places) > 1e-6:
        places += 1  # steps such as 0.25
    text = f"{value:.{places}f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


class _Frame:
    """The plotting area of a chart and its value-to-pixel maps."""

    def __init__(
        self,
        height: int,
        left: int = 72,
        right: int = 24,
        top: int = 36,
        bottom: int = 56,
        width: int = WIDTH,
    ) -> None:
        self.width, self.height = width, height
        self.x0, self.x1 = left, width - right
        self.y0, self.y1 = height - bottom, top  # y0 is the bottom edge

    def ymap(self, lo: float, hi: float) -> Callable[[float], float]:
        span = (hi - lo) or 1.0
        return lambda v: self.y0 - (v - lo) / span * (self.y0 - self.y1)

    def xmap(self, lo: float, hi: float) -> Callable[[float], float]:
        span = (hi - lo) or 1.0
        return lambda v: self.x0 + (v - lo) / span * (self.x1 - self.x0)


def _open(frame: _Frame, title: str, css_class: str) -> list[str]:
    return [
        f'<svg class="chart {_e(css_class)}" viewBox="0 0 {frame.width} {frame.height}" '
        f'role="img" aria-label="{_e(title)}" font-size="{FONT}">',
        f"<title>{_e(title)}</title>",
    ]


def _y_axis(
    frame: _Frame,
    ticks: Sequence[float],
    ymap: Callable[[float], float],
    unit: str,
    label: str = "",
) -> list[str]:
    out = []
    for t in ticks:
        y = ymap(t)
        out.append(
            f'<line class="grid" x1="{frame.x0}" x2="{frame.x1}" y1="{_f(y)}" y2="{_f(y)}" '
            f'stroke="#e3e3e3"/>'
        )
        out.append(
            f'<text x="{frame.x0 - 8}" y="{_f(y + 4)}" text-anchor="end" fill="#555">'
            f"{_e(tick_text(t, ticks, unit))}</text>"
        )
    if label:
        out.append(
            f'<text x="14" y="{_f((frame.y0 + frame.y1) / 2)}" text-anchor="middle" fill="#333" '
            f'transform="rotate(-90 14 {_f((frame.y0 + frame.y1) / 2)})">{_e(label)}</text>'
        )
    return out


def _legend(
    frame: _Frame,
    names: Sequence[str],
    colors: Sequence[str],
    y: float,
    extra: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """One row of swatches and names; ``extra`` adds (name, svg-swatch) pairs after them."""
    out = ['<g class="legend">']
    x = float(frame.x0)
    for name, col in zip(names, colors, strict=True):
        out.append(f'<rect x="{_f(x)}" y="{_f(y - 10)}" width="12" height="12" fill="{col}"/>')
        out.append(f'<text x="{_f(x + 17)}" y="{_f(y)}" fill="#333">{_e(name)}</text>')
        x += 34 + 7.2 * len(name)
    for name, swatch in extra:
        out.append(swatch.format(x=_f(x), y=_f(y - 4), x2=_f(x + 14)))
        out.append(f'<text x="{_f(x + 19)}" y="{_f(y)}" fill="#333">{_e(name)}</text>')
        x += 36 + 7.2 * len(name)
    out.append("</g>")
    return out


def histogram_svg(
    edges: Sequence[float],
    counts: Sequence[int],
    markers: Sequence[tuple[str, float]],
    *,
    title: str,
    x_label: str,
    unit: str = "",
    cumulative: bool = True,
    height: int = 340,
) -> str:
    """Bars of ``counts`` over the bins ``edges`` (len(counts) + 1), vertical ``markers`` such
    as ("P80", 1234.0), and with ``cumulative`` the S-curve of the share of trials at or below
    each value (right axis, 0-100%)."""
    frame = _Frame(height, right=56, top=40)
    out = _open(frame, title, "histogram")
    total = sum(counts) or 1
    lo, hi = float(edges[0]), float(edges[-1])
    for _, v in markers:
        lo, hi = min(lo, v), max(hi, v)
    xmap = frame.xmap(lo, hi)
    ymax = max(counts) if counts else 1
    yticks = nice_ticks(0, ymax / total * 100)
    ymap = frame.ymap(0, yticks[-1])
    out += _y_axis(frame, yticks, ymap, "%", "share of trials")
    out.append('<g class="bars">')
    for i, c in enumerate(counts):
        x_a, x_b = xmap(float(edges[i])), xmap(float(edges[i + 1]))
        y = ymap(c / total * 100)
        out.append(
            f'<rect x="{_f(x_a)}" y="{_f(y)}" width="{_f(max(x_b - x_a - 1, 0.5))}" '
            f'height="{_f(frame.y0 - y)}" fill="{PALETTE[4]}">'
            f"<title>{_e(fmt_number(float(edges[i]), unit))} to "
            f"{_e(fmt_number(float(edges[i + 1]), unit))}: {c} trials</title></rect>"
        )
    out.append("</g>")
    if cumulative and counts:
        cmap = frame.ymap(0, 100)
        points = [f"{_f(xmap(float(edges[0])))},{_f(cmap(0))}"]
        run = 0
        for i, c in enumerate(counts):
            run += c
            points.append(f"{_f(xmap(float(edges[i + 1])))},{_f(cmap(run / total * 100))}")
        out.append(
            f'<polyline class="s-curve" points="{" ".join(points)}" fill="none" '
            f'stroke="#333" stroke-width="2"/>'
        )
        for pct in (0, 25, 50, 75, 100):
            y = cmap(pct)
            out.append(f'<text x="{frame.x1 + 6}" y="{_f(y + 4)}" fill="#333">{pct}%</text>')
    # x axis
    out.append(
        f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{frame.y0}" y2="{frame.y0}" stroke="#777"/>'
    )
    for t in nice_ticks(lo, hi, 8):
        if lo <= t <= hi:
            x = xmap(t)
            out.append(
                f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{frame.y0}" y2="{frame.y0 + 5}" '
                f'stroke="#777"/>'
            )
            out.append(
                f'<text x="{_f(x)}" y="{frame.y0 + 20}" text-anchor="middle" fill="#555">'
                f"{_e(fmt_number(t, unit))}</text>"
            )
    out.append(
        f'<text x="{_f((frame.x0 + frame.x1) / 2)}" y="{frame.height - 10}" '
        f'text-anchor="middle" fill="#333">{_e(x_label)}</text>'
    )
    # percentile markers; each label goes right of its line, or left of it near the right edge,
    # in the first of three rows where it overlaps no other label
    taken: list[list[tuple[float, float]]] = [[], [], []]
    for name, value in sorted(markers, key=lambda m: m[1]):
        x = xmap(value)
        col = MARKER_COLORS.get(name, "#B2182B")
        shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
        text = f"{name} {shown}" + (f" {unit}" if unit else "")
        width = 7.8 * len(text)
        if x + 4 + width <= frame.x1:
            span, anchor, tx = (x + 2, x + 6 + width), "start", x + 4
        else:
            span, anchor, tx = (x - 6 - width, x - 2), "end", x - 4
        row = next(
            (r for r, used in enumerate(taken) if all(span[1] < a or span[0] > b for a, b in used)),
            len(taken) - 1,
        )
        taken[row].append(span)
        label_y = frame.y1 - 22 + 13 * row
        out.append(
            f'<g class="marker" data-marker="{_e(name)}" data-value="{_e(repr(float(value)))}">'
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{frame.y0}" y2="{_f(label_y + 4)}" '
            f'stroke="{col}" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{_f(tx)}" y="{_f(label_y)}" fill="{col}" font-weight="bold" '
            f'text-anchor="{anchor}">{_e(text)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)


def stacked_bars_svg(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    y_label: str,
    unit: str = "",
    line: tuple[str, Sequence[float | None]] | None = None,
    colors: Sequence[str] | None = None,
    height: int = 360,
    faded: Sequence[bool] | None = None,
    faded_name: str = "",
    limits: Sequence[tuple[str, Sequence[float | None]]] = (),
) -> str:
    """One bar per category, stacked by series (positive values up, negative values down from
    zero); ``line`` draws a second quantity (such as demand or an invoice total) as a step line
    with dots. ``colors`` gives each series its colour (default: the palette in order).

    ``faded`` marks categories whose bars are drawn lighter with a dashed outline (projected
    months), named ``faded_name`` in the legend. ``limits`` are ceilings (a role's capacity),
    each a dashed red step line across its categories (None: no limit there)."""
    fills = list(colors) if colors is not None else [color(k) for k in range(len(series))]
    frame = _Frame(height, bottom=74 if len(categories) > 12 else 62)
    out = _open(frame, title, "stacked")
    n = len(categories)
    pos = [sum(max(float(v[i]), 0.0) for _, v in series) for i in range(n)]
    neg = [sum(min(float(v[i]), 0.0) for _, v in series) for i in range(n)]
    line_vals = [float(v) for v in (line[1] if line else ()) if v is not None]
    line_vals += [float(v) for _, values in limits for v in values if v is not None]
    top = max([*pos, *line_vals, 0.0])
    bottom = min([*neg, *line_vals, 0.0])
    yticks = nice_ticks(bottom, top if top > bottom else bottom + 1)
    ymap = frame.ymap(yticks[0], yticks[-1])
    out += _y_axis(frame, yticks, ymap, unit, y_label)
    slot = (frame.x1 - frame.x0) / max(n, 1)
    bar = max(min(slot * 0.7, 60), 2)
    out.append('<g class="bars">')
    for i, cat in enumerate(categories):
        x = frame.x0 + slot * i + (slot - bar) / 2
        up = down = 0.0
        for k, (name, values) in enumerate(series):
            v = float(values[i])
            if v == 0:
                continue
            if v > 0:
                y_a, y_b = ymap(up + v), ymap(up)
                up += v
            else:
                y_a, y_b = ymap(down), ymap(down + v)
                down += v
            light = faded is not None and faded[i]
            look = (
                f' fill-opacity="0.4" stroke="{fills[k]}" stroke-dasharray="4 3" class="faded"'
                if light
                else ""
            )
            note = f" ({faded_name.split(' (')[0]})" if light and faded_name else ""
            out.append(
                f'<rect x="{_f(x)}" y="{_f(y_a)}" width="{_f(bar)}" '
                f'height="{_f(max(y_b - y_a, 0.5))}" fill="{fills[k]}"{look} '
                f'data-series="{_e(name)}">'
                f"<title>{_e(cat)} · {_e(name)}{_e(note)}: {_e(fmt_number(v, unit))}</title></rect>"
            )
    out.append("</g>")
    zero = ymap(0)
    out.append(
        f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{_f(zero)}" y2="{_f(zero)}" stroke="#777"/>'
    )
    every = max(1, math.ceil(n / 24))
    rotate = n > 12
    for i, cat in enumerate(categories):
        if i % every:
            continue
        x = frame.x0 + slot * (i + 0.5)
        y = frame.y0 + 18
        rot = f' transform="rotate(-40 {_f(x)} {_f(y)})"' if rotate else ""
        anchor = "end" if rotate else "middle"
        out.append(
            f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="#555"{rot}>'
            f"{_e(cat)}</text>"
        )
    extra: list[tuple[str, str]] = []
    if line is not None:
        line_name, line_values = line
        pts = []
        runs: list[list[tuple[float, float]]] = [[]]
        for i, lv in enumerate(line_values):
            if lv is None:  # a gap: the line breaks here
                if runs[-1]:
                    runs.append([])
                continue
            lx = frame.x0 + slot * (i + 0.5)
            ly = ymap(float(lv))
            pts.append((lx, ly, float(lv), categories[i]))
            runs[-1].append((lx, ly))
        for run in runs:
            if len(run) < 2:
                continue
            out.append(
                f'<polyline class="line" data-series="{_e(line_name)}" points="'
                + " ".join(f"{_f(px)},{_f(py)}" for px, py in run)
                + '" fill="none" stroke="#222" stroke-width="2"/>'
            )
        for px, py, pv, cat in pts:
            out.append(
                f'<circle cx="{_f(px)}" cy="{_f(py)}" r="3.5" fill="#222" '
                f'data-series="{_e(line_name)}">'
                f"<title>{_e(cat)} · {_e(line_name)}: {_e(fmt_number(pv, unit))}</title></circle>"
            )
        extra.append(
            (
                line_name,
                '<line x1="{x}" x2="{x2}" y1="{y}" y2="{y}" stroke="#222" stroke-width="2"/>',
            )
        )
    for limit_name, ceiling in limits:
        steps: list[list[tuple[float, float]]] = [[]]
        for i, cv in enumerate(ceiling):
            if cv is None:
                if steps[-1]:
                    steps.append([])
                continue
            cy = ymap(float(cv))
            # a step across the whole slot: a ceiling holds for the month, not at its middle
            steps[-1] += [(frame.x0 + slot * i, cy), (frame.x0 + slot * (i + 1), cy)]
        for run in steps:
            if run:
                out.append(
                    f'<polyline class="limit" data-series="{_e(limit_name)}" points="'
                    + " ".join(f"{_f(px)},{_f(py)}" for px, py in run)
                    + f'" fill="none" stroke="{LIMIT_COLOR}" stroke-width="2" '
                    'stroke-dasharray="6 4"/>'
                )
        extra.append(
            (
                limit_name,
                '<line x1="{x}" x2="{x2}" y1="{y}" y2="{y}" stroke="'
                + LIMIT_COLOR
                + '" stroke-width="2" stroke-dasharray="6 4"/>',
            )
        )
    if faded is not None and any(faded) and faded_name:
        extra.append(
            (
                faded_name,
                '<rect x="{x}" y="{y}" transform="translate(0 -6)" width="14" height="12" '
                'fill="#888" fill-opacity="0.4" stroke="#888" stroke-dasharray="3 2"/>',
            )
        )
    out += _legend(frame, [s[0] for s in series], fills, 20, extra)
    out.append("</svg>")
    return "\n".join(out)


def burnup_svg(
    categories: Sequence[str],
    actual: Sequence[float | None],
    projected: Sequence[float | None],
    refs: Sequence[tuple[str, float]],
    *,
    title: str,
    y_label: str,
    unit: str = "",
    height: int = 320,
) -> str:
    """A burn-up: cumulative values per category, ``actual`` solid with dots, ``projected``
    dashed (None where a series has no point), and each of ``refs`` (a budget, a cap) as a
    horizontal line labelled at its right end."""
    frame = _Frame(height, right=110, bottom=74 if len(categories) > 12 else 62)
    out = _open(frame, title, "burnup")
    n = len(categories)
    values = [float(v) for v in (*actual, *projected) if v is not None]
    values += [v for _, v in refs]
    yticks = nice_ticks(0.0, max([*values, 1.0]))
    ymap = frame.ymap(yticks[0], yticks[-1])
    out += _y_axis(frame, yticks, ymap, unit, y_label)
    slot = (frame.x1 - frame.x0) / max(n, 1)
    every = max(1, math.ceil(n / 24))
    rotate = n > 12
    for i, cat in enumerate(categories):
        if i % every:
            continue
        x = frame.x0 + slot * (i + 0.5)
        y = frame.y0 + 18
        rot = f' transform="rotate(-40 {_f(x)} {_f(y)})"' if rotate else ""
        anchor = "end" if rotate else "middle"
        out.append(
            f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="#555"{rot}>'
            f"{_e(cat)}</text>"
        )
    out.append(
        f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{_f(frame.y0)}" y2="{_f(frame.y0)}" '
        'stroke="#777"/>'
    )
    ref_colors = {0: "#009E73", 1: LIMIT_COLOR}
    for k, (name, v) in enumerate(refs):
        ry = ymap(v)
        col = ref_colors.get(k, "#555")
        dash = ' stroke-dasharray="6 4"' if k == 0 and len(refs) > 1 else ""
        out.append(
            f'<line class="ref" data-series="{_e(name)}" x1="{frame.x0}" x2="{frame.x1}" '
            f'y1="{_f(ry)}" y2="{_f(ry)}" stroke="{col}" stroke-width="2"{dash}/>'
        )
        # two references close together: the second label goes below its line
        dy = 4
        if k and abs(ymap(refs[k - 1][1]) - ry) < 14:
            dy = 16 if ry > ymap(refs[k - 1][1]) else -8
        out.append(
            f'<text x="{frame.x1 + 6}" y="{_f(ry + dy)}" fill="{col}">'
            f"{_e(name)} {_e(fmt_number(v, unit))}</text>"
        )
    # the projection first: where the two join, the actual month's dot is drawn on top
    for name, series, dashed in (("projected", projected, True), ("billed to date", actual, False)):
        pts = [
            (frame.x0 + slot * (i + 0.5), ymap(float(v)), float(v), categories[i])
            for i, v in enumerate(series)
            if v is not None
        ]
        if len(pts) > 1:
            dash = ' stroke-dasharray="7 5"' if dashed else ""
            out.append(
                f'<polyline class="line" data-series="{_e(name)}" points="'
                + " ".join(f"{_f(px)},{_f(py)}" for px, py, _, _ in pts)
                + f'" fill="none" stroke="{PALETTE[0]}" stroke-width="2.5"{dash}/>'
            )
        for px, py, pv, cat in pts:
            fill = "#fff" if dashed else PALETTE[0]
            out.append(
                f'<circle cx="{_f(px)}" cy="{_f(py)}" r="3.5" fill="{fill}" stroke="{PALETTE[0]}" '
                f'data-series="{_e(name)}"><title>{_e(cat)} · {_e(name)}: '
                f"{_e(fmt_number(pv, unit))}</title></circle>"
            )
    extra = [
        ("billed to date", f'<line x1="{{x}}" x2="{{x2}}" y1="{{y}}" y2="{{y}}" stroke="{PALETTE[0]}" stroke-width="2.5"/>'),
        ("projected", f'<line x1="{{x}}" x2="{{x2}}" y1="{{y}}" y2="{{y}}" stroke="{PALETTE[0]}" stroke-width="2.5" stroke-dasharray="5 3"/>'),
    ]  # fmt: skip
    out += _legend(frame, [], [], 20, extra)
    out.append("</svg>")
    return "\n".join(out)


def hbars_svg(
    rows: Sequence[tuple[str, float | None, str] | tuple[str, float | None, str, float | None]],
    *,
    title: str,
    target: float | None = None,
    lo: float = 0.0,
    hi: float = 100.0,
    unit: str = "%",
    places: int = 1,
) -> str:
    """Horizontal bars, one per (label, value or None, annotation[, row target]), on a fixed
    scale [lo, hi] (a percentage by default), with an optional vertical ``target`` line for all
    rows, or a target tick per row. A bar at or above its target is green, below it red, and
    blue without a target. A None value draws no bar and says "n/a"."""
    row_h = 30
    height = 40 + row_h * max(len(rows), 1) + 34
    frame = _Frame(height, left=150, right=330, top=30, bottom=34)
    out = _open(frame, title, "hbars")
    xmap = frame.xmap(lo, hi)
    xticks = nice_ticks(lo, hi, 5)
    for t in xticks:
        if lo <= t <= hi:
            x = xmap(t)
            out.append(
                f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{frame.y1 - 6}" y2="{frame.y0}" '
                f'stroke="#e3e3e3"/>'
            )
            out.append(
                f'<text x="{_f(x)}" y="{frame.y0 + 18}" text-anchor="middle" fill="#555">'
                f"{_e(tick_text(t, xticks, unit))}</text>"
            )
    for i, row in enumerate(rows):
        label, value, note = row[0], row[1], row[2]
        row_target = row[3] if len(row) > 3 else target
        y = frame.y1 + row_h * i
        out.append(
            f'<text x="{frame.x0 - 10}" y="{_f(y + 19)}" text-anchor="end" fill="#333">'
            f"{_e(label)}</text>"
        )
        out.append(
            f'<rect x="{frame.x0}" y="{_f(y + 5)}" width="{_f(frame.x1 - frame.x0)}" '
            f'height="{row_h - 10}" fill="#f2f2f2"/>'
        )
        if value is None:
            shown = "n/a"
        else:
            v = min(max(float(value), lo), hi)
            if row_target is None:
                fill = PALETTE[0]
            else:
                fill = "#1b7837" if float(value) >= row_target else "#B2182B"
            out.append(
                f'<rect x="{frame.x0}" y="{_f(y + 5)}" width="{_f(xmap(v) - frame.x0)}" '
                f'height="{row_h - 10}" fill="{fill}" data-value="{_e(repr(float(value)))}">'
                f"<title>{_e(label)}: {_e(fmt_number(float(value), unit))}</title></rect>"
            )
            shown = f"{float(value):.{places}f}{unit}"
        if len(row) > 3 and row_target is not None and lo <= row_target <= hi:
            x = xmap(row_target)
            out.append(
                f'<line class="row-target" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(y + 1)}" '
                f'y2="{_f(y + row_h - 1)}" stroke="#222" stroke-width="2">'
                f"<title>{_e(label)} target: {_e(fmt_number(row_target, unit))}</title></line>"
            )
            note = (
                f"{note}, target {fmt_number(row_target, unit)}"
                if note
                else (f"target {fmt_number(row_target, unit)}")
            )
        out.append(
            f'<text x="{frame.x1 + 8}" y="{_f(y + 19)}" fill="#333">'
            f"{_e(shown)}{' · ' + _e(note) if note else ''}</text>"
        )
    if target is not None and lo <= target <= hi:
        x = xmap(target)
        out.append(
            f'<g class="target"><line x1="{_f(x)}" x2="{_f(x)}" y1="{frame.y1 - 8}" '
            f'y2="{frame.y0}" stroke="#222" stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{_f(x)}" y="{frame.y1 - 12}" text-anchor="middle" fill="#222">'
            f"target {_e(f'{target:g}{unit}')}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out)
