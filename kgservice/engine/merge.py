"""The merge at query and write time: an update re-derives the merge of the named graphs around
itself, and ``FROM <g1> FROM <g2>`` is evaluated over the merge of those graphs. The store layout
(the default graph holding the merge) is mappings.build.merge, which the build writes.
"""

from __future__ import annotations
from collections.abc import Iterable
import pyoxigraph as ox
from kgservice.engine.sparqltext import Scan, tokens
from mappings.build.merge import MERGE, UNMERGE


# --------------------------------------------------------------------------- writes


def merged_update(update: str) -> tuple[str, int]:
    """The update wrapped so the merge is re-derived in the same request (one transaction), and the
    number of lines put before it (to report syntax errors at the caller's own positions)."""
    toks = tokens(update)
    if toks and toks[-1].kind == "punct" and toks[-1].text == ";":  # a trailing ";" is allowed once
        update = update[:toks[-1].offset]
    # The update's leading PREFIX/BASE go first: pyoxigraph 0.5.13 refuses a prologue after ";"
    # (SPARQL 1.1 allows one per operation). UNMERGE and MERGE use neither prefixes nor relative IRIs.
    i = 0
    while i < len(toks) and ((toks[i].keyword == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri")
                             or (toks[i].keyword == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri")):
        i += 3 if toks[i].keyword == "PREFIX" else 2
    split = toks[i].offset if i < len(toks) else len(update)
    return f"{update[:split]}{UNMERGE} ;\n{update[split:]}\n;\n{MERGE}", 1


def graph_store_update(op: str, graph: str, triples: Iterable[ox.Triple] = ()) -> str:
    """A Graph Store Protocol write as SPARQL Update, re-deriving the merge around it. ``graph`` is an
    IRI or "default"; PUT replaces, POST adds, DELETE drops (for the default graph: its own triples)."""
    target = "DEFAULT" if graph == "default" else f"GRAPH {ox.NamedNode(graph)}"
    steps = [UNMERGE]
    if op in ("put", "delete"):
        steps.append(f"{'DROP' if op == 'delete' and graph != 'default' else 'CLEAR'} SILENT {target}")
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    if op in ("put", "post") and body:
        steps.append(f"INSERT DATA {{ {body} }}" if graph == "default"
                     else f"INSERT DATA {{ {target} {{ {body} }} }}")
    steps.append(MERGE)
    return " ;\n".join(steps)


# --------------------------------------------------------------------------- FROM <g1> FROM <g2>


def dataset_clauses(query: str, scanned: Scan, base_iri: str | None = None) -> tuple[list[str], list[str]] | None:
    """The IRIs of a query's FROM and FROM NAMED clauses, or None when one cannot be read here (then
    the store evaluates the query's dataset itself); relative ones resolve against the query's BASE,
    else ``base_iri`` (the endpoint's, as the store resolves the rest of the query)."""
    from urllib.parse import urljoin

    default: list[str] = []
    named: list[str] = []
    toks = tokens(query)
    for i, tok in enumerate(toks):
        if tok.keyword != "FROM":
            continue
        j = i + 2 if i + 1 < len(toks) and toks[i + 1].keyword == "NAMED" else i + 1
        if j >= len(toks):
            return None
        ref = toks[j]
        if ref.kind == "iri":
            base = urljoin(base_iri, scanned.base) if base_iri and scanned.base else scanned.base or base_iri
            iri = urljoin(base, ref.text[1:-1]) if base else ref.text[1:-1]
        elif ref.kind == "name" and ":" in ref.text and ref.text.partition(":")[0] in scanned.prefixes:
            prefix, _, local = ref.text.partition(":")
            iri = scanned.prefixes[prefix] + local
        else:
            return None
        (named if j == i + 2 else default).append(iri)
    return default, named


def merge_of(store: ox.Store, default: list[str], named: list[str]) -> ox.Store:
    """An in-memory dataset whose default graph is the merge of the graphs ``default`` (a set: each
    triple once) and whose named graphs are copies of ``named``; query it with
    ``default_graph=[DefaultGraph()]`` and ``named_graphs`` = ``named``."""
    dataset = ox.Store()
    for iri in dict.fromkeys(default):
        dataset.extend(ox.Quad(q.subject, q.predicate, q.object)
                       for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    for iri in dict.fromkeys(named):
        dataset.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    return dataset
