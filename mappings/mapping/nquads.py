"""The mapping's output in the build: N-Quads rows written as the triples come (rdflib's row format)."""

from __future__ import annotations
from dataclasses import dataclass
from typing import TextIO
from rdflib import Literal, Namespace, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral


class NQuadsSink:
    """A write-only stand-in for the Dataset: every triple added to one of its graphs is written
    to ``out`` at once as an N-Quads line (rdflib's own line format), so that mapping does not hold
    the graph in memory. Duplicates are written as they come; loading the lines folds them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.predicates: dict[URIRef, str] = {}  # a few hundred predicates, each written millions of times

    def bind(self, prefix: str, namespace: Namespace) -> None:
        """N-Quads has no prefixes."""

    def graph(self, identifier: URIRef) -> SinkGraph:
        return SinkGraph(self, identifier.n3())


@dataclass(frozen=True)
class SinkGraph:
    sink: NQuadsSink
    term: str  # the graph's N-Quads term

    def add(self, triple: tuple) -> SinkGraph:
        self.sink.out.write(nquad_row(triple, self.term, self.sink.predicates))
        return self


def nquad_row(triple: tuple, graph_term: str, predicates: dict[URIRef, str]) -> str:
    """rdflib's N-Quads row of ``triple`` (as its serializer writes it: terms checked by ``n3``), the
    predicates' terms remembered in ``predicates``: mapping writes millions of rows."""
    s, p, o = triple
    written = predicates.get(p)
    if written is None:
        written = predicates[p] = p.n3()
    return f"{s.n3()} {written} {_quoteLiteral(o) if isinstance(o, Literal) else o.n3()} {graph_term} .\n"
