"""What the three cubes (indicators, budgets, statistics) share, as the RDF Data Cube spec wants it:
every observation carries every dimension of its structure (refArea, a period even where the
document states none), its measure (NaN with an sdmx-attribute:obsStatus code where the document
prints no number, as SDMX does) and its unit as a QUDT unit with sdmx-attribute:unitMult.
"""

from __future__ import annotations
from decimal import Decimal
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, TIME, XSD
from mappings.mapping.context import MappingContext, decimal_literal
from mappings.vocabulary import CODE, MPLAN, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE

# SDMX's convention for an observation without a number: OBS_VALUE NaN, with its OBS_STATUS.
NOT_A_NUMBER = Literal("NaN", datatype=XSD.double, normalize=False)  # rdflib would write "nan", not xsd:double
# A target's comparison as printed → code:target-comparison
SCHEME_LABELS = {"statistic": ("統計の項目", "statistics: what is counted"),
                 "statistic-category": ("統計の区分", "statistics: qualifiers")}
COMPARISONS = {"以下": "at-most", "以上": "at-least", "増/年": "annual-increase", "減/年": "annual-decrease"}


def code_of(scheme: str, codes: dict[str, str], printed: str, key: str) -> URIRef:
    """The concept of ``code:{scheme}`` for a printed word (``key``: the word as looked up), or an
    error naming the word and the words the scheme knows."""
    try:
        return CODE[f"{scheme}/{codes[key]}"]
    except KeyError:
        raise ValueError(f"unknown {scheme.replace('-', ' ')} {printed!r} (expected one of {', '.join(codes)})") from None


def comparison_code(printed: str) -> URIRef:
    """The code of a printed target comparison.

    >>> str(comparison_code("以下")).rsplit("/", 1)[1]
    'at-most'
    """
    return code_of("target-comparison", COMPARISONS, printed, printed.strip())


def add_value(g, obs: URIRef, value: Decimal | None, status: str | None) -> None:
    """The measure: the number, or NaN with the code that says why there is none."""
    if value is not None:
        g.add((obs, SDMX_MEASURE.obsValue, decimal_literal(value)))
        return
    if status is None:
        raise ValueError(f"{obs}: a value without a number needs a status_code")
    g.add((obs, SDMX_MEASURE.obsValue, NOT_A_NUMBER))
    g.add((obs, SDMX_ATTRIBUTE.obsStatus, CODE[f"obs-status/{status}"]))


def add_unit(ctx: MappingContext, g, subject: URIRef, printed: str | None) -> None:
    """unitMeasure (QUDT), unitMult (a power of ten, when not 0) and the unit as printed."""
    if not printed:
        return
    unit = ctx.unit_of(printed)
    g.add((subject, SDMX_ATTRIBUTE.unitMeasure, URIRef(unit.unit)))
    if unit.multiplier:
        g.add((subject, SDMX_ATTRIBUTE.unitMult, Literal(unit.multiplier, datatype=XSD.integer)))
    g.add((subject, MPLAN.unitAsPrinted, Literal(printed.strip())))


def add_area(ctx: MappingContext, g, obs: URIRef, document: str) -> None:
    """sdmx-dimension:refArea: the city the document is about."""
    g.add((obs, SDMX_DIMENSION.refArea, ctx.city(ctx.catalog[document].meta.city_code)))


def period_not_stated(ctx: MappingContext) -> URIRef:
    """The period of a value whose year the document does not state (目標年次 with no year)."""
    iri = ctx.iri("period", "not-stated")
    if iri not in ctx.defined:
        ctx.define(iri)
        g = ctx.graph("reference")
        g.add((iri, RDF.type, TIME.ProperInterval))
        g.add((iri, RDFS.label, Literal("年次の記載なし", lang="ja")))
        g.add((iri, RDFS.label, Literal("period not stated", lang="en")))
        g.add((iri, RDFS.comment, Literal(
            "The period of a value printed without a year (a target under 目標年次 that names none).", lang="en")))
    return iri


def breakdown(ctx: MappingContext, printed: str | None) -> URIRef:
    """The code of the subgroup a value is printed for; ``total`` for a value of no subgroup."""
    scheme = ctx.iri("codelist", "breakdown")
    if printed is None:
        code, label_ja, label_en = "total", "内訳なし（全体）", "total (no breakdown)"
    else:
        try:
            row = ctx.breakdowns[printed.strip()]
        except KeyError:
            raise ValueError(f"breakdown {printed!r} is not in data/reference/breakdowns.yaml") from None
        code, label_ja, label_en = row.code, row.printed, row.label_en
    iri = ctx.iri("breakdown", code)
    if iri not in ctx.defined:
        ctx.define(iri)
        g = ctx.graph("reference")
        if scheme not in ctx.defined:
            ctx.define(scheme)
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            g.add((scheme, SKOS.prefLabel, Literal("内訳", lang="ja")))
            g.add((scheme, SKOS.prefLabel, Literal("breakdown", lang="en")))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, scheme))
        g.add((iri, SKOS.notation, Literal(code)))
        g.add((iri, SKOS.prefLabel, Literal(label_ja, lang="ja")))
        g.add((iri, SKOS.prefLabel, Literal(label_en, lang="en")))
    return iri


def code_in(ctx: MappingContext, g, iri: URIRef, scheme_name: str, label_ja: str, broader: URIRef | None = None) -> URIRef:
    """A skos:Concept of the code list ``id/codelist/{scheme_name}``, described once in ``g``."""
    if iri in ctx.defined:
        return iri
    ctx.define(iri)
    scheme = ctx.iri("codelist", scheme_name)
    if scheme not in ctx.defined:
        ctx.define(scheme)
        ref = ctx.graph("reference")
        ref.add((scheme, RDF.type, SKOS.ConceptScheme))
        ja_label, en_label = SCHEME_LABELS[scheme_name]
        ref.add((scheme, SKOS.prefLabel, Literal(ja_label, lang="ja")))
        ref.add((scheme, SKOS.prefLabel, Literal(en_label, lang="en")))
    g.add((iri, RDF.type, SKOS.Concept))
    g.add((iri, SKOS.inScheme, scheme))
    g.add((iri, SKOS.prefLabel, Literal(label_ja, lang="ja")))
    if broader is not None:
        g.add((iri, SKOS.broader, broader))
    return iri


def add_to_slice(ctx: MappingContext, g, dataset: URIRef, slice_iri: URIRef, key: URIRef,
                 fixed: dict[URIRef, URIRef], obs: URIRef, described: tuple = ()) -> None:
    """``obs`` into the slice ``slice_iri`` of ``dataset`` (created once with its fixed dimensions
    and the (property, value) pairs of ``described``)."""
    if slice_iri not in ctx.defined:
        ctx.define(slice_iri)
        g.add((slice_iri, RDF.type, QB.Slice))
        g.add((slice_iri, QB.sliceStructure, key))
        g.add((dataset, QB.slice, slice_iri))
        for dim, value in fixed.items():
            g.add((slice_iri, dim, value))
        for prop, value in described:
            g.add((slice_iri, prop, value))
    g.add((slice_iri, QB.observation, obs))
