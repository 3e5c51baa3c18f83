"""A short soak (bench/soak.py): 8 concurrent clients for 15 s against ``plankg serve`` in a process of
its own, over every named query with its example, the same texts as ad-hoc SPARQL and whole-graph
queries. No 5xx except admission refusals (503 ``unavailable`` + Retry-After, which the clients honour),
no transport error, bounded memory. The 5-minute, 32-client run and its figures: BENCHMARKS.md, "Soak".

The store is the real graph when ``PLANKG_TEST_STORE`` names one (e.g. var/store/current), else the
service fixture (the same code paths, smaller answers).
"""

from __future__ import annotations
import asyncio
import os
from pathlib import Path
import pytest
from bench import soak
from conftest import build_store

CLIENTS = int(os.environ.get("PLANKG_SOAK_CLIENTS", "8"))
SECONDS = float(os.environ.get("PLANKG_SOAK_SECONDS", "15"))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    existing = os.environ.get("PLANKG_TEST_STORE")
    store = Path(existing) if existing else build_store(tmp_path_factory.mktemp("store-soak"))
    proc, url = soak.start_server(store, workers=2, timeout=10.0)
    yield proc, url
    soak.stop_server(proc)


def test_short_soak_no_server_errors_bounded_memory(served, tmp_path):
    proc, url = served
    result = asyncio.run(soak.run_soak(url, CLIENTS, SECONDS, max_requests=100_000, pid=proc.pid))
    assert result["server_errors"] == {}, result
    assert result["transport_errors"] == {}, result
    assert result["answered"] >= CLIENTS * 5, result  # it really ran
    assert result["mix_size"] >= 60, result["mix_size"]  # named queries + ad-hoc texts
    errors = {k: v for k, v in result["error_kinds"].items() if not k.startswith("503 unavailable")}
    assert errors == {}, errors  # every request of the mix is valid: no 4xx either
    rss = result["rss_mb"]
    assert rss["start"] and rss["end"], rss
    assert rss["end"]["workers_n"] == 2  # the pool is whole at the end
    assert rss["end"]["total"] - rss["start"]["total"] < 300, rss  # bounded growth (MiB)
    assert proc.poll() is None  # the server is still up
    # the report renders and replaces only its own section of a BENCHMARKS-like file
    bench_md = tmp_path / "BENCHMARKS.md"
    bench_md.write_text("# Benchmarks\n\nother text\n", encoding="utf-8")
    soak.write_section(bench_md, soak.markdown(result, "python -m bench.soak --clients 8 --duration 15"))
    soak.write_section(bench_md, soak.markdown(result, "python -m bench.soak --clients 8 --duration 15"))
    text = bench_md.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nother text\n") and text.count(soak.START) == 1
    assert "## Soak" in text and "p95" in text


def test_soak_refuses_non_loopback_targets():
    with pytest.raises(SystemExit, match="loopback only"):
        asyncio.run(soak.run_soak("http://example.org", 1, 1.0, 1, None))
