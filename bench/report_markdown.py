"""BENCHMARKS.md's text from one run's results: the machine, corpus and build, latency, throughput and
target tables, the extrapolations to N=1,741, and the notes (bench.report_notes)."""

from __future__ import annotations
import math
from typing import Any
from bench.report_notes import PROFILE_NOTES, SERVICE_NOTES

STAGES = ["mapping", "load", "shacl", "materialise", "dumps"]
# bench.buildchild modes → how the tables name them; the query store is never a release
BUILD_LABELS = {"full": "full", "query-store": "query-store (UNVALIDATED)"}
TARGET_N = 1741


def _f(x: Any, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:,.{digits}f}"


def sizes_of(r: dict) -> list[tuple[int, dict]]:
    return sorted(((int(k), v) for k, v in r["sizes"].items()), key=lambda kv: kv[0])


def _extrapolate(r: dict, mode: str) -> dict | None:
    """Linear extrapolation in N from the largest size whose build of ``mode`` finished (none if N=1,741 did)."""
    done = [(n, e[mode]) for n, e in sizes_of(r) if isinstance(e.get(mode), dict) and e[mode].get("stages")
            and not e[mode].get("killed") and not e[mode].get("error")]
    if not done or done[-1][0] >= TARGET_N:
        return None
    n, b = done[-1]
    if len(done) >= 2:  # a line through the last two sizes: the fixed cost (interpreter, ontology) stays fixed
        n0, a = done[-2]
        line = lambda y0, y1: y1 + (y1 - y0) / (n - n0) * (TARGET_N - n)  # noqa: E731
        return {"from_n": f"{n0} and {n}", "seconds": line(a["wall_s"], b["wall_s"]),
                "stages": {s: line(a["stages"].get(s, 0), v) for s, v in b["stages"].items()},
                "peak_rss_mib": line(a["peak_rss_mib"], b["peak_rss_mib"]),
                "triples": line(a.get("triples") or 0, b.get("triples") or 0)}
    k = TARGET_N / n  # one size only: proportional time; memory not extrapolated from one point
    return {"from_n": n, "seconds": b["wall_s"] * k, "stages": {s: v * k for s, v in b["stages"].items()},
            "peak_rss_mib": None, "triples": (b.get("triples") or 0) * k}


def _rps(w: dict, system: str, clients: str) -> float | None:
    v = w["results"].get(system)
    if not isinstance(v, dict) or clients not in v:
        return None
    return v[clients]["rps"]


def render(r: dict, made: list[str]) -> str:
    m = r["machine"]
    L: list[str] = []
    add = L.append
    add("# Benchmarks: build, latency and throughput against the number of municipalities\n")
    add("Written by `bench/run.py` from **one run** on the machine below; `python -m bench.report` rewrites "
        "this file from `bench/results.json`. Numbers are from this machine and this run only.\n")
    add(f"- Command: `{r['command'].strip()}` (from the project root, `.venv/bin/python`)")
    if r.get("builds_from") or r.get("latency_from"):
        add("- **Three invocations on the same stores** (each restarted only to fix the runner, nothing re-measured "
            "twice): builds from `" + r["builds_from"]["command"] + f"` ({r['builds_from']['started']}); latency "
            "from `" + r.get("latency_from", {}).get("command", "the command above") + "` ("
            + r.get("latency_from", {}).get("started", "") + "); throughput from the command above. The first one's "
            "latency phase (full budgets) was stopped because queries that time out at N=100 would have kept it "
            "≈ 40 more minutes; the second one's throughput phase was stopped because rdflib-endpoint serves `/`, "
            "not `/sparql` (fixed).")
    add(f"- Run: {r['started']} → {r.get('finished', 'unfinished')}; git {m.get('git')} with "
        f"{m.get('git_dirty_files', '?')} uncommitted files in the shared tree (ontology snapshotted at start)")
    add(f"- Machine: {m.get('nproc')} CPUs ({m.get('cpu')}), {m.get('memory_gib')} GiB RAM, Python {m.get('python')}, "
        f"{m.get('platform')}")
    add("- Versions: " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()))
    add(f"- Corpus: `python -m bench.synthetic --municipalities N --seed {r['seed']}` (synthetic documents and "
        "records modelled on the five real documents; see the module docstring). Deadline per build: "
        f"{r['deadline_s']:.0f} s; a size whose build extrapolates (linearly in N from the previous size) past the "
        "deadline is not started, and that is said below.")
    add(f"- Latency: {r.get('repeats')} sequential requests per named query after 2 warm-ups, at most "
        f"{r.get('per_query_budget_s')} s per query; mixed workload {r.get('mixed_requests')} requests drawn with a "
        "fixed seed. Service: `python -m kgservice --store … serve --workers 2` (one uvicorn process, 2 reader "
        "processes), 127.0.0.1.\n")

    loads = r.get("loadavg") or []
    if loads or r.get("contention"):
        add("**Machine load during the run** (1/5/15-min load average on 2 CPUs; the benchmark's own builds, "
            "servers and clients count in it; anything above that means other work shared the machine): "
            + "; ".join(f"{t} {ph}: {a:.1f}/{b:.1f}/{c:.1f}" for t, ph, (a, b, c) in loads)
            + (" " + r["contention"] if r.get("contention") else "") + "\n")
    add("## Corpus and build\n")
    add("| N | documents | records | source MB | triples | build | total s | mapping | load | SHACL | materialise "
        "| dumps | peak RSS MiB | status |")
    add("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for n, e in sizes_of(r):
        c = e.get("corpus", {})
        for mode, label in BUILD_LABELS.items():
            b = e.get(mode)
            if not isinstance(b, dict):
                continue
            st = b.get("stages", {})
            status = ("skipped: " + b["reason"]) if b.get("skipped") else ("**killed**: " + b["reason"]) if b.get(
                "killed") else "FAILED" if b.get("error") else "ok"
            add(f"| {n:,} | {c.get('documents', '–')} | {c.get('total_records', 0):,} | "
                f"{c.get('source_bytes', 0) / 1e6:.1f} | {_f(b.get('triples'), 0)} | {label} | {_f(b.get('wall_s'))} | "
                + " | ".join(_f(st.get(s)) for s in STAGES)
                + f" | {_f(b.get('peak_rss_mib'), 0)} | {status} |")
    add("\n*full* = `mappings.build.pipeline.build` (records → N-Quads file → pyoxigraph bulk_load → SHACL gate: "
        "pyshacl-turbo + one pyoxigraph query per SHACL-SPARQL constraint → closures and statistics (*materialise*) "
        "→ five dump formats). *query-store (UNVALIDATED)* = the same stage functions without the SHACL gate and "
        "the dumps (`bench/buildchild.py query-store`), run only where the full build was skipped or killed: its "
        "store is not a release, it serves only to measure query latency at that size.\n")
    for mode, label in BUILD_LABELS.items():
        x = _extrapolate(r, mode)
        if x:
            add(f"**Extrapolation (not measured), {label} build at N=1,741**, linear from N={x['from_n']}: "
                f"{x['seconds']:,.0f} s total (" + ", ".join(f"{k} {v:,.0f} s" for k, v in x["stages"].items())
                + "), peak RSS " + (f"≈ {x['peak_rss_mib'] / 1024:,.1f} GiB" if x["peak_rss_mib"] else "not "
                                    "extrapolated from one size") + f", ≈ {x['triples'] / 1e6:,.1f} M triples. "
                + ("pyshacl-turbo copies the whole graph, so memory grows at least linearly." if mode == "full" else "")
                + "\n")

    lat = [(n, e) for n, e in sizes_of(r) if e.get("latency")]
    if lat:
        add("## Named-query latency over HTTP (ms)\n")
        add("Each cell: p50 / p99 over HTTP with the answer cache off (`serve --no-answer-cache`: every request "
            "runs the query). *raw* = the same query in-process on pyoxigraph (read-only store, JSON serialised) at "
            "the largest N; *overhead* = HTTP p50 − raw p50 there; *cached* = HTTP p50 there with the cache on "
            "(answers from the cache after 2 warm-ups). *rows* = result rows at the largest N (0: the query's "
            "example finds nothing in the synthetic corpus; its latency is still that of the lookup).\n")
        big_n, big = lat[-1]
        add("| query | " + " | ".join(f"N={n:,}" for n, _ in lat)
            + f" | raw p50 N={big_n:,} | overhead p50 | cached p50 | rows |")
        add("|---|" + "---:|" * (len(lat) + 4))
        names = sorted(big["latency"]["queries"])
        for name in names:
            cells = []
            for n, e in lat:
                q = e["latency"]["queries"].get(name)
                if q and not q["n"] and q["errors"]:
                    cells.append(f"**> {r.get('query_timeout_s', 60)} s (503 timeout)**")
                    continue
                if q and not q["n"]:
                    cells.append(f"**> {r.get('per_query_budget_s', 0) / 2:g} s** (budget spent in the 2 warm-ups)")
                    continue
                cells.append(f"{_f(q['p50'])} / {_f(q['p99'])}" + ("" if q["n"] >= 5 else f" (n={q['n']})")
                             if q else "–")
            q, raw = big["latency"]["queries"][name], big.get("raw", {}).get(name, {})
            over = q["p50"] - raw["p50"] if raw.get("p50") is not None else None
            add(f"| {name} | " + " | ".join(cells) + f" | {_f(raw.get('p50'), 2)} | {_f(over)} | "
                f"{_f(q.get('cached_p50'), 2)} | {q['rows']} |")
        add("| **mixed workload** | " + " | ".join(
            f"{_f(e['latency']['mixed']['p50'])} / {_f(e['latency']['mixed']['p99'])}" for _, e in lat) + " | | | | |")
        subs = big.get("substitutions", {})
        if subs:
            add("\nExample parameters that name real documents were replaced by synthetic municipality 0's ids: "
                + "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(subs.items())) + ".\n")

    tp = r.get("throughput") or {}
    for key, title in (("bsbm", "Ad-hoc SPARQL: BSBM explore queries"), ("named", "Dashboard: named-query mix")):
        w = tp.get(key)
        if not w:
            continue
        extra = (f"{w['queries']} explore queries of 100 mixes, 1,000 products, {w['triples']:,} triples" if key == "bsbm"
                 else f"500 requests drawn from the {w.get('queries', '?')} named queries whose HTTP p50 was ≤ 1 s at "
                      f"N={w['n']} (left out: {', '.join(w.get('excluded', [])) or 'none'})")
        add(f"\n## Throughput: {title} (requests/s)\n")
        add(f"{extra}; each cell bounded by {tp['max_requests']} requests (rdflib-endpoint: a tenth) and "
            f"{tp['max_seconds']:.0f} s. plankg: `/sparql` POST for ad-hoc, `GET /queries/NAME?…` for named; "
            "oxigraph: `oxigraph serve-read-only --union-default-graph` on the same store directory, `/query`; "
            "rdflib-endpoint: `rdflib-endpoint serve` on an N-Triples file of the same triples (union of graphs); "
            "raw: in-process pyoxigraph, one thread per client. For the servers the named queries' parameters are a "
            "`VALUES` block at the top of the WHERE group.\n")
        add("| system | 1 client | 4 clients | 16 clients | errors |")
        add("|---|---:|---:|---:|---:|")
        for s in ("plankg", "oxigraph", "rdflib-endpoint", "pyoxigraph-raw"):
            v = w["results"].get(s)
            if not isinstance(v, dict):
                continue
            if "error" in v:
                add(f"| {s} | {v['error']} | | | |")
                continue
            errs = sum(v[c]["errors"] for c in ("1", "4", "16") if c in v)
            add(f"| {s} | " + " | ".join(_f(_rps(w, s, c)) for c in ("1", "4", "16")) + f" | {errs} |")
        add("\n| ratio | 1 client | 4 clients | 16 clients |")
        add("|---|---:|---:|---:|")
        for a, b in (("plankg", "oxigraph"), ("plankg", "rdflib-endpoint"), ("plankg", "pyoxigraph-raw"),
                     ("oxigraph", "pyoxigraph-raw")):
            ratios = []
            for c in ("1", "4", "16"):
                x, y = _rps(w, a, c), _rps(w, b, c)
                ratios.append(f"{x / y:.2f}×" if x and y else "–")
            add(f"| {a} / {b} | " + " | ".join(ratios) + " |")

    add("\n## Targets (2-core machine)\n")
    add("| target | measured | verdict |")
    add("|---|---|---|")
    big_ref = [(n, e["full"]) for n, e in sizes_of(r) if isinstance(e.get("full"), dict)
               and e["full"].get("stages") and not e["full"].get("killed")]
    x = _extrapolate(r, "full")
    if TARGET_N in dict(big_ref):
        b = dict(big_ref)[TARGET_N]
        add(f"| build N=1,741 ≤ 180 s, ≤ 4 GiB | {b['wall_s']:.0f} s, {b['peak_rss_mib'] / 1024:.1f} GiB | "
            f"{'met' if b['wall_s'] <= 180 and b['peak_rss_mib'] <= 4096 else 'missed'} |")
    elif _measured_target_stages(r, big_ref):
        add(_measured_target_stages(r, big_ref))
    elif x:
        add(f"| build N=1,741 ≤ 180 s, ≤ 4 GiB | not measured (deadline); extrapolated from N={x['from_n']}: "
            f"{x['seconds']:,.0f} s | **missed** by ≈ {x['seconds'] / 180:,.0f}× in time (extrapolation) |")
        fx = _extrapolate(r, "query-store")
        if fx:
            memory = f", {fx['peak_rss_mib'] / 1024:.1f} GiB" if fx["peak_rss_mib"] else ""
            add(f"| (query-store: no SHACL, no dumps) | extrapolated from N={fx['from_n']}: {fx['seconds']:,.0f} s"
                f"{memory} | not a release (unvalidated) |")
    if lat:
        n, e = lat[-1]
        links = {k: v for k, v in e["latency"]["queries"].items() if k.startswith("link-")}
        if links:
            timed = {k: v for k, v in links.items() if v["n"]}  # the others spent their budget in the warm-ups
            worst50 = max(timed.items(), key=lambda kv: kv[1]["p50"])
            worst99 = max(timed.items(), key=lambda kv: kv[1]["p99"])
            ok50 = sum(v["p50"] <= 50 for v in timed.values())
            ok99 = sum(v["p99"] <= 300 for v in timed.values())
            beyond = sorted(set(links) - set(timed))
            where = "N=1,741" if n == TARGET_N else f"N={n:,} (largest measured; N=1,741 not built)"
            add(f"| linkage queries (link-*) p50 ≤ 50 ms, p99 ≤ 300 ms at N=1,741 | at {where}: {ok50}/{len(links)} "
                f"within p50, {ok99}/{len(links)} within p99; "
                + (f"{len(beyond)} beyond the per-query budget, not timed ({', '.join(beyond)}); " if beyond else "")
                + f"worst timed p50 {worst50[0]} {worst50[1]['p50']:.0f} ms, "
                f"worst timed p99 {worst99[0]} {worst99[1]['p99']:.0f} ms | "
                f"{'met' if ok50 == ok99 == len(links) and n == TARGET_N else 'missed' if ok50 < len(links) or ok99 < len(links) else 'met below N=1,741 only'} |")
        overs = []
        for name, q in e["latency"]["queries"].items():
            raw = e.get("raw", {}).get(name, {}).get("p50")
            if raw is not None and q["n"]:
                overs.append(q["p50"] - raw)
        cheap = [q["p50"] - e["raw"][name]["p50"] for name, q in e["latency"]["queries"].items()
                 if q["n"] and (e.get("raw", {}).get(name, {}).get("p50") or 99) < 5]
        if cheap:
            add(f"| per-request overhead, queries with raw p50 < 5 ms (where the difference is not noise) | "
                f"N={n:,}: median {sorted(cheap)[len(cheap) // 2]:.1f} ms over {len(cheap)} queries "
                f"(min {min(cheap):.1f}, max {max(cheap):.1f}) | "
                f"{'met' if sorted(cheap)[len(cheap) // 2] <= 2 else 'missed'} |")
        if overs:
            med = sorted(overs)[len(overs) // 2]
            add(f"| per-request overhead over raw pyoxigraph ≤ 2 ms p50 | median over the named queries at N={n:,}: "
                f"{med:.1f} ms (min {min(overs):.1f}, max {max(overs):.1f}) | {'met' if med <= 2 else 'missed'} |")
    for key, label in (("bsbm", "ad-hoc"), ("named", "named")):
        w = tp.get(key)
        if not w:
            continue
        for c in ("1", "4", "16"):
            p, o, rd = _rps(w, "plankg", c), _rps(w, "oxigraph", c), _rps(w, "rdflib-endpoint", c)
            if key == "bsbm" and p and o:
                rdtxt = f", {p / rd:.1f}× rdflib-endpoint" if rd else ""
                ok = p >= 0.8 * o and (rd is None or p >= 10 * rd)
                add(f"| ad-hoc SPARQL ≥ 0.8× oxigraph and ≥ 10× rdflib-endpoint, {c} client(s) | "
                    f"{p / o:.2f}× oxigraph{rdtxt} | {'met' if ok else 'missed'} |")
            if key == "named" and p and o:
                add(f"| repeated named queries ≥ 2× oxigraph, {c} client(s) | {p / o:.2f}× | "
                    f"{'met' if p >= 2 * o else 'missed'} |")
    add("\n## What bounds the service\n")
    add(SERVICE_NOTES)
    add("\n## What bounds the build, and proposals\n")
    add(PROFILE_NOTES)
    if made:
        add("\n## Plots\n")
        for name in made:
            add(f"![{name}](bench/plots/{name})")
    return "\n".join(L) + "\n"


def _measured_target_stages(r: dict, big_ref: list[tuple[int, dict]]) -> str | None:
    """The build target's row when N=1,741 was built only as a query store: mapping and load measured
    there, SHACL's share extrapolated linearly from the largest full build."""
    qs = dict(sizes_of(r)).get(TARGET_N, {}).get("query-store") or {}
    if not qs.get("stages") or qs.get("killed") or not big_ref:
        return None
    n, full = max(big_ref, key=lambda item: item[0])
    measured = qs["stages"]["mapping"] + qs["stages"]["load"]
    shacl = full["stages"]["shacl"] * TARGET_N / n
    total = measured + shacl
    return (f"| build N=1,741 ≤ 180 s, ≤ 4 GiB | mapping + load measured at N={TARGET_N:,} (query store): "
            f"{measured:,.0f} s; SHACL extrapolated from N={n:,} ({full['stages']['shacl']:.1f} s): "
            f"{shacl:,.0f} s; together ≈ {total:,.0f} s. Peak of the query-store build (mapping, load, "
            f"materialise; no SHACL): {qs['peak_rss_mib'] / 1024:.1f} GiB | **missed**: ≈ {total / 180:.1f}× "
            f"in time; memory over 4 GiB before SHACL's copy of the graph is added |")
