"""Source documents and reference data (municipalities) → RDF."""

from __future__ import annotations
from typing import Iterable
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD
from mappings.mapping.context import MappingContext, en, ja
from mappings.vocabulary import CODE, ESTAT_SAC, MPLAN, SCHEMA, SPDX, WIKIDATA
from mappings.records.schema import City
from mappings.records.sources import verify_city_code


def map_documents(ctx: MappingContext, documents: Iterable[str] | None = None) -> None:
    """One resource per catalogued document (or per one of ``documents``), in the document's own graph."""
    for doc_id in ctx.catalog if documents is None else documents:
        source = ctx.catalog[doc_id]
        meta = source.meta
        g = ctx.graph(doc_id)
        doc = ctx.define(ctx.iri("document", doc_id))
        g.add((doc, RDF.type, FOAF.Document))
        g.add((doc, RDF.type, PROV.Entity))
        g.add((doc, DCTERMS.identifier, Literal(doc_id)))
        g.add((doc, DCTERMS.title, ja(meta.title)))
        g.add((doc, DCTERMS.title, en(meta.title_en)))
        g.add((doc, RDFS.label, ja(meta.title)))
        g.add((doc, MPLAN.publisherAsPrinted, ja(meta.publisher)))
        g.add((doc, DCTERMS.publisher, ctx.city(meta.city_code)))
        g.add((doc, DCTERMS.spatial, ctx.city(meta.city_code)))
        g.add((doc, DCTERMS.spatial, ESTAT_SAC[f"C{meta.city_code[:5]}"]))  # the city's area (e-Stat)
        g.add((doc, MPLAN.documentKind, CODE[f"document-kind/{meta.kind}"]))
        g.add((doc, SCHEMA.encodingFormat, Literal("text/plain")))
        g.add((doc, MPLAN.fileName, Literal(meta.file)))
        g.add((doc, MPLAN.lineCount, Literal(len(source.lines), datatype=XSD.integer)))
        checksum = URIRef(f"{doc}#sha256")
        g.add((doc, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(meta.sha256)))
        period = URIRef(f"{doc}#period")
        g.add((doc, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(meta.period_start, datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, Literal(meta.period_end, datatype=XSD.gYear)))
        if meta.period_note:
            g.add((period, SKOS.note, en(meta.period_note)))


def map_cities(ctx: MappingContext, cities: list[City]) -> None:
    """Municipalities with their codes, in the reference graph."""
    g = ctx.graph("reference")
    for city in cities:
        verify_city_code(city.code)
        iri = ctx.define(ctx.city(city.code))
        g.add((iri, RDF.type, ORG.FormalOrganization))
        g.add((iri, RDF.type, MPLAN.LocalGovernment))
        g.add((iri, RDFS.label, ja(city.name)))
        g.add((iri, RDFS.label, en(city.name_en)))
        g.add((iri, SKOS.prefLabel, ja(city.name)))
        g.add((iri, SKOS.prefLabel, en(city.name_en)))
        g.add((iri, MPLAN.localGovernmentCode, Literal(city.code)))
        g.add((iri, MPLAN.localGovernmentCode5, Literal(city.code[:5])))
        g.add((iri, MPLAN.prefecture, ja(city.prefecture)))
        g.add((iri, MPLAN.municipalityKind, CODE[f"municipality-kind/{city.kind}"]))
        g.add((iri, RDF.type, PROV.Organization))  # the agent its documents' descriptions are attributed to
        area = ESTAT_SAC[f"C{city.code[:5]}"]
        g.add((iri, MPLAN.standardAreaCode, area))
        g.add((iri, DCTERMS.spatial, area))
        if city.area_code_since:  # the version of the code in force since then
            dated = ESTAT_SAC[f"C{city.code[:5]}-{city.area_code_since.replace('-', '')}"]
            g.add((iri, DCTERMS.spatial, dated))
            g.add((area, DCTERMS.hasVersion, dated))
            g.add((dated, DCTERMS.issued, Literal(city.area_code_since, datatype=XSD.date)))
            if city.area_code_since_from:
                g.add((iri, SKOS.editorialNote, en(f"e-Stat code dated {city.area_code_since}: {city.area_code_since_from}")))
        # the territory (e-Stat's area) lies in its prefecture (e-Stat's code C{pp}000), in its country
        prefecture = ESTAT_SAC[f"C{city.code[:2]}000"]
        g.add((area, SCHEMA.containedInPlace, prefecture))
        g.add((prefecture, RDF.type, SCHEMA.AdministrativeArea))
        g.add((prefecture, RDFS.label, ja(city.prefecture)))
        if city.country:
            g.add((prefecture, SCHEMA.containedInPlace, URIRef(city.country)))
            g.add((URIRef(city.country), RDF.type, SCHEMA.Country))
            g.add((URIRef(city.country), RDFS.label, ja("日本")))
            g.add((URIRef(city.country), RDFS.label, en("Japan")))
        if city.wikidata:
            # the Wikidata item of the municipality is its territory: a mapping, not an identity
            g.add((iri, SKOS.exactMatch, WIKIDATA[city.wikidata]))
            if city.wikidata_from:
                g.add((iri, SKOS.editorialNote, en(f"Wikidata {city.wikidata} from: {city.wikidata_from}")))
