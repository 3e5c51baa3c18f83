"""The dumps of a store: every dataset format (and its gzip) and one N-Quads file per named graph.

The N-Quads dump is byte-identical for identical data (sorted, blank nodes labelled canonically); the
dataset formats hold the named graphs, Turtle the default graph (their merge: each triple once).
"""

from __future__ import annotations
import gzip
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator
import pyoxigraph as ox
from rdflib import Graph
from mappings.build import jsonld

# Dump file name → pyoxigraph format; the dataset formats hold the named graphs, Turtle the default
# graph (their merge: each triple once).
DUMPS = {
    "plankg.nq": ox.RdfFormat.N_QUADS,
    "plankg.trig": ox.RdfFormat.TRIG,
    "plankg.ttl": ox.RdfFormat.TURTLE,
    "plankg.jsonld": ox.RdfFormat.JSON_LD,
}
GRAPH_FILE_BUFFER = 64 << 20  # bytes of per-graph dump lines held before they are appended to their files


def write_dumps(store: ox.Store, dumps_dir: Path, ontology_dir: Path, base_iri: str) -> None:
    """Every dump format (and its gzip) and one N-Quads file per named graph, in a new dumps directory.
    Each is streamed to its file: no dump is held in memory."""
    with ThreadPoolExecutor(max_workers=1) as gzipping:  # zlib lets go of the GIL: compress on the other core
        compressed = [gzipping.submit(_gzip_file, path) for path in _dump_files(store, dumps_dir, ontology_dir)]
        _write_graph_files(store, dumps_dir / "plankg.nq", base_iri)
        for done in compressed:
            done.result()  # a failed write fails the build


def _dump_files(store: ox.Store, dumps_dir: Path, ontology_dir: Path) -> Iterator[Path]:
    """Each file of DUMPS as soon as it is written: the named graphs, or the default graph (the merge)."""
    for name, fmt in DUMPS.items():
        path = dumps_dir / name
        if fmt == ox.RdfFormat.JSON_LD:  # compacted against the published context, with @type
            jsonld.write_dump(store, path, ontology_dir)
        elif fmt == ox.RdfFormat.N_QUADS:
            _write_stable_nquads(store, path)  # identical bytes for identical data
        elif fmt.supports_datasets:
            _write_named_graphs(store, path, fmt)
        else:
            store.dump(output=str(path), format=fmt, from_graph=ox.DefaultGraph())
        yield path


def _write_named_graphs(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """The named graphs (not the merge) as N-Quads or TriG, each graph written by the engine (read as
    Python quads, the dumps took longer than the build): N-Triples lines with the graph name put before
    their final " ." (a literal's line break is escaped, so each " .\n" ends a line), or a Turtle block."""
    with path.open("wb") as out:
        for graph in sorted(store.named_graphs(), key=str):
            if fmt == ox.RdfFormat.N_QUADS:
                triples = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                out.write(triples.replace(b" .\n", f" {graph} .\n".encode()))
            elif fmt == ox.RdfFormat.TRIG:
                out.write(f"{graph} {{\n".encode())
                store.dump(out, format=ox.RdfFormat.TURTLE, from_graph=graph)
                out.write(b"}\n")
            else:
                raise ValueError(f"not a dataset format of the dumps: {fmt}")


def _write_graph_files(store: ox.Store, nquads: Path, base_iri: str) -> None:
    """One N-Quads file per named graph, for per-dataset distributions, cut from the sorted dump in one
    pass; lines are buffered per graph and appended in batches, so memory stays bounded."""
    names = {f" {graph} .\n".encode(): nquads.with_name(
        "graph-" + graph.value.removeprefix(base_iri + "graph/").replace("/", "-") + ".nq")
        for graph in store.named_graphs()}
    for path in names.values():
        path.write_bytes(b"")
    buffered: dict[bytes, list[bytes]] = {}
    size = 0
    with nquads.open("rb") as lines:
        for line in lines:
            buffered.setdefault(line[line.rindex(b" <"):], []).append(line)
            size += len(line)
            if size > GRAPH_FILE_BUFFER:
                _append_graph_lines(names, buffered)
                size = 0
    _append_graph_lines(names, buffered)


def _append_graph_lines(names: dict[bytes, Path], buffered: dict[bytes, list[bytes]]) -> None:
    for key, lines in buffered.items():
        if key in names:  # every quad is in a named graph; the default graph has no file
            with names[key].open("ab") as out:
                out.writelines(lines)
    buffered.clear()


def _gzip_file(path: Path) -> None:
    """``path``.gz beside it, streamed; no name or time in the header, so equal files give equal bytes."""
    with path.open("rb") as src, path.with_name(path.name + ".gz").open("wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        shutil.copyfileobj(src, out, 1 << 20)


def _write_stable_nquads(store: ox.Store, path: Path) -> None:
    """The N-Quads dump, sorted, with blank nodes relabelled canonically.

    pyoxigraph gives blank nodes fresh random labels at every load, so two builds of the same records
    would differ in those labels. The quads holding blank nodes are relabelled with rdflib's canonical
    labelling (RDF graph canonicalisation); the other lines are pyoxigraph's own, streamed through a
    file. ``LC_ALL=C sort`` orders the bytes as Python would, in bounded memory (spilling to disk).
    """
    unsorted, kept = path.with_name(path.name + ".unsorted"), path.with_name(path.name + ".kept")
    _write_named_graphs(store, unsorted, ox.RdfFormat.N_QUADS)
    blank: list[bytes] = []  # few: read off the dump, not found by another scan of the store
    with unsorted.open("rb") as lines, kept.open("wb") as out:
        for line in lines:
            if _holds_blank_node(line):
                blank.append(line)
            else:
                out.write(line)
        out.writelines(_canonical_blank_quads(
            ox.parse(b"".join(blank), format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False)))
    unsorted.unlink()
    subprocess.run(["sort", "-S", "256M", "-T", str(path.parent), "-o", str(path), str(kept)],
                   env={**os.environ, "LC_ALL": "C"}, check=True)
    kept.unlink()


def _holds_blank_node(line: bytes) -> bool:
    return b"_:" in line and any(isinstance(t, ox.BlankNode) for q in ox.parse(line, format=ox.RdfFormat.N_QUADS)
                                 for t in (q.subject, q.object))


def _canonical_blank_quads(quads: Iterable[ox.Quad]) -> Iterator[bytes]:
    """The quads holding blank nodes as N-Quads lines, labelled canonically: every term other than a
    blank node is carried as its exact N-Triples text, the graph name rides with the predicate, so
    nothing else is rewritten."""
    from rdflib import BNode, Literal
    from rdflib.compare import to_canonical_graph

    blank = Graph()
    # (graph names are never blank here: every graph is {base}graph/…; the default graph, the merge, is
    # no part of the dump)
    for q in quads:
        graph = f" {q.graph_name}"
        blank.add(tuple(BNode(t.value) if isinstance(t, ox.BlankNode) else Literal(text)
                        for t, text in ((q.subject, str(q.subject)), (None, f"{q.predicate}{graph}"),
                                        (q.object, str(q.object)))))
    for s, pg, o in to_canonical_graph(blank):
        predicate, _, graph = str(pg).partition(" ")
        term = lambda t: f"_:{t}" if isinstance(t, BNode) else str(t)  # noqa: E731
        yield f"{term(s)} {predicate} {term(o)}{' ' + graph if graph else ''} .\n".encode("utf-8")


