"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store``: reads are public, writes need the update
token (kgservice.protocol.update.authorize).

``?graph=<IRI>`` or ``?default``; GET/HEAD (content negotiation over the RDF formats), PUT (replace:
201 when the graph is new, 204 otherwise), POST (merge: 201/204 likewise), DELETE (204, or 404 when
the graph does not exist). GET without a graph gives the whole dataset (N-Quads or TriG). A POST
without a graph (server-named graph creation) is not offered: 400.

The default graph is the merge of the named graphs plus what is written to it (mappings.build.merge); each
write is applied as one SPARQL Update request that takes the merge out of the default graph, applies
the write and derives the merge again. ``GET /store?default`` answers the default graph queries see
(the merge and the default graph's own triples); ``DELETE /store?default`` removes its own triples
(the merge stays: it is the named graphs'). A store built before the merge existed answers its own
unnamed graph, as before.
"""

from __future__ import annotations
from urllib.parse import quote
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from kgservice.engine.embedded import get_engine
from kgservice.protocol.update import authorize, check_graph_iri
from kgservice.request import negotiation as formats
from kgservice.request.errors import ServiceError
from kgservice.request.params import media_type_of, read_body, url_params, values

router = APIRouter()

GSP_ALLOW = "GET, HEAD, PUT, POST, DELETE, OPTIONS"


def _target(request: Request, *, allow_dataset: bool) -> str | None:
    """The graph a GSP request addresses: an IRI, "default", or None (the whole dataset)."""
    params = url_params(request)
    keys = [k for k, _ in params]
    unknown = sorted(set(keys) - {"graph", "default", "format"})
    if unknown:
        raise ServiceError("bad_request", f"unexpected parameter {unknown[0]!r}; use graph=<IRI> or default")
    graphs = values(params, "graph")
    if len(graphs) > 1 or (graphs and "default" in keys) or keys.count("default") > 1:
        raise ServiceError("bad_request", "name exactly one graph: graph=<IRI> or default")
    if graphs:
        return check_graph_iri(graphs[0])
    if "default" in keys:
        return "default"
    if not allow_dataset:
        raise ServiceError("bad_request", "name the graph: graph=<IRI> or default")
    return None


def _payload_format(request: Request) -> str:
    fmt = formats.by_media_type(media_type_of(request), "graph")
    if fmt is None:
        raise ServiceError("unsupported_media_type",
                           f"unsupported Content-Type {media_type_of(request) or '(none)'!r} for RDF data; use one of "
                           + ", ".join(f.media_type for f in formats.formats_of("graph")))
    return fmt.name


@router.api_route("/store", methods=["GET", "HEAD"])
async def store_get(request: Request) -> Response:
    graph = _target(request, allow_dataset=True)
    fmt_values = values(url_params(request), "format")
    offers = formats.formats_of("graph")
    if graph is None:  # the whole dataset: only the syntaxes that carry named graphs
        offers = [f for f in offers if f.ox.supports_datasets]
    fmt = formats.choose_among(request.headers.get("accept"), fmt_values, offers, what="the whole dataset"
                               if graph is None else "a graph")
    result = await run_in_threadpool(get_engine(request).dump, graph, fmt.name)
    return Response(result.body, media_type=fmt.content_type, headers={"Vary": "Accept"})


async def _write(request: Request, op: str) -> Response:
    graph = _target(request, allow_dataset=False)
    authorize(request)
    req: dict = {"op": op, "graph": graph}
    if op in ("put", "post"):
        req["format"] = _payload_format(request)
        req["data"] = await read_body(request)
        req["base_iri"] = None if graph == "default" else graph
    outcome = await run_in_threadpool(get_engine(request).write, req)
    if outcome.get("created"):
        location = "/store?" + ("default" if graph == "default" else "graph=" + quote(graph, safe=""))
        return Response(status_code=201, headers={"Location": location})
    return Response(status_code=204)


@router.put("/store")
async def store_put(request: Request) -> Response:
    return await _write(request, "put")


@router.post("/store")
async def store_post(request: Request) -> Response:
    return await _write(request, "post")


@router.delete("/store")
async def store_delete(request: Request) -> Response:
    return await _write(request, "delete")


@router.options("/store")
async def store_options() -> Response:
    return Response(status_code=204, headers={"Allow": GSP_ALLOW})
