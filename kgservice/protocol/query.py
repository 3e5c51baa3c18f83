"""The SPARQL 1.1 Protocol at ``/sparql`` — query operation, service description, strict checks.

Query: ``GET /sparql?query=…``, ``POST`` with ``application/x-www-form-urlencoded`` (``query=…``) or
with ``application/sparql-query`` (the body is the query); ``default-graph-uri`` and
``named-graph-uri`` are repeatable and, when present, replace the query's dataset (FROM/FROM NAMED).
Update: ``POST`` with ``update=…`` or ``application/sparql-update`` goes to kgservice.protocol.update.
``GET /sparql`` without a query answers the SPARQL 1.1 Service Description (Turtle by default).

Default graph: the RDF merge of all named graphs, each triple once (``settings.union_default_graph``,
mappings.build.merge) — ``sd:UnionDefaultGraph`` in the service description, whose ``void:triples`` for it
are its distinct triples; every named graph is addressable with ``GRAPH``, FROM/FROM NAMED and the
dataset parameters, and listed in the service description with its own count.

Strict checks (as Oxigraph server): an unknown parameter, several ``query`` values, ``query`` with
``update``, an update by GET, a body that is not UTF-8 → 400; an unsupported POST content type → 415;
a request over ``max_request_bytes`` → 413; no acceptable format → 406; HEAD answers GET's headers.
Every error uses the envelope of kgservice.request.errors.

Row cap signal (see kgservice.engine.embedded): ``X-Result-Truncated: true``, ``X-Result-Max-Rows`` and a
``Warning: 199`` header when the result was cut at ``max_rows``; ``X-Result-Rows`` always.
"""

from __future__ import annotations
from urllib.parse import parse_qsl
import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from kgservice.request import negotiation as formats
from kgservice.protocol import update as updates
from kgservice.engine.embedded import EngineResult, get_engine
from kgservice.request.errors import ServiceError
from kgservice.engine.sparqltext import scan

router = APIRouter()

QUERY_PARAMS = {"query", "default-graph-uri", "named-graph-uri", "format", "output", "results"}
UPDATE_PARAMS = {"update", "using-graph-uri", "using-named-graph-uri"}
FORMAT_PARAMS = ("format", "output", "results")  # SPARQLWrapper sends all three
ALLOW = "GET, HEAD, POST, OPTIONS"

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "nquads": "http://www.w3.org/ns/formats/N-Quads",
    "trig": "http://www.w3.org/ns/formats/TriG",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
}


# --------------------------------------------------------------------------- request reading


def url_params(request: Request) -> list[tuple[str, str]]:
    settings = request.app.state.settings
    raw = request.url.query
    if len(raw.encode()) > settings.max_request_bytes:
        raise ServiceError("payload_too_large", f"the query string exceeds {settings.max_request_bytes} bytes")
    return parse_form(raw)


def parse_form(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError("bad_request", f"malformed form or query string: {exc}") from None


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes ``max_request_bytes``."""
    limit = request.app.state.settings.max_request_bytes
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise ServiceError("payload_too_large", f"the request body exceeds {limit} bytes")
        except ValueError:
            raise ServiceError("bad_request", "malformed Content-Length") from None
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError("payload_too_large", f"the request body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError("bad_request", f"the {what} is not UTF-8: {exc}") from None


def media_type_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def values(params: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in params if k == key]


def check_params(params: list[tuple[str, str]]) -> None:
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


# --------------------------------------------------------------------------- responses


def result_headers(result: EngineResult, max_rows: int) -> dict[str, str]:
    """Headers for an Engine result: Vary, the row count and the explicit truncation signal."""
    headers = {"Vary": "Accept"}
    if result.row_count is not None:
        headers["X-Result-Rows"] = str(result.row_count)
    if result.truncated:
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Max-Rows"] = str(max_rows)
        headers["Warning"] = (f'199 plankg "result truncated to the first {max_rows} rows; '
                              'page with LIMIT/OFFSET"')
    return headers


async def run_query(request: Request, params: list[tuple[str, str]]) -> Response:
    settings = request.app.state.settings
    query = values(params, "query")[0]
    if not query.strip():
        raise ServiceError("bad_request", "the query is empty")
    scanned = scan(query)
    if scanned.form == "update":
        raise ServiceError("bad_request", "this is a SPARQL Update: POST it as 'update' "
                           "(form field) or with Content-Type application/sparql-update")
    kind = {"select": "results", "ask": "results", "construct": "graph", "describe": "graph"}.get(scanned.form)
    fmt = formats.choose(request.headers.get("accept"), _format_values(params), kind)
    for iri in values(params, "default-graph-uri") + values(params, "named-graph-uri"):
        _check_iri(iri)
    result = await get_engine(request).aexecute(
        query, fmt.name, scanned=scanned,
        default_graph_uris=values(params, "default-graph-uri") or None,
        named_graph_uris=values(params, "named-graph-uri") or None,
    )
    return Response(result.body, media_type=formats.content_type(result.media_type),
                    headers=result_headers(result, settings.max_rows))


def _format_values(params: list[tuple[str, str]]) -> list[str]:
    return [v for k, v in params if k in FORMAT_PARAMS and v.strip()]


def _check_iri(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ServiceError("bad_request", f"invalid graph IRI {iri!r}: {exc}") from None


# --------------------------------------------------------------------------- service description


def service_description(request: Request, fmt: formats.ResultFormat) -> bytes:
    settings = request.app.state.settings
    engine = get_engine(request)
    endpoint = ox.NamedNode(str(request.url.replace(query="", fragment="")).rstrip("?"))
    service = ox.NamedNode(endpoint.value + "#service")
    sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731
    triples: list[ox.Triple] = []
    add = lambda s, p, o: triples.append(ox.Triple(s, p, o))  # noqa: E731
    add(service, RDF_TYPE, sd("Service"))
    add(service, sd("endpoint"), endpoint)
    add(service, sd("supportedLanguage"), sd("SPARQL11Query"))
    if settings.updates_enabled:
        add(service, sd("supportedLanguage"), sd("SPARQL11Update"))
    for name in formats.RESULT_FORMATS:
        add(service, sd("resultFormat"), ox.NamedNode(FORMAT_IRIS[name]))
    if settings.union_default_graph:
        add(service, sd("feature"), sd("UnionDefaultGraph"))
    if settings.service_allowlist:
        add(service, sd("feature"), sd("BasicFederatedQuery"))
    add(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple"))
    dataset = engine.dataset()
    ds, dg = ox.BlankNode(), ox.BlankNode()
    add(service, sd("defaultDataset"), ds)
    add(ds, RDF_TYPE, sd("Dataset"))
    add(ds, sd("defaultGraph"), dg)
    add(dg, RDF_TYPE, sd("Graph"))
    add(dg, ox.NamedNode(VOID + "triples"), ox.Literal(str(dataset["default_triples"]),
                                                      datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    for iri, count in dataset["graphs"]:
        ng, g = ox.BlankNode(), ox.BlankNode()
        add(ds, sd("namedGraph"), ng)
        add(ng, RDF_TYPE, sd("NamedGraph"))
        add(ng, sd("name"), ox.NamedNode(iri))
        add(ng, sd("graph"), g)
        add(g, RDF_TYPE, sd("Graph"))
        add(g, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
        add(g, ox.NamedNode(VOID + "triples"), ox.Literal(str(count),
                                                         datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdf_format = getattr(ox.RdfFormat, {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS",
                                        "trig": "TRIG", "rdfxml": "RDF_XML", "jsonld": "JSON_LD"}[fmt.name])
    prefixes = {"sd": SD, "void": VOID} if fmt.name in ("turtle", "trig", "rdfxml") else None
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return ox.serialize(quads, format=rdf_format, prefixes=prefixes)


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
        fmt = formats.choose(request.headers.get("accept"), _format_values(params), "graph")
        body = await run_in_threadpool(service_description, request, fmt)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
    return await run_query(request, params)


@router.post("/sparql")
async def sparql_post(request: Request) -> Response:
    params = url_params(request)
    ctype = media_type_of(request)
    if ctype == "application/x-www-form-urlencoded":
        params += parse_form(decode(await read_body(request), "form body"))
    elif ctype == "application/sparql-query":
        params.append(("query", decode(await read_body(request), "query")))
    elif ctype == "application/sparql-update":
        params.append(("update", decode(await read_body(request), "update")))
    else:
        raise ServiceError("unsupported_media_type",
                           f"unsupported Content-Type {ctype or '(none)'!r}: use application/sparql-query, "
                           "application/sparql-update or application/x-www-form-urlencoded")
    check_params(params)
    if values(params, "update"):
        return await updates.run_update(request, params)
    if not values(params, "query"):
        raise ServiceError("bad_request", "no 'query' or 'update' in the request")
    return await run_query(request, params)


@router.options("/sparql")
async def sparql_options() -> Response:
    return Response(status_code=204, headers={"Allow": ALLOW})
