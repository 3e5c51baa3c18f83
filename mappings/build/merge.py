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
from collections.abc import Iterator
from typing import Any
import pyoxigraph as ox

UNMERGE = "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }"
MERGE = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


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


def write_merge(store: ox.Store) -> int:
    """Put the merge into the default graph (bulk: for a store nobody reads yet); its triple count."""
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in named_quads(store))
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
