"""Builds against N: the synthetic corpus of each size (seed ``SEED``), the full build and, where it gives no
store, the unvalidated query store, each in a child process (bench.buildchild) with its stage times and
peak RSS, skipped when the previous size extrapolates past the deadline; and the incremental build after
one changed document, with its section of BENCHMARKS.md."""

from __future__ import annotations
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any
from bench.child import ROOT, log, note_load, run_child
from bench.report import replace_section

SEED = 1


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
    from bench.synthetic.corpus import generate, generator_fingerprint

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
        if b.get("failed"):
            return (f"| {n} | {mode} | – | {b['seconds']:,.1f} | {b.get('peak_rss_mib', 0):,.0f} | "
                    f"failed: {b['failed']} | {stages} |")
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
