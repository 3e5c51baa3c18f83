"""The data catalog for people (``GET /catalog`` from a browser): the DCAT graph that RDF clients get
by Accept, shown as a page — the catalog's title, publisher and licence, each dataset with its
descriptions, dates, landing page and downloads (media type, size), the SPARQL service, and links
to the catalog in each RDF format. Read from the rdflib graph kgservice.opendata builds; nothing is
added that the RDF does not say.
"""

from __future__ import annotations
from typing import Any
from fastapi import Request
from fastapi.responses import HTMLResponse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF
from kgservice.pages.html import render, root_path

ALTERNATES = ("turtle", "jsonld", "rdfxml", "ntriples", "nquads", "trig")


def _text(g: Graph, s: URIRef, p: URIRef, lang: str | None = None) -> str | None:
    values = [o for o in g.objects(s, p) if isinstance(o, Literal)]
    chosen = [o for o in values if lang is None or o.language == lang] or values
    return str(sorted(chosen)[0]) if chosen else None


def _iri(g: Graph, s: URIRef, p: URIRef) -> str | None:
    values = sorted(str(o) for o in g.objects(s, p) if isinstance(o, URIRef))
    return values[0] if values else None


def _agent(g: Graph, s: URIRef) -> dict[str, str | None] | None:
    agent = g.value(s, DCTERMS.publisher)
    if agent is None:
        return None
    return {"iri": str(agent) if isinstance(agent, URIRef) else None, "name": _text(g, agent, FOAF.name, "ja")}


def _distribution(g: Graph, d: URIRef) -> dict[str, Any]:
    size = g.value(d, DCAT.byteSize)
    return {"title": _text(g, d, DCTERMS.title), "url": _iri(g, d, DCAT.downloadURL) or _iri(g, d, DCAT.accessURL),
            "media_type": (_iri(g, d, DCAT.mediaType) or "").rsplit("/media-types/", 1)[-1] or None,
            "compress": (_iri(g, d, DCAT.compressFormat) or "").rsplit("/media-types/", 1)[-1] or None,
            "bytes": int(size) if size is not None else None}


def _dataset(g: Graph, ds: URIRef) -> dict[str, Any]:
    temporal = g.value(ds, DCTERMS.temporal)
    return {"iri": str(ds), "identifier": _text(g, ds, DCTERMS.identifier),
            "title": _text(g, ds, DCTERMS.title, "ja"), "title_en": _text(g, ds, DCTERMS.title, "en"),
            "description": _text(g, ds, DCTERMS.description, "ja"),
            "description_en": _text(g, ds, DCTERMS.description, "en"),
            "issued": _text(g, ds, DCTERMS.issued), "modified": _text(g, ds, DCTERMS.modified),
            "landing": _iri(g, ds, DCAT.landingPage), "publisher": _agent(g, ds),
            "license": sorted(str(o) for o in g.objects(ds, DCTERMS.license)),
            "period": (_text(g, temporal, DCAT.startDate), _text(g, temporal, DCAT.endDate)) if temporal else None,
            "keywords": sorted({str(k) for k in g.objects(ds, DCAT.keyword)}),
            "distributions": sorted((_distribution(g, d) for d in g.objects(ds, DCAT.distribution)),
                                    key=lambda d: d["title"] or "")}


def catalog_page(request: Request, g: Graph) -> HTMLResponse:
    catalog = next(iter(g.subjects(RDF.type, DCAT.Catalog)))
    datasets = sorted((_dataset(g, ds) for ds in g.objects(catalog, DCAT.dataset)),
                      key=lambda d: (d["identifier"] != "plankg", d["identifier"] or ""))
    services = [{"iri": str(s), "title": _text(g, s, DCTERMS.title, "ja"), "endpoint": _iri(g, s, DCAT.endpointURL)}
                for s in g.objects(catalog, DCAT.service)]
    root = root_path(request)
    return render(request, "catalog.html", title=_text(g, catalog, DCTERMS.title, "ja") or "Catalog",
                  catalog={"iri": str(catalog), "title_en": _text(g, catalog, DCTERMS.title, "en"),
                           "description": _text(g, catalog, DCTERMS.description, "ja"),
                           "publisher": _agent(g, catalog),
                           "license": sorted(str(o) for o in g.objects(catalog, DCTERMS.license))},
                  datasets=datasets, services=services,
                  alternates=[(name, f"{root}catalog?format={name}") for name in ALTERNATES],
                  headers={"Vary": "Accept"})
