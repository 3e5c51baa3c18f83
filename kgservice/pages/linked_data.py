"""Linked-data pages: every IRI the graph mints dereferences at its own path.

A request for ``/id/…``, ``/def/…`` or ``/graph/…`` names the IRI ``settings.base_iri + path``
(so ``https://plankg.org/id/plan/mito-comprehensive-plan-6`` is served at
``/id/plan/mito-comprehensive-plan-6``).  It is answered directly (no 303) with ``Vary: Accept``
and a ``Link`` header listing the alternates:

- HTML for browsers (kgservice.pages.describe gathers it, templates/resource.html shows it);
- Turtle, JSON-LD, N-Triples, RDF/XML by ``Accept``, a ``format`` parameter or a suffix
  (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``): the concise bounded description (the
  resource's triples and those of its blank nodes) plus incoming links and the labels of every
  linked resource.  A ``/def/`` document also carries the terms of its hash namespace
  (``/def/mplan`` holds ``mplan#Plan`` …).

With no preference (``*/*``) the answer is Turtle; browsers ask for text/html first.  An IRI the
graph has no triple about is a 404 (the error envelope; an HTML page for browsers).  The queries are
queries/pages/*.rq with the IRI bound as ``?this``.
"""

from __future__ import annotations
import json
from urllib.parse import quote
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from kgservice.pages.describe import describe
from kgservice.pages.html import base_iri, html_error, local_href, render, root_path, wants_html
from kgservice.queries import internal as internal_queries
from kgservice.queries.internal import run
from kgservice.pages.jsonld import jsonld_response
from kgservice.request import negotiation as formats
from kgservice.request.errors import ServiceError
from kgservice.request.result_headers import result_headers

# Page formats: the HTML page plus the graph formats of kgservice.request.negotiation, by file suffix.
SUFFIXES = {".html": "html", **{"." + f.extension: f.name for f in formats.formats_of("graph")}}
ALTERNATES = ("turtle", "jsonld", "ntriples", "rdfxml")


def _alternates(request: Request, iri: str) -> list[dict[str, str]]:
    path = local_href(iri, base_iri(request), root_path(request))
    out = []
    for name in ALTERNATES:
        fmt = formats.RESULT_FORMATS[name]
        out.append({"name": name, "href": f"{path}.{fmt.extension}", "type": fmt.media_type})
    return out


def _headers(request: Request, iri: str, fmt: str = "html") -> dict[str, str]:
    # One rel="alternate" only: pyld 3.3's loader fails on several. It names the JSON-LD form (which
    # a JSON-LD loader that lands on another form follows), or the Turtle one on the JSON-LD answer;
    # the HTML page lists every form.
    other = "turtle" if fmt == "jsonld" else "jsonld"
    links = [f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in _alternates(request, iri)
             if a["name"] == other]
    if iri.startswith(base_iri(request) + "graph/"):
        links.append(f'<{root_path(request)}store?graph={quote(iri, safe="")}>; rel="related"; '
                     'type="application/n-quads"; title="the graph\'s data"')
    links.append(f'<{iri}>; rel="canonical"')
    # an IRI with non-ASCII characters (a person keyed by the name) goes into a header as its URI
    # (RFC 3987 §3.1: UTF-8, percent-encoded)
    return {"Vary": "Accept", "Link": quote(", ".join(links), safe="".join(map(chr, range(33, 127))) + " ")}


def _choose(request: Request, suffix_format: str | None) -> str:
    """'html' or a graph format name: suffix, then ``format`` parameter, then Accept (every graph format)."""
    return suffix_format or formats.choose_page(request.headers.get("accept"), request.query_params.getlist("format"))


def install(app) -> None:
    """The pages', report's and catalog's queries are read (and checked) when the app is created."""
    internal_queries.install(app)


router = APIRouter()


@router.get("/id/{path:path}", summary="A resource of the graph (linked data)")
@router.get("/def/{path:path}", summary="An ontology term or code list (linked data)")
@router.get("/graph/{path:path}", summary="A named graph (linked data)")
async def resource(request: Request, path: str) -> Response:
    # ASGI gives the path percent-decoded; our IRIs are ASCII slugs, so it is the IRI's own text.
    full, prefix = request.scope["path"], request.scope.get("root_path", "")
    rel = (full[len(prefix):] if prefix and full.startswith(prefix) else full).lstrip("/")
    suffix_format = None
    for suffix, name in SUFFIXES.items():
        if rel.endswith(suffix):
            rel, suffix_format = rel[: -len(suffix)], name
            break
    iri = base_iri(request) + rel
    browser = wants_html(request)
    try:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ServiceError("not_found", f"not an IRI of this graph: {iri}") from None
        fmt = _choose(request, suffix_format)
        browser = fmt == "html"
        is_graph = rel.startswith("graph/")
        exists = await run(request, "pages", "exists-graph" if is_graph else "exists", "json", this=iri)
        if not json.loads(exists.body)["boolean"]:
            raise ServiceError("not_found", f"the graph has no triple about <{iri}>")
        if fmt == "html":
            return render(request, "resource.html", **await describe(request, iri),
                          alternates=_alternates(request, iri), headers=_headers(request, iri))
        name = "describe-graph" if is_graph else "describe-namespace" if rel.startswith("def/") else "describe"
        result = await run(request, "pages", name, "ntriples" if fmt == "jsonld" else fmt, this=iri)
        headers = {**_headers(request, iri, fmt), **result_headers(result.row_count)}
        if fmt == "jsonld":  # compacted against the published context, or the profile asked for
            return jsonld_response(request, result.body, headers)
        return Response(result.body, media_type=formats.RESULT_FORMATS[fmt].content_type, headers=headers)
    except ServiceError as exc:
        if browser and exc.status >= 400:
            return html_error(request, exc)
        raise
