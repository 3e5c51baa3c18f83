"""bench.firstpage's block of BENCHMARKS.md: the latest run at each N."""

from __future__ import annotations
import json
from pathlib import Path
from bench.firstpage import earlier_sections, render_all, write_block


def _run(n: int, p50: float) -> dict:
    return {"n": n, "command": f"python -m bench.firstpage --n {n}", "started": "s", "finished": "f", "git": "abc",
            "store": "store", "store_kind": "full build", "repeats": 3, "budget_s": 3, "timeout_s": 10,
            "loadavg": [["12:00:00", "start", [1.0, 1.0, 1.0]]],
            "http": {"queries": {"list-plans": {"p50": p50, "p99": p50, "n": 3, "errors": 0, "rows": 5}}},
            "raw": {"list-plans": {"p50": p50}}}


def test_a_run_in_another_work_folder_keeps_the_other_sizes_sections(tmp_path: Path):
    """Regression: a run at N=1,741 in a new work folder dropped the N=100 section (its run file was in
    the old folder)."""
    md, old_work, new_work = tmp_path / "BENCHMARKS.md", tmp_path / "old", tmp_path / "new"
    for work, runs in ((old_work, [_run(100, 12.5), _run(1741, 950.0)]), (new_work, [_run(1741, 150.0)])):
        work.mkdir()
        for run in runs:
            (work / f"first-page-n{run['n']}.json").write_text(json.dumps(run))
    md.write_text("# Benchmarks\n\nbefore\n\n", encoding="utf-8")
    write_block(md, render_all(old_work))
    write_block(md, render_all(new_work, earlier_sections(md)))
    text = md.read_text(encoding="utf-8")
    sections = earlier_sections(md)
    assert sorted(sections) == [100, 1741]
    assert "| list-plans | 12.5 |" in sections[100] and "| list-plans | 150.0 |" in sections[1741]
    assert "950.0" not in text and text.startswith("# Benchmarks\n\nbefore\n")
    assert text.count("What bounds the misses, measured:") == 1
