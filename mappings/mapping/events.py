"""Dated events and information systems → RDF."""

from __future__ import annotations
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, TIME
from mappings.mapping.context import MappingContext, date_literal, ja
from mappings.vocabulary import MPLAN, SCHEMA
from mappings.records.schema import Event, InformationSystem
from mappings.records.files import Loaded, RecordSet


def map_events(ctx: MappingContext, records: RecordSet) -> None:
    """An event is a schema:Event at the date the document prints (year, month or day), with
    ``time:hasTime`` its instant, whose xsd:date bounds a query can compare (``ctx.instant``).
    The passage supports the event's description (``ctx.derive``), not the event."""
    for loaded in records.of("events"):
        e: Event = loaded.record  # type: ignore[assignment]
        g = ctx.graph(loaded.document)
        iri = ctx.define(ctx.iri("event", loaded.document, e.id))
        g.add((iri, RDF.type, SCHEMA.Event))
        g.add((iri, RDFS.label, ja(e.label)))
        g.add((iri, DCTERMS.date, date_literal(e.date)))
        g.add((iri, SCHEMA.startDate, date_literal(e.date)))
        g.add((iri, TIME.hasTime, ctx.instant(e.date)))
        if e.subject_ref:
            g.add((iri, DCTERMS.subject, ctx.refer(ctx.subject(e.subject_ref), e.subject_ref, loaded)))
        ctx.derive(g, iri, loaded)
    for loaded in records.of("systems"):
        _map_system(ctx, loaded)


def _map_system(ctx: MappingContext, loaded: Loaded) -> None:
    s: InformationSystem = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    iri = ctx.define(ctx.iri("system", s.city, s.id))
    g.add((iri, RDF.type, MPLAN.InformationSystem))
    g.add((iri, RDF.type, SCHEMA.SoftwareApplication))
    g.add((iri, RDFS.label, ja(s.label)))
    g.add((iri, MPLAN.operatedBy, ctx.refer(ctx.city(s.city), s.city, loaded)))
    g.add((iri, MPLAN.started, date_literal(s.started)))
    if s.department_ref:
        g.add((iri, MPLAN.ownerUnit, ctx.refer(ctx.org(s.department_ref), s.department_ref, loaded)))
    if s.note:
        g.add((iri, SKOS.note, ja(s.note)))
    ctx.derive(g, iri, loaded)
