"""DCAT catalog, VoID and dumps over HTTP, on the real graph."""

from __future__ import annotations
import gzip
from pathlib import Path
import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, RDF


BASE = "https://plankg.org/"
VOID = Namespace("http://rdfs.org/ns/void#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DOCUMENTS = ["hitachi-plan-chapter-6", "mito-community-plan-3", "mito-overview-2023",
             "mito-strategy-evaluation-2022", "omitama-later-basic-plan-sections"]


@pytest.fixture(scope="module")
def catalog(real_server) -> Graph:
    with real_server.client() as client:
        r = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=r.text, format="turtle")


def test_catalog_has_a_dataset_per_document_and_one_for_the_whole(catalog):
    identifiers = {str(catalog.value(ds, DCTERMS.identifier)) for ds in catalog.subjects(RDF.type, DCAT.Dataset)}
    assert identifiers == set(DOCUMENTS) | {"plankg"}


def test_every_dataset_carries_what_ckanext_dcat_harvests(catalog):
    for ds in catalog.subjects(RDF.type, DCAT.Dataset):
        name = catalog.value(ds, DCTERMS.identifier)
        for lang in ("ja", "en"):
            assert any(t.language == lang for t in catalog.objects(ds, DCTERMS.title)), (name, "title", lang)
            assert any(t.language == lang for t in catalog.objects(ds, DCTERMS.description)), (name, "description", lang)
        for prop in (DCAT.keyword, DCTERMS.issued, DCTERMS.modified, DCTERMS.language, DCTERMS.license,
                     DCTERMS.spatial, DCTERMS.conformsTo, DCAT.distribution):
            assert catalog.value(ds, prop) is not None, (name, prop)
        publisher = catalog.value(ds, DCTERMS.publisher)
        assert (publisher, RDF.type, FOAF.Agent) in catalog and catalog.value(publisher, FOAF.name), name
        contact = catalog.value(ds, DCAT.contactPoint)
        assert catalog.value(contact, VCARD.fn) is not None, name
        assert str(catalog.value(ds, DCTERMS.spatial)).startswith("http://data.e-stat.go.jp/lod/sac/C08")
        period = catalog.value(ds, DCTERMS.temporal)
        assert (period, RDF.type, DCTERMS.PeriodOfTime) in catalog
        assert catalog.value(period, DCAT.startDate) and catalog.value(period, DCAT.endDate)
        for dist in catalog.objects(ds, DCAT.distribution):
            assert catalog.value(dist, DCAT.downloadURL) and catalog.value(dist, DCAT.mediaType)
            assert int(catalog.value(dist, DCAT.byteSize)) > 0


def test_mito_community_plan_dataset_values(catalog):
    ds = next(s for s in catalog.subjects(RDF.type, DCAT.Dataset)
              if str(catalog.value(s, DCTERMS.identifier)) == "mito-community-plan-3")
    assert URIRef("http://data.e-stat.go.jp/lod/sac/C08201") in set(catalog.objects(ds, DCTERMS.spatial))
    period = catalog.value(ds, DCTERMS.temporal)
    assert (str(catalog.value(period, DCAT.startDate)), str(catalog.value(period, DCAT.endDate))) == ("2015", "2023")
    assert "水戸市コミュニティ推進計画（第3次）" in {str(t) for t in catalog.objects(ds, DCTERMS.title)}


def test_data_service_is_the_endpoint_under_the_base_iri(catalog, real_server):
    service = catalog.value(None, RDF.type, DCAT.DataService)
    endpoint = str(catalog.value(service, DCAT.endpointURL))
    assert endpoint == BASE + "sparql"  # where the service is published; the test server answers it locally
    assert len(set(catalog.objects(service, DCAT.servesDataset))) == len(DOCUMENTS) + 1
    r = httpx.get(real_server.url + "/" + endpoint.removeprefix(BASE), params={"query": "ASK { ?s ?p ?o }"},
                  headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_iris_come_from_the_base_iri_never_from_the_host_header(real_http):
    """Regression: the catalog was built from the request's Host (`Host: data.example.org` gave
    http://data.example.org/catalog), so a harvester's identifiers changed with the proxy in front."""
    for path in ("/catalog", "/.well-known/void", "/dumps/"):
        r = real_http.get(path, headers={"Host": "data.example.org", "Accept": "text/turtle"})
        assert r.status_code == 200, r.text
        assert "data.example.org" not in r.text and "127.0.0.1" not in r.text, path
    g = Graph().parse(data=real_http.get("/catalog", headers={"Host": "data.example.org"}).text, format="turtle")
    assert set(g.subjects(RDF.type, DCAT.Catalog)) == {URIRef(BASE + "catalog")}
    assert all(str(d).startswith(BASE + "catalog#dataset-") for d in g.subjects(RDF.type, DCAT.Dataset))
    assert all(str(u).startswith(BASE + "dumps/") for u in g.objects(None, DCAT.downloadURL))


def test_publishers_are_the_cities_of_the_graph(catalog):
    """Regression: each document's publisher was a …/catalog#publisher-… hash; now it is the city's own
    IRI (the document's dct:publisher in the graph) with the graph's types and names."""
    cities = {"hitachi-plan-chapter-6": ("082023", "日立市", "Hitachi"), "mito-community-plan-3": ("082015", "水戸市", "Mito"),
              "mito-overview-2023": ("082015", "水戸市", "Mito"), "mito-strategy-evaluation-2022": ("082015", "水戸市", "Mito"),
              "omitama-later-basic-plan-sections": ("082368", "小美玉市", "Omitama")}
    for doc, (code, ja, en) in cities.items():
        ds = URIRef(f"{BASE}catalog#dataset-{doc}")
        publisher = catalog.value(ds, DCTERMS.publisher)
        assert publisher == URIRef(f"{BASE}id/city/{code}"), doc
        assert {FOAF.Agent, ORG.FormalOrganization, URIRef("https://plankg.org/def/mplan#LocalGovernment")} <= set(
            catalog.objects(publisher, RDF.type))
        assert {(str(n), n.language) for n in catalog.objects(publisher, FOAF.name)} == {(ja, "ja"), (en, "en")}
        assert catalog.value(ds, DCAT.landingPage) == URIRef(f"{BASE}graph/{doc}")


def test_dumps_carry_the_media_type_of_their_content(catalog):
    """Regression: the gzipped dumps were typed application/gzip, so Turtle could not be told from N-Quads."""
    iana = "https://www.iana.org/assignments/media-types/"
    expected = {"plankg.nq": "application/n-quads", "plankg.trig": "application/trig", "plankg.ttl": "text/turtle",
                "plankg.jsonld": "application/ld+json"}
    seen = set()
    for dist in catalog.subjects(RDF.type, DCAT.Distribution):
        name = str(catalog.value(dist, DCTERMS.title))
        stem = name.removesuffix(".gz")
        if stem in expected:
            seen.add(name)
            assert catalog.value(dist, DCAT.mediaType) == URIRef(iana + expected[stem]), name
            compress = catalog.value(dist, DCAT.compressFormat)
            assert compress == (URIRef(iana + "application/gzip") if name.endswith(".gz") else None), name
    assert seen == set(expected) | {n + ".gz" for n in expected}


def test_the_jsonld_context_is_served(real_http):
    r = real_http.get("/ns/context/v1.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    context = r.json()["@context"]
    assert context["mplan"] == "https://plankg.org/def/mplan#" and context["id"] == BASE + "id/"


def test_catalog_by_content_negotiation(real_http):
    r = real_http.get("/catalog", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=r.text, format="json-ld")) > 100
    r = real_http.get("/catalog", headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 200 and len(Graph().parse(data=r.text, format="xml")) > 100
    assert real_http.get("/catalog", headers={"Accept": "text/csv"}).status_code == 406


def test_void(real_http):
    r = real_http.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    g = Graph().parse(data=r.text, format="turtle")
    ds = g.value(None, RDF.type, VOID.Dataset)
    datasets = set(g.subjects(RDF.type, VOID.Dataset))
    root = next(d for d in datasets if g.value(d, VOID.sparqlEndpoint) is not None)
    assert str(g.value(root, VOID.uriSpace)) == "https://plankg.org/id/"
    assert int(g.value(root, VOID.triples)) > 10000 and int(g.value(root, VOID.entities)) > 1000
    assert int(g.value(root, VOID.classes)) > 20 and int(g.value(root, VOID.properties)) > 50
    assert g.value(root, VOID.dataDump) is not None and ds is not None
    subsets = {str(g.value(s, URIRef("http://www.w3.org/ns/sparql-service-description#name"))) for s in g.objects(root, VOID.subset)}
    assert {f"https://plankg.org/graph/{d}" for d in DOCUMENTS} <= subsets
    linksets = list(g.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == 2 and all(int(g.value(ls, VOID.triples)) >= 3 for ls in linksets)


def test_dumps_with_conditional_get(real_http):
    listing = real_http.get("/dumps/").json()
    names = {d["name"] for d in listing["dumps"]}
    assert {"plankg.nq", "plankg.nq.gz", "plankg.trig", "plankg.ttl", "plankg.jsonld", "plankg.jsonld.gz"} <= names
    r = real_http.get("/dumps/plankg.nq.gz")
    assert r.status_code == 200 and r.headers["content-type"] == "application/gzip"
    lines = gzip.decompress(r.content).decode("utf-8").splitlines()
    assert any("水戸市" in line for line in lines)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert real_http.get("/dumps/plankg.nq.gz", headers={"If-None-Match": etag}).status_code == 304
    assert real_http.get("/dumps/plankg.nq.gz", headers={"If-Modified-Since": modified}).status_code == 304
    assert real_http.get("/dumps/plankg.nq.gz", headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("name", ["../report.json", "report.json", "..%2F..%2Fetc%2Fpasswd", "nope.nq"])
def test_unknown_dump_names_are_404(real_http, name):
    r = real_http.get(f"/dumps/{name}")
    assert r.status_code == 404 and r.json()["error"]["kind"] == "not_found"


def test_a_store_of_fewer_documents_gets_a_catalog_of_what_it_holds():
    """Regression: on a store built from fewer documents than sources/catalog.yaml lists (schemathesis
    found it on the fixture store), /catalog and VoID answered 503 naming a document the store does not
    hold, and a store holding none of them crashed the catalog (no period to take the bounds of)."""
    from kgservice.opendata.catalog import Agent, CatalogContext, Contact, DatasetFacts, catalog_graph
    from kgservice.opendata.facts import dataset_facts
    from mappings.records.sources import load_catalog

    root = Path(__file__).resolve().parents[1]
    documents = [s.meta for s in load_catalog(root / "sources").values()]
    rows = [{"id": {"value": "mito-overview-2023"}, "publisher": {"value": "https://plankg.org/id/city/082015"}}]
    facts = dataset_facts(documents, rows, root / "data", root / "sources")
    assert set(facts) == {"mito-overview-2023"} and facts["mito-overview-2023"].publisher.iri.endswith("/082015")
    whole = DatasetFacts(Agent("https://plankg.org/catalog#publisher", {"en": "plankg maintainers"}))
    empty = catalog_graph(CatalogContext([], {}, "https://plankg.org/", {}, whole, Contact({"en": "plankg"})))
    assert (URIRef("https://plankg.org/catalog#dataset-all"), RDF.type, DCAT.Dataset) in empty
