"""Result formats and content negotiation (one implementation for the whole service).

``RESULT_FORMATS`` maps the short names the Engine takes to media types: json, xml, csv, tsv for
SELECT/ASK results ("results"); turtle, ntriples, nquads, trig, rdfxml, jsonld for CONSTRUCT/DESCRIBE
and graph downloads ("graph"). All are written by pyoxigraph's own serialisers.

Choice of a format, strongest first:
1. an explicit ``format`` parameter (aliases ``output`` and ``results``, which SPARQLWrapper sends):
   a short name (``json``, ``ttl``, ``json-ld``…) or a media type; ``json``/``xml`` mean JSON-LD /
   RDF/XML for graph results. An unknown value is a 400; a value that cannot carry the result (``csv``
   for a CONSTRUCT) is a 406.
2. the ``Accept`` header, with q-values, ``type/*`` and ``*/*``; the most specific range matching an
   offer sets its q (RFC 9110 §12.5.1); among equal q the server's order wins.
3. no preference: JSON results for SELECT/ASK, Turtle for graphs.
Nothing acceptable → 406 (``not_acceptable``).
"""

from __future__ import annotations
from dataclasses import dataclass
from typing import Iterable, Sequence
from kgservice.request.errors import ServiceError


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str
    kind: str  # "results" (SELECT/ASK) or "graph" (CONSTRUCT/DESCRIBE, graph downloads)
    aliases: tuple[str, ...] = ()
    extension: str = ""

    @property
    def content_type(self) -> str:
        """Media type for the Content-Type header; text types get charset=utf-8 (labels are Japanese
        and text/* would otherwise default to ASCII/Latin-1)."""
        return content_type(self.media_type)


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


# Order inside each kind is the server's preference (first = default).
RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("json", "application/sparql-results+json", "results", ("application/json",), "srj"),
        ResultFormat("xml", "application/sparql-results+xml", "results", ("application/xml", "text/xml"), "srx"),
        ResultFormat("csv", "text/csv", "results", (), "csv"),
        ResultFormat("tsv", "text/tab-separated-values", "results", (), "tsv"),
        ResultFormat("turtle", "text/turtle", "graph", ("application/x-turtle", "application/turtle"), "ttl"),
        ResultFormat("ntriples", "application/n-triples", "graph", (), "nt"),
        ResultFormat("nquads", "application/n-quads", "graph", (), "nq"),
        ResultFormat("trig", "application/trig", "graph", (), "trig"),
        ResultFormat("rdfxml", "application/rdf+xml", "graph", ("application/xml", "text/xml"), "rdf"),
        ResultFormat("jsonld", "application/ld+json", "graph", ("application/json",), "jsonld"),
    )
}

DEFAULT_FORMAT = {"results": "json", "graph": "turtle"}

# Short names accepted in the `format` parameter, besides the keys of RESULT_FORMATS.
_SHORT_ALIASES = {
    "srj": "json", "sparql-results+json": "json", "srx": "xml", "sparql-results+xml": "xml",
    "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "nq": "nquads", "n-quads": "nquads",
    "rdf": "rdfxml", "rdf+xml": "rdfxml", "rdf-xml": "rdfxml", "owl": "rdfxml",
    "json-ld": "jsonld", "ld+json": "jsonld",
}
# Names whose meaning depends on the result kind.
_BY_KIND = {("json", "graph"): "jsonld", ("xml", "graph"): "rdfxml"}


def formats_of(kind: str) -> list[ResultFormat]:
    return [f for f in RESULT_FORMATS.values() if f.kind == kind]


def from_param(value: str, kind: str | None) -> ResultFormat:
    """The format named by a ``format`` parameter value for a result of ``kind`` (None: unknown)."""
    raw = value.strip()
    low = raw.lower().split(";")[0].strip()
    name = _SHORT_ALIASES.get(low, low)
    if name in RESULT_FORMATS:
        if kind is not None:
            name = _BY_KIND.get((name, kind), name)
        fmt = RESULT_FORMATS[name]
    else:
        matches = [f for f in RESULT_FORMATS.values() if low == f.media_type or low in f.aliases]
        if not matches:
            raise ServiceError("bad_request", f"unknown result format {raw!r}; known: "
                               + ", ".join(RESULT_FORMATS))
        fmt = next((f for f in matches if f.kind == kind), matches[0])
    if kind is not None and fmt.kind != kind:
        what = "SELECT/ASK results" if kind == "results" else "an RDF graph"
        raise ServiceError("not_acceptable", f"format {raw!r} cannot represent {what}; use one of "
                           + ", ".join(f.name for f in formats_of(kind)))
    return fmt


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
        if not sep or not t or not s:
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


def choose(accept: str | None, format_values: Sequence[str], kind: str | None) -> ResultFormat:
    """The result format for a result of ``kind`` ("results", "graph", or None when the query form
    could not be read — the query will fail to parse, so any format does)."""
    if format_values:
        # SPARQLWrapper repeats its choice (format=tsv&format=text/tab-separated-values) and may send
        # its Accept list as a value (format=application/ld+json,application/x-json+ld): entries
        # nobody knows are skipped, but at least one must be known; the first that fits wins.
        entries = [e.strip() for v in format_values for e in v.split(",") if e.strip()]
        known = []
        for entry in entries:
            try:
                from_param(entry, None)
                known.append(entry)
            except ServiceError:
                pass
        if not known:
            from_param(entries[0] if entries else "", None)  # raises the 400 naming the value
        for value in known:
            try:
                return from_param(value, kind)
            except ServiceError as err:
                if err.kind != "not_acceptable":
                    raise
                last = err
        raise last  # noqa: F821 - set in the loop, format_values is non-empty
    kinds = [kind] if kind else ["results"]
    offers: dict[str, ResultFormat] = {}
    for k in kinds:  # canonical media types first, so that text/* picks text/csv, not text/xml
        for f in formats_of(k):
            offers.setdefault(f.media_type, f)
        for f in formats_of(k):
            for mt in f.aliases:
                offers.setdefault(mt, f)
    picked = negotiate(accept, offers)
    if picked is None:
        raise ServiceError("not_acceptable", f"no acceptable format for {accept!r}; available: "
                           + ", ".join(f.media_type for f in formats_of(kinds[0])))
    return offers[picked]
