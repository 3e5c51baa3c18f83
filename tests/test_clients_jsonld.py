"""JSON-LD as JSON-LD tools read it: pyld 3.3 (the JSON-LD 1.1 API in Python) straight from the URLs
of a live service over the real graph — expand, compact, frame by @type — and the profile parameter.

The documents name their context by its published IRI (``https://plankg.org/ns/context/v1.jsonld``,
the configured base). The test service answers on 127.0.0.1, not at the base, so pyld's own requests
loader is given the one mapping a deployment at the base makes: base → the test server. Every other
URL (the pages themselves, the alternates it follows) it loads unchanged.
"""

from __future__ import annotations
import gzip
import json
import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic
from conftest_pages import BASE

STRATEGY = BASE + "id/plan/mito-strategy-2"
CONTEXT = BASE + "ns/context/v1.jsonld"
PLAN = "https://plankg.org/def/mplan#Plan"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NS = "http://www.w3.org/ns/json-ld#"


@pytest.fixture(scope="module")
def server(real_server):
    return real_server.url


def loader_for(server: str, **kwargs):
    real = jsonld.requests_document_loader(timeout=30, **kwargs)

    def load(url, options=None):
        if url.startswith(BASE):
            url = server + "/" + url[len(BASE):]
        return real(url, options or {})
    return load


def page(server: str, iri: str) -> str:
    return server + "/" + iri[len(BASE):]


def turtle_graph(real_http, iri: str) -> rdflib.Graph:
    r = real_http.get("/" + iri[len(BASE):], headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    return rdflib.Graph().parse(data=r.text, format="turtle")


def to_graph(document) -> rdflib.Graph:
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return rdflib.Graph().parse(data=nquads, format="nt")


def normal(doc):
    """A JSON-LD document with its arrays in a fixed order (order carries no meaning without @list)."""
    if isinstance(doc, dict):
        return {k: normal(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return sorted((normal(v) for v in doc), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return doc


def test_pyld_expands_an_id_page_from_its_url(server, real_http):
    """Regression: pyld's loader failed on the page's four rel="alternate" Link headers."""
    expanded = jsonld.expand(page(server, STRATEGY), {"documentLoader": loader_for(server)})
    node = next(n for n in expanded if n["@id"] == STRATEGY)
    assert PLAN in node["@type"] and RDF_TYPE not in node
    assert isomorphic(to_graph(expanded), turtle_graph(real_http, STRATEGY))


def test_pyld_follows_the_alternate_from_the_html_page(server):
    """A loader that gets HTML (it asked for it) follows the one JSON-LD alternate in the Link header."""
    load = loader_for(server, headers={"Accept": "text/html"})
    doc = load(page(server, STRATEGY))
    assert doc["documentUrl"].endswith("/id/plan/mito-strategy-2.jsonld")
    assert doc["document"]["@context"] == CONTEXT


def test_the_page_is_what_pyld_compaction_gives(server, real_http):
    served = real_http.get("/" + STRATEGY[len(BASE):], headers={"Accept": "application/ld+json"}).json()
    assert served["@context"] == CONTEXT
    options = {"documentLoader": loader_for(server)}
    compacted = jsonld.compact(page(server, STRATEGY), CONTEXT, options)
    assert normal(compacted) == normal(served)
    node = next(n for n in served["@graph"] if n["@id"] == "id:plan/mito-strategy-2")
    assert "mplan:Plan" in node["@type"] and node["dct:publisher"] == {"@id": "id:city/082015"}


def test_pyld_frames_by_type(server):
    framed = jsonld.frame(page(server, STRATEGY), {"@context": CONTEXT, "@type": "mplan:Plan"},
                          {"documentLoader": loader_for(server)})
    plans = framed["@graph"] if "@graph" in framed else [framed]
    assert "id:plan/mito-strategy-2" in {p["@id"] for p in plans}
    assert all(p["@type"] == "mplan:Plan" or "mplan:Plan" in p["@type"] for p in plans)


@pytest.mark.parametrize("profile", ["expanded", "compacted", "flattened"])
def test_profile_parameter_is_honoured(server, real_http, profile):
    """Regression: asking for a profile of application/ld+json was ignored."""
    accept = f'application/ld+json;profile="{NS}{profile}"'
    r = real_http.get("/" + STRATEGY[len(BASE):], headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"] == "application/ld+json"
    doc = r.json()
    options = {"documentLoader": loader_for(server)}
    if profile == "expanded":
        assert isinstance(doc, list) and normal(doc) == normal(jsonld.expand(page(server, STRATEGY), options))
    else:
        assert doc["@context"] == CONTEXT and isinstance(doc["@graph"], list)
        if profile == "flattened":
            assert normal(doc) == normal(jsonld.flatten(page(server, STRATEGY), CONTEXT, options))
    assert isomorphic(to_graph(doc if profile == "expanded" else jsonld.expand(doc, options)),
                      turtle_graph(real_http, STRATEGY))


def test_the_jsonld_dump_is_compacted_with_types_and_holds_every_quad(real_http):
    r = real_http.get("/dumps/plankg.jsonld.gz")
    assert r.status_code == 200
    dump = json.loads(gzip.decompress(r.content))
    assert dump["@context"] == real_http.get("/ns/context/v1.jsonld").json()["@context"]
    graphs = {g["@id"]: g["@graph"] for g in dump["@graph"]}
    strategy = next(n for n in graphs[BASE + "graph/mito-overview-2023"] if n["@id"] == "id:plan/mito-strategy-2")
    assert "mplan:Plan" in strategy["@type"]
    assert not any(RDF_TYPE in n or "rdf:type" in n for nodes in graphs.values() for n in nodes)
    nquads = jsonld.to_rdf(dump, {"format": "application/n-quads"})
    expected = gzip.decompress(real_http.get("/dumps/plankg.nq.gz").content)
    ours = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    theirs = ox.Dataset(ox.parse(expected, format=ox.RdfFormat.N_QUADS))
    for d in (ours, theirs):
        d.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    # pyld writes the xsd:double NaN of a value without a number in upper case (NAN): the same value
    nan = ('"NAN"^^<http://www.w3.org/2001/XMLSchema#double>', '"NaN"^^<http://www.w3.org/2001/XMLSchema#double>')
    assert len(ours) == len(theirs) and {str(q).replace(*nan) for q in ours} == set(map(str, theirs))
    # pyoxigraph reads the dump offline: its context is inline
    assert sum(1 for _ in ox.parse(r.content and gzip.decompress(r.content), format=ox.RdfFormat.JSON_LD)) == len(theirs)
