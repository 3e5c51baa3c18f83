"""Closures materialised at build time, one named graph per rule.

Each rule is a SPARQL CONSTRUCT over everything asserted or inferred before it;
what it adds (and was not already stated) goes into ``{base}graph/inferred/{rule}``.
The graph itself says which rule made it, so a query can tell asserted from
inferred links with ``GRAPH ?g { … } ?g mplan:inferenceRule ?rule`` and still use
simple patterns over the union default graph.
"""

from __future__ import annotations
import re
from dataclasses import dataclass
import pyoxigraph as ox
from mappings.vocabulary import MPLAN, sparql_prefixes

PREFIXES = sparql_prefixes("mplan", "rdf")


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    construct: str


RULES = (
    # the closure of mplan:parent under a property of its own (as skos:broaderTransitive is to
    # skos:broader), so that dct:isPartOf and mplan:parent keep one value: the direct parent
    Rule("part-of-transitive", "partOfTransitive is the transitive closure of parent",
         "CONSTRUCT { ?x mplan:partOfTransitive ?z } WHERE { ?x mplan:parent+ ?z }"),
    Rule("serves-whole", "an element serves every element it is part of, and what those serve",
         "CONSTRUCT { ?x mplan:serves ?z } WHERE { ?x a mplan:PlanElement . "
         "?x (mplan:parent|mplan:serves)+ ?z . ?z a mplan:PlanElement . FILTER(?x != ?z) }"),
    Rule("served-by-inverse", "servedBy is the inverse of serves",
         "CONSTRUCT { ?y mplan:servedBy ?x } WHERE { ?x mplan:serves ?y }"),
    Rule("measured-by-inverse", "measuredBy is the inverse of measures",
         "CONSTRUCT { ?e mplan:measuredBy ?i } WHERE { ?i mplan:measures ?e }"),
    Rule("positioned-under-transitive", "positionedUnder and basedOn chains reach every higher plan",
         "CONSTRUCT { ?p mplan:positionedUnder ?q } WHERE { ?p mplan:positionedUnder/(mplan:positionedUnder|mplan:basedOn)+ ?q "
         "FILTER(?p != ?q) }"),
)


def materialise(store: ox.Store, base_iri: str) -> dict[str, int]:
    """Apply RULES in order; returns the number of new triples per rule graph."""
    counts: dict[str, int] = {}
    rule_class = ox.NamedNode(MPLAN + "InferredGraph")
    for rule in RULES:
        graph = ox.NamedNode(f"{base_iri}graph/inferred/{rule.name}")
        new = list(store.query(PREFIXES + _only_new(rule.construct), use_default_graph_as_union=True))
        # the store is not served before the build's switch: no transaction needed, and bulk is ~3x faster
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
        meta = ox.NamedNode(f"{base_iri}graph/inferred")
        store.extend([
            ox.Quad(graph, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), rule_class, meta),
            ox.Quad(graph, ox.NamedNode(MPLAN + "inferenceRule"), ox.Literal(rule.name), meta),
            ox.Quad(graph, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(rule.label, language="en"), meta),
            ox.Quad(graph, ox.NamedNode(MPLAN + "ruleQuery"), ox.Literal(rule.construct), meta),
        ])
        counts[rule.name] = len(new)
    return counts


def _only_new(construct: str) -> str:
    """The rule's CONSTRUCT without the triples already stated in some graph: the store tests that
    per solution, where a pattern lookup per constructed triple from Python cost most of this stage."""
    template, where = re.fullmatch(r"CONSTRUCT\s*\{(.*?)\}\s*WHERE\s*\{(.*)\}", construct, re.DOTALL).groups()
    return f"CONSTRUCT {{{template}}} WHERE {{ {{{where}}} FILTER NOT EXISTS {{{template}}} }}"
