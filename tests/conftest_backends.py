"""The test servers of the backend comparisons (Oxigraph server, Virtuoso), loaded with the real graph.

Real servers on loopback only (scripts/oxigraph_server.sh, scripts/virtuoso.sh), on ports of their
own (Oxigraph 17878; Virtuoso HTTP 18890, SQL 11111), in temporary folders, started once per session
for every test file that asks for them.
"""

from __future__ import annotations
import json
import os
import shutil
import subprocess
from decimal import Decimal, InvalidOperation
from pathlib import Path
import pytest
from conftest import unavailable
from kgservice.engine.embedded import Engine
from kgservice.settings import Settings
from kgservice.engine.load_remote import LoadInterrupted, load, read_dump

ROOT = Path(__file__).resolve().parents[1]
OX_PORT, VIRT_HTTP, VIRT_SQL = 17878, 18890, 11111
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "negativeInteger",
                             "nonPositiveInteger", "unsignedInt", "unsignedLong")}
VIRT_MAX_ROWS = 10000  # the silent cap of the test Virtuoso (its default; the ontology page alone is 1,322 triples)


def run_script(script: str, args: list[str], env: dict, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "scripts" / script), *args], env={**os.environ, **env}, check=False,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def graph(real_store) -> dict:
    """The real graph of the session (tests/conftest_pages.py) and its N-Quads dump."""
    dump = real_store.parent.parent / "dumps" / "current" / "plankg.nq"
    counts = {g: len(ts) for g, ts in read_dump(dump).items()}
    return {"store": real_store, "dump": dump, "counts": counts}


@pytest.fixture(scope="session")
def oxigraph_env(tmp_path_factory) -> dict:
    if not (shutil.which("oxigraph") or (ROOT / ".venv/bin/oxigraph").exists()):
        unavailable("no `oxigraph` command: pip install oxigraph==0.5.13")
    env = {"OXIGRAPH_LOCATION": str(tmp_path_factory.mktemp("oxigraph") / "store"),
           "OXIGRAPH_PORT": str(OX_PORT)}
    done = run_script("oxigraph_server.sh", ["start"], env, 90)
    if done.returncode:  # stopped too: one that comes up late would outlive the session on its port
        run_script("oxigraph_server.sh", ["stop"], env, 60)
        pytest.fail(f"oxigraph server did not start:\n{done.stderr}")
    yield env
    run_script("oxigraph_server.sh", ["stop"], env, 60)


@pytest.fixture(scope="session")
def virtuoso_env(tmp_path_factory, graph) -> dict:
    can_install = shutil.which("virtuoso-t") or (os.geteuid() == 0 and shutil.which("apt-get"))
    if not can_install:
        unavailable("Virtuoso is not installed and cannot be (needs root and apt-get)")
    env = {"VIRTUOSO_HOME": str(tmp_path_factory.mktemp("virtuoso")), "VIRTUOSO_HTTP_PORT": str(VIRT_HTTP),
           "VIRTUOSO_SQL_PORT": str(VIRT_SQL), "VIRTUOSO_MAX_ROWS": str(VIRT_MAX_ROWS),
           "VIRTUOSO_DIRS_ALLOWED": str(graph["dump"].parent.resolve())}
    done = run_script("virtuoso.sh", ["start"], env, 900)  # may include apt-get install
    if done.returncode:
        run_script("virtuoso.sh", ["stop"], env, 120)
        pytest.fail(f"virtuoso did not start:\n{done.stderr}")
    yield env
    run_script("virtuoso.sh", ["stop"], env, 120)


def _interrupted_then_resumed(url: str, graph: dict, state: Path) -> dict:
    """Load with a stop after the first batch, then again: what each run did."""
    with pytest.raises(LoadInterrupted):
        load(url, graph["dump"], Settings(), state_path=state, batch_size=2000, stop_after=1)
    after_first = json.loads(state.read_text())
    resumed = load(url, graph["dump"], Settings(), state_path=state, batch_size=2000)
    again = load(url, graph["dump"], Settings(), state_path=state, batch_size=2000)  # complete: nothing to send
    return {"after_first": after_first, "resumed": resumed, "again": again}


@pytest.fixture(scope="session")
def oxigraph_load(oxigraph_env, graph, tmp_path_factory) -> dict:
    state = tmp_path_factory.mktemp("state") / "oxigraph.json"
    return _interrupted_then_resumed(f"http://127.0.0.1:{OX_PORT}", graph, state)


@pytest.fixture(scope="session")
def virtuoso_load(virtuoso_env, graph, tmp_path_factory) -> dict:
    state = tmp_path_factory.mktemp("state") / "virtuoso.json"
    return _interrupted_then_resumed(f"http://dba:dba@127.0.0.1:{VIRT_HTTP}/sparql", graph, state)


@pytest.fixture(scope="module")
def embedded(real_store):
    """The embedded engine over the real graph of the session, the peer of the servers above."""
    engine = Engine(Settings(store_path=real_store, query_timeout_s=30))
    engine.start()
    yield engine
    engine.close()


# --------------------------------------------------------------------------- comparing answers


def lexical(term: dict) -> str:
    """A SPARQL JSON term as the text it is compared by (numbers by value, booleans as 1/0)."""
    value = term["value"]
    datatype = term.get("datatype")
    if datatype == XSD + "boolean":
        return "1" if value in ("true", "1") else "0"
    if datatype in NUMERIC:
        try:
            return format(Decimal(value).normalize(), "f")
        except InvalidOperation:
            return value
    return value


def rows_of(body: bytes) -> set[tuple]:
    """The rows of a SPARQL JSON answer as a set of sorted (variable, lexical value) tuples."""
    doc = json.loads(body)
    if "boolean" in doc:
        return {("boolean", doc["boolean"])}
    return {tuple(sorted((k, lexical(v)) for k, v in row.items())) for row in doc["results"]["bindings"]}
