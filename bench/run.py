"""The benchmark runner: build, latency and throughput against N, written to BENCHMARKS.md.

    python -m bench.run [--sizes 1,10,100,1741] [--quick] [--deadline 1200] [--work var/bench]

A script, never a test: it prints tables as it goes and writes BENCHMARKS.md, bench/results.json
and bench/plots/*.png from this one run.  Everything listens on 127.0.0.1 only; every load loop
is bounded in requests and in seconds; every child process it starts it stops.

1. Corpus: ``bench.synthetic`` for each N (seed 1).
2. Build: the full build (``mappings.build.pipeline.build``, unchanged) in a child process, per stage
   (mapping, load, SHACL, materialise, dumps), peak RSS by ``os.wait4``; killed at the deadline;
   skipped when the previous size extrapolates (linearly in N) past the deadline — reported as
   such.  Where it gives no store, the ``query-store`` build (the same stages minus SHACL and
   dumps: an UNVALIDATED store) likewise, only to measure query latency at that size.
3. Latency of every named query (queries/*.rq, with their header examples; ids of real
   documents replaced by those of synthetic municipality 0, table in BENCHMARKS.md) and of a
   mixed workload, over HTTP against ``python -m kgservice serve``; the same queries in-process
   on pyoxigraph give the per-request overhead.
4. Throughput at 1, 4 and 16 clients (asyncio + httpx) for this service, ``oxigraph
   serve-read-only``, rdflib-endpoint and in-process pyoxigraph: BSBM explore queries (ad-hoc
   SPARQL) and the named-query mix (dashboard).
"""

from __future__ import annotations
import argparse
import asyncio
import gzip
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BSBM = Path(os.environ.get("PLANKG_BSBM", ROOT.parent / "shared" / "bench" / "bsbm-1k"))
SEED = 1
QUERY_TIMEOUT_S = 30  # the service kills a query past this (503); pyoxigraph cannot cancel in-process

# Ids of the real documents in the named queries' examples → their synthetic stand-ins (keys of
# synthetic.json "example"); a literal such as 商工振興課 or 遅れ exists in the synthetic corpus too.
REAL_TO_SYNTHETIC = {
    "082015": "city_code", "082368": "city_code",
    "https://plankg.org/id/city/082015": "city",
    "https://plankg.org/id/plan/mito-comprehensive-plan-6": "basic_plan",
    "https://plankg.org/id/plan/hitachi-comprehensive-plan": "basic_plan",
    "https://plankg.org/id/plan/mito-strategy-2": "strategy",
    "県央地域首長懇話会": "body",
    "https://plankg.org/id/plan/omitama-later-basic-plan": "basic_plan",
    "https://plankg.org/id/plan/mito-community-plan-3": "community_plan",
    "効率的な行財政の運営": "parent_label",                  # an element with children
    "現在の評価": "outcome_label",                          # an outcome indicator that rose
    "2019-03-01": "adopted_from", "2019-03-31": "adopted_to",  # the month a plan was adopted
    "https://plankg.org/id/term/082015/mayor-13": "mayor_term",
    "町内会加入率": "membership_indicator", "2008": "membership_fiscal_year",
    "市行政組織検討委員会": "text_mention",
    "https://plankg.org/id/plan/mito-community-plan-3/basic-policy-3-measure-1": "community_measure",
    "https://plankg.org/id/plan/mito-community-plan-3/basic-policy-3-measure-3": "community_measure",
    "https://plankg.org/id/plan/hitachi-comprehensive-plan/ch6-policy-6": "basic_policy",
    "https://plankg.org/id/plan/omitama-later-basic-plan/measure-7207-1": "basic_project",
    "https://plankg.org/id/plan/hitachi-comprehensive-plan/ch6-policy-4-initiative-3-project-03": "basic_project",
    "https://plankg.org/id/plan/mito-strategy-2/goal-4-policy-2-disaster-drills-emergency-water": "strategy_project",
    "https://plankg.org/id/plan/mito-comprehensive-plan-6/pillar-4": "served_goal",
    "public-relations-hearing": "policy_area",
}
# (query, parameter) → key of "example": a value that only one query's parameter stands for
REAL_TO_SYNTHETIC_IN = {("cq-related-plans", "number"): "related_policy_number"}
FIXED = {"1950-01-01": "2000-01-01"}  # synthetic mayors start 1947–1960: ask about a date they cover


LOADAVG: list[tuple[str, str, tuple[float, float, float]]] = []  # (time, phase, 1/5/15-min load)


def log(msg: str) -> None:
    print(msg, flush=True)


def note_load(phase: str) -> None:
    """Other processes on a 2-core machine change every number here: keep the load average with them."""
    LOADAVG.append((time.strftime("%H:%M:%S"), phase, os.getloadavg()))


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- machine

def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"nproc": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.*)", cpu).group(1)
        mem = Path("/proc/meminfo").read_text()
        info["memory_gib"] = round(int(re.search(r"MemTotal:\s*(\d+)", mem).group(1)) / 2**20, 1)
    except (OSError, AttributeError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("pyoxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "fastapi", "uvicorn", "uvloop", "httpx", "PyYAML",
                "oxigraph", "rdflib-endpoint", "matplotlib"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    info["versions"] = versions
    try:
        info["git"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                     capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True,
                               timeout=10).stdout
        info["git_dirty_files"] = len(dirty.splitlines())
    except (OSError, subprocess.SubprocessError):
        pass
    return info


# --------------------------------------------------------------------------- child processes

def run_child(cmd: list[str], deadline: float, cwd: Path = ROOT, env: dict | None = None) -> dict[str, Any]:
    """Run ``cmd``; wall time, peak RSS (ru_maxrss of this child, KiB) and whether it was killed."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(5)
    return {"seconds": time.monotonic() - started, "peak_rss_mib": usage.ru_maxrss / 1024, "killed": killed,
            "returncode": proc.returncode, "output": b"".join(output).decode(errors="replace")[-3000:]}


@dataclass
class Server:
    name: str
    cmd: list[str]
    url: str
    ready_path: str
    env: dict | None = None
    proc: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 180) -> float:
        started = time.monotonic()
        log_file = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        import httpx

        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} (log {self.log_path})")
            try:
                if httpx.get(self.url + self.ready_path, timeout=5).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout} s (log {self.log_path})")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def plankg_server(store: Path, work: Path, workers: int = 2, answer_cache: bool = True) -> Server:
    """The service as deployed; ``answer_cache=False`` makes every named-query request run its query."""
    port = free_port()
    env = dict(os.environ, PLANKG_QUERY_TIMEOUT_S=str(QUERY_TIMEOUT_S), PYTHONPATH=str(ROOT))
    return Server("plankg", [sys.executable, "-m", "kgservice", "--store", str(store), "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--workers", str(workers),
                             "--answer-cache" if answer_cache else "--no-answer-cache"],
                  f"http://127.0.0.1:{port}", "/sparql?query=ASK%7B%7D", env, log_path=work / "plankg.log")


def oxigraph_server(store: Path, work: Path) -> Server:
    port = free_port()
    return Server("oxigraph", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store.resolve()),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                  f"http://127.0.0.1:{port}", "/query?query=ASK%7B%7D", log_path=work / "oxigraph.log")


def floor_server(store: Path, work: Path, workers: int = 2) -> Server:
    """bench.floor: the cheapest Python request path on the same engine, uvicorn, event loop and HTTP parser."""
    port = free_port()
    env = dict(os.environ, PLANKG_FLOOR_STORE=str(store.resolve()), PYTHONPATH=str(ROOT))
    return Server("python-floor", [str(BIN / "uvicorn"), "--factory", "bench.floor:create_app", "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", str(workers), "--http", "h11", "--loop", "uvloop",
                                   "--no-access-log", "--log-level", "warning"],
                  f"http://127.0.0.1:{port}", "/sparql?query=ASK%7B%7D", env, log_path=work / "python-floor.log")


def rdflib_server(data_file: Path, work: Path) -> Server:
    port = free_port()
    return Server("rdflib-endpoint", [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port",
                                      str(port), str(data_file)],
                  f"http://127.0.0.1:{port}", "/?query=ASK%7B%7D", log_path=work / "rdflib-endpoint.log")


# --------------------------------------------------------------------------- named queries

@dataclass
class NamedCase:
    name: str
    text: str
    params: dict[str, str]            # request parameters (strings)
    terms: dict[str, str]             # parameter → N-Triples term (for substitution / VALUES)
    substituted: list[str] = field(default_factory=list)  # which examples were replaced

    def inline(self) -> str:
        """The query with its parameters as a VALUES block at the start of every WHERE group, sub-selects
        included (what a client of a plain SPARQL server would send): a sub-select sees no binding from
        outside, where the service substitutes the parameter everywhere."""
        if not self.terms:
            return self.text
        names = list(self.terms)
        block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(self.terms[n] for n in names)}) }}\n"
        starts = [m.end() for m in re.finditer(r"\bWHERE\s*\{", self.text, re.I)] or [self.text.index("{") + 1]
        pieces = [self.text[i:j] for i, j in zip([0, *starts], [*starts, len(self.text)])]
        return ("\n  " + block).join(pieces)


def named_cases(manifest: dict) -> list[NamedCase]:
    from kgservice.queries.registry import load_queries

    example = manifest["example"]
    cases = []
    for name, q in sorted(load_queries(ROOT / "queries").items()):
        params, terms, replaced = {}, {}, []
        declared = {p.name: p for p in q.parameters}
        for key, value in (q.example or {}).items():
            value = str(value).lower() if isinstance(value, bool) else str(value)
            stand_in = REAL_TO_SYNTHETIC_IN.get((name, key)) or REAL_TO_SYNTHETIC.get(value)
            if stand_in and example.get(stand_in):
                replaced.append(f"{key}: {value} → {example[stand_in]}")
                value = str(example[stand_in])
            elif value in FIXED:
                replaced.append(f"{key}: {value} → {FIXED[value]}")
                value = FIXED[value]
            params[key] = value
            terms[key] = declared[key].bind(value)
        cases.append(NamedCase(name, q.text, params, terms, replaced))
    return cases


ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples"


def accept_for(text: str) -> str:
    body = re.sub(r"#.*", "", text)
    return ACCEPT_GRAPH if re.search(r"\b(CONSTRUCT|DESCRIBE)\b", body, re.I) else ACCEPT_RESULTS


# --------------------------------------------------------------------------- latency

def http_latency(base: str, cases: list[NamedCase], repeats: int, mixed: int, budget_s: float) -> dict[str, Any]:
    """p50/p95/p99 per named query over HTTP after 2 warm-ups, and of a ``mixed`` random sequence. Against
    a server with its answer cache off every request runs the query; with it on, the warm-ups fill the
    cache and the repeats are hits."""
    import httpx

    out: dict[str, Any] = {"queries": {}, "mixed": {}}
    with httpx.Client(base_url=base, timeout=120) as client:
        for case in cases:
            url = f"/queries/{case.name}?{urlencode(case.params)}"
            headers = {"Accept": accept_for(case.text)}
            times, rows, errors = [], None, 0
            started = time.monotonic()
            for i in range(repeats + 2):
                t = time.perf_counter()
                r = client.get(url, headers=headers)
                dt = (time.perf_counter() - t) * 1000
                if r.status_code != 200:
                    errors += 1
                    if i == 0:
                        log(f"    {case.name}: HTTP {r.status_code} {r.text[:200]}")
                elif i >= 2:  # two warm-up requests
                    times.append(dt)
                if rows is None and r.status_code == 200:
                    rows = _rows(r)
                if time.monotonic() - started > budget_s:
                    break
            out["queries"][case.name] = {"n": len(times), "p50": pct(times, 50), "p95": pct(times, 95),
                                         "p99": pct(times, 99), "rows": rows, "errors": errors}
        rng = random.Random(SEED)
        times, errors, started = [], 0, time.monotonic()
        for _ in range(mixed):
            case = rng.choice(cases)
            t = time.perf_counter()
            r = client.get(f"/queries/{case.name}?{urlencode(case.params)}", headers={"Accept": accept_for(case.text)})
            times.append((time.perf_counter() - t) * 1000)
            errors += r.status_code != 200
            if time.monotonic() - started > budget_s * 4:
                break
        out["mixed"] = {"n": len(times), "p50": pct(times, 50), "p95": pct(times, 95), "p99": pct(times, 99),
                        "errors": errors}
    return out


def _rows(r) -> int | None:
    ctype = r.headers.get("content-type", "")
    if "json" in ctype:
        try:
            return len(r.json()["results"]["bindings"])
        except (ValueError, KeyError):
            return None
    return r.text.count("\n")


def raw_latency(store: Path, cases: list[NamedCase], repeats: int, budget_s: float,
                skip: set[str] = frozenset()) -> dict[str, Any]:
    """The floor: the same queries in-process on a read-only pyoxigraph store, JSON serialised.

    pyoxigraph cannot cancel a query, so a query that timed out over HTTP (``skip``) is not run here."""
    import pyoxigraph as ox

    from kgservice.engine.reader import term as _term

    s = ox.Store.read_only(str(store.resolve()))
    out = {}
    for case in cases:
        if case.name in skip:
            out[case.name] = {"n": 0, "p50": None, "p95": None, "p99": None, "skipped": "timed out over HTTP"}
            continue
        subs = {ox.Variable(k): _term(ox, v) for k, v in case.terms.items()}
        times = []
        started = time.monotonic()
        for i in range(repeats + 2):
            if time.monotonic() - started > budget_s:
                break
            t = time.perf_counter()
            result = s.query(case.text, substitutions=subs, use_default_graph_as_union=True)
            if isinstance(result, ox.QuerySolutions) or isinstance(result, ox.QueryBoolean):
                result.serialize(format=ox.QueryResultsFormat.JSON)
            else:
                result.serialize(format=ox.RdfFormat.N_TRIPLES)
            if i >= 2:
                times.append((time.perf_counter() - t) * 1000)
        out[case.name] = {"n": len(times), "p50": pct(times, 50), "p95": pct(times, 95), "p99": pct(times, 99)}
    del s
    return out


# --------------------------------------------------------------------------- throughput

@dataclass
class Request:
    method: str
    url: str
    headers: dict
    content: bytes | None = None


async def _drive(base: str, requests: list[Request], clients: int, max_requests: int, max_seconds: float,
                 by_query: dict[int, list[float]] | None = None) -> dict:
    """``by_query``: filled with each request's latency (s) under its index in ``requests``."""
    import httpx

    done, errors, latencies = 0, 0, []
    it = iter(range(max_requests))
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        async def worker(k: int) -> None:
            nonlocal done, errors
            for i in it:
                if time.monotonic() > deadline:
                    return
                req = requests[i % len(requests)]
                t = time.perf_counter()
                try:
                    r = await client.request(req.method, req.url, headers=req.headers, content=req.content)
                    await r.aread()
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t)
                if by_query is not None and ok:
                    by_query.setdefault(i % len(requests), []).append(latencies[-1])
                done += ok
                errors += not ok
        started = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.monotonic() - started
    return {"ok": done, "errors": errors, "seconds": elapsed, "rps": done / elapsed if elapsed else 0.0,
            "p50_ms": pct([x * 1000 for x in latencies], 50)}


def drive(base: str, requests: list[Request], clients: int, max_requests: int, max_seconds: float,
          by_query: dict[int, list[float]] | None = None) -> dict:
    return asyncio.run(_drive(base, requests, clients, max_requests, max_seconds, by_query))


def drive_raw(store: Path, jobs: list[tuple[str, dict]], clients: int, max_requests: int, max_seconds: float,
              by_query: dict[int, list[float]] | None = None) -> dict:
    """In-process pyoxigraph with ``clients`` threads (the GIL is released while evaluating)."""
    import pyoxigraph as ox

    s = ox.Store.read_only(str(store.resolve()))
    counter = iter(range(max_requests))
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    done = [0]

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None or time.monotonic() > deadline:
                return
            text, subs = jobs[i % len(jobs)]
            t = time.perf_counter()
            result = s.query(text, use_default_graph_as_union=True,
                             substitutions={ox.Variable(k): v for k, v in subs.items()} if subs else None)
            if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
                result.serialize(format=ox.QueryResultsFormat.JSON)
            else:
                result.serialize(format=ox.RdfFormat.N_TRIPLES)
            elapsed = time.perf_counter() - t
            with lock:
                done[0] += 1
                if by_query is not None:
                    by_query.setdefault(i % len(jobs), []).append(elapsed)

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(worker) for _ in range(clients)]:
            f.result()
    elapsed = time.monotonic() - started
    return {"ok": done[0], "errors": 0, "seconds": elapsed, "rps": done[0] / elapsed}


def bsbm_queries(limit: int | None = None) -> list[str]:
    with gzip.open(BSBM / "explore-queries.jsonl.gz", "rt", encoding="utf-8") as f:
        out = [json.loads(line)["sparql"] for line in f]
    return out[:limit] if limit else out


def sparql_requests(kind: str, texts: list[str]) -> list[Request]:
    """Ad-hoc SPARQL over the protocol: POST application/sparql-query (oxigraph: /query)."""
    path = {"oxigraph": "/query", "rdflib-endpoint": "/"}.get(kind, "/sparql")
    if kind == "rdflib-endpoint":  # its POST wants a form; GET is the plain protocol call
        return [Request("GET", f"{path}?{urlencode({'query': t})}", {"Accept": accept_for(t)}) for t in texts]
    return [Request("POST", path, {"Accept": accept_for(t), "Content-Type": "application/sparql-query"},
                    t.encode()) for t in texts]


def named_requests(kind: str, cases: list[NamedCase], order: list[int]) -> list[Request]:
    if kind == "plankg":
        return [Request("GET", f"/queries/{cases[i].name}?{urlencode(cases[i].params)}",
                        {"Accept": accept_for(cases[i].text)}) for i in order]
    return sparql_requests(kind, [cases[i].inline() for i in order])


# --------------------------------------------------------------------------- stores for the comparisons

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


def union_nt(store: Path, path: Path) -> Path:
    """N-Triples of the union of the graphs, for rdflib-endpoint (which serves one graph)."""
    import pyoxigraph as ox

    if not path.exists():
        s = ox.Store.read_only(str(store.resolve()))
        union = ox.Store()
        union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in s)
        path.write_bytes(union.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    return path


# --------------------------------------------------------------------------- the run

BUILD_MODES = ("full", "query-store")  # bench.buildchild: the build itself, and its unvalidated store only


def build_sizes(sizes: list[int], work: Path, ontology: Path, deadline: float, results: dict,
                reuse: dict | None = None) -> dict[int, Path]:
    """Generate and build each size; returns the store to query per size.

    ``full`` (mappings.build.pipeline.build) runs at every size whose linear extrapolation fits the deadline;
    ``query-store`` (no SHACL, no dumps: an unvalidated store) only where ``full`` gave no store, so
    that latency can still be measured there. ``reuse``: the results of an earlier invocation whose
    build rows (and stores) are taken as they are.
    """
    stores: dict[int, Path] = {}
    last: dict[str, tuple[int, float]] = {}  # mode → (N, seconds) of its last finished or killed build
    for n in sizes:
        old = (reuse or {}).get("sizes", {}).get(str(n))
        if old:
            results["sizes"][str(n)] = {k: old[k] for k in ("n", "corpus", *BUILD_MODES, "generate_s") if k in old}
            for mode in BUILD_MODES:
                b = old.get(mode) or {}
                if b.get("store") and not b.get("killed") and not b.get("error") and Path(b["store"]).exists():
                    stores.setdefault(n, Path(b["store"]))
            log(f"N={n}: builds reused from the earlier invocation ({reuse.get('started')})")
            continue
        corpus = work / f"n{n}"
        entry: dict[str, Any] = {"n": n, **_fresh_corpus(n, corpus)}
        results["sizes"][str(n)] = entry
        for mode in BUILD_MODES:
            if mode == "query-store" and n in stores:
                continue  # the full build's store is there to query
            entry[mode] = _build_in_child(mode, n, corpus, ontology, deadline, last.get(mode))
            b = entry[mode]
            if not b.get("skipped"):
                last[mode] = (n, b["wall_s"])
            if not (b.get("skipped") or b.get("killed") or b.get("error")):
                stores[n] = Path(b["store"])
    return stores


def _fresh_corpus(n: int, corpus: Path) -> dict[str, Any]:
    """The corpus of N municipalities, generated again when missing or written by another generator."""
    from bench.synthetic import generate, generator_fingerprint

    out: dict[str, Any] = {}
    manifest_path = corpus / "synthetic.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if manifest.get("generator") != generator_fingerprint() or manifest.get("seed") != SEED:
        if manifest:
            log(f"N={n}: corpus written by another generator version: generating again")
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.monotonic()
        manifest = generate(n, SEED, corpus)
        out["generate_s"] = time.monotonic() - t
    out["corpus"] = {k: manifest[k] for k in ("documents", "total_records", "source_bytes", "links")}
    log(f"N={n}: {manifest['documents']} documents, {manifest['total_records']} records, "
        f"{manifest['source_bytes'] / 1e6:.1f} MB of source text")
    return out


def _build_in_child(mode: str, n: int, corpus: Path, ontology: Path, deadline: float,
                    prev: tuple[int, float] | None) -> dict[str, Any]:
    """One bench.buildchild run: its stage times, wall time and peak RSS, or why it was skipped or failed."""
    if prev and prev[1] * n / prev[0] > deadline:
        est = prev[1] * n / prev[0]
        log(f"  {mode}: skipped, extrapolated {est:.0f} s > deadline")
        return {"skipped": True, "extrapolated_s": est,
                "reason": f"N={prev[0]} took {prev[1]:.0f} s; linear extrapolation {est:.0f} s "
                          f"> deadline {deadline:.0f} s"}
    shutil.rmtree(corpus / "var" / mode, ignore_errors=True)
    out = corpus / f"build-{mode}.json"
    out.unlink(missing_ok=True)
    r = run_child([sys.executable, "-m", "bench.buildchild", mode, str(corpus), str(ontology), str(out)],
                  deadline, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    info = json.loads(out.read_text()) if out.exists() else {}
    b = {**info, "wall_s": r["seconds"], "peak_rss_mib": r["peak_rss_mib"], "killed": r["killed"],
         "returncode": r["returncode"]}
    if r["killed"]:
        b["reason"] = f"killed at the deadline ({deadline:.0f} s)"
        log(f"  {mode}: KILLED at {r['seconds']:.0f} s, peak {r['peak_rss_mib']:.0f} MiB")
    elif r["returncode"] != 0:
        b["error"] = r["output"]
        log(f"  {mode}: FAILED\n{r['output']}")
    else:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in info.get("stages", {}).items())
        log(f"  {mode}: {r['seconds']:.1f} s ({stages}), peak {r['peak_rss_mib']:.0f} MiB, "
            f"{info.get('triples')} triples")
    return b


INCREMENTAL_HEADING = "## Incremental build"


def incremental_build(n: int, work: Path, ontology: Path, deadline: float, results: dict) -> None:
    """At N municipalities: the full build (no reuse), then one KPI figure of one document changed and
    ``plankg build`` again (bench.buildchild incremental), each in its own child process."""
    corpus = work / f"n{n}"
    results.update(n=n, **_fresh_corpus(n, corpus))
    for mode in ("full", "incremental"):
        if mode == "full":
            shutil.rmtree(corpus / "var" / mode, ignore_errors=True)
        out = corpus / f"build-{mode}.json"
        out.unlink(missing_ok=True)
        note_load(f"{mode} build N={n}")
        r = run_child([sys.executable, "-m", "bench.buildchild", mode, str(corpus), str(ontology), str(out)],
                      deadline, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        info = json.loads(out.read_text()) if out.exists() else {}
        results[mode] = {**info, "wall_s": r["seconds"], "peak_rss_mib": r["peak_rss_mib"], "killed": r["killed"],
                         "returncode": r["returncode"], **({"error": r["output"]} if r["returncode"] else {})}
        log(f"  {mode}: {r['seconds']:.1f} s, peak {r['peak_rss_mib']:.0f} MiB, "
            f"stages {', '.join(f'{k} {v:.1f}' for k, v in info.get('stages', {}).items())}")
        if r["returncode"] or r["killed"]:
            log(r["output"])
            break


def write_incremental_section(runs: list[dict], path: Path, notes: tuple[str, ...] = ()) -> None:
    """The incremental-build section of BENCHMARKS.md from ``--only-incremental`` runs (their results), with
    ``notes`` (what bounds the figures) after the table."""
    def row(results: dict, mode: str, target: float) -> str:
        b = results.get(mode) or {}
        n = f"{results['n']:,}"
        if not b.get("stages"):
            why = "killed at the deadline" if b.get("killed") else (b.get("error") or "not run").strip()
            return f"| {n} | {mode} | – | – | {b.get('peak_rss_mib', 0):,.0f} | – | {why[-300:]} |"
        stages = ", ".join(f"{k} {v:.1f}" for k, v in b["stages"].items())
        switched = b.get("switched_s", 0.0)
        memory = mode != "full" or b["peak_rss_mib"] <= 8192
        verdict = "met" if switched <= target and memory else "missed"
        return (f"| {n} | {b.get('mode', mode)} | {switched:,.1f} | {b['seconds']:,.1f} | {b['peak_rss_mib']:,.0f} | "
                f"≤ {target:.0f} s{' and ≤ 8 GiB' if mode == 'full' else ''}: {verdict} | {stages} |")

    lines = [INCREMENTAL_HEADING, ""]
    for results in runs:
        edit = (results.get("incremental") or {}).get("edit", {})
        lines += [f"- N={results['n']:,}: `{results['command']}` ({results['started']} → {results.get('finished', '?')}; "
                  f"git {results['machine'].get('git', '?')}); {results['corpus']['documents']:,} documents, "
                  f"{results['corpus']['total_records']:,} records. The change: {edit.get('document', '?')}, record "
                  f"`{edit.get('record', '?')}`, one observation {edit.get('from', '?')} → {edit.get('to', '?')} and "
                  f"the same figure at its cited source line {edit.get('line', '?')} (and the catalog's SHA-256). "
                  "Load average (1/5/15 min, 2 CPUs shared with other work): "
                  + "; ".join(f"{t} {phase}: {'/'.join(f'{x:.1f}' for x in load)}"
                              for t, phase, load in results.get("loadavg", [])) + "."]
    lines += ["", "| N | build | s to the switched store | s with dumps | peak RSS MiB | target | stages (s) |",
              "|---:|---|---:|---:|---:|---|---|"]
    for results in runs:
        lines += [row(results, "full", 900), row(results, "incremental", 60)]
    lines += ["", "Each build runs in its own child process (`bench/buildchild.py full`, then `incremental` over "
              "its store: `plankg build` as it runs, incremental when it can be). *s to the switched store*: from "
              "the start until `var/store/current` points at the new, SHACL-valid store; the dumps are written "
              "from it after that (*s with dumps*).", "", *(f"{note}\n" for note in notes)]
    replace_section(path, INCREMENTAL_HEADING, "\n".join(lines) + "\n")


def latency_sizes(stores: dict[int, Path], work: Path, repeats: int, mixed: int, budget: float, results: dict) -> None:
    for n, store in sorted(stores.items()):
        manifest = json.loads((work / f"n{n}" / "synthetic.json").read_text())
        cases = named_cases(manifest)
        entry = results["sizes"][str(n)]
        entry["store"] = "full" if "/full/" in str(store) else "query-store (unvalidated)"
        entry["substitutions"] = {c.name: c.substituted for c in cases if c.substituted}
        log(f"N={n}: named-query latency over HTTP ({entry['store']} store; answer cache off, then on)")
        note_load(f"latency N={n}")
        with plankg_server(store, work, answer_cache=False) as server:
            entry["latency"] = http_latency(server.url, cases, repeats, mixed, budget_s=budget)
        slow = {k for k, q in entry["latency"]["queries"].items() if q["errors"] or not q["n"]
                or q["p50"] > budget * 1000}
        with plankg_server(store, work) as server:  # the slow ones would spend their budget again in the warm-ups
            hits = http_latency(server.url, [c for c in cases if c.name not in slow], repeats, 0, budget_s=budget)
        for name, q in entry["latency"]["queries"].items():
            q["cached_p50"] = hits["queries"].get(name, {}).get("p50")
        entry["raw"] = raw_latency(store, cases, repeats, budget, slow)
        for name, q in entry["latency"]["queries"].items():
            raw = entry["raw"][name]["p50"]
            log(f"  {name:38s} p50 {q['p50']:7.1f}  p95 {q['p95']:7.1f}  p99 {q['p99']:7.1f} ms  "
                f"raw p50 {raw if raw is not None else float('nan'):7.2f} ms  cached p50 "
                f"{q['cached_p50'] if q['cached_p50'] is not None else float('nan'):5.2f} ms  rows {q['rows']}  "
                f"errors {q['errors']}")
        m = entry["latency"]["mixed"]
        log(f"  {'mixed':38s} p50 {m['p50']:7.1f}  p95 {m['p95']:7.1f}  p99 {m['p99']:7.1f} ms")


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


BSBM_ROUNDS = 3


def cpu_seconds(pid: int) -> dict[int, float]:
    """CPU time (user + system, s) of a process and its descendants, by pid (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, todo = {}, [pid]
    while todo:
        p = todo.pop()
        if p in stats:
            tree[p] = stats[p][1]
            todo += [c for c, (parent, _) in stats.items() if parent == p]
    return tree


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


def replace_section(path: Path, heading: str, section: str) -> None:
    """``section`` in place of the one under ``heading`` in ``path`` (appended when there is none);
    the rest of the file is left as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[end:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,100,1741")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and shorter load loops")
    parser.add_argument("--deadline", type=float, default=1200.0, help="seconds per build (default 20 min)")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--reuse-latency", action="store_true", help="with --reuse-builds: take the latency "
                        "tables from that file too and measure throughput only")
    parser.add_argument("--reuse-builds", type=Path, help="results.json of an earlier invocation: take its build "
                        "rows and stores instead of building again")
    parser.add_argument("--only-bsbm", action="store_true", help="only the ad-hoc SPARQL throughput (BSBM): "
                        "no corpus, builds or latency; written to WORK/bsbm-only.json and BENCHMARKS.md's BSBM section")
    parser.add_argument("--only-incremental", type=int, metavar="N", help="only the full build and then the "
                        "incremental build after one changed document, at N municipalities: written to "
                        "WORK/incremental.json and BENCHMARKS.md's incremental-build section")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.only_incremental:
        results = {"command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
                   "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine()}
        ontology = work / "ontology"  # a snapshot: the shared tree may change during a long run
        shutil.rmtree(ontology, ignore_errors=True)
        shutil.copytree(ROOT / "ontology", ontology)
        note_load("start")
        incremental_build(args.only_incremental, work, ontology, args.deadline, results)
        note_load("end")
        results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        results["loadavg"] = LOADAVG
        (work / "incremental.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
        write_incremental_section([results], ROOT / "BENCHMARKS.md")
        log(f"wrote {work / 'incremental.json'} and the incremental-build section of BENCHMARKS.md")
        return 0
    if args.only_bsbm:
        results = {"command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
                   "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine()}
        throughput({}, work, args.quick, results)  # no stores: the named-query mix is skipped
        note_load("end")
        results["loadavg"] = LOADAVG
        (work / "bsbm-only.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
        write_bsbm_section(results, ROOT / "BENCHMARKS.md")
        log(f"wrote {work / 'bsbm-only.json'} and the BSBM section of BENCHMARKS.md")
        return 0
    ontology = work / "ontology"  # a snapshot: the shared tree may change during a long run
    shutil.rmtree(ontology, ignore_errors=True)
    shutil.copytree(ROOT / "ontology", ontology)
    results: dict[str, Any] = {"command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
                               "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(),
                               "deadline_s": args.deadline, "quick": args.quick, "seed": SEED, "sizes": {}}
    log(json.dumps(results["machine"]))
    repeats, mixed, budget = (5, 60, 5.0) if args.quick else (20, 200, 15.0)
    results.update(repeats=repeats, mixed_requests=mixed, per_query_budget_s=budget, query_timeout_s=QUERY_TIMEOUT_S)
    reuse = json.loads(args.reuse_builds.read_text()) if args.reuse_builds else None
    if reuse:
        results["builds_from"] = {"command": reuse["command"], "started": reuse["started"],
                                  "deadline_s": reuse["deadline_s"]}
        results["deadline_s"] = reuse["deadline_s"]
    note_load("start")
    stores = build_sizes(sizes, work, ontology, args.deadline, results, reuse)
    results["stores"] = {str(k): str(v) for k, v in stores.items()}
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    if args.reuse_latency and reuse:
        results["latency_from"] = {"command": reuse["command"], "started": reuse["started"]}
        for n, old in reuse["sizes"].items():
            for key in ("latency", "raw", "store", "substitutions"):
                if key in old:
                    results["sizes"][n][key] = old[key]
        results.update({k: reuse[k] for k in ("repeats", "mixed_requests", "per_query_budget_s", "query_timeout_s")
                        if k in reuse})
    else:
        latency_sizes(stores, work, repeats, mixed, budget, results)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    if not args.no_throughput:
        throughput(stores, work, args.quick, results)
    note_load("end")
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    results["loadavg"] = LOADAVG
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    from bench.report import write_report

    write_report(results, ROOT / "BENCHMARKS.md", ROOT / "bench" / "plots")
    log(f"wrote BENCHMARKS.md, bench/results.json and bench/plots/ ({results['finished']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
