"""The one error envelope of the service.

Every error — protocol, query, update, page — is answered as::

    {"error": {"kind": "<named outcome>", "message": "<human text>", ...extra}}

with the status of its kind. Kinds are small named outcomes in the style of Oxigraph server:
raise ``ServiceError(kind, message)`` anywhere; ``install(app)`` turns it (and FastAPI's own
validation/404/405 errors, and anything unexpected) into the envelope.

``STATUS`` is the one kind→status table: a kind has one status wherever it is raised (the engines,
the protocol, the pages, the report, the catalog). A kind not in the table is a programming error.
"""

from __future__ import annotations
import logging
from typing import Any
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("kgservice")

STATUS: dict[str, int] = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "internal": 500,
    # The remote SPARQL store (settings.store_url) failed or answered what cannot be read.
    "bad_gateway": 502,
    # No reader or store to answer now (restarting, overloaded, the remote unreachable); Retry-After.
    "unavailable": 503,
    # A query past its deadline: its worker was killed. 503 (the service declined to spend more
    # than its budget), without Retry-After: repeating the same query would fail the same way.
    "timeout": 503,
    # A query that needed more memory than its reader may map (settings.worker_memory_mb): likewise.
    "memory_limit": 503,
    # A result over the row cap (settings.max_rows): refused whole, never cut (kgservice.engine.contract).
    # The request is understood but not carried out as asked: the client must narrow or page the query.
    "too_many_rows": 422,
}


class ServiceError(Exception):
    """A named outcome with a message; ``extra`` goes into the envelope (e.g. a query position).
    The status is the kind's (``STATUS``); ``status``, where given, must be that one."""

    def __init__(self, kind: str, message: str, *, status: int | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        if kind not in STATUS:
            raise ValueError(f"unknown error kind {kind!r}: add it to kgservice.request.errors.STATUS")
        if status is not None and status != STATUS[kind]:
            raise ValueError(f"kind {kind!r} is {STATUS[kind]}, not {status}: one status per kind")
        self.kind = kind
        self.message = message
        self.status = STATUS[kind]
        self.headers = dict(headers or {})
        self.extra = extra

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def envelope(kind: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"kind": kind, "message": message, **extra}}


def error_response(kind: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(envelope(kind, message, **extra), status_code=STATUS[kind], headers=headers)


def response_for(exc: ServiceError) -> JSONResponse:
    return error_response(exc.kind, exc.message, headers=exc.headers, **exc.extra)


# A status raised by Starlette/FastAPI themselves (404, 405, …): the kind that has it.
_HTTP_KINDS: dict[int, str] = {}
for _kind, _status in STATUS.items():
    _HTTP_KINDS.setdefault(_status, _kind)


def install(app: FastAPI) -> None:
    """Register the handlers that put every error into the envelope."""

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return response_for(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _HTTP_KINDS.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal")
        return error_response(kind, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = ["{}: {}".format(".".join(str(p) for p in e.get("loc", ())), e.get("msg")) for e in exc.errors()]
        return error_response("bad_request", "; ".join(parts) or "invalid request")


class CatchAllMiddleware:
    """Pure ASGI middleware: an unexpected exception becomes a 500 envelope *inside* the CORS
    middleware, so even internal errors carry CORS headers (Starlette's ServerErrorMiddleware sits
    outside every user middleware and would answer without them)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:  # noqa: BLE001 - the last line of defence
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await error_response("internal", "internal server error")(scope, receive, send)
