"""The servers the benchmark measures, each on a free port of 127.0.0.1 in its own process group and
stopped by the run: the service as deployed, Oxigraph's server, the Python floor (bench.floor) and
rdflib-endpoint."""

from __future__ import annotations
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from bench.child import ROOT

BIN = Path(sys.executable).parent
QUERY_TIMEOUT_S = 30  # the service kills a query past this (503); pyoxigraph cannot cancel in-process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    cmd: list[str]
    url: str
    ready_path: str
    env: dict | None = None
    proc: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 180) -> float:
        started = time.monotonic()
        log_file = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        import httpx

        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} (log {self.log_path})")
            try:
                if httpx.get(self.url + self.ready_path, timeout=5).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout} s (log {self.log_path})")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def plankg_server(store: Path, work: Path, workers: int = 2, answer_cache: bool = True) -> Server:
    """The service as deployed; ``answer_cache=False`` makes every named-query request run its query."""
    port = free_port()
    env = dict(os.environ, PLANKG_QUERY_TIMEOUT_S=str(QUERY_TIMEOUT_S), PYTHONPATH=str(ROOT))
    return Server("plankg", [sys.executable, "-m", "kgservice", "--store", str(store), "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--workers", str(workers),
                             "--answer-cache" if answer_cache else "--no-answer-cache"],
                  f"http://127.0.0.1:{port}", "/sparql?query=ASK%7B%7D", env, log_path=work / "plankg.log")


def oxigraph_server(store: Path, work: Path) -> Server:
    port = free_port()
    return Server("oxigraph", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store.resolve()),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                  f"http://127.0.0.1:{port}", "/query?query=ASK%7B%7D", log_path=work / "oxigraph.log")


def floor_server(store: Path, work: Path, workers: int = 2) -> Server:
    """bench.floor: the cheapest Python request path on the same engine, uvicorn, event loop and HTTP parser."""
    port = free_port()
    env = dict(os.environ, PLANKG_FLOOR_STORE=str(store.resolve()), PYTHONPATH=str(ROOT))
    return Server("python-floor", [str(BIN / "uvicorn"), "--factory", "bench.floor:create_app", "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", str(workers), "--http", "h11", "--loop", "uvloop",
                                   "--no-access-log", "--log-level", "warning"],
                  f"http://127.0.0.1:{port}", "/sparql?query=ASK%7B%7D", env, log_path=work / "python-floor.log")


def rdflib_server(data_file: Path, work: Path) -> Server:
    port = free_port()
    return Server("rdflib-endpoint", [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port",
                                      str(port), str(data_file)],
                  f"http://127.0.0.1:{port}", "/?query=ASK%7B%7D", log_path=work / "rdflib-endpoint.log")
