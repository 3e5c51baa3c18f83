"""Mapping unit by unit, recording what each unit reads of the others (for the incremental build).

A *unit* is one document (its records and catalog entry), or one of the two shared inputs: ``reference``
(the cities, mapped first) and ``linkage`` (links, policy areas, candidates, the ontology: last). Units
are mapped in that order, documents in data/ path order, into one MappingContext, so the first
document read gives a label and describes a shared node (a period, a unit) once.

What one unit's mapping depends on of the others goes through three places of the context, which the
tracker watches: ``defined`` (describe-once nodes and references: a membership test is a *read*, an
addition a *definition*), the passages already written, and the first label of an IRI. The build
records who defined and read what, the winning labels, and every quad a unit writes outside its own
document graph (its *contributions*: the shared graphs, or a link's passage in a document's graph).
The incremental build (mappings.build.incremental) maps a changed document alone against that record
— an IRI defined by an earlier unit answers "already defined" as it did in the whole build — and can
tell whether the change reaches any other unit.
"""

from __future__ import annotations
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from rdflib import Literal, URIRef
from mappings.mapping.candidates import map_candidates
from mappings.mapping.context import MappingContext
from mappings.mapping.nquads import nquad_row
from mappings.mapping.documents import map_cities, map_documents
from mappings.mapping.events import map_events
from mappings.mapping.indicators import map_indicators
from mappings.mapping.linkage import map_links
from mappings.mapping.organizations import map_organizations
from mappings.mapping.plans import map_plans
from mappings.mapping.policy_areas import map_policy_areas
from mappings.mapping.statistics import map_statistics
from mappings.records.files import RecordSet

REFERENCE, LINKAGE = "reference", "linkage"  # the shared inputs' units (data/ folders no document can be named)
DOCUMENT_MAPPERS = (map_plans, map_indicators, map_organizations, map_statistics, map_events)


def unit_order(documents: list[str]) -> list[str]:
    return [REFERENCE, *sorted(documents), LINKAGE]


class Uses:
    """key → the units (indices) that used it; one int while there is one, a set after."""

    def __init__(self) -> None:
        self.by_key: dict[str, int | set[int]] = {}

    def add(self, key: str, unit: int) -> None:
        seen = self.by_key.get(key)
        if seen is None:
            self.by_key[key] = unit
        elif isinstance(seen, int):
            if seen != unit:
                self.by_key[key] = {seen, unit}
        else:
            seen.add(unit)

    def units(self, key: str) -> set[int]:
        seen = self.by_key.get(key)
        return set() if seen is None else {seen} if isinstance(seen, int) else seen

    def rows(self) -> Iterator[tuple[str, int]]:
        for key, seen in self.by_key.items():
            for unit in ((seen,) if isinstance(seen, int) else seen):
                yield key, unit


@dataclass
class Tracker:
    """Who defined, read and labelled what, and each unit's contributions. The incremental build
    answers from the manifest what an earlier unit defined or labelled (``prior``)."""

    units: list[str]
    base: str
    current: int | None = None
    defs: Uses = field(default_factory=Uses)
    reads: Uses = field(default_factory=Uses)
    winners: dict[str, tuple[int, str]] = field(default_factory=dict)  # label key → (first unit, literal .n3())
    contributions: dict[int, set[tuple[str, str]]] = field(default_factory=dict)  # unit → {(graph, N-Quads line)}
    prior: "Prior | None" = None
    records: RecordSet | None = None  # what the full build read (for the manifest)

    def __post_init__(self) -> None:
        self.set_units(self.units)

    def set_units(self, units: list[str]) -> None:
        self.units = units
        self.index = {name: i for i, name in enumerate(units)}
        self.own_graphs = [self._own_graph(name) for name in units]
        self.predicates: dict = {}  # their N-Quads terms (mappings.mapping.context.nquad_row)

    @contextmanager
    def unit(self, name: str) -> Iterator[None]:
        self.current = self.index[name]
        try:
            yield
        finally:
            self.current = None

    def own_graph(self, unit: int) -> str:
        """The N-Quads graph term of a document unit's own graph (the shared units own none)."""
        return self.own_graphs[unit]

    def _own_graph(self, name: str) -> str:
        return "" if name in (REFERENCE, LINKAGE) else f"<{self.base}graph/{name}>"

    def defined_before(self, key: str) -> bool:
        return self.prior is not None and self.prior.defined_before(key, self.current)

    def defined_elsewhere(self, key: str) -> bool:
        return self.prior is not None and self.prior.defined_elsewhere(key)

    def label_before(self, key: str) -> Literal | None:
        return None if self.prior is None else self.prior.label_before(key, self.current)


class Prior:
    """What the units other than the one being mapped defined and labelled (mappings.build.manifest)."""

    def defined_before(self, key: str, unit: int | None) -> bool: ...
    def defined_elsewhere(self, key: str) -> bool: ...
    def label_before(self, key: str, unit: int | None) -> Literal | None: ...


class TrackedSet(set):
    """``ctx.defined`` or the passages written: a test is a read, an addition a definition."""

    def __init__(self, tracker: Tracker, namespace: str) -> None:
        super().__init__()
        self.tracker, self.namespace = tracker, namespace

    def __contains__(self, iri) -> bool:
        key, t = self.namespace + str(iri), self.tracker
        if t.current is None:  # ctx.check_references, after every unit
            return set.__contains__(self, iri) or t.defined_elsewhere(key)
        t.reads.add(key, t.current)
        return set.__contains__(self, iri) or t.defined_before(key)

    def add(self, iri) -> None:
        set.add(self, iri)
        if self.tracker.current is not None:
            self.tracker.defs.add(self.namespace + str(iri), self.tracker.current)


class TrackedLabels(dict):
    """``ctx._labels``: the first label of an IRI per language, whichever unit gave it."""

    def __init__(self, tracker: Tracker) -> None:
        super().__init__()
        self.tracker = tracker

    def setdefault(self, key: tuple[URIRef, str], literal: Literal) -> Literal:
        t = self.tracker
        name = f"l{key[0]}@{key[1]}"
        if not dict.__contains__(self, key):
            earlier = t.label_before(name)
            dict.__setitem__(self, key, literal if earlier is None else earlier)
            if earlier is None:
                t.winners[name] = (t.current, literal.n3())
        t.defs.add(name, t.current)
        return dict.__getitem__(self, key)


class TrackingSink:
    """Around the context's dataset (an rdflib Dataset or an NQuadsSink): each quad is added to it, and
    recorded as its unit's contribution when it is outside that unit's own graph."""

    def __init__(self, inner, tracker: Tracker) -> None:
        self.inner, self.tracker = inner, tracker

    def bind(self, prefix, namespace) -> None:
        self.inner.bind(prefix, namespace)

    def graph(self, identifier: URIRef) -> "_TrackedGraph":
        return _TrackedGraph(self.inner.graph(identifier), self.tracker, identifier, f"<{identifier}>")


@dataclass(frozen=True)
class _TrackedGraph:
    inner: object
    tracker: Tracker
    identifier: URIRef
    term: str

    def add(self, triple: tuple) -> "_TrackedGraph":
        self.inner.add(triple)
        t = self.tracker
        if t.current is not None and self.term != t.own_graphs[t.current]:
            t.contributions.setdefault(t.current, set()).add((self.term, nquad_row(triple, self.term, t.predicates)))
        return self


def track(ctx: MappingContext, tracker: Tracker) -> MappingContext:
    """``ctx`` with its dataset, definitions, passages and first labels watched by ``tracker``."""
    ctx.dataset = TrackingSink(ctx.dataset, tracker)
    ctx.defined = TrackedSet(tracker, "d")
    ctx._passages = TrackedSet(tracker, "p")
    ctx._labels = TrackedLabels(tracker)
    return ctx


def map_document(ctx: MappingContext, tracker: Tracker, document: str, records: RecordSet) -> None:
    """One document's unit: its catalog entry and its records."""
    with tracker.unit(document):
        map_documents(ctx, [document])
        for mapper in DOCUMENT_MAPPERS:
            mapper(ctx, records)


def map_all(ctx: MappingContext, tracker: Tracker, records: RecordSet, by_document: dict[str, RecordSet],
            linkage_dir: Path, load_ontology) -> None:
    """Every unit in order, then the references checked (a reference is a read of its unit)."""
    with tracker.unit(REFERENCE):
        map_cities(ctx, records.cities)
    for document in tracker.units[1:-1]:
        map_document(ctx, tracker, document, by_document.get(document) or RecordSet(
            units=records.units, breakdowns=records.breakdowns))
    with tracker.unit(LINKAGE):
        map_links(ctx, records)
        map_policy_areas(ctx, records, linkage_dir / "policy-areas.yaml")
        map_candidates(ctx, linkage_dir / "candidates.yaml")
        load_ontology(ctx)
    note_references(ctx, tracker)
    ctx.check_references()


def note_references(ctx: MappingContext, tracker: Tracker) -> None:
    """Each reference a read of the unit whose record makes it (links and candidates: linkage)."""
    for iri, _, loaded in ctx._pending_refs:
        unit = tracker.index.get(loaded.document, tracker.index[LINKAGE])
        tracker.reads.add("d" + str(iri), unit)


def split_by_document(records: RecordSet) -> dict[str, RecordSet]:
    """The records of each document, in the order read, with the shared reference tables."""
    out: dict[str, RecordSet] = {}
    for loaded in records.records:
        out.setdefault(loaded.document, RecordSet(units=records.units, breakdowns=records.breakdowns)
                       ).records.append(loaded)
    return out
