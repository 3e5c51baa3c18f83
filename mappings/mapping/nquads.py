"""The mapping's output in the build: N-Quads rows written as the triples come (rdflib's row format)."""

from __future__ import annotations
from dataclasses import dataclass
from typing import TextIO
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral


class NQuadsSink:
    """A write-only stand-in for the Dataset: every triple added to one of its graphs is written
    to ``out`` at once as an N-Quads line (rdflib's own line format), so that mapping does not hold
    the graph in memory. Duplicates are written as they come; loading the lines folds them.

    With ``merged``, each triple is also written there as an N-Triples row, the rows of the default graph
    that is the merge (mappings.build.merge.write_merge): loading them is cheaper than reading every quad
    back out of the store. A triple with a blank node is left out (loading renames blank nodes, so its
    graph is merged from the store); ``merged_graphs`` names the graphs whose triples all went there."""

    def __init__(self, out: TextIO, merged: TextIO | None = None) -> None:
        self.out, self.merged = out, merged
        self.predicates: dict[URIRef, str] = {}  # a few hundred predicates, each written millions of times
        self.graphs: set[str] = set()  # N-Quads terms of the graphs written to
        self.blank_graphs: set[str] = set()  # … of those with a triple left out of ``merged``

    def bind(self, prefix: str, namespace: Namespace) -> None:
        """N-Quads has no prefixes."""

    def graph(self, identifier: URIRef) -> SinkGraph:
        term = identifier.n3()
        self.graphs.add(term)
        return SinkGraph(self, term)

    def merged_graphs(self) -> frozenset[str]:
        return frozenset(self.graphs - self.blank_graphs) if self.merged is not None else frozenset()


@dataclass(frozen=True)
class SinkGraph:
    sink: NQuadsSink
    term: str  # the graph's N-Quads term

    def add(self, triple: tuple) -> SinkGraph:
        sink = self.sink
        terms = triple_terms(triple, sink.predicates)
        sink.out.write(f"{terms} {self.term} .\n")
        if sink.merged is not None:
            if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
                sink.blank_graphs.add(self.term)
            else:
                sink.merged.write(f"{terms} .\n")
        return self


def nquad_row(triple: tuple, graph_term: str, predicates: dict[URIRef, str]) -> str:
    """rdflib's N-Quads row of ``triple`` in the graph ``graph_term``."""
    return f"{triple_terms(triple, predicates)} {graph_term} .\n"


def triple_terms(triple: tuple, predicates: dict[URIRef, str]) -> str:
    """The three terms of ``triple`` as rdflib's serializer writes them (checked by ``n3``), the
    predicates' terms remembered in ``predicates``: mapping writes millions of rows."""
    s, p, o = triple
    written = predicates.get(p)
    if written is None:
        written = predicates[p] = p.n3()
    return f"{s.n3()} {written} {_quoteLiteral(o) if isinstance(o, Literal) else o.n3()}"
