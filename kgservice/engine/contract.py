"""The engine contract: what the routes, the CLI and the benchmarks may ask of a query engine.

Two engines implement it: ``kgservice.engine.embedded.Engine`` (reader processes over the embedded
pyoxigraph store) and ``kgservice.engine.remote.RemoteEngine`` (a SPARQL store over HTTP). Callers
hold a ``QueryEngine`` and use only what is declared here.

A query is run with its dataset (``default_graph_uris``/``named_graph_uris``, the SPARQL Protocol's
parameters, replacing FROM/FROM NAMED), a result format (a key of ``RESULT_FORMATS``), a base IRI
(relative IRIs of the query resolve against it; None: a relative IRI is a syntax error), variable
substitutions (variable → N-Triples term) and ``Limits`` (row cap, deadline; None: the settings').

Row cap: a result is complete or it is an error. A SELECT with more than ``max_rows`` rows (a
CONSTRUCT/DESCRIBE with more triples) is refused with ``too_many_rows`` (status in
kgservice.request.errors.STATUS), never cut: a client that ignores headers (rdflib's SPARQLStore)
would take a cut result for the whole answer. The engine stops reading at ``max_rows + 1``, so the
memory a query takes is bounded by the cap, not by its result.

The pre-checks every engine makes before a query or update reaches a store are here, once:
``check_query`` and ``check_update``.
"""

from __future__ import annotations
import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable
from kgservice.request.errors import ServiceError
from kgservice.request.negotiation import RESULT_FORMATS, ResultFormat
from kgservice.engine.sparqltext import FORMS, Scan, check_remote, scan


class QueryError(ServiceError):
    """An engine's refusal or failure: ``.kind`` in {"bad_request", "forbidden", "too_many_rows",
    "timeout", "memory_limit", "unavailable", "not_found", "not_acceptable", "internal"}."""


@dataclass(frozen=True)
class EngineResult:
    body: bytes
    media_type: str
    form: str  # "select" | "ask" | "construct" | "describe" | "graph" (a graph download)
    row_count: int | None  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE); None for ASK and downloads

    @property
    def content_type(self) -> str:
        from kgservice.request.negotiation import content_type

        return content_type(self.media_type)


@dataclass(frozen=True)
class Limits:
    """What one query may take: at most ``max_rows`` rows/triples, ``timeout_s`` seconds of wall time."""

    max_rows: int
    timeout_s: float

    @classmethod
    def of(cls, settings: Any, limits: Limits | None = None) -> Limits:
        return limits if limits is not None else cls(settings.max_rows, settings.query_timeout_s)


@runtime_checkable
class QueryEngine(Protocol):
    """The interface both engines implement (see the module doc)."""

    settings: Any

    def start(self) -> None: ...

    def close(self) -> None: ...

    def restart(self) -> None: ...

    @property
    def available(self) -> bool: ...

    @property
    def version(self) -> str | None:
        """Which data answers now, as a string that changes whenever the answers may; None when the
        engine cannot tell (a remote store written by others): answers must then not be cached."""
        ...

    def execute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                named_graph_uris: list[str] | None = None, base_iri: str | None = None,
                limits: Limits | None = None) -> EngineResult: ...

    async def aexecute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                       substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                       named_graph_uris: list[str] | None = None, base_iri: str | None = None,
                       limits: Limits | None = None) -> EngineResult:
        """``execute`` from the event loop."""
        ...

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (the merged default graph re-derived with it)."""
        ...

    def write(self, req: dict) -> dict:
        """A Graph Store Protocol write: ``{"op": "put"|"post"|"delete", "graph": iri|"default", ...}``."""
        ...

    def dump(self, graph: str | None, result_format: str) -> EngineResult:
        """A graph (IRI, or "default") or the whole dataset (None) in an RDF format."""
        ...

    def dataset(self) -> dict:
        """``{"graphs": [(iri, triples)…], "default_triples": n}``."""
        ...


# --------------------------------------------------------------------------- the pre-checks

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
QUERY_FORMS = tuple(FORMS.values())


def check_query(query: str, result_format: str, settings: Any, scanned: Scan | None = None,
                substitutions: dict[str, str] | None = None) -> tuple[Scan, ResultFormat]:
    """Everything refused before a store sees a query, in the order a client would fix it: the result
    format, the form (a query, not an update), SERVICE to a target not allow-listed (pyoxigraph would
    reach the network), nesting that would crash pyoxigraph's parser, and substitution names; the
    format must suit the form. Returns the scan and the format."""
    fmt = RESULT_FORMATS.get(result_format)
    if fmt is None:
        raise QueryError("bad_request", f"unknown result format {result_format!r}")
    scanned = scan(query) if scanned is None else scanned
    if scanned.form not in QUERY_FORMS:
        raise QueryError("bad_request", "not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)"
                         + ("; send an update as an update" if scanned.form == "update" else ""))
    _check_common(query, scanned, settings)
    for name in substitutions or {}:
        if not _VARIABLE.fullmatch(name):
            raise QueryError("bad_request", f"invalid variable name {name!r}")
    wanted = "graph" if scanned.form in ("construct", "describe") else "results"
    if fmt.kind != wanted:
        raise QueryError("bad_request", f"a {scanned.form.upper()} result cannot be written as {fmt.name}")
    return scanned, fmt


def check_update(update: str, settings: Any) -> Scan:
    """The pre-checks of a SPARQL Update: LOAD/SERVICE allow-list, nesting."""
    scanned = scan(update)
    _check_common(update, scanned, settings)
    return scanned


def _check_common(text: str, scanned: Scan, settings: Any) -> None:
    refusal = check_remote(text, scanned, list(settings.service_allowlist))
    if refusal:
        raise QueryError("forbidden", refusal)
    if scanned.too_complex:
        raise QueryError("bad_request", scanned.too_complex)


def too_many_rows(form: str, max_rows: int) -> QueryError:
    """The refusal of a result past the row cap (never a cut result)."""
    what = "rows" if form == "select" else "triples"
    return QueryError("too_many_rows", f"the result has more than {max_rows} {what}, the most this service "
                      f"returns in one answer; narrow the query or page it with ORDER BY, LIMIT and OFFSET",
                      max_rows=max_rows)
