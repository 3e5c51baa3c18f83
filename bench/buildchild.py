"""One build in a child process, so that its peak RSS is its own (``os.wait4`` in bench.child).

    python -m bench.buildchild full CORPUS ONTOLOGY OUT.json          # mappings.build.pipeline.build, unchanged
    python -m bench.buildchild query-store CORPUS ONTOLOGY OUT.json   # map → load → materialise only

``query-store`` composes the same stage functions as the build minus the SHACL gate and the dumps
(the merge into the default graph included, so the service reads the store as it reads a release):
its store is UNVALIDATED, never a release. It serves only to measure query latency at sizes where
the full build cannot finish within the benchmark's deadline or the machine's memory.

Stage times come from the progress messages (the same in both modes); the JSON is written when the
build finishes.
"""

from __future__ import annotations
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Callable
from mappings.build import pipeline as b
from mappings.records.files import load_yaml
from mappings.config import ProjectConfig

STAGES = {  # progress message → stage that starts with it
    "reading, verifying and mapping records": "mapping",
    "loading the store": "load",
    "validating with SHACL": "shacl",
    "materialising closures": "materialise",
    "merging the graphs into the default graph": "merge",
    "counting the build's figures": "statistics",
    "switching the store in": "switch",
    "writing dumps": "dumps",
    "checkpointing the store": "checkpoint",
    "re-mapping the changed documents": "mapping",
    "updating the closures": "materialise",
    "validating the changed documents with SHACL": "shacl",
}


def full(config: ProjectConfig, progress: Callable[[str], None]) -> dict:
    report = b.build(config, progress, incremental=False)
    return {"triples": report.triples, "records": report.records, "dumps_bytes": sum(report.dumps.values()),
            "switched_s": report.switched_seconds}


def incremental(config: ProjectConfig, progress: Callable[[str], None]) -> dict:
    """After ``full`` on the same corpus: one KPI figure of one municipality's document changed
    (``edit_one_value``), then ``plankg build`` as it runs: incremental when it can be."""
    document = sorted(p.name for p in config.data_dir.iterdir() if p.name.endswith("-strategy-evaluation"))[0]
    edit = edit_one_value(config.data_dir, config.sources_dir, document)
    report = b.build(config, progress)
    return {"triples": report.triples, "records": report.records, "mode": report.mode, "edit": edit,
            "switched_s": report.switched_seconds, "dumps_bytes": sum(report.dumps.values())}


def edit_one_value(data_dir: Path, sources_dir: Path, document: str) -> dict:
    """Change one KPI figure of ``document`` consistently: in its record, at its cited source line (printed
    as it was: 908,115 → 908,116) and in the catalog's SHA-256, so the source-line check still passes."""
    records_path = data_dir / document / "indicators.yaml"
    catalog_path = sources_dir / "catalog.yaml"
    entry = next(e for e in load_yaml(catalog_path) if e["id"] == document)
    source_path = sources_dir / entry["file"]
    source = source_path.read_text(encoding="utf-8").split("\n")
    text = records_path.read_text(encoding="utf-8").split("\n")
    for record in load_yaml(records_path):
        for obs in record.get("observations") or []:
            value = obs.get("value")
            if not isinstance(value, int) or value < 1000:
                continue
            for printed, new in ((f"{value:,}", f"{value + 1:,}"), (str(value), str(value + 1))):
                cited = [n for n in _line_numbers(obs.get("lines", record["lines"])) if printed in source[n - 1]]
                if len(cited) == 1 and source[cited[0] - 1].count(printed) == 1:
                    at = next(i for i in range(obs["__line__"] - 1, len(text)) if text[i].strip() == f"value: {value}")
                    text[at] = text[at].replace(str(value), str(value + 1))
                    source[cited[0] - 1] = source[cited[0] - 1].replace(printed, new)
                    source_path.write_text("\n".join(source), encoding="utf-8")
                    records_path.write_text("\n".join(text), encoding="utf-8")
                    digest = hashlib.sha256(source_path.read_bytes()).hexdigest()
                    catalog_path.write_text(catalog_path.read_text(encoding="utf-8").replace(
                        entry["sha256"], digest), encoding="utf-8")
                    return {"document": document, "record": record["id"], "line": cited[0], "from": value,
                            "to": value + 1}
    raise ValueError(f"{document}: no KPI figure printed once on its cited line")


def _line_numbers(spec) -> list[int]:
    out = []
    for part in spec if isinstance(spec, list) else [spec]:
        first, _, last = str(part).partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def query_store(config: ProjectConfig, progress: Callable[[str], None]) -> dict:
    """The build's stages without the SHACL gate and the dumps: an unvalidated store to query."""
    with b.mapped_nquads(config) as mapped:
        progress("reading, verifying and mapping records")
        ctx, n_records = b.map_to_nquads(config, mapped)
        covered = ctx.dataset.merged_graphs()
        del ctx
        progress("loading the store")
        store, store_dir = b.load_store(config, mapped)
        progress("materialising closures")
        b.close(store, config.base_iri, mapped.parent, progress)
        progress("merging the graphs into the default graph")  # as the build: queries read the merge, not the union
        b.write_merge(store, config, mapped, covered)
    triples = len(store)
    del store  # flush and close before the switch
    b.switch(config.store_root, store_dir)
    return {"triples": triples, "records": n_records, "validated": False}


MODES = {"full": full, "incremental": incremental, "query-store": query_store}


def main(argv: list[str]) -> int:
    mode, corpus, ontology, out = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    var = corpus / "var" / ("full" if mode == "incremental" else mode)  # incremental: over the full build
    config = ProjectConfig(data_dir=corpus / "data", sources_dir=corpus / "sources", ontology_dir=ontology,
                           store_path=var / "store" / "current", dumps_path=var / "dumps")
    marks: list[tuple[str, float]] = []
    started = time.monotonic()
    def mark(step: str) -> None:  # printed as it comes too: a run stopped part-way still shows its stages
        stage = step.split(": ")[0]  # "materialising closures: serves-whole" is a step of materialise
        marks.append((STAGES.get(stage, stage), time.monotonic()))
        print(f"{marks[-1][1] - started:9.1f} s  {step}", flush=True)

    try:
        info = MODES[mode](config, mark)
    except Exception as exc:  # a refused build still reports the stages it went through, and why
        info = {"failed": " ".join(str(exc).split())[:300]}  # the message on one line, its start
    ended = time.monotonic()
    ends = [t for _, t in marks[1:]] + [ended]
    stages: dict[str, float] = {}
    for (name, t), end in zip(marks, ends):
        stages[name] = stages.get(name, 0.0) + end - t
    info.update(mode=info.get("mode", mode), seconds=ended - started, stages=stages, store=str(config.store_path))
    out.write_text(json.dumps(info, indent=2))
    if "failed" in info:
        print(f"failed: {info['failed']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
