"""Linked-data pages: every IRI the graph mints dereferences at its own path.

A request for ``/id/…``, ``/def/…`` or ``/graph/…`` names the IRI ``settings.base_iri + path``
(so ``https://plankg.org/id/plan/mito-comprehensive-plan-6`` is served at
``/id/plan/mito-comprehensive-plan-6``).  It is answered directly (no 303) with ``Vary: Accept``
and a ``Link`` header listing the alternates:

- HTML for browsers: label, types, every property with the object's label, every incoming link
  with the subject's label, grouped by named graph, and the provenance — each
  passage its descriptions are ``prov:wasDerivedFrom`` (``^foaf:primaryTopic``), with its quoted text
  (``oa:exact``), document and lines;
- Turtle, JSON-LD, N-Triples, RDF/XML by ``Accept``, a ``format`` parameter or a suffix
  (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``): the concise bounded description (the
  resource's triples and those of its blank nodes) plus incoming links and the labels of every
  linked resource.  A ``/def/`` document also carries the terms of its hash namespace
  (``/def/mplan`` holds ``mplan#Plan`` …).

With no preference (``*/*``) the answer is Turtle; browsers ask for text/html first.  An IRI the
graph has no triple about is a 404 (the error envelope; an HTML page for browsers).  All queries
go through the Engine with the IRI bound as ``?this`` by substitution.

Also here: the home page (``GET /``) and the HTML helpers the other page modules share
(``render``, ``wants_html``, ``PREFIXES``, ``local_href``).
"""

from __future__ import annotations
import json
import re
from collections import OrderedDict, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from kgservice.request import negotiation as formats
from kgservice.request.errors import ServiceError, envelope

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

PREFIXES: dict[str, str] = OrderedDict(
    [
        ("mplan", "https://plankg.org/def/mplan#"),
        ("code", "https://plankg.org/def/code/"),
        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
        ("owl", "http://www.w3.org/2002/07/owl#"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ("skos", "http://www.w3.org/2004/02/skos/core#"),
        ("dct", "http://purl.org/dc/terms/"),
        ("dcat", "http://www.w3.org/ns/dcat#"),
        ("foaf", "http://xmlns.com/foaf/0.1/"),
        ("prov", "http://www.w3.org/ns/prov#"),
        ("org", "http://www.w3.org/ns/org#"),
        ("time", "http://www.w3.org/2006/time#"),
        ("qb", "http://purl.org/linked-data/cube#"),
        ("sdmx-dimension", "http://purl.org/linked-data/sdmx/2009/dimension#"),
        ("sdmx-measure", "http://purl.org/linked-data/sdmx/2009/measure#"),
        ("sdmx-attribute", "http://purl.org/linked-data/sdmx/2009/attribute#"),
        ("schema", "https://schema.org/"),
        ("oa", "http://www.w3.org/ns/oa#"),
        ("spdx", "http://spdx.org/rdf/terms#"),
        ("sh", "http://www.w3.org/ns/shacl#"),
        ("void", "http://rdfs.org/ns/void#"),
        ("sd", "http://www.w3.org/ns/sparql-service-description#"),
        ("wd", "http://www.wikidata.org/entity/"),
    ]
)
# The data namespace depends on settings.base_iri; it is added per request as ``id:``.

RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL_PROPS = ("rdfs:label", "skos:prefLabel", "dct:title", "foaf:name")
# Page formats: the HTML page plus the graph formats of kgservice.request.negotiation, by file suffix.
SUFFIXES = {".html": "html", ".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml"}
ALTERNATES = ("turtle", "jsonld", "ntriples", "rdfxml")
INCOMING_LIMIT = 1000


def sparql_prefixes(names: list[str] | None = None) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if names is None or p in names)


# --- shared HTML helpers -------------------------------------------------------------------

_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def base_iri(request: Request) -> str:
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "base_iri", "https://plankg.org/")


def root_path(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/") + "/"


def local_href(iri: str, base: str, root: str = "/") -> str:
    """A link for an IRI: our own IRIs (base + id/, def/, graph/) as local paths."""
    if iri.startswith(base):
        rest = iri[len(base):]
        if rest.startswith(("id/", "def/", "graph/")):
            return root + quote(rest, safe="/#-._~:@!$&'()*+,;=%")
    return iri


def curie(iri: str, base: str) -> str:
    if iri.startswith(base + "id/"):
        return "id:" + iri[len(base) + 3:]
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def wants_html(request: Request, default_html: bool = False) -> bool:
    """True when the Accept header prefers text/html over JSON/RDF (a browser)."""
    offers = ["text/html", "application/json"] if default_html else ["application/json", "text/html"]
    try:
        return formats.negotiate(request.headers.get("accept"), offers) == "text/html"
    except ServiceError:
        return False


def render(request: Request, template: str, *, status: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    base = base_iri(request)
    root = root_path(request)
    context.setdefault("title", "PlanKG")
    html = _env.get_template(template).render(
        request=request, root=root, base=base,
        href=lambda iri: local_href(iri, base, root),
        curie=lambda iri: curie(iri, base),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def html_error(request: Request, exc: ServiceError) -> HTMLResponse:
    return render(request, "error.html", status=exc.status, title=f"{exc.status} {exc.kind}",
                  error=envelope(exc.kind, exc.message)["error"], headers=exc.headers or None)


# --- engine access -------------------------------------------------------------------------


async def run(request: Request, query: str, result_format: str, this: str | None = None):
    """Run through the Engine, with ``?this`` bound to the IRI."""
    from kgservice.engine.embedded import QueryError, get_engine

    engine = get_engine(request)
    subs = {"this": str(ox.NamedNode(this))} if this is not None else None
    try:
        return await engine.aexecute(query, result_format, substitutions=subs)
    except QueryError as e:
        if isinstance(e, ServiceError):
            raise
        raise ServiceError(e.kind, e.message, status=e.status) from None


async def select(request: Request, query: str, this: str | None = None) -> list[dict[str, dict]]:
    result = await run(request, query, "json", this)
    return json.loads(result.body)["results"]["bindings"]


def _label_pref(lang: str) -> int:
    return {"ja": 0, "": 1, "en": 2}.get(lang.lower().split("-")[0], 3)


class Labels:
    """The preferred label of each term: Japanese, then untagged, then English."""

    def __init__(self) -> None:
        self._best: dict[str, tuple[int, str]] = {}

    def add(self, term: dict | None, label: dict | None) -> None:
        if not term or not label:
            return
        key = term["value"]
        rank = _label_pref(label.get("xml:lang", ""))
        if key not in self._best or rank < self._best[key][0]:
            self._best[key] = (rank, label["value"])

    def get(self, term: dict | str) -> str | None:
        key = term if isinstance(term, str) else term["value"]
        hit = self._best.get(key)
        return hit[1] if hit else None


# --- the description of one resource -----------------------------------------------------

_LABEL_PATH = "(rdfs:label|skos:prefLabel|dct:title|foaf:name)"
# Parts of a resource shown (and served) with it: its blank nodes and its own hash IRIs
# (a passage's selectors are <passage#exact>, <passage#line=133,134>).
_PART = 'isBlank(?o) || STRSTARTS(STR(?o), CONCAT(STR(?this), "#"))'


Q_EXISTS = "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }"
Q_EXISTS_GRAPH = "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } UNION { GRAPH ?this { ?s ?p ?o } } }"

# A named graph: its size and what it holds (the data itself is at /store?graph=…).
Q_GRAPH_SIZE = "SELECT ?this (COUNT(*) AS ?n) WHERE { GRAPH ?this { ?s ?p ?o } } GROUP BY ?this"
Q_GRAPH_CLASSES = sparql_prefixes(["rdfs"]) + """
SELECT ?this ?class ?n ?classLabel WHERE {
  { SELECT ?this ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?this { ?s a ?class } } GROUP BY ?this ?class }
  OPTIONAL { ?class rdfs:label ?classLabel }
} ORDER BY DESC(?n) ?class"""

Q_OUT = sparql_prefixes(["rdfs", "skos", "dct", "foaf"]) + f"""
SELECT ?this ?g ?p ?o ?oLabel ?pLabel ?bp ?bo ?boLabel WHERE {{
  GRAPH ?g {{ ?this ?p ?o }}
  OPTIONAL {{ ?o {_LABEL_PATH} ?oLabel }}
  OPTIONAL {{ ?p rdfs:label ?pLabel }}
  OPTIONAL {{ FILTER({_PART}) GRAPH ?g {{ ?o ?bp ?bo }} OPTIONAL {{ ?bo {_LABEL_PATH} ?boLabel }} }}
}} LIMIT 5000"""

Q_IN = sparql_prefixes(["rdfs", "skos", "dct", "foaf"]) + f"""
SELECT ?this ?g ?s ?p ?sLabel ?pLabel WHERE {{
  {{ SELECT ?this ?g ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p ?this }} }} ORDER BY ?g ?p ?s LIMIT {INCOMING_LIMIT} }}
  OPTIONAL {{ ?s {_LABEL_PATH} ?sLabel }}
  OPTIONAL {{ ?p rdfs:label ?pLabel }}
}}"""

Q_IN_COUNT = "SELECT ?this (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?this } } GROUP BY ?this"

# The passages of a thing's descriptions (foaf:primaryTopic it), or its own (a description, a link),
# or those a retired passage of several line ranges is dct:isReplacedBy (one per range).
Q_PROV = sparql_prefixes(["prov", "oa", "mplan", "dct", "rdf", "foaf"]) + """
SELECT ?this ?passage ?doc ?docTitle ?first ?last ?exact ?fragment WHERE {
  ?this (^foaf:primaryTopic)?/prov:wasDerivedFrom|dct:isReplacedBy ?passage .
  FILTER EXISTS { ?passage a oa:SpecificResource }
  OPTIONAL { ?passage oa:hasSelector ?fs . ?fs rdf:value ?fragment FILTER(STRSTARTS(STR(?fragment), "line=")) }
  OPTIONAL { ?passage oa:hasSource ?doc OPTIONAL { ?doc dct:title ?docTitle } }
  OPTIONAL { ?passage mplan:firstLine ?first }
  OPTIONAL { ?passage mplan:lastLine ?last }
  OPTIONAL { ?passage oa:hasSelector ?selector . ?selector oa:exact ?exact }
} ORDER BY ?first ?passage"""

# Terms of a hash namespace document (/def/mplan → mplan#Plan …).
Q_TERMS = sparql_prefixes(["rdfs", "skos", "rdf"]) + """
SELECT ?this ?term ?type ?label ?definition WHERE {
  ?term rdfs:label ?label .
  FILTER(STRSTARTS(STR(?term), CONCAT(STR(?this), "#")))
  OPTIONAL { ?term rdf:type ?type }
  OPTIONAL { ?term skos:definition ?definition FILTER(lang(?definition) = lang(?label)) }
} ORDER BY ?term"""

_CONSTRUCT_BODY = f"""
  {{ ?this ?p ?o
     OPTIONAL {{ FILTER({_PART}) ?o ?bp ?bo }}
     OPTIONAL {{ FILTER(!isBlank(?o)) ?o ?lp ?ol VALUES ?lp {{ rdfs:label skos:prefLabel dct:title foaf:name }} }} }}
  UNION
  {{ {{ SELECT ?this ?s ?ip WHERE {{ ?s ?ip ?this }} LIMIT {INCOMING_LIMIT} }}
     OPTIONAL {{ ?s ?slp ?sl VALUES ?slp {{ rdfs:label skos:prefLabel dct:title foaf:name }} }} }}"""

Q_CONSTRUCT = sparql_prefixes() + f"""
CONSTRUCT {{ ?this ?p ?o . ?o ?bp ?bo . ?o ?lp ?ol . ?s ?ip ?this . ?s ?slp ?sl . }}
WHERE {{{_CONSTRUCT_BODY}
}}"""

Q_CONSTRUCT_GRAPH = sparql_prefixes() + f"""
CONSTRUCT {{ ?this ?p ?o . ?o ?bp ?bo . ?o ?lp ?ol . ?s ?ip ?this . ?s ?slp ?sl .
             ?this a sd:Graph ; void:triples ?n . }}
WHERE {{{_CONSTRUCT_BODY}
  UNION
  {{ SELECT ?this (COUNT(*) AS ?n) WHERE {{ GRAPH ?this {{ ?gs ?gp ?go }} }} GROUP BY ?this }}
}}"""

Q_CONSTRUCT_NS = sparql_prefixes() + f"""
CONSTRUCT {{ ?this ?p ?o . ?o ?bp ?bo . ?o ?lp ?ol . ?s ?ip ?this . ?s ?slp ?sl . ?t ?tp ?to . ?to ?tbp ?tbo . }}
WHERE {{{_CONSTRUCT_BODY}
  UNION
  {{ ?t ?tp ?to FILTER(STRSTARTS(STR(?t), CONCAT(STR(?this), "#")))
     OPTIONAL {{ FILTER(isBlank(?to)) ?to ?tbp ?tbo }} }}
}}"""


def _term_view(term: dict, labels: Labels, base: str, root: str) -> dict[str, Any]:
    """What a template needs to show one RDF term of a JSON result."""
    kind = term["type"]
    if kind == "uri":
        iri = term["value"]
        return {"kind": "iri", "iri": iri, "href": local_href(iri, base, root),
                "label": labels.get(iri), "curie": curie(iri, base)}
    if kind == "bnode":
        return {"kind": "bnode", "id": term["value"]}
    dt = term.get("datatype")
    return {"kind": "literal", "value": term["value"], "lang": term.get("xml:lang"),
            "datatype": curie(dt, base) if dt else None}


def _line_ranges(fragments, first: str | None, last: str | None) -> str:
    """'134, 138, 140–142' from RFC 5147 fragments ``line=133,134`` (positions between lines)."""
    ranges = []
    for frag in fragments:
        m = re.fullmatch(r"line=(\d+),(\d+)", frag)
        if m:
            ranges.append((int(m.group(1)) + 1, int(m.group(2))))
    if not ranges and first:
        ranges = [(int(first), int(last or first))]
    ranges.sort()
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def _graph_label(g: str, base: str) -> str:
    return g[len(base) + len("graph/"):] if g.startswith(base + "graph/") else g


async def describe_html(request: Request, iri: str) -> HTMLResponse:
    base, root = base_iri(request), root_path(request)
    out_rows = await select(request, Q_OUT, iri)
    in_rows = await select(request, Q_IN, iri)
    in_count = await select(request, Q_IN_COUNT, iri)
    prov_rows = await select(request, Q_PROV, iri)
    terms_rows = await select(request, Q_TERMS, iri) if iri.startswith(base + "def/") else []
    graph_info = None
    if iri.startswith(base + "graph/"):
        size = await select(request, Q_GRAPH_SIZE, iri)
        class_rows = await select(request, Q_GRAPH_CLASSES, iri)
        class_labels = Labels()
        for r in class_rows:
            class_labels.add(r["class"], r.get("classLabel"))
        classes: dict[str, int] = OrderedDict()
        for r in class_rows:
            classes.setdefault(r["class"]["value"], int(r["n"]["value"]))
        graph_info = {
            "triples": int(size[0]["n"]["value"]) if size else 0,
            "classes": [{"term": _term_view({"type": "uri", "value": c}, class_labels, base, root), "count": n}
                        for c, n in classes.items()],
            "download": f"{root}store?graph={quote(iri, safe='')}",
        }

    labels = Labels()
    for r in out_rows:
        labels.add(r.get("o"), r.get("oLabel"))
        labels.add(r.get("p"), r.get("pLabel"))
        labels.add(r.get("bo"), r.get("boLabel"))
    for r in in_rows:
        labels.add(r.get("s"), r.get("sLabel"))
        labels.add(r.get("p"), r.get("pLabel"))

    view = lambda t: _term_view(t, labels, base, root)  # noqa: E731
    own_labels: list[dict] = []
    types: list[dict] = []
    # graph -> predicate -> list of objects (in first-seen order, no duplicates)
    outgoing: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    blank: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    seen: set[tuple] = set()
    quoted: list[str] = []
    own_fragments: set[str] = set()
    for r in out_rows:
        g, p, o = r["g"]["value"], r["p"]["value"], r["o"]
        key = (g, p, o["type"], o["value"], o.get("xml:lang"), o.get("datatype"))
        if key not in seen:
            seen.add(key)
            outgoing[g][p].append(view(o))
            if p == RDF_TYPE and all(t["iri"] != o["value"] for t in types):
                types.append(view(o))
            if p in (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel", PREFIXES["dct"] + "title",
                     PREFIXES["foaf"] + "name") and o["type"] == "literal":
                own_labels.append(o)
        if "bp" in r:  # a part of this resource: a blank node or one of its hash IRIs
            bkey = (o["value"], r["bp"]["value"], r["bo"]["value"], r["bo"].get("xml:lang"))
            if bkey not in seen:
                seen.add(bkey)
                blank[o["value"]][r["bp"]["value"]].append(view(r["bo"]))
                if r["bp"]["value"] == PREFIXES["oa"] + "exact":
                    quoted.append(r["bo"]["value"])
                if r["bp"]["value"] == PREFIXES["rdf"] + "value" and r["bo"]["value"].startswith("line="):
                    own_fragments.add(r["bo"]["value"])

    incoming: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    seen_in: set[tuple] = set()
    for r in in_rows:
        g, p, s = r["g"]["value"], r["p"]["value"], r["s"]
        if (g, p, s["value"]) not in seen_in:
            seen_in.add((g, p, s["value"]))
            incoming[g][p].append(view(s))

    passages: dict[str, dict[str, Any]] = OrderedDict()
    for r in prov_rows:
        p = passages.setdefault(r["passage"]["value"], {
            "passage": view(r["passage"]), "doc": view(r["doc"]) if "doc" in r else None,
            "doc_title": None, "first": r.get("first", {}).get("value"),
            "last": r.get("last", {}).get("value"), "exact": None})
        if "docTitle" in r and (p["doc_title"] is None or r["docTitle"].get("xml:lang") == "ja"):
            p["doc_title"] = r["docTitle"]["value"]
        if "exact" in r:
            p["exact"] = r["exact"]["value"]
        if "fragment" in r:
            p.setdefault("fragments", set()).add(r["fragment"]["value"])
    for p in passages.values():
        p["lines"] = _line_ranges(p.pop("fragments", ()), p["first"], p["last"])

    terms: dict[str, dict[str, Any]] = OrderedDict()
    for r in terms_rows:
        t = terms.setdefault(r["term"]["value"], {"iri": r["term"]["value"], "labels": {}, "definitions": {},
                                                    "types": []})
        t["labels"][r["label"].get("xml:lang", "")] = r["label"]["value"]
        if "definition" in r:
            t["definitions"][r["definition"].get("xml:lang", "")] = r["definition"]["value"]
        if "type" in r and r["type"]["value"] not in t["types"]:
            t["types"].append(r["type"]["value"])
    for t in terms.values():
        t["anchor"] = t["iri"].split("#", 1)[1]
        t["curie"] = curie(t["iri"], base)

    own = Labels()
    for lit in own_labels:
        own.add({"value": iri}, lit)
    title = own.get(iri) or curie(iri, base)
    other_labels, seen_labels = [], {title}
    for lit in own_labels:
        if lit["value"] not in seen_labels:
            seen_labels.add(lit["value"])
            other_labels.append(lit)
    total_in = int(in_count[0]["n"]["value"]) if in_count else 0
    return render(
        request, "resource.html", title=title, iri=iri, types=types, other_labels=other_labels,
        outgoing={g: _ordered(ps, base) for g, ps in sorted(outgoing.items())},
        incoming={g: _ordered(ps, base) for g, ps in sorted(incoming.items())},
        incoming_total=total_in, incoming_shown=len(seen_in),
        blank={b: dict(ps) for b, ps in blank.items()}, passages=list(passages.values()),
        terms=list(terms.values()), graph_info=graph_info, quoted=quoted, quoted_lines=_line_ranges(own_fragments, None, None), graph_label=lambda g: _graph_label(g, base),
        pred_label=labels.get, alternates=_alternates(request, iri),
        headers=_headers(request, iri),
    )


_FIRST = [RDF_TYPE] + [PREFIXES[p.split(":")[0]] + p.split(":")[1] for p in LABEL_PROPS]


def _ordered(props: dict[str, list], base: str) -> dict[str, list]:
    """Type and labels first, then the other properties by their prefixed name."""
    def key(p: str) -> tuple:
        return (_FIRST.index(p), "") if p in _FIRST else (len(_FIRST), curie(p, base))
    return {p: props[p] for p in sorted(props, key=key)}


def _alternates(request: Request, iri: str) -> list[dict[str, str]]:
    path = local_href(iri, base_iri(request), root_path(request))
    out = []
    for name in ALTERNATES:
        fmt = formats.RESULT_FORMATS[name]
        out.append({"name": name, "href": f"{path}.{fmt.extension}", "type": fmt.media_type})
    return out


def _headers(request: Request, iri: str) -> dict[str, str]:
    links = [f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in _alternates(request, iri)]
    path = local_href(iri, base_iri(request), root_path(request))
    links.append(f'<{path}.html>; rel="alternate"; type="text/html"')
    if iri.startswith(base_iri(request) + "graph/"):
        links.append(f'<{root_path(request)}store?graph={quote(iri, safe="")}>; rel="alternate"; '
                     'type="application/n-quads"; title="the graph\'s data"')
    links.append(f'<{iri}>; rel="canonical"')
    # an IRI with non-ASCII characters (a person keyed by the name) goes into a header as its URI
    # (RFC 3987 §3.1: UTF-8, percent-encoded)
    return {"Vary": "Accept", "Link": quote(", ".join(links), safe="".join(map(chr, range(33, 127))) + " ")}


def _choose(request: Request, suffix_format: str | None) -> str:
    """'html' or a graph format name: suffix, then ``format`` parameter, then Accept."""
    if suffix_format:
        return suffix_format
    values = request.query_params.getlist("format")
    if values:
        if values[0].strip().lower() in ("html", "text/html"):
            return "html"
        return formats.from_param(values[0], "graph").name
    accept = request.headers.get("accept")
    offers = {"text/turtle": "turtle", "text/html": "html", "application/xhtml+xml": "html"}
    for f in formats.formats_of("graph"):
        if f.name in ALTERNATES:
            for mt in (f.media_type, *f.aliases):
                offers.setdefault(mt, f.name)
    picked = formats.negotiate(accept, list(offers))
    if picked is None:
        raise ServiceError("not_acceptable", f"no acceptable format for {accept!r}; available: text/html, "
                           + ", ".join(formats.RESULT_FORMATS[n].media_type for n in ALTERNATES))
    return offers[picked]


router = APIRouter()


@router.get("/id/{path:path}", summary="A resource of the graph (linked data)")
@router.get("/def/{path:path}", summary="An ontology term or code list (linked data)")
@router.get("/graph/{path:path}", summary="A named graph (linked data)")
async def resource(request: Request, path: str) -> Response:
    # ASGI gives the path percent-decoded; our IRIs are ASCII slugs, so it is the IRI's own text.
    full, prefix = request.scope["path"], request.scope.get("root_path", "")
    rel = (full[len(prefix):] if prefix and full.startswith(prefix) else full).lstrip("/")
    suffix_format = None
    for suffix, name in SUFFIXES.items():
        if rel.endswith(suffix):
            rel, suffix_format = rel[: -len(suffix)], name
            break
    iri = base_iri(request) + rel
    browser = wants_html(request)
    try:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ServiceError("not_found", f"not an IRI of this graph: {iri}") from None
        fmt = _choose(request, suffix_format)
        browser = fmt == "html"
        is_graph = rel.startswith("graph/")
        exists = await run(request, Q_EXISTS_GRAPH if is_graph else Q_EXISTS, "json", iri)
        if not json.loads(exists.body)["boolean"]:
            raise ServiceError("not_found", f"the graph has no triple about <{iri}>")
        if fmt == "html":
            return await describe_html(request, iri)
        query = (Q_CONSTRUCT_GRAPH if is_graph else Q_CONSTRUCT_NS if rel.startswith("def/") else Q_CONSTRUCT)
        result = await run(request, query, fmt, iri)
        return Response(result.body, media_type=formats.RESULT_FORMATS[fmt].content_type,
                        headers=_headers(request, iri))
    except ServiceError as exc:
        if browser and exc.status >= 400:
            return html_error(request, exc)
        raise


# --- home ----------------------------------------------------------------------------------

Q_HOME = sparql_prefixes(["mplan", "dct", "foaf", "rdfs", "skos"]) + """
SELECT ?kind ?x ?label WHERE {
  { ?x a mplan:Plan ; dct:title ?label BIND("plan" AS ?kind) }
  UNION { ?x a foaf:Document ; dct:title ?label BIND("document" AS ?kind) }
  UNION { ?x a mplan:LocalGovernment ; rdfs:label ?label BIND("city" AS ?kind) }
} ORDER BY ?kind ?x"""


@router.get("/", summary="Home page", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    rows = await select(request, Q_HOME)
    labels = Labels()
    groups: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        labels.add(r["x"], r["label"])
        if r["x"]["value"] not in groups[r["kind"]["value"]]:
            groups[r["kind"]["value"]].append(r["x"]["value"])
    items = {k: [{"iri": i, "label": labels.get(i)} for i in v] for k, v in groups.items()}
    queries = getattr(request.app.state, "named_queries", {})
    return render(request, "home.html", title="PlanKG — 自治体計画ナレッジグラフ", items=items,
                  queries=list(queries.values()))
