"""Every namespace the project writes or reads, named once, and the one prefix table.

The mappings, the build, the ontology page and the service (pages, catalog, VoID, the service
description) take their namespaces and prefixes from here, so a prefix means the same IRI in the
graph's dumps, in the linked-data pages and in the queries a page shows.
"""

from __future__ import annotations
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

MPLAN = Namespace("https://plankg.org/def/mplan#")
CODE = Namespace("https://plankg.org/def/code/")
ONTOLOGY_IRI = URIRef("https://plankg.org/def/mplan")
QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
ESTAT_SAC = Namespace("http://data.e-stat.go.jp/lod/sac/")
OPENGOV = Namespace("http://www.w3.org/ns/opengov#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")

# prefix → namespace, in the order pages show them (the project's own first).
PREFIXES: dict[str, Namespace] = {
    "mplan": MPLAN, "code": CODE, "rdf": Namespace(str(RDF)), "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)), "xsd": Namespace(str(XSD)), "skos": Namespace(str(SKOS)),
    "dct": Namespace(str(DCTERMS)), "dcat": Namespace(str(DCAT)), "foaf": Namespace(str(FOAF)),
    "prov": Namespace(str(PROV)), "org": Namespace(str(ORG)), "time": Namespace(str(TIME)), "qb": QB,
    "sdmx-dimension": SDMX_DIMENSION, "sdmx-measure": SDMX_MEASURE, "sdmx-attribute": SDMX_ATTRIBUTE,
    "schema": SCHEMA, "oa": OA, "spdx": SPDX, "sh": SH, "void": VOID, "sd": SD, "wd": WIKIDATA,
    "opengov": OPENGOV, "vcard": VCARD, "sdgo": SDGO, "qudt": QUDT,
}


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for ``names`` (all prefixes when none are named)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if not names or p in names)
