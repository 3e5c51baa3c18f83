"""Cross-document links (data/linkage/links.yaml) → the linkage graph, with their evidence.

Each link is stated twice in ``{base}graph/linkage``: as the plain triple, so that
simple patterns work, and as a qualified ``mplan:LinkAssertion`` naming both ends,
the passage on each side, who asserts it (the document or a curator) and a
confidence.
"""

from __future__ import annotations
from decimal import Decimal
from rdflib import Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS
from mappings.mapping.context import MappingContext, decimal_literal, en
from mappings.vocabulary import MPLAN
from mappings.records.schema import Link, LinkSide
from mappings.records.files import RecordSet

PREDICATES = {
    "positioned-under": MPLAN.positionedUnder, "based-on": MPLAN.basedOn, "serves": MPLAN.serves,
    "measures": MPLAN.measures, "member-of": ORG.memberOf, "relisted-under": MPLAN.relistedUnder,
    "carried-out-through": MPLAN.carriedOutThrough,
}


def resolve_side(ctx: MappingContext, side: LinkSide) -> URIRef:
    """The IRI a typed ref names: ``element:plan/id``, ``indicator:plan/id``, ``plan:id``, ``org:id``, ``city:code``."""
    kind, _, value = side.ref.partition(":")
    if kind in ("element", "indicator"):
        plan, _, local = value.partition("/")
        return ctx.iri("plan", plan, local) if kind == "element" else ctx.iri("plan", plan, "indicator", local)
    return {"plan": ctx.plan, "org": ctx.org, "city": ctx.city}[kind](value)


def map_links(ctx: MappingContext, records: RecordSet) -> None:
    g = ctx.graph("linkage")
    curator = ctx.iri("agent", "curator")
    for loaded in records.links:
        link: Link = loaded.record  # type: ignore[assignment]
        subject = ctx.refer(resolve_side(ctx, link.subject), link.subject.ref, loaded)
        obj = ctx.refer(resolve_side(ctx, link.object), link.object.ref, loaded)
        predicate = PREDICATES[link.relation]
        g.add((subject, predicate, obj))
        node = ctx.define(ctx.iri("link", link.id))
        g.add((node, RDF.type, MPLAN.LinkAssertion))
        g.add((node, MPLAN.linkSubject, subject))
        g.add((node, MPLAN.linkPredicate, predicate))
        g.add((node, MPLAN.linkObject, obj))
        subject_passages = ctx.passages(link.subject.document, link.subject.lines)
        object_passages = ctx.passages(link.object.document, link.object.lines)
        for passage in subject_passages:
            g.add((node, MPLAN.subjectEvidence, passage))
        for passage in object_passages:
            g.add((node, MPLAN.objectEvidence, passage))
        g.add((node, MPLAN.confidence, decimal_literal(Decimal(str(link.confidence)))))
        g.add((node, RDFS.comment, en(link.reason_en)))
        if link.asserted_by == "document":  # the city whose document states it is the agent, not the document
            g.add((node, PROV.wasAttributedTo, ctx.city(ctx.catalog[link.subject.document].meta.city_code)))
        else:
            g.add((node, PROV.wasAttributedTo, curator))
            g.add((curator, RDF.type, PROV.Agent))
            g.add((curator, RDFS.label, Literal("plankg curators", lang="en")))
        for passage in subject_passages + object_passages:
            g.add((node, PROV.wasDerivedFrom, passage))
        ctx.origin.setdefault(node, loaded.where)
