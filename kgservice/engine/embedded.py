"""The embedded engine: the ``QueryEngine`` contract (kgservice.engine.contract) over the pyoxigraph
store at ``settings.store_path``, queried by a pool of reader processes, written by one writer.

Why processes: pyoxigraph has no query timeout and no cancellation. Each of ``settings.workers``
reader processes (multiprocessing, *spawn* context; kgservice.engine.reader) opens the store once with
``Store.read_only(path)`` and serves one query at a time over a pipe; a query still running at its
deadline gets its process killed and replaced (kgservice.engine.pool), the caller gets
``QueryError("timeout")`` (503). The web process itself never opens the store.

Memory: each reader caps its own address space (``settings.worker_memory_mb``, RLIMIT_AS). A query
that needs more makes an allocation fail — pyoxigraph aborts the process (SIGABRT), Python raises
MemoryError — and the caller gets ``QueryError("memory_limit")`` (503) while the reader is replaced.

Nesting: deeply nested or very long chained queries crash pyoxigraph's recursive parser (SIGSEGV); they
are refused with a 400 before reaching a reader (``contract.check_query``). A query is tokenised once:
callers that have scanned it (the protocol, named queries at load) pass the ``Scan``.

Results are written once, in the requested format, by the reader (kgservice.engine.results); past the
row cap the query is refused (``too_many_rows``), never cut.

Default graph: the RDF merge of the named graphs (mappings.build.merge): a store built by ``plankg
build`` holds it in its own default graph, and every write re-derives it, so a query without dataset
reads that graph as it is — each triple once, whatever the pyoxigraph version (see
``reader._dataset`` for FROM and the protocol's dataset). ``union_default_graph`` off: the default
graph is empty. ``default-graph-uri``/``named-graph-uri`` replace the dataset as the SPARQL Protocol says.

Writes (SPARQL Update, Graph Store Protocol) go through a single writer: new queries are held, the
running ones finish (or hit their deadline), every reader is stopped, a short-lived writer process
opens the store read-write, applies the change and exits, then a fresh pool re-opens the store.
Read-only pyoxigraph stores are snapshots and must not stay open while another process writes
(FIELD-NOTES), hence the restart; writes are rare here (the graph is rebuilt from records).

A rebuilt store switched in under ``store_path`` (the ``current`` symlink) is noticed at the next
query: the pool restarts on the new directory. Spawned processes re-import the parent's
``__main__``: a script that creates the app must use the ``if __name__ == "__main__":`` guard
(``plankg serve`` and pytest do).
"""

from __future__ import annotations
import os
import signal
import threading
from typing import Any
from kgservice.engine.contract import (EngineResult, Limits, QueryEngine, QueryError, check_query,
                                       check_update)
from kgservice.engine.pool import CTX, Pool, readlink
from kgservice.engine.reader import writer_main
from kgservice.engine.sparqltext import Scan
from kgservice.engine.values import bind_values

__all__ = ["Engine", "EngineResult", "QueryError", "get_engine"]


class Engine(Pool):
    """The embedded store behind the engine contract."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._dataset: dict | None = None
        self._dataset_lock = threading.Lock()
        self._writes = 0  # bumped by every write: part of the store's version

    def started(self) -> None:
        with self._dataset_lock:
            self._dataset = None

    @property
    def version(self) -> str:
        """Which data answers now: the store directory ``current`` points at (a rebuild switches it;
        one readlink) and the number of writes applied since start. Answers cached under one version
        stay right."""
        return f"{readlink(self.settings.store_path) or self.path}#{self._writes}"

    # ---- queries

    def execute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                named_graph_uris: list[str] | None = None, base_iri: str | None = None,
                limits: Limits | None = None) -> EngineResult:
        """Run a SPARQL query; the body is in ``result_format`` (a key of RESULT_FORMATS)."""
        req, limits = self._request(query, result_format, scanned, substitutions, default_graph_uris,
                                    named_graph_uris, base_iri, limits)
        return self._result(self.call(req, limits.timeout_s), result_format)

    async def aexecute(self, query: str, result_format: str, *, scanned: Scan | None = None,
                       substitutions: dict[str, str] | None = None, default_graph_uris: list[str] | None = None,
                       named_graph_uris: list[str] | None = None, base_iri: str | None = None,
                       limits: Limits | None = None) -> EngineResult:
        """``execute`` from the event loop (see kgservice.engine.pool)."""
        req, limits = self._request(query, result_format, scanned, substitutions, default_graph_uris,
                                    named_graph_uris, base_iri, limits)
        return self._result(await self.acall(req, limits.timeout_s), result_format)

    def _request(self, query: str, result_format: str, scanned: Scan | None, substitutions: dict[str, str] | None,
                 default_graph_uris: list[str] | None, named_graph_uris: list[str] | None, base_iri: str | None,
                 limits: Limits | None) -> tuple[tuple, Limits]:
        scanned, fmt = check_query(query, result_format, self.settings, scanned, substitutions)
        limits = Limits.of(self.settings, limits)
        if substitutions:
            # pyoxigraph plans a query before it binds ``substitutions``, so the planner takes a parameter
            # for a free variable and may start from a pattern over the whole graph. The same terms as
            # VALUES in the outer and sub-SELECT groups (kgservice.engine.values) tell it they are one
            # value each; the substitutions still bind them in every group, as before.
            query = bind_values(query, substitutions, every_group=False)
        # What the reader needs of the scan, as plain values (cheaper to pickle than the Scan): whether the
        # query names its own dataset (the reader reads the FROM clauses then), the form, the prefixes.
        prefixes = scanned.prefixes if fmt.kind == "graph" and scanned.prefixes else None
        return (("query", query, scanned.has_dataset_clause, scanned.form, prefixes, result_format,
                 substitutions or None, default_graph_uris or None, named_graph_uris or None, base_iri,
                 self.settings.union_default_graph, limits.max_rows), limits)

    @staticmethod
    def _result(reply: tuple, result_format: str) -> EngineResult:
        from kgservice.request.negotiation import RESULT_FORMATS

        _, body, form, rows = reply
        return EngineResult(body, RESULT_FORMATS[result_format].media_type, form, rows)

    def dump(self, graph: str | None, result_format: str) -> EngineResult:
        """A graph (IRI, or "default" for the store's unnamed graph) or the whole dataset (None)."""
        reply = self.call(("dump", graph, result_format), self.settings.query_timeout_s)
        return self._result(reply, result_format)

    def dataset(self) -> dict:
        """{"graphs": [(iri, triples)…], "default_triples": n}; cached until the next write."""
        with self._dataset_lock:
            cached = self._dataset
        if cached is None:
            cached = self.call(("graphs", self.settings.union_default_graph), self.settings.query_timeout_s)[1]
            with self._dataset_lock:
                self._dataset = cached
        return cached

    # ---- writes

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        check_update(update, self.settings)
        self._write({"op": "update", "update": update, "base_iri": base_iri})

    def write(self, req: dict) -> dict:
        """A Graph Store Protocol write (op put/post/delete) through the single writer; readers restart."""
        if req["op"] not in ("put", "post", "delete"):
            raise ValueError(f"not a Graph Store write: {req['op']!r}; SPARQL Update is update()")
        return self._write(req)

    def _write(self, req: dict) -> dict:
        if self.path is None:
            raise QueryError("unavailable", self._unavailable or "no store")
        with self.exclusive:
            self.pause()
            try:
                self.close()
                self.path = os.path.realpath(self.settings.store_path)  # write where readers will re-open
                parent, child = CTX.Pipe()
                proc = CTX.Process(target=writer_main, args=(self.path, child, req), name="plankg-writer")
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
                self.resume()
        if reply[0] == "error":
            _, kind, message, extra = reply
            raise QueryError(kind, message, **extra)
        return reply[1]


def get_engine(request: Any) -> QueryEngine:
    """FastAPI dependency: the app's engine (``app.state.engine``), embedded or remote."""
    return request.app.state.engine
