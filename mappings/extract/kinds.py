"""Document kinds: the notations of the SKOS code list code:document-kind (ontology/codelists.ttl)."""

from __future__ import annotations
from functools import lru_cache
from pathlib import Path

SCHEME = "https://plankg.org/def/code/document-kind"


@lru_cache(maxsize=4)
def document_kinds(codelists: Path) -> frozenset[str]:
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    graph = Graph().parse(codelists, format="turtle")
    return frozenset(str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.inScheme, URIRef(SCHEME)))
