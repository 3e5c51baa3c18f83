"""What every mapping shares: namespaces, IRI minting, typed literals, provenance.

A ``MappingContext`` holds the rdflib Dataset being built (or, in the build, an
``NQuadsSink`` writing each triple out as it comes) and knows the base IRI, the
source catalog and which IRIs the records define, so that a reference to nothing
fails the build with the record named (see ``resolve``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO
from urllib.parse import quote

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD
from rdflib.plugins.serializers.nquads import _nq_row

from .normalize import clean_label
from .records import Loaded, RecordError, parse_lines
from .sources import Source

MPLAN = Namespace("https://plankg.org/def/mplan#")
CODE = Namespace("https://plankg.org/def/code/")
QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
ESTAT_SAC = Namespace("http://data.e-stat.go.jp/lod/sac/")
RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")

PREFIXES = {
    "mplan": MPLAN, "code": CODE, "qb": QB, "oa": OA, "schema": SCHEMA,
    "sdmx-dimension": SDMX_DIMENSION, "sdmx-measure": SDMX_MEASURE, "sdmx-attribute": SDMX_ATTRIBUTE,
    "spdx": SPDX, "org": ORG, "time": TIME, "skos": SKOS, "prov": PROV, "dct": DCTERMS, "dcat": DCAT,
    "foaf": FOAF, "owl": OWL, "xsd": XSD, "rdfs": RDFS, "wd": WIKIDATA,
}

# Printed units and the slug of their unit IRI.
UNIT_SLUGS = {
    "%": ("percent", "percent"), "百万円": ("million-yen", "million yen"), "千円": ("thousand-yen", "thousand yen"),
    "円": ("yen", "yen"), "人": ("person", "persons"), "名": ("person", "persons"), "件": ("case", "cases"),
    "事業所": ("establishment", "establishments"), "団体等": ("organization", "organisations"),
    "団体": ("organization", "organisations"), "世帯": ("household", "households"), "点": ("point", "points"),
    "回": ("time", "times"), "地区": ("district", "districts"), "箇所": ("place", "places"),
    "施設": ("facility", "facilities"), "台": ("vehicle", "vehicles"), "km²": ("square-kilometre", "km²"),
    "億円": ("hundred-million-yen", "hundred million yen"), "万円": ("ten-thousand-yen", "ten thousand yen"),
    "社": ("company", "companies"), "校": ("school", "schools"), "ページ": ("page", "pages"),
}


def date_literal(iso: str) -> Literal:
    """A date typed by its precision.

    >>> date_literal("1889-05").datatype.endswith("gYearMonth")
    True
    """
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(iso))
    if datatype is None:
        raise ValueError(f"not an ISO date: {iso!r}")
    return Literal(iso, datatype=datatype)


def canonical_decimal(value: Decimal) -> str:
    """The canonical lexical form of an xsd:decimal (XSD 1.1), the form a SPARQL store serves it in.

    Written in that form, a figure reads the same in the mapped N-Quads, the store, its answers and
    its dumps; the digits it drops (10.0 → 10) are kept as printed where they were (``printed_decimal``).

    >>> [canonical_decimal(Decimal(t)) for t in ("10.0", "0.2240", "-3.50", "-0.0", "126546", "1E+2")]
    ['10', '0.224', '-3.5', '0', '126546', '100']
    """
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def printed_decimal(value: Decimal) -> str | None:
    """The figure as it was printed when its canonical form drops digits of it (10.0), else None.

    >>> printed_decimal(Decimal("10.0")), printed_decimal(Decimal("10"))
    ('10.0', None)
    """
    return None if str(value) == canonical_decimal(value) else str(value)


def decimal_literal(value: Decimal) -> Literal:
    return Literal(canonical_decimal(value), datatype=XSD.decimal)


def ja(text: str) -> Literal:
    return Literal(clean_label(text), lang="ja")


def en(text: str) -> Literal:
    return Literal(text.strip(), lang="en")


class NQuadsSink:
    """A write-only stand-in for the Dataset: every triple added to one of its graphs is written
    to ``out`` at once as an N-Quads line (rdflib's own line format), so that mapping does not hold
    the graph in memory. Duplicates are written as they come; loading the lines folds them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def bind(self, prefix: str, namespace: Namespace) -> None:
        """N-Quads has no prefixes."""

    def graph(self, identifier: URIRef) -> _SinkGraph:
        return _SinkGraph(self.out, identifier)


@dataclass(frozen=True)
class _SinkGraph:
    out: TextIO
    identifier: URIRef

    def add(self, triple: tuple) -> _SinkGraph:
        self.out.write(_nq_row(triple, self.identifier))
        return self


@dataclass
class MappingContext:
    base: str
    catalog: dict[str, Source]
    dataset: Dataset | NQuadsSink = field(default_factory=lambda: Dataset(default_union=False))
    defined: set[URIRef] = field(default_factory=set)
    origin: dict[URIRef, str] = field(default_factory=dict)  # IRI → the record it was read from
    plan_ids: set[str] = field(default_factory=set)
    org_ids: set[str] = field(default_factory=set)
    _pending_refs: list[tuple[URIRef, str, Loaded]] = field(default_factory=list)
    _passages: set[URIRef] = field(default_factory=set)
    _labels: dict[tuple[URIRef, str], Literal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for prefix, ns in PREFIXES.items():
            self.dataset.bind(prefix, ns)
        self.dataset.bind("id", Namespace(self.base + "id/"))

    # --- IRIs ---------------------------------------------------------------
    def iri(self, *parts: str) -> URIRef:
        """``{base}id/part/part``; parts are slugs or codes, quoted to be safe."""
        return URIRef(self.base + "id/" + "/".join(quote(p, safe="-_.~") for p in parts))

    def graph_iri(self, name: str) -> URIRef:
        return URIRef(self.base + "graph/" + name)

    def graph(self, name: str) -> Graph | _SinkGraph:
        return self.dataset.graph(self.graph_iri(name))

    def city(self, code: str) -> URIRef:
        return self.iri("city", code)

    def plan(self, plan_id: str) -> URIRef:
        return self.iri("plan", plan_id)

    def element(self, plan_id: str, ref: str) -> URIRef:
        """An element ref, ``elem`` in ``plan_id`` or ``other-plan/elem``."""
        if "/" in ref:
            plan_id, ref = ref.split("/", 1)
        return self.iri("plan", plan_id, ref)

    def org(self, org_id: str) -> URIRef:
        return self.iri("org", org_id)

    def subject(self, ref: str) -> URIRef:
        """What a ``subject_ref`` names: ``plan/element``, a plan id or an organisation id."""
        if "/" in ref:
            return self.element("", ref)
        return self.plan(ref) if ref in self.plan_ids or ref not in self.org_ids else self.org(ref)

    def actor(self, ref: str) -> URIRef:
        """An organisation id, or a 6-digit city code for the city itself (市の役割)."""
        return self.city(ref) if ref.isdigit() and len(ref) == 6 else self.org(ref)

    def fiscal_year(self, year: str) -> URIRef:
        return self.iri("period", f"fy{year}")

    def calendar_year(self, year: str) -> URIRef:
        return self.iri("period", f"y{year}")

    def unit(self, printed: str) -> URIRef:
        slug, _ = UNIT_SLUGS.get(printed.strip(), (printed.strip(), printed.strip()))
        return self.iri("unit", slug)

    # --- definitions and references --------------------------------------------
    def define(self, iri: URIRef) -> URIRef:
        self.defined.add(iri)
        return iri

    def refer(self, iri: URIRef, ref: str, loaded: Loaded) -> URIRef:
        """Note a reference; ``check_references`` fails the build if nothing defines it."""
        self._pending_refs.append((iri, ref, loaded))
        return iri

    def check_references(self) -> None:
        missing = [(ref, loaded) for iri, ref, loaded in self._pending_refs if iri not in self.defined]
        if missing:
            lines = [f"{loaded.where}: reference '{ref}' names no record" for ref, loaded in missing[:20]]
            raise RecordError("\n".join(lines))

    def label(self, graph: Graph, iri: URIRef, text: str, lang: str = "ja") -> None:
        """One rdfs:label per language; a different wording from another record becomes skos:altLabel.

        Documents name the same element slightly differently (産み/生み); the first document
        read (data/ in path order) gives the label, the others are kept as alternatives.
        """
        literal = ja(text) if lang == "ja" else en(text)
        first = self._labels.setdefault((iri, lang), literal)
        graph.add((iri, RDFS.label if first == literal else SKOS.altLabel, literal))

    # --- provenance ---------------------------------------------------------------
    def passage(self, document: str, spec) -> URIRef:
        """The passage of ``spec`` lines in ``document``, added to the document graph once."""
        ranges = parse_lines(spec)
        key = "_".join(f"L{a}-L{b}" for a, b in ranges)
        iri = self.iri("passage", document, key)
        if iri in self._passages:
            return iri
        self._passages.add(iri)
        source = self.catalog[document]
        g = self.graph(document)
        doc = self.iri("document", document)
        g.add((iri, RDF.type, PROV.Entity))
        g.add((iri, RDF.type, OA.SpecificResource))
        g.add((iri, OA.hasSource, doc))
        g.add((iri, MPLAN.firstLine, Literal(ranges[0][0], datatype=XSD.integer)))
        g.add((iri, MPLAN.lastLine, Literal(ranges[-1][1], datatype=XSD.integer)))
        quote_node = URIRef(f"{iri}#exact")
        g.add((iri, OA.hasSelector, quote_node))
        g.add((quote_node, RDF.type, OA.TextQuoteSelector))
        g.add((quote_node, OA.exact, Literal(source.passage(ranges))))
        for first, last in ranges:
            frag = URIRef(f"{iri}#line={first - 1},{last}")
            g.add((iri, OA.hasSelector, frag))
            g.add((frag, RDF.type, OA.FragmentSelector))
            # RFC 5147 counts line positions from 0: lines 28-31 are line=27,31
            g.add((frag, RDF.value, Literal(f"line={first - 1},{last}")))
            g.add((frag, DCTERMS.conformsTo, RFC5147))
        return iri

    def derive(self, graph: Graph, subject: URIRef, loaded: Loaded, spec=None) -> None:
        """``subject`` was read from ``loaded``'s lines (or ``spec``)."""
        passage = self.passage(loaded.document, spec if spec is not None else loaded.record.lines)
        self.origin.setdefault(subject, loaded.where)
        graph.add((subject, PROV.wasDerivedFrom, passage))
        graph.add((subject, DCTERMS.source, self.iri("document", loaded.document)))

    # --- periods and units (reference graph) -------------------------------------------
    def period(self, fiscal_year: str | None = None, year: str | None = None) -> URIRef | None:
        """The interval IRI of a fiscal or calendar year, described once in the reference graph."""
        if fiscal_year:
            iri = self.fiscal_year(fiscal_year)
            start, end = f"{fiscal_year}-04-01", f"{int(fiscal_year) + 1}-03-31"
            labels = (f"{fiscal_year}年度", f"FY{fiscal_year}")
        elif year:
            iri = self.calendar_year(year)
            start, end = f"{year}-01-01", f"{year}-12-31"
            labels = (f"{year}年", str(year))
        else:
            return None
        if iri not in self.defined:
            self.define(iri)
            g = self.graph("reference")
            g.add((iri, RDF.type, TIME.ProperInterval))
            g.add((iri, RDFS.label, Literal(labels[0], lang="ja")))
            g.add((iri, RDFS.label, Literal(labels[1], lang="en")))
            if fiscal_year:
                g.add((iri, MPLAN.fiscalYear, Literal(fiscal_year, datatype=XSD.gYear)))
            for prop, day in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
                instant = self.iri("instant", day)
                g.add((iri, prop, instant))
                g.add((instant, RDF.type, TIME.Instant))
                g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
        return iri

    def unit_iri(self, printed: str) -> URIRef:
        iri = self.unit(printed)
        if iri not in self.defined:
            self.define(iri)
            slug, english = UNIT_SLUGS.get(printed.strip(), (printed.strip(), printed.strip()))
            g = self.graph("reference")
            g.add((iri, RDF.type, MPLAN.Unit))
            g.add((iri, RDF.type, SKOS.Concept))
            g.add((iri, SKOS.prefLabel, Literal(printed.strip(), lang="ja")))
            g.add((iri, SKOS.prefLabel, Literal(english, lang="en")))
            g.add((iri, SKOS.notation, Literal(slug)))
            g.add((iri, SKOS.inScheme, CODE["unit"]))
        return iri

    def declare_dataset(self, g: Graph, iri: URIRef, structure: URIRef, label_ja: str, label_en: str) -> URIRef:
        """A qb:DataSet, described once."""
        if iri not in self.defined:
            self.define(iri)
            g.add((iri, RDF.type, QB.DataSet))
            g.add((iri, QB.structure, structure))
            g.add((iri, RDFS.label, Literal(label_ja, lang="ja")))
            g.add((iri, RDFS.label, Literal(label_en, lang="en")))
        return iri

    def interval(self, start: str, end: str | None) -> URIRef:
        """An interval between two ISO dates (``end`` None: still open), in the reference graph."""
        iri = self.iri("interval", f"{start}_{end or 'open'}")
        if iri not in self.defined:
            self.define(iri)
            g = self.graph("reference")
            g.add((iri, RDF.type, TIME.ProperInterval))
            for prop, iso in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
                if iso is None:
                    continue
                instant = self.iri("instant", iso)
                g.add((iri, prop, instant))
                g.add((instant, RDF.type, TIME.Instant))
                g.add((instant, _instant_property(iso), date_literal(iso)))
        return iri


def _instant_property(iso: str) -> URIRef:
    return {4: TIME.inXSDgYear, 7: TIME.inXSDgYearMonth, 10: TIME.inXSDDate}[len(iso)]
