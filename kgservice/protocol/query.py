"""The SPARQL 1.1 Protocol at ``/sparql`` — query operation, service description, strict checks.

Query: ``GET /sparql?query=…``, ``POST`` with ``application/x-www-form-urlencoded`` (``query=…``) or
with ``application/sparql-query`` (the body is the query); ``default-graph-uri`` and
``named-graph-uri`` are repeatable and, when present, replace the query's dataset (FROM/FROM NAMED).
Update: ``POST`` with ``update=…`` or ``application/sparql-update`` goes to kgservice.protocol.update.
``GET /sparql`` without a query answers the SPARQL 1.1 Service Description (Turtle by default;
kgservice.protocol.service_description).

Base IRI: relative IRIs (``CONSTRUCT { <s> <p> 1 } WHERE {}``) resolve against the endpoint's URL
under the configured base (``settings.base_iri`` + ``sparql``, kgservice.request.base), whatever Host
the request names; a ``BASE`` in the request wins.

Default graph: the RDF merge of all named graphs, each triple once (``settings.union_default_graph``,
mappings.build.merge) — ``sd:UnionDefaultGraph`` in the service description, whose ``void:triples`` for it
are its distinct triples; every named graph is addressable with ``GRAPH``, FROM/FROM NAMED and the
dataset parameters, and listed in the service description with its own count.

Strict checks (as Oxigraph server): an unknown parameter, several ``query`` values, ``query`` with
``update``, an update by GET, a body that is not UTF-8 → 400; an unsupported POST content type or a
declared charset other than UTF-8 → 415;
a request over ``max_request_bytes`` → 413; no acceptable format → 406; HEAD answers GET's headers.
Every error uses the envelope of kgservice.request.errors.

Row cap (kgservice.engine.contract): a result over ``max_rows`` is refused with ``too_many_rows`` in the
error envelope, never cut; ``X-Result-Rows`` on every SELECT/CONSTRUCT/DESCRIBE answer.
"""

from __future__ import annotations
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from kgservice.engine.embedded import get_engine
from kgservice.engine.sparqltext import scan
from kgservice.protocol import service_description
from kgservice.pages.html import wants_html
from kgservice.pages.query_page import query_page
from kgservice.protocol import update as updates
from kgservice.request import negotiation as formats
from kgservice.request.base import endpoint_iri
from kgservice.request.errors import ServiceError
from kgservice.request.params import FORM, Params, media_type_of, parse_form, read_text, url_params, values
from kgservice.request.result_headers import result_headers

router = APIRouter()

QUERY_PARAMS = {"query", "default-graph-uri", "named-graph-uri", "format", "output", "results"}
UPDATE_PARAMS = {"update", *updates.USING_PARAMS}
FORMAT_PARAMS = ("format", "output", "results")  # SPARQLWrapper sends all three
ALLOW = "GET, HEAD, POST, OPTIONS"
QUERY_TYPE, UPDATE_TYPE = "application/sparql-query", "application/sparql-update"


def check_params(params: Params) -> None:
    keys = {k for k, _ in params}
    unknown = sorted(keys - QUERY_PARAMS - UPDATE_PARAMS)
    if unknown:
        raise ServiceError("bad_request", f"unexpected parameter {unknown[0]!r}; allowed: "
                           + ", ".join(sorted(QUERY_PARAMS | UPDATE_PARAMS)))
    if len(values(params, "query")) > 1:
        raise ServiceError("bad_request", "several 'query' parameters: send exactly one query")
    if len(values(params, "update")) > 1:
        raise ServiceError("bad_request", "several 'update' parameters: send exactly one update request")
    if "query" in keys and "update" in keys:
        raise ServiceError("bad_request", "'query' and 'update' in one request: send them separately")
    if "query" in keys and keys & (UPDATE_PARAMS - {"update"}):
        raise ServiceError("bad_request", "using-graph-uri/using-named-graph-uri belong to updates")
    if "update" in keys and keys & {"default-graph-uri", "named-graph-uri"}:
        raise ServiceError("bad_request", "default-graph-uri/named-graph-uri belong to queries; "
                           "use using-graph-uri/using-named-graph-uri")


def format_values(params: Params) -> list[str]:
    return [v for k, v in params if k in FORMAT_PARAMS and v.strip()]


async def run_query(request: Request, params: Params) -> Response:
    query = values(params, "query")[0]
    if not query.strip():
        raise ServiceError("bad_request", "the query is empty")
    scanned = scan(query)
    if scanned.form == "update":
        raise ServiceError("bad_request", "this is a SPARQL Update: POST it as 'update' "
                           f"(form field) or with Content-Type {UPDATE_TYPE}")
    kind = {"select": "results", "ask": "results", "construct": "graph", "describe": "graph"}.get(scanned.form)
    fmt = formats.choose(request.headers.get("accept"), format_values(params), kind)
    default_graphs, named_graphs = values(params, "default-graph-uri"), values(params, "named-graph-uri")
    for iri in default_graphs + named_graphs:
        updates.check_graph_iri(iri)
    result = await get_engine(request).aexecute(
        query, fmt.name, scanned=scanned, default_graph_uris=default_graphs or None,
        named_graph_uris=named_graphs or None, base_iri=endpoint_iri(request.app.state.settings))
    return Response(result.body, media_type=formats.content_type(result.media_type),
                    headers=result_headers(result.row_count))


def _description(request: Request, fmt: formats.ResultFormat) -> bytes:
    triples = service_description.describe(request.app.state.settings, get_engine(request).dataset())
    return formats.serialize(triples, fmt, service_description.PREFIXES)


# --------------------------------------------------------------------------- routes


@router.api_route("/sparql", methods=["GET", "HEAD"])
async def sparql_get(request: Request) -> Response:
    params = url_params(request)
    check_params(params)
    if values(params, "update"):
        raise ServiceError("bad_request", "SPARQL Update must be sent by POST", headers={"Allow": ALLOW})
    if not values(params, "query"):
        if set(k for k, _ in params) - set(FORMAT_PARAMS):
            raise ServiceError("bad_request", "dataset parameters without a 'query'")
        if not format_values(params) and wants_html(request):  # a browser (text/html first): the query page
            return query_page(request)
        fmt = formats.choose(request.headers.get("accept"), format_values(params), "graph")
        body = await run_in_threadpool(_description, request, fmt)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
    return await run_query(request, params)


@router.post("/sparql")
async def sparql_post(request: Request) -> Response:
    params = url_params(request)
    ctype = media_type_of(request)
    if ctype == FORM:
        params += parse_form(await read_text(request, "form body"))
    elif ctype == QUERY_TYPE:
        params.append(("query", await read_text(request, "query")))
    elif ctype == UPDATE_TYPE:
        params.append(("update", await read_text(request, "update")))
    else:
        raise ServiceError("unsupported_media_type",
                           f"unsupported Content-Type {ctype or '(none)'!r}: use {QUERY_TYPE}, {UPDATE_TYPE} or {FORM}")
    check_params(params)
    if values(params, "update"):
        return await updates.run_update(request, params)
    if not values(params, "query"):
        raise ServiceError("bad_request", "no 'query' or 'update' in the request")
    return await run_query(request, params)


@router.options("/sparql")
async def sparql_options() -> Response:
    return Response(status_code=204, headers={"Allow": ALLOW})
