"""Named-query latency at each size: p50/p95/p99 of every named query and of a mixed workload over HTTP
against the service (answer cache off, then on), and the same queries in-process on pyoxigraph (the
floor that gives the per-request overhead)."""

from __future__ import annotations
import json
import random
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from bench.builds import SEED
from bench.child import log, note_load
from bench.named_cases import NamedCase, accept_for, named_cases
from bench.servers import plankg_server


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


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
