"""The W3C SPARQL 1.1 Protocol test suite against ``/sparql`` on a live server over a copy of the real store.

The tests are read from the W3C manifest itself (tests/fixtures/w3c-protocol/, copied unchanged from
w3c/rdf-tests ``sparql/sparql11/protocol/``; see the LICENSE.md beside it): one pytest case per
``mf:entries`` member, each sending its ``ht:Request`` list in order and checking every
``ht:Response`` (status class, result format, ASK boolean). The graphs of ``ut:graphData`` are
loaded first, with one update through the service.

What the runner adds to the W3C requests, and why:
- the paths' ``/sparql/`` prefix becomes this service's ``/sparql`` (the manifest asks for that);
- ``Host`` is the manifest's ``ht:connectionAuthority`` (``www.example``): the service must not take
  its base IRI from it;
- ``Authorization: Bearer …`` on every request: this service takes writes only with a token, which the
  W3C requests leave to the deployment (queries ignore the header).
"""

from __future__ import annotations
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS
from conftest import UPDATE_TOKEN, LiveServer, free_port
from kgservice.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "w3c-protocol"
BASE = "https://plankg.org/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"


@dataclass
class Expected:
    status_classes: set[int]  # 2 for StatusCode2xx …
    format: str | None  # "boolean", "tabular", "RDF" or None
    boolean: bool | None


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass
class ProtocolTest:
    name: str  # the local name of the test IRI
    label: str
    authority: str
    graph_data: dict[str, str] = field(default_factory=dict)  # graph IRI → N-Triples
    requests: list[HttpRequest] = field(default_factory=list)


def _list(graph: Graph, head) -> list:
    return list(Collection(graph, head)) if head is not None else []


def read_manifest(path: Path = FIXTURES / "manifest.ttl") -> list[ProtocolTest]:
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = URIRef(path.as_uri())
    tests = []
    for node in _list(graph, graph.value(manifest, MF.entries)):
        action = graph.value(node, MF.action)
        test = ProtocolTest(str(node).rsplit("#", 1)[-1], str(graph.value(node, MF.name)),
                            str(graph.value(action, HT.connectionAuthority)))
        for data in graph.objects(node, UT.graphData):
            file = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
            test.graph_data[str(graph.value(data, RDFS.label))] = file.read_text(encoding="utf-8")
        for req in _list(graph, graph.value(action, HT.requests)):
            headers = {str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                       for h in _list(graph, graph.value(req, HT.headers))}
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            resp = graph.value(req, HT.resp)
            statuses = {int(str(s).removeprefix(HTS)[0]) for s in graph.objects(resp, MF.expectedStatus)}
            fmt = graph.value(resp, MF.expectedFormat)
            boolean = graph.value(resp, MF.expectedBoolean)
            test.requests.append(HttpRequest(
                str(graph.value(req, HT.methodName)), str(graph.value(req, HT.absolutePath)), headers, body,
                Expected(statuses, str(fmt) if fmt is not None else None,
                         boolean.toPython() if boolean is not None else None)))
        tests.append(test)
    return tests


TESTS = read_manifest()


def test_the_manifest_is_read_whole():
    """All 34 entries of the W3C manifest, each with its requests and expectations."""
    assert len(TESTS) == 34
    assert len({t.name for t in TESTS}) == 34
    assert all(t.requests and all(r.expected.status_classes for r in t.requests) for t in TESTS)
    assert sum(len(t.requests) for t in TESTS) == 39  # five update tests have a second, checking request
    assert {t.authority for t in TESTS} == {"www.example"}


@pytest.fixture(scope="module")
def w3c_server(real_store, tmp_path_factory):
    """A writable copy of the real store, served with updates on (the suite clears and writes graphs)."""
    root = tmp_path_factory.mktemp("w3c-store")
    shutil.copytree(os.path.realpath(real_store), root / "store-1")
    (root / "current").symlink_to("store-1")
    settings = Settings(store_path=root / "current", base_iri=BASE, host="127.0.0.1", port=free_port(),
                        query_timeout_s=20.0, workers=2, update_token=UPDATE_TOKEN,
                        dumps_path=root / "dumps")
    live = LiveServer(settings).start()
    yield live
    live.stop()


def _load(client: httpx.Client, graph_data: dict[str, str]) -> None:
    inserts = " ".join(f"GRAPH <{iri}> {{ {nt} }}" for iri, nt in graph_data.items())
    drops = " ".join(f"DROP SILENT GRAPH <{iri}> ;" for iri in graph_data)
    r = client.post("/sparql", content=f"{drops} INSERT DATA {{ {inserts} }}".encode(),
                    headers={"Content-Type": "application/sparql-update",
                             "Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert r.status_code == 204, r.text


RESULTS_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML}
TABULAR_TYPES = {**RESULTS_TYPES, "text/csv": ox.QueryResultsFormat.CSV,
                 "text/tab-separated-values": ox.QueryResultsFormat.TSV}
# The protocol's list for graphs is "RDF/XML, Turtle, N-Triples, RDFa"; every RDF syntax is taken here.
RDF_TYPES = {f.media_type: f for f in (ox.RdfFormat.RDF_XML, ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES,
                                       ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD)}


def check_response(r: httpx.Response, expected: Expected) -> None:
    assert r.status_code // 100 in expected.status_classes, (r.status_code, r.text[:500])
    assert r.status_code < 500, r.text[:500]
    if r.status_code >= 400:  # the one error envelope
        assert r.json()["error"]["kind"] and r.json()["error"]["message"]
        return
    media_type = r.headers.get("content-type", "").split(";")[0].strip()
    if expected.format == "boolean":
        assert media_type in RESULTS_TYPES, media_type
        parsed = ox.parse_query_results(r.content, format=RESULTS_TYPES[media_type])
        assert isinstance(parsed, ox.QueryBoolean)
        if expected.boolean is not None:
            assert bool(parsed) is expected.boolean
    elif expected.format == "tabular":
        assert media_type in TABULAR_TYPES, media_type
        parsed = ox.parse_query_results(r.content, format=TABULAR_TYPES[media_type])
        assert isinstance(parsed, ox.QuerySolutions)
        assert [v.value for v in parsed.variables] == ["value"]
        assert [row["value"].value for row in parsed] == ["1"]
    elif expected.format == "RDF":
        assert media_type in RDF_TYPES, media_type
        list(ox.parse(r.content, format=RDF_TYPES[media_type]))


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(test: ProtocolTest, w3c_server):
    auth = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    with httpx.Client(base_url=w3c_server.url, timeout=60, headers={"Host": test.authority}) as client:
        if test.graph_data:
            _load(client, test.graph_data)
        for req in test.requests:
            assert req.path.startswith("/sparql/")
            path = "/sparql" + req.path[len("/sparql/"):]
            r = client.request(req.method, path, content=req.body, headers={**req.headers, **auth})
            check_response(r, req.expected)


def test_relative_iris_resolve_against_the_configured_endpoint(w3c_server):
    """query_content_type_construct and update_base_uri, with the IRIs they produce: the base is the
    endpoint URL under the configured base IRI, whatever Host the request names."""
    with httpx.Client(base_url=w3c_server.url, timeout=60, headers={"Host": "www.example"}) as client:
        r = client.post("/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
        assert r.status_code == 200, r.text
        assert r.text.strip() == (f'<{BASE}s> <{BASE}p> '
                                  '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
        r = client.post("/sparql", content=b"INSERT DATA { GRAPH <http://example.org/base> { <a> <b> <c> } }",
                        headers={"Content-Type": "application/sparql-update",
                                 "Authorization": f"Bearer {UPDATE_TOKEN}"})
        assert r.status_code == 204, r.text
        r = client.get("/sparql", params={"query": "SELECT ?s ?o { GRAPH <http://example.org/base> { ?s <b> ?o } }"},
                       headers={"Accept": "application/sparql-results+json"})
        rows = r.json()["results"]["bindings"]
        assert [(row["s"]["value"], row["o"]["value"]) for row in rows] == [(BASE + "a", BASE + "c")]
        # a BASE of the request's own still wins
        r = client.get("/sparql", params={"query": "BASE <http://example.org/x/> ASK { FILTER(STR(<y>) = "
                                                   "\"http://example.org/x/y\") }"},
                       headers={"Accept": "application/sparql-results+json"})
        assert r.json()["boolean"] is True
