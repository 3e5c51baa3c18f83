"""The HTML side shared by every page (linked data, home, query page, named queries, report, catalog):
the Jinja templates, prefixes and prefixed names, local links for the graph's own IRIs, the label
preference, whether a request is a browser's, and the HTML error page.
"""

from __future__ import annotations
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from mappings.vocabulary import PREFIXES as VOCABULARY
from kgservice.request import negotiation as formats
from kgservice.request.errors import ServiceError, envelope

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

PREFIXES: dict[str, str] = {p: str(ns) for p, ns in VOCABULARY.items()}
# The data namespace depends on settings.base_iri; it is added per request as ``id:``.



def sparql_prefixes(names: list[str] | None = None) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if names is None or p in names)


@cache
def templates() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def base_iri(request: Request) -> str:
    return request.app.state.settings.base_iri


def root_path(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/") + "/"


def local_href(iri: str, base: str, root: str = "/") -> str:
    """A link for an IRI: our own IRIs (base + id/, def/, graph/) as local paths."""
    if iri.startswith(base):
        rest = iri[len(base):]
        if rest.startswith(("id/", "def/", "graph/")):
            return root + quote(rest, safe="/#-._~:@!$&'()*+,;=%")
    return iri


def curie(iri: str, base: str) -> str:
    if iri.startswith(base + "id/"):
        return "id:" + iri[len(base) + 3:]
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def wants_html(request: Request, default_html: bool = False) -> bool:
    """True when the Accept header prefers text/html over JSON/RDF (a browser)."""
    offers = ["text/html", "application/json"] if default_html else ["application/json", "text/html"]
    try:
        return formats.negotiate(request.headers.get("accept"), offers) == "text/html"
    except ServiceError:
        return False


def render(request: Request, template: str, *, status: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    base = base_iri(request)
    root = root_path(request)
    context.setdefault("title", "PlanKG")
    html = templates().get_template(template).render(
        request=request, root=root, base=base,
        href=lambda iri: local_href(iri, base, root),
        curie=lambda iri: curie(iri, base),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def html_error(request: Request, exc: ServiceError) -> HTMLResponse:
    return render(request, "error.html", status=exc.status, title=f"{exc.status} {exc.kind}",
                  error=envelope(exc.kind, exc.message)["error"], headers=exc.headers or None)



def _label_pref(lang: str) -> int:
    return {"ja": 0, "": 1, "en": 2}.get(lang.lower().split("-")[0], 3)


class Labels:
    """The preferred label of each term: Japanese, then untagged, then English."""

    def __init__(self) -> None:
        self._best: dict[str, tuple[int, str]] = {}

    def add(self, term: dict | None, label: dict | None) -> None:
        if not term or not label:
            return
        key = term["value"]
        rank = _label_pref(label.get("xml:lang", ""))
        if key not in self._best or rank < self._best[key][0]:
            self._best[key] = (rank, label["value"])

    def get(self, term: dict | str) -> str | None:
        key = term if isinstance(term, str) else term["value"]
        hit = self._best.get(key)
        return hit[1] if hit else None

