"""BENCHMARKS.md and bench/plots/*.png from one run's results (``python -m bench.report`` rewrites
them from bench/results.json without measuring again); the blocks other commands write are kept, and
one section can be replaced in place (``replace_section``)."""

from __future__ import annotations
import json
import sys
from pathlib import Path
from bench.report_charts import plots
from bench.report_markdown import render

ROOT = Path(__file__).resolve().parent.parent


def write_report(results: dict, md: Path, plot_dir: Path) -> None:
    try:
        made = plots(results, plot_dir)
    except Exception as exc:  # noqa: BLE001 - a plot must not lose the tables of a long run
        print(f"plots failed: {exc}", file=sys.stderr)
        made = []
    md.write_text(render(results, made) + _kept_section(md, "soak") + _kept_section(md, "extract")
                  + _kept_section(md, "first-page"),
                  encoding="utf-8")


def _kept_section(md: Path, name: str) -> str:
    """A block another command writes between its markers (bench/soak.py: soak; python -m
    mappings.extract.measure --write: extract; bench/firstpage.py: first-page): kept across rewrites."""
    text = md.read_text(encoding="utf-8") if md.exists() else ""
    start, end = text.find(f"<!-- {name}:start -->"), text.find(f"<!-- {name}:end -->")
    if start < 0 or end < 0:
        return ""
    return "\n" + text[start:end + len(f"<!-- {name}:end -->")] + "\n"


def replace_section(path: Path, heading: str, section: str) -> None:
    """``section`` in place of the one under ``heading`` in ``path`` (appended when there is none);
    the rest of the file is left as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[end:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    r = json.loads((ROOT / "bench" / "results.json").read_text())
    write_report(r, ROOT / "BENCHMARKS.md", ROOT / "bench" / "plots")
