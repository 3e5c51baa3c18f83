"""SPARQL 1.1 Protocol over real HTTP: methods × result formats × Accept, errors, HEAD/OPTIONS/CORS,
the service description, default-graph semantics. Server: the ``server`` fixture (conftest)."""

from __future__ import annotations
import csv
import io
import json
import xml.etree.ElementTree as ET
import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from conftest import FIXTURE_TRIPLES, OVERVIEW_GRAPH, REFERENCE_GRAPH
from kgservice.request import negotiation as formats

CITY_LABELS = ("SELECT ?code ?name WHERE { ?c <https://plankg.org/def/mplan#localGovernmentCode> ?code ; "
               "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?code")
EXPECTED_CITIES = [("082015", "水戸市"), ("082023", "日立市"), ("082368", "小美玉市")]
PLAN = "https://plankg.org/id/plan/mito-comprehensive-plan-6"
DESCRIBE_PLAN = f"CONSTRUCT {{ <{PLAN}> ?p ?o }} WHERE {{ <{PLAN}> ?p ?o }}"
PLAN_TRIPLES = 7  # a, 2 labels, title, alternative, publisher, issued
SRX = "{http://www.w3.org/2005/sparql-results#}"


# ---------------------------------------------------------------- SPARQLWrapper on the core paths


@pytest.mark.parametrize("method", ["GET", POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json(server, method):
    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(CITY_LABELS)
    sw.setReturnFormat(JSON)
    if method != "GET":
        sw.setMethod(POST)
        sw.setRequestMethod(method if method == POSTDIRECTLY else "urlencoded")
    rows = sw.queryAndConvert()["results"]["bindings"]
    assert [(r["code"]["value"], r["name"]["value"]) for r in rows] == EXPECTED_CITIES
    assert rows[0]["name"]["xml:lang"] == "ja"


@pytest.mark.parametrize("fmt", [XML, CSV, TSV])
def test_sparqlwrapper_select_other_formats(server, fmt):
    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(CITY_LABELS)
    sw.setReturnFormat(fmt)
    result = sw.query()
    body = result.response.read()
    if fmt == XML:
        names = [b.find(f"{SRX}literal").text for b in ET.fromstring(body).iter(f"{SRX}binding")
                 if b.get("name") == "name"]
        assert names == [n for _, n in EXPECTED_CITIES]
    else:
        text = body.decode("utf-8")
        assert "水戸市" in text and "小美玉市" in text
        assert text.splitlines()[0] == ("code,name" if fmt == CSV else "?code\t?name")


def test_sparqlwrapper_ask_and_construct(server):
    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(f"ASK {{ <{PLAN}> <http://purl.org/dc/terms/alternative> \"みと魁プラン\"@ja }}")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["boolean"] is True
    for fmt in (TURTLE, XML, JSONLD):
        sw = SPARQLWrapper(server.endpoint)
        sw.setQuery(DESCRIBE_PLAN)
        sw.setReturnFormat(fmt)
        graph = sw.queryAndConvert()
        if isinstance(graph, bytes):  # SPARQLWrapper hands Turtle back as bytes
            graph = rdflib.Graph().parse(data=graph, format="turtle")
        assert len(graph) == PLAN_TRIPLES
        assert rdflib.Literal("水戸市第6次総合計画", lang="ja") in set(graph.objects())


# SPARQLWrapper's return formats (its _allowedFormats) and the media type each query form answers
# them with (absent: the form cannot carry it).
SW_FORMATS = ["json", "xml", "turtle", "n3", "rdf", "rdf+xml", "csv", "tsv", "json-ld"]
SW_SELECT = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
             "csv": "text/csv", "tsv": "text/tab-separated-values"}
SW_GRAPH = {"json": "application/ld+json", "xml": "application/rdf+xml", "turtle": "text/turtle",
            "n3": "text/turtle", "rdf": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
            "json-ld": "application/ld+json"}


def _sparqlwrapper(server, query: str, fmt: str, accept: str | None = None):
    import warnings

    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if accept:
        sw.addCustomHttpHeader("Accept", accept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Sending Accept header '*/*'" for a format the form cannot have
        result = sw.query()
    return result.response.headers["content-type"].split(";")[0], result.response.read()


def _rows(media: str, body: bytes) -> list[tuple[str, str]]:
    if media == "text/csv":  # lossy: pyoxigraph does not read it back
        return [(r["code"], r["name"]) for r in csv.DictReader(io.StringIO(body.decode("utf-8")))]
    rows = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media))
    return [(r["code"].value, r["name"].value) for r in rows]


def _answer_or_406(server, query: str, fmt: str, expected: str | None) -> bytes | None:
    """SPARQLWrapper's answer in ``expected`` (a media type), or its 406 when ``expected`` is None."""
    import urllib.error

    if expected is None:
        with pytest.raises(urllib.error.HTTPError) as caught:
            _sparqlwrapper(server, query, fmt)
        assert caught.value.code == 406
        return None
    media, body = _sparqlwrapper(server, query, fmt)
    assert media == expected
    return body


@pytest.mark.parametrize("fmt", SW_FORMATS)
def test_sparqlwrapper_every_return_format(server, fmt):
    """Issue 15: every SPARQLWrapper return format is accepted (format=n3 was a 400); each answer is
    the format asked for, or a 406 where the query form cannot carry it (SPARQLWrapper then sends
    Accept */*, which names no alternative)."""
    media = SW_SELECT.get(fmt)
    body = _answer_or_406(server, CITY_LABELS, fmt, media)
    if body is not None:
        assert _rows(media, body) == EXPECTED_CITIES
    body = _answer_or_406(server, f"ASK {{ <{PLAN}> ?p ?o }}", fmt, media)
    if body is not None and fmt in ("json", "xml"):
        assert bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media)))
    media = SW_GRAPH.get(fmt)
    body = _answer_or_406(server, DESCRIBE_PLAN, fmt, media)
    if body is not None:
        graph = list(ox.parse(body, format=ox.RdfFormat.from_media_type(media)))
        assert len(graph) == PLAN_TRIPLES
        assert ox.Literal("水戸市第6次総合計画", language="ja") in {t.object for t in graph}


@pytest.mark.parametrize("accept, fmt, expected", [
    ("text/csv", "xml", "text/csv"),  # SPARQLWrapper's default format=xml beside the client's Accept
    ("application/sparql-results+json", "tsv", "application/sparql-results+json"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
    ("application/sparql-results+xml;q=0.9, text/csv;q=0.1", "csv", "text/csv"),
])
def test_sparqlwrapper_explicit_accept_and_format(server, accept, fmt, expected):
    """Issue 15: a client's explicit Accept is no longer overridden by the format parameter it sends too."""
    media, body = _sparqlwrapper(server, CITY_LABELS, fmt, accept)
    assert media == expected
    assert _rows(media, body) == EXPECTED_CITIES


def test_sparqlwrapper_bad_query(server):
    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        sw.query()


# ---------------------------------------------------------------- the matrix with httpx


def _send(http, method: str, query: str, accept: str | None = None, **params):
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return http.get("/sparql", params={"query": query, **params}, headers=headers)
    if method == "POST-form":
        return http.post("/sparql", data={"query": query, **params}, headers=headers)
    return http.post("/sparql", content=query.encode(), params=params,
                     headers={**headers, "Content-Type": "application/sparql-query"})


def _select_rows(fmt: str, body: bytes) -> list[tuple[str, str]]:
    if fmt == "json":
        return [(b["code"]["value"], b["name"]["value"]) for b in json.loads(body)["results"]["bindings"]]
    if fmt == "xml":
        out = []
        for result in ET.fromstring(body).iter(f"{SRX}result"):
            cells = {b.get("name"): b.find(f"{SRX}literal").text for b in result.iter(f"{SRX}binding")}
            out.append((cells["code"], cells["name"]))
        return out
    if fmt == "csv":
        return [(r["code"], r["name"]) for r in csv.DictReader(io.StringIO(body.decode("utf-8")))]
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "?code\t?name"
    return [(c.strip('"'), n.removesuffix("@ja").strip('"')) for c, n in (l.split("\t") for l in lines[1:])]


METHODS = ["GET", "POST-form", "POST-direct"]
SELECT_FORMATS = ["json", "xml", "csv", "tsv"]
GRAPH_FORMATS = ["turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld"]
OX_RDF = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
          "trig": ox.RdfFormat.TRIG, "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", SELECT_FORMATS)
@pytest.mark.parametrize("by", ["accept", "format-name", "format-media-type"])
def test_select_matrix(http, method, fmt, by):
    media = formats.RESULT_FORMATS[fmt].media_type
    if by == "accept":
        r = _send(http, method, CITY_LABELS, accept=media)
    else:
        r = _send(http, method, CITY_LABELS, accept="text/html", format=fmt if by == "format-name" else media)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert r.headers["x-result-rows"] == "3"
    assert "x-result-truncated" not in r.headers
    assert _select_rows(fmt, r.content) == EXPECTED_CITIES


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_construct_matrix(http, method, fmt):
    media = formats.RESULT_FORMATS[fmt].media_type
    r = _send(http, method, "PREFIX dct: <http://purl.org/dc/terms/>\n" + DESCRIBE_PLAN, accept=media)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    quads = list(ox.parse(r.content, format=OX_RDF[fmt]))
    assert len(quads) == PLAN_TRIPLES
    assert ox.Literal("みと魁プラン", language="ja") in {q.object for q in quads}
    if fmt == "turtle":  # the query's own prefixes are used to write Turtle
        assert b"@prefix dct: <http://purl.org/dc/terms/>" in r.content


def test_describe_and_ask_forms(http):
    r = http.get("/sparql", params={"query": f"DESCRIBE <{PLAN}>"}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and len(r.text.strip().splitlines()) == PLAN_TRIPLES
    for accept, body in [("application/sparql-results+json", '{"head":{},"boolean":false}'),
                         ("text/csv", "false")]:
        r = http.get("/sparql", params={"query": "ASK { ?s ?p \"存在しない\" }"}, headers={"Accept": accept})
        assert r.status_code == 200 and r.text == body
    r = http.get("/sparql", params={"query": "ASK { ?s ?p \"水戸市\"@ja }"}, headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(r.content).find(f"{SRX}boolean").text == "true"


@pytest.mark.parametrize("accept,query,expected", [
    (None, CITY_LABELS, "application/sparql-results+json"),
    ("*/*", CITY_LABELS, "application/sparql-results+json"),
    ("application/json", CITY_LABELS, "application/sparql-results+json"),
    ("text/*", CITY_LABELS, "text/csv"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", CITY_LABELS, "application/sparql-results+xml"),
    ("application/*;q=0.2, application/sparql-results+json;q=0, text/tab-separated-values;q=0.1", CITY_LABELS,
     "application/sparql-results+xml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", CITY_LABELS, "application/sparql-results+xml"),
    ("text/html, */*;q=0.1", CITY_LABELS, "application/sparql-results+json"),
    (None, DESCRIBE_PLAN, "text/turtle"),
    ("*/*", DESCRIBE_PLAN, "text/turtle"),
    ("application/ld+json;q=1, text/turtle;q=0.5", DESCRIBE_PLAN, "application/ld+json"),
    ("application/*", DESCRIBE_PLAN, "application/n-triples"),
])
def test_content_negotiation(http, accept, query, expected):
    r = _send(http, "GET", query, accept=accept)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == expected
    assert "Accept" in r.headers["vary"]


def test_text_types_declare_utf8(http):
    r = _send(http, "GET", CITY_LABELS, accept="text/csv")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"


def test_format_param_and_accept(http):
    """SPARQLWrapper-style repeats are read; a format value the Accept header takes wins; an explicit
    Accept that refuses the format value wins over it (issue 15: it was overridden); with an Accept
    that takes nothing offered (a browser's) the format value stands."""
    tsv = [("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "tsv"), ("results", "tsv")]
    r = http.get("/sparql", params=[("query", CITY_LABELS), *tsv], headers={"Accept": "text/tab-separated-values"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated-values")
    r = http.get("/sparql", params=[("query", CITY_LABELS), *tsv], headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+json"
    r = http.get("/sparql", params=[("query", CITY_LABELS), *tsv], headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated-values")
    r = http.get("/sparql", params=[("query", CITY_LABELS), ("format", "xml")],
                 headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml;q=0.1"})
    assert r.headers["content-type"] == "application/sparql-results+xml"  # accepted, if less preferred
    # "json"/"xml" name JSON-LD / RDF/XML for graph results, "n3" Turtle (SPARQLWrapper's N3)
    r = _send(http, "GET", DESCRIBE_PLAN, format="json")
    assert r.headers["content-type"] == "application/ld+json"
    r = _send(http, "GET", DESCRIBE_PLAN, format="xml")
    assert r.headers["content-type"] == "application/rdf+xml"
    r = _send(http, "GET", DESCRIBE_PLAN, format="n3")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    # a graph format for a SELECT: an Accept naming a results format decides; */* does not, 406
    r = http.get("/sparql", params={"query": CITY_LABELS, "format": "turtle"},
                 headers={"Accept": "application/sparql-results+xml, */*;q=0.1"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+xml"
    r = http.get("/sparql", params={"query": CITY_LABELS, "format": "turtle"}, headers={"Accept": "*/*"})
    assert r.status_code == 406 and r.json()["error"]["kind"] == "not_acceptable"
    r = http.get("/sparql", params={"query": CITY_LABELS, "format": "yaml"})
    assert r.status_code == 400 and "yaml" in r.json()["error"]["message"]


# ---------------------------------------------------------------- errors, one envelope


def _error(r, status: int, kind: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    err = r.json()["error"]
    assert err["kind"] == kind and err["message"]
    return err


@pytest.mark.parametrize("method", METHODS)
def test_bad_query_400_with_position(http, method):
    err = _error(_send(http, method, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }"), 400, "bad_request")
    # the error is on line 3; the column is where pyoxigraph's parser gave up (after the ')')
    assert err["position"] == {"line": 3, "column": 18}
    assert err["message"].startswith("error at 3:18:")


def test_several_queries_400(http):
    r = http.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert "several 'query'" in _error(r, 400, "bad_request")["message"]
    r = http.post("/sparql", data={"query": "ASK {}"}, params={"query": "ASK {}"})
    _error(r, 400, "bad_request")


def test_query_and_update_together_400(http):
    r = http.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert "'query' and 'update'" in _error(r, 400, "bad_request")["message"]


def test_update_by_get_and_update_as_query_400(http):
    _error(http.get("/sparql", params={"update": "CLEAR ALL"}), 400, "bad_request")
    err = _error(_send(http, "GET", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"), 400, "bad_request")
    assert "SPARQL Update" in err["message"]


def test_unknown_parameter_and_bad_graph_iri_400(http):
    err = _error(http.get("/sparql", params={"query": "ASK {}", "timeout": "5"}), 400, "bad_request")
    assert "'timeout'" in err["message"]
    _error(http.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}), 400, "bad_request")
    _error(http.get("/sparql", params={"query": "ASK {}", "format": "yaml"}), 400, "bad_request")


@pytest.mark.parametrize("accept", ["text/html", "image/png, text/plain;q=0.5", "*/*;q=0"])
def test_not_acceptable_406(http, accept):
    _error(_send(http, "GET", CITY_LABELS, accept=accept), 406, "not_acceptable")


def test_format_that_cannot_carry_the_result_406(http):
    _error(_send(http, "GET", DESCRIBE_PLAN, format="csv"), 406, "not_acceptable")
    _error(_send(http, "GET", CITY_LABELS, format="turtle"), 406, "not_acceptable")


def test_wrong_content_type_415(http):
    r = http.post("/sparql", content=CITY_LABELS.encode(), headers={"Content-Type": "text/plain"})
    _error(r, 415, "unsupported_media_type")
    r = http.post("/sparql", content=CITY_LABELS.encode(), headers={"Content-Type": ""})
    _error(r, 415, "unsupported_media_type")


def test_request_too_large_413(http, server):
    big = CITY_LABELS + " #" + "x" * server.settings.max_request_bytes
    _error(http.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}),
           413, "payload_too_large")
    _error(http.post("/sparql", data={"query": big}), 413, "payload_too_large")
    _error(http.get("/sparql", params={"query": big}), 413, "payload_too_large")


def test_body_not_utf8_400(http):
    r = http.post("/sparql", content="ASK { ?s ?p \"水戸\" }".encode("shift_jis"),
                  headers={"Content-Type": "application/sparql-query"})
    assert "UTF-8" in _error(r, 400, "bad_request")["message"]


def test_unknown_path_uses_envelope(http):
    _error(http.get("/no-such-thing"), 404, "not_found")


# ---------------------------------------------------------------- HEAD, OPTIONS, CORS


def test_head_has_get_headers_and_no_body(http):
    get = _send(http, "GET", CITY_LABELS, accept="text/csv")
    head = http.head("/sparql", params={"query": CITY_LABELS}, headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length", "x-result-rows", "vary"):
        assert head.headers[name] == get.headers[name]
    assert http.head("/sparql").status_code == 200  # service description


def test_options(http):
    r = http.options("/sparql")
    assert r.status_code == 204
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_cors_on_success_error_and_preflight(http):
    origin = {"Origin": "https://example.org"}
    ok = http.get("/sparql", params={"query": CITY_LABELS}, headers=origin)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip() for h in ok.headers["access-control-expose-headers"].split(",")}
    assert {"X-Result-Rows", "Link"} <= exposed  # a browser script reads the row count and the next page
    bad = http.get("/sparql", params={"query": "SELECT"}, headers=origin)
    assert bad.status_code == 400 and bad.headers["access-control-allow-origin"] == "*"
    pre = http.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert pre.headers["access-control-allow-origin"] == "*"


# ---------------------------------------------------------------- service description


SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.mark.parametrize("accept,rdflib_format", [(None, "turtle"), ("text/turtle", "turtle"),
                                                  ("application/ld+json", "json-ld"),
                                                  ("application/rdf+xml", "xml"),
                                                  ("application/n-triples", "nt")])
def test_service_description(http, server, accept, rdflib_format):
    r = http.get("/sparql", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    (service,) = g.subjects(rdflib.RDF.type, SD.Service)
    # the configured endpoint, not the address the request reached (the Host header)
    assert g.value(service, SD.endpoint) == rdflib.URIRef("https://plankg.org/sparql")
    assert "https://plankg.org/sparql" in str(g.value(service, rdflib.RDFS.comment))  # the base of relative IRIs
    assert rdflib.URIRef("http://www.w3.org/ns/formats/JSON-LD") in set(g.objects(service, SD.resultFormat))
    assert set(g.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}  # updates are off here
    assert SD.UnionDefaultGraph in set(g.objects(service, SD.feature))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in set(g.objects(service, SD.resultFormat))
    assert len(set(g.objects(service, SD.resultFormat))) == 10
    dataset = g.value(service, SD.defaultDataset)
    counts = {g.value(ng, SD.name): g.value(g.value(ng, SD.graph), VOID.triples).toPython()
              for ng in g.objects(dataset, SD.namedGraph)}
    assert counts == {rdflib.URIRef(REFERENCE_GRAPH): 24, rdflib.URIRef(OVERVIEW_GRAPH): 17}
    default = g.value(dataset, SD.defaultGraph)
    assert g.value(default, VOID.triples).toPython() == FIXTURE_TRIPLES


# ---------------------------------------------------------------- default graph and dataset


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(http, query: str, **params) -> int:
    r = http.get("/sparql", params={"query": query, **params})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_union(http):
    assert _count(http, COUNT) == FIXTURE_TRIPLES


def test_named_graphs_addressable(http):
    assert _count(http, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?s ?p ?o }} }}") == 24
    assert _count(http, COUNT, **{"default-graph-uri": OVERVIEW_GRAPH}) == 17
    assert _count(http, f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE_GRAPH}> WHERE {{ ?s ?p ?o }}") == 24
    # the protocol's dataset replaces the query's FROM
    assert _count(http, f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE_GRAPH}> WHERE {{ ?s ?p ?o }}",
                  **{"default-graph-uri": OVERVIEW_GRAPH}) == 17
    r = http.get("/sparql", params=[("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                    ("named-graph-uri", REFERENCE_GRAPH)])
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [REFERENCE_GRAPH]


def test_relative_from_resolves_against_the_endpoint(http):
    """Relative FROM IRIs resolve against the configured endpoint URL, also where the engine reads
    several FROM itself to merge them (regression: they were refused as invalid graph IRIs)."""
    both = "SELECT (COUNT(*) AS ?n) FROM <graph/reference> FROM <graph/mito-overview-2023> WHERE { ?s ?p ?o }"
    assert _count(http, both) == FIXTURE_TRIPLES
    assert _count(http, "SELECT (COUNT(*) AS ?n) FROM <graph/reference> WHERE { ?s ?p ?o }") == 24
    assert _count(http, both.replace("<graph/", "<https://plankg.org/graph/")) == FIXTURE_TRIPLES
