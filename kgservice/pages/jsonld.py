"""JSON-LD answers as JSON-LD processors expect them (used by the /id/ pages).

- The document references the published, versioned context ``{base}ns/context/v1.jsonld``
  (ontology/context/v1.jsonld, served by kgservice.opendata.routes) and is compacted with ``@type``
  by default (mappings.build.jsonld shapes it).
- The ``profile`` parameter of ``application/ld+json`` in Accept is honoured (JSON-LD 1.1 §9.1):
  ``http://www.w3.org/ns/json-ld#expanded``, ``#compacted`` or ``#flattened``; a list of profiles
  takes the first of these it names; the range with the highest q that names one wins.
- Content-Type is plain ``application/ld+json`` (JSON is UTF-8 by definition; a parameter would make
  pyld 3.3's loader take the answer for something else and follow its alternate link).
"""

from __future__ import annotations
import json
from functools import lru_cache
from pathlib import Path
import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response
from mappings.build.jsonld import PROFILES, Shaper, context_iri, load_context

JSONLD_NS = "http://www.w3.org/ns/json-ld#"
MEDIA_TYPE = "application/ld+json"


def requested_profile(accept: str | None) -> str:
    """'compacted', 'expanded' or 'flattened' from an Accept header (compacted when none is named).

    >>> requested_profile('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"')
    'expanded'
    >>> requested_profile('application/ld+json; profile="http://www.w3.org/ns/json-ld#flattened '
    ...                   'http://www.w3.org/ns/json-ld#compacted", */*;q=0.1')
    'flattened'
    >>> requested_profile("text/turtle, application/ld+json;q=0.5"), requested_profile(None)
    ('compacted', 'compacted')
    """
    best: tuple[float, str] | None = None
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if fields[0].lower() != MEDIA_TYPE:
            continue
        q, profiles = 1.0, []
        for param in fields[1:]:
            key, _, value = param.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
            elif key == "profile":
                profiles = [p.removeprefix(JSONLD_NS) for p in value.split() if p.startswith(JSONLD_NS)]
        named = next((p for p in profiles if p in PROFILES), None)
        if named and q > 0 and (best is None or q > best[0]):
            best = (q, named)
    return best[1] if best else "compacted"


@lru_cache(maxsize=4)
def _shaper(ontology_dir: Path, base_iri: str) -> Shaper:
    return Shaper(load_context(ontology_dir), context_iri(base_iri))


def jsonld_response(request: Request, ntriples: bytes, headers: dict[str, str]) -> Response:
    """The JSON-LD of an N-Triples answer in the profile the request asks for."""
    settings = request.app.state.settings
    shaper = _shaper(Path(settings.ontology_dir), settings.base_iri)
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    document = shaper.document(triples, requested_profile(request.headers.get("accept")))
    return Response(json.dumps(document, ensure_ascii=False).encode("utf-8"), media_type=MEDIA_TYPE, headers=headers)
