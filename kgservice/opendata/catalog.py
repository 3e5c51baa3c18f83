"""DCAT 3 catalog of the graph, built from the build report, the source catalog and what the graph
says about each document (kgservice.opendata.facts).

Shaped for CKAN's ckanext-dcat (tests/test_clients_ckan.py runs its RDFParser with the DCAT-AP 1, 2
and 3 profiles): on every dataset title and description in Japanese and English, keywords that pass
CKAN's tag rule (letters, digits, space, ``-_.``; "・" would fail) with none repeated across the
languages, identifier, issued/modified (the dataset's own history, kgservice.opendata.facts),
language, the publisher as the graph has it (the city's IRI with its types and names), a contact
point (vCard, with an address or form URL when one is configured), a landing page, spatial (e-Stat
standard area code), temporal (dct:PeriodOfTime with dcat:startDate/endDate), conformsTo the ontology,
and distributions with download URL, the media type of their content, ``dcat:compressFormat`` for the
gzipped ones, a format label and byte size.

Licence: CC BY 4.0 on the datasets and the catalog; the distributions name it by the IRI of CKAN's
licence register (``http://www.opendefinition.org/licenses/cc-by``, its "cc-by"), which CKAN reads the
licence from, described as the licence family CC BY 4.0 is a version of, with its SPDX identifier.

Every IRI comes from the configured base IRI (settings.base_iri): the catalog at ``{base}catalog``,
its datasets and distributions as fragments of it, dumps at ``{base}dumps/…`` — never from the
request's Host header, so a harvester's identifiers do not change with the proxy in front.
"""

from __future__ import annotations
from dataclasses import dataclass, field
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, RDF, XSD
from kgservice.request.negotiation import formats_of
from mappings.records.sources import SourceDocument
from mappings.vocabulary import ESTAT_SAC, MPLAN, ONTOLOGY_IRI, SD, VCARD, VOID

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
LICENSE_CKAN = URIRef("http://www.opendefinition.org/licenses/cc-by")  # CKAN's licence register: "cc-by"
LICENSE_SPDX = URIRef("http://spdx.org/licenses/CC-BY-4.0")
JAPANESE = URIRef("http://publications.europa.eu/resource/authority/language/JPN")
ENGLISH = URIRef("http://publications.europa.eu/resource/authority/language/ENG")
ONTOLOGY = ONTOLOGY_IRI
IANA = "https://www.iana.org/assignments/media-types/"
SCHEMA_HTTP = Namespace("http://schema.org/")  # DCAT-AP 1.x's period bounds are in schema.org's http namespace
ESTAT = str(ESTAT_SAC)

# Dump suffix → (media type of the content, format label), from pyoxigraph's format enums
FORMATS = {"." + f.extension: (f.media_type, f.ox.name) for f in formats_of("graph")
           if f.name in ("nquads", "trig", "turtle", "jsonld")}
GZIP = "application/gzip"
# One language per keyword: CKAN's tags carry none, so "KPI" in both would be one tag twice.
KEYWORDS = {"ja": ["総合計画", "総合戦略", "重要業績評価指標", "行政計画", "茨城県"],
            "en": ["comprehensive plan", "regional revitalisation strategy", "KPI", "municipal policy", "Ibaraki"]}
REGION = {"ja": "茨城県", "en": "Ibaraki"}


def default_triples(report: dict) -> int:
    """Distinct triples of the whole graph (the merge, which the default graph holds): a triple stated
    by two documents is one triple. A report from before the merge has only the per-graph counts."""
    if "default_triples" in report:
        return int(report["default_triples"])
    return sum(report.get("triples_per_graph", {}).values())


@dataclass(frozen=True)
class Agent:
    """A publisher as the graph has it."""
    iri: str
    names: dict[str, str]          # language → name
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetFacts:
    """What the graph and the data's history say about one document's dataset."""
    publisher: Agent
    kind_labels: dict[str, str] = field(default_factory=dict)  # language → label of its document kind
    issued: str | None = None      # xsd:date of the first and last change of its data
    modified: str | None = None


@dataclass(frozen=True)
class Contact:
    name: dict[str, str]
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class CatalogContext:
    documents: list[SourceDocument]
    report: dict                    # var/dumps/current/report.json
    base_iri: str                   # the data namespace and where the service is published, ending in "/"
    facts: dict[str, DatasetFacts]  # by document id
    whole: DatasetFacts             # the dataset of every graph
    contact: Contact


def media_type(file_name: str) -> str:
    """The media type of a dump file as served (a gzipped dump is application/gzip).

    >>> media_type("plankg.trig.gz"), media_type("graph-reference.nq")
    ('application/gzip', 'application/n-quads')
    """
    content, compressed = content_format(file_name)
    return GZIP if compressed else content[0]


def content_format(file_name: str) -> tuple[tuple[str, str], bool]:
    """(media type, label) of what a dump holds, and whether it is gzipped.

    >>> content_format("plankg.ttl.gz")
    (('text/turtle', 'Turtle'), True)
    """
    compressed = file_name.endswith(".gz")
    stem = file_name.removesuffix(".gz")
    for suffix, fmt in FORMATS.items():
        if stem.endswith(suffix):
            return fmt, compressed
    raise ValueError(f"no media type for {file_name}")


def _literals(g: Graph, s: URIRef, p: URIRef, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        g.add((s, p, Literal(text, lang=lang)))


def _licences(g: Graph) -> None:
    g.add((LICENSE, RDF.type, DCTERMS.LicenseDocument))
    g.add((LICENSE, DCTERMS.title, Literal("Creative Commons Attribution 4.0 International", lang="en")))
    g.add((LICENSE, DCTERMS.identifier, Literal("CC-BY-4.0")))
    g.add((LICENSE, OWL.sameAs, LICENSE_SPDX))
    g.add((LICENSE, DCTERMS.isVersionOf, LICENSE_CKAN))
    g.add((LICENSE_CKAN, RDF.type, DCTERMS.LicenseDocument))
    g.add((LICENSE_CKAN, DCTERMS.title, Literal("Creative Commons Attribution", lang="en")))
    g.add((LICENSE_CKAN, DCTERMS.hasVersion, LICENSE))


def _agent(g: Graph, agent: Agent) -> URIRef:
    iri = URIRef(agent.iri)
    g.add((iri, RDF.type, FOAF.Agent))
    for t in agent.types:
        g.add((iri, RDF.type, URIRef(t)))
    _literals(g, iri, FOAF.name, agent.names)
    return iri


def _contact(g: Graph, ctx: CatalogContext) -> URIRef:
    contact = URIRef(ctx.base_iri + "catalog#contact")
    g.add((contact, RDF.type, VCARD.Organization))
    _literals(g, contact, VCARD.fn, ctx.contact.name)
    if ctx.contact.email:
        g.add((contact, VCARD.hasEmail, URIRef("mailto:" + ctx.contact.email)))
    if ctx.contact.url:
        g.add((contact, VCARD.hasURL, URIRef(ctx.contact.url)))
    return contact


def _dates(g: Graph, s: URIRef, facts: DatasetFacts) -> None:
    if facts.issued:
        g.add((s, DCTERMS.issued, Literal(facts.issued, datatype=XSD.date)))
    if facts.modified:
        g.add((s, DCTERMS.modified, Literal(facts.modified, datatype=XSD.date)))


def _dataset(g: Graph, ctx: CatalogContext, ds: URIRef, facts: DatasetFacts, keywords: dict[str, list[str]],
             landing: str) -> None:
    g.add((ds, RDF.type, DCAT.Dataset))
    for lang, words in keywords.items():
        for word in dict.fromkeys(words):
            g.add((ds, DCAT.keyword, Literal(word, lang=lang)))
    g.add((ds, DCTERMS.publisher, _agent(g, facts.publisher)))
    g.add((ds, DCAT.contactPoint, _contact(g, ctx)))
    g.add((ds, DCAT.landingPage, URIRef(landing)))
    _dates(g, ds, facts)
    g.add((ds, DCTERMS.language, JAPANESE))
    g.add((ds, DCTERMS.language, ENGLISH))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY))


def _distribution(g: Graph, ds: URIRef, ctx: CatalogContext, file_name: str, size: int) -> None:
    (content, label), compressed = content_format(file_name)
    dist = URIRef(f"{ctx.base_iri}catalog#dist-{file_name}")
    url = URIRef(f"{ctx.base_iri}dumps/{file_name}")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(file_name)))
    how = {"ja": f"{label}（gzip 圧縮）", "en": f"{label}, gzip-compressed"} if compressed else {"ja": label, "en": label}
    _literals(g, dist, DCTERMS.description, how)
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + content)))
    # the label tells a gzipped dump from the plain one where a profile reads no dcat:compressFormat (DCAT-AP 1)
    g.add((dist, DCTERMS["format"], Literal(f"{label} (gzip)" if compressed else label)))
    if compressed:
        g.add((dist, DCAT.compressFormat, URIRef(IANA + GZIP)))
    g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCTERMS.license, LICENSE_CKAN))


def _temporal(g: Graph, ds: URIRef, start: str, end: str) -> None:
    period = BNode()
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    for first, last in ((DCAT.startDate, DCAT.endDate), (SCHEMA_HTTP.startDate, SCHEMA_HTTP.endDate)):  # DCAT-AP 2+, 1.x
        g.add((period, first, Literal(start, datatype=XSD.gYear)))
        g.add((period, last, Literal(end, datatype=XSD.gYear)))


def catalog_graph(ctx: CatalogContext) -> Graph:
    """The DCAT catalog: one dataset per source document (its named graph) and one for the whole graph."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("void", VOID),
                       ("mplan", MPLAN), ("org", ORG), ("owl", OWL)):
        g.bind(prefix, ns)
    base = ctx.base_iri
    _licences(g)
    catalog = URIRef(base + "catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    _literals(g, catalog, DCTERMS.title, {"ja": "市町村行政計画ナレッジグラフ", "en": "Japanese municipal plans knowledge graph"})
    _literals(g, catalog, DCTERMS.description, {"ja": "茨城県の水戸市・日立市・小美玉市の行政計画をRDFで公開するカタログ",
                                                "en": "Catalog of the plans of Mito, Hitachi and Omitama (Ibaraki) as RDF"})
    g.add((catalog, DCTERMS.publisher, _agent(g, ctx.whole.publisher)))
    g.add((catalog, FOAF.homepage, URIRef(base)))
    g.add((catalog, DCTERMS.license, LICENSE))
    g.add((catalog, DCTERMS.language, JAPANESE))
    g.add((catalog, DCTERMS.language, ENGLISH))
    _dates(g, catalog, ctx.whole)
    dumps: dict[str, int] = ctx.report.get("dumps", {})
    triples: dict[str, int] = ctx.report.get("triples_per_graph", {})

    whole = URIRef(base + "catalog#dataset-all")
    g.add((catalog, DCAT.dataset, whole))
    g.add((whole, DCTERMS.identifier, Literal("plankg")))
    _literals(g, whole, DCTERMS.title, {"ja": "市町村行政計画ナレッジグラフ（全体）", "en": "Municipal plans knowledge graph (all graphs)"})
    _literals(g, whole, DCTERMS.description, {"ja": "全ての資料の計画・施策・指標・組織と出典を含むグラフ",
                                              "en": "Plans, measures, indicators, organisations and their sources from every document"})
    _dataset(g, ctx, whole, ctx.whole, KEYWORDS, base)
    for code in sorted({d.city_code for d in ctx.documents}):
        g.add((whole, DCTERMS.spatial, URIRef(f"{ESTAT}C{code[:5]}")))
    if ctx.documents:  # a store holding no catalogued document has no period to state
        _temporal(g, whole, min(d.period_start for d in ctx.documents), max(d.period_end for d in ctx.documents))
    g.add((whole, VOID.triples, Literal(default_triples(ctx.report), datatype=XSD.integer)))
    for name, size in dumps.items():
        if name.startswith("plankg."):
            _distribution(g, whole, ctx, name, size)

    for doc in ctx.documents:
        facts = ctx.facts[doc.id]
        ds = URIRef(f"{base}catalog#dataset-{doc.id}")
        graph_iri = f"{base}graph/{doc.id}"
        g.add((catalog, DCAT.dataset, ds))
        g.add((whole, DCTERMS.hasPart, ds))
        g.add((ds, DCTERMS.identifier, Literal(doc.id)))
        _literals(g, ds, DCTERMS.title, {"ja": doc.title, "en": doc.title_en})
        _literals(g, ds, DCTERMS.description, {
            "ja": f"{doc.publisher}「{doc.title}」から作成したRDFグラフ（名前付きグラフ {graph_iri}）",
            "en": f"RDF graph made from “{doc.title_en}” (named graph {graph_iri})"})
        keywords = {lang: [facts.publisher.names[lang]] if lang in facts.publisher.names else [] for lang in ("ja", "en")}
        for lang in keywords:
            keywords[lang] += [w for w in (facts.kind_labels.get(lang), REGION[lang]) if w]
        _dataset(g, ctx, ds, facts, keywords, graph_iri)
        g.add((ds, DCTERMS.spatial, URIRef(f"{ESTAT}C{doc.city_code[:5]}")))
        g.add((ds, DCTERMS.source, URIRef(f"{base}id/document/{doc.id}")))
        _temporal(g, ds, doc.period_start, doc.period_end)
        g.add((ds, VOID.triples, Literal(triples.get(graph_iri, 0), datatype=XSD.integer)))
        name = f"graph-{doc.id}.nq"
        if name in dumps:
            _distribution(g, ds, ctx, name, dumps[name])

    service = URIRef(base + "sparql")
    g.add((catalog, DCAT.service, service))
    g.add((service, RDF.type, DCAT.DataService))
    _literals(g, service, DCTERMS.title, {"en": "SPARQL 1.1 endpoint", "ja": "SPARQLエンドポイント"})
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCTERMS.license, LICENSE))
    for ds in g.subjects(RDF.type, DCAT.Dataset):
        g.add((service, DCAT.servesDataset, ds))
    return g
