"""The default graph is the RDF merge of the named graphs: a set of triples, whatever the store version.

Why materialised: pyoxigraph 0.5.13 does not deduplicate its union default graph (oxigraph issue
#1919, fixed by PR #1920 after the release): a triple stated in two named graphs comes back twice from
``use_default_graph_as_union=True`` and from ``FROM <g1> FROM <g2>``, so COUNT and SUM over the default
graph are inflated. Virtuoso 7.2.5 does the same (measured, see kgservice.engine.remote).

Layout of a store: every fact lives in a named graph; the store's own (unnamed) default graph holds
the distinct triples of all named graphs, plus the triples written to the default graph itself — its
*own* triples, i.e. those no named graph holds. The build writes it (``write_merge``); every write of
the service re-derives it in the same SPARQL Update request (``merged_update``): first the merge is
taken out of the default graph (it then holds its own triples only, as before the merge existed, so a
write to the default graph means what it always meant), then the write, then the merge is put back.
A query without GRAPH/FROM reads that graph with no flag at all.

Never query such a store with ``use_default_graph_as_union=True``: the union adds every named graph to
the merge and counts each triple twice. ``query_options(store)`` gives the right options for a store
either way (a store built before this layout has an empty default graph: the union, as it was).
"""

from __future__ import annotations
import tempfile
from collections import Counter
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any
import pyoxigraph as ox

UNMERGE = "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }"
MERGE = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
MERGE_TRIPLES = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {graphs} GRAPH ?g {{ ?s ?p ?o }} FILTER({blank}(isBlank(?s) || isBlank(?o))) }}"


def holds_merge(store: ox.Store) -> bool:
    """Whether the default graph holds the merge: the first triple of every named graph is in it (a
    look-up per graph; a store built or written by this version holds all or nothing of it)."""
    for graph in store.named_graphs():
        first = next(iter(store.quads_for_pattern(None, None, None, graph)), None)
        if first is not None and ox.Quad(first.subject, first.predicate, first.object) not in store:
            return False
    return True


def query_options(store: ox.Store) -> dict[str, Any]:
    """``store.query`` keyword arguments for a default graph that is the merge."""
    return {} if holds_merge(store) else {"use_default_graph_as_union": True}


def write_merge(store: ox.Store, scratch: Path | None = None, rows: Path | None = None,
                covered: Collection[str] = ()) -> int:
    """Put the merge into the default graph (bulk: for a store nobody reads yet); its triple count.

    ``rows``: an N-Triples file holding every triple of the named graphs ``covered`` (their N-Quads terms),
    as the build's sink writes it while mapping; it is loaded as it is. The other graphs' triples (the
    closures, graphs with blank nodes) stream out of the store through an N-Triples file in ``scratch``
    (default: a temporary folder), written and loaded by the engine: reading all 27 M quads back out at
    N=1,741 took as long as the mapping did."""
    if scratch is None:
        with tempfile.TemporaryDirectory() as tmp:
            return write_merge(store, Path(tmp), rows, covered)
    if rows is not None:
        store.bulk_load(path=str(rows), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    rest = sorted(str(g) for g in store.named_graphs() if str(g) not in covered)
    if covered and not rest:
        return default_count(store)
    graphs = f"VALUES ?g {{ {' '.join(rest)} }}" if covered else ""  # nothing covered: every graph
    merged = scratch / "merge.nt"
    ox.serialize(store.query(MERGE_TRIPLES.format(graphs=graphs, blank="!")), output=str(merged),
                 format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(path=str(merged), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    merged.unlink()
    # Loading renames blank nodes (pyoxigraph has no option not to): the few triples with one go as objects.
    store.bulk_extend(ox.Quad(*t) for t in store.query(MERGE_TRIPLES.format(graphs=graphs, blank="")))
    return default_count(store)


def default_count(store: ox.Store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The quads of the named graphs, graph by graph (the dataset without the merge)."""
    for graph in sorted(store.named_graphs(), key=str):
        yield from store.quads_for_pattern(None, None, None, graph)


def own_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The triples written to the default graph itself (in no named graph), as default-graph quads."""
    for row in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"):
        yield ox.Quad(row["s"], row["p"], row["o"])


def dataset_quads(store: ox.Store, merged: bool) -> Iterator[ox.Quad]:
    """What a dataset dump holds: the named graphs and the default graph's own triples — never the
    merge as a graph of its own."""
    if not merged:
        yield from store
        return
    yield from named_quads(store)
    yield from own_quads(store)


class MergedDelta:
    """Changes to a store whose default graph holds the merge, applied so that it still does: a triple
    leaves the default graph when no named graph states it any more. Records the default graph's changes
    (triples added and removed; whether each subject touched had triples before) for the statistics."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.added: set[ox.Triple] = set()
        self.removed: set[ox.Triple] = set()
        self.graphs: Counter = Counter()  # named graph → triples added less removed
        self.had_triples: dict = {}  # subject → whether the default graph held a triple of it before

    def _stated(self, s, p, o) -> bool:
        return any(not isinstance(q.graph_name, ox.DefaultGraph) for q in self.store.quads_for_pattern(s, p, o, None))

    def _touch(self, subject) -> None:
        if subject not in self.had_triples:
            self.had_triples[subject] = next(iter(
                self.store.quads_for_pattern(subject, None, None, ox.DefaultGraph())), None) is not None

    def remove(self, quads) -> None:
        store = self.store
        for q in quads:
            if q in store:
                store.remove(q)
                self.graphs[q.graph_name.value] -= 1
                if not self._stated(q.subject, q.predicate, q.object):
                    self._touch(q.subject)
                    store.remove(ox.Quad(q.subject, q.predicate, q.object))
                    self._default_change(ox.Triple(q.subject, q.predicate, q.object), self.removed, self.added)

    def add(self, quads) -> None:
        store = self.store
        for q in quads:
            if q not in store:
                store.add(q)
                self.graphs[q.graph_name.value] += 1
                default = ox.Quad(q.subject, q.predicate, q.object)
                if default not in store:
                    self._touch(q.subject)
                    store.add(default)
                    self._default_change(ox.Triple(q.subject, q.predicate, q.object), self.added, self.removed)

    @staticmethod
    def _default_change(triple: ox.Triple, mine: set, other: set) -> None:
        if triple in other:
            other.discard(triple)
        else:
            mine.add(triple)

    def subjects_delta(self, counted) -> int:
        """Subjects (those ``counted`` accepts) that now have triples in the default graph, less those that
        had before."""
        now = lambda s: next(iter(self.store.quads_for_pattern(s, None, None, ox.DefaultGraph())), None) is not None  # noqa: E731
        return sum(now(s) - had for s, had in self.had_triples.items() if counted(s))
