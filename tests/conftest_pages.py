"""Fixtures for the page, named-query and query-page tests: a live server over a store built
from the real records (mappings.build.pipeline), so the tests assert values printed in the documents.

Registered as a plugin by tests/conftest.py, so the graph is built once per test session.
"""

from __future__ import annotations
import os
import shutil
from pathlib import Path
import pyoxigraph as ox
import pytest
from conftest import LiveServer, free_port
from mappings.build.merge import query_options
from kgservice.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://plankg.org/"

# A test-only query that returns its parameter as bound, to show what a value became.
ECHO_QUERY = """#+ summary: Echo a string parameter (test only)
#+ parameters:
#+   - name: text
#+     type: string
#+     required: true
#+ example: {text: 水戸}
SELECT ?text (STR(?text) AS ?asString) (DATATYPE(?text) AS ?datatype) (isLiteral(?text) AS ?literal)
WHERE { }
"""


def build_real_store(var: Path) -> Path:
    """The real graph, fully built (SHACL gate included) into ``var/store/current`` and ``var/dumps``."""
    from mappings.config import ProjectConfig
    from mappings.build.pipeline import build

    # Build from a snapshot: the records may be edited while the tests run.
    snapshot = var / "snapshot"
    for part in ("data", "sources", "ontology"):
        shutil.copytree(ROOT / part, snapshot / part)
    config = ProjectConfig.at(snapshot, var=var)
    build(config)
    return config.store_path


@pytest.fixture(scope="session")
def real_store(tmp_path_factory) -> Path:
    """A fresh build; ``PLANKG_TEST_STORE=var/store/current`` reuses an existing one instead."""
    existing = os.environ.get("PLANKG_TEST_STORE")
    if existing:
        return Path(existing)
    return build_real_store(tmp_path_factory.mktemp("real-var"))


@pytest.fixture(scope="session")
def built_graph(real_store):
    """The built store of the session opened read-only in the test process (the server's workers
    hold it read-only too): what the competency, linkage and report tests query."""
    import pyoxigraph as ox

    return ox.Store.read_only(str(real_store))


@pytest.fixture(scope="session")
def real_queries_dir(tmp_path_factory) -> Path:
    """The project's named queries plus the test-only echo query."""
    target = tmp_path_factory.mktemp("queries")
    for path in (ROOT / "queries").glob("*.rq"):
        shutil.copy(path, target / path.name)
    (target / "test-echo.rq").write_text(ECHO_QUERY, encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def real_server(real_store, real_queries_dir):
    settings = Settings(store_path=real_store, queries_dir=real_queries_dir, base_iri=BASE,
                        dumps_path=real_store.parent.parent / "dumps", sources_dir=ROOT / "sources",
                        host="127.0.0.1", port=free_port(), query_timeout_s=20.0, workers=2)
    live = LiveServer(settings).start()
    yield live
    live.stop()


@pytest.fixture
def real_http(real_server):
    with real_server.client() as client:
        yield client


def triple_count(client) -> int:
    r = client.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                    headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT over a built store's default graph (the merge), unbound variables left out."""
    rows = store.query(query, **query_options(store))
    names = [v.value for v in rows.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in rows]
