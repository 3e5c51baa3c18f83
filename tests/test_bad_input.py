"""Bad input over real HTTP: every malformed, oversized, hostile or nonsensical request gets a 4xx in
the one error envelope (kgservice.request.errors) — never a 500, never a dead query worker.

After each batch, ``assert_healthy`` checks that a normal query still answers and that the engine
still has the very same worker processes (no worker died and was replaced).

Fuzzing: Hypothesis mutates the named queries of queries/*.rq and generates SPARQL-ish fragments;
``max_examples`` is 60 per strategy in CI. A longer run: ``PLANKG_FUZZ_EXAMPLES=5000 pytest
tests/test_bad_input.py -k fuzz``. schemathesis runs against the service's OpenAPI document
(``/api/openapi.json``) with the ``not_a_server_error`` check (``PLANKG_SCHEMATHESIS_EXAMPLES``,
default 25 per operation).

Security: SERVICE allow-list admits exactly its entries (a loopback stub counts what reaches it),
the update token is compared with hmac.compare_digest and never logged.
"""

from __future__ import annotations
import hmac
import json
import logging
import os
import re
import socket
import threading
from pathlib import Path
from urllib.parse import quote
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import FIXTURE_TRIPLES, LiveServer, StubSparqlServer, UPDATE_TOKEN, _settings, build_store

ROOT = Path(__file__).resolve().parent.parent
FUZZ_EXAMPLES = int(os.environ.get("PLANKG_FUZZ_EXAMPLES", "60"))
SCHEMATHESIS_EXAMPLES = int(os.environ.get("PLANKG_SCHEMATHESIS_EXAMPLES", "25"))
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

ECHO_STRING = """#+ summary: Echo a string parameter (test only)
#+ parameters:
#+   - name: text
#+     type: string
#+     required: true
#+ example: {text: 水戸}
SELECT ?text (STR(?text) AS ?asString) (isLiteral(?text) AS ?literal) WHERE { }
"""
ECHO_IRI = """#+ summary: Echo an IRI parameter (test only)
#+ parameters:
#+   - name: thing
#+     type: iri
#+     required: true
#+   - name: year
#+     type: gYear
#+   - name: n
#+     type: integer
#+   - name: label
#+     type: lang-string
#+ example: {thing: "https://plankg.org/id/x"}
SELECT ?thing ?year ?n ?label (isIRI(?thing) AS ?iri) WHERE { }
"""


def _query_texts() -> list[str]:
    """The SPARQL of every named query, header stripped."""
    out = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out.append("\n".join(line for line in lines if not line.startswith("#+")))
    return out


QUERY_TEXTS = _query_texts()


@pytest.fixture(scope="module")
def stub():
    s = StubSparqlServer("stub")
    yield s
    s.close()


def _dumps(root: Path) -> Path:
    """A dumps root laid out like the build's (``current`` → a build dir with a dump and report.json)."""
    import pyoxigraph as ox

    from conftest import FIXTURE

    build = root / "build-1"
    build.mkdir()
    data = ox.serialize(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS)
    (build / "plankg.nq").write_bytes(data)
    (build / "report.json").write_text(json.dumps({"built_at": "2026-11-23T00:00:00+00:00", "records": 0,
                                                   "triples": FIXTURE_TRIPLES, "dumps": {"plankg.nq": len(data)},
                                                   "triples_per_graph": {}, "instances_per_class": {}}))
    (root / "current").symlink_to("build-1")
    return root


@pytest.fixture(scope="module")
def live(tmp_path_factory, stub):
    """A server of its own: the project's named queries plus two echo queries, the stub's exact URL
    allow-listed for SERVICE, updates on, 64 KiB request limit (room for deep nesting)."""
    queries = tmp_path_factory.mktemp("queries")
    for path in (ROOT / "queries").glob("*.rq"):
        (queries / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (queries / "test-echo.rq").write_text(ECHO_STRING, encoding="utf-8")
    (queries / "test-echo-iri.rq").write_text(ECHO_IRI, encoding="utf-8")
    settings_ = _settings(build_store(tmp_path_factory.mktemp("store-bad")), queries_dir=queries,
                          dumps_path=_dumps(tmp_path_factory.mktemp("dumps-bad")), sources_dir=ROOT / "sources",
                          service_allowlist=[stub.url], update_token=UPDATE_TOKEN,
                          max_request_bytes=65536, query_timeout_s=5.0)
    server = LiveServer(settings_).start()
    yield server
    server.stop()


@pytest.fixture
def http(live):
    with live.client() as client:
        yield client


def worker_pids(live) -> set[int]:
    return {r.proc.pid for r in live.app.state.engine._readers}


def assert_healthy(live, client: httpx.Client, pids_before: set[int]) -> None:
    """A normal query answers with the fixture's data, and no worker died in the meantime."""
    r = client.post("/sparql", data={"query": COUNT_ALL}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == FIXTURE_TRIPLES
    assert worker_pids(live) == pids_before, "a query worker died"
    assert all(r.proc.is_alive() for r in live.app.state.engine._readers)
    assert len(pids_before) == live.settings.workers


def assert_envelope(r: httpx.Response, *statuses: int) -> dict:
    """A 4xx (one of ``statuses`` when given) whose body is the error envelope with a message."""
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:500])
    if statuses:
        assert r.status_code in statuses, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json"), r.headers
    error = r.json()["error"]
    assert isinstance(error["kind"], str) and error["kind"]
    assert isinstance(error["message"], str) and len(error["message"]) > 5
    return error


def raw_request(live, head: bytes, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (httpx would normalise the path or percent-encode the bytes)."""
    with socket.create_connection(("127.0.0.1", live.settings.port), timeout=30) as sock:
        sock.sendall(head + body)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                header_block, _, rest = data.partition(b"\r\n\r\n")
                headers = {}
                for line in header_block.split(b"\r\n")[1:]:
                    k, _, v = line.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "-1"))
                if length >= 0 and len(rest) >= length:
                    break
    status = int(header_block.split(b" ", 2)[1])
    return status, headers, rest


def raw_get(live, target: bytes) -> tuple[int, dict[str, str], bytes]:
    return raw_request(live, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n"
                       b"Connection: close\r\n\r\n")


def envelope_of(status: int, headers: dict[str, str], body: bytes) -> dict:
    assert 400 <= status < 500, (status, body[:300])
    assert headers.get("content-type", "").startswith("application/json"), headers
    error = json.loads(body)["error"]
    assert error["kind"] and error["message"]
    return error


# --------------------------------------------------------------------------- fuzzing SPARQL

FRAGMENTS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", "?x", "?y",
             "$z", "<urn:a>", "<https://plankg.org/id/", "ex:a", "PREFIX", "ex:", "BASE", "a", ".", ";", ",",
             "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "AS", "VALUES", "UNDEF", "COUNT(*)",
             "GROUP BY", "ORDER BY", "DESC", "LIMIT", "OFFSET", "-1", "1e999", "0x1", '"水戸市"', "'''",
             '"""', "@ja", "@", "^^", "<http://www.w3.org/2001/XMLSchema#integer>", "REGEX", "STR", "LANG",
             "||", "&&", "!", "=", "!=", "<", ">", "+", "*", "/", "|", "^", "?", "#", "\\u0000", "\\", "\n",
             "SERVICE", "SILENT", "LOAD", "INSERT DATA", "DELETE", "DROP ALL", "FROM", "NAMED", "EXISTS",
             "NOT", "IN", "SUBSTR", "CONCAT", "\x00", "\ufeff", "\u202e", "𠮷", "😀"]

fragments = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map(" ".join)


@st.composite
def mutated_queries(draw) -> str:
    """A named query with 1–4 random mutations: delete, duplicate or replace a span, insert text."""
    text = draw(st.sampled_from(QUERY_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        n = len(text)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 40)))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "truncate"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "truncate":
            text = text[:i]
        else:
            new = draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=8)))
            text = text[:i] + new + (text[i:] if op == "insert" else text[j:])
    return text


def send_query(client: httpx.Client, method: str, query: str) -> httpx.Response:
    if method == "GET":
        return client.get("/sparql", params={"query": query})
    if method == "form":
        return client.post("/sparql", data={"query": query})
    return client.post("/sparql", content=query.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-query"})


def _fuzz(live, client, query: str, method: str, outcomes: dict) -> None:
    r = send_query(client, method, query)
    if r.status_code == 503 and r.json()["error"]["kind"] == "timeout":
        outcomes["timeout"] = outcomes.get("timeout", 0) + 1  # a valid but heavy query: not bad input
        return
    assert r.status_code < 500, (r.status_code, r.text[:500], query)
    if r.status_code >= 400:
        assert_envelope(r)
    outcomes[r.status_code] = outcomes.get(r.status_code, 0) + 1


FUZZ_SETTINGS = settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("source", ["mutations", "fragments"])
def test_fuzz_sparql_never_500_and_no_worker_dies(live, http, source):
    before = worker_pids(live)
    outcomes: dict = {}
    strategy = mutated_queries() if source == "mutations" else fragments

    @FUZZ_SETTINGS
    @given(query=strategy, method=st.sampled_from(["GET", "form", "direct"]))
    def run(query: str, method: str) -> None:
        _fuzz(live, http, query, method, outcomes)

    run()
    assert any(k for k in outcomes if isinstance(k, int) and k >= 400), outcomes  # the fuzzer hit errors
    if outcomes.get("timeout"):  # each timeout replaces a worker by design: wait for the pool to refill
        for _ in range(200):
            if len(worker_pids(live)) == live.settings.workers:
                break
            threading.Event().wait(0.05)
        before = worker_pids(live)
    assert_healthy(live, http, before)


def test_an_unknown_function_is_the_querys_fault(live, http):
    """A cast to a mistyped XSD IRI (found by the fuzzer in cq-element-child-counts' ORDER BY) is a 400
    naming the function, not a 500."""
    r = http.post("/sparql", data={"query": 'SELECT (<ttp://www.w3.org/2001/XMLSchema#integer>("7") AS ?n) {}'})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["kind"] == "bad_request"
    assert "<ttp://www.w3.org/2001/XMLSchema#integer>" in r.json()["error"]["message"]
    assert_healthy(live, http, worker_pids(live))


def test_every_named_query_text_is_valid_as_adhoc_sparql(http):
    """The fuzzer's seeds are real queries: unmutated, they parse (200 or a row-capped 200)."""
    for text in QUERY_TEXTS:
        r = http.post("/sparql", data={"query": text})
        assert r.status_code == 200, (r.text[:300], text[:200])


# --------------------------------------------------------------------------- deep nesting, long chains


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "SELECT * WHERE { ?s <urn:p> " + "[ <urn:p> " * 3000 + "1" + " ]" * 3000 + " }",
    "SELECT * WHERE { FILTER(" + "STR(" * 3000 + "1" + ")" * 3000 + ") }",
    "SELECT (" + "1+" * 20000 + "1 AS ?x) {}",
    "SELECT * { FILTER(" + "true||" * 9000 + "true) }",
    "SELECT * { " + " UNION ".join(["{?s ?p ?o}"] * 5000) + " }",
    "ASK { ?s " + "/".join(["<urn:p>"] * 8000) + " ?o }",
    "SELECT * WHERE { FILTER(" + "(" * 5000,  # unbalanced too
], ids=["parens", "braces", "blank-nodes", "calls", "plus-chain", "or-chain", "union-chain", "path-chain",
        "unclosed"])
def test_deep_nesting_and_long_chains_are_refused_with_400(live, http, query):
    before = worker_pids(live)
    for method in ("GET", "form", "direct"):
        if method == "GET" and len(quote(query)) > 60000:
            continue  # past httpx's URL limit; test_query_string_past_url_limits sends such lines raw
        r = send_query(http, method, query)
        error = assert_envelope(r, 400, 413)
        if r.status_code == 400:
            assert re.search(r"nests brackets deeper|chains more than|syntax|error at", error["message"]), error
    assert_healthy(live, http, before)


def test_nesting_at_the_limit_still_answers(http):
    from kgservice.engine.sparqltext import MAX_NESTING

    depth = MAX_NESTING - 3  # SELECT {, FILTER( and the operand's own
    r = http.post("/sparql", data={"query": "ASK { FILTER(" + "(" * depth + "true" + ")" * depth + ") }"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = http.post("/sparql", data={"query": "ASK { FILTER(" + "(" * (depth + 10) + "true" + ")" * (depth + 10)
                                   + ") }"})
    assert_envelope(r, 400)


def test_nested_update_refused_before_the_writer(live, http):
    r = http.post("/sparql", data={"update": "INSERT { <urn:a> <urn:b> 1 } WHERE { " + "{" * 5000 + "}" * 5000
                                   + " }"}, headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
    error = assert_envelope(r, 400)
    assert "nests brackets deeper" in error["message"]


# --------------------------------------------------------------------------- content types, bodies, encodings


@pytest.mark.parametrize("ctype,expected", [
    (None, 415), ("", 415), ("text/plain", 415), ("application/json", 415), ("multipart/form-data; boundary=x", 415),
    ("application/sparql-results+json", 415), ("application/x-www-form-urlencoded", 400),
    ("application/sparql-query", 400), ("APPLICATION/SPARQL-QUERY; charset=utf-8", 400)
])
def test_wrong_or_missing_content_type(live, http, ctype, expected):
    """Missing/unknown types are 415; the right type with an empty or broken body is 400."""
    before = worker_pids(live)
    headers = {} if ctype is None else {"Content-Type": ctype}
    body = b"" if "sparql-query" in (ctype or "").lower() else b"query=SELECT%20*%20%7B"
    r = http.post("/sparql", content=body, headers=headers)
    assert_envelope(r, expected)
    assert_healthy(live, http, before)


def test_named_query_post_with_wrong_content_type(http):
    assert_envelope(http.post("/queries/list-plans", content=b"{}", headers={"Content-Type": "application/json"}), 415)


@pytest.mark.parametrize("how", ["declared", "chunked", "form", "update", "gsp", "named-query-form"])
def test_huge_bodies_413(live, http, how):
    """Every body is read under max_request_bytes (kgservice.request.params); a named query's POST form
    was read with no cap (regression)."""
    before = worker_pids(live)
    limit = live.settings.max_request_bytes
    big = ("SELECT * WHERE { ?s ?p ?o } # " + "x" * (limit + 10)).encode()
    auth = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    if how == "declared":
        r = http.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    elif how == "chunked":  # no Content-Length: the stream is cut at the limit
        r = http.post("/sparql", content=iter([big[i:i + 8192] for i in range(0, len(big), 8192)]),
                      headers={"Content-Type": "application/sparql-query"})
    elif how == "form":
        r = http.post("/sparql", data={"query": big.decode()})
    elif how == "update":
        r = http.post("/sparql", content=big, headers={"Content-Type": "application/sparql-update", **auth})
    elif how == "named-query-form":
        r = http.post("/queries/test-echo", data={"text": "x" * (limit + 10)})
    else:
        r = http.put("/store", params={"graph": "urn:g"}, content=b"<urn:a> <urn:b> <urn:c> .\n" * 5000,
                     headers={"Content-Type": "application/n-triples", **auth})
    assert_envelope(r, 413)
    assert_healthy(live, http, before)


def test_malformed_content_length(live):
    status, headers, body = raw_request(live, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                        b"application/sparql-query\r\nContent-Length: 1e3\r\nConnection: close\r\n\r\n")
    assert 400 <= status < 500  # h11 refuses it before the app (plain text), or the app's envelope


@pytest.mark.parametrize("where", ["query-string", "form-body", "direct-body", "update-body", "raw-url"])
def test_invalid_utf8_400(live, http, where):
    before = worker_pids(live)
    if where == "query-string":
        r = http.get("/sparql?query=SELECT%20%3Fx%20%7B%7D%20%23%FF%FE")
        assert_envelope(r, 400)
    elif where == "form-body":
        r = http.post("/sparql", content=b"query=ASK%20%7B%7D%23%C3%28",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert_envelope(r, 400)
    elif where == "direct-body":
        r = http.post("/sparql", content=b"ASK { \"\xff\xfe\" }", headers={"Content-Type": "application/sparql-query"})
        assert "not UTF-8" in assert_envelope(r, 400)["message"]
    elif where == "update-body":
        r = http.post("/sparql", content=b"INSERT DATA { <urn:a> <urn:b> \"\xc3\x28\" }",
                      headers={"Content-Type": "application/sparql-update",
                               "Authorization": f"Bearer {UPDATE_TOKEN}"})
        assert_envelope(r, 400)
    else:  # raw bytes, not percent-encoded, in the request target
        status, headers, body = raw_get(live, b"/sparql?query=ASK%20%7B%7D%23\xff\xfe")
        assert 400 <= status < 500, (status, body[:200])
    assert_healthy(live, http, before)


def test_named_query_invalid_utf8_parameter(http):
    r = http.get("/queries/test-echo?text=%FF%FE")
    assert r.status_code < 500
    if r.status_code >= 400:
        assert_envelope(r)


@pytest.mark.parametrize("size", [70_000, 200_000, 1_000_000])
def test_query_string_past_url_limits(live, http, size):
    """Over max_request_bytes the app answers 413 in the envelope; past the HTTP parser's own line limit
    uvicorn refuses before the app (a 4xx or a closed connection), and the service lives on."""
    before = worker_pids(live)
    target = b"/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } #" + "x" * size).encode()
    try:
        status, headers, body = raw_get(live, target)
    except (ConnectionError, OSError, UnboundLocalError):
        status = None  # the server closed the connection on an over-long request line
    if status is not None:
        assert 400 <= status < 500, status
        if size <= live.settings.max_request_bytes or headers.get("content-type", "").startswith("application/json"):
            assert envelope_of(status, headers, body)["kind"] == "payload_too_large"
    assert_healthy(live, http, before)


@pytest.mark.parametrize("accept", ["\x7f/\x7f", "text/html;q=abc", "*/*;q=2", ";;;", "a" * 5000])
def test_garbage_accept(http, accept):
    r = http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": accept})
    assert r.status_code in (200, 400, 406), r.status_code
    if r.status_code != 200:
        assert_envelope(r)


@pytest.mark.parametrize("params", [
    {"query": "ASK {}", "default-graph-uri": "not an iri"},
    {"query": "ASK {}", "named-graph-uri": "http://a b"},
    {"query": "ASK {}", "format": "exe"},
    {"query": "ASK {}", "bogus": "1"},
    {"query": "", "format": "json"},
    {"query": "   \n\t "},
])
def test_bad_protocol_parameters(http, params):
    assert_envelope(http.get("/sparql", params=params), 400)


# --------------------------------------------------------------------------- named query parameters


INJECTIONS = [
    '" } ; DROP ALL ; #',
    '"} UNION { ?s ?p ?o } #',
    "') } SELECT * WHERE { ?s ?p ?o } #",
    '"""\n} INSERT DATA { <urn:x> <urn:y> <urn:z> } #',
    "\\\" ; CLEAR DEFAULT",
    "<https://plankg.org/id/x> . ?s ?p ?o",
    "水戸市\"@ja ; #",
    "\x00\x01\x02",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_string_parameter_injection_stays_a_literal(live, http, value):
    before = worker_pids(live)
    r = http.get("/queries/test-echo", params={"text": value}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    rows = r.json()["results"]["bindings"]
    assert len(rows) == 1  # one row: the value did not add patterns
    assert rows[0]["asString"]["value"] == value
    assert rows[0]["literal"]["value"] == "true"
    assert_healthy(live, http, before)  # and the store still has exactly its triples


@pytest.mark.parametrize("params,parameter", [
    ({"thing": "https://plankg.org/id/x> } ; DROP ALL ; <urn:x"}, "thing"),
    ({"thing": "<https://plankg.org/id/x>"}, "thing"),
    ({"thing": "not an iri"}, "thing"),
    ({"thing": "https://plankg.org/id/x", "year": "2020 } #"}, "year"),
    ({"thing": "https://plankg.org/id/x", "n": "1) } UNION { ?s ?p ?o"}, "n"),
    ({"thing": "https://plankg.org/id/x", "n": "1e5"}, "n"),
    ({"thing": "https://plankg.org/id/x", "label": "水戸@ja } #"}, "label"),
    ({"thing": "https://plankg.org/id/x", "label": "水戸@12345678901"}, "label"),
    ({"thing": "https://plankg.org/id/x", "query": "SELECT * {}"}, None),
    ({"thing": "https://plankg.org/id/x", "unknown": "1"}, "unknown"),
    ({}, "thing"),
])
def test_typed_parameter_injection_400(http, params, parameter):
    error = assert_envelope(http.get("/queries/test-echo-iri", params=params), 400)
    if parameter:
        assert error.get("parameter") == parameter, error


def test_repeated_parameter_400(http):
    error = assert_envelope(http.get("/queries/test-echo?text=a&text=b"), 400)
    assert error["parameter"] == "text"


def test_injection_via_every_string_parameter_of_the_project_queries(live, http):
    """Each real named query with a string parameter, given a closing-quote payload, answers 200 (the
    payload is a literal that matches nothing) and leaves the store as it was."""
    before = worker_pids(live)
    listing = http.get("/queries.json").json()["queries"]
    tried = 0
    for q in listing:
        for p in q["parameters"]:
            if p["type"] != "string":
                continue
            params = dict(q["example"])
            params[p["name"]] = '" } } ; DROP ALL ; SELECT * { ?s ?p ?o } #'
            r = http.get(f"/queries/{q['name']}", params=params)
            assert r.status_code == 200, (q["name"], r.text[:300])
            tried += 1
    assert tried >= 5
    assert_healthy(live, http, before)


# --------------------------------------------------------------------------- path traversal


@pytest.mark.parametrize("target", [
    b"/id/../../etc/passwd", b"/id/%2e%2e/%2e%2e/etc/passwd", b"/id/..%2f..%2fetc%2fpasswd",
    b"/def/../../../etc/passwd", b"/graph/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", b"/static/../../etc/passwd",
    b"/static/..%2f..%2f..%2fetc%2fpasswd", b"/static/%2e%2e", b"/static/.env", b"/static/%2e%2e%2fapp.py",
    b"/static/..%5c..%5cetc%5cpasswd", b"/queries/..%2f..%2fetc%2fpasswd", b"/queries/../../etc/passwd.rq",
    b"/id/%00", b"/id/\xff", b"/dumps/../../etc/passwd", b"/dumps/%2e%2e/%2e%2e/etc/passwd",
    b"/dumps/..%2f..%2fpyproject.toml", b"/../../../../etc/passwd",
])
def test_path_traversal_never_reads_files(live, target):
    status, headers, body = raw_get(live, target)
    assert 400 <= status < 500, (status, body[:300])
    assert b"root:" not in body and b"[project]" not in body and b"import " not in body
    if headers.get("content-type", "").startswith("application/json"):
        envelope_of(status, headers, body)


def test_dump_route_traversal(live):
    for target in (b"/dumps/../../pyproject.toml", b"/dumps/..%2f..%2fpyproject.toml", b"/dumps/%2e%2e",
                   b"/dumps/.hidden", b"/dumps/current/../../../etc/passwd", b"/dumps/report.json",
                   b"/dumps/%2e%2e%2freport.json", b"/dumps/..%2fcurrent%2fplankg.nq"):
        status, headers, body = raw_get(live, target)
        assert 400 <= status < 500, (target, status)
        assert b"[project]" not in body and b"root:" not in body and b"built_at" not in body
        if headers.get("content-type", "").startswith("application/json"):
            envelope_of(status, headers, body)
    status, headers, body = raw_get(live, b"/dumps/plankg.nq")  # the one real file is served
    assert status == 200 and body.count(b"\n") == FIXTURE_TRIPLES


# --------------------------------------------------------------------------- SERVICE allow-list (SSRF)


def test_allow_listed_service_reaches_exactly_the_stub(http, stub):
    stub.requests.clear()
    r = http.get("/sparql", params={"query": f"SELECT ?x WHERE {{ SERVICE <{stub.url}> {{ ?x ?p ?o }} }}"})
    assert r.status_code == 200, r.text
    assert [b["x"]["value"] for b in r.json()["results"]["bindings"]] == ["stub"]
    assert len(stub.requests) == 1 and stub.requests[0][2].startswith("/sparql")


def _variants(url: str, port: int) -> list[str]:
    other = port + 1 if port < 65535 else port - 1
    return [
        url.replace(f":{port}", f":{other}"),                    # a different port
        url.replace("127.0.0.1", "localhost"),                   # another name for the same host
        url + "/",                                               # a trailing slash
        url + "?x=1",                                            # a query string
        url + "x",                                               # a prefix of a longer path
        url.replace("/sparql", "/SPARQL"),                       # case in the path
        url.replace("http://", "HTTP://"),                       # case in the scheme
        url.replace("127.0.0.1", "127.0.0.1.evil.example"),     # prefix trick on the host
        url.replace("http://", "http://user@"),                  # userinfo
        url.replace("127.0.0.1", "0x7f.0.0.1"),                  # numeric host tricks
        url.replace("127.0.0.1", "[::ffff:127.0.0.1]"),
        url.replace("/sparql", "/./sparql"),
        url.replace("/sparql", "/%73parql"),
        "https" + url[4:],
    ]


def test_allow_list_admits_nothing_else(http, stub):
    stub.requests.clear()
    variants = _variants(stub.url, stub.port)
    for target in variants:
        for query in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
                      f"PREFIX e: <{target}> SELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}"):
            r = http.get("/sparql", params={"query": query})
            error = assert_envelope(r, 403)  # the one status of kind forbidden (it was 400 here, 403 elsewhere)
            assert error["kind"] == "forbidden", (target, error)
    # a variable target, a BASE trick and a prefixed name resolving elsewhere
    for query in ("SELECT * WHERE { BIND(<%s> AS ?u) SERVICE ?u { ?s ?p ?o } }" % stub.url,
                  "BASE <http://evil.example/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
                  "PREFIX s: <%s> SELECT * WHERE { SERVICE s:x { ?s ?p ?o } }" % stub.url):
        assert assert_envelope(http.get("/sparql", params={"query": query}), 403)["kind"] == "forbidden"
    assert stub.requests == []


def test_allow_list_by_prefixed_name_and_base_resolution(http, stub):
    """The same exact IRI written with a prefix or relative to BASE is admitted (it *is* the entry)."""
    stub.requests.clear()
    base, local = stub.url.rsplit("/", 1)
    for query in (f"PREFIX s: <{base}/> SELECT ?x WHERE {{ SERVICE s:{local} {{ ?x ?p ?o }} }}",
                  f"BASE <{base}/> SELECT ?x WHERE {{ SERVICE <{local}> {{ ?x ?p ?o }} }}"):
        r = http.get("/sparql", params={"query": query})
        assert r.status_code == 200, r.text
    assert len(stub.requests) == 2


def test_load_refused_even_for_the_allow_listed_host_with_another_path(http, stub):
    stub.requests.clear()
    r = http.post("/sparql", data={"update": f"LOAD <{stub.url.replace('/sparql', '/data.ttl')}>"},
                  headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert assert_envelope(r, 403)["kind"] == "forbidden"
    assert stub.requests == []


# --------------------------------------------------------------------------- update token


def test_token_is_compared_with_compare_digest(live, http, monkeypatch):
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def recording(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    r = http.post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
                  headers={"Authorization": "Bearer wrong-token"})
    assert_envelope(r, 403)
    assert calls == [(b"wrong-token", UPDATE_TOKEN.encode())]
    calls.clear()
    r = http.put("/store", params={"graph": "urn:tok"}, content=b"<urn:a> <urn:b> <urn:c> .",
                 headers={"Authorization": "Bearer " + UPDATE_TOKEN[:-1], "Content-Type": "application/n-triples"})
    assert_envelope(r, 403)
    assert len(calls) == 1
    # the comparison is the only check: a token differing in its last character is refused the same way
    from kgservice.protocol import update as updates

    assert "compare_digest" in Path(updates.__file__).read_text() and "==" not in \
        Path(updates.__file__).read_text().split("def authorize")[1].split("async def")[0]


def test_token_never_logged(live, http, caplog):
    """A whole session of writes with the right and wrong tokens: neither token is in any log record."""
    wrong = "wrong-" + UPDATE_TOKEN[::-1]
    with caplog.at_level(logging.DEBUG):
        for token in (UPDATE_TOKEN, wrong):
            auth = {"Authorization": f"Bearer {token}"}
            http.post("/sparql", data={"update": "INSERT DATA { GRAPH <urn:tok> { <urn:a> <urn:b> 1 } }"},
                      headers=auth)
            http.post("/sparql", data={"update": "INSERT DATA { GRAPH <urn:tok> { <urn:a> <urn:b> "}, headers=auth)
            http.delete("/store", params={"graph": "urn:tok"}, headers=auth)
        logging.getLogger("kgservice").info("settings: %s", live.settings)  # SecretStr masks it
    text = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert caplog.records, "nothing was logged: the check would be empty"
    assert UPDATE_TOKEN not in text and wrong not in text
    assert UPDATE_TOKEN not in repr(live.settings) and UPDATE_TOKEN not in str(live.settings.model_dump())


# --------------------------------------------------------------------------- schemathesis


def test_schemathesis_no_server_errors(live, tmp_path):
    """schemathesis over /api/openapi.json: every documented operation, generated inputs, zero 5xx."""
    import subprocess
    import sys

    before = worker_pids(live)
    exe = Path(sys.executable).with_name("schemathesis")
    if not exe.exists():
        pytest.fail("schemathesis is not installed in the virtualenv (pip install schemathesis==4.32.5)")
    report = tmp_path / "junit.xml"
    proc = subprocess.run([str(exe), "run", f"{live.url}/api/openapi.json", "--checks", "not_a_server_error",
                           "--max-examples", str(SCHEMATHESIS_EXAMPLES), "--seed", "1", "--workers", "1",
                           "--report", "junit", "--report-junit-path", str(report), "--no-color"],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert re.search(r"\b\d+ passed\b|\bpassed\b", out), out[-2000:]
    assert_healthy(live, httpx.Client(base_url=live.url, timeout=30), before)


def test_one_status_per_kind():
    """The one kind→status table (kgservice.request.errors.STATUS): ``forbidden`` was sent as 400 for a
    refused SERVICE/LOAD and as 405 by the remote engine; a kind outside the table cannot be raised."""
    from kgservice.request.errors import STATUS, ServiceError

    assert STATUS["forbidden"] == 403 and STATUS["too_many_rows"] == 422 and STATUS["bad_gateway"] == 502
    for kind, status in STATUS.items():
        assert ServiceError(kind, "x").status == status
        assert ServiceError(kind, "x", status=status).status == status
    with pytest.raises(ValueError):
        ServiceError("forbidden", "x", status=400)
    with pytest.raises(ValueError):
        ServiceError("no_such_kind", "x")
