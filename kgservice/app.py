"""The FastAPI application: ``create_app(settings)``.

The Engine (reader pool) starts with the app's lifespan and stops with it; ``app.state.settings``
and ``app.state.engine`` are the shared state every router uses. Routers: the SPARQL protocol
(kgservice.protocol.query), updates (kgservice.protocol.update, through /sparql) and the Graph Store Protocol
(kgservice.protocol.graph_store),
named queries, open data (DCAT, VoID, dumps), audit reports, the query page and the linked-data
pages (each a module with a ``router`` and optionally ``install(app)`` run at creation).

Middleware, outermost first: CORS (also on error responses), the optional per-client rate limit
(kgservice.request.ratelimit, 429), then a catch-all that turns an unexpected exception into the 500 error
envelope.
"""

from __future__ import annotations
import logging
from contextlib import asynccontextmanager
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from kgservice.request import errors
from kgservice.named_queries import routes as named_queries
from kgservice.opendata import routes as opendata
from kgservice.pages import linked_data as pages
from kgservice.protocol import query as protocol
from kgservice.pages import home, query_page
from kgservice.report import routes as report_routes
from kgservice.protocol import graph_store
from kgservice.engine.embedded import Engine
from kgservice.request.head import HeadAsGet
from kgservice.engine.remote import RemoteEngine
from kgservice.settings import Settings

log = logging.getLogger("kgservice")

# Each module has a `router`, and may have `install(app)` run at creation (so a bad named query
# fails at start, not at the first request).
SURFACES = (protocol, graph_store, named_queries, opendata, report_routes, query_page, pages, home)
EXPOSED_HEADERS = ["X-Result-Rows", "Link", "Retry-After", "Location", "WWW-Authenticate"]


def create_app(settings: Settings) -> FastAPI:
    engine = RemoteEngine(settings.store_url, settings) if settings.store_url else Engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await run_in_threadpool(engine.start)
        try:
            yield
        finally:
            await run_in_threadpool(engine.close)

    app = FastAPI(title="plankg SPARQL service",
                  description="Knowledge graph of Japanese municipal policy plans: SPARQL 1.1 Protocol, "
                              "Graph Store Protocol, named queries and linked-data pages.",
                  lifespan=lifespan, docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.settings = settings
    app.state.engine = engine
    errors.install(app)
    for module in SURFACES:
        if hasattr(module, "install"):
            module.install(app)
        app.include_router(module.router)
    app.add_middleware(errors.CatchAllMiddleware)
    if settings.rate_limit_per_minute:
        from kgservice.request.ratelimit import RateLimitMiddleware

        app.add_middleware(RateLimitMiddleware, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                       allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
                       allow_headers=["Accept", "Authorization", "Content-Type"],
                       expose_headers=EXPOSED_HEADERS, max_age=600)
    app.add_middleware(HeadAsGet)
    return app
