"""What runs in the engine's child processes: a reader serving queries over a read-only store, and
the short-lived writer applying one write (kgservice.engine.embedded tells why processes).

A reader opens the store once, then answers requests from its pipe, one at a time. A request is a
tuple whose first item names the operation (``query``, ``dump``, ``graphs``); the reply is
``("ok", …)`` or ``("error", kind, message, extra)``. Everything that can be done once per process
(importing pyoxigraph, opening the store, learning its layout) is done before ``ready``.
"""

from __future__ import annotations
import re
import signal
from typing import Any
from kgservice.engine import merge
from kgservice.engine.contract import QueryError
from kgservice.engine.results import ox_format, write_boolean, write_graph, write_select
from kgservice.engine.sparqltext import scan
from mappings.build import merge as store_layout

_POSITION = re.compile(r"error at (\d+):(\d+)")


def syntax_error(exc: Exception, lines_before: int = 0) -> tuple:
    """A syntax error at the caller's own position (``lines_before``: lines put before their text)."""
    message = str(exc)
    extra: dict[str, Any] = {}
    m = _POSITION.search(message)
    if m:
        line = max(1, int(m.group(1)) - lines_before)
        extra["position"] = {"line": line, "column": int(m.group(2))}
        message = message[:m.start(1)] + str(line) + message[m.end(1):]
    return ("error", "bad_request", message, extra)


def term(ox: Any, text: str) -> Any:
    """An RDF term from its N-Triples syntax (parsed by pyoxigraph, never pasted into a query)."""
    quads = list(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
    if len(quads) != 1:
        raise ValueError(f"not one N-Triples term: {text!r}")
    return quads[0].object


def run_query(ox: Any, store: Any, merged: bool, req: tuple) -> tuple:
    """``("query", text, has_dataset_clause, form, prefixes, format, substitutions, default_graph_uris,
    named_graph_uris, base_iri, union, max_rows)`` → ``("ok", body, form, rows)``."""
    _, text, own_dataset, form, prefixes, fmt, substitutions, dg, ng, base_iri, union, max_rows = req
    kwargs: dict[str, Any] = {}
    try:
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): term(ox, v) for k, v in substitutions.items()}
        store, dataset = _dataset(ox, store, merged, text, own_dataset, dg, ng, union, base_iri)
        kwargs.update(dataset)
    except (ValueError, SyntaxError) as exc:
        return ("error", "bad_request", f"invalid term or graph IRI: {exc}", {})
    if base_iri:
        kwargs["base_iri"] = base_iri
    try:
        result = store.query(text, **kwargs)
        if isinstance(result, ox.QuerySolutions):
            body, rows = write_select(ox, result, fmt, max_rows)
            return ("ok", body, "select", rows)
        if isinstance(result, ox.QueryBoolean):
            return ("ok", write_boolean(ox, result, fmt), "ask", None)
        form = "describe" if form == "describe" else "construct"
        body, rows = write_graph(ox, result, fmt, max_rows, form, prefixes or {})
        return ("ok", body, form, rows)
    except QueryError as exc:
        return ("error", exc.kind, exc.message, exc.extra)
    except SyntaxError as exc:
        return syntax_error(exc)
    except ValueError as exc:
        return ("error", "bad_request", str(exc), {})
    except RuntimeError as exc:
        if "custom function" not in str(exc):
            raise
        # a function IRI SPARQL does not define (a mistyped xsd: cast): the query's fault, not ours
        return ("error", "bad_request", f"{exc}: SPARQL 1.1 functions and XSD casts only", {})


def _dataset(ox: Any, store: Any, merged: bool, text: str, own_dataset: bool, dg: list[str] | None,
             ng: list[str] | None, union: bool, base_iri: str | None = None) -> tuple[Any, dict]:
    """The store to query and its dataset arguments. The default graph is the RDF merge of the named
    graphs (kgservice.engine.embedded): a store built by ``plankg build`` holds it as its own default
    graph; one built before it existed is read with the union flag. ``FROM <g1> FROM <g2>`` (or several
    ``default-graph-uri``) is evaluated over the merge of those graphs, copied into an in-memory
    dataset (pyoxigraph's own dataset would count a triple of two of them twice)."""
    if not (dg or ng) and own_dataset:
        clauses = merge.dataset_clauses(text, scan(text), base_iri)
        if clauses is None or len(set(clauses[0])) < 2:
            return store, {}  # one graph (or none) in FROM: the store's own evaluation has no duplicate
        dg, ng = clauses
    if dg or ng:
        named = [ox.NamedNode(u) for u in ng or []]
        if len(set(dg or [])) > 1:  # the merge of several graphs, each triple once
            return merge.merge_of(store, dg, ng or []), {"default_graph": [ox.DefaultGraph()], "named_graphs": named}
        return store, {"default_graph": [ox.NamedNode(u) for u in dg or []], "named_graphs": named}
    if not union:
        return store, {"default_graph": []}
    return store, {} if merged else {"use_default_graph_as_union": True}


def run_dump(ox: Any, store: Any, merged: bool, req: tuple) -> tuple:
    """``("dump", graph, format)``: a graph (IRI, "default") or the whole dataset (None)."""
    _, graph, fmt = req
    rdf = ox_format(fmt)
    if graph is None:  # the whole dataset
        if not rdf.supports_datasets:
            return ("error", "not_acceptable", f"the whole dataset needs N-Quads or TriG, not {fmt}", {})
        body = ox.serialize(store_layout.dataset_quads(store, merged), format=rdf)  # never the merge as a graph
    elif graph == "default":
        body = store.dump(format=rdf, from_graph=ox.DefaultGraph())
    else:
        node = ox.NamedNode(graph)
        if not store.contains_named_graph(node):
            return ("error", "not_found", f"no graph <{graph}> in the store", {})
        body = store.dump(format=rdf, from_graph=node)
    return ("ok", body, "graph", None)


def run_graphs(ox: Any, store: Any, merged: bool, req: tuple) -> tuple:
    """``("graphs", union)``: named graphs with their triple counts, and the triple count of the default
    graph as queries see it (the merge: distinct triples; none when union_default_graph is off)."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    graphs = [(r["g"].value, int(r["n"].value)) for r in rows if isinstance(r["g"], ox.NamedNode)]
    if not req[1]:
        return ("ok", {"graphs": graphs, "default_triples": 0})
    if merged:
        total = store_layout.default_count(store)
    else:
        total = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
                                          use_default_graph_as_union=True)))["n"].value)
    return ("ok", {"graphs": graphs, "default_triples": total})


def _limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (RLIMIT_AS). Past it, an allocation fails: Python raises
    MemoryError, Rust (pyoxigraph) aborts the process — either way only this reader is lost."""
    if memory_mb > 0:
        import resource

        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def open_store(path: str, memory_mb: int) -> tuple[Any, Any, bool]:
    """The reader's setup: signals, memory cap, pyoxigraph, the store and its layout (whether its
    default graph holds the merge). Raises with the reason when it cannot start."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    try:
        _limit_memory(memory_mb)
    except (ValueError, OSError) as exc:
        raise RuntimeError(f"cannot set the memory limit of {memory_mb} MiB: {exc}") from None
    try:
        import pyoxigraph as ox

        store = ox.Store.read_only(path)
        return ox, store, store_layout.holds_merge(store)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        raise RuntimeError(f"cannot open the store at {path}: {exc}") from None


HANDLERS = {"query": run_query, "dump": run_dump, "graphs": run_graphs}


def serve(ox: Any, store: Any, merged: bool, req: tuple, memory_mb: int) -> tuple:
    """One request's reply; a failure fails that request only."""
    try:
        return HANDLERS[req[0]](ox, store, merged, req)
    except MemoryError:
        return ("error", "memory_limit", f"the query needed more than the {memory_mb} MiB a query worker "
                "may use and was stopped", {})
    except OSError as exc:
        return ("error", "unavailable", f"store error: {exc}", {})
    except Exception as exc:  # noqa: BLE001 - one bad request must not kill the reader
        return ("error", "internal", f"{type(exc).__name__}: {exc}", {})


def reader_main(path: str, conn: Any, memory_mb: int = 0) -> None:
    try:
        ox, store, merged = open_store(path, memory_mb)
    except RuntimeError as exc:
        conn.send(("fatal", str(exc)))
        return
    conn.send(("ready", merged))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        conn.send(serve(ox, store, merged, req, memory_mb))


# --------------------------------------------------------------------------- the writer


def _write(ox: Any, store: Any, req: dict) -> tuple:
    """One write, as one SPARQL Update request that also re-derives the merged default graph (one
    transaction: readers never see the write without its merge)."""
    op = req["op"]
    if op == "update":
        update, lines_before = merge.merged_update(req["update"])
        if scan(req["update"]).form != "update":  # a prologue alone: nothing to wrap
            update, lines_before = req["update"], 0
        try:
            store.update(update, base_iri=req.get("base_iri"))
        except SyntaxError as exc:
            return syntax_error(exc, lines_before)
        except ValueError as exc:
            return ("error", "bad_request", str(exc), {})
        return ("ok", {})
    graph = req["graph"]
    existed = graph == "default" or store.contains_named_graph(ox.NamedNode(graph))
    if op == "delete":
        if not existed:
            return ("error", "not_found", f"no graph <{graph}> in the store", {})
        store.update(merge.graph_store_update("delete", graph))
        return ("ok", {"created": False})
    rdf = ox_format(req["format"])
    try:  # parse everything before touching the store
        quads = list(ox.parse(req["data"], format=rdf, base_iri=req.get("base_iri"), without_named_graphs=True))
    except (SyntaxError, ValueError) as exc:
        return ("error", "bad_request", f"cannot parse the {req['format']} payload: {exc}", {})
    store.update(merge.graph_store_update(op, graph, (q.triple for q in quads)))
    return ("ok", {"created": not existed, "triples": len(quads)})


def writer_main(path: str, conn: Any, req: dict) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import pyoxigraph as ox

        store = ox.Store(path)
        reply = _write(ox, store, req)
        store.flush()
        del store
    except OSError as exc:
        reply = ("error", "unavailable", f"cannot write the store at {path}: {exc}", {})
    except Exception as exc:  # noqa: BLE001
        reply = ("error", "internal", f"{type(exc).__name__}: {exc}", {})
    conn.send(reply)
