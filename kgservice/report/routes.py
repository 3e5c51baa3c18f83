"""HTTP route of the audit-trail report (gathered by kgservice.report.gather, written by kgservice.report.render).

``GET /reports/trail?iri=<goal, plan or city IRI>[&format=html|csv]``: a printable HTML page, or CSV
(one row per item) when ``format=csv`` or the Accept header prefers ``text/csv``. The IRI may also
be given as a local path of this service (``/id/plan/…``), which names ``base_iri + id/plan/…``.
Queries run through ``app.state.engine`` (in a thread: the Engine blocks) with the IRI bound by
substitution; errors are ServiceErrors (the Engine's QueryError is one), so they get the service's
error envelope.
"""

from __future__ import annotations
import re
from urllib.parse import quote
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from kgservice.request import negotiation as formats
from kgservice.request.errors import ServiceError
from kgservice.report.gather import engine_select, gather
from kgservice.report.model import ReportError
from kgservice.report.render import render_csv, render_html

router = APIRouter()


def _want(request: Request, param: str | None) -> str:
    if param:
        value = param.strip().lower()
        if value in ("html", "text/html"):
            return "html"
        if value in ("csv", "text/csv"):
            return "csv"
        raise ServiceError("bad_request", f"unknown format {param!r}: use html or csv")
    picked = formats.negotiate(request.headers.get("accept"), ["text/html", "text/csv"])
    if picked is None:
        raise ServiceError("not_acceptable", "the report is available as text/html or text/csv")
    return "csv" if picked == "text/csv" else "html"


def _resolve(iri: str, base: str) -> str:
    """An absolute IRI, or a local path of this service (``/id/…``) read as one under ``base``."""
    iri = iri.strip()
    if re.match(r"^/?(id|def|graph)/", iri):
        return base + iri.lstrip("/")
    return iri


@router.get("/reports/trail", summary="Audit-trail report of a goal, a plan or a city (HTML or CSV)",
            response_class=HTMLResponse)
async def trail(request: Request,
                iri: str = Query(..., description="IRI of a plan element (e.g. a basic goal), a plan or a city"),
                format: str | None = Query(None, description="html or csv (else by Accept)")) -> Response:
    want = _want(request, format)
    settings = request.app.state.settings
    base = settings.base_iri
    target = _resolve(iri, base)
    run_select = engine_select(request.app.state.engine)
    try:
        report = await run_in_threadpool(gather, run_select, target, base)
    except ReportError as exc:  # its kinds (not_found, bad_request) are the error envelope's
        raise ServiceError(exc.kind, exc.message) from None
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", target.split("/id/", 1)[-1]).strip("-") or "report"
    if want == "csv":
        return Response(render_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="trail-{slug}.csv"', "Vary": "Accept"})
    root = request.scope.get("root_path", "").rstrip("/") + "/"
    csv_href = f"{root}reports/trail?iri={quote(target, safe='')}&format=csv"
    return HTMLResponse(render_html(report, root=root, csv_href=csv_href), headers={"Vary": "Accept"})
