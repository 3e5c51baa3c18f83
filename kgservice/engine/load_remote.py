"""Load the built graph into a remote SPARQL store (Virtuoso, Oxigraph server, Fuseki) and verify it.

    plankg load http://dba:dba@127.0.0.1:8890/sparql
    plankg load http://127.0.0.1:7878 --dump var/dumps/current/plankg.nq

The N-Quads dump is read and grouped by named graph; each graph goes over the Graph Store Protocol
in batches of ``batch_size`` triples: Virtuoso ``/sparql-graph-crud-auth?graph-uri=…`` with Digest
auth, Oxigraph server ``/store?graph=…``, Fuseki ``/{dataset}/data?graph=…``.

Idempotent and resumable:
- the first batch of a graph is a PUT (it replaces whatever the graph held) and carries *every*
  triple with a blank node; later batches are POSTs of ground triples only. Re-POSTing ground triples
  adds nothing (RDF graphs are sets), whereas blank nodes would be minted afresh by each request, so
  they never go twice into a graph without the PUT that empties it;
- after each batch, progress is written to a small JSON state file (atomically); a re-run with the
  same dump, target and batch size resumes after the last batch done; anything else starts over.
Then the merge of the graphs — their distinct triples, each once: what a query without GRAPH sees
(mappings.build.merge) — is loaded the same way as the default graph: the remote's own default graph
(Oxigraph server, Fuseki: ``?default``), or the graph ``{base}default-graph`` on Virtuoso, which has
no default graph of its own (kgservice.engine.remote.merge_target).
Then every graph's triple count on the remote (``COUNT(*)`` in ``GRAPH <g>``) must equal the number
of distinct triples of that graph in the dump, and the merge's count the dump's distinct triples;
``LoadError`` names the first graph that differs.
Graphs under ``{base}graph/`` on the remote that are not in the dump are reported (``prune=True``
deletes them: a graph dropped from the build would otherwise stay visible in the union).
"""

from __future__ import annotations
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import httpx
import pyoxigraph as ox
from kgservice.engine.remote import RemoteEngine, Target, merge_target

DEFAULT_BATCH = 5000
STATE_VERSION = 2  # 2: the merge is loaded as the default graph
DEFAULT = "default"  # the state file's key for the remote's own default graph (never an IRI: no colon)


class LoadError(RuntimeError):
    """The load or its verification failed; the message names the graph."""


class LoadInterrupted(LoadError):
    """Raised by the ``stop_after`` hook (tests): the state file holds the progress so far."""


@dataclass
class LoadReport:
    target: str
    graphs: dict[str, int] = field(default_factory=dict)  # graph → triples verified on the remote
    batches_sent: int = 0
    batches_skipped: int = 0  # done by an earlier, interrupted run
    stale_graphs: list[str] = field(default_factory=list)
    default_triples: int = 0  # the merge, verified on the remote
    seconds: float = 0.0


def _has_blank(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def read_dump(path: Path) -> dict[str, list[ox.Triple]]:
    """Distinct triples of each named graph of an N-Quads file, in a stable order."""
    graphs: dict[str, set[ox.Triple]] = {}
    with open(path, "rb") as fh:
        for quad in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise LoadError(f"{path}: a triple outside any named graph ({quad.triple}); the build puts "
                                "every triple in a named graph")
            graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return {g: sorted(ts, key=str) for g, ts in sorted(graphs.items())}


def merge_of(graphs: dict[str, list[ox.Triple]]) -> list[ox.Triple]:
    """The distinct triples of all graphs, in a stable order (blank nodes are dataset-wide in N-Quads:
    one label in two graphs is one node, and one triple)."""
    return sorted(set().union(*graphs.values()), key=str) if graphs else []


def plan_batches(triples: list[ox.Triple], batch_size: int) -> list[list[ox.Triple]]:
    """Batch 0: every triple with a blank node, filled up with ground triples; then ground batches."""
    blank = [t for t in triples if _has_blank(t)]
    ground = [t for t in triples if not _has_blank(t)]
    first = max(0, batch_size - len(blank))
    batches = [blank + ground[:first]]
    for i in range(first, len(ground), batch_size):
        batches.append(ground[i:i + batch_size])
    return batches


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _send(client: httpx.Client, target: Target, method: str, graph: str, batch: list[ox.Triple],
          timeout: float, retries: int = 3) -> None:
    body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
    params = {"default": ""} if graph == DEFAULT else {target.graph_param: graph}
    last = ""
    for attempt in range(retries):  # bounded: transient refusals (a store busy checkpointing) only
        try:
            response = client.request(method, target.store_url, params=params,
                                      content=body, auth=target.auth, timeout=timeout,
                                      headers={"Content-Type": "application/n-triples"})
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code in (200, 201, 204):
                return
            last = f"HTTP {response.status_code}: {response.text.strip()[:500]}"
            if response.status_code < 500:
                break  # a refusal (auth, bad data) does not get better by repeating
        time.sleep(min(2.0 ** attempt, 5.0))
    raise LoadError(f"graph <{graph}>: {method} of {len(batch)} triples to {target.store_url} failed: {last}")


def load(target: str | Target, dump: Path, settings: Any, *, state_path: Path | None = None,
         batch_size: int = DEFAULT_BATCH, flavour: str | None = None, prune: bool = False,
         timeout_s: float = 120.0, stop_after: int | None = None,
         progress: Callable[[str], None] = lambda _: None) -> LoadReport:
    """Load ``dump`` into the remote store, resuming from ``state_path``; verify every graph's count.

    ``stop_after`` (a test hook) raises ``LoadInterrupted`` once that many batches were sent in this run.
    """
    started = time.monotonic()
    if isinstance(target, str):
        target = Target.from_url(target, flavour=flavour)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    dump = Path(dump)
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    state_path = state_path or dump.with_name(dump.name + ".load-state.json")
    identity = {"version": STATE_VERSION, "dump_sha256": digest, "target": target.store_url,
                "batch_size": batch_size}
    state = _read_state(state_path)
    if {k: state.get(k) for k in identity} != identity:
        if state:
            progress("state file is for another dump, target or batch size: starting over")
        state = {**identity, "done": {}, "verified": False}
    graphs = read_dump(dump)
    merged = merge_of(graphs)
    merge_graph = merge_target(target.flavour, settings.base_iri) or DEFAULT
    report = LoadReport(target=target.display)
    engine = RemoteEngine(target, settings.model_copy(update={"query_timeout_s": timeout_s}))
    sent = 0
    with httpx.Client() as client:
        for graph, triples in [*graphs.items(), (merge_graph, merged)]:
            batches = plan_batches(triples, batch_size)
            done = int(state["done"].get(graph, 0))
            report.batches_skipped += min(done, len(batches))
            for index in range(done, len(batches)):
                if stop_after is not None and sent >= stop_after:
                    raise LoadInterrupted(f"stopped after {sent} batch(es) as asked; state in {state_path}")
                _send(client, target, "PUT" if index == 0 else "POST", graph, batches[index], timeout_s)
                sent += 1
                state["done"][graph] = index + 1
                state["verified"] = False
                _write_state(state_path, state)
                progress(f"<{graph}> batch {index + 1}/{len(batches)}")
        report.batches_sent = sent
        on_remote = engine.service_graphs(refresh=True)
        report.stale_graphs = [g for g in on_remote if g not in graphs]
        for graph in report.stale_graphs:
            if prune:
                response = client.delete(target.store_url, params={target.graph_param: graph},
                                         auth=target.auth, timeout=timeout_s)
                if response.status_code not in (200, 204, 404):
                    raise LoadError(f"graph <{graph}>: DELETE failed: HTTP {response.status_code}")
                progress(f"deleted stale graph <{graph}>")
            else:
                progress(f"warning: <{graph}> is on the remote but not in the dump (prune=True deletes it)")
    for graph, triples in graphs.items():
        remote = engine.count(graph)
        if remote != len(triples):
            raise LoadError(f"graph <{graph}>: {remote} triples on the remote, {len(triples)} in the dump")
        report.graphs[graph] = remote
    report.default_triples = engine.count(None if merge_graph == DEFAULT else merge_graph)
    if report.default_triples != len(merged):
        raise LoadError(f"the merge ({merge_graph}): {report.default_triples} triples on the remote, "
                        f"{len(merged)} distinct triples in the dump")
    state["verified"] = True
    _write_state(state_path, state)
    engine.close()
    report.seconds = time.monotonic() - started
    return report
