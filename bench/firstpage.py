"""First-page latency of every named query, answer cache off, on a store already built.

    python -m bench.firstpage --n 1741 --store var/bench/n1741/var/query-store/store/current \
        [--repeats 5] [--budget 5] [--write-benchmarks BENCHMARKS.md]

A script, never a test. For each ``queries/*.rq`` (its header example, ids of the real documents
replaced by synthetic municipality 0's as in ``bench.named_cases``) it requests the first page
(``GET /queries/<name>?…``, the default page size) from ``python -m kgservice serve
--no-answer-cache`` after two warm-ups, so every request runs the query; and runs the same page's
text in-process on a read-only pyoxigraph store (*raw*: the engine alone). Prints the table, writes
``WORK/first-page-n<N>.json`` and, with ``--write-benchmarks``, the block between
``<!-- first-page:start -->`` and ``<!-- first-page:end -->`` of that file (bench.report keeps it):
the latest run at each N found in WORK.
"""

from __future__ import annotations
import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from bench import servers
from bench.child import LOADAVG, ROOT, log, machine, note_load
from bench.latency import http_latency, pct
from bench.named_cases import named_cases
from bench.servers import plankg_server

TARGET_MS = 200.0
START, END = "<!-- first-page:start -->", "<!-- first-page:end -->"
BOUNDS = [  # measured while the queries were rewritten (queries/README.md); kept with the table
    "What bounds the misses, measured:",
    "",
    "- **Country-wide answers are computed whole before the first page**: ORDER BY sorts the full answer, "
    "so the first page costs what the whole answer costs, and it grows with N. The whole answer at N=1,741, "
    "in-process (the engine alone, 2026-12-04): cq-budget-execution-rate 26,099 rows in 10.0 s, "
    "cq-projects-of-department 16,551 in 7.8 s, kpis-by-status 14,989 in 2.1 s, link-kpis-behind-schedule "
    "13,055 in 5.0 s, cq-kpi-status-changes 10,514 in 6.3 s, cq-kpis-behind-expected 7,431 in 4.2 s, "
    "link-evidence 4,857 in 3.3 s, cq-kpis-beyond-target 4,747 (of 17,386 actual values) in 7.3 s, "
    "cq-projects-for-kpi 2,669 in 0.6 s (the KPI's label is printed in every municipality).",
    "- **Country-wide aggregates read every row they count**: link-areas-shared-by-cities counts cities over "
    "the 571,937 classified elements (22 rows, 3.1 s); link-area-city-counts and link-area-side-by-side read "
    "the area's 26,204 (public-relations-hearing) and 25,614 (digitalisation) elements.",
    "- **No text index**: cq-text-mentions tests CONTAINS on every text value of the graph (41 s for one row).",
    "- Parameters no longer bound the plan: the embedded engine writes them as VALUES for the planner too "
    "(queries/README.md); cq-provenance went from over 10 s to 1 ms.",
    "- The machine: 2 CPUs shared with other work (each run's load average is given with its table); "
    "absolute numbers are upper bounds.",
]


def raw_first_page(store: Path, cases: list, repeats: int, budget_s: float) -> dict[str, Any]:
    """The page's text (``cases`` paged: LIMIT size+1 appended, as the service runs it) in-process, TSV written."""
    import pyoxigraph as ox

    from kgservice.engine.values import bind_values
    from kgservice.queries.parameters import term
    from mappings.build.merge import query_options

    s = ox.Store.read_only(str(store.resolve()))
    options = query_options(s)  # once: it looks at every named graph (about 130 ms at N=1,741)
    out = {}
    for case in cases:
        text = bind_values(case.text, case.terms, every_group=False)  # as the embedded engine sends it
        subs = {ox.Variable(k): term(v) for k, v in case.terms.items()}
        times: list[float] = []
        started = time.monotonic()
        for i in range(repeats + 2):
            t = time.perf_counter()
            s.query(text, substitutions=subs, **options).serialize(
                format=ox.QueryResultsFormat.TSV)
            if i >= 2:
                times.append((time.perf_counter() - t) * 1000)
            if time.monotonic() - started > budget_s:
                break
        out[case.name] = {"n": len(times), "p50": pct(times, 50), "p99": pct(times, 99)}
    return out


def render(result: dict) -> str:
    rows = []
    http, raw = result["http"]["queries"], result["raw"]
    misses = 0
    for name in sorted(http):
        h, r = http[name], raw.get(name, {})
        p50 = h["p50"]
        if h["errors"] or not h["n"]:
            verdict = f"**no answer** ({h['errors']} errors)" if h["errors"] else "**> budget**"
            misses += 1
        elif p50 <= TARGET_MS:
            verdict = "ok"
        else:
            verdict = f"**miss by {p50 - TARGET_MS:,.0f} ms**"
            misses += 1
        fmt = lambda v: "–" if v is None or v != v else f"{v:,.1f}"  # noqa: E731 (nan: none measured)
        rows.append(f"| {name} | {fmt(p50)} | {fmt(h['p99'])} | {h['n']} | {fmt(r.get('p50'))} | "
                    f"{h['rows'] if h['rows'] is not None else '–'} | {verdict} |")
    load = "; ".join(f"{t} {phase} {a:.1f}/{b:.1f}/{c:.1f}" for t, phase, (a, b, c) in result["loadavg"])
    return "\n".join([
        f"## Named queries at N={result['n']:,}: first page, answer cache off",
        "",
        f"Command: `{result['command']}` ({result['started']} → {result['finished']}; git {result['git']}).",
        f"Store: `{result['store']}` ({result['store_kind']}{'; ' + result['note'] if result.get('note') else ''}). Each request is the first page (default page "
        f"size 100, `LIMIT 101` appended: the extra row tells whether a next page exists) over HTTP from "
        f"`python -m kgservice serve --no-answer-cache --workers 2`, {result['repeats']} requests after 2 "
        f"warm-ups, at most {result['budget_s']:.0f} s per query (query timeout {result['timeout_s']:.0f} s); *raw* = the same page text in-process "
        f"on a read-only pyoxigraph store. Target: p50 ≤ {TARGET_MS:.0f} ms. Load average (1/5/15 min, "
        f"2 CPUs shared with other work): {load}.",
        "",
        "| query | p50 ms | p99 ms | n | raw p50 ms | rows | ≤ 200 ms |",
        "|---|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
        f"{len(http) - misses} of {len(http)} within the target.",
    ])


def render_all(work: Path, earlier: dict[int, str] | None = None) -> str:
    """The block: the latest run at each N (``WORK/first-page-n<N>.json``; ``earlier``: the sections of the
    sizes this work folder has no run of, as the file had them), then what bounds the misses."""
    runs = {r["n"]: render(r) for r in (json.loads(p.read_text()) for p in work.glob("first-page-n*.json"))}
    sections = {**(earlier or {}), **runs}
    return "\n\n".join([START + "\n" + "\n\n".join(sections[n] for n in sorted(sections)),
                        "\n".join(BOUNDS) + "\n" + END])


SECTION = re.compile(r"^## Named queries at N=([\d,]+): first page", re.MULTILINE)


def earlier_sections(md: Path) -> dict[int, str]:
    """Each size's section in ``md``'s block, so that a run in another work folder does not drop it."""
    text = md.read_text(encoding="utf-8") if md.exists() else ""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < 0:
        return {}
    block = text[start + len(START):end].split(BOUNDS[0])[0]
    heads = list(SECTION.finditer(block))
    return {int(h.group(1).replace(",", "")): block[h.start():nxt.start() if nxt else len(block)].strip()
            for h, nxt in zip(heads, [*heads[1:], None])}


def write_block(md: Path, block: str) -> None:
    text = md.read_text(encoding="utf-8") if md.exists() else ""
    start, end = text.find(START), text.find(END)
    if start >= 0 and end >= 0:
        text = text[:start] + block + text[end + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    md.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.firstpage", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="the corpus size of the store (its synthetic.json)")
    ap.add_argument("--store", type=Path, required=True, help="a built store directory (…/store/current)")
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--budget", type=float, default=5.0, help="seconds per query")
    ap.add_argument("--timeout", type=float, default=30.0, help="the service's query timeout, seconds (a miss "
                    "costs at most this per request)")
    ap.add_argument("--note", default="", help="what the table must say about the store (e.g. a partial build)")
    ap.add_argument("--only", default="", help="comma-separated query names (default: all)")
    ap.add_argument("--write-benchmarks", type=Path, help="replace the first-page block of this Markdown file")
    args = ap.parse_args(argv)
    from kgservice.named_queries.paging import DEFAULT_PAGE_SIZE, Window

    work = args.work.resolve()
    servers.QUERY_TIMEOUT_S = args.timeout  # plankg_server passes it to the service
    manifest = json.loads((work / f"n{args.n}" / "synthetic.json").read_text())
    cases = [c for c in named_cases(manifest) if not args.only or c.name in args.only.split(",")]
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    result: dict[str, Any] = {
        "command": "python -m bench.firstpage " + " ".join(argv if argv is not None else sys.argv[1:]),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(), "n": args.n,
        "store": str(args.store), "git": git.strip(), "repeats": args.repeats, "budget_s": args.budget, "timeout_s": args.timeout, "note": args.note,
        "store_kind": "full build" if "/full/" in str(args.store) else "query-store, unvalidated"}
    note_load("start")
    log(f"N={args.n}: first page of {len(cases)} named queries over HTTP, answer cache off")
    with plankg_server(args.store, work, answer_cache=False) as server:
        result["http"] = http_latency(server.url, cases, args.repeats, 0, budget_s=args.budget)
    slow = {k for k, q in result["http"]["queries"].items() if q["errors"] or not q["n"]}
    paged = [replace(c, text=Window(1, DEFAULT_PAGE_SIZE).text(c.text)) for c in cases if c.name not in slow]
    note_load("raw")
    result["raw"] = raw_first_page(args.store, paged, args.repeats, args.budget)
    note_load("end")
    result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    result["loadavg"] = list(LOADAVG)
    (work / f"first-page-n{args.n}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(render(result))
    if args.write_benchmarks:
        block = render_all(work, earlier_sections(args.write_benchmarks))
        write_block(args.write_benchmarks, block)
        log(f"wrote the first-page block of {args.write_benchmarks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
