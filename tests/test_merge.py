"""The default graph is the RDF merge of the named graphs (mappings.build.merge): a triple stated in two
graphs is one triple for every query without GRAPH, on every backend, whatever the store version does
(pyoxigraph 0.5.13 and Virtuoso 7.2.5 count it once per graph in their unions).

One triple is written into several graphs through the service's SPARQL Update and Graph Store
endpoints on a store of its own; the real graph (which has triples stated by two documents) is
counted on the embedded store, Oxigraph server and Virtuoso; VoID, DCAT and the service description
must give the same counts; the dumps must not carry the merge as a graph.
"""

from __future__ import annotations
import json
from urllib.parse import urlencode
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCAT, RDF
from conftest import FIXTURE_TRIPLES, UPDATE_TOKEN, LiveServer, build_store, free_port
from conftest_backends import OX_PORT, VIRT_HTTP
from mappings.build.merge import holds_merge, query_options
from kgservice.engine.remote import RemoteEngine
from kgservice.settings import Settings

BASE = "https://plankg.org/"
AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
G1, G2, G3 = (f"{BASE}graph/test-merge-{n}" for n in (1, 2, 3))
X, V = "https://plankg.org/id/test/merge", "https://plankg.org/id/test/value"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
OVERVIEW, EVALUATION = BASE + "graph/mito-overview-2023", BASE + "graph/mito-strategy-evaluation-2022"

ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
VALUE = f"SELECT (COUNT(*) AS ?n) (SUM(?v) AS ?sum) WHERE {{ <{X}> <{V}> ?v }}"


def _rows(client, query: str, params: list | None = None) -> list[dict]:
    r = client.post("/sparql", content=urlencode([("query", query), *(params or [])]),
                    headers={"Accept": "application/sparql-results+json",
                             "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in row.items()} for row in r.json()["results"]["bindings"]]


def _n(client, query: str, params: list | None = None) -> int:
    return int(_rows(client, query, params)[0]["n"])


def _update(client, update: str) -> None:
    r = client.post("/sparql", data={"update": update}, headers=AUTH)
    assert r.status_code == 204, r.text


def _count(engine, query: str) -> int:
    return int(json.loads(engine.execute(query, "json").body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def rw(tmp_path_factory):
    """A service with updates on, over a store of its own (the fixture graphs, written before the merge
    existed: its first write derives it)."""
    settings = Settings(store_path=build_store(tmp_path_factory.mktemp("merge-store")), base_iri=BASE,
                        port=free_port(), update_token=UPDATE_TOKEN, query_timeout_s=10, workers=1)
    live = LiveServer(settings).start()
    with live.client() as client:
        yield client
    live.stop()


# --------------------------------------------------------------------------- writes through the service


def test_a_triple_in_two_graphs_is_counted_and_summed_once(rw):
    _update(rw, f"INSERT DATA {{ GRAPH <{G1}> {{ <{X}> <{V}> 7 }} GRAPH <{G2}> {{ <{X}> <{V}> 7 }} }}")
    r = rw.put("/store", params={"graph": G3}, content=f"<{X}> <{V}> 7 .\n".encode(),
               headers={**AUTH, "Content-Type": "text/turtle"})
    assert r.status_code == 201, r.text
    try:
        assert _n(rw, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{X}> <{V}> 7 }} }}") == 3  # stated thrice
        assert _rows(rw, VALUE) == [{"n": "1", "sum": "7"}]
        assert _n(rw, ALL) == _n(rw, DISTINCT) == FIXTURE_TRIPLES + 1 < _n(rw, QUADS)
        # the merge of the graphs a query names, each triple once as well
        assert _rows(rw, VALUE.replace("WHERE", f"FROM <{G1}> FROM <{G2}> FROM <{G3}> WHERE")) == \
            [{"n": "1", "sum": "7"}]
        assert _rows(rw, VALUE, [("default-graph-uri", G1), ("default-graph-uri", G2)]) == [{"n": "1", "sum": "7"}]
        assert _rows(rw, f"SELECT ?g FROM NAMED <{G1}> FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ <{X}> ?p ?v }} }}"
                     " ORDER BY ?g") == [{"g": G1}, {"g": G2}]
        # a graph dropped: the triple stays while another graph states it
        _update(rw, f"DROP GRAPH <{G1}>")
        assert rw.delete("/store", params={"graph": G3}, headers=AUTH).status_code == 204
        assert _rows(rw, VALUE) == [{"n": "1", "sum": "7"}]
    finally:
        _update(rw, f"DROP SILENT GRAPH <{G1}> ; DROP SILENT GRAPH <{G2}> ; DROP SILENT GRAPH <{G3}>")
    assert _rows(rw, VALUE) == [{"n": "0", "sum": "0"}]
    assert _n(rw, ALL) == _n(rw, QUADS) == FIXTURE_TRIPLES


def test_writes_to_the_default_graph_keep_their_meaning(rw):
    """The default graph's own triples (written to it, in no named graph) are seen beside the merge,
    outlive other writes, are what an update without GRAPH reads, and go with DELETE ?default."""
    own = f'<{X}> <{V}> "own"@en .\n'
    r = rw.put("/store", params={"default": ""}, content=own.encode(), headers={**AUTH, "Content-Type": "text/turtle"})
    assert r.status_code == 204, r.text
    try:
        _update(rw, f"INSERT DATA {{ GRAPH <{G1}> {{ <{X}> <{V}> 8 }} }}")
        assert _rows(rw, f"SELECT ?v WHERE {{ <{X}> <{V}> ?v }} ORDER BY ?v") == [{"v": "8"}, {"v": "own"}]
        got = rw.get("/store", params={"default": ""}, headers={"Accept": "application/n-triples"})
        assert len(list(ox.parse(got.content, format=ox.RdfFormat.N_TRIPLES))) == FIXTURE_TRIPLES + 2
        whole = rw.get("/store", headers={"Accept": "application/n-quads"})  # the dataset: no merge graph in it
        quads = list(ox.parse(whole.content, format=ox.RdfFormat.N_QUADS))
        assert len(quads) == FIXTURE_TRIPLES + 2
        assert [q.object.value for q in quads if isinstance(q.graph_name, ox.DefaultGraph)] == ["own"]
        _update(rw, f"INSERT {{ GRAPH <{G2}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}")  # reads own triples only
        assert _n(rw, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}") == 1
        assert rw.delete("/store", params={"default": ""}, headers=AUTH).status_code == 204
        # "own" is still stated by G2 (the copy), 8 by G1: both stay; the merge stays whole
        assert _n(rw, ALL) == _n(rw, DISTINCT) == FIXTURE_TRIPLES + 2
        _update(rw, f"DROP GRAPH <{G2}>")
        assert _rows(rw, f"SELECT ?v WHERE {{ <{X}> <{V}> ?v }}") == [{"v": "8"}]
    finally:
        _update(rw, f"DROP SILENT GRAPH <{G1}> ; DROP SILENT GRAPH <{G2}> ; CLEAR SILENT DEFAULT")
    assert _n(rw, ALL) == FIXTURE_TRIPLES


def test_an_update_error_is_reported_at_the_callers_own_line(rw):
    r = rw.post("/sparql", data={"update": f"INSERT DATA {{ GRAPH <{G1}> {{ <{X}> <{V}> 1 }} }} ;\n"
                                           "INSERT DATA { <urn:a> <urn:b> }"}, headers=AUTH)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["position"]["line"] == 2 and "error at 2:" in error["message"]
    assert _n(rw, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}") == 0  # nothing applied


# --------------------------------------------------------------------------- the real graph


def test_the_real_graph_counts_each_triple_once(embedded, built_graph):
    assert holds_merge(built_graph) and query_options(built_graph) == {}
    distinct = _count(embedded, DISTINCT)
    assert _count(embedded, ALL) == distinct
    assert _count(embedded, QUADS) > distinct  # some triples are stated by two documents: the test can fail


def test_from_two_documents_is_their_merge(embedded, built_graph):
    """A triple both Mito documents state (the strategy's basic goals) is one triple of FROM <a> FROM <b>."""
    both = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{OVERVIEW}> {{ ?s ?p ?o }} GRAPH <{EVALUATION}> {{ ?s ?p ?o }} }}"
    shared = _count(embedded, both)
    assert shared > 0
    sizes = [_count(embedded, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}") for g in (OVERVIEW, EVALUATION)]
    merged = _count(embedded, f"SELECT (COUNT(*) AS ?n) FROM <{OVERVIEW}> FROM <{EVALUATION}> WHERE {{ ?s ?p ?o }}")
    assert merged == sum(sizes) - shared


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_the_real_graph_counts_each_triple_once_on_remote_stores(request, backend, embedded):
    request.getfixturevalue(f"{backend}_load")
    url = f"http://127.0.0.1:{OX_PORT}" if backend == "oxigraph" else f"http://127.0.0.1:{VIRT_HTTP}/sparql"
    remote = RemoteEngine(url, Settings(query_timeout_s=30))
    counts = {q: _count(remote, q) for q in (ALL, DISTINCT, QUADS)}
    assert counts[ALL] == counts[DISTINCT] == _count(embedded, ALL) < counts[QUADS] == _count(embedded, QUADS)
    assert remote.dataset()["default_triples"] == counts[ALL]


# --------------------------------------------------------------------------- descriptions and dumps


def _graph(client, path: str) -> rdflib.Graph:
    r = client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    return rdflib.Graph().parse(data=r.text, format="turtle")


def test_void_dcat_and_the_service_description_give_the_same_counts(real_http):
    total = _n(real_http, ALL)
    per_graph = {row["g"]: int(row["n"]) for row in _rows(real_http, "SELECT ?g (COUNT(*) AS ?n) WHERE "
                                                                     "{ GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    sd = _graph(real_http, "/sparql")
    default = next(sd.objects(None, SD.defaultGraph))
    assert int(sd.value(default, VOID.triples)) == total
    assert {str(sd.value(ng, SD.name)): int(sd.value(sd.value(ng, SD.graph), VOID.triples))
            for ng in sd.subjects(RDF.type, SD.NamedGraph)} == per_graph

    void = _graph(real_http, "/.well-known/void")
    root = next(s for s in void.subjects(RDF.type, VOID.Dataset) if str(s).endswith("#dataset"))
    assert int(void.value(root, VOID.triples)) == total
    assert sum(int(void.value(p, VOID.triples)) for p in void.objects(root, VOID.propertyPartition)) == total
    assert {str(void.value(s, SD.name)): int(void.value(s, VOID.triples))
            for s in void.objects(root, VOID.subset) if void.value(s, SD.name)} == per_graph

    catalog = _graph(real_http, "/catalog")
    datasets = {str(catalog.value(ds, rdflib.DCTERMS.identifier)): int(catalog.value(ds, VOID.triples))
                for ds in catalog.subjects(RDF.type, DCAT.Dataset)}
    assert datasets.pop("plankg") == total
    assert datasets and datasets == {k: per_graph[f"{BASE}graph/{k}"] for k in datasets}


def test_dumps_hold_the_named_graphs_and_turtle_the_merge(real_store, embedded, tmp_path):
    from typer.testing import CliRunner

    from kgservice.cli import app

    total = _count(embedded, ALL)
    built = real_store.parent.parent / "dumps" / "current"
    exported = tmp_path / "export"
    result = CliRunner().invoke(app, ["--store", str(real_store), "export", str(exported)],
                                env={"PLANKG_UPDATE_TOKEN": ""})
    assert result.exit_code == 0, result.output
    for folder in (built, exported):
        quads = list(ox.parse(path=str(folder / "plankg.nq"), format=ox.RdfFormat.N_QUADS))
        assert len(quads) == _count(embedded, QUADS) and len({q.triple for q in quads}) == total
        assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
        for name, fmt in (("plankg.trig", ox.RdfFormat.TRIG), ("plankg.jsonld", ox.RdfFormat.JSON_LD)):
            assert not any(isinstance(q.graph_name, ox.DefaultGraph)
                           for q in ox.parse(path=str(folder / name), format=fmt)), name
        assert len(list(ox.parse(path=str(folder / "plankg.ttl"), format=ox.RdfFormat.TURTLE))) == total
    report = json.loads((built / "report.json").read_text(encoding="utf-8"))
    assert report["default_triples"] == total < report["triples"] == _count(embedded, QUADS)
