"""The two charts the report's helpers lack: several distributions on one axis, and lines.

Built from ``engagekit.report_svg``'s frame, axes, legend, ticks and palette, so they look like
the report's charts and share its guarantees (escaped text, a title, no script).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from engagekit.report_svg import (
    _e,
    _f,
    _Frame,
    _legend,
    _open,
    _y_axis,
    color,
    fmt_number,
    nice_ticks,
)

__all__ = ["distributions_svg", "lines_svg"]


def _x_axis(frame: _Frame, lo: float, hi: float, xmap: object, label: str, unit: str) -> list[str]:
    out = [f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{frame.y0}" y2="{frame.y0}" stroke="#777"/>']
    for t in nice_ticks(lo, hi, 8):
        if lo <= t <= hi:
            x = xmap(t)  # type: ignore[operator]
            out.append(
                f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{frame.y0}" y2="{frame.y0 + 5}" stroke="#777"/>'
            )
            out.append(
                f'<text x="{_f(x)}" y="{frame.y0 + 20}" text-anchor="middle" fill="#555">'
                f"{_e(fmt_number(t, unit))}</text>"
            )
    out.append(
        f'<text x="{_f((frame.x0 + frame.x1) / 2)}" y="{frame.height - 10}" '
        f'text-anchor="middle" fill="#333">{_e(label)}</text>'
    )
    return out


def distributions_svg(
    edges: Sequence[float],
    series: Sequence[tuple[str, Sequence[int], float]],
    *,
    title: str,
    x_label: str,
    marker: str,
    unit: str = "",
    height: int = 360,
) -> str:
    """One line per series of the share of trials in each bin of ``edges`` (common to all),
    and a dashed marker at each series' ``(name, counts, marker value)`` (its P10 or P90)."""
    frame = _Frame(height, top=56, left=80)
    out = _open(frame, title, "distributions")
    lo, hi = float(edges[0]), float(edges[-1])
    xmap = frame.xmap(lo, hi)
    peak = max((max(c) / (sum(c) or 1) * 100 for _, c, _ in series if len(c)), default=1.0)
    yticks = nice_ticks(0, peak)
    ymap = frame.ymap(0, yticks[-1])
    out += _y_axis(frame, yticks, ymap, "%", "share of trials")
    centres = [(float(a) + float(b)) / 2 for a, b in itertools.pairwise(edges)]
    for i, (name, counts, value) in enumerate(series):
        total = sum(counts) or 1
        col = color(i)
        points = " ".join(
            f"{_f(xmap(x))},{_f(ymap(c / total * 100))}"
            for x, c in zip(centres, counts, strict=True)
        )
        out.append(
            f'<g class="series" data-name="{_e(name)}"><polyline points="{points}" fill="none" '
            f'stroke="{col}" stroke-width="2.5"><title>{_e(name)}</title></polyline>'
            f'<line x1="{_f(xmap(value))}" x2="{_f(xmap(value))}" y1="{frame.y0}" '
            f'y2="{frame.y1}" stroke="{col}" stroke-width="1.5" stroke-dasharray="6 3">'
            f"<title>{_e(name)} {_e(marker)} {_e(fmt_number(value, unit))}</title></line></g>"
        )
    out += _x_axis(frame, lo, hi, xmap, x_label, unit)
    out += _legend(
        frame, [name for name, _, _ in series], [color(i) for i in range(len(series))], 22
    )
    out.append(
        f'<text x="{frame.x1}" y="22" text-anchor="end" fill="#555">dashed: each {_e(marker)}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def lines_svg(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    y_label: str,
    unit: str = "",
    height: int = 360,
) -> str:
    """One line per series over ``categories`` (months), a point per category."""
    frame = _Frame(height, top=56, left=104)
    out = _open(frame, title, "lines")
    top = max((max(v) for _, v in series if len(v)), default=1.0)
    yticks = nice_ticks(0, top)
    ymap = frame.ymap(0, yticks[-1])
    out += _y_axis(frame, yticks, ymap, unit, y_label)
    n = len(categories)
    step = (frame.x1 - frame.x0) / max(n, 1)

    def x(i: int) -> float:
        return frame.x0 + step * (i + 0.5)

    every = max(1, -(-n // 12))  # at most 12 labels
    for i, cat in enumerate(categories):
        if i % every == 0:
            out.append(
                f'<text x="{_f(x(i))}" y="{frame.y0 + 18}" text-anchor="middle" fill="#555">'
                f"{_e(cat)}</text>"
            )
    out.append(
        f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{frame.y0}" y2="{frame.y0}" stroke="#777"/>'
    )
    for k, (name, values) in enumerate(series):
        col = color(k)
        points = " ".join(f"{_f(x(i))},{_f(ymap(v))}" for i, v in enumerate(values))
        out.append(
            f'<g class="series" data-name="{_e(name)}"><polyline points="{points}" fill="none" '
            f'stroke="{col}" stroke-width="2.5"/>'
            + "".join(
                f'<circle cx="{_f(x(i))}" cy="{_f(ymap(v))}" r="3" fill="{col}">'
                f"<title>{_e(name)} {_e(categories[i])}: {_e(fmt_number(v, unit))}</title></circle>"
                for i, v in enumerate(values)
            )
            + "</g>"
        )
    out.append(
        f'<text x="{_f((frame.x0 + frame.x1) / 2)}" y="{frame.height - 10}" '
        f'text-anchor="middle" fill="#333">month</text>'
    )
    out += _legend(frame, [name for name, _ in series], [color(i) for i in range(len(series))], 22)
    out.append("</svg>")
    return "\n".join(out)
