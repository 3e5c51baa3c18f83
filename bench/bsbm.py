"""Ad-hoc SPARQL throughput (BSBM explore queries): the service, Oxigraph's server and the Python floor
side by side in rounds taken in turn, then rdflib-endpoint; the BSBM store they share; and the BSBM
section of BENCHMARKS.md."""

from __future__ import annotations
import gzip
import json
import os
import shutil
import statistics
from pathlib import Path
from bench.child import ROOT, cpu_seconds, log
from bench.clients import drive, drive_raw, sparql_requests
from bench.report import replace_section
from bench.servers import Server, floor_server, oxigraph_server, plankg_server, rdflib_server

BSBM = Path(os.environ.get("PLANKG_BSBM", ROOT.parent / "shared" / "bench" / "bsbm-1k"))


def bsbm_queries(limit: int | None = None) -> list[str]:
    with gzip.open(BSBM / "explore-queries.jsonl.gz", "rt", encoding="utf-8") as f:
        out = [json.loads(line)["sparql"] for line in f]
    return out[:limit] if limit else out


def bsbm_store(work: Path) -> Path:
    import pyoxigraph as ox

    root = work / "bsbm" / "store"
    if (root / "current").exists():
        return root / "current"
    target = root / "build-1"
    target.mkdir(parents=True, exist_ok=True)
    s = ox.Store(str(target))
    with gzip.open(BSBM / "dataset.nt.gz", "rb") as f:
        s.bulk_load(f, format=ox.RdfFormat.N_TRIPLES)
    s.optimize()
    del s
    (root / "current").symlink_to("build-1")
    return root / "current"


def bsbm_nt(work: Path) -> Path:
    path = work / "bsbm" / "dataset.nt"
    if not path.exists():
        with gzip.open(BSBM / "dataset.nt.gz", "rb") as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return path


BSBM_ROUNDS = 3


def bsbm_compare(w: dict, store: Path, nt: Path, work: Path, levels: list[int], max_req: int, max_s: float,
                 texts: list[str]) -> None:
    """The service, Oxigraph server and in-process pyoxigraph side by side: both servers run at once
    and each cell is ``BSBM_ROUNDS`` rounds taken in turn (service, Oxigraph, in-process), so load
    from elsewhere on a shared machine falls on all three alike. At 1 client each request's latency
    is kept by query: the overhead of a server is, per query, its median latency less the median
    in-process time (query and JSON serialisation), and the figure is the median over the queries
    (it includes the HTTP client's own cost, alike for both servers)."""
    out = w["results"]
    servers = {"plankg": plankg_server(store, work), "oxigraph": oxigraph_server(store, work),
               "python-floor": floor_server(store, work)}
    started: dict[str, Server] = {}
    jobs = [(t, {}) for t in texts]
    try:
        for kind, server in servers.items():
            try:
                out[kind] = {"startup_s": server.start(timeout=600)}
                started[kind] = server
            except RuntimeError as exc:
                out[kind] = {"error": str(exc)}
                log(f"  {kind}: {exc}")
        reqs = {kind: sparql_requests(kind, texts) for kind in started}
        for kind, server in started.items():
            drive(server.url, reqs[kind][:20], 1, 20, 30)  # warm-up
        out["pyoxigraph-raw"] = {}
        latency: dict[str, dict[int, list[float]]] = {}
        cpu_ms: dict[str, dict[str, float]] = {}
        w["cpu_ms_per_request"] = cpu_ms
        for c in levels:
            cells: dict[str, list[dict]] = {kind: [] for kind in [*started, "pyoxigraph-raw"]}
            for _ in range(BSBM_ROUNDS):
                for kind, server in started.items():
                    by_query = latency.setdefault(kind, {}) if c == 1 else None
                    before, client = cpu_seconds(server.proc.pid), os.times()
                    cells[kind].append(drive(server.url, reqs[kind], c, max_req // BSBM_ROUNDS,
                                             max_s / BSBM_ROUNDS, by_query))
                    if c == 1:  # where a request's CPU goes: the server's processes and the client's
                        after, client_after, n = cpu_seconds(server.proc.pid), os.times(), cells[kind][-1]["ok"] or 1
                        acc = cpu_ms.setdefault(kind, {"server": 0.0, "readers": 0.0, "client": 0.0, "requests": 0})
                        main = server.proc.pid
                        acc["server"] += (after.get(main, 0) - before.get(main, 0)) * 1000
                        acc["readers"] += sum(t - before.get(p, 0) for p, t in after.items() if p != main) * 1000
                        acc["client"] += (client_after.user + client_after.system - client.user - client.system) * 1000
                        acc["requests"] += n
                by_query = latency.setdefault("pyoxigraph-raw", {}) if c == 1 else None
                client = os.times()
                cells["pyoxigraph-raw"].append(drive_raw(store, jobs, c, max_req // BSBM_ROUNDS,
                                                         max_s / BSBM_ROUNDS, by_query))
                if c == 1:  # the same queries' own CPU, in this process
                    after = os.times()
                    acc = cpu_ms.setdefault("pyoxigraph-raw", {"query": 0.0, "requests": 0})
                    acc["query"] += (after.user + after.system - client.user - client.system) * 1000
                    acc["requests"] += cells["pyoxigraph-raw"][-1]["ok"]
            for kind, runs in cells.items():
                ok, secs = sum(r["ok"] for r in runs), sum(r["seconds"] for r in runs)
                out[kind][str(c)] = {"ok": ok, "errors": sum(r["errors"] for r in runs), "seconds": secs,
                                     "rps": ok / secs if secs else 0.0, "rounds": [round(r["rps"], 1) for r in runs]}
            log(f"  {c:2d} clients: " + ", ".join(f"{k} {out[k][str(c)]['rps']:.1f}" for k in cells) + " req/s")
        for acc in cpu_ms.values():
            n = acc.pop("requests") or 1
            for key in acc:
                acc[key] /= n
        if cpu_ms:
            log("  CPU ms a request at 1 client: " + "; ".join(
                f"{k}: " + ", ".join(f"{p} {v:.2f}" for p, v in acc.items()) for k, acc in cpu_ms.items()))
        raw = {q: statistics.median(v) for q, v in latency.get("pyoxigraph-raw", {}).items()}
        w["overhead_ms"] = {}
        for kind in started:
            diffs = [(statistics.median(v) - raw[q]) * 1000 for q, v in latency.get(kind, {}).items() if q in raw]
            if diffs:
                w["overhead_ms"][kind] = {"median": statistics.median(diffs), "queries": len(diffs),
                                          "raw_median_ms": statistics.median(raw.values()) * 1000}
                log(f"  overhead over in-process pyoxigraph, 1 client, {kind}: median {w['overhead_ms'][kind]['median']:.2f} "
                    f"ms over {len(diffs)} queries")
    finally:
        for server in started.values():
            server.stop()
    rd = rdflib_server(nt, work)
    try:
        out["rdflib-endpoint"] = {"startup_s": rd.start(timeout=600)}
    except (RuntimeError, OSError) as exc:  # OSError: not installed
        out["rdflib-endpoint"] = {"error": str(exc)}
        log(f"  rdflib-endpoint: {exc}")
        return
    try:
        reqs_rd = sparql_requests("rdflib-endpoint", texts)
        drive(rd.url, reqs_rd[:20], 1, 20, 30)
        for c in levels:  # ~50x slower: fewer requests, same time bound
            out["rdflib-endpoint"][str(c)] = r = drive(rd.url, reqs_rd, c, max_req // 10, max_s)
            log(f"  {'rdflib-endpoint':16s} {c:2d} clients: {r['rps']:8.1f} req/s")
    finally:
        rd.stop()


BSBM_HEADING = "## Throughput: Ad-hoc SPARQL: BSBM explore queries (requests/s)"
BSBM_NOTES = """What bounds the service here (profiles of single requests with py-spy and cProfile, December 2026, on
this shared 2-core machine under a load average of 7–10 from other work):

- **The hop to a reader process.** A request wakes three processes in turn (the web process, a reader,
  the web process again) where Oxigraph's server wakes one; under load each wake-up waits for a CPU, and
  cProfile of the web process puts most of a request's wall time in the `write` to the reader's pipe
  (the reader runs before the writer resumes). The hop is what lets the service stop a runaway query at
  its deadline and free its CPU (pyoxigraph 0.5.13 has no cancellation), so it stays; running queries in
  the web process would need a supervisor that kills and replaces the whole web process instead.
- **CPU (the line above):** a request costs the service its reader's CPU — the in-process query's plus
  ≈ 0.3 ms (the pipe, unpickling, counting rows) — and the web process's; Oxigraph's server spends about
  the in-process query's CPU on its whole request. Where the machine is CPU-bound, as here, no cut in the
  web process alone brings the service to 1.0×: the reader's share is already above Oxigraph's request.
- **The web framework's CPU**, not the engine's: in-process, the engine's own path (pre-checks, admission,
  pickling, the pipe, the reply) costs ≈ 0.4 ms of CPU a request under this load; the rest of the web
  process's CPU (the line above) is uvicorn/h11, FastAPI's routing and its stack of ASGI middlewares. A bare
  ASGI app on the same uvicorn took ≈ 0.5 ms a request.
- **Removed in the engine this round:** the reader writes the final format once (no TSV written, parsed
  and written again), counting rows from the bytes; the request to a reader is plain values (no pickled
  Scan); one future and one timer per reply instead of `asyncio.wait_for`; tokenising skips whitespace
  inside each match, and the scans of recent short query texts are kept per process (the benchmark
  repeats its 2,500 queries, so every request after the first of each text finds its scan)."""


CHILDREN = {"plankg": "the 2 reader processes", "python-floor": "its 2 uvicorn workers; the main process supervises"}


def write_bsbm_section(results: dict, path: Path) -> None:
    """Replace the BSBM section of BENCHMARKS.md with this run's (the rest of the file is left as it is)."""
    tp = results["throughput"]
    w = tp["bsbm"]
    out = w["results"]
    levels = [c for c in ("1", "4", "16") if any(c in v for v in out.values() if isinstance(v, dict))]

    def rps(kind: str, c: str) -> float | None:
        v = out.get(kind, {})
        return v[c]["rps"] if isinstance(v, dict) and c in v else None

    loads = "; ".join(f"{t} {phase}: {a:.1f}/{b:.1f}/{c:.1f}" for t, phase, (a, b, c) in results.get("loadavg", []))
    lines = [BSBM_HEADING, "",
             f"From `{results['command']}` ({results['started']}; 1/5/15-min load average on {os.cpu_count()} CPUs, "
             f"this benchmark included: {loads}). {w['queries']} explore queries of 100 mixes, 1,000 products, "
             f"{w['triples']:,} triples. The service (`/sparql`, POST application/sparql-query, 2 reader processes) and "
             "`oxigraph serve-read-only --union-default-graph` on the same store directory run at once, with "
             "python-floor (`bench/floor.py`: a bare ASGI app on the same uvicorn, 2 workers, the query run in its own "
             "process, no checks and no deadline: the cheapest Python request path on this engine); each cell is "
             f"{w['rounds']} rounds taken in turn (service, Oxigraph, floor, in-process), at most {tp['max_requests']} requests "
             f"and {tp['max_seconds']:.0f} s in all; raw: in-process pyoxigraph, one thread per client, JSON serialised; "
             "rdflib-endpoint alone afterwards (a tenth of the requests).", "",
             "| system | " + " | ".join(f"{c} client{'s' if c != '1' else ''}" for c in levels) + " | errors |",
             "|---|" + "---:|" * (len(levels) + 1)]
    for kind in ("plankg", "oxigraph", "python-floor", "rdflib-endpoint", "pyoxigraph-raw"):
        v = out.get(kind)
        if not isinstance(v, dict):
            continue
        if "error" in v:
            lines.append(f"| {kind} | {v['error']} |" + " |" * len(levels))
            continue
        cells = [f"{rps(kind, c):,.1f}" if rps(kind, c) is not None else "–" for c in levels]
        lines.append(f"| {kind} | " + " | ".join(cells) + f" | {sum(v[c]['errors'] for c in levels if c in v)} |")
    lines += ["", "| ratio | " + " | ".join(f"{c} client{'s' if c != '1' else ''}" for c in levels) + " |",
              "|---|" + "---:|" * len(levels)]
    for a, b in (("plankg", "oxigraph"), ("python-floor", "oxigraph"), ("plankg", "python-floor"),
                 ("plankg", "rdflib-endpoint"), ("plankg", "pyoxigraph-raw"), ("oxigraph", "pyoxigraph-raw")):
        cells = [f"{rps(a, c) / rps(b, c):.2f}×" if rps(a, c) and rps(b, c) else "–" for c in levels]
        lines.append(f"| {a} / {b} | " + " | ".join(cells) + " |")
    over = w.get("overhead_ms", {})
    if over:
        lines += ["", "Median overhead over in-process pyoxigraph at 1 client (per query: median HTTP latency less the "
                  "median in-process time; the median over the queries; the HTTP client's own cost is in both): "
                  + "; ".join(f"{k} {v['median']:.2f} ms" for k, v in over.items())
                  + f" (in-process median {next(iter(over.values()))['raw_median_ms']:.2f} ms a query)."]
    cpu = w.get("cpu_ms_per_request", {})
    if cpu:
        lines += ["", "CPU time a request at 1 client (user + system, from /proc, over the 1-client rounds): "
                  + "; ".join(f"{k}: main process {v['server']:.2f} ms, its child processes {v['readers']:.2f} ms "
                              f"({CHILDREN.get(k, 'none')}), the benchmark's HTTP client {v['client']:.2f} ms"
                              for k, v in cpu.items() if "server" in v)
                  + (f"; in-process pyoxigraph: {cpu['pyoxigraph-raw']['query']:.2f} ms a query (evaluation and JSON)"
                     if "pyoxigraph-raw" in cpu else "") + "."]
    p1, o1 = rps("plankg", "1"), rps("oxigraph", "1")
    p4, o4 = rps("plankg", "4"), rps("oxigraph", "4")
    if p1 and o1 and p4 and o4 and "plankg" in over:
        lines += ["", "| target | measured | verdict |", "|---|---|---|",
                  f"| ≥ 1.0× oxigraph, 1 client | {p1 / o1:.2f}× | {'met' if p1 >= o1 else 'missed'} |",
                  f"| ≥ 1.3× oxigraph, 4 clients | {p4 / o4:.2f}× | {'met' if p4 >= 1.3 * o4 else 'missed'} |",
                  f"| median overhead over in-process pyoxigraph ≤ 0.5 ms | {over['plankg']['median']:.2f} ms | "
                  f"{'met' if over['plankg']['median'] <= 0.5 else 'missed'} |"]
    lines += ["", BSBM_NOTES]
    replace_section(path, BSBM_HEADING, "\n".join(lines) + "\n")
