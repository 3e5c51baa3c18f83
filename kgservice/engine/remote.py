"""A remote SPARQL store behind the Engine interface: Virtuoso, Oxigraph server or Fuseki.

``RemoteEngine.execute(query, result_format, *, scanned, substitutions, default_graph_uris, named_graph_uris)``
(and ``aexecute``, the same awaited: httpx's blocking client runs in a thread) answers like
``kgservice.engine.embedded.Engine.execute``: an ``EngineResult`` in the requested format, or a
``QueryError`` of the same kinds (bad_request, forbidden, timeout, unavailable). It speaks the SPARQL
1.1 Protocol over HTTP (httpx): POST, form-encoded, ``default-graph-uri``/``named-graph-uri``.

One exchange format, re-written here. The remote is asked for SPARQL JSON results (SELECT/ASK) or
N-Triples (CONSTRUCT/DESCRIBE), whatever format the client wants; the requested format is then written
by pyoxigraph, the same serialisers the embedded Engine uses. Measured on Virtuoso 7.2.5 (Debian): its
TSV and CSV drop language tags and write IRIs as plain strings, its JSON-LD drops language tags, and it
has no N-Quads (406). Parsing one lossless format also lets the service count rows — the only way to
see Virtuoso's silent row cap — and clean up what Virtuoso writes:

- ``"type": "typed-literal"`` (pre-2013 SPARQL JSON) becomes ``"literal"`` with its ``datatype``;
- its blank nodes ``nodeID://b10001`` become valid blank node labels;
- extra keys (``head.link``, ``distinct``, ``ordered``) are dropped.

Row cap: results over ``settings.max_rows`` keep the first ``max_rows`` rows with
``truncated=True`` (as the Engine does). Virtuoso cuts results at ``ResultSetMaxRows`` without an error;
a response with ``X-SPARQL-MaxRows`` (or whose row count equals a cap given as ``remote_max_rows``)
is reported as truncated too, since rows may be missing.

Timeouts: the remote is given the service's deadline (Virtuoso ``timeout`` parameter in ms, Oxigraph
``--timeout-s`` on its command line); Virtuoso answers 200 with *partial* results and
``X-SQL-State: S1TAT`` when an "anytime" query runs out of time — that is ``QueryError("timeout")``,
never a partial answer. No answer within the deadline (plus a margin) is a timeout as well.

Remote down: connection refused/reset is ``QueryError("unavailable")`` (503, Retry-After); a 5xx from
the remote is ``unavailable`` with status 502 (bad gateway), with the remote's message. Each request
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
  Virtuoso's own default graph is the union of *all* its graphs, system graphs included (``virtrdf#``,
  DAV, the service description…), which would add rows to e.g. ``?x rdfs:label ?l``. A remote loaded
  before the merge existed has no merge graph: then every service graph is a ``default-graph-uri``, as
  before (a triple of two graphs counted twice; logged).

``FROM <g1> FROM <g2>`` is passed to the remote as written: both count a triple of both graphs twice
(the embedded Engine evaluates it over their merge; a remote cannot be asked to). With
``union_default_graph`` off, the default graph is empty (a never-matching ``default-graph-uri``).

Substitutions (variable → N-Triples term) become ``VALUES`` blocks built from the parsed terms,
inserted at the start of the query's outermost group pattern and of every sub-SELECT's group through
which the variable is projected — so FILTERs and BINDs there see the value, as with pyoxigraph's
``substitutions=`` (named queries rely on it: cq-element-child-counts filters on ?kind inside a
sub-SELECT). Nothing else in the query text is changed. A query with no group to put it in
(``DESCRIBE <x>``, ``CONSTRUCT WHERE {…}``) gets a trailing VALUES clause.
"""

from __future__ import annotations
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit
import httpx
import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from kgservice.engine.embedded import EngineResult, QueryError
from kgservice.request.negotiation import RESULT_FORMATS
from kgservice.engine.sparqltext import FORMS, Scan, check_remote, scan, tokens

log = logging.getLogger("kgservice.engine.remote")

FLAVOURS = ("virtuoso", "oxigraph", "fuseki", "generic")
MERGE_GRAPH = "default-graph"  # under base_iri, not under graph/: no service graph of its own


def merge_graph(base_iri: str) -> str:
    """The graph holding the merge on a remote that has no default graph of its own (Virtuoso)."""
    return base_iri + MERGE_GRAPH


def merge_target(flavour: str, base_iri: str) -> str | None:
    """Where the merge is loaded: a named graph for ``scope="graphs"`` remotes, else (None) the remote's
    own default graph."""
    return merge_graph(base_iri) if flavour in ("virtuoso", "generic") else None
_RES = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
_RDF = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
        "rdfxml": "RDF_XML", "jsonld": "JSON_LD"}
_FORM = "application/x-www-form-urlencoded"
_MARGIN_S = 5.0  # HTTP deadline beyond the query deadline given to the remote


@dataclass(frozen=True)
class Target:
    """Where a remote store answers: its query, update and Graph Store endpoints, and credentials."""

    flavour: str
    query_url: str
    update_url: str
    store_url: str          # Graph Store Protocol endpoint (the authenticated one for Virtuoso)
    graph_param: str        # "graph-uri" (Virtuoso) or "graph" (Oxigraph, Fuseki)
    username: str | None = None
    password: str | None = None

    @property
    def auth(self) -> httpx.Auth | None:
        if self.username is None:
            return None
        # Virtuoso's /sparql-auth and /sparql-graph-crud-auth ask for Digest; others take Basic.
        cls = httpx.DigestAuth if self.flavour == "virtuoso" else httpx.BasicAuth
        return cls(self.username, self.password or "")

    @property
    def display(self) -> str:
        """The query URL for messages (credentials are never in it)."""
        return self.query_url

    @classmethod
    def from_url(cls, url: str, flavour: str | None = None, username: str | None = None,
                 password: str | None = None) -> Target:
        """A target from the URL of its SPARQL query endpoint (or the server root for Oxigraph).

        Credentials may be given as ``http://user:password@host…``; they are taken out of the URLs.
        Flavour, when not given: ``…/sparql`` at the root is Virtuoso, ``…/{dataset}/sparql`` or
        ``…/{dataset}/query`` Fuseki, ``/query`` or the bare root Oxigraph server.
        """
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        username = username if username is not None else (parts.username or None)
        password = password if password is not None else (parts.password or None)
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            netloc += f":{parts.port}"
        # A trailing slash misroutes on Virtuoso (/sparql/ is not /sparql): normalise it away.
        path = re.sub(r"/+$", "", parts.path)
        segments = [s for s in path.split("/") if s]
        if flavour is None:
            if segments == ["sparql"] or segments[-1:] in (["sparql-auth"],):
                flavour = "virtuoso"
            elif segments in ([], ["query"], ["store"], ["update"]):
                flavour = "oxigraph"
            elif len(segments) >= 2 and segments[-1] in ("sparql", "query"):
                flavour = "fuseki"
            else:
                flavour = "generic"
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown store flavour {flavour!r} (one of {', '.join(FLAVOURS)})")

        def at(p: str) -> str:
            return urlunsplit((parts.scheme, netloc, p, "", ""))

        if flavour == "virtuoso":
            root = "/" + "/".join(segments[:-1]) if len(segments) > 1 else ""
            return cls(flavour, at(root + "/sparql"), at(root + "/sparql-auth"),
                       at(root + "/sparql-graph-crud-auth"), "graph-uri", username, password)
        if flavour == "oxigraph":
            root = "/" + "/".join(segments[:-1]) if segments and segments[-1] in ("query", "store", "update") \
                else path
            root = root.rstrip("/")
            return cls(flavour, at(root + "/query"), at(root + "/update"), at(root + "/store"), "graph",
                       username, password)
        if flavour == "fuseki":
            root = "/" + "/".join(segments[:-1])
            return cls(flavour, at(path), at(root + "/update"), at(root + "/data"), "graph",
                       username, password)
        return cls(flavour, at(path), at(path), at(path), "graph", username, password)


# --------------------------------------------------------------------------- query text


def parse_term(text: str) -> ox.NamedNode | ox.Literal:
    """One IRI or literal from its N-Triples syntax (parsed, never pasted as given)."""
    try:
        quads = list(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise QueryError("bad_request", f"invalid term {text!r}: {exc}") from None
    if len(quads) != 1 or isinstance(quads[0].object, ox.BlankNode):
        raise QueryError("bad_request", f"not one IRI or literal: {text!r}")
    return quads[0].object


def values_block(substitutions: dict[str, str], names: list[str] | None = None) -> str:
    """``VALUES (?a ?b) { (<x> "y"@ja) }`` from variable names and N-Triples terms. The terms are
    written back by pyoxigraph (N-Triples syntax is valid SPARQL), so no text of the caller's reaches
    the query unparsed."""
    names = list(substitutions) if names is None else names
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError("bad_request", f"invalid variable name {name!r}")
    terms = [str(parse_term(substitutions[n])) for n in names]
    return "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(terms) + ") }"


def _projection(toks: list, i: int) -> tuple[set[str] | None, int]:
    """Variables a SELECT at token ``i`` projects as themselves (None for ``*``), and the index of its
    group's ``{``. ``(expr AS ?v)`` is not a plain projection: ?v is computed, not bound inside."""
    names: set[str] = set()
    star = False
    depth = 0
    j = i + 1
    while j < len(toks):
        t = toks[j]
        if t.kind == "punct" and t.text == "{" and depth == 0:
            break
        if t.kind == "punct" and t.text in "()":
            depth += 1 if t.text == "(" else -1
        elif t.kind == "punct" and t.text == "*" and depth == 0:
            star = True
        elif t.kind == "var" and depth == 0:
            names.add(t.text[1:])
        j += 1
    return (None if star else names), j


def bind_values(query: str, substitutions: dict[str, str] | None, every_group: bool = True) -> str:
    """The query with VALUES blocks binding the substitutions (see the module doc).

    As pyoxigraph's ``substitutions=`` do, a variable is bound in the outermost group and in every
    sub-SELECT through which it is projected (plainly, or by ``*``), however deep; a sub-SELECT that
    does not project it has its own, unrelated variable of that name and is left alone.
    ``every_group=False`` binds in those groups only (not in OPTIONAL/UNION/EXISTS/GRAPH groups): for
    Virtuoso, whose optimiser gives up on VALUES in nested groups ("estimated execution time … exceeds
    the limit") and which evaluates OPTIONAL with the outer bindings anyway.
    """
    if not substitutions:
        return query
    values_block(substitutions)  # validates every name and term up front
    toks = tokens(query)
    form_at = next((i for i, t in enumerate(toks) if t.keyword in FORMS), None)
    if form_at is None:
        raise QueryError("bad_request", "not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    everything = list(substitutions)
    i = form_at + 1
    if toks[form_at].keyword == "CONSTRUCT":
        if i < len(toks) and toks[i].keyword == "WHERE":
            return f"{query}\n{values_block(substitutions)}\n"  # short form: the pattern is the template
        if i < len(toks) and toks[i].text == "{":  # skip the template
            depth = 0
            while i < len(toks):
                depth += {"{": 1, "}": -1}.get(toks[i].text, 0) if toks[i].kind == "punct" else 0
                i += 1
                if depth == 0:
                    break
    while i < len(toks) and not (toks[i].kind == "punct" and toks[i].text == "{"):
        i += 1
    if i == len(toks):
        return f"{query}\n{values_block(substitutions)}\n"  # DESCRIBE <x> without a pattern
    inserts: list[tuple[int, list[str]]] = []
    # Walk the pattern from its first "{": a stack of open braces, each with the names bound in its
    # scope. Every group gets a VALUES block (OPTIONAL, UNION, GRAPH, EXISTS groups too: they are
    # evaluated on their own, and a substituted variable is a constant inside them as well), except
    # a group whose only content is a sub-SELECT (no room in the grammar) and VALUES data blocks.
    stack: list[list[str]] = []
    pending: list[str] | None = everything  # names for the next group opened
    values_data = False  # the next "{" opens the data block of a VALUES clause
    j = i
    while j < len(toks):
        t = toks[j]
        if t.keyword == "SELECT" and stack:
            projected, brace = _projection(toks, j)
            pending = [n for n in stack[-1] if projected is None or n in projected]
            j = brace
            continue
        if t.keyword == "VALUES":
            values_data = True
        elif t.kind == "punct" and t.text == "{":
            if values_data:  # skip the data block whole
                depth = 0
                while j < len(toks):
                    if toks[j].kind == "punct" and toks[j].text in "{}":
                        depth += 1 if toks[j].text == "{" else -1
                        if depth == 0:
                            break
                    j += 1
                values_data = False
            else:
                scope_group = pending is not None
                names = pending if pending is not None else stack[-1]
                pending = None
                stack.append(names)
                nxt = toks[j + 1] if j + 1 < len(toks) else None
                if names and (every_group or scope_group) and not (nxt is not None and nxt.keyword == "SELECT"):
                    inserts.append((t.offset + 1, names))
        elif t.kind == "punct" and t.text == "}":
            stack.pop()
            if not stack:
                break  # the end of the query's pattern: solution modifiers follow
        j += 1
    out = query
    for offset, names in sorted(inserts, reverse=True):
        out = f"{out[:offset]} {values_block(substitutions, names)}\n{out[offset:]}"
    return out


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
    """The Engine interface over a remote SPARQL store (see the module doc)."""

    def __init__(self, target: Target | str, settings: Any = None, *, scope: str | None = None,
                 remote_max_rows: int | None = None, graphs_ttl_s: float = 60.0,
                 client: httpx.Client | None = None) -> None:
        if settings is None:
            from kgservice.settings import Settings

            settings = Settings()
        self.settings = settings
        self.target = Target.from_url(target) if isinstance(target, str) else target
        self.scope = scope or ("graphs" if self.target.flavour in ("virtuoso", "generic") else "remote")
        if self.scope not in ("graphs", "remote"):
            raise ValueError("scope is 'graphs' or 'remote'")
        self.remote_max_rows = remote_max_rows
        self.graphs_ttl_s = graphs_ttl_s
        self._client = client or httpx.Client(follow_redirects=False)
        self._graphs: tuple[float, list[str], bool] | None = None  # (when, graphs, merge graph loaded)
        self._lock = threading.Lock()

    # ---- life cycle (the Engine's, so the app can hold either)

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
            raise QueryError("unavailable", f"the SPARQL store at {self.target.display} refused access "
                             f"({status}): check the service's credentials", status=502)
        if status == 406:
            raise QueryError("unavailable", f"the SPARQL store cannot write the exchange format: {message}",
                             status=502)
        if status >= 500:
            raise QueryError("unavailable", f"the SPARQL store at {self.target.display} failed ({status}): "
                             f"{message}", status=502, headers={"Retry-After": "5"})
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

    # ---- public API

    def execute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                named_graph_uris: list[str] | None = None) -> EngineResult:
        """Run a SPARQL query on the remote; the body is in ``result_format`` (formats.RESULT_FORMATS).
        ``scanned``: the query's ``sparqltext.scan``, when the caller has it."""
        if result_format not in RESULT_FORMATS:
            raise QueryError("bad_request", f"unknown result format {result_format!r}")
        fmt = RESULT_FORMATS[result_format]
        scanned = scan(query) if scanned is None else scanned
        refusal = check_remote(query, scanned, list(self.settings.service_allowlist))
        if refusal:
            raise QueryError("forbidden", refusal, status=400)
        if scanned.form not in FORMS.values():
            raise QueryError("bad_request", "not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE); "
                             "updates are not taken here")
        text = bind_values(query, substitutions, every_group=self.target.flavour != "virtuoso")
        form = scanned.form
        wanted = "graph" if form in ("construct", "describe") else "results"
        if fmt.kind != wanted:
            raise QueryError("bad_request", f"a {form.upper()} result cannot be written as {fmt.name}")
        timeout = self.settings.query_timeout_s
        params: list[tuple[str, str]] = [("query", text)]
        params += self._dataset_params(scanned.has_dataset_clause, default_graph_uris, named_graph_uris)
        if self.target.flavour == "virtuoso":
            params.append(("timeout", str(int(timeout * 1000))))  # ms; past it: partial + S1TAT
        accept = "application/n-triples" if wanted == "graph" else "application/sparql-results+json"
        response = self._post(self.target.query_url, params, accept, timeout + _MARGIN_S)
        if response.headers.get("x-sql-state", "").upper().startswith("S1TAT"):
            raise QueryError("timeout", f"the query ran past the {timeout:g} s limit on the SPARQL store "
                             "(it returned partial results, which are not passed on)")
        remote_cap = self.remote_max_rows
        header = response.headers.get("x-sparql-maxrows")
        if header and header.strip().isdigit():
            remote_cap = int(header)
        if wanted == "results":
            return self._results(response.content, fmt, form, remote_cap, bool(header))
        return self._graph(response.content, fmt, form, scanned.prefixes, remote_cap, bool(header))

    async def aexecute(self, query: str, result_format: str, **options: Any) -> EngineResult:
        """``execute`` for the event loop, in a thread (httpx's client here blocks)."""
        return await run_in_threadpool(partial(self.execute, query, result_format, **options))

    def _results(self, data: bytes, fmt: Any, form: str, remote_cap: int | None, capped: bool) -> EngineResult:
        try:
            doc = normalise_json_results(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise QueryError("unavailable", f"the SPARQL store sent unreadable results: {exc}", status=502) from None
        if "boolean" in doc:
            if form != "ask":
                raise QueryError("unavailable", "the SPARQL store answered a boolean to a SELECT", status=502)
            result = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
            body = result.serialize(format=getattr(ox.QueryResultsFormat, _RES[fmt.name]))
            return EngineResult(body, fmt.media_type, "ask", None, False)
        rows = doc["results"]["bindings"]
        n = len(rows)
        max_rows = self.settings.max_rows
        truncated = n > max_rows or capped or (remote_cap is not None and n >= remote_cap)
        if n > max_rows:
            doc["results"]["bindings"] = rows[:max_rows]
            n = max_rows
        try:
            result = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
            body = result.serialize(format=getattr(ox.QueryResultsFormat, _RES[fmt.name]))
        except (SyntaxError, ValueError) as exc:
            raise QueryError("unavailable", f"the SPARQL store sent unreadable results: {exc}", status=502) from None
        if truncated:
            log.warning("remote result truncated at %d rows (remote cap %s)", n, remote_cap)
        return EngineResult(body, fmt.media_type, "select", n, truncated)

    def _graph(self, data: bytes, fmt: Any, form: str, prefixes: dict[str, str], remote_cap: int | None,
               capped: bool) -> EngineResult:
        data = _NODE_ID.sub(rb"_:\1", data)  # Virtuoso may write its blank nodes as <nodeID://…>
        try:
            triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise QueryError("unavailable", f"the SPARQL store sent unreadable N-Triples: {exc}", status=502) from None
        n = len(triples)
        max_rows = self.settings.max_rows
        truncated = n > max_rows or capped or (remote_cap is not None and n >= remote_cap)
        triples = triples[:max_rows]
        rdf = getattr(ox.RdfFormat, _RDF[fmt.name])
        use = prefixes if fmt.name in ("turtle", "trig", "rdfxml") else None
        try:
            body = ox.serialize(triples, format=rdf, prefixes=use or None)
        except (ValueError, SyntaxError):
            body = ox.serialize(triples, format=rdf)
        return EngineResult(body, fmt.media_type, form, len(triples), truncated)

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
        result = self.execute(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}", result_format,
                              default_graph_uris=None, named_graph_uris=[graph])
        if result.truncated:
            raise QueryError("too_many_rows", f"graph <{graph}> is larger than the row cap; use the dump files",
                             status=413)
        return EngineResult(result.body, result.media_type, "graph", None, False)

    def write(self, req: dict) -> dict:
        raise QueryError("forbidden", "this service reads a remote store; load it with "
                         "`python -m kgservice.engine.load_remote --target URL`", status=405)
