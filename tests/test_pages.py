"""Linked-data pages (kgservice.pages.linked_data) over real HTTP on the graph built from the real records:
HTML for browsers, Turtle / JSON-LD / N-Triples / RDF/XML by Accept, suffix and ``format``, 404s,
and the home page."""

from __future__ import annotations
import re
import pytest
import rdflib
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from conftest_pages import BASE, ROOT

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MITO = BASE + "id/city/082015"
STRATEGY = BASE + "id/plan/mito-strategy-2"
MPLAN = "https://plankg.org/def/mplan#"


def path_of(iri: str) -> str:
    return "/" + iri[len(BASE):]


def parse(client, r, rdflib_format: str) -> rdflib.Graph:
    """The answer's graph. JSON-LD names its context by the base IRI (where the service is published);
    the test server answers elsewhere, so rdflib is pointed at the same file there."""
    data = r.content.replace(f'"{BASE}ns/'.encode(), f'"{client.base_url}/ns/'.encode())
    return rdflib.Graph().parse(data=data, format=rdflib_format)


@pytest.mark.parametrize(
    "accept, rdflib_format, media_type",
    [("text/turtle", "turtle", "text/turtle"), ("application/ld+json", "json-ld", "application/ld+json"),
     ("application/n-triples", "nt", "application/n-triples"), ("application/rdf+xml", "xml", "application/rdf+xml"),
     ("*/*", "turtle", "text/turtle")],
)
def test_rdf_by_accept_parses_with_rdflib(real_http, accept, rdflib_format, media_type):
    r = real_http.get(path_of(MITO), headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media_type)
    assert "Accept" in r.headers["vary"]
    g = parse(real_http, r, rdflib_format)
    city = URIRef(MITO)
    # data/reference/cities.yaml: 水戸市, code 082015 (check digit verified), Wikidata Q204249.
    assert (city, RDFS.label, Literal("水戸市", lang="ja")) in g
    assert (city, URIRef(MPLAN + "localGovernmentCode"), Literal("082015")) in g
    # the Wikidata item is the territory: skos:exactMatch, not owl:sameAs of the government body
    assert (city, URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"), URIRef("http://www.wikidata.org/entity/Q204249")) in g
    # Inverse links come along, with the linking resource's label: the plan published by Mito.
    plan = URIRef(STRATEGY)
    assert (plan, URIRef("http://purl.org/dc/terms/publisher"), city) in g
    assert (plan, RDFS.label, Literal("水戸市まち・ひと・しごと創生総合戦略(第2次)", lang="ja")) in g


@pytest.mark.parametrize("suffix, rdflib_format", [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt"),
                                                    (".rdf", "xml")])
def test_suffix_and_format_param(real_http, suffix, rdflib_format):
    by_suffix = real_http.get(path_of(STRATEGY) + suffix, headers={"Accept": "text/html"})
    name = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml"}[suffix]
    by_param = real_http.get(path_of(STRATEGY), params={"format": name}, headers={"Accept": "text/html"})
    for r in (by_suffix, by_param):
        assert r.status_code == 200, r.text
        g = parse(real_http, r, rdflib_format)
        assert (URIRef(STRATEGY), RDF.type, URIRef(MPLAN + "Plan")) in g
        assert (URIRef(STRATEGY), URIRef(MPLAN + "basedOn"), URIRef(BASE + "id/plan/mito-comprehensive-plan-6")) in g


def test_link_header_names_one_alternate(real_http):
    """Regression: four rel="alternate" links broke pyld 3.3's document loader; one is given, the
    JSON-LD form (the Turtle one on the JSON-LD answer), beside rel="canonical"."""
    r = real_http.get(path_of(STRATEGY))
    assert r.headers["link"] == ('</id/plan/mito-strategy-2.jsonld>; rel="alternate"; type="application/ld+json", '
                                 f'<{STRATEGY}>; rel="canonical"')
    r = real_http.get(path_of(STRATEGY), headers={"Accept": "application/ld+json"})
    assert r.headers["link"] == ('</id/plan/mito-strategy-2.ttl>; rel="alternate"; type="text/turtle", '
                                 f'<{STRATEGY}>; rel="canonical"')


def test_html_page_for_browsers(real_http):
    r = real_http.get(path_of(STRATEGY), headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<h1>水戸市まち・ひと・しごと創生総合戦略(第2次)</h1>" in html
    # types and properties with the object's label, linked locally
    assert '<a href="/def/mplan#Plan" title="https://plankg.org/def/mplan#Plan">計画</a>' in html
    assert '<a href="/id/plan/mito-comprehensive-plan-6" title="https://plankg.org/id/plan/mito-comprehensive-plan-6">水戸市第6次総合計画</a>' in html
    # grouped by named graph
    assert 'Graph <a href="/graph/mito-overview-2023">mito-overview-2023</a>' in html
    assert 'Graph <a href="/graph/mito-strategy-evaluation-2022">mito-strategy-evaluation-2022</a>' in html
    # provenance: the passage, its document and lines, and the quoted text (sources/001 line 5)
    assert "line 5" in html and '<a href="/id/passage/mito-strategy-evaluation-2022/L5-L5">passage</a>' in html
    assert '<blockquote class="exact">水戸市まち・ひと・しごと創生総合戦略（第2次）の評価</blockquote>' in html
    # incoming links: the elements of the strategy point at it with mplan:inPlan
    assert "Links to this resource" in html and 'href="/id/plan/mito-strategy-2/goal-1"' in html


def test_passage_page_quotes_source_lines(real_http):
    # The IRI of a passage of several ranges from before (sources/000 lines 134, 138 and 140-142, the
    # strategy adopted in 令和2年3月) still resolves: it is replaced by one passage per range, quoted.
    r = real_http.get("/id/passage/mito-overview-2023/L134-L134_L138-L138_L140-L142", headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert "line 134" in r.text and "line 138" in r.text and "lines 140–142" in r.text
    assert '<blockquote class="exact">令和2年3月、訪れてみたい、住んでみたいと思われるような' in r.text
    assert 'href="/id/passage/mito-overview-2023/L140-L142"' in r.text


def test_ontology_namespace_document(real_http):
    html = real_http.get("/def/mplan", headers={"Accept": BROWSER}).text
    assert '<dt id="Plan">' in html and '<dt id="KPI">' in html
    g = rdflib.Graph().parse(data=real_http.get("/def/mplan.ttl").content, format="turtle")
    assert (URIRef(MPLAN + "Plan"), RDFS.label, Literal("計画", lang="ja")) in g
    assert (URIRef("https://plankg.org/def/mplan"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in g


def test_named_graph_page(real_http):
    html = real_http.get("/graph/reference", headers={"Accept": BROWSER})
    assert html.status_code == 200
    assert "triples." in html.text and 'href="/store?graph=https%3A%2F%2Fplankg.org%2Fgraph%2Freference"' in html.text
    g = rdflib.Graph().parse(data=real_http.get("/graph/reference.nt").content, format="nt")
    count = g.value(URIRef(BASE + "graph/reference"), URIRef("http://rdfs.org/ns/void#triples"))
    assert count is not None and int(count) > 0


def test_404_envelope_and_html(real_http):
    r = real_http.get("/id/plan/no-such-plan")
    assert r.status_code == 404
    assert r.json() == {"error": {"kind": "not_found",
                                  "message": f"the graph has no triple about <{BASE}id/plan/no-such-plan>"}}
    page = real_http.get("/id/plan/no-such-plan", headers={"Accept": BROWSER})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "the graph has no triple about" in page.text
    assert real_http.get("/id/city/082015", headers={"Accept": "image/png"}).status_code == 406


def test_home_page(real_http):
    r = real_http.get("/", headers={"Accept": BROWSER})
    assert r.status_code == 200
    for link in ('href="/sparql"', 'href="/queries"', 'href="/query"', 'href="/id/plan/mito-comprehensive-plan-6"',
                 'href="/id/document/mito-overview-2023"', 'href="/id/city/082015"'):
        assert link in r.text
    assert "水戸市第6次総合計画" in r.text


def test_home_page_browses_city_plan_structure(real_http):
    """Cities by local government code, each with its plans and their top-level elements in order."""
    page = real_http.get("/", headers={"Accept": BROWSER}).text
    sections = re.findall(r'<section class="city" id="city-(\d+)">(.*?)</section>', page, re.S)
    assert [code for code, _ in sections] == ["082015", "082023", "082368"]
    mito = dict(sections)["082015"]
    # the strategy's four basic goals (data/mito-strategy-evaluation-2022) under the strategy, I–IV in order
    strategy = re.search(r'href="/id/plan/mito-strategy-2">.*?</details>', mito, re.S).group(0)
    goals = re.findall(r'href="/id/plan/mito-strategy-2/(goal-\d)"', strategy)
    assert goals == ["goal-1", "goal-2", "goal-3", "goal-4"]
    assert "基本目標" in strategy and "report" in strategy
    # plans with recorded elements come before the ones only mentioned; every plan is Mito's own
    assert mito.index("水戸市まち・ひと・しごと創生総合戦略(第2次)") < mito.index("Plans the documents mention")
    assert "/id/plan/hitachi-" not in mito and "/id/plan/omitama-" not in mito
    # the city's source documents are listed under it
    assert 'href="/id/document/mito-strategy-evaluation-2022"' in mito
    assert 'href="/id/document/hitachi-plan-chapter-6"' in dict(sections)["082023"]


def test_head_on_a_page_has_the_get_headers_and_no_body(real_http):
    get = real_http.get("/id/city/082015", headers={"Accept": "text/turtle"})
    head = real_http.head("/id/city/082015", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))
    assert real_http.head("/id/city/999999").status_code == 404


def test_browser_links_show_pages_while_clients_get_rdf(real_http):
    """The header's "SPARQL endpoint" link and /catalog: a page for a browser, RDF by Accept."""
    endpoint = real_http.get("/sparql", headers={"Accept": BROWSER})
    assert endpoint.status_code == 200 and endpoint.headers["content-type"].startswith("text/html")
    assert 'id="query-form"' in endpoint.text and "Vary" in endpoint.headers
    description = real_http.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.headers["content-type"].startswith("text/turtle")
    rdflib.Graph().parse(data=description.text, format="turtle")

    page = real_http.get("/catalog", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # one dataset per source document (sources/catalog.yaml) and the whole graph, each with its downloads
    documents = yaml.safe_load((ROOT / "sources" / "catalog.yaml").read_text(encoding="utf-8"))
    sections = re.findall(r'<section class="dataset" id="dataset-([^"]+)">(.*?)</section>', page.text, re.S)
    assert [name for name, _ in sections] == ["plankg"] + sorted(d["id"] for d in documents)
    for doc in documents:
        body = dict(sections)[doc["id"]]
        assert doc["title_en"].replace("'", "&#39;").replace('"', "&#34;") in body
        assert f'graph-{doc["id"]}.nq</a>' in body
    assert 'href="/catalog?format=turtle"' in page.text
    turtle = real_http.get("/catalog", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert len(set(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))) == len(sections)
    assert real_http.get("/catalog", params={"format": "turtle"}, headers={"Accept": BROWSER}).headers[
        "content-type"].startswith("text/turtle")
