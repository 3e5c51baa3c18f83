"""BENCHMARKS.md and plots from bench/results.json (``python -m bench.report`` rewrites them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_report(results: dict, md: Path, plots: Path) -> None:
    md.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str)[:100000])


if __name__ == "__main__":
    r = json.loads((ROOT / "bench" / "results.json").read_text())
    write_report(r, ROOT / "BENCHMARKS.md", ROOT / "bench" / "plots")
    sys.exit(0)
