"""Integrity of the built graph: what is dumped is what is served, and builds are reproducible.

- The N-Quads dump of a build, reloaded, is isomorphic to the store graph by graph
  (rdflib.compare.isomorphic, blank nodes included), and so is the whole dataset fetched from the
  running service (``GET /store``, N-Quads).
- Two builds from the same records give the same IRIs and byte-identical N-Quads dumps.
- That the embedded store and the remote backends (Oxigraph server, Virtuoso) answer identically is
  helper R's test: tests/test_backends.py (test_triple_counts_per_graph_are_identical_on_the_three_backends,
  test_named_query_answers_identically_on_*).

Two real builds run here (~15 s each on an idle machine); ``PLANKG_TEST_STORE`` does not apply, since
reproducibility needs builds of our own.
"""

from __future__ import annotations
import shutil
from collections import defaultdict
from pathlib import Path
import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from conftest import LiveServer, free_port
from mappings.build.merge import dataset_quads, holds_merge
from kgservice.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://plankg.org/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _snapshot(target: Path) -> Path:
    for part in ("data", "sources", "ontology"):
        shutil.copytree(ROOT / part, target / part)
    return target


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two builds of one snapshot of the records, into separate var/ directories."""
    from mappings.config import ProjectConfig
    from mappings.build.pipeline import build

    snapshot = _snapshot(tmp_path_factory.mktemp("snapshot"))
    out = []
    for n in (1, 2):
        config = ProjectConfig.at(snapshot, var=tmp_path_factory.mktemp(f"var{n}"))
        report = build(config)
        out.append((config, report))
    return out


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # N-Quads writes these without a datatype; so does rdflib
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(type(term))


def graphs_of_store(path: Path) -> dict[str, Graph]:
    store = ox.Store.read_only(str(path.resolve()))
    graphs: dict[str, Graph] = defaultdict(Graph)
    for q in dataset_quads(store, holds_merge(store)):  # the dataset: the merge is no graph of it
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        graphs[name].add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    del store
    return dict(graphs)


def graphs_of_nquads(data: bytes) -> dict[str, Graph]:
    ds = Dataset()
    ds.parse(data=data, format="nquads")
    graphs: dict[str, Graph] = {}
    for ctx in ds.graphs():
        if len(ctx) == 0:
            continue
        name = str(ctx.identifier)
        name = "" if name.startswith("urn:x-rdflib:") else name
        g = Graph()
        for t in ctx:
            g.add(t)
        graphs[name] = g
    return graphs


def assert_same_dataset(expected: dict[str, Graph], actual: dict[str, Graph]) -> None:
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert len(actual[name]) == len(expected[name]), name
        assert isomorphic(actual[name], expected[name]), f"graph {name} differs after the round trip"


def test_dump_reload_is_isomorphic_to_the_store(builds):
    config, report = builds[0]
    store_graphs = graphs_of_store(config.store_path)
    assert sum(len(g) for g in store_graphs.values()) == report.triples
    assert any(isinstance(t, BNode) for g in store_graphs.values() for triple in g for t in triple), \
        "no blank nodes: the isomorphism check would be trivial"
    dump = (config.dumps_current / "plankg.nq").read_bytes()
    assert_same_dataset(store_graphs, graphs_of_nquads(dump))
    # and the per-graph dumps hold each graph once
    per_graph = b"".join(p.read_bytes() for p in sorted(config.dumps_current.glob("graph-*.nq")))
    assert sorted(per_graph.splitlines()) == sorted(dump.splitlines())


def test_dataset_served_over_http_is_isomorphic_to_the_store(builds):
    config, _ = builds[0]
    live = LiveServer(Settings(store_path=config.store_path, base_iri=BASE, host="127.0.0.1", port=free_port(),
                               workers=1, query_timeout_s=60.0)).start()
    try:
        with live.client() as c:
            r = c.get("/store", headers={"Accept": "application/n-quads"})
            assert r.status_code == 200, r.text[:300]
            served = graphs_of_nquads(r.content)
    finally:
        live.stop()
    assert_same_dataset(graphs_of_store(config.store_path), served)


def test_two_builds_are_byte_identical(builds):
    (c1, r1), (c2, r2) = builds
    assert r1.triples_per_graph == r2.triples_per_graph
    assert r1.instances_per_class == r2.instances_per_class
    iris = []
    for config in (c1, c2):
        store = ox.Store.read_only(str(config.store_path.resolve()))
        iris.append({t.value for q in store for t in (q.subject, q.predicate, q.object, q.graph_name)
                     if isinstance(t, ox.NamedNode)})
        del store
    assert iris[0] == iris[1] and len(iris[0]) > 1000
    for name in ["plankg.nq", "plankg.nq.gz"] + sorted(p.name for p in c1.dumps_current.glob("graph-*.nq")):
        a, b = (c1.dumps_current / name).read_bytes(), (c2.dumps_current / name).read_bytes()
        assert a == b, f"{name} differs between two builds of the same records"
