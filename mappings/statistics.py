"""Figures of tables and sentences (statistics records) → RDF Data Cube observations."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from .context import MPLAN, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE, MappingContext, date_literal, decimal_literal, ja, printed_decimal
from .normalize import clean_label
from .records import Loaded, RecordSet, Statistic


def map_statistics(ctx: MappingContext, records: RecordSet) -> None:
    for loaded in records.of("statistics"):
        _map_statistic(ctx, loaded)


def _map_statistic(ctx: MappingContext, loaded: Loaded) -> None:
    s: Statistic = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    dataset = ctx.declare_dataset(
        g, ctx.iri("dataset", loaded.document, s.dataset), MPLAN.StatisticStructure,
        clean_label(s.table) if s.table else s.dataset, s.dataset,
    )
    obs = ctx.define(ctx.iri("dataset", loaded.document, s.dataset, s.id))
    g.add((obs, RDF.type, QB.Observation))
    g.add((obs, QB.dataSet, dataset))
    g.add((obs, MPLAN.measureLabel, ja(s.measure)))
    g.add((obs, SDMX_MEASURE.obsValue, decimal_literal(s.value)))
    if (printed := printed_decimal(s.value)) is not None:
        g.add((obs, MPLAN.valueAsPrinted, Literal(printed)))
    if s.unit:
        g.add((obs, SDMX_ATTRIBUTE.unitMeasure, ctx.unit_iri(s.unit)))
    period = ctx.period(fiscal_year=s.fiscal_year, year=s.year)
    if period is not None:
        g.add((obs, SDMX_DIMENSION.refPeriod, period))
    if s.date:
        g.add((obs, DCTERMS.date, date_literal(s.date)))
    for key, value in sorted(s.dimensions.items()):
        g.add((obs, MPLAN.category, Literal(f"{key}={clean_label(value)}")))
    if s.subject_ref:
        g.add((obs, DCTERMS.subject, ctx.refer(ctx.subject(s.subject_ref), s.subject_ref, loaded)))
    if s.note:
        g.add((obs, SKOS.note, ja(s.note)))
    ctx.derive(g, obs, loaded)
