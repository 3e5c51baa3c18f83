"""Limits over real HTTP: the timeout that kills the worker, the row cap (refused, never cut), SERVICE/LOAD refusal
(a loopback stub must receive nothing), the allow-list, the concurrency cap."""

from __future__ import annotations
import os
import threading
import time
import pyoxigraph as ox
import pytest
from conftest import LiveServer, StubSparqlServer, UPDATE_TOKEN, _settings, build_store

# 41 triples, seven times over: ~2e11 solutions, far past any deadline.
PATHOLOGICAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
                "?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u }")
ALL_TRIPLES = "SELECT * WHERE { ?s ?p ?o }"  # 41 rows
PAIRS = "SELECT * WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 } LIMIT 120"


@pytest.fixture(scope="module")
def stub():
    s = StubSparqlServer()
    yield s
    s.close()


@pytest.fixture(scope="module")
def limits(tmp_path_factory, stub):
    """A server of its own (killing workers must not disturb other tests), with updates on and the
    stub's URL allow-listed for SERVICE."""
    live = LiveServer(_settings(build_store(tmp_path_factory.mktemp("store-limits")), update_token=UPDATE_TOKEN,
                                service_allowlist=[stub.url], admission_wait_s=0.5)).start()
    yield live
    live.stop()


@pytest.fixture
def client(limits):
    with limits.client() as c:
        yield c


def _reader_pids(live) -> set[int]:
    return {r.proc.pid for r in live.app.state.engine._readers}


def test_timeout_kills_the_worker_and_the_next_query_is_answered(client, limits):
    before = _reader_pids(limits)
    r = client.get("/sparql", params={"query": PATHOLOGICAL})
    assert r.status_code == 503
    assert r.json()["error"]["kind"] == "timeout"
    assert "2 s" in r.json()["error"]["message"]
    started = time.monotonic()
    r = client.get("/sparql", params={"query": "ASK { ?s ?p \"水戸市\"@ja }"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert time.monotonic() - started < 1.0
    # the worker that ran the query is gone (SIGKILL), not left computing
    killed = before - _reader_pids(limits)
    assert len(killed) == 1
    (pid,) = killed
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"reader {pid} still alive after the timeout")
    # and a replacement joins the pool
    for _ in range(200):
        if len(_reader_pids(limits)) == 2:
            break
        time.sleep(0.05)
    assert len(_reader_pids(limits)) == 2


def test_over_the_row_cap_is_refused_never_cut(client, limits):
    """120 rows over a cap of 50: an error in the body, in every results format, never 50 rows."""
    cap = limits.settings.max_rows
    assert cap == 50
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                   "text/tab-separated-values"):
        r = client.get("/sparql", params={"query": PAIRS}, headers={"Accept": accept})
        assert r.status_code == 422, accept
        err = r.json()["error"]
        assert err["kind"] == "too_many_rows" and err["max_rows"] == cap and "more than 50 rows" in err["message"]
        assert "x-result-truncated" not in r.headers


def test_under_the_cap_whole(client):
    r = client.get("/sparql", params={"query": ALL_TRIPLES})
    assert len(r.json()["results"]["bindings"]) == 41
    assert r.headers["x-result-rows"] == "41"
    r = client.get("/sparql", params={"query": PAIRS.replace("120", "50")})  # exactly the cap
    assert r.status_code == 200 and r.headers["x-result-rows"] == "50"
    assert len(r.json()["results"]["bindings"]) == 50


def test_construct_cap(client, limits):
    q = "CONSTRUCT { ?s ?p ?o . ?s2 <urn:pair> ?o } WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 }"
    for accept in ("application/n-triples", "text/turtle"):
        r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 422 and r.json()["error"]["kind"] == "too_many_rows"
        assert "more than 50 triples" in r.json()["error"]["message"]
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["x-result-rows"] == "41"
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) == 41


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:{port}/other> { ?s ?p ?o } }",
    "PREFIX r: <http://127.0.0.1:{port}/> SELECT * WHERE { service r:other { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?o } }",
])
def test_service_refused_and_stub_untouched(client, stub, query):
    port = stub.url.split(":")[2].split("/")[0]
    # only the exact allow-listed IRI may be reached; other IRIs and variables are refused
    stub.requests.clear()
    r = client.get("/sparql", params={"query": query.replace("{url}", stub.url).replace("{port}", port)})
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["kind"] == "forbidden" and "SERVICE" in err["message"]
    assert stub.requests == []


def test_service_refused_by_default(http, stub):
    """The shared server has no allow-list: even the stub's IRI is refused."""
    stub.requests.clear()
    r = http.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{stub.url}> {{ ?s ?p ?o }} }}"})
    assert r.status_code == 403 and r.json()["error"]["kind"] == "forbidden"
    assert stub.requests == []


def test_keywords_in_strings_iris_and_comments_are_not_refused(client):
    q = ('PREFIX ex: <http://example.org/SERVICE/> # SERVICE <http://127.0.0.1:9/> LOAD\n'
         'SELECT ?service WHERE { VALUES ?service { "SERVICE <http://127.0.0.1:9/>" ex:LOAD } }')
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 2


def test_allow_listed_service_is_used(client, stub):
    stub.requests.clear()
    r = client.get("/sparql", params={"query": f"SELECT ?x WHERE {{ SERVICE <{stub.url}> {{ ?x ?p ?o }} }}"})
    assert r.status_code == 200, r.text
    assert [b["x"]["value"] for b in r.json()["results"]["bindings"]] == ["遠隔の値"]
    assert len(stub.requests) == 1


def test_load_refused_and_stub_untouched(client, stub):
    stub.requests.clear()
    auth = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    for update in (f"LOAD <{stub.url.replace('/sparql', '/data.ttl')}>",
                   f"LOAD SILENT <{stub.url.replace('/sparql', '/data.ttl')}> INTO GRAPH <urn:g>"):
        r = client.post("/sparql", data={"update": update}, headers=auth)
        assert r.status_code == 403
        assert r.json()["error"]["kind"] == "forbidden" and "LOAD" in r.json()["error"]["message"]
    assert stub.requests == []


def test_a_burst_beyond_the_cap_is_queued_not_refused(limits):
    """More clients than slots: each waits for a slot (admission_wait_s) and is answered."""
    statuses: list[int] = []

    def ask() -> None:
        with limits.client() as c:
            statuses.append(c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).status_code)

    threads = [threading.Thread(target=ask) for _ in range(limits.settings.workers * 2 * 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * len(threads)


def test_concurrency_cap_503_with_retry_after(client, limits):
    cap = limits.settings.workers * 2
    results: list[int] = []

    def slow() -> None:
        with limits.client() as c:
            results.append(c.get("/sparql", params={"query": PATHOLOGICAL}).status_code)

    threads = [threading.Thread(target=slow) for _ in range(cap)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # let the slow queries be admitted
    r = client.get("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 503
    assert r.json()["error"]["kind"] == "unavailable"
    assert r.headers["retry-after"] == "1"
    for t in threads:
        t.join()
    assert results == [503] * cap  # all stopped at their deadline (or refused a reader in time)
