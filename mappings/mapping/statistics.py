"""Figures of tables, charts and sentences (statistics and datasets records) → RDF Data Cube.

One qb:DataSet per table (``dataset``) of mplan:StatisticStructure.  Dimensions: what is counted
(mplan:statistic, a code of the dataset: one per printed measure and unit, since 訪問件数 1,308回 and
215社 count different things), the period (sdmx-dimension:refPeriod: the year, or the day of a
dct:date, or "not stated"), the printed qualifiers (mplan:category, one code per combination of
qualifiers, skos:broader each qualifier's value) and the city (sdmx-dimension:refArea).
"""

from __future__ import annotations
import calendar
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from mappings.mapping.context import MappingContext, date_literal, ja, printed_decimal
from mappings.vocabulary import MPLAN, QB, SDMX_DIMENSION
from mappings.mapping.datacube import add_area, add_unit, add_value, code_in, period_not_stated
from mappings.records.normalize import clean_label
from mappings.records.schema import Statistic, StatisticsDataset
from mappings.records.files import Loaded, RecordSet


def map_statistics(ctx: MappingContext, records: RecordSet) -> None:
    for loaded in records.of("datasets"):
        _map_dataset(ctx, loaded)
    codes: dict[tuple, URIRef] = {}
    for loaded in records.of("statistics"):
        _map_statistic(ctx, loaded, codes)


def _dataset(ctx: MappingContext, document: str, slug: str, label: str) -> URIRef:
    return ctx.declare_dataset(ctx.graph(document), ctx.iri("dataset", document, slug), MPLAN.StatisticStructure,
                               label, slug, document)


def _map_dataset(ctx: MappingContext, loaded: Loaded) -> None:
    """A table or chart: its title, and its 出典 caption as a dct:source with that label."""
    d: StatisticsDataset = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    iri = _dataset(ctx, loaded.document, d.id, clean_label(d.title))
    if d.source:
        source = URIRef(f"{iri}/source")
        g.add((iri, DCTERMS.source, source))
        g.add((source, RDFS.label, ja(d.source)))
    if d.note:
        g.add((iri, SKOS.note, ja(d.note)))
    if d.subject_ref:
        g.add((iri, DCTERMS.subject, ctx.refer(ctx.subject(d.subject_ref), d.subject_ref, loaded)))
    ctx.derive(g, iri, loaded)


def _map_statistic(ctx: MappingContext, loaded: Loaded, codes: dict) -> None:
    s: Statistic = loaded.record  # type: ignore[assignment]
    g = ctx.graph(loaded.document)
    dataset = _dataset(ctx, loaded.document, s.dataset, clean_label(s.table) if s.table else s.dataset)
    obs = ctx.define(ctx.iri("dataset", loaded.document, s.dataset, s.id))
    g.add((obs, RDF.type, QB.Observation))
    g.add((obs, QB.dataSet, dataset))
    measure = clean_label(s.measure)
    g.add((obs, MPLAN.measureLabel, ja(s.measure)))
    g.add((obs, MPLAN.statistic, _code(ctx, g, codes, dataset, "statistic", (measure, s.unit or ""),
                                       measure if not s.unit else f"{measure}（{s.unit}）")))
    g.add((obs, MPLAN.category, _category(ctx, g, codes, dataset, s.dimensions)))
    period = ctx.period(fiscal_year=s.fiscal_year, year=s.year)
    if period is None and s.date:
        period = ctx.interval(*_days(s.date))  # the day or month a figure is dated: 2022(令和4)年1月現在
    g.add((obs, SDMX_DIMENSION.refPeriod, period or period_not_stated(ctx)))
    add_area(ctx, g, obs, loaded.document)
    add_value(g, obs, s.value, None)
    if (printed := printed_decimal(s.value)) is not None:
        g.add((obs, MPLAN.valueAsPrinted, Literal(printed)))
    add_unit(ctx, g, obs, s.unit)
    if s.date:
        g.add((obs, DCTERMS.date, date_literal(s.date)))
    if s.subject_ref:
        g.add((obs, DCTERMS.subject, ctx.refer(ctx.subject(s.subject_ref), s.subject_ref, loaded)))
    if s.note:
        g.add((obs, SKOS.note, ja(s.note)))
    ctx.derive(g, obs, loaded)


def _days(iso: str) -> tuple[str, str]:
    """First and last day of a dated figure's day, month or year, the way fiscal years are bounded.

    >>> _days("2022-01"), _days("2012-10-01")
    (('2022-01-01', '2022-01-31'), ('2012-10-01', '2012-10-01'))
    """
    if len(iso) == 10:
        return iso, iso
    if len(iso) == 4:
        return f"{iso}-01-01", f"{iso}-12-31"
    year, month = int(iso[:4]), int(iso[5:7])
    return f"{iso}-01", f"{iso}-{calendar.monthrange(year, month)[1]:02d}"


def _code(ctx, g, codes: dict, dataset: URIRef, kind: str, key: tuple, label: str, broader=None) -> URIRef:
    """The code of ``key`` in ``dataset``'s codes of ``kind``, numbered in the order first met."""
    index = (dataset, kind, key)
    if index not in codes:
        n = sum(1 for d, k, _ in codes if d == dataset and k == kind) + 1
        scheme = "statistic" if kind == "statistic" else "statistic-category"
        codes[index] = code_in(ctx, g, URIRef(f"{dataset}/{kind}/{n}"), scheme, label, broader)
    return codes[index]


def _category(ctx, g, codes: dict, dataset: URIRef, dimensions: dict[str, str]) -> URIRef:
    """One code for the combination of qualifiers, skos:broader the code of each qualifier's value,
    which is skos:broader the code of the qualifier (区分 → 休日(昼間)診療 → 休日(昼間)診療 · 内科)."""
    pairs = tuple(sorted((k, clean_label(v)) for k, v in dimensions.items()))
    if not pairs:
        return _code(ctx, g, codes, dataset, "category", (), "区分なし")
    if (dataset, "category", pairs) in codes:
        return codes[(dataset, "category", pairs)]
    values = []
    for key, value in pairs:
        qualifier = _code(ctx, g, codes, dataset, "qualifier", (key,), key)
        values.append(_code(ctx, g, codes, dataset, "qualifier", (key, value), value, qualifier))
    combined = _code(ctx, g, codes, dataset, "category", pairs, " / ".join(f"{k}: {v}" for k, v in pairs))
    for value in values:
        g.add((combined, SKOS.broader, value))
    return combined
