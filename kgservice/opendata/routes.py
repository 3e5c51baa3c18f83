"""Open-data surfaces: the DCAT catalog, VoID, and the dumps with conditional GET.

- ``GET /catalog`` — DCAT 3 (Turtle, JSON-LD, RDF/XML… by content negotiation or ``format``)
- ``GET /.well-known/void`` — VoID with a subset per named graph and linksets
- ``GET /ns/context/v1.jsonld`` — the JSON-LD context of the /id/ pages and the JSON-LD dump
  (ontology/context/v1.jsonld; a new version gets a new path, so a document's context never changes)
- ``GET /dumps/`` — the list of dump files (JSON)
- ``GET /dumps/{name}`` — a dump, with ETag (its SHA-256) and Last-Modified; ``If-None-Match`` /
  ``If-Modified-Since`` answer 304. Names are matched against the files of the current dump
  directory, never joined into a path, so nothing outside it can be named.

The catalog and VoID are built from the build's report (``report.json`` beside the dumps), the
source catalog and what the graph says of each document's publisher (kgservice.opendata.facts, read
once per dump directory: a rebuild is seen at the next request). Their IRIs come from
``settings.base_iri``, never from the request's Host.
"""

from __future__ import annotations
import hashlib
import json
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from rdflib import Graph
from rdflib.namespace import FOAF
from kgservice.queries.internal import select  # queries/catalog/, read and checked at start
from kgservice.opendata.catalog import Agent, CatalogContext, Contact, DatasetFacts, catalog_graph, media_type
from kgservice.opendata.facts import dataset_facts, history
from kgservice.opendata.void import void_graph
from kgservice.request.errors import ServiceError
from kgservice.request.negotiation import rdf_response
from mappings.build.jsonld import CONTEXT_FILE, CONTEXT_PATH
from mappings.records.sources import load_catalog

router = APIRouter(tags=["open data"])


def _dumps_dir(request: Request) -> Path:
    path = Path(request.app.state.settings.dumps_path)
    current = path / "current"
    return (current if current.exists() else path).resolve()


def _public_url(request: Request) -> str:
    return request.app.state.settings.base_iri


@lru_cache(maxsize=8)
def _report(dumps_dir: Path) -> dict:
    path = dumps_dir / "report.json"
    if not path.exists():
        raise ServiceError("unavailable", "no build report: run `plankg build` first")
    return json.loads(path.read_text(encoding="utf-8"))


_FACTS: dict[tuple, tuple[dict[str, DatasetFacts], DatasetFacts]] = {}  # by (dump directory, base IRI)


async def _context(request: Request) -> CatalogContext:
    settings = request.app.state.settings
    documents = [s.meta for s in load_catalog(Path(settings.sources_dir)).values()]
    dumps_dir = _dumps_dir(request)
    report = _report(dumps_dir)
    key = (dumps_dir, settings.base_iri, settings.data_dir, settings.sources_dir)
    if key not in _FACTS:
        rows = await select(request, "catalog", "publishers")
        facts = dataset_facts(documents, rows, Path(settings.data_dir), Path(settings.sources_dir))
        issued, modified = history([Path(settings.data_dir), Path(settings.sources_dir), Path(settings.ontology_dir)])
        project = Agent(settings.base_iri + "catalog#publisher", {"en": "plankg maintainers", "ja": "plankg 保守担当"},
                        (str(FOAF.Organization),))
        if len(_FACTS) >= 8:
            _FACTS.clear()
        _FACTS[key] = facts, DatasetFacts(project, {}, issued, modified)
    facts, whole = _FACTS[key]
    documents = [d for d in documents if d.id in facts]
    contact = Contact({"en": "plankg maintainers", "ja": "plankg 保守担当"},
                      settings.contact_url or settings.base_iri, settings.contact_email)
    return CatalogContext(documents, report, settings.base_iri, facts, whole, contact)


def _graph_response(request: Request, graph: Graph, format_values: list[str]) -> Response:
    body, content_type = rdf_response(request.headers.get("accept"), format_values, graph)
    return Response(body, media_type=content_type, headers={"Vary": "Accept"})


@router.get("/catalog", summary="DCAT 3 catalog of the datasets, distributions and the SPARQL service")
async def catalog(request: Request, format: list[str] | None = Query(None)) -> Response:  # noqa: A002 - protocol name
    from kgservice.pages.catalog_page import catalog_page
    from kgservice.pages.html import wants_html

    graph = catalog_graph(await _context(request))
    if not format and wants_html(request):  # a browser (text/html first): the catalog as a page
        return catalog_page(request, graph)
    return _graph_response(request, graph, format or [])


@router.get("/.well-known/void", summary="VoID description of the dataset")
async def void(request: Request, format: list[str] | None = Query(None)) -> Response:  # noqa: A002
    ctx = await _context(request)
    counts = ctx.report.get("instances_per_class", {})
    stats = ctx.report.get("void", {})
    graph = void_graph(ctx, counts, stats.get("properties", {}), stats.get("entities", 0), stats.get("links", {}))
    return _graph_response(request, graph, format or [])


@router.get("/" + CONTEXT_PATH, summary="The JSON-LD context (version 1) of the /id/ pages and the JSON-LD dump")
def jsonld_context(request: Request) -> FileResponse:
    path = Path(request.app.state.settings.ontology_dir) / CONTEXT_FILE
    if not path.is_file():
        raise ServiceError("not_found", f"no JSON-LD context at {CONTEXT_FILE} in the ontology folder")
    return FileResponse(path, media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"})


@router.get("/dumps/", summary="The dump files of the current build")
def list_dumps(request: Request) -> JSONResponse:
    report = _report(_dumps_dir(request))
    base = _public_url(request)
    return JSONResponse({"built_at": report.get("built_at"),
                         "dumps": [{"name": n, "bytes": size, "url": f"{base}dumps/{n}"}
                                   for n, size in report.get("dumps", {}).items()]})


@lru_cache(maxsize=256)
def _etag(path: Path, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f'"{digest.hexdigest()}"'


@router.get("/dumps/{name}", summary="A dump file (N-Quads, TriG, Turtle, JSON-LD; .gz variants)")
def dump(request: Request, name: str) -> Response:
    directory = _dumps_dir(request)
    if not directory.is_dir():  # no build yet: the same answer as /dumps/, not a 500
        raise ServiceError("unavailable", "no dumps: run `plankg build` first")
    files = {p.name: p for p in directory.iterdir() if p.is_file() and p.name != "report.json"}
    path = files.get(name)
    if path is None:
        raise ServiceError("not_found", f"no dump named {name!r}; see /dumps/")
    stat = path.stat()
    etag = _etag(path, stat.st_mtime_ns, stat.st_size)
    last_modified = format_datetime(_utc(stat.st_mtime), usegmt=True)
    headers = {"ETag": etag, "Last-Modified": last_modified, "Cache-Control": "public, max-age=60"}
    if _not_modified(request, etag, stat.st_mtime):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=media_type(name), headers=headers, filename=name)


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc)


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            return int(mtime) <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
    return False
