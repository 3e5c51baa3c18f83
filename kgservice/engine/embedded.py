"""The query engine: a pool of reader processes over the embedded pyoxigraph store, and one writer.

Why processes: pyoxigraph has no query timeout and no cancellation. Each of ``settings.workers``
reader processes (multiprocessing, *spawn* context) opens the store once with
``Store.read_only(path)`` and serves one query at a time over a pipe. A query still running at its
wall-clock deadline gets its process killed (SIGKILL) and replaced in the background; the caller gets
``QueryError("timeout")`` (HTTP 503). The web process itself never opens the store.

Memory: each reader caps its own address space (``settings.worker_memory_mb``, RLIMIT_AS). A query
that needs more makes an allocation fail — pyoxigraph aborts the process (SIGABRT), Python raises
MemoryError — and the caller gets ``QueryError("memory_limit")`` (503) while the reader is replaced.
A reader killed from outside fails only the query it was running (``unavailable``, 503, Retry-After).

Nesting: deeply nested or very long chained queries crash pyoxigraph's recursive parser (SIGSEGV); they
are refused with a 400 before reaching a reader (``Scan.too_complex``, kgservice.engine.sparqltext). A query is
tokenised once: callers that have scanned it (the protocol, named queries at load) pass the ``Scan``.

From the event loop (``aexecute``, what the routes use): no thread. The request is written to an idle
reader's pipe and the reply awaited with ``loop.add_reader`` — a hop to a thread and back costs ~0.4 ms
of a cheap query. When the call would have to wait (no idle reader or admission slot, a write in
progress, a store switch to follow) it runs the blocking path (``execute``) in a thread instead, so the
event loop never waits on a lock. A request cancelled while its reader works loses that reader (killed,
replaced), as at the deadline.

Admission: at most ``workers * 2`` queries are admitted at once (running or waiting for a reader);
one more waits up to ``admission_wait_s`` for a slot, then is ``QueryError("unavailable")`` with
``Retry-After``. Waiting for a reader counts against the query's deadline. The idle readers are a
stack: the one that answered last takes the next query (its caches are warm).

Row cap: results are never silently cut. A SELECT is written as TSV (one line per row) through a
counting sink that stops pyoxigraph after ``max_rows + 1`` rows; CONSTRUCT/DESCRIBE likewise as
N-Triples (one line per triple). Over the cap, the first ``max_rows`` rows/triples are answered with
``EngineResult.truncated = True``, which the HTTP layer turns into ``X-Result-Truncated: true`` and a
``Warning`` header. The kept lines are re-read by pyoxigraph and written in the requested format.

Default graph: the RDF merge of the named graphs (mappings.build.merge, kgservice.engine.merge): a store built by ``plankg build``
holds it in its own default graph, and every write re-derives it, so a query without FROM/FROM NAMED
and without protocol dataset parameters reads that graph as it is — each triple once, whatever the
pyoxigraph version. A store without it (built before it existed) is read with the union flag, as it
was. ``FROM <g1> FROM <g2>`` (or several ``default-graph-uri``) is evaluated over the merge of those
graphs, copied into an in-memory dataset for the query (pyoxigraph's own dataset would count a
triple of two of them twice). ``union_default_graph`` off: the default graph is empty.
``default-graph-uri``/``named-graph-uri`` replace the dataset as the SPARQL Protocol says.

Writes (SPARQL Update, Graph Store Protocol) go through a single writer: new queries are held, the
running ones finish (or hit their deadline), every reader is stopped, a short-lived writer process
opens the store read-write, applies the change and exits, then a fresh pool re-opens the store.
Read-only pyoxigraph stores are snapshots and must not stay open while another process writes
(FIELD-NOTES), hence the restart. Writes are rare here (the graph is rebuilt from records), so the
~1 s pause is the price of a sound design.

A rebuilt store switched in under ``store_path`` (the ``current`` symlink) is noticed at the next
query: the pool restarts on the new directory. Spawned processes re-import the parent's
``__main__``: a script that creates the app must use the ``if __name__ == "__main__":`` guard
(``plankg serve`` and pytest do).
"""

from __future__ import annotations
import asyncio
import logging
import multiprocessing as mp
import os
import queue
import re
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from kgservice.request.errors import ServiceError
from kgservice.request.negotiation import RESULT_FORMATS
from kgservice.engine import merge
from mappings.build import merge as store_layout
from kgservice.engine.sparqltext import Scan, check_remote, scan

log = logging.getLogger("kgservice.engine.embedded")

_CTX = mp.get_context("spawn")
_READY_TIMEOUT_S = 60.0


class QueryError(ServiceError):
    """``.kind`` in {"bad_request", "timeout", "too_many_rows", "unavailable", "forbidden"}."""


@dataclass
class EngineResult:
    body: bytes
    media_type: str
    form: str  # "select" | "ask" | "construct" | "describe" | "graph" (a graph download)
    row_count: int | None
    truncated: bool

    @property
    def content_type(self) -> str:
        from kgservice.request.negotiation import content_type

        return content_type(self.media_type)


# --------------------------------------------------------------------------- in the child processes

_POSITION = re.compile(r"error at (\d+):(\d+)")


def _syntax_error(exc: Exception, lines_before: int = 0) -> tuple:
    """A syntax error at the caller's own position (``lines_before``: lines put before their text)."""
    message = str(exc)
    extra: dict[str, Any] = {}
    m = _POSITION.search(message)
    if m:
        line = max(1, int(m.group(1)) - lines_before)
        extra["position"] = {"line": line, "column": int(m.group(2))}
        message = message[:m.start(1)] + str(line) + message[m.end(1):]
    return ("error", "bad_request", message, extra)


class _Enough(Exception):
    """Raised by the sink to stop pyoxigraph's serialiser once the cap is passed."""


class _LineSink:
    """A binary writer counting lines; pyoxigraph writes to it in ~8 KB chunks."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise _Enough()
        return len(data)

    def flush(self) -> None:
        pass

    def head(self, lines: int) -> tuple[bytes, bool]:
        """The first ``lines`` lines, and whether more were written."""
        data = b"".join(self.chunks)
        end = -1
        for _ in range(lines):
            end = data.find(b"\n", end + 1)
            if end < 0:
                return data, False
        return data[: end + 1], len(data) > end + 1


def _term(ox: Any, text: str) -> Any:
    """An RDF term from its N-Triples syntax (parsed by pyoxigraph, never pasted into a query)."""
    quads = list(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
    if len(quads) != 1:
        raise ValueError(f"not one N-Triples term: {text!r}")
    return quads[0].object


_RDF = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
        "rdfxml": "RDF_XML", "jsonld": "JSON_LD"}
_RES = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}


def _query(ox: Any, store: Any, req: dict) -> tuple:
    fmt = RESULT_FORMATS[req["format"]]
    scanned = req.get("scan") or scan(req["query"])  # Engine.execute has scanned it already; the CLI has not
    kwargs: dict[str, Any] = {}
    try:
        if req.get("substitutions"):
            kwargs["substitutions"] = {ox.Variable(k): _term(ox, v) for k, v in req["substitutions"].items()}
        store, dataset = _dataset(ox, store, req, scanned)
        kwargs.update(dataset)
    except (ValueError, SyntaxError) as exc:
        return ("error", "bad_request", f"invalid term or graph IRI: {exc}", {})
    try:
        result = store.query(req["query"], **kwargs)
    except SyntaxError as exc:
        return _syntax_error(exc)
    except ValueError as exc:
        return ("error", "bad_request", str(exc), {})
    except RuntimeError as exc:
        if "custom function" not in str(exc):
            raise
        # a function IRI SPARQL does not define (a mistyped xsd: cast): the query's fault, not ours
        return ("error", "bad_request", f"{exc}: SPARQL 1.1 functions and XSD casts only", {})
    max_rows = req["max_rows"]
    if isinstance(result, ox.QueryBoolean):
        if fmt.kind != "results":
            return ("error", "bad_request", f"an ASK result cannot be written as {fmt.name}", {})
        body = result.serialize(format=getattr(ox.QueryResultsFormat, _RES[fmt.name]))
        return ("ok", body, fmt.media_type, "ask", None, False)
    form = "select" if isinstance(result, ox.QuerySolutions) else (
        "describe" if scanned.form == "describe" else "construct")
    wanted = "results" if form == "select" else "graph"
    if fmt.kind != wanted:
        return ("error", "bad_request", f"a {form.upper()} result cannot be written as {fmt.name}", {})
    sink = _LineSink(max_rows + (1 if form == "select" else 0))
    try:
        if form == "select":
            result.serialize(sink, format=ox.QueryResultsFormat.TSV)
        else:
            result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
    except _Enough:
        pass
    if form == "select":
        data, truncated = sink.head(max_rows + 1)  # header line + rows
        rows = data.count(b"\n") - 1 if data else 0
        if fmt.name == "tsv":
            body = data
        else:
            parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
            body = parsed.serialize(format=getattr(ox.QueryResultsFormat, _RES[fmt.name]))
    else:
        data, truncated = sink.head(max_rows)
        rows = data.count(b"\n")
        if fmt.name in ("ntriples", "nquads"):  # N-Triples is valid N-Quads
            body = data
        else:
            rdf = getattr(ox.RdfFormat, _RDF[fmt.name])
            prefixes = scanned.prefixes if fmt.name in ("turtle", "trig", "rdfxml") else None
            quads = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
            try:
                body = ox.serialize(quads, format=rdf, prefixes=prefixes or None)
            except (ValueError, SyntaxError):  # an odd prefix declaration: write without prefixes
                body = ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), format=rdf)
    return ("ok", body, fmt.media_type, form, rows, truncated)


def _dataset(ox: Any, store: Any, req: dict, scanned: Scan) -> tuple[Any, dict]:
    """The store to query and its dataset arguments: the merge as the default graph (see the module doc)."""
    dg, ng = req.get("default_graph_uris"), req.get("named_graph_uris")
    if not (dg or ng) and scanned.has_dataset_clause:
        clauses = merge.dataset_clauses(req["query"], scanned)
        if clauses is None or len(set(clauses[0])) < 2:
            return store, {}  # one graph (or none) in FROM: the store's own evaluation has no duplicate
        dg, ng = clauses
    if dg or ng:
        if len(set(dg or [])) > 1:  # the merge of several graphs, each triple once
            return merge.merge_of(store, dg, ng or []), {
                "default_graph": [ox.DefaultGraph()], "named_graphs": [ox.NamedNode(u) for u in ng or []]}
        return store, {"default_graph": [ox.NamedNode(u) for u in dg or []],
                       "named_graphs": [ox.NamedNode(u) for u in ng or []]}
    if not req["union"]:
        return store, {"default_graph": []}
    merged = req.get("merged")
    if merged is None:  # the CLI: not known from a reader's start
        merged = store_layout.holds_merge(store)
    return store, {} if merged else {"use_default_graph_as_union": True}


def _dump(ox: Any, store: Any, req: dict) -> tuple:
    fmt = RESULT_FORMATS[req["format"]]
    rdf = getattr(ox.RdfFormat, _RDF[fmt.name])
    graph = req["graph"]
    if graph is None:  # the whole dataset
        if not rdf.supports_datasets:
            return ("error", "not_acceptable", f"the whole dataset needs N-Quads or TriG, not {fmt.name}", {})
        merged = req["merged"] if "merged" in req else store_layout.holds_merge(store)
        body = ox.serialize(store_layout.dataset_quads(store, merged), format=rdf)  # never the merge as a graph
    elif graph == "default":
        body = store.dump(format=rdf, from_graph=ox.DefaultGraph())
    else:
        node = ox.NamedNode(graph)
        if not store.contains_named_graph(node):
            return ("error", "not_found", f"no graph <{graph}> in the store", {})
        body = store.dump(format=rdf, from_graph=node)
    return ("ok", body, fmt.media_type, "graph", None, False)


def _graphs(ox: Any, store: Any, req: dict) -> tuple:
    """Named graphs with their triple counts, and the triple count of the default graph as queries
    see it (the merge: distinct triples; none when union_default_graph is off)."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    graphs = [(r["g"].value, int(r["n"].value)) for r in rows if isinstance(r["g"], ox.NamedNode)]
    if not req["union"]:
        return ("ok", {"graphs": graphs, "default_triples": 0})
    if req.get("merged", True):
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


def _reader_main(path: str, conn: Any, memory_mb: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    try:
        _limit_memory(memory_mb)
    except (ValueError, OSError) as exc:
        conn.send(("fatal", f"cannot set the memory limit of {memory_mb} MiB: {exc}"))
        return
    try:
        import pyoxigraph as ox

        store = ox.Store.read_only(path)
        merged = store_layout.holds_merge(store)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("fatal", f"cannot open the store at {path}: {exc}"))
        return
    conn.send(("ready", merged))
    handlers = {"query": _query, "dump": _dump, "graphs": _graphs}
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        req["merged"] = merged
        try:
            reply = handlers[req["op"]](ox, store, req)
        except MemoryError:
            reply = ("error", "memory_limit", f"the query needed more than the {memory_mb} MiB a query "
                     "worker may use and was stopped", {})
        except OSError as exc:
            reply = ("error", "unavailable", f"store error: {exc}", {})
        except Exception as exc:  # noqa: BLE001 - one bad request must not kill the reader
            reply = ("error", "internal", f"{type(exc).__name__}: {exc}", {})
        conn.send(reply)


def _write(ox: Any, store: Any, req: dict) -> tuple:
    """One write, as one SPARQL Update request that also re-derives the merged default graph (one
    transaction: readers never see the write without its merge)."""
    op = req["op"]
    if op == "update":
        update, lines_before = merge.merged_update(req["update"])
        if scan(req["update"]).form != "update":  # a prologue alone: nothing to wrap
            update, lines_before = req["update"], 0
        try:
            store.update(update)
        except SyntaxError as exc:
            return _syntax_error(exc, lines_before)
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
    rdf = getattr(ox.RdfFormat, _RDF[req["format"]])
    try:  # parse everything before touching the store
        quads = list(ox.parse(req["data"], format=rdf, base_iri=req.get("base_iri"), without_named_graphs=True))
    except (SyntaxError, ValueError) as exc:
        return ("error", "bad_request", f"cannot parse the {req['format']} payload: {exc}", {})
    store.update(merge.graph_store_update(op, graph, (q.triple for q in quads)))
    return ("ok", {"created": not existed, "triples": len(quads)})


def _writer_main(path: str, conn: Any, req: dict) -> None:
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


# --------------------------------------------------------------------------- in the web process


def _readlink(path: Any) -> str | None:
    try:
        return os.readlink(path)
    except OSError:  # missing, or a plain directory
        return None


class _Reader:
    def __init__(self, path: str, memory_mb: int = 0) -> None:
        parent, child = _CTX.Pipe()
        self.proc = _CTX.Process(target=_reader_main, args=(path, child, memory_mb), daemon=True,
                                 name="plankg-reader")
        self.proc.start()
        child.close()
        self.conn = parent
        self.merged = True  # whether the store's default graph holds the merge (told when ready)

    def wait_ready(self, timeout: float) -> str | None:
        """None when ready, else why not."""
        try:
            if not self.conn.poll(timeout):
                return "reader did not start in time"
            msg = self.conn.recv()
        except (EOFError, OSError):
            return "reader exited while starting"
        if msg[0] != "ready":
            return msg[1]
        self.merged = msg[1]
        return None

    def kill(self) -> None:
        if self.proc.is_alive():
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        self.kill()


class Engine:
    def __init__(self, settings: Any) -> None:
        self.settings = settings
        # Last in, first out (measured: ~0.3 ms less per cheap query than taking readers in turn).
        self._idle: queue.LifoQueue[_Reader] = queue.LifoQueue()
        self._readers: set[_Reader] = set()
        self._lock = threading.Lock()  # guards _readers, _spawning, _unavailable
        self._spawning: list[threading.Thread] = []
        self._slots = threading.BoundedSemaphore(settings.workers * 2)
        self._gate = threading.Condition()
        self._paused = False
        self._active = 0
        self._waiting = 0  # queries waiting in a thread for an idle reader (guarded by _lock)
        self._write_lock = threading.Lock()
        self._unavailable: str | None = "the engine is not started"
        self._dataset: dict | None = None
        self.path: str | None = None
        self._link: str | None = None  # store_path's symlink target when the pool opened
        self._writes = 0  # bumped by every write: part of the store's version

    @property
    def version(self) -> str:
        """Which data answers now: the store directory ``current`` points at (a rebuild switches it;
        one readlink, as ``_follow_switch``) and the number of writes applied since start. Answers
        cached under one version stay right."""
        return f"{_readlink(self.settings.store_path) or self.path}#{self._writes}"

    @property
    def _memory_mb(self) -> int:
        return int(getattr(self.settings, "worker_memory_mb", 0) or 0)

    # ---- pool life cycle

    def start(self) -> None:
        """Open the pool (the store path's symlink is resolved now: a rebuilt store switched in later
        is picked up at the next restart)."""
        store = Path(self.settings.store_path)
        if not store.exists():
            with self._lock:
                self._unavailable = f"no store at {store}; run `plankg build` first"
            log.warning(self._unavailable)
            return
        self._link = _readlink(store)  # before resolving: a switch in between is seen at the next query
        self.path = os.path.realpath(store)
        readers = [_Reader(self.path, self._memory_mb) for _ in range(self.settings.workers)]
        problems = []
        for reader in readers:
            problem = reader.wait_ready(_READY_TIMEOUT_S)
            if problem:
                problems.append(problem)
                reader.kill()
            else:
                with self._lock:
                    self._readers.add(reader)
                self._idle.put(reader)
        with self._lock:
            self._unavailable = problems[0] if len(problems) == len(readers) else None
            self._dataset = None
        if any(not r.merged for r in readers):
            log.warning("the store at %s has no merged default graph (built before it existed): queries read "
                        "the union of its graphs, where a triple stated in two graphs counts twice", self.path)
        if problems:
            log.error("store readers failed: %s", problems[0])

    def close(self) -> None:
        with self._lock:
            spawning = list(self._spawning)
        for thread in spawning:
            thread.join(_READY_TIMEOUT_S)
        with self._lock:
            readers, self._readers = list(self._readers), set()
            self._unavailable = "the engine is stopped"
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        for reader in readers:
            reader.stop()

    def restart(self) -> None:
        self._pause()
        try:
            self.close()
            self.start()
        finally:
            self._resume()

    def _replace(self, dead: _Reader) -> None:
        """Kill a reader and start its successor in the background (the caller answers at once)."""
        with self._lock:
            self._readers.discard(dead)

        def run() -> None:
            try:
                dead.kill()
                if self.path is None:
                    return
                fresh = _Reader(self.path, self._memory_mb)
                problem = fresh.wait_ready(_READY_TIMEOUT_S)
                if problem:
                    log.error("replacement reader failed: %s", problem)
                    fresh.kill()
                    return
                with self._lock:
                    self._readers.add(fresh)
                self._idle.put(fresh)
            finally:
                with self._lock:
                    self._spawning.remove(thread)

        thread = threading.Thread(target=run, name="plankg-respawn", daemon=True)
        with self._lock:
            self._spawning.append(thread)
        thread.start()

    # ---- running work on a reader

    def _pause(self) -> None:
        with self._gate:
            self._paused = True
            while self._active:
                self._gate.wait()

    def _resume(self) -> None:
        with self._gate:
            self._paused = False
            self._gate.notify_all()

    def _follow_switch(self) -> None:
        """Re-open the pool when ``store_path`` (the ``current`` symlink) now points elsewhere: a
        build switched a new store in. Costs one readlink per query; the path is resolved (an lstat
        per component) only when the link changed."""
        link = _readlink(self.settings.store_path)
        if link == self._link and self.path is not None:
            return
        store = Path(self.settings.store_path)
        if not store.exists():
            return  # nothing to switch to (yet): look again at the next query
        if os.path.realpath(store) != self.path:
            with self._write_lock:  # one restart at a time; never during a write
                if os.path.realpath(store) != self.path:
                    log.info("store switched to %s: restarting readers", os.path.realpath(store))
                    self.restart()
        self._link = link

    def _call(self, req: dict, timeout: float | None = None) -> tuple:
        timeout = self.settings.query_timeout_s if timeout is None else timeout
        self._follow_switch()
        wait = float(getattr(self.settings, "admission_wait_s", 0) or 0)
        admitted = self._slots.acquire(timeout=wait) if wait else self._slots.acquire(blocking=False)
        if not admitted:
            raise QueryError("unavailable", f"too many concurrent queries (limit {self.settings.workers * 2}, "
                             f"none freed within {wait:g} s); retry shortly", headers={"Retry-After": "1"})
        deadline = time.monotonic() + timeout
        try:
            with self._gate:
                while self._paused:
                    if not self._gate.wait(max(0.0, deadline - time.monotonic())):
                        raise QueryError("unavailable", "the store is being updated; retry shortly",
                                         headers={"Retry-After": "1"})
                self._active += 1
        except BaseException:
            self._slots.release()
            raise
        try:
            return self._on_reader(req, deadline, timeout)
        finally:
            self._leave()

    def _leave(self) -> None:
        with self._gate:
            self._active -= 1
            self._gate.notify_all()
        self._slots.release()

    def _on_reader(self, req: dict, deadline: float, timeout: float) -> tuple:
        with self._lock:
            unavailable = self._unavailable
        if unavailable:
            raise QueryError("unavailable", unavailable)
        with self._lock:
            self._waiting += 1
        try:
            reader = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryError("unavailable", "no store reader became free before the deadline",
                             headers={"Retry-After": "1"}) from None
        finally:
            with self._lock:
                self._waiting -= 1
        try:
            reader.conn.send(req)
            ready = reader.conn.poll(max(0.0, deadline - time.monotonic()))
            reply = reader.conn.recv() if ready else None
        except (EOFError, OSError):
            self._lost(reader)
        return self._settle(reader, reply, timeout)

    def _enter_now(self) -> _Reader | None:
        """An idle reader, admitted and counted as active, if that needs no waiting; else None."""
        if self.path is None or _readlink(self.settings.store_path) != self._link:
            return None  # a store switch to follow: _call restarts the pool
        if self._waiting:
            return None  # queries waiting in threads for a reader go first
        if not self._slots.acquire(blocking=False):
            return None
        with self._gate:
            if not self._paused:
                self._active += 1
                try:
                    return self._idle.get_nowait()
                except queue.Empty:
                    pass
                self._active -= 1
                self._gate.notify_all()
        self._slots.release()
        return None

    async def _acall(self, req: dict) -> tuple:
        """``_call`` from the event loop: the reply is awaited on the reader's pipe, not in a thread."""
        reader = self._enter_now()
        if reader is None:
            from starlette.concurrency import run_in_threadpool

            return await run_in_threadpool(self._call, req)
        timeout = self.settings.query_timeout_s
        try:
            try:
                reader.conn.send(req)
                reply = reader.conn.recv() if await _readable(reader.conn.fileno(), timeout) else None
            except (EOFError, OSError):
                self._lost(reader)
            except asyncio.CancelledError:
                self._replace(reader)  # its reply is still to come: it cannot serve another query
                raise
            return self._settle(reader, reply, timeout)
        finally:
            self._leave()

    def _lost(self, reader: _Reader) -> NoReturn:
        """The reader's pipe broke mid-query: it died. Replace it and raise why."""
        reader.proc.join(1)
        code = reader.proc.exitcode
        self._replace(reader)
        if code == -signal.SIGABRT and self._memory_mb:
            # Rust aborts when an allocation fails: the address-space cap was reached.
            raise QueryError("memory_limit", f"the query needed more than the {self._memory_mb} MiB a "
                             "query worker may use and was stopped") from None
        why = f" (signal {signal.Signals(-code).name})" if code is not None and code < 0 else ""
        raise QueryError("unavailable", f"the store reader died while running the query{why}; retry",
                         headers={"Retry-After": "1"}) from None

    def _settle(self, reader: _Reader, reply: tuple | None, timeout: float) -> tuple:
        """Return the reader to the pool (or kill it at the deadline) and the reply (or raise it)."""
        if reply is None:
            self._replace(reader)  # SIGKILL: the only way to stop a pyoxigraph query
            raise QueryError("timeout", f"the query ran past the {timeout:g} s limit and was stopped")
        self._idle.put(reader)
        if reply[0] == "error":
            _, kind, message, extra = reply
            raise QueryError(kind, message, **extra)
        return reply

    # ---- public API

    def execute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                named_graph_uris: list[str] | None = None) -> EngineResult:
        """Run a SPARQL query; the body is in ``result_format`` (a key of formats.RESULT_FORMATS).
        ``scanned``: the query's ``sparqltext.scan``, when the caller has it."""
        return _result(self._call(self._query_request(query, result_format, scanned, substitutions,
                                                      default_graph_uris, named_graph_uris)))

    async def aexecute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                       substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                       named_graph_uris: list[str] | None = None) -> EngineResult:
        """``execute`` for the event loop (see the module docstring)."""
        return _result(await self._acall(self._query_request(query, result_format, scanned, substitutions,
                                                             default_graph_uris, named_graph_uris)))

    def _query_request(self, query: str, result_format: str, scanned: Scan | None,
                       substitutions: dict[str, str] | None, default_graph_uris: list[str] | None,
                       named_graph_uris: list[str] | None) -> dict:
        """The checks made before a reader sees a query, and the request it is sent."""
        if result_format not in RESULT_FORMATS:
            raise QueryError("bad_request", f"unknown result format {result_format!r}")
        scanned = scan(query) if scanned is None else scanned
        refusal = check_remote(query, scanned, list(self.settings.service_allowlist))
        if refusal:
            raise QueryError("forbidden", refusal, status=400)
        if scanned.too_complex:
            raise QueryError("bad_request", scanned.too_complex)
        for name in substitutions or {}:
            if not _VARIABLE.fullmatch(name):
                raise QueryError("bad_request", f"invalid variable name {name!r}")
        return {"op": "query", "query": query, "scan": scanned, "format": result_format,
                "substitutions": substitutions, "default_graph_uris": default_graph_uris,
                "named_graph_uris": named_graph_uris, "union": self.settings.union_default_graph,
                "max_rows": self.settings.max_rows}

    def dump(self, graph: str | None, result_format: str) -> EngineResult:
        """A graph (IRI, or "default" for the store's unnamed graph) or the whole dataset (None)."""
        _, body, media_type, form, _, _ = self._call({"op": "dump", "graph": graph, "format": result_format})
        return EngineResult(body, media_type, form, None, False)

    def dataset(self) -> dict:
        """{"graphs": [(iri, triples)…], "default_triples": n}; cached until the next write."""
        with self._lock:
            cached = self._dataset
        if cached is None:
            cached = self._call({"op": "graphs", "union": self.settings.union_default_graph})[1]
            with self._lock:
                self._dataset = cached
        return cached

    def write(self, req: dict) -> dict:
        """Apply one write (op update/put/post/delete) through the single writer; readers restart."""
        if self.path is None:
            raise QueryError("unavailable", self._unavailable or "no store")
        if req["op"] == "update":
            scanned = scan(req["update"])
            refusal = check_remote(req["update"], scanned, list(self.settings.service_allowlist))
            if refusal:
                raise QueryError("forbidden", refusal, status=400)
            if scanned.too_complex:
                raise QueryError("bad_request", scanned.too_complex)
        with self._write_lock:
            self._pause()
            try:
                self.close()
                self.path = os.path.realpath(self.settings.store_path)  # write where readers will re-open
                parent, child = _CTX.Pipe()
                proc = _CTX.Process(target=_writer_main, args=(self.path, child, req), name="plankg-writer")
                proc.start()
                child.close()
                # A write is not killed at the query deadline lightly: give it a longer budget.
                budget = max(self.settings.query_timeout_s * 3, 30.0)
                try:
                    reply = parent.recv() if parent.poll(budget) else None
                except EOFError:
                    reply = ("error", "internal", "the writer process died", {})
                if reply is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    reply = ("error", "timeout", f"the write ran past {budget:g} s and was stopped", {})
                proc.join(10)
                parent.close()
            finally:
                self._writes += 1  # even a failed write may have changed something: cached answers go
                self.start()
                self._resume()
        if reply[0] == "error":
            _, kind, message, extra = reply
            raise QueryError(kind, message, **extra)
        return reply[1]

    @property
    def available(self) -> bool:
        with self._lock:
            return self._unavailable is None


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _result(reply: tuple) -> EngineResult:
    _, body, media_type, form, rows, truncated = reply
    return EngineResult(body, media_type, form, rows, truncated)


async def _readable(fd: int, timeout: float) -> bool:
    """Whether ``fd`` has data within ``timeout`` seconds, waited for on the event loop. The reply is
    then read with a blocking ``recv``: the reader writes it in one go, so that read is a copy."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
    try:
        return await asyncio.wait_for(ready, timeout)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # uvloop (libuv) made it non-blocking: a long reply would read short


def get_engine(request: Any) -> Engine:
    """FastAPI dependency: the app's Engine (``app.state.engine``)."""
    return request.app.state.engine
