"""Throughput at 1, 4 and 16 clients: the ad-hoc SPARQL comparison (bench.bsbm), then the named-query
mix (the dashboard) on the largest store up to N=100, against the service, Oxigraph's server,
rdflib-endpoint and in-process pyoxigraph."""

from __future__ import annotations
import json
import random
from pathlib import Path
from typing import Any, Callable
from bench.bsbm import BSBM_ROUNDS, bsbm_compare, bsbm_nt, bsbm_queries, bsbm_store
from bench.builds import SEED
from bench.child import log, note_load
from bench.clients import Request, drive, drive_raw, named_requests
from bench.named_cases import named_cases
from bench.servers import oxigraph_server, plankg_server, rdflib_server


def union_nt(store: Path, path: Path) -> Path:
    """N-Triples of the union of the graphs, for rdflib-endpoint (which serves one graph)."""
    import pyoxigraph as ox

    if not path.exists():
        s = ox.Store.read_only(str(store.resolve()))
        union = ox.Store()
        union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in s)
        path.write_bytes(union.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    return path


def throughput(stores: dict[int, Path], work: Path, quick: bool, results: dict) -> None:
    clients_levels = [1, 4, 16]
    max_req, max_s = (300, 8.0) if quick else (3000, 15.0)
    tp: dict[str, Any] = {"max_requests": max_req, "max_seconds": max_s}
    results["throughput"] = tp
    # ad-hoc SPARQL: BSBM explore queries
    texts = bsbm_queries(250 if quick else None)
    store = bsbm_store(work)
    nt = bsbm_nt(work)
    tp["bsbm"] = {"queries": len(texts), "triples": 374911, "results": {}, "rounds": BSBM_ROUNDS}
    log(f"throughput, BSBM explore ({len(texts)} queries), requests/s:")
    note_load("throughput BSBM")
    bsbm_compare(tp["bsbm"], store, nt, work, clients_levels, max_req, max_s, texts)
    # dashboard mix: the named queries on the largest store measured up to N=100
    candidates = [n for n in stores if n <= 100] or list(stores)
    if not candidates:
        return
    n = max(candidates)
    manifest = json.loads((work / f"n{n}" / "synthetic.json").read_text())
    cases = named_cases(manifest)
    # the dashboard mix: queries that answered within 1 s (p50) over HTTP at this size; the others would
    # hold a client for up to the timeout (and the peers have none), so they are left out and listed
    lat = results["sizes"][str(n)].get("latency", {}).get("queries", {})
    excluded = sorted(c.name for c in cases if not lat.get(c.name, {}).get("n") or lat[c.name]["p50"] > 1000)
    cases = [c for c in cases if c.name not in excluded]
    rng = random.Random(SEED)
    order = [rng.randrange(len(cases)) for _ in range(500)]
    import pyoxigraph as ox

    from kgservice.engine.reader import term as _term

    raw_jobs = [(cases[i].text, {k: _term(ox, v) for k, v in cases[i].terms.items()}) for i in order]
    tp["named"] = {"n": n, "store": str(stores[n]), "results": {}, "excluded": excluded, "queries": len(cases)}
    log(f"throughput, named-query mix on N={n}, requests/s:")
    note_load("throughput named")
    _compare(tp["named"]["results"], stores[n], union_nt(stores[n], work / f"n{n}" / "union.nt"), work,
             clients_levels, max_req, max_s, lambda kind: named_requests(kind, cases, order), raw_jobs)


def _compare(out: dict, store: Path, nt: Path, work: Path, levels: list[int], max_req: int, max_s: float,
             requests_for: Callable[[str], list[Request]], raw_jobs: list) -> None:
    servers = {"plankg": lambda: plankg_server(store, work), "oxigraph": lambda: oxigraph_server(store, work),
               "rdflib-endpoint": lambda: rdflib_server(nt, work)}
    for kind, make in servers.items():
        server = make()
        try:
            startup = server.start(timeout=600)
        except RuntimeError as exc:
            out[kind] = {"error": str(exc)}
            log(f"  {kind}: {exc}")
            continue
        try:
            reqs = requests_for(kind)
            out[kind] = {"startup_s": startup}
            drive(server.url, reqs[:20], 1, 20, 30)  # warm-up
            for c in levels:
                # rdflib-endpoint is ~50x slower: fewer requests, same time bound
                r = drive(server.url, reqs, c, max_req // (10 if kind == "rdflib-endpoint" else 1), max_s)
                out[kind][str(c)] = r
                log(f"  {kind:16s} {c:2d} clients: {r['rps']:8.1f} req/s  ({r['ok']} ok, {r['errors']} errors, "
                    f"{r['seconds']:.1f} s)")
        finally:
            server.stop()
    out["pyoxigraph-raw"] = {}
    for c in levels:
        r = drive_raw(store, raw_jobs, c, max_req, max_s)
        out["pyoxigraph-raw"][str(c)] = r
        log(f"  {'pyoxigraph (raw)':16s} {c:2d} clients: {r['rps']:8.1f} req/s  ({r['ok']} ok)")
