"""Closures materialised at build time, one named graph per rule.

Each rule is a SPARQL CONSTRUCT over everything asserted or inferred before it;
what it adds (and was not already stated) goes into ``{base}graph/inferred/{rule}``.
The graph itself says which rule made it, so a query can tell asserted from
inferred links with ``GRAPH ?g { … } ?g mplan:inferenceRule ?rule`` and still use
simple patterns over the union default graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

MPLAN = "https://plankg.org/def/mplan#"
PREFIXES = f"PREFIX mplan: <{MPLAN}>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    construct: str


RULES = (
    Rule("part-of-transitive", "partOf is transitive",
         "CONSTRUCT { ?x mplan:partOf ?z } WHERE { ?x mplan:partOf/mplan:partOf+ ?z }"),
    Rule("has-part-inverse", "hasPart is the inverse of partOf",
         "CONSTRUCT { ?y mplan:hasPart ?x } WHERE { ?x mplan:partOf ?y }"),
    Rule("serves-whole", "an element serves every element it is part of, and what those serve",
         "CONSTRUCT { ?x mplan:serves ?z } WHERE { ?x a mplan:PlanElement . "
         "?x (mplan:partOf|mplan:serves)+ ?z . ?z a mplan:PlanElement . FILTER(?x != ?z) }"),
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
        new = [t for t in store.query(PREFIXES + rule.construct, use_default_graph_as_union=True)
               if not any(True for _ in store.quads_for_pattern(t.subject, t.predicate, t.object))]
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
        meta = ox.NamedNode(f"{base_iri}graph/inferred")
        store.extend([
            ox.Quad(graph, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), rule_class, meta),
            ox.Quad(graph, ox.NamedNode(MPLAN + "inferenceRule"), ox.Literal(rule.name), meta),
            ox.Quad(graph, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(rule.label, language="en"), meta),
            ox.Quad(graph, ox.NamedNode(MPLAN + "ruleQuery"), ox.Literal(rule.construct), meta),
        ])
        counts[rule.name] = len(new)
    return counts
