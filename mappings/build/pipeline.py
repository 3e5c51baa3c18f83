"""The build: records → RDF (streamed out as N-Quads) → a new on-disk pyoxigraph store → SHACL gate
→ closures → the default graph as the merge of the named graphs (mappings.build.merge) → dumps.

Nothing is replaced unless every step passes: the store and the dumps are
written into new directories and switched in with an atomic rename of a
symlink, so a failed or killed build leaves the served store as it was.

    >>> report = build(ProjectConfig.at(Path(".")))          # doctest: +SKIP
    >>> report.triples_per_graph["https://plankg.org/graph/reference"]  # doctest: +SKIP
"""

from __future__ import annotations
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF
from mappings.build import jsonld, merge
from mappings.config import ProjectConfig
from mappings.mapping.candidates import map_candidates
from mappings.mapping.context import MappingContext, NQuadsSink
from mappings.mapping.documents import map_cities, map_documents
from mappings.mapping.events import map_events
from mappings.mapping.indicators import map_indicators
from mappings.build.inference import materialise
from mappings.mapping.linkage import map_links
from mappings.mapping.organizations import map_organizations
from mappings.mapping.plans import map_plans
from mappings.mapping.policy_areas import map_policy_areas
from mappings.records.schema import RecordError
from mappings.records.files import load_records
from mappings.records.sources import load_catalog
from mappings.mapping.statistics import map_statistics
from mappings.build.validate import ShaclViolation, validate_graph
from mappings.records.verify import check_all

# Dump file name → pyoxigraph format; the dataset formats hold the named graphs, Turtle the default
# graph (their merge: each triple once).
DUMPS = {
    "plankg.nq": ox.RdfFormat.N_QUADS,
    "plankg.trig": ox.RdfFormat.TRIG,
    "plankg.ttl": ox.RdfFormat.TURTLE,
    "plankg.jsonld": ox.RdfFormat.JSON_LD,
}
GRAPH_FILE_BUFFER = 64 << 20  # bytes of per-graph dump lines held before they are appended to their files


class BuildError(RuntimeError):
    """The build stopped; the message names the record, focus node or shape at fault."""


@dataclass
class BuildReport:
    triples_per_graph: dict[str, int] = field(default_factory=dict)
    instances_per_class: dict[str, int] = field(default_factory=dict)
    records: int = 0
    seconds: float = 0.0
    store_path: Path | None = None
    dumps: dict[str, int] = field(default_factory=dict)
    inferred: dict[str, int] = field(default_factory=dict)  # new triples per inference rule
    void: dict = field(default_factory=dict)                 # VoID statistics (kgservice.opendata.catalog)
    default_triples: int = 0  # distinct triples of the default graph (the merge): what VoID and DCAT publish

    built_at: str = ""

    @property
    def triples(self) -> int:
        """Triples summed over the named graphs: one stated in two graphs counts twice (see default_triples)."""
        return sum(self.triples_per_graph.values())

    def as_json(self) -> dict:
        return {"built_at": self.built_at, "records": self.records, "triples": self.triples,
                "default_triples": self.default_triples,
                "triples_per_graph": self.triples_per_graph, "instances_per_class": self.instances_per_class,
                "inferred": self.inferred, "void": self.void, "dumps": self.dumps}


Progress = Callable[[str], None]


def map_records(config: ProjectConfig, sink: NQuadsSink | None = None) -> tuple[MappingContext, int]:
    """Read, verify and map every record (into an rdflib Dataset, or written to ``sink``);
    raises BuildError naming what is wrong."""
    try:
        catalog = load_catalog(config.sources_dir)
        records = load_records(config.data_dir)
        misses = check_all(config.data_dir, config.sources_dir, records, catalog)
    except RecordError as exc:
        raise BuildError(str(exc)) from exc
    if misses:
        shown = "\n".join(str(m) for m in misses[:20])
        raise BuildError(f"{len(misses)} value(s) are not at their cited source lines:\n{shown}")
    ctx = MappingContext(config.base_iri, catalog) if sink is None else MappingContext(config.base_iri, catalog, sink)
    ctx.plan_ids = {r.record.id for r in records.of("plans")}
    ctx.org_ids = {r.record.id for r in records.of("organizations")}
    ctx.units, ctx.breakdowns = records.units, records.breakdowns  # data/reference tables of the cubes
    try:
        map_cities(ctx, records.cities)
        map_documents(ctx)
        for mapper in (map_plans, map_indicators, map_organizations, map_statistics, map_events, map_links):
            mapper(ctx, records)
        map_policy_areas(ctx, records, config.data_dir / "linkage" / "policy-areas.yaml")
        map_candidates(ctx, config.data_dir / "linkage" / "candidates.yaml")
        ctx.check_references()
    except (RecordError, ValueError) as exc:
        raise BuildError(str(exc)) from exc
    load_ontology(ctx, config.ontology_dir)
    return ctx, len(records.records)


def load_ontology(ctx: MappingContext, ontology_dir: Path) -> None:
    """The ontology and code lists into the ontology graph."""
    g = ctx.graph("ontology")
    for name in ("mplan.ttl", "codelists.ttl"):
        path = ontology_dir / name
        if path.exists():
            for triple in Graph().parse(path, format="turtle"):
                g.add(triple)


def validate(config: ProjectConfig, ctx: MappingContext | None = None) -> list[ShaclViolation]:
    """SHACL violations of the mapped graph (empty when it conforms)."""
    if ctx is None:
        ctx, _ = map_records(config)
    nquads = ctx.dataset.serialize(format="nquads")
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return validate_graph(nquads, store, config.ontology_dir / "shapes.ttl")


def build(config: ProjectConfig, progress: Progress = lambda _: None) -> BuildReport:
    """The whole build; on any failure nothing served is touched."""
    started = time.monotonic()
    with mapped_nquads(config) as mapped:  # the graph streams through this file: never all in rdflib
        progress("reading, verifying and mapping records")
        ctx, n_records = map_to_nquads(config, mapped)
        progress("loading the store")
        store, store_dir = load_store(config, mapped)
        progress("validating with SHACL")  # the new store is not served before the switch
        violations = shacl_violations(config, mapped, store)
    if violations:
        del store  # closed before its directory goes
        _reject(store_dir, violations, ctx.origin)
    progress("materialising closures")
    report = BuildReport(records=n_records, inferred=close(store, config.base_iri))
    progress("merging the graphs into the default graph")
    report.default_triples = merge.write_merge(store)
    add_statistics(report, store, config.base_iri)
    progress("writing dumps")
    dumps_dir = write_dumps(store, config)
    _write_report(report, dumps_dir)
    del store  # flush and close before the switch
    switch(config.store_root, store_dir)
    switch(config.dumps_path, dumps_dir)
    report.store_path = config.store_path
    report.seconds = time.monotonic() - started
    return report


# --- the stages of the build, in order ----------------------------------------------

@contextmanager
def mapped_nquads(config: ProjectConfig) -> Iterator[Path]:
    """A scratch N-Quads file beside the stores (same disk), removed on leaving."""
    config.store_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".mapped-", dir=config.store_root) as tmp:
        yield Path(tmp) / "mapped.nq"


def map_to_nquads(config: ProjectConfig, mapped: Path) -> tuple[MappingContext, int]:
    """Every record mapped and written to ``mapped``; the context keeps the origin of each node."""
    with mapped.open("w", encoding="utf-8") as out:
        return map_records(config, NQuadsSink(out))


def load_store(config: ProjectConfig, mapped: Path) -> tuple[ox.Store, Path]:
    """A new on-disk store in a new build directory, bulk-loaded from ``mapped``."""
    store_dir = _new_dir(config.store_root)
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(mapped), format=ox.RdfFormat.N_QUADS)
    return store, store_dir


def shacl_violations(config: ProjectConfig, mapped: Path, store: ox.Store) -> list[ShaclViolation]:
    """The SHACL gate over the mapped quads (``mapped`` and ``store`` hold the same)."""
    return validate_graph(mapped.read_text(encoding="utf-8"), store, config.ontology_dir / "shapes.ttl")


def _reject(store_dir: Path, violations: list[ShaclViolation], origin: dict) -> None:
    """Remove the new (closed) store and raise BuildError naming the records at fault."""
    shutil.rmtree(store_dir, ignore_errors=True)
    shown = "\n".join(v.describe(origin) for v in violations[:20])
    raise BuildError(f"{len(violations)} SHACL violation(s):\n{shown}")


def close(store: ox.Store, base_iri: str) -> dict[str, int]:
    """The closures materialised (new triples per rule), then the store compacted for reading."""
    inferred = materialise(store, base_iri)
    store.optimize()
    return inferred


def add_statistics(report: BuildReport, store: ox.Store, base_iri: str) -> None:
    """Triples per graph, instances per class and the VoID figures, into ``report``. Everything but the
    per-graph counts is read from the default graph, the merge: a triple of two graphs counts once."""
    per_graph = _counts(store, "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?key { ?s ?p ?o } } GROUP BY ?key")
    report.triples_per_graph = {graph.value: per_graph.get(graph.value, 0) for graph in store.named_graphs()}
    classes = Counter(q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None,
                                                                          ox.DefaultGraph()))
    report.instances_per_class = dict(sorted(classes.items()))
    report.void = _void_statistics(store, base_iri)


def write_dumps(store: ox.Store, config: ProjectConfig) -> Path:
    """Every dump format (and its gzip) and one N-Quads file per named graph, in a new dumps directory.
    Each is streamed to its file: no dump is held in memory."""
    dumps_dir = _new_dir(config.dumps_path)
    with ThreadPoolExecutor(max_workers=1) as gzipping:  # zlib lets go of the GIL: compress on the other core
        compressed = [gzipping.submit(_gzip_file, path) for path in _dump_files(store, dumps_dir, config)]
        _write_graph_files(store, dumps_dir / "plankg.nq", config.base_iri)
        for done in compressed:
            done.result()  # a failed write fails the build
    return dumps_dir


def _dump_files(store: ox.Store, dumps_dir: Path, config: ProjectConfig) -> Iterator[Path]:
    """Each file of DUMPS as soon as it is written: the named graphs, or the default graph (the merge)."""
    for name, fmt in DUMPS.items():
        path = dumps_dir / name
        if fmt == ox.RdfFormat.JSON_LD:  # compacted against the published context, with @type
            jsonld.write_dump(store, path, config.ontology_dir)
        elif fmt == ox.RdfFormat.N_QUADS:
            _write_stable_nquads(store, path)  # identical bytes for identical data
        elif fmt.supports_datasets:
            ox.serialize(merge.named_quads(store), output=str(path), format=fmt)
        else:
            store.dump(output=str(path), format=fmt, from_graph=ox.DefaultGraph())
        yield path


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


def _write_report(report: BuildReport, dumps_dir: Path) -> None:
    """report.json beside the dumps it lists."""
    report.dumps = {p.name: p.stat().st_size for p in sorted(dumps_dir.iterdir())}
    report.built_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    (dumps_dir / "report.json").write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")


def switch(root: Path, target: Path) -> None:
    """Point ``root/current`` at ``target`` atomically; keep the previous build for open readers."""
    link = root / "current"
    previous = link.resolve() if link.is_symlink() else None
    tmp = root / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target.name)
    os.replace(tmp, link)
    for old in (*root.glob("build-*"), *root.glob(".mapped-*")):  # .mapped-*: left by a killed build
        if old.resolve() not in (target.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)


# --- helpers ----------------------------------------------------------------------------


def _void_statistics(store: ox.Store, base_iri: str) -> dict:
    """Figures VoID publishes, over the default graph (the merge): triples per property, entities
    (resources under id/), links out."""
    properties = _counts(store, "SELECT ?key (COUNT(*) AS ?n) WHERE { ?s ?key ?o } GROUP BY ?key")
    entities = int(next(iter(store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
                                         f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base_iri}id/")) }}')))["n"].value)
    same_as = "http://www.w3.org/2004/02/skos/core#exactMatch"  # city → its Wikidata territory item
    area = "https://plankg.org/def/mplan#standardAreaCode"
    links = {"http://www.wikidata.org/entity/": properties.get(same_as, 0),
             "http://data.e-stat.go.jp/lod/sac/": properties.get(area, 0)}
    return {"properties": dict(sorted(properties.items())), "entities": entities, "links": links}


def _gzip_file(path: Path) -> None:
    """``path``.gz beside it, streamed; no name or time in the header, so equal files give equal bytes."""
    with path.open("rb") as src, path.with_name(path.name + ".gz").open("wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        shutil.copyfileobj(src, out, 1 << 20)


def _counts(store: ox.Store, query: str) -> dict[str, int]:
    """``?key`` → ``?n`` of an aggregate query."""
    return {row["key"].value: int(row["n"].value) for row in store.query(query)}


def _write_stable_nquads(store: ox.Store, path: Path) -> None:
    """The N-Quads dump, sorted, with blank nodes relabelled canonically.

    pyoxigraph gives blank nodes fresh random labels at every load, so two builds of the same records
    would differ in those labels. The quads holding blank nodes are relabelled with rdflib's canonical
    labelling (RDF graph canonicalisation); the other lines are pyoxigraph's own, streamed through a
    file. ``LC_ALL=C sort`` orders the bytes as Python would, in bounded memory (spilling to disk).
    """
    unsorted, kept = path.with_name(path.name + ".unsorted"), path.with_name(path.name + ".kept")
    ox.serialize(merge.named_quads(store), output=str(unsorted), format=ox.RdfFormat.N_QUADS)
    with unsorted.open("rb") as lines, kept.open("wb") as out:
        out.writelines(line for line in lines if not _holds_blank_node(line))
        out.writelines(_canonical_blank_quads(store))
    unsorted.unlink()
    subprocess.run(["sort", "-S", "256M", "-T", str(path.parent), "-o", str(path), str(kept)],
                   env={**os.environ, "LC_ALL": "C"}, check=True)
    kept.unlink()


def _holds_blank_node(line: bytes) -> bool:
    return b"_:" in line and any(isinstance(t, ox.BlankNode) for q in ox.parse(line, format=ox.RdfFormat.N_QUADS)
                                 for t in (q.subject, q.object))


def _canonical_blank_quads(store: ox.Store) -> Iterator[bytes]:
    """The quads holding blank nodes as N-Quads lines, labelled canonically: every term other than a
    blank node is carried as its exact N-Triples text, the graph name rides with the predicate, so
    nothing else is rewritten."""
    from rdflib import BNode, Literal
    from rdflib.compare import to_canonical_graph

    blank = Graph()
    # (graph names are never blank here: every graph is {base}graph/…; the default graph, the merge, is
    # no part of the dump); the scan runs in the store
    for subject, predicate, obj, graph_name in store.query(
            "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) }"):
        graph = f" {graph_name}"
        blank.add(tuple(BNode(t.value) if isinstance(t, ox.BlankNode) else Literal(text)
                        for t, text in ((subject, str(subject)), (None, f"{predicate}{graph}"),
                                        (obj, str(obj)))))
    for s, pg, o in to_canonical_graph(blank):
        predicate, _, graph = str(pg).partition(" ")
        term = lambda t: f"_:{t}" if isinstance(t, BNode) else str(t)  # noqa: E731
        yield f"{term(s)} {predicate} {term(o)}{' ' + graph if graph else ''} .\n".encode("utf-8")


def _new_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    path.mkdir()
    return path
