"""Shared fixtures: a test store built from tests/fixtures/service.trig, and live uvicorn servers on
free loopback ports (the tests talk real HTTP).

- ``server``: read-only service (no update token), query timeout 2 s, max_rows 50, 2 workers.
- ``update_server``: its own copy of the store, updates on with token ``UPDATE_TOKEN``.
- ``build_store(dir)``: a fresh store directory laid out like var/store (``current`` symlink).
"""

from __future__ import annotations
import json
import os
import subprocess
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import httpx
import pyoxigraph as ox
import pytest
import uvicorn
from kgservice.app import create_app
from kgservice.settings import Settings

FIXTURE = Path(__file__).parent / "fixtures" / "service.trig"
BASE = "https://plankg.org/"
REFERENCE_GRAPH = BASE + "graph/reference"
OVERVIEW_GRAPH = BASE + "graph/mito-overview-2023"
FIXTURE_TRIPLES = 41  # triples in service.trig: 24 in the reference graph, 17 in the overview graph
UPDATE_TOKEN = "test-token-b9f4e2c7a1"

# The real-graph fixtures (tests/conftest_pages.py) and the test servers (tests/conftest_backends.py),
# registered once so the graph is built once per session.
pytest_plugins = ["conftest_pages", "conftest_backends"]


def build_store(root: Path) -> Path:
    """Load the fixture into ``root/store-1`` and point ``root/current`` at it; return the symlink."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / "store-1"
    store = ox.Store(str(target))
    store.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    link = root / "current"
    link.symlink_to(target.name)
    return link


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn (one process) in a background thread of the test process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = create_app(settings)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=settings.port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{settings.port}"

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def _settings(store: Path, **overrides) -> Settings:
    values = dict(store_path=store, base_iri=BASE, host="127.0.0.1", port=free_port(), query_timeout_s=2.0,
                  max_rows=50, max_request_bytes=4096, workers=2, update_token=None)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    live = LiveServer(_settings(build_store(tmp_path_factory.mktemp("store")))).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def update_server(tmp_path_factory):
    live = LiveServer(_settings(build_store(tmp_path_factory.mktemp("store-rw")), update_token=UPDATE_TOKEN,
                                max_request_bytes=65536)).start()
    yield live
    live.stop()


@pytest.fixture
def http(server):
    with server.client() as client:
        yield client


class StubSparqlServer:
    """A loopback SPARQL endpoint that records every request (method, host, path) and answers one
    row ``?x = value``: SERVICE/LOAD tests assert it receives nothing unless the allow-list admits it."""

    def __init__(self, value: str = "遠隔の値") -> None:
        self.requests: list[tuple[str, str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                stub.requests.append((self.command, self.headers.get("host", ""), self.path))
                body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
                    {"x": {"type": "literal", "value": value}}]}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()


ON_CI = bool(os.environ.get("CI"))
CHROMIUM = Path("/usr/bin/chromium")


def unavailable(reason: str) -> None:
    """A test server or browser cannot be had here: a skip on a developer's machine, a failure on CI
    (where .ci/run installs everything, so a skip would hide a missing part)."""
    if ON_CI:
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


def run_chromium(tmp_path: Path, *args: str) -> str:
    """Debian's headless Chromium (scripts/chromium.sh installs it) with a fresh profile; its stdout."""
    if not CHROMIUM.exists():
        unavailable("/usr/bin/chromium is absent: run scripts/chromium.sh (installs Debian's chromium)")
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    done = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8")
