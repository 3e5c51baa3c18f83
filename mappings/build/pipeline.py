"""The build: records → RDF (streamed out as N-Quads) → a new on-disk pyoxigraph store → SHACL gate
→ closures → the default graph as the merge of the named graphs (mappings.build.merge) → dumps.

Nothing is replaced unless every step passes: the store and the dumps are
written into new directories and switched in with an atomic rename of a
symlink, so a failed or killed build leaves the served store as it was.

    >>> report = build(ProjectConfig.at(Path(".")))          # doctest: +SKIP
    >>> report.triples_per_graph["https://plankg.org/graph/reference"]  # doctest: +SKIP
"""

from __future__ import annotations
import itertools
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
import pyoxigraph as ox
from rdflib import Graph
from mappings.build import merge
from mappings.build.dumps import write_dumps
from mappings.build.incremental import FullBuildNeeded, changed_documents, discard, update as incremental_update
from mappings.build.manifest import input_hashes, manifest_path, write as write_manifest
from mappings.build.statistics import add_statistics, read_report, report_path
from mappings.config import ProjectConfig
from mappings.mapping.context import MappingContext
from mappings.mapping.nquads import NQuadsSink
from mappings.build.inference import materialise, written_graphs
from mappings.build.units import Tracker, map_all, split_by_document, track, unit_order
from mappings.records.schema import RecordError
from mappings.records.files import load_records
from mappings.records.sources import load_catalog
from mappings.build.validate import ShaclViolation, validate_graph, validate_parts
from mappings.records.verify import check_all

PART_BYTES = 400 << 20  # mapped N-Quads past this size are validated in parts (pyshacl-turbo copies its input)
PART_QUADS = 2_000_000  # quads of named graphs per part
PART_FOCUS = 20_000  # focus nodes per part at most: each brings its 3-hop neighbourhood
_BUILDS = itertools.count()


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
    mode: str = "full"  # or "incremental" (mappings.build.incremental)
    switched_seconds: float = 0.0  # until the new store was switched in (the dumps come after)
    triples: int = 0  # in report.json only: the property below counts them

    def __post_init__(self) -> None:
        self.triples = sum(self.triples_per_graph.values())

    def as_json(self) -> dict:
        self.triples = sum(self.triples_per_graph.values())  # summed over the named graphs: see default_triples
        return {"built_at": self.built_at, "mode": self.mode, "records": self.records, "triples": self.triples,
                "default_triples": self.default_triples,
                "triples_per_graph": self.triples_per_graph, "instances_per_class": self.instances_per_class,
                "inferred": self.inferred, "void": self.void, "dumps": self.dumps}


Progress = Callable[[str], None]


def map_records(config: ProjectConfig, sink: NQuadsSink | None = None,
                tracker: Tracker | None = None) -> tuple[MappingContext, int]:
    """Read, verify and map every record (into an rdflib Dataset, or written to ``sink``), unit by unit
    (mappings.build.units; ``tracker`` records what each unit read of the others); raises BuildError
    naming what is wrong."""
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
    tracker = tracker or Tracker([], config.base_iri)
    tracker.set_units(unit_order(list(catalog)))
    dataset = ctx.dataset
    track(ctx, tracker)
    try:
        map_all(ctx, tracker, records, split_by_document(records), config.data_dir / "linkage",
                lambda c: load_ontology(c, config.ontology_dir))
    except (RecordError, ValueError) as exc:
        raise BuildError(str(exc)) from exc
    finally:
        ctx.dataset = dataset  # the mapped graph, as callers read it
    tracker.records = records
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


def build(config: ProjectConfig, progress: Progress = lambda _: None, incremental: bool = True) -> BuildReport:
    """The build; on any failure nothing served is touched. When only documents changed since the current
    store was built, and the change reaches no other document, the store is updated incrementally
    (mappings.build.incremental; ``incremental=False`` forbids it); otherwise everything is built again.
    The store is switched in first, the dumps are written from it after (a build killed between leaves
    the previous dumps served; the next build writes them)."""
    started = time.monotonic()
    try:
        current, changed, hashes = changed_documents(config) if incremental else (None, [], {})
        if incremental and not changed:
            progress("nothing changed since the current store was built")
            return _finish(config, None, BuildReport(**read_report(current)), started, progress)
    except FullBuildNeeded as why:
        current = None
        progress(f"a full build: {why}")
    if current is not None:
        store_dir = _new_dir(config.store_root, create=False)
        try:
            found = incremental_update(config, current, changed, hashes, store_dir, progress)
        except FullBuildNeeded as why:
            discard(store_dir)
            progress(f"a full build: {why}")
        except (RecordError, ValueError) as exc:
            discard(store_dir)
            raise BuildError(f"{', '.join(changed)}: {exc}") from exc
        else:
            if found["violations"]:
                discard(store_dir)
                shown = "\n".join(str(v) for v in found["violations"][:20])
                raise BuildError(f"{len(found['violations'])} SHACL violation(s):\n{shown}")
            report = BuildReport(**found["figures"], mode="incremental")
            return _finish(config, store_dir, report, started, progress)
    store_dir, report = _full(config, progress)
    return _finish(config, store_dir, report, started, progress)


def _full(config: ProjectConfig, progress: Progress) -> tuple[Path, BuildReport]:
    """Everything built again into a new store directory, with its manifest."""
    shared, hashes = input_hashes(config)  # before reading: a change made during the build shows next time
    with mapped_nquads(config) as mapped:  # the graph streams through this file: never all in rdflib
        progress("reading, verifying and mapping records")
        tracker = Tracker([], config.base_iri)
        ctx, n_records = map_to_nquads(config, mapped, tracker)
        origin, manifest = ctx.origin, mapped.with_name("manifest.sqlite")
        covered = ctx.dataset.merged_graphs()
        write_manifest(manifest, tracker, shared, hashes)
        del ctx, tracker  # what mapping held, gone before the store and SHACL take their memory
        progress("loading the store")
        store, store_dir = load_store(config, mapped)
        progress("validating with SHACL")  # the new store is not served before the switch
        violations = shacl_violations(config, mapped, store, store_dir)
        os.replace(manifest, manifest_path(store_dir))
        if violations:
            del store  # closed before its directory goes
            manifest_path(store_dir).unlink()
            _reject(store_dir, violations, origin)
        progress("materialising closures")
        report = BuildReport(records=n_records, inferred=close(store, config.base_iri, mapped.parent, progress))
        progress("merging the graphs into the default graph")
        report.default_triples = write_merge(store, config, mapped, covered)
    progress("counting the build's figures")
    add_statistics(report, store, config.base_iri)
    store.flush()
    return store_dir, report


def _finish(config: ProjectConfig, store_dir: Path | None, report: BuildReport, started: float,
            progress: Progress) -> BuildReport:
    """Switch ``store_dir`` in (None: the current store stays), then write its dumps if they are not."""
    report.built_at = report.built_at if store_dir is None else datetime.now(timezone.utc).replace(
        microsecond=0).isoformat()
    if store_dir is not None:
        report_path(store_dir).write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        progress("switching the store in")
        switch(config.store_root, store_dir)
    report.store_path = config.store_path
    report.switched_seconds = time.monotonic() - started
    served = config.dumps_current / "report.json"
    if store_dir is not None or not served.is_file() or json.loads(served.read_text())["built_at"] != report.built_at:
        progress("writing dumps")
        dumps_dir = _new_dir(config.dumps_path)
        store = ox.Store.read_only(str(config.store_path.resolve()))
        write_dumps(store, dumps_dir, config.ontology_dir, config.base_iri)
        del store
        _write_report(report, dumps_dir)
        switch(config.dumps_path, dumps_dir)
    report.seconds = time.monotonic() - started
    return report


# --- the stages of the build, in order ----------------------------------------------

@contextmanager
def mapped_nquads(config: ProjectConfig) -> Iterator[Path]:
    """A scratch N-Quads file beside the stores (same disk), removed on leaving."""
    config.store_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".mapped-", dir=config.store_root) as tmp:
        yield Path(tmp) / "mapped.nq"


MERGED_ROWS = "merged.nt"  # beside the mapped N-Quads: the sink's N-Triples rows of the merge


def map_to_nquads(config: ProjectConfig, mapped: Path, tracker: Tracker | None = None) -> tuple[MappingContext, int]:
    """Every record mapped and written to ``mapped``, and the merge's rows beside it (``write_merge``); the
    context keeps the origin of each node, and its dataset (the sink) the graphs those rows hold."""
    with mapped.open("w", encoding="utf-8") as out, mapped.with_name(MERGED_ROWS).open("w", encoding="utf-8") as merged:
        return map_records(config, NQuadsSink(out, merged), tracker)


def write_merge(store: ox.Store, config: ProjectConfig, mapped: Path, sink_graphs: frozenset[str]) -> int:
    """The merge into the default graph, after the closures: from the rows the sink wrote beside ``mapped``
    for ``sink_graphs`` (its ``merged_graphs``), less the graphs materialise has written into since."""
    covered = sink_graphs - written_graphs(config.base_iri)
    return merge.write_merge(store, mapped.parent, mapped.with_name(MERGED_ROWS), covered)


def load_store(config: ProjectConfig, mapped: Path) -> tuple[ox.Store, Path]:
    """A new on-disk store in a new build directory, bulk-loaded from ``mapped``."""
    store_dir = _new_dir(config.store_root)
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(mapped), format=ox.RdfFormat.N_QUADS)
    return store, store_dir


def shacl_violations(config: ProjectConfig, mapped: Path, store: ox.Store, store_dir: Path) -> list[ShaclViolation]:
    """The SHACL gate over the mapped quads (``mapped`` and ``store``, at ``store_dir``, hold the same): the
    whole graph at once, or, past PART_BYTES, in parts of at most PART_FOCUS focus nodes or PART_QUADS quads
    (validate.validate_part: each part's nodes get the verdict of the whole graph), validated in as many
    processes as there are CPUs, so that memory stays bounded and every core works."""
    shapes = config.ontology_dir / "shapes.ttl"
    if mapped.stat().st_size < PART_BYTES:
        return validate_graph(mapped.read_text(encoding="utf-8"), store, shapes)
    ontology = ox.NamedNode(f"{config.base_iri}graph/ontology")
    # The ontology's blank nodes cannot be named as SHACL focus nodes, so a part holding them validates
    # every node it holds: the ontology is a part of its own (its neighbourhood is itself).
    parts: list[set] = [{q.subject for q in store.quads_for_pattern(None, None, None, ontology)}]
    focus: set = set()
    size = 0
    graphs = [g for g in graph_subjects(store) if g[0] != ontology]
    for i, (graph, subjects, quads) in enumerate(graphs):
        for subject in subjects:
            focus.add(subject)
            if len(focus) >= PART_FOCUS:  # a graph naming nodes of every document (linkage) is cut too
                parts.append(focus)
                focus, size = set(), 0
        size += quads
        if focus and (size >= PART_QUADS or i == len(graphs) - 1):
            parts.append(focus)
            focus, size = set(), 0
    store.flush()  # the workers read what is on disk
    found = set(validate_parts(store_dir, parts, shapes, ontology, os.cpu_count() or 1))
    return sorted(found, key=lambda v: (v.focus, v.shape, v.path))


def graph_subjects(store: ox.Store) -> list[tuple[ox.NamedNode, list, int]]:
    """Each named graph (in IRI order), the subjects it is to validate, and its number of quads. A subject
    stated in several graphs is validated once (its part reads all its graphs), with the graph that gives
    its rdf:type, else the first: a document's element that the linkage graph also describes goes with
    its document, and the linkage graph's part holds the link nodes alone."""
    graphs = sorted(store.named_graphs(), key=str)
    distinct = "SELECT DISTINCT ?s WHERE {{ GRAPH {g} {{ ?s {p} ?o }} }}"
    typed: dict = {}
    for graph in graphs:
        for row in store.query(distinct.format(g=graph, p="a")):
            typed.setdefault(row[0], graph)
    taken: set = set()
    out = []
    for graph in graphs:
        subjects = []
        for row in store.query(distinct.format(g=graph, p="?p")):
            s = row[0]
            if typed.get(s, graph) == graph and s not in taken:
                taken.add(s)
                subjects.append(s)
        count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        out.append((graph, subjects, int(next(iter(count))[0].value)))
    return out


def _reject(store_dir: Path, violations: list[ShaclViolation], origin: dict) -> None:
    """Remove the new (closed) store and raise BuildError naming the records at fault."""
    shutil.rmtree(store_dir, ignore_errors=True)
    shown = "\n".join(v.describe(origin) for v in violations[:20])
    raise BuildError(f"{len(violations)} SHACL violation(s):\n{shown}")


def close(store: ox.Store, base_iri: str, scratch: Path | None = None,
          progress: Progress = lambda _: None) -> dict[str, int]:
    """The closures materialised (new triples per rule), then the store compacted for reading."""
    inferred = materialise(store, base_iri, scratch, progress)
    progress("materialising closures: compacting the store")
    store.optimize()
    return inferred


def _write_report(report: BuildReport, dumps_dir: Path) -> None:
    """report.json beside the dumps it lists."""
    report.dumps = {p.name: p.stat().st_size for p in sorted(dumps_dir.iterdir())}
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
    keep = {target.resolve().name, previous.name if previous else None}
    for old in (*root.glob("build-*"), *root.glob(".mapped-*")):  # .mapped-*: left by a killed build
        if old.resolve().name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for beside in (*root.glob("manifest-build-*.sqlite"), *root.glob("report-build-*.json")):
        if beside.name.split("-", 1)[1].rsplit(".", 1)[0] not in keep:  # a store's manifest and report go with it
            beside.unlink(missing_ok=True)


# --- helpers ----------------------------------------------------------------------------


def _new_dir(root: Path, create: bool = True) -> Path:
    """A new build-* directory (``create=False``: only its name, for Store.backup to make)."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{next(_BUILDS)}"
    if create:
        path.mkdir()
    return path
