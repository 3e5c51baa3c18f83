"""Result formats and content negotiation (one implementation for the whole service).

``RESULT_FORMATS`` maps the short names the engines take to pyoxigraph's own format enums, which
carry each format's media type, file extension and W3C format IRI: json, xml, csv, tsv for SELECT/ASK
results ("results"); turtle, ntriples, nquads, trig, rdfxml, jsonld for CONSTRUCT/DESCRIBE and every
RDF document the service writes ("graph"). All are written by pyoxigraph's serialisers
(``serialize``), so every RDF surface answers every RDF format or a 406 — never a 500.

Choice of a format (``choose``), strongest first:
1. a ``format`` parameter value (aliases ``output`` and ``results``, which SPARQLWrapper sends) that can
   carry the result and that the ``Accept`` header (if any) accepts: a short name (``json``, ``ttl``,
   ``n3``, ``json-ld``, SPARQLWrapper's ``rdf``/``rdf+xml``…) or a media type; ``json``/``xml`` mean
   JSON-LD / RDF/XML for graph results, ``n3`` means Turtle (an N3 subset, as SPARQLWrapper's N3 accepts).
   An unknown value is a 400.
2. the ``Accept`` header, with q-values, ``type/*`` and ``*/*``; the most specific range matching an
   offer sets its q (RFC 9110 §12.5.1); among equal q the server's order wins. So a client's explicit
   Accept — one naming a media type, not only ``*/*`` or ``type/*`` — is kept when its ``format``
   value cannot carry the result or is not acceptable to it (SPARQLWrapper sends both: ``format=xml``
   by default beside a client's own Accept).
3. a ``format`` value Accept does not take, when Accept takes nothing offered (a browser's
   ``text/html`` on a link with ``format=json``).
4. no preference: JSON results for SELECT/ASK, Turtle for graphs.
Otherwise 406 (``not_acceptable``, with ``available``: the media types offered); a ``format`` value
nobody knows or a malformed Accept header is a 400.
"""

from __future__ import annotations
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
import pyoxigraph as ox
from kgservice.request.errors import ServiceError

# pyoxigraph 0.5.13 names JSON-LD https://www.w3.org/ns/formats/data/JSON-LD; the W3C format
# registry (http://www.w3.org/ns/formats/) and the service description vocabulary use this one.
_IRI_FIXES = {ox.RdfFormat.JSON_LD: "http://www.w3.org/ns/formats/JSON-LD"}


@dataclass(frozen=True)
class ResultFormat:
    name: str
    ox: Any  # pyoxigraph.RdfFormat or pyoxigraph.QueryResultsFormat
    aliases: tuple[str, ...] = ()  # other media types clients send for it

    @property
    def kind(self) -> str:
        """"results" (SELECT/ASK) or "graph" (CONSTRUCT/DESCRIBE, RDF documents)."""
        return "graph" if isinstance(self.ox, ox.RdfFormat) else "results"

    @property
    def media_type(self) -> str:
        return self.ox.media_type.split(";")[0].strip()

    @property
    def extension(self) -> str:
        return self.ox.file_extension

    @property
    def iri(self) -> str:
        return _IRI_FIXES.get(self.ox, self.ox.iri)

    @property
    def content_type(self) -> str:
        """Media type for the Content-Type header; text types get charset=utf-8 (labels are Japanese
        and text/* would otherwise default to ASCII/Latin-1)."""
        return content_type(self.media_type)


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


_R, _G = ox.QueryResultsFormat, ox.RdfFormat
# Order inside each kind is the server's preference (first = default).
RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("json", _R.JSON, ("application/json",)),
        ResultFormat("xml", _R.XML, ("application/xml", "text/xml")),
        ResultFormat("csv", _R.CSV),
        ResultFormat("tsv", _R.TSV),
        ResultFormat("turtle", _G.TURTLE, ("application/x-turtle", "application/turtle")),
        ResultFormat("ntriples", _G.N_TRIPLES),
        ResultFormat("nquads", _G.N_QUADS),
        ResultFormat("trig", _G.TRIG),
        ResultFormat("rdfxml", _G.RDF_XML, ("application/xml", "text/xml")),
        ResultFormat("jsonld", _G.JSON_LD, ("application/json",)),
    )
}

DEFAULT_FORMAT = {"results": "json", "graph": "turtle"}

# Short names accepted in the `format` parameter besides the keys of RESULT_FORMATS and the
# extensions: SPARQLWrapper's return formats (json, xml, turtle, n3, rdf, rdf+xml, csv, tsv, json-ld)
# and the spellings other clients use.
_SHORT_ALIASES = {
    "sparql-results+json": "json", "sparql-results+xml": "xml", "n-triples": "ntriples",
    "n-quads": "nquads", "n3": "turtle", "rdf": "rdfxml", "rdf+xml": "rdfxml", "rdf-xml": "rdfxml",
    "owl": "rdfxml", "json-ld": "jsonld", "ld+json": "jsonld",
    **{f.extension: f.name for f in RESULT_FORMATS.values()},
}
# Names whose meaning depends on the result kind.
_BY_KIND = {("json", "graph"): "jsonld", ("xml", "graph"): "rdfxml"}


def formats_of(kind: str) -> list[ResultFormat]:
    return [f for f in RESULT_FORMATS.values() if f.kind == kind]


def by_media_type(media_type: str, kind: str) -> ResultFormat | None:
    """The format of ``kind`` a (request's) media type names, or None."""
    low = media_type.split(";")[0].strip().lower()
    return next((f for f in formats_of(kind) if low == f.media_type or low in f.aliases), None)


def _named(value: str, kind: str | None) -> ResultFormat | None:
    """The format a ``format`` value names for a result of ``kind`` (None: either kind), or None."""
    low = value.strip().lower().split(";")[0].strip()
    name = _SHORT_ALIASES.get(low, low)
    if name in RESULT_FORMATS:
        return RESULT_FORMATS[_BY_KIND.get((name, kind), name)]
    kinds = [kind] if kind else ["results", "graph"]
    return next((f for k in kinds if (f := by_media_type(low, k))), None)


def from_param(value: str, kind: str | None) -> ResultFormat:
    """The format named by a ``format`` parameter value for a result of ``kind`` (None: unknown);
    400 for a value no format answers to, 406 for one that cannot carry a result of ``kind``."""
    fmt = _named(value, kind) or _named(value, None)
    if fmt is None:
        raise ServiceError("bad_request", f"unknown result format {value.strip()!r}; known: "
                           + ", ".join(RESULT_FORMATS) + ", n3, rdf, json-ld or a media type")
    if kind is not None and fmt.kind != kind:
        raise _cannot_carry(value.strip(), kind)
    return fmt


def _cannot_carry(value: str, kind: str) -> ServiceError:
    what = "SELECT/ASK results" if kind == "results" else "an RDF graph"
    return ServiceError("not_acceptable", f"format {value!r} cannot represent {what}; use one of "
                        + ", ".join(f.name for f in formats_of(kind)))


# --------------------------------------------------------------------------- Accept


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    order: int

    def specificity(self, media_type: str) -> int:
        """-1 if the range does not match, else 0 (*/*), 1 (type/*), 2 (exact)."""
        t, _, s = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != t:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == s else -1


def parse_accept(header: str | None) -> list[_Range]:
    ranges: list[_Range] = []
    for order, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        mt = fields[0].lower()
        if not mt:
            continue
        if mt == "*":  # some clients send a bare '*'
            mt = "*/*"
        t, sep, s = mt.partition("/")
        if not sep or not t or not s or "/" in s or (t == "*" and s != "*"):
            raise ServiceError("bad_request", f"malformed media range {fields[0]!r} in Accept")
        q = 1.0
        for param in fields[1:]:
            key, _, val = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(val.strip())
                except ValueError:
                    raise ServiceError("bad_request", f"malformed q-value {val.strip()!r} in Accept") from None
                if not 0.0 <= q <= 1.0:
                    raise ServiceError("bad_request", f"q-value out of range {val.strip()!r} in Accept")
        ranges.append(_Range(t, s, q, order))
    return ranges


def quality(ranges: Sequence[_Range], media_type: str) -> float:
    """q of ``media_type`` under the most specific matching range (0 when none matches)."""
    best: tuple[int, float] | None = None
    for r in ranges:
        spec = r.specificity(media_type)
        if spec >= 0 and (best is None or spec > best[0]):
            best = (spec, r.q)
    return best[1] if best else 0.0


def negotiate(accept: str | None, offers: Iterable[str]) -> str | None:
    """The offer (a media type, in server preference order) the Accept header prefers, or None.
    A missing or empty Accept accepts the first offer."""
    offers = list(offers)
    if not offers:
        return None
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer.lower())
        if q > best_q:
            best, best_q = offer, q
    return best


def _named_exactly(ranges: Sequence[_Range], media_type: str) -> bool:
    """Whether an Accept range names ``media_type`` itself (not through ``*/*`` or ``type/*``)."""
    return any(r.q > 0 and r.specificity(media_type) == 2 for r in ranges)


def _acceptable(ranges: Sequence[_Range], fmt: ResultFormat) -> bool:
    return not ranges or any(quality(ranges, mt) > 0 for mt in (fmt.media_type, *fmt.aliases))


def choose_among(accept: str | None, format_values: Sequence[str], offers: Sequence[ResultFormat],
                 what: str = "this resource") -> ResultFormat:
    """The format, among ``offers`` (server preference order, one kind), for a ``format`` parameter's
    values and an Accept header (see the module doc)."""
    ranges = parse_accept(accept)
    kinds = {f.kind for f in offers}
    kind = kinds.pop() if len(kinds) == 1 else None
    if format_values:
        # SPARQLWrapper repeats its choice (format=tsv&format=text/tab-separated-values) and may send
        # its Accept list as a value (format=application/ld+json,application/x-json+ld): entries
        # nobody knows are skipped, but at least one must be known.
        entries = [e.strip() for v in format_values for e in v.split(",") if e.strip()]
        named = [(e, _named(e, kind) or _named(e, None)) for e in entries]
        if not any(fmt for _, fmt in named):
            from_param(entries[0] if entries else "", None)  # raises the 400 naming the value
        fitting = [fmt for _, fmt in named if fmt is not None and fmt in offers]
        for fmt in fitting:
            if _acceptable(ranges, fmt):
                return fmt
    table: dict[str, ResultFormat] = {}
    for f in offers:  # canonical media types first, so that text/* picks text/csv, not text/xml
        table.setdefault(f.media_type, f)
    for f in offers:
        for mt in f.aliases:
            table.setdefault(mt, f)
    picked = negotiate(accept, table)
    if picked is not None and (not format_values or _named_exactly(ranges, picked)):
        return table[picked]  # an Accept naming a format wins over a format value it does not accept
    if format_values:
        if fitting:  # Accept takes nothing offered (a browser's text/html): the format value stands
            return fitting[0]
        value, fmt = next((e, f) for e, f in named if f is not None)
        if kind is not None and fmt.kind != kind:
            raise _cannot_carry(value, kind)
        raise ServiceError("not_acceptable", f"{what} is not available as {value!r}; available: "
                           + ", ".join(f.name for f in offers), available=[f.media_type for f in offers])
    raise ServiceError("not_acceptable", f"no acceptable format for {accept!r}; {what} is available as "
                       + ", ".join(f.media_type for f in offers), available=[f.media_type for f in offers])


def choose(accept: str | None, format_values: Sequence[str], kind: str | None) -> ResultFormat:
    """The result format for a result of ``kind`` ("results", "graph", or None when the query form
    could not be read — the query will fail to parse, so any results format does)."""
    offers = formats_of(kind) if kind else list(RESULT_FORMATS.values())
    return choose_among(accept, format_values, offers, "an RDF graph" if kind == "graph" else "a query result")


HTML = "html"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def choose_page(accept: str | None, format_values: Sequence[str], what: str = "this resource") -> str:
    """"html" or a graph format name, for a resource served as a page and as RDF in every graph format:
    a ``format`` value (``html`` or a graph format), else Accept (Turtle first, then the page, then the
    other RDF formats, so ``*/*`` gets Turtle and a browser the page); 406 listing them otherwise."""
    given = [v for v in format_values if v.strip()]
    if given and given[0].strip().lower() in (HTML, *_HTML_TYPES):
        return HTML
    if given:
        return choose_among(accept, given, formats_of("graph"), what).name
    table = {"text/turtle": "turtle", "text/html": HTML}
    for f in formats_of("graph"):  # canonical media types before aliases (application/* is no Turtle)
        table.setdefault(f.media_type, f.name)
    for f in formats_of("graph"):
        for mt in f.aliases:
            table.setdefault(mt, f.name)
    table["application/xhtml+xml"] = HTML  # last: application/* asks for RDF, not the page
    picked = negotiate(accept, table)
    if picked is None:
        offered = ["text/html", *(f.media_type for f in formats_of("graph"))]
        raise ServiceError("not_acceptable", f"no acceptable format for {accept!r}; {what} is available as "
                           + ", ".join(offered), available=offered)
    return table[picked]


# --------------------------------------------------------------------------- writing RDF


def serialize(triples: Iterable[Any], fmt: ResultFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """pyoxigraph triples or quads as ``fmt`` (a graph format); ``prefixes`` go where the syntax has them."""
    quads = [t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    if fmt.name not in ("turtle", "trig", "rdfxml") or not prefixes:
        prefixes = None
    return ox.serialize(quads, format=fmt.ox, prefixes=prefixes)


def serialize_rdflib(graph: Any, fmt: ResultFormat) -> bytes:
    """An rdflib Graph as ``fmt``, written by pyoxigraph (rdflib cannot write N-Quads or TriG of a
    plain Graph); the graph's prefixes that its terms use are kept."""
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    used = {str(t.value) for q in triples for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)}
    used |= {q.object.datatype.value for q in triples if isinstance(q.object, ox.Literal)}
    prefixes = {p: str(ns) for p, ns in graph.namespaces()
                if p and any(iri.startswith(str(ns)) for iri in used)}
    return serialize(triples, fmt, prefixes)


def rdf_response(accept: str | None, format_values: Sequence[str], triples_or_graph: Any,
                 what: str = "this resource", prefixes: dict[str, str] | None = None) -> tuple[bytes, str]:
    """The body and Content-Type of an RDF document (pyoxigraph triples, or an rdflib Graph) in the
    format the request asks for; 406 naming the formats when none suits."""
    fmt = choose_among(accept, format_values, formats_of("graph"), what)
    if hasattr(triples_or_graph, "namespaces"):
        return serialize_rdflib(triples_or_graph, fmt), fmt.content_type
    return serialize(triples_or_graph, fmt, prefixes), fmt.content_type
