"""Where a remote SPARQL store answers (Virtuoso, Oxigraph server, Fuseki): its endpoints, flavour and
credentials, read from one URL; and where the merged default graph lives on it.

Virtuoso's own default graph is the union of *all* its graphs, system graphs included, so the merge of
the service's named graphs is loaded there as a named graph of its own (``merge_graph``); Oxigraph
server and Fuseki hold it in their own default graph (kgservice.engine.remote explains the scopes).
"""

from __future__ import annotations
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
import httpx

FLAVOURS = ("virtuoso", "oxigraph", "fuseki", "generic")
MERGE_GRAPH = "default-graph"  # under base_iri, not under graph/: no service graph of its own


def merge_graph(base_iri: str) -> str:
    """The graph holding the merge on a remote that has no default graph of its own (Virtuoso)."""
    return base_iri + MERGE_GRAPH


def merge_target(flavour: str, base_iri: str) -> str | None:
    """Where the merge is loaded: a named graph for ``scope="graphs"`` remotes, else (None) the remote's
    own default graph."""
    return merge_graph(base_iri) if flavour in ("virtuoso", "generic") else None


@dataclass(frozen=True)
class Target:
    """Where a remote store answers: its query, update and Graph Store endpoints, and credentials."""

    flavour: str
    query_url: str
    update_url: str
    store_url: str          # Graph Store Protocol endpoint (the authenticated one for Virtuoso)
    graph_param: str        # "graph-uri" (Virtuoso) or "graph" (Oxigraph, Fuseki)
    username: str | None = None
    password: str | None = None

    @property
    def auth(self) -> httpx.Auth | None:
        if self.username is None:
            return None
        # Virtuoso's /sparql-auth and /sparql-graph-crud-auth ask for Digest; others take Basic.
        cls = httpx.DigestAuth if self.flavour == "virtuoso" else httpx.BasicAuth
        return cls(self.username, self.password or "")

    @property
    def display(self) -> str:
        """The query URL for messages (credentials are never in it)."""
        return self.query_url

    @classmethod
    def from_url(cls, url: str, flavour: str | None = None, username: str | None = None,
                 password: str | None = None) -> Target:
        """A target from the URL of its SPARQL query endpoint (or the server root for Oxigraph).

        Credentials may be given as ``http://user:password@host…``; they are taken out of the URLs.
        Flavour, when not given: ``…/sparql`` at the root is Virtuoso, ``…/{dataset}/sparql`` or
        ``…/{dataset}/query`` Fuseki, ``/query`` or the bare root Oxigraph server.
        """
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        username = username if username is not None else (parts.username or None)
        password = password if password is not None else (parts.password or None)
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            netloc += f":{parts.port}"
        # A trailing slash misroutes on Virtuoso (/sparql/ is not /sparql): normalise it away.
        path = re.sub(r"/+$", "", parts.path)
        segments = [s for s in path.split("/") if s]
        if flavour is None:
            if segments == ["sparql"] or segments[-1:] in (["sparql-auth"],):
                flavour = "virtuoso"
            elif segments in ([], ["query"], ["store"], ["update"]):
                flavour = "oxigraph"
            elif len(segments) >= 2 and segments[-1] in ("sparql", "query"):
                flavour = "fuseki"
            else:
                flavour = "generic"
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown store flavour {flavour!r} (one of {', '.join(FLAVOURS)})")

        def at(p: str) -> str:
            return urlunsplit((parts.scheme, netloc, p, "", ""))

        if flavour == "virtuoso":
            root = "/" + "/".join(segments[:-1]) if len(segments) > 1 else ""
            return cls(flavour, at(root + "/sparql"), at(root + "/sparql-auth"),
                       at(root + "/sparql-graph-crud-auth"), "graph-uri", username, password)
        if flavour == "oxigraph":
            root = "/" + "/".join(segments[:-1]) if segments and segments[-1] in ("query", "store", "update") \
                else path
            root = root.rstrip("/")
            return cls(flavour, at(root + "/query"), at(root + "/update"), at(root + "/store"), "graph",
                       username, password)
        if flavour == "fuseki":
            root = "/" + "/".join(segments[:-1])
            return cls(flavour, at(path), at(root + "/update"), at(root + "/data"), "graph",
                       username, password)
        return cls(flavour, at(path), at(path), at(path), "graph", username, password)
