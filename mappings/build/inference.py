"""Closures materialised at build time, one named graph per rule.

Each rule is a SPARQL CONSTRUCT over everything asserted or inferred before it;
what it adds (and was not already stated) goes into ``{base}graph/inferred/{rule}``.
The graph itself says which rule made it, so a query can tell asserted from
inferred links with ``GRAPH ?g { … } ?g mplan:inferenceRule ?rule`` and still use
simple patterns over the union default graph.
"""

from __future__ import annotations
import re
import tempfile
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Callable
import pyoxigraph as ox
from mappings.build.merge import MergedDelta
from mappings.vocabulary import MPLAN, sparql_prefixes

PREFIXES = sparql_prefixes("mplan", "rdf")


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    construct: str
    # the ends of the constructed triple whose node's triples decide it (rematerialise): a closure's
    # start; both ends of an inverse (the stated inverse counts too). Default: the start.
    drivers: tuple[str, ...] = ()


RULES = (
    # the closure of mplan:parent under a property of its own (as skos:broaderTransitive is to
    # skos:broader), so that dct:isPartOf and mplan:parent keep one value: the direct parent
    Rule("part-of-transitive", "partOfTransitive is the transitive closure of parent",
         "CONSTRUCT { ?x mplan:partOfTransitive ?z } WHERE { ?x mplan:parent+ ?z }"),
    Rule("serves-whole", "an element serves every element it is part of, and what those serve",
         "CONSTRUCT { ?x mplan:serves ?z } WHERE { ?x a mplan:PlanElement . "
         "?x (mplan:parent|mplan:serves)+ ?z . ?z a mplan:PlanElement . FILTER(?x != ?z) }"),
    Rule("served-by-inverse", "servedBy is the inverse of serves",
         "CONSTRUCT { ?y mplan:servedBy ?x } WHERE { ?x mplan:serves ?y }", ("x", "y")),
    Rule("measured-by-inverse", "measuredBy is the inverse of measures",
         "CONSTRUCT { ?e mplan:measuredBy ?i } WHERE { ?i mplan:measures ?e }", ("i", "e")),
    Rule("positioned-under-transitive", "positionedUnder and basedOn chains reach every higher plan",
         "CONSTRUCT { ?p mplan:positionedUnder ?q } WHERE { ?p mplan:positionedUnder/(mplan:positionedUnder|mplan:basedOn)+ ?q "
         "FILTER(?p != ?q) }"),
)


def written_graphs(base_iri: str) -> frozenset[str]:
    """The graphs ``materialise`` writes into (N-Quads terms): each rule's, and the one describing them."""
    return frozenset({f"<{base_iri}graph/inferred>", *(f"<{base_iri}graph/inferred/{r.name}>" for r in RULES)})


def materialise(store: ox.Store, base_iri: str, scratch: Path | None = None,
                progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Apply RULES in order; returns the number of new triples per rule graph. Each rule's triples stream
    through an N-Triples file in ``scratch`` (default: a temporary folder), not through Python objects
    (millions of triples at N=1,741, GiBs as objects). ``progress`` hears each rule as it starts."""
    if scratch is None:
        with tempfile.TemporaryDirectory() as tmp:
            return materialise(store, base_iri, Path(tmp), progress)
    counts: dict[str, int] = {}
    rule_class = ox.NamedNode(MPLAN + "InferredGraph")
    for rule in RULES:
        progress(f"materialising closures: {rule.name}")
        graph = ox.NamedNode(f"{base_iri}graph/inferred/{rule.name}")
        new = scratch / f"{rule.name}.nt"
        ox.serialize(store.query(PREFIXES + _only_new(rule.construct), use_default_graph_as_union=True),
                     output=str(new), format=ox.RdfFormat.N_TRIPLES)
        # the store is not served before the build's switch: no transaction needed, and bulk is ~3x faster
        store.bulk_load(path=str(new), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        new.unlink()
        meta = ox.NamedNode(f"{base_iri}graph/inferred")
        store.extend([
            ox.Quad(graph, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), rule_class, meta),
            ox.Quad(graph, ox.NamedNode(MPLAN + "inferenceRule"), ox.Literal(rule.name), meta),
            ox.Quad(graph, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(rule.label, language="en"), meta),
            ox.Quad(graph, ox.NamedNode(MPLAN + "ruleQuery"), ox.Literal(rule.construct), meta),
        ])
        counts[rule.name] = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    return counts


def _only_new(construct: str, bound: str = "") -> str:
    """The rule's CONSTRUCT without the triples already stated in some graph: the store tests that
    per solution, where a pattern lookup per constructed triple from Python cost most of this stage.
    ``bound``: a VALUES clause put first, to run the rule for some nodes only."""
    template, where = re.fullmatch(r"CONSTRUCT\s*\{(.*?)\}\s*WHERE\s*\{(.*)\}", construct, re.DOTALL).groups()
    return f"CONSTRUCT {{{template}}} WHERE {{ {bound} {{{where}}} FILTER NOT EXISTS {{{template}}} }}"


# What a rule's result for a node depends on: the node's own triples and those of every node it reaches
# along these properties (the rules' paths), so a change to a node's triples reaches the nodes from which
# it is reached, and no others.
REACH = "(mplan:parent|mplan:serves|mplan:positionedUnder|mplan:basedOn|mplan:measures)*"
VALUES_CHUNK = 200


def rematerialise(store: ox.Store, base_iri: str, changed: set, delta: MergedDelta) -> None:
    """The closures again for what ``changed`` (subjects whose triples changed) can affect, in a store
    whose default graph is the merge: each rule's triples with an affected node at a driving end are
    taken out and the rule run again for those nodes only, in RULES order (as ``materialise`` does). A
    closure's triple whose start is not affected reaches nothing that changed: it stays as it is."""
    affected = set(changed)
    for chunk in _chunks(changed):
        values = " ".join(str(n) for n in chunk)
        affected.update(row["x"] for row in store.query(
            f"{PREFIXES} SELECT DISTINCT ?x WHERE {{ VALUES ?s {{ {values} }} ?x {REACH} ?s }}"))
    affected = {n for n in affected if isinstance(n, ox.NamedNode)}
    for rule in RULES:
        graph = ox.NamedNode(f"{base_iri}graph/inferred/{rule.name}")
        template = re.fullmatch(r"CONSTRUCT\s*\{(.*?)\}.*", rule.construct, re.DOTALL).group(1)
        start, end = re.findall(r"\?(\w+)", template)
        drivers = rule.drivers or (start,)
        delta.remove(list(chain.from_iterable(
            store.quads_for_pattern(n, None, None, graph) if var == start else
            store.quads_for_pattern(None, None, n, graph) for var in drivers for n in affected)))
        found: set[ox.Triple] = set()
        for var in drivers:
            for chunk in _chunks(affected):
                query = _only_new(rule.construct, f"VALUES ?{var} {{ {' '.join(str(n) for n in chunk)} }}")
                found.update(store.query(PREFIXES + query))
        delta.add([ox.Quad(t.subject, t.predicate, t.object, graph) for t in found])


def _chunks(nodes) -> list[list]:
    it = iter(sorted(nodes, key=str))
    return list(iter(lambda: list(islice(it, VALUES_CHUNK)), []))
