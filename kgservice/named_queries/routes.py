"""Named queries over HTTP: every ``queries/<name>.rq`` file is one operation of the API.

Routes: ``GET /queries`` (HTML or JSON by Accept; ``/queries.json``) lists them;
``GET /queries/{name}?describe`` or ``/queries/{name}.json`` describes one;
``/queries/{name}.rq`` is its text; ``GET|POST /queries/{name}?param=value…`` runs it in any
result format (Accept or ``format``).  The files are read and checked by
kgservice.queries.registry; a bad one fails application start naming the file and line.
"""

from __future__ import annotations
import logging
from contextlib import asynccontextmanager
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from kgservice.named_queries import paging
from kgservice.named_queries.answer_cache import Answer, AnswerCache
from kgservice.queries.parameters import ParameterError
from kgservice.queries.registry import NamedQuery, load_queries

log = logging.getLogger(__name__)


def _load(app: FastAPI) -> dict[str, NamedQuery]:
    settings = app.state.settings
    queries = load_queries(settings.queries_dir)
    for query in queries.values():
        paging.check(query)
    app.state.named_queries = queries
    log.info("loaded %d named queries", len(queries))
    return queries


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Load the queries at start: a bad file raises QueryFileError, and the app does not start."""
    if not hasattr(app.state, "named_queries"):
        _load(app)
    yield


router = APIRouter(lifespan=lifespan)


def install(app: FastAPI) -> None:
    """Load the queries now (at create_app), so a bad file fails before the server binds."""
    _load(app)
    settings = app.state.settings
    app.state.answer_cache = AnswerCache() if settings.answer_cache else None


def queries_of(request: Request) -> dict[str, NamedQuery]:
    state = request.app.state
    if not hasattr(state, "named_queries"):  # an app run without its lifespan (e.g. a bare TestClient)
        _load(request.app)
    return state.named_queries


def _root(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/") + "/"


def _listing_json(request: Request) -> JSONResponse:
    root = _root(request)
    items = [q.to_json(root) for q in queries_of(request).values()]
    for item in items:
        del item["query"]  # the listing stays small; the text is at text_url
    return JSONResponse({"queries": items})


@router.get("/queries.json", summary="The named queries (JSON)")
def list_queries_json(request: Request) -> Response:
    return _listing_json(request)


@router.get("/queries", summary="The named queries (HTML or JSON)")
def list_queries(request: Request) -> Response:
    from kgservice.pages import linked_data as pages

    if not pages.wants_html(request):
        return _listing_json(request)
    return pages.render(request, "queries.html", title="Named queries",
                        queries=list(queries_of(request).values()))


def _get(request: Request, name: str) -> NamedQuery:
    from kgservice.request.errors import ServiceError

    query = queries_of(request).get(name)
    if query is None:
        raise ServiceError("not_found", f"no named query '{name}'; see /queries")
    return query


def _describe(request: Request, query: NamedQuery, as_json: bool) -> Response:
    from kgservice.pages import linked_data as pages

    if as_json or not pages.wants_html(request):
        return JSONResponse(query.to_json(_root(request)))
    return pages.render(request, "query_detail.html", title=query.summary, q=query)


async def _request_values(request: Request) -> list[tuple[str, str]]:
    """The query string and a POST's form fields, under max_request_bytes (kgservice.request.params)."""
    from kgservice.request.params import request_params

    return await request_params(request)


@router.api_route("/queries/{name}", methods=["GET", "POST"], summary="Describe or run a named query")
async def named_query(request: Request, name: str) -> Response:
    from kgservice.pages import results as results_page
    from kgservice.request import negotiation as formats
    from kgservice.request.errors import ServiceError

    if name.endswith(".json"):
        return _describe(request, _get(request, name[: -len(".json")]), True)
    if name.endswith(".rq"):
        query = _get(request, name[: -len(".rq")])
        return PlainTextResponse(query.text, media_type="application/sparql-query; charset=utf-8")
    query = _get(request, name)
    items = await _request_values(request)
    if request.method == "GET" and any(k == "describe" for k, _ in items):
        return _describe(request, query, False)
    format_values = [v for k, v in items if k == "format"]
    given: dict[str, list[str]] = {}
    for key, value in items:
        # An empty value (an empty form field) means "not given": the default or unbound.
        if key != "format" and value != "":
            given.setdefault(key, []).append(value)
        elif key != "format":
            given.setdefault(key, [])
    try:
        window = paging.window(given, query.pagination or paging.DEFAULT_PAGE_SIZE)
        substitutions = query.substitutions(given)
    except ParameterError as e:
        raise ServiceError("bad_request", str(e), parameter=e.parameter) from None
    html = results_page.wanted(request, format_values)  # a browser's: the answer as a table (JSON inside)
    fmt = formats.RESULT_FORMATS["json"] if html else formats.choose(request.headers.get("accept"), format_values,
                                                                        "results")
    from kgservice.engine.embedded import QueryError, get_engine

    engine = get_engine(request)
    version = engine.version  # None: a remote store, answers are neither cached nor tagged
    key = AnswerCache.key(version, name, substitutions, fmt.name, (window.page, window.size)) if version else None
    cache: AnswerCache | None = request.app.state.answer_cache if key is not None else None  # None: off
    headers = {"Vary": "Accept"}
    if key is not None:
        headers.update({"ETag": AnswerCache.etag(key), "Cache-Control": "no-cache"})  # revalidate: cheap 304s
        if headers["ETag"] in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
    answer = cache.get(key) if cache is not None else None
    if answer is None:
        text = window.text(query.text)
        try:
            result = await engine.aexecute(text, "tsv", substitutions=substitutions)
        except QueryError as e:
            if isinstance(e, ServiceError):
                raise
            raise ServiceError(e.kind, e.message, status=e.status) from None
        tsv, more = paging.cut(result.body, window.size)
        next_url, link = paging.links(str(request.url.replace(query="")), items, window, more)
        answer = Answer(paging.write(tsv, fmt.name, next_url), fmt.media_type, link, rows=tsv.count(b"\n") - 1)
        if cache is not None:
            cache.put(key, answer)
    from kgservice.request.result_headers import result_headers

    headers.update(result_headers(answer.rows, link=answer.link))
    if html:
        return results_page.page(request, query, items, answer.body, headers)
    return Response(answer.body, media_type=formats.content_type(answer.media_type), headers=headers)
