"""What every mapping shares: namespaces, IRI minting, typed literals, provenance.

A ``MappingContext`` holds the rdflib Dataset being built (or, in the build, an
``NQuadsSink`` writing each triple out as it comes) and knows the base IRI, the
source catalog and which IRIs the records define, so that a reference to nothing
fails the build with the record named (see ``resolve``).
"""

from __future__ import annotations
from calendar import monthrange
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD
from mappings.mapping.nquads import NQuadsSink, SinkGraph
from mappings.records.normalize import clean_label
from mappings.vocabulary import MPLAN, OA, PREFIXES, QB, RFC5147
from mappings.records.schema import RecordError, parse_lines
from mappings.records.files import Loaded
from mappings.records.sources import Source

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


@lru_cache(maxsize=1 << 16)  # the same ids and document names recur in most IRIs
def _slug(part: str) -> str:
    return quote(part, safe="-_.~")


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
    units: dict = field(default_factory=dict)       # printed unit → records.Unit (data/reference/units.yaml)
    breakdowns: dict = field(default_factory=dict)  # printed subgroup → records.Breakdown

    def __post_init__(self) -> None:
        for prefix, ns in PREFIXES.items():
            self.dataset.bind(prefix, ns)
        self.dataset.bind("id", Namespace(self.base + "id/"))

    # --- IRIs ---------------------------------------------------------------
    def iri(self, *parts: str) -> URIRef:
        """``{base}id/part/part``; parts are slugs or codes, quoted to be safe."""
        return URIRef(self.base + "id/" + "/".join(map(_slug, parts)))

    def graph_iri(self, name: str) -> URIRef:
        return URIRef(self.base + "graph/" + name)

    def graph(self, name: str) -> Graph | SinkGraph:
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
    def passages(self, document: str, spec) -> list[URIRef]:
        """One passage (oa:SpecificResource) per contiguous line range of ``spec`` in ``document``.

        Web Annotation reads several selectors of one resource as alternatives, so a range is a
        passage of its own, and its oa:exact is the text of its lines: a substring of the document.
        The IRI a list of ranges had before (``L28-L28_L98-L100``) is kept, ``dct:hasPart`` and
        ``dct:isReplacedBy`` its ranges, so that it still resolves.
        """
        ranges = parse_lines(spec)
        parts = [self._passage(document, first, last) for first, last in contiguous(ranges)]
        if len(ranges) > 1:
            old = self.iri("passage", document, "_".join(f"L{a}-L{b}" for a, b in ranges))
            if old not in self._passages:
                self._passages.add(old)
                g = self.graph(document)
                g.add((old, RDFS.label, Literal(f"{document} lines {spec_text(ranges)} (several passages)", lang="en")))
                for part in parts:
                    g.add((old, DCTERMS.hasPart, part))
                    g.add((old, DCTERMS.isReplacedBy, part))
        return parts

    def passage(self, document: str, spec) -> URIRef:
        """The passage of a single line range (``passages`` for a spec of several ranges)."""
        parts = self.passages(document, spec)
        if len(parts) != 1:
            raise ValueError(f"{document} lines {spec!r}: several ranges are several passages (use passages)")
        return parts[0]

    def _passage(self, document: str, first: int, last: int) -> URIRef:
        iri = self.iri("passage", document, f"L{first}-L{last}")
        if iri in self._passages:
            return iri
        self._passages.add(iri)
        g = self.graph(document)
        g.add((iri, RDF.type, PROV.Entity))
        g.add((iri, RDF.type, OA.SpecificResource))
        g.add((iri, OA.hasSource, self.iri("document", document)))
        g.add((iri, MPLAN.firstLine, Literal(first, datatype=XSD.integer)))
        g.add((iri, MPLAN.lastLine, Literal(last, datatype=XSD.integer)))
        quote_node = URIRef(f"{iri}#exact")
        g.add((iri, OA.hasSelector, quote_node))
        g.add((quote_node, RDF.type, OA.TextQuoteSelector))
        g.add((quote_node, OA.exact, Literal(self.catalog[document].passage([(first, last)]))))
        # RFC 5147 counts line positions from 0: lines 28-31 are line=27,31
        frag = URIRef(f"{iri}#line={first - 1},{last}")
        g.add((iri, OA.hasSelector, frag))
        g.add((frag, RDF.type, OA.FragmentSelector))
        g.add((frag, RDF.value, Literal(f"line={first - 1},{last}")))
        g.add((frag, DCTERMS.conformsTo, RFC5147))
        return iri

    def description(self, subject: URIRef, document: str) -> URIRef:
        """The IRI of what ``document``'s records say about ``subject``: ``id/description/{doc}/{path}``."""
        prefix = self.base + "id/"
        path = str(subject)[len(prefix):] if str(subject).startswith(prefix) else quote(str(subject), safe="")
        return URIRef(f"{prefix}description/{document}/{path}")

    def derive(self, graph: Graph, subject: URIRef, loaded: Loaded, spec=None) -> URIRef:
        """``subject`` is described by ``loaded``'s record, read from its lines (or ``spec``).

        Provenance is on the description, not on the thing (a mayor's term of 1889 is not derived
        from a text file): the description is a prov:Entity with ``foaf:primaryTopic`` the thing,
        ``prov:wasDerivedFrom`` each passage and ``prov:wasAttributedTo`` the city whose document
        it is. The thing keeps ``dct:source`` its document. Returns the description.
        """
        document = loaded.document
        self.origin.setdefault(subject, loaded.where)
        graph.add((subject, DCTERMS.source, self.iri("document", document)))
        desc = self.description(subject, document)
        graph.add((desc, RDF.type, PROV.Entity))
        graph.add((desc, FOAF.primaryTopic, subject))
        graph.add((desc, PROV.wasAttributedTo, self.city(self.catalog[document].meta.city_code)))
        for passage in self.passages(document, spec if spec is not None else loaded.record.lines):
            graph.add((desc, PROV.wasDerivedFrom, passage))
        return desc

    # --- periods, units and datasets (reference graph) -------------------------------------------
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
            g.add((iri, TIME.hasBeginning, self.instant(start)))
            g.add((iri, TIME.hasEnd, self.instant(end)))
        return iri

    def instant(self, iso: str) -> URIRef:
        """The time:Instant of an ISO date at its printed precision, described once (reference graph).

        A year or a month is no day: its instant keeps the printed precision (time:inXSDgYear,
        time:inXSDgYearMonth) and is ``time:inside`` its calendar year or month, an interval whose
        beginning and end have time:inXSDDate. So every date compares as xsd:date, without string
        functions: the earliest day is ``time:inXSDDate|^time:inside/time:hasBeginning/time:inXSDDate``,
        the latest ``time:inXSDDate|^time:inside/time:hasEnd/time:inXSDDate``.
        """
        iri = self.iri("instant", iso)
        if iri not in self.defined:
            self.define(iri)
            g = self.graph("reference")
            g.add((iri, RDF.type, TIME.Instant))
            g.add((iri, _instant_property(iso), date_literal(iso)))
            if len(iso) == 4:
                g.add((self.period(year=iso), TIME.inside, iri))
            elif len(iso) == 7:
                g.add((self.calendar_month(iso), TIME.inside, iri))
        return iri

    def calendar_month(self, iso: str) -> URIRef:
        """The interval of a calendar month ``YYYY-MM``, from its first to its last day."""
        iri = self.iri("period", f"m{iso}")
        if iri not in self.defined:
            self.define(iri)
            year, month = int(iso[:4]), int(iso[5:7])
            g = self.graph("reference")
            g.add((iri, RDF.type, TIME.ProperInterval))
            g.add((iri, RDFS.label, Literal(f"{year}年{month}月", lang="ja")))
            g.add((iri, RDFS.label, Literal(iso, lang="en")))
            g.add((iri, TIME.hasBeginning, self.instant(f"{iso}-01")))
            g.add((iri, TIME.hasEnd, self.instant(f"{iso}-{monthrange(year, month)[1]:02d}")))
        return iri

    def unit_of(self, printed: str):
        """The Unit row of a printed unit (data/reference/units.yaml); its retired IRI noted once."""
        try:
            unit = self.units[printed.strip()]
        except KeyError:
            raise ValueError(f"unit {printed!r} is not in data/reference/units.yaml") from None
        if unit.retired_slug:
            retired = self.iri("unit", unit.retired_slug)
            if retired not in self.defined:  # the IRI minted before from the printed string still resolves
                self.define(retired)
                g = self.graph("reference")
                g.add((retired, OWL.deprecated, Literal(True)))
                g.add((retired, DCTERMS.isReplacedBy, URIRef(unit.unit)))
                g.add((retired, RDFS.label, Literal(printed.strip(), lang="ja")))
                g.add((retired, RDFS.comment, Literal(
                    f"Replaced by the QUDT unit {unit.unit} with sdmx-attribute:unitMult {unit.multiplier}.", lang="en")))
        return unit

    def declare_dataset(self, g: Graph, iri: URIRef, structure: URIRef, label_ja: str, label_en: str,
                        document: str | None = None) -> URIRef:
        """A qb:DataSet, described once; ``document``'s city is its dct:spatial."""
        if iri not in self.defined:
            self.define(iri)
            g.add((iri, RDF.type, QB.DataSet))
            g.add((iri, QB.structure, structure))
            g.add((iri, RDFS.label, Literal(label_ja, lang="ja")))
            g.add((iri, RDFS.label, Literal(label_en, lang="en")))
            if document:
                g.add((iri, DCTERMS.spatial, self.city(self.catalog[document].meta.city_code)))
        return iri

    def interval(self, start: str, end: str | None) -> URIRef:
        """An interval between two ISO dates (``end`` None: still open), in the reference graph."""
        iri = self.iri("interval", f"{start}_{end or 'open'}")
        if iri not in self.defined:
            self.define(iri)
            g = self.graph("reference")
            g.add((iri, RDF.type, TIME.ProperInterval))
            for prop, iso in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
                if iso is not None:
                    g.add((iri, prop, self.instant(iso)))
        return iri


def _instant_property(iso: str) -> URIRef:
    return {4: TIME.inXSDgYear, 7: TIME.inXSDgYearMonth, 10: TIME.inXSDDate}[len(iso)]


def contiguous(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges in the order cited, a range that goes on where the one before ends joined to it.

    >>> contiguous([(85, 85), (90, 90), (91, 91)])
    [(85, 85), (90, 91)]
    """
    out: list[tuple[int, int]] = []
    for first, last in ranges:
        if out and out[-1][0] <= first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def spec_text(ranges: list[tuple[int, int]]) -> str:
    """Line ranges as printed in a note: ``28, 98-100``."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
