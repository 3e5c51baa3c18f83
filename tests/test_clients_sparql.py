"""SPARQL clients on the live endpoint over the real graph: rdflib's SPARQLStore (triples, len,
contexts) agreeing with counts taken directly on the built store, and SPARQLWrapper reading its own
answers (``queryAndConvert``) in every return format it offers for the query form.
(What /sparql answers each SPARQLWrapper format with is tests/test_protocol.py's.)
"""

from __future__ import annotations
import csv
import io
import warnings
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from conftest_pages import BASE, select

MITO = URIRef(BASE + "id/city/082015")
PLAN = URIRef("https://plankg.org/def/mplan#Plan")
OVERVIEW = URIRef(BASE + "graph/mito-overview-2023")


@pytest.fixture(scope="module")
def store(real_server):
    return SPARQLStore(real_server.endpoint, returnFormat="json")


def count(built_graph, where: str) -> int:
    return int(select(built_graph, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"])


def test_sparqlstore_len_is_the_distinct_triples_of_the_merge(store, built_graph):
    assert len(store) == count(built_graph, "?s ?p ?o") > 30000


def test_sparqlstore_contexts_are_the_named_graphs(store, built_graph):
    names = {str(g) for g in store.contexts()}
    assert names == {r["g"] for r in select(built_graph, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert str(OVERVIEW) in names
    graph = rdflib.Graph(store=store, identifier=OVERVIEW)
    assert store.__len__(context=graph) == count(built_graph, f"GRAPH <{OVERVIEW}> {{ ?s ?p ?o }}")


def test_sparqlstore_triples_agree_with_the_store(store, built_graph):
    plans = {s for (s, _, _), _ in store.triples((None, RDF.type, PLAN))}
    assert plans == {URIRef(r["x"]) for r in select(built_graph, f"SELECT ?x WHERE {{ ?x a <{PLAN}> }}")}
    assert URIRef(BASE + "id/plan/mito-comprehensive-plan-6") in plans
    about = [t for t, _ in store.triples((MITO, None, None))]
    assert len(about) == count(built_graph, f"<{MITO}> ?p ?o")
    assert (MITO, RDFS.label, Literal("水戸市", lang="ja")) in about


def test_sparqlstore_sees_the_row_cap_as_an_error(store):
    """More rows than max_rows (10000) are refused (422 too_many_rows), never cut silently, so a
    client iterating the whole graph fails loudly instead of counting fewer triples than len()."""
    with pytest.raises(ValueError):  # SPARQLWrapper's error for a 4xx other than 400
        sum(1 for _ in store.triples((None, None, None)))


def _convert(endpoint: str, query: str, fmt: str):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    with warnings.catch_warnings():
        # SPARQLWrapper warns (and sends Accept */*) for a format it does not offer for the query form
        warnings.simplefilter("error", RuntimeWarning)
        return sw.queryAndConvert()


SELECT_CITIES = """SELECT ?code ?name WHERE { ?c <https://plankg.org/def/mplan#localGovernmentCode> ?code ;
  <http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER(lang(?name) = "ja") } ORDER BY ?code"""


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_each_format(real_server, built_graph, fmt):
    result = _convert(real_server.endpoint, SELECT_CITIES, fmt)
    if fmt == JSON:
        rows = [(b["code"]["value"], b["name"]["value"]) for b in result["results"]["bindings"]]
    elif fmt == XML:  # a DOM document of SPARQL XML results
        rows = []
        for r in result.getElementsByTagName("result"):
            values = {b.getAttribute("name"): b.firstChild.firstChild.data for b in r.getElementsByTagName("binding")}
            rows.append((values["code"], values["name"]))
    else:
        text = result.decode("utf-8")
        if fmt == CSV:
            rows = [(r["code"], r["name"]) for r in csv.DictReader(io.StringIO(text))]
        else:  # TSV holds RDF terms: "082015", "水戸市"@ja
            lines = [line.split("\t") for line in text.splitlines()[1:]]
            rows = [(code.strip('"'), name.rsplit("@", 1)[0].strip('"')) for code, name in lines]
    expected = [(r["code"], r["name"]) for r in select(built_graph, SELECT_CITIES)]
    assert rows == expected and ("082015", "水戸市") in rows


DESCRIBE_MITO = f"CONSTRUCT {{ <{MITO}> ?p ?o }} WHERE {{ <{MITO}> ?p ?o }}"


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])  # what SPARQLWrapper 2.0 offers for CONSTRUCT
def test_sparqlwrapper_construct_in_each_format(real_server, built_graph, fmt):
    result = _convert(real_server.endpoint, DESCRIBE_MITO, fmt)
    if isinstance(result, bytes):  # SPARQLWrapper hands Turtle and N3 back unparsed
        result = rdflib.Graph().parse(data=result, format="turtle")
    assert len(result) == count(built_graph, f"<{MITO}> ?p ?o")
    assert (MITO, RDFS.label, Literal("水戸市", lang="ja")) in result


def test_sparqlwrapper_ask(real_server):
    assert _convert(real_server.endpoint, f"ASK {{ <{MITO}> a <https://plankg.org/def/mplan#LocalGovernment> }}",
                    JSON)["boolean"] is True
