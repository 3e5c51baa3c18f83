"""DCAT 3 catalog and VoID description of the graph, built from the build report.

What CKAN's ckanext-dcat harvests is all here on every dataset: title and
description (ja, en), keywords, identifier, issued/modified, language,
publisher (foaf:Agent with foaf:name), contact point (vCard), license,
spatial (e-Stat standard area code), temporal (dct:PeriodOfTime with
dcat:startDate/endDate), conformsTo the ontology, and distributions with
download URL, media type and byte size.
"""

from __future__ import annotations
from dataclasses import dataclass
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD
from mappings.mapping.context import ESTAT_SAC, MPLAN
from mappings.mapping.context import WIKIDATA as WIKIDATA_NS
from mappings.records.sources import SourceDocument

VOID = Namespace("http://rdfs.org/ns/void#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
JAPANESE = URIRef("http://publications.europa.eu/resource/authority/language/JPN")
ENGLISH = URIRef("http://publications.europa.eu/resource/authority/language/ENG")
ONTOLOGY = URIRef("https://plankg.org/def/mplan")
WIKIDATA = str(WIKIDATA_NS)
ESTAT = str(ESTAT_SAC)

MEDIA_TYPES = {
    ".nq": "application/n-quads", ".trig": "application/trig", ".ttl": "text/turtle",
    ".jsonld": "application/ld+json", ".nq.gz": "application/gzip", ".trig.gz": "application/gzip",
    ".ttl.gz": "application/gzip", ".jsonld.gz": "application/gzip",
}
KEYWORDS_JA = ["総合計画", "総合戦略", "KPI", "行政計画", "茨城県"]
KEYWORDS_EN = ["comprehensive plan", "regional revitalisation strategy", "KPI", "municipal policy", "Ibaraki"]


def default_triples(report: dict) -> int:
    """Distinct triples of the whole graph (the merge, which the default graph holds): a triple stated
    by two documents is one triple. A report from before the merge has only the per-graph counts."""
    if "default_triples" in report:
        return int(report["default_triples"])
    return sum(report.get("triples_per_graph", {}).values())


@dataclass(frozen=True)
class CatalogContext:
    documents: list[SourceDocument]
    report: dict            # var/dumps/current/report.json
    public_url: str         # where this service answers, ending in "/"
    base_iri: str           # the data namespace, ending in "/"


def media_type(file_name: str) -> str:
    """The media type of a dump file.

    >>> media_type("plankg.trig.gz"), media_type("graph-reference.nq")
    ('application/gzip', 'application/n-quads')
    """
    for suffix in sorted(MEDIA_TYPES, key=len, reverse=True):
        if file_name.endswith(suffix):
            return MEDIA_TYPES[suffix]
    raise ValueError(f"no media type for {file_name}")


def _common(g: Graph, ds: URIRef, ctx: CatalogContext) -> None:
    built = ctx.report.get("built_at", "")[:10]
    g.add((ds, DCTERMS.issued, Literal(built, datatype=XSD.date)))
    g.add((ds, DCTERMS.modified, Literal(built, datatype=XSD.date)))
    g.add((ds, DCTERMS.language, JAPANESE))
    g.add((ds, DCTERMS.language, ENGLISH))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY))
    contact = URIRef(ctx.public_url + "catalog#contact")
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("plankg maintainers")))
    g.add((contact, VCARD.hasURL, URIRef(ctx.public_url)))


def _distribution(g: Graph, ds: URIRef, ctx: CatalogContext, file_name: str, size: int) -> None:
    dist = URIRef(f"{ctx.public_url}catalog#dist-{file_name}")
    url = URIRef(f"{ctx.public_url}dumps/{file_name}")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(file_name)))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type(file_name)}")))
    g.add((dist, DCTERMS.format, Literal(media_type(file_name))))
    g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCTERMS.license, LICENSE))
    if file_name.endswith(".gz"):
        g.add((dist, DCAT.compressFormat, URIRef("https://www.iana.org/assignments/media-types/application/gzip")))


def _publisher(g: Graph, name_ja: str, iri: URIRef) -> URIRef:
    g.add((iri, RDF.type, FOAF.Agent))
    g.add((iri, FOAF.name, Literal(name_ja, lang="ja")))
    return iri


def catalog_graph(ctx: CatalogContext) -> Graph:
    """The DCAT catalog: one dataset per source document (its named graph) and one for the whole graph."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("void", VOID), ("mplan", MPLAN)):
        g.bind(prefix, ns)
    catalog = URIRef(ctx.public_url + "catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("市町村行政計画ナレッジグラフ", lang="ja")))
    g.add((catalog, DCTERMS.title, Literal("Japanese municipal plans knowledge graph", lang="en")))
    g.add((catalog, DCTERMS.description, Literal("茨城県の水戸市・日立市・小美玉市の行政計画をRDFで公開するカタログ", lang="ja")))
    g.add((catalog, DCTERMS.description, Literal("Catalog of the plans of Mito, Hitachi and Omitama (Ibaraki) as RDF", lang="en")))
    g.add((catalog, DCTERMS.publisher, _publisher(g, "plankg", URIRef(ctx.public_url + "catalog#publisher"))))
    g.add((catalog, FOAF.homepage, URIRef(ctx.public_url)))
    _common(g, catalog, ctx)
    dumps: dict[str, int] = ctx.report.get("dumps", {})
    triples: dict[str, int] = ctx.report.get("triples_per_graph", {})

    whole = URIRef(ctx.public_url + "catalog#dataset-all")
    g.add((catalog, DCAT.dataset, whole))
    g.add((whole, RDF.type, DCAT.Dataset))
    g.add((whole, DCTERMS.identifier, Literal("plankg")))
    g.add((whole, DCTERMS.title, Literal("市町村行政計画ナレッジグラフ（全体）", lang="ja")))
    g.add((whole, DCTERMS.title, Literal("Municipal plans knowledge graph (all graphs)", lang="en")))
    g.add((whole, DCTERMS.description, Literal("全ての資料の計画・施策・指標・組織と出典を含むグラフ", lang="ja")))
    g.add((whole, DCTERMS.description, Literal("Plans, measures, indicators, organisations and their sources from every document", lang="en")))
    for kw in KEYWORDS_JA:
        g.add((whole, DCAT.keyword, Literal(kw, lang="ja")))
    for kw in KEYWORDS_EN:
        g.add((whole, DCAT.keyword, Literal(kw, lang="en")))
    g.add((whole, DCTERMS.publisher, _publisher(g, "plankg", URIRef(ctx.public_url + "catalog#publisher"))))
    cities = sorted({d.city_code for d in ctx.documents})
    for code in cities:
        g.add((whole, DCTERMS.spatial, URIRef(f"{ESTAT}C{code[:5]}")))
    _temporal(g, whole, min(d.period_start for d in ctx.documents), max(d.period_end for d in ctx.documents))
    _common(g, whole, ctx)
    g.add((whole, VOID.triples, Literal(default_triples(ctx.report), datatype=XSD.integer)))
    for name, size in dumps.items():
        if name.startswith("plankg."):
            _distribution(g, whole, ctx, name, size)

    for doc in ctx.documents:
        ds = URIRef(f"{ctx.public_url}catalog#dataset-{doc.id}")
        graph_iri = f"{ctx.base_iri}graph/{doc.id}"
        g.add((catalog, DCAT.dataset, ds))
        g.add((whole, DCTERMS.hasPart, ds))
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(doc.id)))
        g.add((ds, DCTERMS.title, Literal(doc.title, lang="ja")))
        g.add((ds, DCTERMS.title, Literal(doc.title_en, lang="en")))
        g.add((ds, DCTERMS.description, Literal(f"{doc.publisher}「{doc.title}」から作成したRDFグラフ（名前付きグラフ {graph_iri}）", lang="ja")))
        g.add((ds, DCTERMS.description, Literal(f"RDF graph made from “{doc.title_en}” (named graph {graph_iri})", lang="en")))
        g.add((ds, DCAT.keyword, Literal(doc.publisher, lang="ja")))
        for kw in KEYWORDS_JA[:2]:
            g.add((ds, DCAT.keyword, Literal(kw, lang="ja")))
        g.add((ds, DCAT.keyword, Literal(doc.kind.replace("-", " "), lang="en")))
        g.add((ds, DCTERMS.publisher, _publisher(g, doc.publisher, URIRef(f"{ctx.public_url}catalog#publisher-{doc.id}"))))
        g.add((ds, DCTERMS.spatial, URIRef(f"{ESTAT}C{doc.city_code[:5]}")))
        g.add((ds, DCTERMS.source, URIRef(f"{ctx.base_iri}id/document/{doc.id}")))
        _temporal(g, ds, doc.period_start, doc.period_end)
        _common(g, ds, ctx)
        g.add((ds, VOID.triples, Literal(triples.get(graph_iri, 0), datatype=XSD.integer)))
        name = f"graph-{doc.id}.nq"
        if name in dumps:
            _distribution(g, ds, ctx, name, dumps[name])

    service = URIRef(ctx.public_url + "sparql")
    g.add((catalog, DCAT.service, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((service, DCTERMS.title, Literal("SPARQLエンドポイント", lang="ja")))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCTERMS.license, LICENSE))
    for ds in g.subjects(RDF.type, DCAT.Dataset):
        g.add((service, DCAT.servesDataset, ds))
    return g


def _temporal(g: Graph, ds: URIRef, start: str, end: str) -> None:
    period = BNode()
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(start, datatype=XSD.gYear)))
    g.add((period, DCAT.endDate, Literal(end, datatype=XSD.gYear)))


def void_graph(ctx: CatalogContext, class_counts: dict[str, int], property_counts: dict[str, int],
               entities: int, link_counts: dict[str, int]) -> Graph:
    """VoID: the whole dataset, a subset per named graph, linksets to Wikidata and e-Stat."""
    g = Graph()
    g.bind("void", VOID)
    ds = URIRef(ctx.public_url + ".well-known/void#dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("Municipal plans knowledge graph", lang="en")))
    g.add((ds, DCTERMS.title, Literal("市町村行政計画ナレッジグラフ", lang="ja")))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, VOID.sparqlEndpoint, URIRef(ctx.public_url + "sparql")))
    g.add((ds, VOID.uriSpace, Literal(ctx.base_iri + "id/")))
    g.add((ds, VOID.vocabulary, URIRef(str(MPLAN))))
    for vocab in ("http://www.w3.org/ns/org#", "http://www.w3.org/2006/time#", "http://www.w3.org/2004/02/skos/core#",
                  "http://www.w3.org/ns/prov#", "http://purl.org/linked-data/cube#", "http://purl.org/dc/terms/",
                  "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/dcat#"):
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    triples: dict[str, int] = ctx.report.get("triples_per_graph", {})
    g.add((ds, VOID.triples, Literal(default_triples(ctx.report), datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(entities, datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(class_counts), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(property_counts), datatype=XSD.integer)))
    for name in ctx.report.get("dumps", {}):
        if name.startswith("plankg."):
            g.add((ds, VOID.dataDump, URIRef(f"{ctx.public_url}dumps/{name}")))
    for i, (cls, n) in enumerate(sorted(class_counts.items())):
        part = URIRef(f"{ctx.public_url}.well-known/void#class-{i}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for i, (prop, n) in enumerate(sorted(property_counts.items())):
        part = URIRef(f"{ctx.public_url}.well-known/void#property-{i}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    for graph_iri, n in sorted(triples.items()):
        name = graph_iri.removeprefix(ctx.base_iri + "graph/").replace("/", "-")
        subset = URIRef(f"{ctx.public_url}.well-known/void#graph-{name}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, URIRef(graph_iri)))
        g.add((subset, VOID.triples, Literal(n, datatype=XSD.integer)))
        dump = f"graph-{name}.nq"
        if dump in ctx.report.get("dumps", {}):
            g.add((subset, VOID.dataDump, URIRef(f"{ctx.public_url}dumps/{dump}")))
    for target, label in ((WIKIDATA, "Wikidata"), (ESTAT, "e-Stat standard area codes")):
        ls = URIRef(f"{ctx.public_url}.well-known/void#links-{label.split()[0].lower()}")
        g.add((ds, VOID.subset, ls))
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, RDFS.label, Literal(f"links to {label}", lang="en")))
        g.add((ls, VOID.target, ds))
        g.add((ls, VOID.target, URIRef(target)))
        g.add((ls, VOID.linkPredicate, URIRef("http://www.w3.org/2004/02/skos/core#exactMatch" if target == WIKIDATA else str(MPLAN.standardAreaCode))))
        g.add((ls, VOID.triples, Literal(link_counts.get(target, 0), datatype=XSD.integer)))
    return g


