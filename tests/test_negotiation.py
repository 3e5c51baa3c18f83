"""Content negotiation never answers 500 (issue 15): every RDF surface — the catalog, VoID, the /id/,
/def/ and /graph/ pages, the service description, the Graph Store, the dumps — answers each RDF format
the service writes, or a 406 in the error envelope listing what it offers; a malformed Accept is a 400.

Over the live server on the real graph (``real_http``). Before this, ``Accept: application/n-quads``
(Comunica's default) gave 500 on /catalog and /.well-known/void (rdflib cannot write N-Quads of a
plain graph).
"""

from __future__ import annotations
import json
from pathlib import Path
import pyoxigraph as ox
import pytest
from kgservice.request import negotiation as formats
from mappings.build.jsonld import CONTEXT_PATH, load_context

ROOT = Path(__file__).resolve().parent.parent

PLAN = "https://plankg.org/id/plan/mito-comprehensive-plan-6"
RDF_SURFACES = {
    "catalog": "/catalog",
    "void": "/.well-known/void",
    "id": "/id/plan/mito-comprehensive-plan-6",
    "graph": "/graph/reference",
    "service-description": "/sparql",
    "graph-store": "/store?graph=" + "https%3A%2F%2Fplankg.org%2Fgraph%2Freference",
}
GRAPH_FORMATS = formats.formats_of("graph")


def _parse(r) -> list:
    """The answer's quads; a JSON-LD answer's published context (a URL) is read from the ontology folder."""
    media = r.headers["content-type"].split(";")[0]
    body = r.content
    if media == "application/ld+json" and isinstance(json.loads(body), dict) and isinstance(json.loads(body).get("@context"), str):
        doc = json.loads(body)
        assert doc["@context"] == "https://plankg.org/" + CONTEXT_PATH
        doc["@context"] = load_context(ROOT / "ontology")
        body = json.dumps(doc).encode()
    return list(ox.parse(body, format=ox.RdfFormat.from_media_type(media)))


@pytest.mark.parametrize("surface", RDF_SURFACES)
@pytest.mark.parametrize("media_type", sorted({mt for f in GRAPH_FORMATS for mt in (f.media_type, *f.aliases)}))
def test_every_rdf_format_on_every_surface(real_http, surface, media_type):
    r = real_http.get(RDF_SURFACES[surface], headers={"Accept": media_type})
    assert r.status_code == 200, (r.status_code, r.text[:300])
    expected = formats.by_media_type(media_type, "graph")
    assert r.headers["content-type"].split(";")[0] == expected.media_type
    quads = _parse(r)
    in_turtle = _parse(real_http.get(RDF_SURFACES[surface], headers={"Accept": "text/turtle"}))
    assert len(quads) == len(in_turtle) >= 2  # the same graph in every format
    if surface == "id":
        assert ox.NamedNode(PLAN) in {q.subject for q in quads}


@pytest.mark.parametrize("surface", RDF_SURFACES)
@pytest.mark.parametrize("accept, expected", [
    ("*/*", "text/turtle"),
    ("application/*", None),  # some application/… RDF format
    ("application/n-quads;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml"),
    ("application/n-quads, text/turtle;q=0.1", "application/n-quads"),  # Comunica's kind of list
    ("application/x-unknown;q=1, application/trig;q=0.2", "application/trig"),
    ("text/turtle;q=0, application/n-triples;q=0.3", "application/n-triples"),
])
def test_wildcards_and_q_values(real_http, surface, accept, expected):
    r = real_http.get(RDF_SURFACES[surface], headers={"Accept": accept})
    assert r.status_code == 200, (r.status_code, r.text[:300])
    media = r.headers["content-type"].split(";")[0]
    if expected:
        assert media == expected
    else:
        assert media.startswith("application/")
    assert _parse(r)


@pytest.mark.parametrize("surface", RDF_SURFACES)
@pytest.mark.parametrize("accept", ["application/x-unknown", "image/png, audio/*;q=0.5", "text/turtle;q=0"])
def test_nothing_acceptable_406_lists_the_formats(real_http, surface, accept):
    r = real_http.get(RDF_SURFACES[surface], headers={"Accept": accept})
    assert r.status_code == 406, (r.status_code, r.text[:300])
    error = r.json()["error"]
    assert error["kind"] == "not_acceptable"
    assert {"text/turtle", "application/n-quads", "application/ld+json"} <= set(error["available"])


@pytest.mark.parametrize("surface", RDF_SURFACES)
@pytest.mark.parametrize("accept", ["text", "text/turtle;q=abc", "*/turtle", "text/turtle;q=2", "a/b/c"])
def test_malformed_accept_400(real_http, surface, accept):
    r = real_http.get(RDF_SURFACES[surface], headers={"Accept": accept})
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert r.json()["error"]["kind"] == "bad_request" and "Accept" in r.json()["error"]["message"]


@pytest.mark.parametrize("surface", ["catalog", "void", "id", "service-description"])
@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "rdf", "jsonld", "json-ld", "n3", "application/n-quads"])
def test_format_parameter_on_rdf_surfaces(real_http, surface, fmt):
    path = RDF_SURFACES[surface]
    r = real_http.get(path, params={"format": fmt})
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert _parse(r)


def test_dumps_answer_any_accept(real_http):
    """The dump files are fixed formats named by their file names: any Accept gets the file (never 500)."""
    listing = real_http.get("/dumps/", headers={"Accept": "application/n-quads"})
    assert listing.status_code == 200
    names = [d["name"] for d in listing.json()["dumps"]]
    assert "plankg.nq" in names
    for accept in ("application/n-quads", "*/*", "text/turtle;q=0.5, application/trig", "image/png"):
        r = real_http.get("/dumps/plankg.nq", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-quads")
    r = real_http.get("/dumps/plankg.nq", headers={"Accept": "text/turtle;q=abc"})
    assert r.status_code < 500


def test_whole_dataset_only_in_dataset_formats(real_http):
    r = real_http.get("/store", headers={"Accept": "text/turtle"})
    assert r.status_code == 406 and "application/n-quads" in r.json()["error"]["available"]
    r = real_http.get("/store", headers={"Accept": "application/trig"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/trig")


# ---------------------------------------------------------------- the formats table


def test_formats_come_from_pyoxigraph():
    """Media types, extensions and IRIs are pyoxigraph's own (one table: the names the engines take)."""
    for fmt in formats.RESULT_FORMATS.values():
        assert fmt.media_type == fmt.ox.media_type.split(";")[0]
        assert fmt.extension == fmt.ox.file_extension
        assert fmt.iri.startswith("http://www.w3.org/ns/formats/")
    assert formats.RESULT_FORMATS["jsonld"].iri == "http://www.w3.org/ns/formats/JSON-LD"
    assert formats.RESULT_FORMATS["nquads"].ox.supports_datasets


def test_serialize_rdflib_graph_in_every_format():
    import rdflib

    g = rdflib.Graph()
    g.bind("dct", "http://purl.org/dc/terms/")
    g.add((rdflib.URIRef(PLAN), rdflib.URIRef("http://purl.org/dc/terms/title"),
           rdflib.Literal("水戸市第6次総合計画", lang="ja")))
    for fmt in GRAPH_FORMATS:
        body = formats.serialize_rdflib(g, fmt)
        (quad,) = ox.parse(body, format=fmt.ox)
        assert quad.object == ox.Literal("水戸市第6次総合計画", language="ja")
    assert b"@prefix dct:" in formats.serialize_rdflib(g, formats.RESULT_FORMATS["turtle"])


# ---------------------------------------------------------------- the answer headers, set in one place


def test_row_count_header_on_sparql_queries_and_pages(real_http):
    """X-Result-Rows (kgservice.request.result_headers) on /sparql, a named query's page and an /id/ page,
    each the count of what the body holds."""
    r = real_http.get("/sparql", params={"query": f"SELECT ?p ?o WHERE {{ <{PLAN}> ?p ?o }}"},
                      headers={"Accept": "application/sparql-results+json"})
    rows = len(r.json()["results"]["bindings"])
    assert r.headers["x-result-rows"] == str(rows) and rows > 3 and "Accept" in r.headers["vary"]
    r = real_http.get("/id/plan/mito-comprehensive-plan-6", headers={"Accept": "application/n-triples"})
    assert r.headers["x-result-rows"] == str(len(_parse(r))) and "canonical" in r.headers["link"]
    r = real_http.get("/id/plan/mito-comprehensive-plan-6", headers={"Accept": "application/ld+json"})
    assert int(r.headers["x-result-rows"]) == len(_parse(r))
    r = real_http.get("/queries/list-plans", headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert r.headers["x-result-rows"] == str(len(r.json()["results"]["bindings"])) != "0"
    assert "Accept" in r.headers["vary"] and "link" in r.headers


@pytest.mark.parametrize("fmt", formats.formats_of("graph"), ids=lambda f: f.extension)
def test_page_suffix_for_every_rdf_format(real_http, fmt):
    """/id/… with a format's own file extension (from pyoxigraph's enum) answers that format."""
    r = real_http.get(f"/id/plan/mito-comprehensive-plan-6.{fmt.extension}")
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == fmt.media_type
    assert ox.NamedNode(PLAN) in {q.subject for q in _parse(r)}
