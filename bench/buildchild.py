"""One build in a child process, so that its peak RSS is its own (``os.wait4`` in bench.run).

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
import json
import sys
import time
from pathlib import Path
from typing import Callable
from mappings.build import merge, pipeline as b
from mappings.config import ProjectConfig

STAGES = {  # progress message → stage that starts with it
    "reading, verifying and mapping records": "mapping",
    "loading the store": "load",
    "validating with SHACL": "shacl",
    "materialising closures": "materialise",
    "merging the graphs into the default graph": "merge",
    "writing dumps": "dumps",
}


def full(config: ProjectConfig, progress: Callable[[str], None]) -> dict:
    report = b.build(config, progress)
    return {"triples": report.triples, "records": report.records, "dumps_bytes": sum(report.dumps.values())}


def query_store(config: ProjectConfig, progress: Callable[[str], None]) -> dict:
    """The build's stages without the SHACL gate and the dumps: an unvalidated store to query."""
    with b.mapped_nquads(config) as mapped:
        progress("reading, verifying and mapping records")
        _, n_records = b.map_to_nquads(config, mapped)
        progress("loading the store")
        store, store_dir = b.load_store(config, mapped)
    progress("materialising closures")
    b.close(store, config.base_iri)
    progress("merging the graphs into the default graph")  # as the build: queries read the merge, not the union
    merge.write_merge(store)
    triples = len(store)
    del store  # flush and close before the switch
    b.switch(config.store_root, store_dir)
    return {"triples": triples, "records": n_records, "validated": False}


MODES = {"full": full, "query-store": query_store}


def main(argv: list[str]) -> int:
    mode, corpus, ontology, out = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    var = corpus / "var" / mode
    config = ProjectConfig(data_dir=corpus / "data", sources_dir=corpus / "sources", ontology_dir=ontology,
                           store_path=var / "store" / "current", dumps_path=var / "dumps")
    marks: list[tuple[str, float]] = []
    started = time.monotonic()
    info = MODES[mode](config, lambda step: marks.append((STAGES.get(step, step), time.monotonic())))
    ended = time.monotonic()
    ends = [t for _, t in marks[1:]] + [ended]
    stages = {name: end - t for (name, t), end in zip(marks, ends)}
    info.update(mode=mode, seconds=ended - started, stages=stages, store=str(config.store_path))
    out.write_text(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
