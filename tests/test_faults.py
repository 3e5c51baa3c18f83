"""Faults and limits: nothing served is lost, and one failure costs one request.

- A build SIGKILLed mid-way (after its SHACL stage) leaves ``var/store/current`` on the previous
  complete store, which keeps serving the same triples; killed while writing the dumps (after its store
  was switched in), it leaves the new store served and the previous dumps.
- An invalid record (bad YAML, an unknown city code, a SHACL violation) fails the build with the file,
  line or record named; the previous store keeps being served.
- A query worker SIGKILLed from outside fails the query it ran (503 in the envelope) and nothing else;
  the next query is answered and the pool is refilled.
- A query past the per-worker memory cap fails alone (503 ``memory_limit``); its worker is replaced.
- ``plankg serve`` stops on SIGINT and restarts cleanly on the existing store.
- A remote store going down gives 503 (unreachable) / 502 (failing) with a message, and service resumes
  when it is back (kgservice.engine.remote behind the app, against a loopback SPARQL server we start and stop).
- The optional per-client rate limit answers 429 with Retry-After in the envelope.
The timeout kill and the admission cap (503 + Retry-After) are tested in tests/test_limits.py.
"""

from __future__ import annotations
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs
import httpx
import pyoxigraph as ox
import pytest
from conftest import FIXTURE, FIXTURE_TRIPLES, LiveServer, _settings, build_store, free_port

ROOT = Path(__file__).resolve().parent.parent
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
PATHOLOGICAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
                "?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u }")
# Doubles a 64-character string 26 times (4 GiB): an allocation fails well before the deadline.
MEMORY_HOG = ('SELECT (STRLEN(?a26) AS ?n) WHERE { BIND("' + "x" * 64 + '" AS ?a0) '
              + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(26)) + " }")


def count(client: httpx.Client) -> int:
    r = client.post("/sparql", data={"query": COUNT_ALL}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def store_triples(path: Path) -> int:
    store = ox.Store.read_only(str(path.resolve()))
    try:
        return len(store)
    finally:
        del store


def worker_pids(live) -> set[int]:
    return {r.proc.pid for r in live.app.state.engine._readers}


def wait_for_pool(live, n: int, timeout: float = 30.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = worker_pids(live)
        if len(pids) == n and all(r.proc.is_alive() for r in live.app.state.engine._readers):
            return pids
        time.sleep(0.05)
    pytest.fail(f"the pool did not refill to {n} workers")


# --------------------------------------------------------------------------- builds


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's inputs whose var/store/current already serves a complete store (the
    service fixture: FIXTURE_TRIPLES triples), as after an earlier build."""
    root = tmp_path / "project"
    for part in ("data", "sources", "ontology"):
        shutil.copytree(ROOT / part, root / part)
    build_store(root / "var" / "store")
    return root


def build_cmd(root: Path) -> list[str]:
    return [sys.executable, "-m", "kgservice", "--root", str(root), "--store", str(root / "var/store/current"),
            "--dumps", str(root / "var/dumps"), "build"]


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("PLANKG_") and k != "PORT"}


def run_build(root: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(build_cmd(root), cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=timeout)


def assert_previous_store_served(root: Path) -> None:
    link = root / "var/store/current"
    assert os.readlink(link) == "store-1", os.readlink(link)
    assert store_triples(link) == FIXTURE_TRIPLES
    live = LiveServer(_settings(link)).start()
    try:
        with live.client() as c:
            assert count(c) == FIXTURE_TRIPLES
            r = c.get("/sparql", params={"query": 'ASK { ?s ?p "水戸市"@ja }'})
            assert r.status_code == 200 and r.json()["boolean"] is True
    finally:
        live.stop()


@pytest.mark.parametrize("stage,writing", [("loading the store", "var/store"), ("writing dumps", "var/dumps")])
def test_build_killed_mid_way_leaves_the_served_store_intact(project, stage, writing):
    proc = subprocess.Popen(build_cmd(project), cwd=ROOT, env=clean_env(), stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        for line in proc.stderr:
            seen.append(line.rstrip())
            if stage in line:
                assert any("mapping records" in s for s in seen), seen  # past mapping: the store is written next
                break
        else:
            pytest.fail(f"the build ended before '{stage}': {seen[-20:]}")
        # inside the stage: wait until its new directory is being written, then kill
        deadline = time.monotonic() + 300
        while not any((project / writing).glob("build-*/*")) and proc.poll() is None:
            assert time.monotonic() < deadline, "the stage wrote nothing in 300 s"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(60)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, seen[-5:])
    # the half-written build directory exists but is not what the service serves
    assert any((project / writing).glob("build-*/*")), "the build had not started writing"
    assert not (project / "var/dumps/current").exists()
    if writing == "var/store":
        assert_previous_store_served(project)
    else:  # the dumps are written after the new, validated store is switched in (mappings.build.pipeline.build)
        assert os.readlink(project / "var/store/current").startswith("build-")
        assert any("switching the store in" in s for s in seen), seen


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path``; return its 1-based line."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text[:at].count("\n") + 1


def test_bad_yaml_fails_the_build_naming_file_and_line(project):
    path = project / "data/omitama-later-basic-plan-sections/plans.yaml"
    line = _edit(path, "  kind: basic-plan\n", "  kind: basic-plan: of: 小美玉市\n")
    result = run_build(project)
    assert result.returncode == 1, result.stderr[-2000:]
    assert f"omitama-later-basic-plan-sections/plans.yaml:{line}:" in result.stderr, result.stderr[-2000:]
    assert_previous_store_served(project)


def test_unknown_city_code_fails_the_build_naming_the_record(project):
    path = project / "data/omitama-later-basic-plan-sections/plans.yaml"
    _edit(path, 'city: "082368"', 'city: "089990"')
    result = run_build(project)
    assert result.returncode == 1, result.stderr[-2000:]
    err = result.stderr
    assert "089990" in err and ("plans.yaml" in err or "omitama-comprehensive-plan" in err), err[-2000:]
    assert_previous_store_served(project)


def test_shacl_violation_fails_the_build_naming_the_record(project):
    """The copy's shapes no longer admit the plan kind sector-plan: the gate must stop the build and
    name the records of such plans (file and line), and nothing is switched in."""
    _edit(project / "ontology/shapes.ttl", "code:plan-kind\\/sector-plan ", "")
    result = run_build(project)
    err = result.stderr
    assert result.returncode == 1, err[-2000:]
    assert "SHACL violation" in err, err[-2000:]
    assert "planKind" in err and "plans.yaml" in err, err[-3000:]
    assert not (project / "var/dumps/current").exists()
    assert_previous_store_served(project)


# --------------------------------------------------------------------------- workers


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(_settings(build_store(tmp_path_factory.mktemp("store-faults")), query_timeout_s=20.0,
                                  worker_memory_mb=1024)).start()
    yield server
    server.stop()


def busy_worker(live, timeout: float = 10.0):
    """The reader that is running a query (taken out of the idle queue)."""
    engine = live.app.state.engine
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle = {id(r) for r in list(engine._idle.queue)}
        busy = [r for r in list(engine._readers) if id(r) not in idle]
        if busy:
            return busy[0]
        time.sleep(0.02)
    pytest.fail("no worker became busy")


def test_worker_killed_mid_query_fails_that_request_alone(live):
    wait_for_pool(live, 2)
    outcome: dict = {}

    def slow() -> None:
        with live.client() as c:
            outcome["r"] = c.get("/sparql", params={"query": PATHOLOGICAL})

    thread = threading.Thread(target=slow)
    thread.start()
    victim = busy_worker(live)
    time.sleep(0.3)
    # a query on the other worker is answered while its neighbour runs and dies
    with live.client() as c:
        assert count(c) == FIXTURE_TRIPLES
    os.kill(victim.proc.pid, signal.SIGKILL)
    thread.join(30)
    r = outcome["r"]
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["kind"] == "unavailable" and "SIGKILL" in error["message"], error
    assert r.headers.get("retry-after")
    with live.client() as c:
        assert count(c) == FIXTURE_TRIPLES  # the next one succeeds
    pids = wait_for_pool(live, 2)
    assert victim.proc.pid not in pids


def test_memory_cap_fails_the_query_alone_and_replaces_the_worker(live):
    before = wait_for_pool(live, 2)
    with live.client() as c:
        r = c.get("/sparql", params={"query": MEMORY_HOG})
        assert r.status_code == 503, r.text
        error = r.json()["error"]
        assert error["kind"] == "memory_limit" and "1024 MiB" in error["message"], error
        assert count(c) == FIXTURE_TRIPLES
    after = wait_for_pool(live, 2)
    assert len(before - after) == 1  # exactly the worker that ran it was replaced


def test_memory_cap_below_a_workable_size_is_refused():
    from kgservice.settings import Settings

    with pytest.raises(ValueError, match="worker_memory_mb"):
        Settings(worker_memory_mb=256)
    assert Settings(worker_memory_mb=0).worker_memory_mb == 0


def test_all_workers_killed_at_once_recovers(live):
    wait_for_pool(live, 2)
    for pid in worker_pids(live):
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    with live.client() as c:
        statuses = [c.post("/sparql", data={"query": "ASK {}"}).status_code for _ in range(2)]
        assert all(s in (200, 503) for s in statuses), statuses
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            r = c.post("/sparql", data={"query": COUNT_ALL}, headers={"Accept": "application/sparql-results+json"})
            if r.status_code == 200:
                break
            assert r.status_code == 503 and r.json()["error"]["kind"] == "unavailable"
            time.sleep(0.2)
        assert count(c) == FIXTURE_TRIPLES
    wait_for_pool(live, 2)


# --------------------------------------------------------------------------- restart


def serve(store: Path, port: int) -> subprocess.Popen:
    env = dict(clean_env(), PLANKG_STORE_PATH=str(store), PLANKG_PORT=str(port), PLANKG_HOST="127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-m", "kgservice", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    pytest.fail("plankg serve did not answer")


def test_service_restarts_cleanly_on_an_existing_store(tmp_path):
    store = build_store(tmp_path / "store")
    port = free_port()
    answers = []
    for _ in range(2):
        proc = serve(store, port)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
                answers.append(count(c))
                r = c.get("/sparql", params={"query": "SELECT ?l WHERE { ?s ?p ?l FILTER(lang(?l) = 'ja') } "
                                                       "ORDER BY ?l LIMIT 3"})
                answers.append(r.text)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(60)
        assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert children == []  # no reader outlives the server
    assert answers[0] == answers[2] == FIXTURE_TRIPLES and answers[1] == answers[3]
    assert store_triples(store) == FIXTURE_TRIPLES


# --------------------------------------------------------------------------- remote store


class SparqlStub:
    """A loopback SPARQL endpoint over the fixture data (pyoxigraph, in memory) that can be stopped,
    restarted on the same port, or told to fail with 500."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.store.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
        self.port = free_port()
        self.failing = False
        self.httpd = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"  # an Oxigraph-server-like path

    def start(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers.get("content-length") or 0)).decode())
                if stub.failing:
                    return self._send(500, b"store is broken", "text/plain")
                query = form["query"][0]
                graphs = form.get("default-graph-uri")
                kwargs = {"default_graph": [ox.NamedNode(g) for g in graphs]} if graphs else \
                    {"use_default_graph_as_union": True}
                result = stub.store.query(query, **kwargs)
                if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
                    body = result.serialize(format=ox.QueryResultsFormat.JSON)
                    return self._send(200, body, "application/sparql-results+json")
                return self._send(200, result.serialize(format=ox.RdfFormat.N_TRIPLES), "application/n-triples")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_remote_store_down_then_back(tmp_path):
    stub = SparqlStub()
    stub.start()
    live = LiveServer(_settings(tmp_path / "unused", store_url=stub.url)).start()
    try:
        with live.client() as c:
            assert count(c) == FIXTURE_TRIPLES
            stub.stop()
            r = c.post("/sparql", data={"query": COUNT_ALL})
            assert r.status_code == 503, r.text
            error = r.json()["error"]
            assert error["kind"] == "unavailable" and "not reachable" in error["message"]
            assert stub.url in error["message"] and r.headers.get("retry-after")
            # a named query and a page fail the same clean way
            assert c.get("/queries/list-plans").status_code == 503
            stub.failing = True
            stub.start()
            r = c.post("/sparql", data={"query": COUNT_ALL})
            assert r.status_code == 502, r.text
            assert "store is broken" in r.json()["error"]["message"]
            stub.failing = False
            assert count(c) == FIXTURE_TRIPLES  # resumes with no restart of the service
    finally:
        live.stop()
        stub.stop()


# --------------------------------------------------------------------------- rate limit


def test_rate_limit_429_with_retry_after(tmp_path):
    live = LiveServer(_settings(build_store(tmp_path / "store"), rate_limit_per_minute=5)).start()
    try:
        with live.client() as c:
            statuses = [c.get("/sparql", params={"query": "ASK {}"}).status_code for _ in range(5)]
            assert statuses == [200] * 5
            r = c.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://example.org"})
            assert r.status_code == 429
            error = r.json()["error"]
            assert error["kind"] == "rate_limited" and "5 requests per minute" in error["message"]
            assert 1 <= int(r.headers["retry-after"]) <= 12  # one token back at 5/min: 12 s
            assert r.headers.get("access-control-allow-origin") == "*"  # CORS on the refusal too
            assert c.options("/sparql", headers={"Origin": "http://x", "Access-Control-Request-Method": "GET"}
                             ).status_code == 200  # preflights are not counted
    finally:
        live.stop()


def test_rate_limit_off_by_default(http):
    from kgservice.settings import Settings

    assert Settings().rate_limit_per_minute is None
    assert all(http.get("/sparql", params={"query": "ASK {}"}).status_code == 200 for _ in range(30))


def test_token_bucket_refills_and_stays_bounded():
    from kgservice.request import ratelimit

    now = [0.0]
    bucket = ratelimit.TokenBucket(3, 60.0, clock=lambda: now[0])
    assert [bucket.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("a") == pytest.approx(20.0)  # 3/min: one token every 20 s
    assert bucket.take("b") == 0.0  # per client
    now[0] += 20.0
    assert bucket.take("a") == 0.0 and bucket.take("a") > 0
    for i in range(ratelimit.MAX_CLIENTS + 50):
        bucket.take(f"client-{i}")
    assert len(bucket._buckets) <= ratelimit.MAX_CLIENTS
