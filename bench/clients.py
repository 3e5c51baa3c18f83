"""The load loops of the throughput runs, bounded in requests and in seconds: concurrent HTTP clients
(asyncio + httpx) against a server, threads against in-process pyoxigraph; and the requests they send
(ad-hoc SPARQL over the protocol, or the named queries)."""

from __future__ import annotations
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from bench.latency import pct
from bench.named_cases import NamedCase, accept_for


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
