"""The SPARQL the service runs for its own pages: ``queries/<area>/*.rq`` (areas: pages, report,
catalog), in the named queries' file format and read by the same loader
(kgservice.queries.registry), so each is checked when the app starts and runs in the backend
comparison test. Only ``queries/*.rq`` are API operations; these are not served as such.

A query's parameters are bound as RDF terms (``NamedQuery.substitutions``), never pasted.
"""

from __future__ import annotations
import json
from functools import cache
from fastapi import FastAPI, Request
from kgservice.queries.parameters import ParameterError
from kgservice.queries.registry import PROJECT_ROOT, NamedQuery, load_queries
from kgservice.request.errors import ServiceError

AREAS = ("pages", "report", "catalog")


@cache
def internal_queries(area: str) -> dict[str, NamedQuery]:
    """The queries of one area by file name (an area without a folder has none)."""
    folder = PROJECT_ROOT / "queries" / area
    return load_queries(folder) if folder.is_dir() else {}


def bound(query: NamedQuery, **values: str) -> dict[str, str]:
    """The substitutions for the given parameter values (ParameterError when one does not fit)."""
    return query.substitutions({name: [value] for name, value in values.items()})


def install(app: FastAPI) -> None:
    """Read every area at start: a bad file fails application start naming the file and line."""
    for area in AREAS:
        internal_queries(area)


async def run(request: Request, area: str, name: str, result_format: str, **values: str):
    """Run ``queries/<area>/<name>.rq`` through the request's Engine with its parameters bound."""
    from kgservice.engine.embedded import get_engine

    query = internal_queries(area)[name]
    try:
        subs = bound(query, **values)
    except ParameterError as e:
        raise ServiceError("bad_request", str(e), parameter=e.parameter) from None
    return await get_engine(request).aexecute(query.text, result_format, scanned=query.scanned,
                                              substitutions=subs or None)


async def select(request: Request, area: str, name: str, **values: str) -> list[dict[str, dict]]:
    """The bindings (SPARQL JSON terms) of a SELECT of ``queries/<area>/``."""
    result = await run(request, area, name, "json", **values)
    return json.loads(result.body)["results"]["bindings"]
