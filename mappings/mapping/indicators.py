"""Indicators (KPIs, numeric targets, outcome and target indicators) → RDF Data Cube.

An indicator is a resource that ``mplan:measures`` plan elements; each printed
figure (baseline, target, expected, actual per year, current, previous) is a
``qb:Observation`` of mplan:IndicatorStructure.  Its dimensions: the indicator, the role,
the column it is printed under (mplan:columnPeriod, e.g. 2021年度), the period the value
refers to (sdmx-dimension:refPeriod: 126,471 (2020年度) under 2021年度 refers to FY2020),
the subgroup (mplan:breakdown) and the city (sdmx-dimension:refArea).  The values of one
indicator in one role form a qb:Slice (the series a KPI's actuals make over the years).
"""

from __future__ import annotations
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from mappings.mapping.context import MappingContext, ja, printed_decimal
from mappings.vocabulary import CODE, MPLAN, QB, SDMX_DIMENSION
from mappings.mapping.datacube import add_area, add_to_slice, add_unit, add_value, breakdown, code_of, comparison_code, period_not_stated
from mappings.records.normalize import clean_label, compact
from mappings.records.schema import Indicator, Observation
from mappings.records.files import Loaded, RecordSet

INDICATOR_CLASSES = {
    "kpi": MPLAN.KPI, "numeric-target": MPLAN.NumericTarget,
    "outcome-indicator": MPLAN.OutcomeIndicator, "target-indicator": MPLAN.TargetIndicator,
}
PROGRESS_STATUS = {"順調": "on-track", "概ね順調": "roughly-on-track", "遅れ": "delayed"}
# the Japanese labels of code:observation-role, for the names of the series (slices)
ROLE_LABELS = {"baseline": "基準値", "target": "目標値", "expected": "期待値", "actual": "実績値",
               "current": "現状値", "previous": "前期計画値"}


def progress_status(printed: str) -> URIRef:
    """The code of a printed progress status.

    >>> str(progress_status("概ね 順調")).rsplit("/", 1)[1]
    'roughly-on-track'
    """
    return code_of("progress-status", PROGRESS_STATUS, printed, compact(printed))


def map_indicators(ctx: MappingContext, records: RecordSet) -> None:
    for loaded in records.of("indicators"):
        _map_indicator(ctx, loaded)


def _map_indicator(ctx: MappingContext, loaded: Loaded) -> None:
    ind: Indicator = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    iri = ctx.define(ctx.iri("plan", ind.plan, "indicator", ind.id))
    g.add((iri, RDF.type, INDICATOR_CLASSES[ind.kind]))
    g.add((iri, RDF.type, MPLAN.Indicator))
    g.add((iri, MPLAN.inPlan, ctx.refer(ctx.plan(ind.plan), ind.plan, loaded)))
    ctx.label(g, iri, ind.label)
    if ind.label_en:
        ctx.label(g, iri, ind.label_en, "en")
    if ind.number:
        g.add((iri, MPLAN.displayNumber, Literal(ind.number.strip())))
    for ref in ind.measures_refs:
        g.add((iri, MPLAN.measures, ctx.refer(ctx.element(ind.plan, ref), ref, loaded)))
    if ind.unit:
        g.add((iri, MPLAN.unit, URIRef(ctx.unit_of(ind.unit).unit)))
        g.add((iri, MPLAN.unitAsPrinted, Literal(ind.unit.strip())))
    if ind.survey:
        g.add((iri, MPLAN.survey, ja(ind.survey)))
    if ind.description:
        g.add((iri, DCTERMS.description, ja(ind.description)))
    for note in ind.footnotes:
        g.add((iri, SKOS.note, ja(note)))
    ctx.derive(g, iri, loaded)
    dataset = ctx.declare_dataset(g, ctx.iri("plan", ind.plan, "indicators"), MPLAN.IndicatorStructure,
                                  f"{ind.plan} 指標", f"Indicator values of {ind.plan}", loaded.document)
    used: set[URIRef] = set()
    for observation in ind.observations:
        _map_observation(ctx, loaded, iri, dataset, observation, used)


def _map_observation(ctx, loaded: Loaded, indicator: URIRef, dataset: URIRef, o: Observation, used: set) -> None:
    ind: Indicator = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    period_key = f"fy{o.fiscal_year}" if o.fiscal_year else f"y{o.year}" if o.year else "none"
    parts = ["plan", ind.plan, "indicator", ind.id, o.role, period_key]
    subgroup = breakdown(ctx, o.breakdown)
    if o.breakdown:
        parts.append(str(subgroup).rsplit("/", 1)[1])
    obs = ctx.iri(*parts)
    if o.breakdown:  # one cell of several subgroups was one observation: its IRI names the new ones
        ctx.graph("reference").add((ctx.iri(*parts[:-1]), DCTERMS.isReplacedBy, obs))
    if obs in used:
        raise ValueError(f"{loaded.where}: two {o.role} values under one column; give each its breakdown")
    used.add(ctx.define(obs))
    g.add((obs, RDF.type, QB.Observation))
    g.add((obs, QB.dataSet, dataset))
    g.add((obs, MPLAN.indicator, indicator))
    role = CODE[f"observation-role/{o.role}"]
    g.add((obs, MPLAN.observationRole, role))
    column = ctx.period(fiscal_year=o.fiscal_year, year=o.year) or period_not_stated(ctx)
    g.add((obs, MPLAN.columnPeriod, column))
    refers_to = ctx.period(fiscal_year=o.refers_to_fiscal_year, year=o.refers_to_year)
    g.add((obs, SDMX_DIMENSION.refPeriod, refers_to or column))
    g.add((obs, MPLAN.breakdown, subgroup))
    add_area(ctx, g, obs, loaded.document)
    add_value(g, obs, o.value, o.status_code)
    printed = clean_label(o.value_text) if o.value_text else printed_decimal(o.value) if o.value is not None else None
    if printed:
        g.add((obs, MPLAN.valueAsPrinted, Literal(printed)))
    add_unit(ctx, g, obs, o.unit or ind.unit)  # a rate printed with a target (0.6%増/年) has its own unit
    if o.comparison:
        g.add((obs, MPLAN.comparison, comparison_code(o.comparison)))
    if o.status:
        g.add((obs, MPLAN.progressStatus, progress_status(o.status)))
    if o.trend:
        g.add((obs, MPLAN.trend, Literal(o.trend.strip())))
    if o.note:
        g.add((obs, SKOS.note, ja(o.note)))
    ctx.derive(g, obs, loaded, o.lines)
    # the series is about its indicator (dct:subject) and named after it, so a query in W3C terms finds it
    add_to_slice(ctx, g, dataset, ctx.iri("plan", ind.plan, "indicator", ind.id, o.role), MPLAN.IndicatorSeries,
                 {MPLAN.indicator: indicator, MPLAN.observationRole: role}, obs,
                 ((DCTERMS.subject, indicator),
                  (RDFS.label, Literal(f"{clean_label(ind.label)}：{ROLE_LABELS[o.role]}", lang="ja"))))
