"""Soak test: many concurrent clients for minutes over the named queries and ad-hoc SPARQL.

    .venv/bin/python -m bench.soak --clients 32 --duration 300 --store var/store/current \
        --write-benchmarks BENCHMARKS.md

starts ``plankg serve`` on a free loopback port over the store (or ``--url`` uses a running
service; RSS is then measured only with ``--pid``), runs ``--clients`` asyncio clients (httpx, one
connection each) for ``--duration`` seconds or ``--max-requests`` requests, whichever ends first,
and reports latency percentiles of answered requests, counts by status and error kind, and the RSS
of the server and its worker processes at the start, the peak and the end.

The mix, round-robin per client from a random offset: every named query with its documented example
(``GET /queries/{name}``), the same texts sent as ad-hoc SPARQL (``POST /sparql``, form and direct
body), a few ad-hoc queries over the whole graph, and linked-data pages of plans.

Admission refusals (503 kind ``unavailable`` with ``Retry-After``) are the designed answer to more
concurrent queries than ``workers * 2``: they are counted apart, and the client waits Retry-After
seconds before its next request. Every other 5xx is a failure (``--strict`` exits 1 on any).

Only loopback URLs are accepted: the soak never loads someone else's server.
"""

from __future__ import annotations
import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
import httpx

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- soak:start -->"
END = "<!-- soak:end -->"

ADHOC = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER(CONTAINS(STR(?l), \"市\")) } ORDER BY ?x LIMIT 50",
    "SELECT DISTINCT ?type WHERE { ?s a ?type } ORDER BY ?type",
    "ASK { ?s ?p \"水戸市\"@ja }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 200",
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, answered (non-5xx) requests
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)  # status:kind of error envelopes
    admission: int = 0  # 503 unavailable + Retry-After: designed refusals
    transport: Counter = field(default_factory=Counter)  # exceptions (connection reset …)
    backoff_s: float = 0.0
    by_label: dict = field(default_factory=dict)  # label -> [latencies of answered requests]
    failed_by_label: Counter = field(default_factory=Counter)  # "label status kind" of non-admission 5xx


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")


def label(method: str, path: str, kwargs: dict) -> str:
    if path.startswith("/queries/"):
        return "named " + path.removeprefix("/queries/")
    if path == "/sparql":
        text = (kwargs.get("params") or kwargs.get("data") or {}).get("query") or kwargs.get("content", b"").decode()
        how = "GET" if method == "GET" else ("form" if "data" in kwargs else "direct")
        return f"ad-hoc {how} " + " ".join(text.split())[:60]
    return f"page {path} ({kwargs.get('headers', {}).get('Accept', '')})"


def build_mix(client: httpx.Client) -> list[tuple[str, str, dict]]:
    """(method, path, httpx kwargs) requests over the named queries of the service."""
    listing = client.get("/queries.json").raise_for_status().json()["queries"]
    mix: list[tuple[str, str, dict]] = []
    for q in listing:
        mix.append(("GET", f"/queries/{q['name']}", {"params": q.get("example") or {}}))
    for q in listing:
        if q.get("parameters"):
            continue  # parameters are bound by the named-query route only
        text = client.get(f"/queries/{q['name']}.rq").text
        mix.append(("POST", "/sparql", {"data": {"query": text}}))
        mix.append(("POST", "/sparql", {"content": text.encode(),
                                         "headers": {"Content-Type": "application/sparql-query"}}))
    for text in ADHOC:
        mix.append(("GET", "/sparql", {"params": {"query": text}}))
    plans = client.post("/sparql", data={"query": "PREFIX mplan: <https://plankg.org/def/mplan#> "
                                         "SELECT ?p WHERE { ?p a mplan:Plan } ORDER BY ?p LIMIT 5"},
                        headers={"Accept": "application/sparql-results+json"})
    if plans.status_code == 200:
        for b in plans.json()["results"]["bindings"]:
            path = urlsplit(b["p"]["value"]).path
            mix.append(("GET", path, {"headers": {"Accept": "text/turtle"}}))
            mix.append(("GET", path, {"headers": {"Accept": "text/html"}}))
    return mix


async def client_loop(url: str, mix: list, tally: Tally, stop_at: float, budget: list[int],
                      seed: int) -> None:
    rng = random.Random(seed)
    i = rng.randrange(len(mix))
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        while time.monotonic() < stop_at and budget[0] > 0:
            budget[0] -= 1
            method, path, kwargs = mix[i % len(mix)]
            i += 1
            started = time.monotonic()
            try:
                r = await http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                tally.transport[type(exc).__name__] += 1
                await asyncio.sleep(0.5)
                continue
            elapsed = time.monotonic() - started
            tally.statuses[r.status_code] += 1
            kind = None
            if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
                try:
                    kind = r.json()["error"]["kind"]
                except (ValueError, KeyError, TypeError):
                    kind = "(no envelope)"
            elif r.status_code >= 400 and r.headers.get("content-type", "").startswith("text/html"):
                # a linked-data page asked for as HTML: the error page carries the kind in its title
                m = re.search(rb"<title>\s*\d{3} ([a-z_]+)", r.content)
                kind = m.group(1).decode() if m else "(html)"
            if kind:
                tally.kinds[f"{r.status_code} {kind}"] += 1
            retry = r.headers.get("retry-after")
            if r.status_code == 503 and kind == "unavailable" and retry:
                tally.admission += 1
                wait = min(float(retry), 10.0) * (0.5 + rng.random())  # jitter: do not return in step
                tally.backoff_s += wait
                await asyncio.sleep(wait)
                continue
            name = label(method, path, kwargs)
            if r.status_code < 500:
                tally.latencies.append(elapsed)
                tally.by_label.setdefault(name, []).append(elapsed)
            else:
                tally.failed_by_label[f"{name} → {r.status_code} {kind}"] += 1


def rss_mb(pid: int | None) -> dict[str, float] | None:
    """RSS in MiB of the server process and of its children (the query workers)."""
    if pid is None:
        return None
    import psutil

    try:
        proc = psutil.Process(pid)
        # the query workers; multiprocessing's resource tracker is a child too, but not a worker
        children = [c for c in proc.children(recursive=True)
                    if "resource_tracker" not in " ".join(c.cmdline())]
        server = proc.memory_info().rss
        workers = sum(c.memory_info().rss for c in children if c.is_running())
    except psutil.Error:
        return None
    return {"server": server / 2**20, "workers": workers / 2**20, "workers_n": len(children),
            "total": (server + workers) / 2**20}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def run_soak(url: str, clients: int, duration: float, max_requests: int, pid: int | None,
                   seed: int = 1) -> dict:
    if not is_loopback(url):
        raise SystemExit(f"refusing to soak {url}: loopback only")
    with httpx.Client(base_url=url, timeout=60) as c:
        mix = build_mix(c)
    tally = Tally()
    rss_start = rss_mb(pid)
    peak = dict(rss_start or {})
    samples = []
    stop_at = time.monotonic() + duration
    budget = [max_requests]
    started = time.monotonic()

    async def sample() -> None:
        while time.monotonic() < stop_at and budget[0] > 0:
            now = rss_mb(pid)
            if now:
                samples.append((round(time.monotonic() - started, 1), round(now["total"], 1)))
                for k, v in now.items():
                    peak[k] = max(peak.get(k, 0), v)
            await asyncio.sleep(5)

    tasks = [client_loop(url, mix, tally, stop_at, budget, seed * 1000 + n) for n in range(clients)]
    await asyncio.gather(sample(), *tasks)
    wall = time.monotonic() - started
    await asyncio.sleep(1)  # let respawned workers settle before the last RSS reading
    rss_end = rss_mb(pid)
    failures = {s: n for s, n in tally.statuses.items() if s >= 500}
    failures_503 = failures.get(503, 0) - tally.admission
    if failures_503:
        failures[503] = failures_503
    else:
        failures.pop(503, None)
    answered = len(tally.latencies)
    return {
        "clients": clients, "duration_s": round(wall, 1), "mix_size": len(mix),
        "requests": sum(tally.statuses.values()), "answered": answered,
        "throughput_rps": round(answered / wall, 1) if wall else 0.0,
        "latency_ms": {f"p{p}": round(percentile(tally.latencies, p) * 1000, 1) for p in (50, 95, 99)}
        | {"max": round(max(tally.latencies, default=float("nan")) * 1000, 1),
           "mean": round(statistics.fmean(tally.latencies) * 1000, 1) if tally.latencies else float("nan")},
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "error_kinds": dict(sorted(tally.kinds.items())),
        "admission_refusals": tally.admission, "backoff_s": round(tally.backoff_s, 1),
        "server_errors": {str(k): v for k, v in failures.items()},
        "transport_errors": dict(tally.transport),
        "rss_mb": {"start": _round(rss_start), "peak": _round(peak or None), "end": _round(rss_end)},
        "rss_samples": samples,
        "slowest": [{"request": k, "median_ms": round(statistics.median(v) * 1000, 1), "n": len(v)}
                    for k, v in sorted(tally.by_label.items(), key=lambda kv: -statistics.median(kv[1]))[:8]],
        "failed_requests": dict(tally.failed_by_label.most_common(20)),
        "answered_by_request": {k: {"n": len(v), "median_ms": round(statistics.median(v) * 1000, 1)}
                                for k, v in sorted(tally.by_label.items())},
        "loadavg_end": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
    }


def _round(d: dict | None) -> dict | None:
    return None if d is None else {k: (round(v, 1) if isinstance(v, float) else v) for k, v in d.items()}


# --------------------------------------------------------------------------- a server of our own


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, workers: int, timeout: float, extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, PLANKG_STORE_PATH=str(store), PLANKG_WORKERS=str(workers),
               PLANKG_QUERY_TIMEOUT_S=str(timeout), PLANKG_HOST="127.0.0.1", PLANKG_PORT=str(port),
               **(extra_env or {}))
    env.pop("PLANKG_UPDATE_TOKEN", None)
    env.pop("PLANKG_RATE_LIMIT_PER_MINUTE", None)
    proc = subprocess.Popen([sys.executable, "-m", "kgservice", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not answer within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------- report


def markdown(result: dict, command: str, note: str = "") -> str:
    lat, rss = result["latency_ms"], result["rss_mb"]
    lines = [
        "## Soak",
        "",
        f"Command: `{command}`",
        "",
        f"{result['clients']} concurrent clients for {result['duration_s']} s over a mix of "
        f"{result['mix_size']} requests (named queries with their examples, the same texts as ad-hoc SPARQL "
        "by form and direct POST, whole-graph ad-hoc queries, linked-data pages). "
        + (note + " " if note else "")
        + "Admission refusals (503 `unavailable` with Retry-After, the designed answer past "
        "`workers × 2` concurrent queries) are counted apart; the client waits Retry-After (with jitter) "
        "before its next request.",
        "",
        f"Machine: {result.get('cpus')} CPUs, load average at the end {result.get('loadavg_end')} (1/5/15 min; "
        "other jobs shared the machine, so latencies are upper bounds).",
        "",
        "| requests | answered | answered/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result['requests']} | {result['answered']} | {result['throughput_rps']} | {lat['p50']} | "
        f"{lat['p95']} | {lat['p99']} | {lat['max']} |",
        "",
        "Responses by status: " + ", ".join(f"{k}: {v}" for k, v in result["statuses"].items()) + ".  ",
        "Error kinds: " + (", ".join(f"{k}: {v}" for k, v in result["error_kinds"].items()) or "none") + ".  ",
        f"Admission refusals (503 + Retry-After): {result['admission_refusals']} "
        f"(clients waited {result['backoff_s']} s in total).  ",
        "Server errors other than admission refusals: "
        + (", ".join(f"{k}: {v}" for k, v in result["server_errors"].items()) or "**none**") + ".  ",
        "Transport errors: " + (", ".join(f"{k}: {v}" for k, v in result["transport_errors"].items()) or "none")
        + ".",
        "",
    ]
    if result.get("failed_requests"):
        lines += ["Requests that failed with a 5xx other than an admission refusal:", ""]
        lines += [f"- `{k}`: {v}" for k, v in result["failed_requests"].items()] + [""]
    if result.get("slowest"):
        lines += ["Slowest requests of the mix (median of answered ones):", "", "| request | median ms | n |",
                  "|---|---:|---:|"]
        lines += [f"| `{s['request']}` | {s['median_ms']} | {s['n']} |" for s in result["slowest"]] + [""]
    if rss["start"]:
        lines += [
            "| RSS (MiB) | server | workers | total |",
            "|---|---:|---:|---:|",
        ] + [f"| {label} | {rss[key]['server']} | {rss[key]['workers']} ({rss[key].get('workers_n', '?')}) | "
             f"{rss[key]['total']} |" for label, key in (("start", "start"), ("peak", "peak"), ("end", "end"))
             if rss.get(key)] + [""]
        growth = rss["end"]["total"] - rss["start"]["total"] if rss.get("end") else float("nan")
        lines += [f"Memory growth start → end: {growth:+.1f} MiB (workers are replaced after a timeout, so "
                  "the total also moves with respawns).", ""]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace (or append) the text between the soak markers; the rest of the file is left alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{section.rstrip()}\n{END}\n"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running service (loopback only); default: start one over --store")
    ap.add_argument("--pid", type=int, help="with --url: the server's pid, for RSS")
    ap.add_argument("--store", type=Path, default=ROOT / "var/store/current")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0, help="query timeout of the started server (s)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=300.0)
    ap.add_argument("--max-requests", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--write-benchmarks", type=Path, help="replace the soak section of this Markdown file")
    ap.add_argument("--strict", action="store_true", help="exit 1 on any server error or transport error")
    args = ap.parse_args(argv)
    proc = None
    if args.url:
        url, pid = args.url.rstrip("/"), args.pid
    else:
        proc, url = start_server(args.store, args.workers, args.timeout)
        pid = proc.pid
    try:
        result = asyncio.run(run_soak(url, args.clients, args.duration, args.max_requests, pid, args.seed))
    finally:
        if proc is not None:
            stop_server(proc)
    command = "python -m bench.soak " + " ".join(a for a in (argv if argv is not None else sys.argv[1:]))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.write_benchmarks:
        note = f"Server: `plankg serve`, {args.workers} workers, query timeout {args.timeout:g} s." if proc else ""
        write_section(args.write_benchmarks, markdown(result, command, note))
    bad = bool(result["server_errors"]) or bool(result["transport_errors"])
    return 1 if (args.strict and bad) else 0


if __name__ == "__main__":
    sys.exit(main())
