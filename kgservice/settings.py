"""Service settings: the project's configuration model (mappings.config) plus what only serving needs.

Nothing is read at import time. ``Settings.from_env(**overrides)`` reads ``PLANKG_<FIELD>``
variables (and plain ``PORT``, as hosting platforms set it), then applies explicit overrides
(CLI options), so an option always beats the environment. The paths and the base IRI are the
build's own fields (``mappings.config.ProjectConfig``), named once for both.

Default graph choice (``union_default_graph``, default True): every fact lives in a named graph
(``{base}graph/{document-id}``, ``…/ontology``, ``…/reference``), so a query without ``GRAPH``
or ``FROM`` sees the RDF merge of all of them, each triple once (mappings.build.merge) — what a reader of
the plans expects. False: the default graph is empty. Each named graph stays addressable with
``GRAPH <g>``, ``FROM``/``FROM NAMED`` and the protocol's ``default-graph-uri``/``named-graph-uri``
parameters.
"""

from __future__ import annotations
from pathlib import Path
from typing import Any
from pydantic import Field, SecretStr, field_validator
from mappings.config import ProjectConfig


class Settings(ProjectConfig):
    store_url: str | None = None  # a remote SPARQL 1.1 store (Virtuoso, Oxigraph server, Fuseki) instead
    # Credentials of the remote store for loading it (``plankg load``); also accepted as user:password@ in the URL.
    remote_user: str | None = None
    remote_password: SecretStr | None = None
    queries_dir: Path = Path("queries")  # named queries (kgservice.named_queries)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    query_timeout_s: float = Field(10.0, gt=0)
    max_rows: int = Field(10000, ge=1)
    max_request_bytes: int = Field(1_048_576, ge=1024)  # query text, form body or GSP upload
    workers: int = Field(2, ge=1, le=64)
    # Address-space cap per reader process (RLIMIT_AS, MiB; 0 = none). A query that needs more fails
    # alone with kind "memory_limit" (503) and its reader is replaced. An idle reader maps ~0.42 GiB of
    # address space and RocksDB needs room for its thread stacks: under ~768 MiB readers fail to start.
    worker_memory_mb: int = Field(4096, ge=0)
    # A query beyond workers×2 running ones waits this long for a slot before the 503: a burst of
    # clients is queued, not refused, while the wait stays bounded.
    admission_wait_s: float = Field(5.0, ge=0)
    # Requests per minute per client address (token bucket, kgservice.request.ratelimit); None = no limit.
    rate_limit_per_minute: int | None = Field(None, ge=1)
    # SecretStr: repr/str/logging show '**********', never the token.
    update_token: SecretStr | None = None
    service_allowlist: list[str] = Field(default_factory=list)
    union_default_graph: bool = True
    # uvicorn's per-request access log line costs ~0.15 ms of the web process's CPU and ~0.25 ms of
    # latency per request (measured: a sixth of a cheap query's cost); off unless asked for — a reverse
    # proxy in front usually logs requests. Errors and start-up are logged either way.
    access_log: bool = False
    # Named-query answers cached by store version (kgservice.named_queries.answer_cache). Off: every request runs its
    # query (ETag/304 stay) — for measuring query latency, or to spend no memory on answers.
    answer_cache: bool = True
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # The catalog's contact point (vcard:hasEmail, vcard:hasURL): the documents give no address, so an
    # operator names one; without a URL the contact points at the service's home page.
    contact_email: str | None = None
    contact_url: str | None = None

    @field_validator("worker_memory_mb")
    @classmethod
    def _memory_cap_workable(cls, v: int) -> int:
        if 0 < v < 1024:
            raise ValueError("worker_memory_mb must be 0 (no cap) or at least 1024: a reader maps ~0.42 GiB idle")
        return v

    @field_validator("update_token")
    @classmethod
    def _token_not_blank(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().strip():
            return None  # an empty variable means "updates off", not "empty token accepted"
        return v

    @property
    def updates_enabled(self) -> bool:
        return self.update_token is not None

    @classmethod
    def _env_extras(cls, env: dict[str, str]) -> dict[str, Any]:
        return {"port": env["PORT"]} if env.get("PORT") else {}
