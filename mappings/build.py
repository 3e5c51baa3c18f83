"""The build: records → RDF (streamed out as N-Quads) → a new on-disk pyoxigraph store → SHACL gate
→ closures and dumps.

Nothing is replaced unless every step passes: the store and the dumps are
written into new directories and switched in with an atomic rename of a
symlink, so a failed or killed build leaves the served store as it was.

    >>> report = build(BuildConfig.at(Path(".")))          # doctest: +SKIP
    >>> report.triples_per_graph["https://plankg.org/graph/reference"]  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from .candidates import map_candidates
from .context import MappingContext, NQuadsSink
from .documents import map_cities, map_documents
from .events import map_events
from .indicators import map_indicators
from .inference import materialise
from .linkage import map_links
from .organizations import map_organizations
from .plans import map_plans
from .policy_areas import map_policy_areas
from .records import RecordError, load_records
from .sources import load_catalog
from .statistics import map_statistics
from .validate import ShaclViolation, validate_graph
from .verify import check_all

DEFAULT_BASE = "https://plankg.org/"

# Dump file name → pyoxigraph format; Turtle and N-Triples hold the union of the graphs.
DUMPS = {
    "plankg.nq": ox.RdfFormat.N_QUADS,
    "plankg.trig": ox.RdfFormat.TRIG,
    "plankg.ttl": ox.RdfFormat.TURTLE,
    "plankg.jsonld": ox.RdfFormat.JSON_LD,
}


class BuildError(RuntimeError):
    """The build stopped; the message names the record, focus node or shape at fault."""


@dataclass(frozen=True)
class BuildConfig:
    data_dir: Path
    sources_dir: Path
    ontology_dir: Path
    store_root: Path      # holds build-* directories and the `current` symlink
    dumps_root: Path      # likewise for dumps
    base_iri: str = DEFAULT_BASE

    @classmethod
    def at(cls, root: Path, base_iri: str = DEFAULT_BASE, var: Path | None = None) -> BuildConfig:
        var = var or root / "var"
        return cls(root / "data", root / "sources", root / "ontology", var / "store", var / "dumps", base_iri)

    @property
    def store_path(self) -> Path:
        return self.store_root / "current"

    @property
    def dumps_path(self) -> Path:
        return self.dumps_root / "current"


@dataclass
class BuildReport:
    triples_per_graph: dict[str, int] = field(default_factory=dict)
    instances_per_class: dict[str, int] = field(default_factory=dict)
    records: int = 0
    seconds: float = 0.0
    store_path: Path | None = None
    dumps: dict[str, int] = field(default_factory=dict)
    inferred: dict[str, int] = field(default_factory=dict)  # new triples per inference rule
    void: dict = field(default_factory=dict)                 # VoID statistics (kgservice.catalog)

    built_at: str = ""

    @property
    def triples(self) -> int:
        return sum(self.triples_per_graph.values())

    def as_json(self) -> dict:
        return {"built_at": self.built_at, "records": self.records, "triples": self.triples,
                "triples_per_graph": self.triples_per_graph, "instances_per_class": self.instances_per_class,
                "inferred": self.inferred, "void": self.void, "dumps": self.dumps}


Progress = Callable[[str], None]


def map_records(config: BuildConfig, sink: NQuadsSink | None = None) -> tuple[MappingContext, int]:
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


def validate(config: BuildConfig, ctx: MappingContext | None = None) -> list[ShaclViolation]:
    """SHACL violations of the mapped graph (empty when it conforms)."""
    if ctx is None:
        ctx, _ = map_records(config)
    nquads = ctx.dataset.serialize(format="nquads")
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return validate_graph(nquads, store, config.ontology_dir / "shapes.ttl")


def build(config: BuildConfig, progress: Progress = lambda _: None) -> BuildReport:
    """The whole build; on any failure nothing served is touched."""
    started = time.monotonic()
    config.store_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".mapped-", dir=config.store_root) as tmp:
        mapped = Path(tmp) / "mapped.nq"  # the graph streams through this file: never all in rdflib
        progress("reading, verifying and mapping records")
        with mapped.open("w", encoding="utf-8", errors="replace") as out:
            ctx, n_records = map_records(config, NQuadsSink(out))
        progress("loading the store")
        store_dir = _new_dir(config.store_root)
        store = ox.Store(str(store_dir))
        store.bulk_load(path=str(mapped), format=ox.RdfFormat.N_QUADS)
        progress("validating with SHACL")  # the new store is not served before the switch
        violations = validate_graph(mapped.read_text(encoding="utf-8"), store, config.ontology_dir / "shapes.ttl")
    if violations:
        del store
        shutil.rmtree(store_dir, ignore_errors=True)
        shown = "\n".join(v.describe(ctx.origin) for v in violations[:20])
        raise BuildError(f"{len(violations)} SHACL violation(s):\n{shown}")
    progress("materialising closures")
    report = BuildReport(records=n_records, inferred=materialise(store, config.base_iri))
    store.optimize()
    per_graph = _counts(store, "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?key { ?s ?p ?o } } GROUP BY ?key")
    report.triples_per_graph = {graph.value: per_graph.get(graph.value, 0) for graph in store.named_graphs()}
    classes = Counter(q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None))
    report.instances_per_class = dict(sorted(classes.items()))
    report.void = _void_statistics(store, config.base_iri)
    progress("writing dumps")
    dumps_dir = _new_dir(config.dumps_root)
    with ThreadPoolExecutor(max_workers=1) as gzipping:  # zlib lets go of the GIL: compress on the other core
        compressed = []
        for name, fmt in DUMPS.items():
            data = store.dump(format=fmt) if fmt.supports_datasets else _union_dump(store, fmt)
            if name.endswith(".nq"):
                data = _stable_nquads(store, data)  # identical bytes for identical data
            (dumps_dir / name).write_bytes(data)
            compressed.append(gzipping.submit(_write_gzip, dumps_dir / f"{name}.gz", data))
        for done in compressed:
            done.result()  # a failed write fails the build
    per_graph: dict[bytes, list[bytes]] = {}  # " <graph> .\n" → its lines, in one pass over the sorted dump
    for line in (dumps_dir / "plankg.nq").read_bytes().splitlines(keepends=True):
        per_graph.setdefault(line[line.rindex(b" <"):], []).append(line)
    for graph in store.named_graphs():  # one N-Quads file per named graph, for per-dataset distributions
        name = "graph-" + graph.value.removeprefix(config.base_iri + "graph/").replace("/", "-") + ".nq"
        (dumps_dir / name).write_bytes(b"".join(per_graph.get(f" {graph} .\n".encode(), [])))
    report.dumps = {p.name: p.stat().st_size for p in sorted(dumps_dir.iterdir())}
    report.built_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    (dumps_dir / "report.json").write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    del store  # flush and close before the switch
    _switch(config.store_root, store_dir)
    _switch(config.dumps_root, dumps_dir)
    report.store_path = config.store_path
    report.seconds = time.monotonic() - started
    return report


def _void_statistics(store: ox.Store, base_iri: str) -> dict:
    """Figures VoID publishes: triples per property, entities (resources under id/), links out."""
    properties = _counts(store, "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?key ?o } } GROUP BY ?key")
    entities = int(next(iter(store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                         f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base_iri}id/")) }}')))["n"].value)
    same_as = "http://www.w3.org/2002/07/owl#sameAs"
    area = "https://plankg.org/def/mplan#standardAreaCode"
    links = {"http://www.wikidata.org/entity/": properties.get(same_as, 0),
             "http://data.e-stat.go.jp/lod/sac/": properties.get(area, 0)}
    return {"properties": dict(sorted(properties.items())), "entities": entities, "links": links}


def _write_gzip(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data, mtime=0))


def _counts(store: ox.Store, query: str) -> dict[str, int]:
    """``?key`` → ``?n`` of an aggregate query over the named graphs (every quad is in one)."""
    return {row["key"].value: int(row["n"].value) for row in store.query(query)}


def _stable_nquads(store: ox.Store, data: bytes) -> bytes:
    """The N-Quads dump, sorted, with blank nodes relabelled canonically.

    pyoxigraph gives blank nodes fresh random labels at every load, so two builds of the same records
    would differ in those labels. The quads holding blank nodes are relabelled with rdflib's canonical
    labelling (RDF graph canonicalisation): every term other than a blank node is carried as its exact
    N-Triples text, the graph name rides with the predicate, so nothing else is rewritten.
    """
    from rdflib import BNode, Literal
    from rdflib.compare import to_canonical_graph

    kept = []
    for line in data.splitlines(keepends=True):
        if b"_:" in line and any(isinstance(t, ox.BlankNode) for q in ox.parse(line, format=ox.RdfFormat.N_QUADS)
                                 for t in (q.subject, q.object)):
            continue  # re-written below
        kept.append(line)
    blank = Graph()
    # (graph names are never blank here: every graph is {base}graph/…); the scan runs in the store
    for subject, predicate, obj, graph_name in store.query(
            "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER(isBlank(?s) || isBlank(?o)) }"):
        graph = "" if graph_name is None else f" {graph_name}"
        blank.add(tuple(BNode(t.value) if isinstance(t, ox.BlankNode) else Literal(text)
                        for t, text in ((subject, str(subject)), (None, f"{predicate}{graph}"),
                                        (obj, str(obj)))))
    for s, pg, o in to_canonical_graph(blank):
        predicate, _, graph = str(pg).partition(" ")
        term = lambda t: f"_:{t}" if isinstance(t, BNode) else str(t)  # noqa: E731
        kept.append(f"{term(s)} {predicate} {term(o)}{' ' + graph if graph else ''} .\n".encode("utf-8"))
    return b"".join(sorted(kept))


def _union_dump(store: ox.Store, fmt: ox.RdfFormat) -> bytes:
    """A triple format of the union of all graphs (duplicates across graphs folded)."""
    union = ox.Store()
    union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
    return union.dump(format=fmt, from_graph=ox.DefaultGraph())


def _new_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    path.mkdir()
    return path


def _switch(root: Path, target: Path) -> None:
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
