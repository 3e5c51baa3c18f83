"""The service's public address, from the configured base IRI (``settings.base_iri``), never from the
request's Host header: what a client is told (the endpoint in the service description, the base of
relative IRIs in queries and updates) must not change with the proxy in front.

The service is served at the base: ``https://plankg.org/`` serves ``https://plankg.org/sparql``. A
base ending in ``#`` (``https://example.org/kg#``) serves from the folder it names.
"""

from __future__ import annotations
from typing import Any
from urllib.parse import urljoin

SPARQL_PATH = "sparql"


def public_url(settings: Any, path: str = "") -> str:
    """The public URL of a path of this service (``path`` without a leading slash)."""
    return urljoin(settings.base_iri, path)


def endpoint_iri(settings: Any) -> str:
    """The SPARQL endpoint's URL: the base IRI that relative IRIs of a query or update resolve against
    (SPARQL leaves the base to the service; the W3C protocol tests suggest the endpoint's own URL)."""
    return public_url(settings, SPARQL_PATH)
