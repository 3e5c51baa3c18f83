"""Line charts as inline SVG (no JavaScript): values by year, one line per series.

``series_chart`` draws any series of (year, value) points: the report's indicator charts
(kgservice.report.charts) and the chart view of a named query's results (kgservice.pages.results)
use it. Every point carries its value as text, the legend names each series, lines are told apart
by dash and marker shape as well as colour, and ``<title>``/``<desc>`` give the same content to
assistive technology.
"""

from __future__ import annotations
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

# Colour, dash, marker shape of series without a style of their own, in order.
CYCLE = [("#c0392b", "", "circle"), ("#1f5fbf", "6 4", "circle"), ("#1b7f3b", "", "circle"),
         ("#b8860b", "", "diamond"), ("#7b3fa0", "2 3", "triangle"), ("#6b6b6b", "", "square")]


@dataclass
class Point:
    year: int
    value: Decimal
    text: str  # the label written above the point


@dataclass
class Series:
    key: str  # data-role of its SVG group
    name: str  # the legend's text
    style: tuple[str, str, str]  # colour, dash, marker shape
    points: list[Point] = field(default_factory=list)
    summary: str = ""  # the series in words, for <desc>


def _nice_step(span: float) -> float:
    raw = span / 4 if span > 0 else 1
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt_tick(v: float, step: float) -> str:
    decimals = next((d for d in range(5) if abs(round(step, d) - step) < 1e-9), 4)
    return f"{v:,.{decimals}f}"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y:.1f} L{x:.1f} {y + 6:.1f} L{x - 6:.1f} {y:.1f} Z" '
                f'fill="{colour}"/>')
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" stroke="#fff" stroke-width="1"/>'


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def series_chart(chart_id: str, series: list[Series], unit: str, title: str, year_suffix: str = "") -> str:
    """An SVG line chart of the series ('' when no series has a point)."""
    series = [s for s in series if s.points]
    if not series:
        return ""
    cid = "c-" + re.sub(r"[^A-Za-z0-9]+", "-", chart_id)[-80:]
    width, height = 720, 300
    left, right, top, bottom = 72, 24, 58, 44
    inset = 34  # keeps the first and last value labels clear of the axis and the edge
    pw, ph = width - left - right, height - top - bottom
    years = sorted({p.year for s in series for p in s.points})
    y0, y1 = years[0], years[-1]
    span_years = max(1, y1 - y0)

    def sx(year: int) -> float:
        return left + (pw / 2 if y0 == y1 else inset + (year - y0) / span_years * (pw - 2 * inset))

    values = [float(p.value) for s in series for p in s.points]
    lo, hi = min(values), max(values)
    if lo >= 0 and lo <= 0.5 * hi:
        lo = 0.0
    span = hi - lo or abs(hi) or 1.0
    step = _nice_step(span * 1.1)
    lo_t = math.floor((lo - (0 if lo == 0 else span * 0.05)) / step) * step
    hi_t = math.ceil((hi + span * 0.08) / step) * step
    if hi_t <= lo_t:
        hi_t = lo_t + step

    def sy(v: float) -> float:
        return top + ph - (v - lo_t) / (hi_t - lo_t) * ph

    desc = "。".join(s.summary for s in series) + "。"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" aria-labelledby="{cid}-t {cid}-d">',
           f'<title id="{cid}-t">{xml_escape(title)}</title>',
           f'<desc id="{cid}-d">{xml_escape(desc)}</desc>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>']
    # grid and y axis
    n_ticks = int(round((hi_t - lo_t) / step))
    for i in range(n_ticks + 1):
        v = lo_t + i * step
        y = sy(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                   f'stroke="{"#999" if abs(v) < step / 1e6 else "#e3e3e3"}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt_tick(v, step)}</text>')
    out.append(f'<text x="{left - 6}" y="{top - 10}" text-anchor="end" class="axis">{xml_escape(unit)}</text>')
    # x axis
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#666"/>')
    for year in years:
        x = sx(year)
        out.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" stroke="#666"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle" class="tick">'
                   f'{year}{year_suffix}</text>')
    # legend
    lx = left
    for s in series:
        colour, dash, shape = s.style
        out.append(f'<g class="legend" data-role="{xml_escape(s.key)}">'
                   f'<line x1="{lx}" y1="{16}" x2="{lx + 22}" y2="{16}" stroke="{colour}" stroke-width="2"{_dash(dash)}/>'
                   + _marker(shape, lx + 11, 16, colour)
                   + f'<text x="{lx + 28}" y="{20}" class="legend-text">{xml_escape(s.name)}</text></g>')
        lx += 28 + 13 * len(s.name) * 0.62 + 18
    # series
    labels: list[dict] = []
    for s in series:
        colour, dash, shape = s.style
        pts = sorted(s.points, key=lambda p: p.year)
        group = [f'<g class="series" data-role="{xml_escape(s.key)}">']
        if len(pts) > 1:
            path = " ".join(f"{sx(p.year):.1f},{sy(float(p.value)):.1f}" for p in pts)
            group.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{_dash(dash)}/>')
        for p in pts:
            x, y = sx(p.year), sy(float(p.value))
            group.append(_marker(shape, x, y, colour))
            labels.append({"x": x, "y": y - 10, "text": p.text, "colour": colour, "role": s.key})
        group.append("</g>")
        out.extend(group)
    # value labels centred above their point; labels of one year pushed apart so none overlap
    by_x: dict[float, list[dict]] = defaultdict(list)
    for lab in labels:
        by_x[round(lab["x"], 1)].append(lab)
    for group in by_x.values():
        group.sort(key=lambda lab: lab["y"])
        for a, b in zip(group, group[1:]):
            if b["y"] - a["y"] < 15:
                b["y"] = a["y"] + 15
        overflow = group[-1]["y"] - (top + ph - 4)
        if overflow > 0:  # pushed below the plot: shift the stack up
            for lab in group:
                lab["y"] -= overflow
    for lab in labels:
        out.append(f'<text x="{lab["x"]:.1f}" y="{lab["y"]:.1f}" text-anchor="middle" class="value" '
                   f'fill="{lab["colour"]}" data-role="{xml_escape(lab["role"])}">{xml_escape(lab["text"])}</text>')
    out.append("</svg>")
    return "\n".join(out)
