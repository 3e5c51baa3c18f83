"""SPARQL 1.1 Update (``POST /sparql``) and the Graph Store Protocol (``/store``), token-protected.

Off by default: with no ``update_token`` configured every write is 403 (``forbidden``). With a token,
a write needs ``Authorization: Bearer <token>``: none → 401 with ``WWW-Authenticate: Bearer``; a
wrong one → 403. Tokens are compared with ``hmac.compare_digest`` and never logged (the setting is a
SecretStr). Reads of ``/store`` (GET/HEAD) are public, like queries.

Every write goes through the Engine's single writer (readers stop, one process writes, readers
re-open — see kgservice.engine.embedded), so a later query sees the change. The graph is rebuilt from the
records by ``plankg build``; a write here lasts until the next build.

The default graph is the merge of the named graphs plus what is written to it (mappings.build.merge); each
write is applied as one SPARQL Update request that takes the merge out of the default graph, applies
the write and derives the merge again. So a write sees and changes the default graph as it always
did — its own triples, which queries see beside the named graphs' — and no triple of two graphs is
ever counted twice. ``GET /store?default`` answers the default graph queries see (the merge and the
default graph's own triples); ``DELETE /store?default`` removes its own triples (the merge stays: it is
the named graphs'). A store built before the merge existed answers its own unnamed graph, as before.

Graph Store Protocol at ``/store``: ``?graph=<IRI>`` or ``?default``; GET/HEAD (conneg over the RDF formats), PUT (replace:
201 when the graph is new, 204 otherwise), POST (merge: 201/204 likewise), DELETE (204, or 404 when
the graph does not exist). GET without a graph gives the whole dataset (N-Quads or TriG). A POST
without a graph (server-named graph creation) is not offered: 400.
"""

from __future__ import annotations
import hmac
import logging
from urllib.parse import quote
import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from kgservice.request import negotiation as formats
from kgservice.engine.embedded import get_engine
from kgservice.request.errors import ServiceError

log = logging.getLogger("kgservice.protocol.update")
router = APIRouter()

GSP_ALLOW = "GET, HEAD, PUT, POST, DELETE, OPTIONS"


def authorize(request: Request) -> None:
    settings = request.app.state.settings
    if settings.update_token is None:
        raise ServiceError("forbidden", "updates are disabled on this endpoint (no update token is configured)")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ServiceError("unauthorized", "this write needs an 'Authorization: Bearer <token>' header",
                           headers={"WWW-Authenticate": 'Bearer realm="plankg"'})
    expected = settings.update_token.get_secret_value().encode()
    if not hmac.compare_digest(given.strip().encode(), expected):
        log.warning("rejected a write with a wrong token from %s", request.client.host if request.client else "?")
        raise ServiceError("forbidden", "the bearer token is not valid",
                           headers={"WWW-Authenticate": 'Bearer realm="plankg", error="invalid_token"'})


async def run_update(request: Request, params: list[tuple[str, str]]) -> Response:
    """POST /sparql with an update (form field or application/sparql-update body)."""
    authorize(request)
    update = next(v for k, v in params if k == "update")
    if not update.strip():
        raise ServiceError("bad_request", "the update is empty")
    using = [v for k, v in params if k in ("using-graph-uri", "using-named-graph-uri")]
    if using:
        # pyoxigraph's update() takes no dataset arguments; rather than ignore them, refuse.
        raise ServiceError("bad_request", "using-graph-uri/using-named-graph-uri are not supported: "
                           "write USING/USING NAMED in the update")
    await run_in_threadpool(get_engine(request).write, {"op": "update", "update": update})
    return Response(status_code=204)


def _target(request: Request, *, allow_dataset: bool) -> str | None:
    """The graph a GSP request addresses: an IRI, "default", or None (the whole dataset)."""
    from kgservice.protocol.query import url_params

    params = url_params(request)
    keys = [k for k, _ in params]
    unknown = sorted(set(keys) - {"graph", "default", "format"})
    if unknown:
        raise ServiceError("bad_request", f"unexpected parameter {unknown[0]!r}; use graph=<IRI> or default")
    graphs = [v for k, v in params if k == "graph"]
    if len(graphs) > 1 or (graphs and "default" in keys) or keys.count("default") > 1:
        raise ServiceError("bad_request", "name exactly one graph: graph=<IRI> or default")
    if graphs:
        try:
            node = ox.NamedNode(graphs[0])
        except ValueError as exc:
            raise ServiceError("bad_request", f"invalid graph IRI {graphs[0]!r}: {exc}") from None
        return node.value
    if "default" in keys:
        return "default"
    if not allow_dataset:
        raise ServiceError("bad_request", "name the graph: graph=<IRI> or default")
    return None


def _payload_format(request: Request) -> str:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    for fmt in formats.formats_of("graph"):
        if ctype == fmt.media_type or ctype in fmt.aliases:
            return fmt.name
    raise ServiceError("unsupported_media_type",
                       f"unsupported Content-Type {ctype or '(none)'!r} for RDF data; use one of "
                       + ", ".join(f.media_type for f in formats.formats_of("graph")))


@router.api_route("/store", methods=["GET", "HEAD"])
async def store_get(request: Request) -> Response:
    graph = _target(request, allow_dataset=True)
    fmt_values = [v for k, v in request.query_params.multi_items() if k == "format"]
    if graph is None and not fmt_values:
        offers = {f.media_type: f for f in formats.formats_of("graph") if f.name in ("nquads", "trig")}
        picked = formats.negotiate(request.headers.get("accept"), offers)
        if picked is None:
            raise ServiceError("not_acceptable", "the whole dataset is served as application/n-quads or application/trig")
        fmt = offers[picked]
    else:
        fmt = formats.choose(request.headers.get("accept"), fmt_values, "graph")
    result = await run_in_threadpool(get_engine(request).dump, graph, fmt.name)
    return Response(result.body, media_type=fmt.content_type, headers={"Vary": "Accept"})


async def _write(request: Request, op: str) -> Response:
    from kgservice.protocol.query import read_body

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
