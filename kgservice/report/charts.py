"""The report's indicator charts: an indicator's observations as one series per role (baseline,
expected, actual, target …), drawn by kgservice.pages.chart."""

from __future__ import annotations
from kgservice.pages.chart import Point, Series, series_chart
from kgservice.report.model import ROLE_EN, ROLE_LABELS, ROLE_ORDER, Indicator, fmt_number

SERIES_STYLE = {  # colour, dash, marker shape: told apart without colour too
    "baseline": ("#6b6b6b", "", "square"),
    "previous": ("#7b3fa0", "2 3", "triangle"),
    "current": ("#1b7f3b", "", "circle"),
    "expected": ("#1f5fbf", "6 4", "circle"),
    "actual": ("#c0392b", "", "circle"),
    "target": ("#b8860b", "", "diamond"),
}


def indicator_chart(ind: Indicator) -> str:
    """The indicator's numeric values by year, one series per role ('' if none can be drawn)."""
    points = [o for o in ind.observations if o.value is not None and o.year is not None]
    if not points:
        return ""
    unit = ind.unit or ""
    roles = [r for r in ROLE_ORDER if any(o.role == r for o in points)]
    roles += sorted({o.role for o in points} - set(roles))
    series = []
    for role in roles:
        obs = [o for o in points if o.role == role]
        s = Series(role, f"{ROLE_LABELS.get(role, role)} {ROLE_EN.get(role, role)}",
                   SERIES_STYLE.get(role, ("#333", "", "circle")))
        for o in obs:
            # the period the value refers to, when printed and not the column's own year
            other = o.data_period and not o.data_period.startswith(str(o.year))
            s.points.append(Point(o.year, o.value, fmt_number(o.value) + (f"（{o.data_period}）" if other else "")))
        s.summary = (f"{ROLE_LABELS.get(role, role)}（{ROLE_EN.get(role, role)}）: "
                     + "、".join(f"{o.period_text} {fmt_number(o.value)}{unit}" for o in obs))
        series.append(s)
    title = f"{ind.label}（{'・'.join(ROLE_LABELS.get(r, r) for r in roles)}の推移、単位: {unit or 'なし'}）"
    fiscal = all(o.fiscal for o in points)
    return series_chart(ind.iri.split("/id/", 1)[-1], series, unit, title, "年度" if fiscal else "")
