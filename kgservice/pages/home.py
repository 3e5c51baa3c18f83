"""The home page (``GET /``): the graph browsed by city → plan → structure.

Each city (by local government code) lists the plans it publishes — those with recorded elements
first, by size — each with its audit-trail report and its top-level elements (kind, number as
printed, how many parts lie below), then the plans its documents only mention, then its source
documents. Queries: queries/pages/home-*.rq.
"""

from __future__ import annotations
from collections import OrderedDict, defaultdict
from typing import Any
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from kgservice.pages.html import render
from kgservice.queries.internal import select

router = APIRouter()


def _number_key(number: str | None) -> tuple:
    """Printed numbers in reading order: 2 before 10, unnumbered last."""
    if not number:
        return (1, 0, "")
    digits = "".join(ch for ch in number if ch.isdigit())
    return (0, int(digits) if digits else 0, number)


def _value(row: dict, name: str) -> str | None:
    return row[name]["value"] if name in row else None


def cities(plan_rows: list[dict], structure_rows: list[dict], document_rows: list[dict]) -> list[dict[str, Any]]:
    """The home page's tree from the three queries' bindings."""
    structure: dict[str, list[dict]] = defaultdict(list)
    for r in structure_rows:
        structure[_value(r, "plan")].append({
            "iri": _value(r, "element"), "label": _value(r, "label"), "number": _value(r, "number"),
            "kind": _value(r, "kindLabel"), "parts": int(_value(r, "parts") or 0)})
    for elements in structure.values():
        elements.sort(key=lambda e: (_number_key(e["number"]), e["iri"]))
    out: OrderedDict[str, dict] = OrderedDict()
    for r in plan_rows:  # ordered by code, then the largest plans first
        city = out.setdefault(_value(r, "city"), {"iri": _value(r, "city"), "label": _value(r, "cityLabel"),
                                                   "code": _value(r, "code"), "plans": [], "mentioned": [],
                                                   "documents": []})
        plan = {"iri": _value(r, "plan"), "title": _value(r, "title"), "elements": int(_value(r, "elements") or 0),
                "structure": structure.get(_value(r, "plan"), [])}
        city["plans" if plan["elements"] else "mentioned"].append(plan)
    for r in document_rows:
        city = out.get(_value(r, "city"))
        if city is not None:
            city["documents"].append({"iri": _value(r, "doc"), "title": _value(r, "title"), "file": _value(r, "file"),
                                      "lines": _value(r, "lines"), "start": _value(r, "start"),
                                      "end": _value(r, "end")})
    return list(out.values())


@router.get("/", summary="Home page", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    tree = cities(await select(request, "pages", "home-plans"), await select(request, "pages", "home-structure"),
                  await select(request, "pages", "home-documents"))
    queries = getattr(request.app.state, "named_queries", {})
    return render(request, "home.html", title="PlanKG — 自治体計画ナレッジグラフ", cities=tree,
                  queries=list(queries.values()))
