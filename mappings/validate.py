"""The SHACL gate: pySHACL over the mapped graph with ontology/shapes.ttl."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contextlib import contextmanager
from functools import lru_cache

from pyshacl import validate
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from rdflib.plugins.sparql import prepareQuery
from rdflib import Graph, Namespace, URIRef

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ShaclViolation:
    focus: str
    shape: str
    path: str
    message: str
    value: str

    def describe(self, origin: dict) -> str:
        """The violation with the record the focus node was read from, when known."""
        record = origin.get(URIRef(self.focus), "no record (derived node)")
        return (f"{record}: focus <{self.focus}> path {self.path or '-'} value {self.value or '-'}: "
                f"{self.message} [shape {self.shape}]")

    def __str__(self) -> str:
        return self.describe({})


@contextmanager
def _sparql_constraints_parsed_once():
    """pySHACL 0.40 hands each SHACL-SPARQL constraint to rdflib as text for every focus node, and
    rdflib parses it again each time (~0.2 s a parse: most of the build's time). Preparing each
    distinct text once gives the same results (same query, prefixes and bindings) several times faster."""
    original = SPARQLBasedConstraint._validate_sparql_query
    prepared = lru_cache(maxsize=256)(prepareQuery)

    def validate_sparql_query(self, query, init_binds, target_graph):
        return original(self, prepared(query) if isinstance(query, str) else query, init_binds, target_graph)

    SPARQLBasedConstraint._validate_sparql_query = validate_sparql_query
    try:
        yield
    finally:
        SPARQLBasedConstraint._validate_sparql_query = original


def validate_graph(data: Graph, shapes_path: Path) -> list[ShaclViolation]:
    """Every sh:Violation of ``data`` against the shapes (warnings and infos are not failures)."""
    shapes = Graph().parse(shapes_path, format="turtle")
    with _sparql_constraints_parsed_once():
        conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                       allow_warnings=True)
    if conforms:
        return []
    out = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        def one(prop):
            value = report.value(result, prop)
            return "" if value is None else str(value)
        out.append(ShaclViolation(one(SH.focusNode), one(SH.sourceShape), one(SH.resultPath),
                                  one(SH.resultMessage), one(SH.value)))
    return sorted(out, key=lambda v: (v.focus, v.shape, v.path))
