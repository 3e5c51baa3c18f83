"""The browser query page (``GET /query``) and the page's own static files (``GET /static/…``).

The page is a textarea with a SPARQL highlighter of our own drawn underneath it
(static/sparql.js: a tokenizer writing spans into a <pre> that scrolls with the textarea). The
project's prefixes are not written into the editor: the page adds a ``PREFIX`` line for each known
prefix the query uses and does not declare (the list is shown, folded, beside the editor). The
named queries are the examples, each with its example values bound the way the remote engine binds
parameters (a ``VALUES`` block in the outermost group and the sub-SELECTs projecting them,
kgservice.engine.values), so an example runs as is and answers what the named query answers.
Run POSTs the query to ``/sparql`` asking for JSON (N-Triples for graphs) and renders a table: IRIs
are links (local links for the graph's own IRIs) with their prefixed name beside the label when
the query also returns ``?xLabel`` for ``?x``.  The query goes into the page URL
(``/query?query=…``) when run, and a page opened with ``?query=`` runs it at once, so a URL is a
shareable result.  Download links point at ``/sparql?query=…&format=…`` for each format the query
form allows.  No CDN and no third-party script: the files under static/ are all of it.
"""

from __future__ import annotations
import json
from pathlib import Path
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from kgservice.request import negotiation as formats
from kgservice.request.errors import ServiceError
from kgservice.engine.embedded import get_engine
from kgservice.engine.sparqltext import scan
from kgservice.engine.values import bind_values
from kgservice.request.base import endpoint_iri
from kgservice.queries.registry import NamedQuery
from kgservice.pages.html import PREFIXES, base_iri, render, root_path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

DEFAULT_QUERY = """SELECT ?plan ?planLabel ?publisher ?publisherLabel WHERE {
  ?plan a mplan:Plan ;
        dct:title ?planLabel ;
        dct:publisher ?publisher .
  FILTER(lang(?planLabel) = "ja")
  OPTIONAL { ?publisher rdfs:label ?publisherLabel FILTER(lang(?publisherLabel) = "ja") }
}
ORDER BY ?plan
LIMIT 100
"""

router = APIRouter()


def prefixes(request: Request) -> dict[str, str]:
    """The prefixes the page adds when a query uses them: the project's, and ``id:`` for the data."""
    return {**PREFIXES, "id": f"{base_iri(request)}id/"}


def bound_text(query: NamedQuery, values: dict[str, str] | None = None) -> str:
    """The named query's text with values bound (the example's by default; a comment names them)."""
    if values is None:
        values = {p.name: query.example.get(p.name, p.default) for p in query.parameters}
    values = {k: v for k, v in values.items() if v not in (None, "")}
    if not values:
        return query.text
    bound = bind_values(query.text, query.substitutions({k: [v] for k, v in values.items()}), every_group=False)
    names = ", ".join(f"{k} = {v}" for k, v in values.items())
    return (f"# values: {names} (the VALUES block binds them; /queries/{query.name} takes them as parameters)\n"
            + bound)


@router.get("/query", summary="Query page (HTML)")
def query_page(request: Request, query: str | None = None) -> Response:
    named = getattr(request.app.state, "named_queries", {})
    examples = [{"name": q.name, "summary": q.summary, "form": q.form, "text": bound_text(q),
                 "parameters": [p.name for p in q.parameters]}
                for q in named.values()]
    initial = query if query is not None else DEFAULT_QUERY
    result_formats = {kind: [f.name for f in formats.formats_of(kind)] for kind in ("results", "graph")}
    return render(request, "query.html", title="SPARQL query — PlanKG", initial=initial, prefixes=prefixes(request),
                  examples=examples, result_formats=result_formats, auto_run=query is not None)


@router.get("/query/view", summary="A SELECT's answer as a table and, for a numeric column over years, a chart (HTML)")
async def query_view(request: Request, query: str) -> Response:
    from kgservice.pages.results import FORMATS, chart, table

    scanned = scan(query)
    if scanned.form != "select":
        raise ServiceError("bad_request", "the table and chart view is for SELECT queries; run others at /query")
    result = await get_engine(request).aexecute(query, "json", scanned=scanned,
                                                base_iri=endpoint_iri(request.app.state.settings))
    data = json.loads(result.body)
    return render(request, "query_view.html", title="Query results — PlanKG", text=query, formats=FORMATS,
                  table=table(data, base_iri(request), root_path(request)), chart=chart(data, "query", "query-view"))


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    path = STATIC_DIR / name
    # Only the files that are there, by plain name: no sub-paths, no dot files.
    if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES or not path.is_file():
        raise ServiceError("not_found", f"no static file {name!r}")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=300"})
