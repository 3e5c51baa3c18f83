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

The phases are in ``bench.builds``, ``bench.latency``, ``bench.throughput`` and ``bench.bsbm``; this
module is the command line.
"""

from __future__ import annotations
import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any
from bench.bsbm import write_bsbm_section
from bench.builds import SEED, build_sizes, incremental_build, write_incremental_section
from bench.child import LOADAVG, ROOT, log, machine, note_load
from bench.latency import latency_sizes
from bench.servers import QUERY_TIMEOUT_S
from bench.throughput import throughput


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
