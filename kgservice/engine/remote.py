"""A remote SPARQL store behind the engine contract (kgservice.engine.contract): Virtuoso, Oxigraph
server or Fuseki, over the SPARQL 1.1 Protocol (httpx: POST, form-encoded, ``default-graph-uri``/
``named-graph-uri``). Answers like the embedded Engine: an ``EngineResult`` in the requested format or a
``QueryError`` of the same kinds, after the same pre-checks (``contract.check_query``). Where it
answers: kgservice.engine.target; substitutions as VALUES blocks: kgservice.engine.values.

One exchange format, re-written here. The remote is asked for SPARQL JSON results (SELECT/ASK) or
N-Triples (CONSTRUCT/DESCRIBE), whatever format the client wants; the requested format is then written
by pyoxigraph. Measured on Virtuoso 7.2.5 (Debian): its TSV and CSV drop language tags and write IRIs
as plain strings, its JSON-LD drops language tags, and it has no N-Quads (406). Parsing one lossless
format also lets the service count rows — the only way to see Virtuoso's silent row cap — and clean up
what Virtuoso writes: ``"type": "typed-literal"`` (pre-2013 SPARQL JSON) becomes ``"literal"`` with
its ``datatype``; its blank nodes ``nodeID://b10001`` become valid blank node labels; extra keys
(``head.link``, ``distinct``, ``ordered``) are dropped.

Row cap: a result over ``max_rows`` is refused (``too_many_rows``), as the embedded Engine does.
Virtuoso cuts results at ``ResultSetMaxRows`` without an error; a response with ``X-SPARQL-MaxRows``
(or whose row count reaches a cap given as ``remote_max_rows``) may miss rows, so it is refused too.

Base IRI: the protocol has no parameter for it; a ``BASE`` declaration is put before the query (a
``BASE`` of the query's own, later in its prologue, still wins).

Timeouts: the remote is given the deadline (Virtuoso ``timeout`` parameter in ms, Oxigraph
``--timeout-s`` on its command line); Virtuoso answers 200 with *partial* results and
``X-SQL-State: S1TAT`` when an "anytime" query runs out of time — that is ``QueryError("timeout")``,
never a partial answer. No answer within the deadline (plus a margin) is a timeout as well.

Remote down: connection refused/reset is ``QueryError("unavailable")`` (503, Retry-After); a 5xx (or an
unreadable answer) from the remote is ``bad_gateway`` (502), with the remote's message. Each request
opens or re-uses a connection, so the service recovers on its own when the remote comes back.

Default graph: the RDF merge of the service's named graphs, each triple once (mappings.build.merge), loaded
by ``kgservice.engine.load_remote`` as a graph of its own beside the named graphs. Neither remote deduplicates a
union: measured with one triple in two graphs, Oxigraph server 0.5.13 (``union-default-graph``, or two
FROM) and Virtuoso 7.2.5 (two ``default-graph-uri``, two FROM, or no dataset at all) both count it twice
and SUM its value twice. Without FROM/FROM NAMED and without protocol dataset parameters:

- ``scope="remote"`` (Oxigraph server, Fuseki): the remote's own default graph, which holds the merge
  (``oxigraph serve`` without ``--union-default-graph``, Fuseki without ``tdb2:unionDefaultGraph``: a
  union would add the named graphs to it, or hide it).
- ``scope="graphs"`` (Virtuoso, generic): ``default-graph-uri`` is the merge graph
  ``{base}default-graph`` (``merge_graph``) and ``named-graph-uri`` each of the service's graphs — the
  named graphs under ``{base_iri}graph/``, discovered on the remote and cached for ``graphs_ttl_s``.
  A remote loaded before the merge existed has no merge graph: then every service graph is a
  ``default-graph-uri``, as before (a triple of two graphs counted twice; logged).

``FROM <g1> FROM <g2>`` is passed to the remote as written: both count a triple of both graphs twice
(the embedded Engine evaluates it over their merge; a remote cannot be asked to). With
``union_default_graph`` off, the default graph is empty (a never-matching ``default-graph-uri``).
"""

from __future__ import annotations
import json
import logging
import re
import threading
import time
from functools import partial
from typing import Any
from urllib.parse import urlencode
import httpx
import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from kgservice.engine.contract import EngineResult, Limits, QueryError, check_query, too_many_rows
from kgservice.engine.results import ox_format
from kgservice.engine.sparqltext import Scan
from kgservice.engine.target import FLAVOURS, MERGE_GRAPH, Target, merge_graph, merge_target
from kgservice.engine.values import bind_values

__all__ = ["FLAVOURS", "MERGE_GRAPH", "RemoteEngine", "Target", "merge_graph", "merge_target",
           "normalise_json_results"]

log = logging.getLogger("kgservice.engine.remote")

_FORM = "application/x-www-form-urlencoded"
_MARGIN_S = 5.0  # HTTP deadline beyond the query deadline given to the remote


# --------------------------------------------------------------------------- results


def _blank_label(value: str) -> str:
    label = re.sub(r"[^A-Za-z0-9]", "", value.removeprefix("nodeID://").removeprefix("_:"))
    return "b" + (label or "0")


def normalise_json_results(data: bytes) -> dict:
    """Standard SPARQL 1.1 JSON results from what a server wrote (see module doc)."""
    doc = json.loads(data)
    if "boolean" in doc:
        return {"head": {}, "boolean": bool(doc["boolean"])}
    vars_ = list(doc.get("head", {}).get("vars", []))
    rows = []
    for row in doc.get("results", {}).get("bindings", []):
        out = {}
        for name, term in row.items():
            kind = term.get("type")
            if kind == "typed-literal":
                kind = "literal"
            if kind == "literal":
                lit = {"type": "literal", "value": term["value"]}
                if "xml:lang" in term:
                    lit["xml:lang"] = term["xml:lang"]
                elif term.get("datatype") and term["datatype"] != "http://www.w3.org/2001/XMLSchema#string":
                    lit["datatype"] = term["datatype"]
                out[name] = lit
            elif kind == "bnode" or (kind == "uri" and term["value"].startswith("nodeID://")):
                out[name] = {"type": "bnode", "value": _blank_label(term["value"])}
            elif kind == "uri":
                out[name] = {"type": "uri", "value": term["value"]}
            else:
                out[name] = term
        rows.append(out)
    return {"head": {"vars": vars_}, "results": {"bindings": rows}}


_NODE_ID = re.compile(rb"<nodeID://([A-Za-z0-9]+)>")


# --------------------------------------------------------------------------- the engine


class RemoteEngine:
    """The engine contract over a remote SPARQL store (see the module doc)."""

    def __init__(self, target: Target | str, settings: Any, *, scope: str | None = None,
                 remote_max_rows: int | None = None, graphs_ttl_s: float = 60.0,
                 client: httpx.Client | None = None) -> None:
        self.settings = settings  # kgservice.settings.Settings, handed down (the engine never makes its own)
        self.target = Target.from_url(target) if isinstance(target, str) else target
        self.scope = scope or ("graphs" if self.target.flavour in ("virtuoso", "generic") else "remote")
        if self.scope not in ("graphs", "remote"):
            raise ValueError("scope is 'graphs' or 'remote'")
        self.remote_max_rows = remote_max_rows
        self.graphs_ttl_s = graphs_ttl_s
        self._client = client or httpx.Client(follow_redirects=False)
        self._graphs: tuple[float, list[str], bool] | None = None  # (when, graphs, merge graph loaded)
        self._lock = threading.Lock()

    # ---- life cycle

    def start(self) -> None:
        pass  # nothing to open: each request (re)connects

    def close(self) -> None:
        self._client.close()

    def restart(self) -> None:
        with self._lock:
            self._graphs = None

    @property
    def available(self) -> bool:
        try:
            self._post(self.target.query_url, {"query": "ASK {}"}, "application/sparql-results+json", 5.0)
            return True
        except QueryError:
            return False

    # ---- HTTP

    def _post(self, url: str, form: dict | list, accept: str, timeout: float) -> httpx.Response:
        try:
            pairs = list(form.items()) if isinstance(form, dict) else form
            response = self._client.post(url, content=urlencode(pairs).encode("ascii"),
                                         headers={"Accept": accept, "Content-Type": _FORM},
                                         timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise QueryError("unavailable", f"the SPARQL store at {self.target.display} did not accept "
                                 "a connection in time", headers={"Retry-After": "5"}) from None
            raise QueryError("timeout", f"the SPARQL store at {self.target.display} gave no answer within "
                             f"{timeout:g} s") from None
        except httpx.TransportError as exc:
            raise QueryError("unavailable", f"the SPARQL store at {self.target.display} is not reachable "
                             f"({type(exc).__name__}); retry later", headers={"Retry-After": "5"}) from None
        if response.status_code >= 400:
            self._raise_for(response)
        return response

    def _raise_for(self, response: httpx.Response) -> None:
        text = response.text.strip()
        message = re.sub(r"\s+", " ", text)[:1000] or response.reason_phrase
        status = response.status_code
        # Virtuoso: S1T00 / SR171 are its timeouts (MaxQueryExecutionTime, transaction timeout).
        if "S1T00" in text or "SR171" in text or "estimated execution time" in text or status == 504:
            raise QueryError("timeout", f"the SPARQL store stopped the query at its time limit: {message}")
        if status in (400, 414):
            raise QueryError("bad_request", f"the SPARQL store refused the query: {message}")
        if status in (401, 403):
            raise QueryError("bad_gateway", f"the SPARQL store at {self.target.display} refused access "
                             f"({status}): check the service's credentials")
        if status == 406:
            raise QueryError("bad_gateway", f"the SPARQL store cannot write the exchange format: {message}")
        if status >= 500:
            raise QueryError("bad_gateway", f"the SPARQL store at {self.target.display} failed ({status}): "
                             f"{message}", headers={"Retry-After": "5"})
        raise QueryError("bad_request", f"the SPARQL store answered {status}: {message}")

    # ---- the dataset a query sees

    def service_graphs(self, refresh: bool = False) -> list[str]:
        """The service's named graphs on the remote: IRIs under ``{base_iri}graph/`` (cached)."""
        return self._discover(refresh)[0]

    def _discover(self, refresh: bool = False) -> tuple[list[str], bool]:
        """The service graphs, and whether the merge graph is loaded (cached for graphs_ttl_s)."""
        with self._lock:
            cached = self._graphs
        if cached and not refresh and time.monotonic() - cached[0] < self.graphs_ttl_s:
            return cached[1], cached[2]
        prefix = self.settings.base_iri + "graph/"
        query = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                 f"FILTER(STRSTARTS(STR(?g), {json.dumps(prefix)})) }}")
        timeout = self.settings.query_timeout_s + _MARGIN_S
        response = self._post(self.target.query_url, {"query": query}, "application/sparql-results+json", timeout)
        rows = normalise_json_results(response.content)["results"]["bindings"]
        graphs = sorted(r["g"]["value"] for r in rows if r.get("g", {}).get("type") == "uri")
        merged = merge_graph(self.settings.base_iri)
        has_merge = False
        if self.scope == "graphs":
            response = self._post(self.target.query_url, {"query": f"ASK {{ GRAPH <{merged}> {{ ?s ?p ?o }} }}"},
                                  "application/sparql-results+json", timeout)
            has_merge = bool(normalise_json_results(response.content).get("boolean"))
        if self.scope == "graphs" and graphs and not has_merge:
            log.warning("no merge graph <%s> on %s (loaded before it existed): the default graph is the union "
                        "of the graphs, where a triple of two graphs counts twice; reload the store",
                        merged, self.target.display)
        with self._lock:
            self._graphs = (time.monotonic(), graphs, has_merge)
        return graphs, has_merge

    def _dataset_params(self, has_dataset_clause: bool, default_graph_uris: list[str] | None,
                        named_graph_uris: list[str] | None) -> list[tuple[str, str]]:
        if default_graph_uris or named_graph_uris:
            for iri in [*(default_graph_uris or []), *(named_graph_uris or [])]:
                if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", iri):
                    raise QueryError("bad_request", f"invalid graph IRI {iri!r}")
            return [("default-graph-uri", g) for g in default_graph_uris or []] + \
                   [("named-graph-uri", g) for g in named_graph_uris or []]
        if has_dataset_clause:
            return []  # the query's own FROM/FROM NAMED
        if self.scope == "remote" and self.settings.union_default_graph:
            return []  # the remote's default graph holds the merge
        graphs, has_merge = self._discover()
        none = self.settings.base_iri + "graph/none"  # never matches: keeps Virtuoso's system graphs out
        named = [("named-graph-uri", g) for g in graphs or [none]]
        if not self.settings.union_default_graph:
            return [("default-graph-uri", none)] + named
        default = [merge_graph(self.settings.base_iri)] if has_merge else graphs or [none]
        return [("default-graph-uri", g) for g in default] + named

    # ---- queries

    @property
    def version(self) -> None:
        """Not known: the remote store may be written by others, so answers are never cached by version."""
        return None

    def execute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                named_graph_uris: list[str] | None = None, base_iri: str | None = None,
                limits: Limits | None = None) -> EngineResult:
        """Run a SPARQL query on the remote; the body is in ``result_format`` (a key of RESULT_FORMATS)."""
        scanned, fmt = check_query(query, result_format, self.settings, scanned, substitutions)
        limits = Limits.of(self.settings, limits)
        text = bind_values(query, substitutions, every_group=self.target.flavour != "virtuoso")
        if base_iri:
            text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
        form = scanned.form
        wanted = "graph" if form in ("construct", "describe") else "results"
        params: list[tuple[str, str]] = [("query", text)]
        params += self._dataset_params(scanned.has_dataset_clause, default_graph_uris, named_graph_uris)
        if self.target.flavour == "virtuoso":
            params.append(("timeout", str(int(limits.timeout_s * 1000))))  # ms; past it: partial + S1TAT
        accept = "application/n-triples" if wanted == "graph" else "application/sparql-results+json"
        response = self._post(self.target.query_url, params, accept, limits.timeout_s + _MARGIN_S)
        if response.headers.get("x-sql-state", "").upper().startswith("S1TAT"):
            raise QueryError("timeout", f"the query ran past the {limits.timeout_s:g} s limit on the SPARQL store "
                             "(it returned partial results, which are not passed on)")
        header = response.headers.get("x-sparql-maxrows", "").strip()
        remote_cap = int(header) if header.isdigit() else self.remote_max_rows
        if wanted == "results":
            body, n = self._results(response.content, fmt.name, form)
        else:
            body, n = self._graph(response.content, fmt.name, scanned.prefixes)
        if n is not None and n > limits.max_rows:
            raise too_many_rows(form, limits.max_rows)
        if n is not None and (header or (remote_cap is not None and n >= remote_cap)):
            log.warning("remote result cut at %d rows (remote cap %s): refused", n, remote_cap)
            raise QueryError("too_many_rows", f"the SPARQL store cut the result at its own cap of {remote_cap} "
                             "rows, so rows may be missing; narrow the query or page it with ORDER BY, LIMIT "
                             "and OFFSET", max_rows=remote_cap)
        return EngineResult(body, fmt.media_type, form, n)

    async def aexecute(self, query: str, result_format: str, **options: Any) -> EngineResult:
        """``execute`` for the event loop, in a thread (httpx's client here blocks)."""
        return await run_in_threadpool(partial(self.execute, query, result_format, **options))

    @staticmethod
    def _results(data: bytes, fmt: str, form: str) -> tuple[bytes, int | None]:
        """SPARQL JSON results from the remote, written in ``fmt``; their row count (None for ASK)."""
        try:
            doc = normalise_json_results(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise QueryError("bad_gateway", f"the SPARQL store sent unreadable results: {exc}") from None
        if ("boolean" in doc) != (form == "ask"):
            raise QueryError("bad_gateway", f"the SPARQL store answered a {form.upper()} with the wrong kind "
                             "of result")
        try:
            result = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
            body = result.serialize(format=ox_format(fmt))
        except (SyntaxError, ValueError) as exc:
            raise QueryError("bad_gateway", f"the SPARQL store sent unreadable results: {exc}") from None
        return body, None if form == "ask" else len(doc["results"]["bindings"])

    @staticmethod
    def _graph(data: bytes, fmt: str, prefixes: dict[str, str]) -> tuple[bytes, int]:
        data = _NODE_ID.sub(rb"_:\1", data)  # Virtuoso may write its blank nodes as <nodeID://…>
        try:
            triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise QueryError("bad_gateway", f"the SPARQL store sent unreadable N-Triples: {exc}") from None
        rdf = ox_format(fmt)
        use = prefixes if fmt in ("turtle", "trig", "rdfxml") else None
        try:
            body = ox.serialize(triples, format=rdf, prefixes=use or None)
        except (ValueError, SyntaxError):
            body = ox.serialize(triples, format=rdf)
        return body, len(triples)

    def count(self, graph: str | None) -> int:
        """Triples in one named graph (None: the remote's own default graph), counted by the remote."""
        pattern = "?s ?p ?o" if graph is None else f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
        response = self._post(self.target.query_url,
                              {"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"},
                              "application/sparql-results+json", self.settings.query_timeout_s + _MARGIN_S)
        rows = normalise_json_results(response.content)["results"]["bindings"]
        return int(rows[0]["n"]["value"]) if rows and "n" in rows[0] else 0

    def dataset(self) -> dict:
        """{"graphs": [(iri, triples)…], "default_triples": n} for the service's graphs (as the Engine's)."""
        graphs = [(g, self.count(g)) for g in self.service_graphs(refresh=True)]
        result = self.execute("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", "json")
        rows = json.loads(result.body)["results"]["bindings"]
        return {"graphs": graphs, "default_triples": int(rows[0]["n"]["value"]) if rows else 0}

    def dump(self, graph: str | None, result_format: str) -> EngineResult:
        """One graph as a CONSTRUCT (the remote's Graph Store may need credentials the reader lacks)."""
        if graph is None or graph == "default":
            raise QueryError("not_acceptable", "the whole dataset of a remote store is served from the "
                             "dump files (var/dumps), not through the query endpoint")
        iri = str(ox.NamedNode(graph))
        try:
            result = self.execute(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}", result_format,
                                  default_graph_uris=None, named_graph_uris=[graph])
        except QueryError as exc:
            if exc.kind == "too_many_rows":
                exc.message = f"graph <{graph}> is larger than the row cap; use the dump files"
            raise
        return EngineResult(result.body, result.media_type, "graph", None)

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        raise _read_only()

    def write(self, req: dict) -> dict:
        raise _read_only()


def _read_only() -> QueryError:
    return QueryError("method_not_allowed", "this service reads a remote store; load it with `plankg load URL`")
