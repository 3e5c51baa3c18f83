"""One build in a child process, so that its peak RSS is its own (``os.wait4`` in bench.run).

    python -m bench.buildchild reference CORPUS ONTOLOGY OUT.json   # mappings.build.build, unchanged
    python -m bench.buildchild fast CORPUS ONTOLOGY OUT.json        # the prototype of bench.fastbuild

Stage times come from the build's own progress messages (reference) or are taken around each
step (fast); the JSON is written when the build finishes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REFERENCE_STAGES = {  # progress message → stage that starts with it
    "reading, verifying and mapping records": "mapping",
    "validating with SHACL": "shacl",
    "loading the store": "load",
    "materialising closures": "materialise",
    "writing dumps": "dumps",
}


def main(argv: list[str]) -> int:
    mode, corpus, ontology, out = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    from mappings.build import BuildConfig

    var = corpus / "var" / mode
    config = BuildConfig(corpus / "data", corpus / "sources", ontology, var / "store", var / "dumps")
    marks: list[tuple[str, float]] = []
    started = time.monotonic()
    if mode == "reference":
        from mappings.build import build

        report = build(config, progress=lambda step: marks.append((REFERENCE_STAGES.get(step, step), time.monotonic())))
        info = {"triples": report.triples, "records": report.records,
                "dumps_bytes": sum(report.dumps.values())}
    else:
        from bench.fastbuild import fast_build

        info = fast_build(config, progress=lambda step: marks.append((step, time.monotonic())))
    ended = time.monotonic()
    stages = {}
    for i, (name, t) in enumerate(marks):
        stages[name] = (marks[i + 1][1] if i + 1 < len(marks) else ended) - t
    info.update(mode=mode, seconds=ended - started, stages=stages, store=str(config.store_path))
    out.write_text(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
