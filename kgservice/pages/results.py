"""A named query's answer as an HTML page: its parameters as a form (filled with the values asked
for, else the example), the rows as a table, the page links (first, prev, next) of the answer's
``Link`` header, the other formats of the same answer, and a chart when the rows hold a numeric
column over years (a KPI or statistic series).

In the table an IRI is a link with its label as text when the query also returns ``?xLabel`` for
``?x`` — and its prefixed name beside it, so the IRI stays visible — and a literal shows its
language tag or datatype. The chart takes the first column whose every value names a year (an
``xsd:gYear``/integer year, a label such as 1998年度, or a period IRI ending in it), the first
numeric column after it, and one series per distinct value of the other columns that vary.
"""

from __future__ import annotations
import json
import re
from collections import OrderedDict
from decimal import Decimal, InvalidOperation
from typing import Any
from fastapi import Request
from fastapi.responses import HTMLResponse
from kgservice.queries.registry import NamedQuery
from kgservice.pages.chart import CYCLE, Point, Series, series_chart
from kgservice.pages.describe import term_view
from kgservice.pages.html import Labels, base_iri, render, root_path, wants_html
from kgservice.pages.query_page import bound_text

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "nonNegativeInteger", "positiveInteger")}
YEAR_TEXT = re.compile(r"^(?:fy)?(\d{4})(?:年度|年)?$")
FORMATS = ("json", "csv", "tsv", "xml")


def wanted(request: Request, format_values: list[str]) -> bool:
    """The HTML page: ``format=html``, or no ``format`` and an Accept that prefers text/html (a browser)."""
    if format_values:
        return format_values[0].strip().lower() in ("html", "text/html")
    return wants_html(request)


def _label_columns(names: list[str]) -> dict[str, str]:
    """?xLabel → ?x for every label column whose term column is there too."""
    return {n: n[:-5] for n in names if n.endswith("Label") and n[:-5] in names}


def table(data: dict[str, Any], base: str, root: str) -> dict[str, Any]:
    """Columns and rows of term views (templates/macros.html ``term``) from SPARQL JSON results."""
    names = data["head"].get("vars", [])
    folded = _label_columns(names)
    columns = [n for n in names if n not in folded]
    rows = []
    no_labels = Labels()
    for binding in data["results"]["bindings"]:
        row = []
        for name in columns:
            t, label = binding.get(name), binding.get(name + "Label")
            if t is None:
                row.append(term_view(label, no_labels, base, root) if label else None)
                continue
            view = term_view(t, no_labels, base, root)
            if view["kind"] == "iri" and label:
                view["label"] = label["value"]
            row.append(view)
        rows.append(row)
    return {"columns": columns, "rows": rows}


def _year(t: dict | None, label: dict | None) -> int | None:
    if t is None:
        return None
    if t["type"] == "literal" and t.get("datatype") in (XSD + "gYear", XSD + "integer"):
        m = re.fullmatch(r"\d{4}", t["value"])
        return int(t["value"]) if m else None
    for text in (label["value"] if label else None, t["value"].rsplit("/", 1)[-1]):
        m = YEAR_TEXT.match(text or "")
        if m:
            return int(m.group(1))
    return None


def _number(t: dict | None) -> Decimal | None:
    if t is None or t["type"] != "literal" or t.get("datatype") not in NUMERIC:
        return None
    try:
        value = Decimal(t["value"])
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def chart(data: dict[str, Any], title: str, chart_id: str) -> str:
    """The SVG chart of a numeric column over years ('' when the rows hold none over two years or more)."""
    names = data["head"].get("vars", [])
    rows = data["results"]["bindings"]
    folded = _label_columns(names)
    columns = [n for n in names if n not in folded]

    def year_of(row: dict, n: str) -> int | None:
        return _year(row.get(n), row.get(n + "Label"))

    year_col = next((n for n in columns if rows and all(year_of(r, n) is not None for r in rows)
                     and len({year_of(r, n) for r in rows}) > 1), None)
    if year_col is None:
        return ""
    value_col = next((n for n in columns[columns.index(year_col) + 1:] + columns
                      if n != year_col and any(_number(r.get(n)) is not None for r in rows)), None)
    if value_col is None:
        return ""

    def text(row: dict, n: str) -> str:
        t = row.get(n + "Label") or row.get(n)
        return t["value"] if t else ""

    keys = [n for n in columns if n not in (year_col, value_col) and len({text(r, n) for r in rows}) > 1
            and all(_number(r.get(n)) is None for r in rows)]
    series: OrderedDict[str, Series] = OrderedDict()
    unit = next((text(r, "unit") for r in rows if text(r, "unit")), "")
    for r in rows:
        value = _number(r.get(value_col))
        if value is None:
            continue
        name = " ".join(text(r, k) for k in keys) or (text(r, columns[0]) if columns[0] != year_col else value_col)
        s = series.get(name)
        if s is None:
            s = series[name] = Series(name, name, CYCLE[len(series) % len(CYCLE)])
        s.points.append(Point(year_of(r, year_col), value, f"{value:,}"))
    for s in series.values():
        s.summary = f"{s.name}: " + "、".join(f"{p.year} {p.value:,}{unit}" for p in sorted(s.points, key=lambda p: p.year))
    return series_chart(chart_id, list(series.values()), unit, f"{title}（?{value_col} by ?{year_col}）")


def _links(link_header: str | None) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', link_header or "")}


def page(request: Request, query: NamedQuery, items: list[tuple[str, str]], body: bytes,
         headers: dict[str, str]) -> HTMLResponse:
    """The HTML page of one page of a named query's answer (``body``: SPARQL JSON results)."""
    data = json.loads(body)
    given = dict(items)
    values = {p.name: given[p.name] for p in query.parameters if p.name in given}
    asked = [(k, v) for k, v in items if k != "format"]
    headers = {k: v for k, v in headers.items() if k != "ETag"}  # the JSON's tag is not this page's
    full = {p.name: values.get(p.name) or p.default for p in query.parameters}
    return render(request, "query_results.html", title=query.summary, q=query, values=values,
                  text=bound_text(query, {k: v for k, v in full.items() if v}),
                  table=table(data, base_iri(request), root_path(request)), asked=asked, formats=FORMATS,
                  chart=chart(data, query.summary, query.name), links=_links(headers.get("Link")),
                  headers=headers)
