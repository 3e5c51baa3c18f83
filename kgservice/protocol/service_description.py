"""The SPARQL 1.1 Service Description answered by ``GET /sparql`` without a query.

The endpoint IRI is the configured one (kgservice.request.base), never the request's Host: the
description is the same behind any proxy. It says which languages (Update only with a token), result
formats (each format's W3C IRI, from pyoxigraph's enums), features and default dataset the endpoint
has, each named graph with its triple count, and (``rdfs:comment``) the base IRI that relative IRIs in
queries and updates resolve against: the endpoint's own URL.
"""

from __future__ import annotations
from typing import Any
import pyoxigraph as ox
from mappings.vocabulary import PREFIXES as VOCABULARY
from kgservice.request import negotiation as formats
from kgservice.request.base import endpoint_iri

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {p: VOCABULARY[p] for p in ("sd", "void", "rdfs")}
SD, VOID, RDFS = (PREFIXES[p] for p in ("sd", "void", "rdfs"))


def base_note(endpoint: str) -> str:
    return (f"Relative IRIs in a query or an update resolve against the endpoint's URL, {endpoint}, "
            "unless the request declares its own BASE.")


def describe(settings: Any, dataset: dict) -> list[ox.Triple]:
    """The description's triples; ``dataset`` is the engine's ``dataset()``."""
    endpoint = ox.NamedNode(endpoint_iri(settings))
    service = ox.NamedNode(endpoint.value + "#service")
    sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731
    triples: list[ox.Triple] = []
    add = lambda s, p, o: triples.append(ox.Triple(s, p, o))  # noqa: E731
    add(service, RDF_TYPE, sd("Service"))
    add(service, sd("endpoint"), endpoint)
    add(service, ox.NamedNode(RDFS + "comment"), ox.Literal(base_note(endpoint.value), language="en"))
    add(service, sd("supportedLanguage"), sd("SPARQL11Query"))
    if settings.updates_enabled:
        add(service, sd("supportedLanguage"), sd("SPARQL11Update"))
    for fmt in formats.RESULT_FORMATS.values():
        add(service, sd("resultFormat"), ox.NamedNode(fmt.iri))
    if settings.union_default_graph:
        add(service, sd("feature"), sd("UnionDefaultGraph"))
    if settings.service_allowlist:
        add(service, sd("feature"), sd("BasicFederatedQuery"))
    add(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple"))
    ds, dg = ox.BlankNode(), ox.BlankNode()
    add(service, sd("defaultDataset"), ds)
    add(ds, RDF_TYPE, sd("Dataset"))
    add(ds, sd("defaultGraph"), dg)
    add(dg, RDF_TYPE, sd("Graph"))
    add(dg, ox.NamedNode(VOID + "triples"), ox.Literal(str(dataset["default_triples"]), datatype=INTEGER))
    for iri, count in dataset["graphs"]:
        ng, g = ox.BlankNode(), ox.BlankNode()
        add(ds, sd("namedGraph"), ng)
        add(ng, RDF_TYPE, sd("NamedGraph"))
        add(ng, sd("name"), ox.NamedNode(iri))
        add(ng, sd("graph"), g)
        add(g, RDF_TYPE, sd("Graph"))
        add(g, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
        add(g, ox.NamedNode(VOID + "triples"), ox.Literal(str(count), datatype=INTEGER))
    return triples
