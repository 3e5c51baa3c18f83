"""The engine contract (kgservice.engine.contract) on the real graph: both engines implement it, the
pre-checks refuse before any store is reached (the remote one included), the base IRI resolves
relative IRIs, results are written in the asked format with exact row counts, and a result past the
row cap is refused whole — rdflib's SPARQLStore never gets a cut answer it would take as complete."""

from __future__ import annotations
import json
import urllib.error
import pyoxigraph as ox
import pytest
from conftest import LiveServer, StubSparqlServer, _settings
from conftest_pages import ROOT
from kgservice.engine.contract import Limits, QueryEngine, QueryError
from kgservice.engine.embedded import Engine
from kgservice.engine.remote import RemoteEngine
from kgservice.settings import Settings
from mappings.build.merge import query_options

CAP = 1000
DESCRIPTIONS = ("SELECT ?x ?d WHERE { ?x <http://purl.org/dc/terms/description> ?d } ORDER BY ?x ?d")


@pytest.fixture(scope="module")
def capped(real_store):
    """The service over the real graph with a row cap of 1,000 (the graph holds ~31,600 triples)."""
    live = LiveServer(_settings(real_store, max_rows=CAP, query_timeout_s=20, max_request_bytes=65536)).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def stub():
    s = StubSparqlServer()
    yield s
    s.close()


def rows(store: ox.Store, query: str) -> list:
    """The answer of the store itself, its default graph the merge as the engine reads it."""
    return list(store.query(query, **query_options(store)))


def default_triples(store: ox.Store) -> int:
    return int(rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)


def test_both_engines_implement_the_contract(embedded, stub):
    assert isinstance(embedded, QueryEngine)
    remote = RemoteEngine(stub.url, Settings())
    assert isinstance(remote, QueryEngine)
    assert isinstance(embedded.version, str) and remote.version is None


@pytest.mark.parametrize("query, kind", [
    ("SELECT * WHERE { " + "{ " * 300 + "?s ?p ?o" + " }" * 300 + " }", "bad_request"),  # would crash the parser
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "forbidden"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "bad_request"),
])
def test_pre_checks_refuse_before_any_store_is_reached(embedded, stub, query, kind):
    """The same refusals from both engines, and the remote store receives nothing (the complexity
    refusal used to be skipped on the remote path)."""
    stub.requests.clear()
    remote = RemoteEngine(stub.url, Settings())
    for engine in (embedded, remote):
        with pytest.raises(QueryError) as exc:
            engine.execute(query, "json")
        assert exc.value.kind == kind, engine
    assert stub.requests == []
    with pytest.raises(QueryError, match="cannot be written as turtle"):
        remote.execute("SELECT * WHERE { ?s ?p ?o }", "turtle")
    with pytest.raises(QueryError, match="invalid variable name"):
        remote.execute("SELECT * WHERE { ?s ?p ?o }", "json", substitutions={"not a name": '"x"'})
    assert stub.requests == []


def test_base_iri_resolves_relative_iris(embedded):
    query = "CONSTRUCT { <s> <p> 1 } WHERE {}"
    with pytest.raises(QueryError) as exc:
        embedded.execute(query, "ntriples")
    assert exc.value.kind == "bad_request"
    result = embedded.execute(query, "ntriples", base_iri="https://plankg.org/sparql")
    (triple,) = [q.triple for q in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)]
    assert (triple.subject.value, triple.predicate.value) == ("https://plankg.org/s", "https://plankg.org/p")


def test_row_counts_are_exact_in_every_format(embedded, built_graph):
    """Descriptions are long Japanese texts with quotes, commas and line breaks: the row count the
    reader reads off each format's bytes equals the rows a parser finds, and the store's own count."""
    expected = len(rows(built_graph, DESCRIPTIONS))
    assert expected > 100
    for name, fmt in [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                      ("csv", ox.QueryResultsFormat.CSV), ("tsv", ox.QueryResultsFormat.TSV)]:
        result = embedded.execute(DESCRIPTIONS, name)
        assert result.row_count == expected, name
        if name != "csv":  # pyoxigraph reads no CSV results
            assert len(list(ox.parse_query_results(result.body, format=fmt))) == expected, name
    assert b"\r\n" in embedded.execute(DESCRIPTIONS, "csv").body


def test_limits_per_call(embedded):
    query = "SELECT ?s WHERE { ?s a ?type } ORDER BY ?s LIMIT 6"
    with pytest.raises(QueryError) as exc:
        embedded.execute(query, "json", limits=Limits(max_rows=5, timeout_s=10))
    assert exc.value.kind == "too_many_rows" and exc.value.status == 422
    assert embedded.execute(query, "json", limits=Limits(max_rows=6, timeout_s=10)).row_count == 6


def test_a_real_query_past_the_cap_is_refused_in_the_body(capped, built_graph):
    with capped.client() as client:
        r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert r.status_code == 422
        err = r.json()["error"]
        assert err["kind"] == "too_many_rows" and err["max_rows"] == CAP
        for accept in ("text/turtle", "application/n-triples"):
            r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": accept})
            assert r.status_code == 422 and r.json()["error"]["kind"] == "too_many_rows"
        r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 1000"})
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == CAP
        assert r.headers["x-result-rows"] == str(CAP)


def test_rdflib_sparqlstore_never_takes_a_cut_result_for_the_whole(capped, built_graph):
    """rdflib counts with COUNT (whole) and iterates what it receives: past the cap it must get an
    error, not 1,000 of 31,000 triples."""
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(SPARQLStore(capped.endpoint, returnFormat="json"))
    total = len(graph)
    assert total == default_triples(built_graph) > CAP
    with pytest.raises(ValueError) as exc:  # rdflib wraps the HTTP error
        list(graph.triples((None, None, None)))
    http_error = exc.value.__context__
    assert isinstance(http_error, urllib.error.HTTPError) and http_error.code == 422
    assert json.loads(http_error.read())["error"]["kind"] == "too_many_rows"
    # under the cap it answers everything
    cities = "SELECT ?c WHERE { ?c <https://plankg.org/def/mplan#localGovernmentCode> ?code }"
    assert len(list(graph.query(cities))) == len(rows(built_graph, cities)) > 10


def test_parameters_reach_the_planner_as_values(embedded, built_graph):
    """pyoxigraph plans before it binds ``substitutions``: a parameter was planned as a free variable and
    cq-provenance started from every passage of the graph (over 10 s at N=1,741; 1 ms from the bound
    term). The engine also writes the terms as VALUES in the outer group, which the planner sees, and
    still substitutes them: the answer is the store's own for the substituted query."""
    from kgservice.queries.registry import load_queries

    query = load_queries(ROOT / "queries")["cq-provenance"]
    terms = query.substitutions({k: [v] for k, v in query.example.items()})
    req, _ = embedded._request(query.text, "tsv", None, terms, None, None, None, None)
    assert "VALUES (?iri) { (<https://plankg.org/id/term/082015/mayor-13>) }" in req[1]
    answer = embedded.execute(query.text, "tsv", substitutions=terms).body
    subs = {ox.Variable(k): ox.NamedNode(v.strip("<>")) for k, v in terms.items()}
    direct = built_graph.query(query.text, substitutions=subs, **query_options(built_graph))
    assert answer == direct.serialize(format=ox.QueryResultsFormat.TSV)
    assert answer.count(b"\n") - 1 >= 1
