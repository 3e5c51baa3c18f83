"""VoID description of the graph: the whole dataset, a subset per named graph, linksets to Wikidata
and e-Stat; IRIs from the configured base IRI (never the request's Host)."""

from __future__ import annotations
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from kgservice.opendata.catalog import LICENSE, CatalogContext, default_triples
from mappings.vocabulary import ESTAT_SAC, MPLAN, SD, VOID
from mappings.vocabulary import WIKIDATA as WIKIDATA_NS

WIKIDATA = str(WIKIDATA_NS)
ESTAT = str(ESTAT_SAC)


def void_graph(ctx: CatalogContext, class_counts: dict[str, int], property_counts: dict[str, int],
               entities: int, link_counts: dict[str, int]) -> Graph:
    """VoID: the whole dataset, a subset per named graph, linksets to Wikidata and e-Stat."""
    g = Graph()
    g.bind("void", VOID)
    ds = URIRef(ctx.base_iri + ".well-known/void#dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("Municipal plans knowledge graph", lang="en")))
    g.add((ds, DCTERMS.title, Literal("市町村行政計画ナレッジグラフ", lang="ja")))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, VOID.sparqlEndpoint, URIRef(ctx.base_iri + "sparql")))
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
            g.add((ds, VOID.dataDump, URIRef(f"{ctx.base_iri}dumps/{name}")))
    for i, (cls, n) in enumerate(sorted(class_counts.items())):
        part = URIRef(f"{ctx.base_iri}.well-known/void#class-{i}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for i, (prop, n) in enumerate(sorted(property_counts.items())):
        part = URIRef(f"{ctx.base_iri}.well-known/void#property-{i}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    for graph_iri, n in sorted(triples.items()):
        name = graph_iri.removeprefix(ctx.base_iri + "graph/").replace("/", "-")
        subset = URIRef(f"{ctx.base_iri}.well-known/void#graph-{name}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, URIRef(graph_iri)))
        g.add((subset, VOID.triples, Literal(n, datatype=XSD.integer)))
        dump = f"graph-{name}.nq"
        if dump in ctx.report.get("dumps", {}):
            g.add((subset, VOID.dataDump, URIRef(f"{ctx.base_iri}dumps/{dump}")))
    for target, label in ((WIKIDATA, "Wikidata"), (ESTAT, "e-Stat standard area codes")):
        ls = URIRef(f"{ctx.base_iri}.well-known/void#links-{label.split()[0].lower()}")
        g.add((ds, VOID.subset, ls))
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, RDFS.label, Literal(f"links to {label}", lang="en")))
        g.add((ls, VOID.target, ds))
        g.add((ls, VOID.target, URIRef(target)))
        g.add((ls, VOID.linkPredicate, URIRef("http://www.w3.org/2004/02/skos/core#exactMatch" if target == WIKIDATA else str(MPLAN.standardAreaCode))))
        g.add((ls, VOID.triples, Literal(link_counts.get(target, 0), datatype=XSD.integer)))
    return g


