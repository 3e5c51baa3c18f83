"""The incremental build: when only documents changed, the served store is reused, not rebuilt.

A checkpoint of the current store (``Store.backup``: RocksDB hard links, so it takes no copy) becomes
the new build. Each changed document is mapped again alone, in its place in the unit order, against the
manifest (mappings.build.manifest): what an earlier unit defined or labelled answers as it did in the
whole build, so the document yields the quads a full build would give it. If the change reaches another
unit — a key another unit defines, reads or labels appears or goes, a shared node it describes first or
a first label reads differently, or its plans, elements' parents or organisation ids change — the
incremental build stops and the caller builds in full. Otherwise its graph and its contributions to the
shared graphs are replaced by delta (the merge in the default graph kept), the closures are run again for
the nodes the change can reach (inference.rematerialise), the changed nodes and every node that reads them
are validated with SHACL on a part of the graph (validate.validate_part), the statistics are adjusted by the
same delta, and the checkpoint is switched in. Anything shared changed (reference or linkage records, the
catalog beyond checksums, ontology, shapes, the mapping code) means a full build.
"""

from __future__ import annotations
import io
import shutil
import sqlite3
from pathlib import Path
import pyoxigraph as ox
from mappings.build import merge, statistics
from mappings.build.inference import RULES, rematerialise
from mappings.build.manifest import Manifest, input_hashes, manifest_path, structure
from mappings.build.units import Tracker, map_document, note_references, split_by_document, track
from mappings.build.validate import inverse_steps, reaching, validate_part
from mappings.config import ProjectConfig
from mappings.mapping.context import MappingContext
from mappings.mapping.nquads import NQuadsSink
from mappings.records.files import RecordSet, load_records
from mappings.records.schema import RecordError
from mappings.records.sources import load_catalog
from mappings.records.verify import check_all



class FullBuildNeeded(Exception):
    """Why the incremental build cannot give what a full build gives (the message says what changed)."""


def changed_documents(config: ProjectConfig) -> tuple[Path, list[str], dict[str, str]]:
    """(the current build's directory, the documents whose inputs changed, every document's input hash);
    FullBuildNeeded otherwise."""
    link = config.store_path
    if not link.is_symlink():
        raise FullBuildNeeded("no current store")
    current = link.resolve()
    if not manifest_path(current).is_file():
        raise FullBuildNeeded("the current store has no build manifest")
    shared, hashes = input_hashes(config)
    old = Manifest(manifest_path(current))
    try:
        if old.meta("shared") != shared:
            raise FullBuildNeeded("shared inputs changed (reference or linkage records, catalog, ontology, "
                                  "shapes or the mapping code)")
        known = old.hashes()
        if set(hashes) != set(old.units[1:-1]):  # the units between reference and linkage
            raise FullBuildNeeded("documents were added or removed")
        return current, [d for d in sorted(hashes) if hashes[d] != known[d]], hashes
    finally:
        old.close()


def update(config: ProjectConfig, current: Path, changed: list[str], hashes: dict[str, str], new_dir: Path,
           progress) -> dict:
    """Apply ``changed`` to a checkpoint of ``current`` at ``new_dir``; returns the new report's figures.
    Raises FullBuildNeeded (the checkpoint is removed) or a RecordError/ShaclError for bad input."""
    progress("checkpointing the store")
    source = ox.Store.read_only(str(current))
    source.backup(str(new_dir))
    del source
    with sqlite3.connect(manifest_path(current)) as old_db, sqlite3.connect(manifest_path(new_dir)) as new_db:
        old_db.backup(new_db)
    manifest = Manifest(manifest_path(new_dir))
    store = ox.Store(str(new_dir))
    delta = merge.MergedDelta(store)
    progress("re-mapping the changed documents")
    catalog = load_catalog(config.sources_dir)
    records = load_records(config.data_dir, changed)
    _verify(config, records, catalog, set(changed))
    mapped_subjects: set = set()
    by_document = split_by_document(records)
    record_change = 0
    for document in changed:
        recs = by_document.get(document) or RecordSet(units=records.units, breakdowns=records.breakdowns)
        record_change += len(recs.records) - manifest.structure(manifest.index[document])[1]
        mapped_subjects |= _replace_document(config, store, manifest, delta, catalog, records, document, recs,
                                             hashes[document])
    progress("updating the closures")
    rematerialise(store, config.base_iri, mapped_subjects, delta)
    progress("validating the changed documents with SHACL")
    skip = frozenset(ox.NamedNode(f"{config.base_iri}graph/inferred/{r.name}") for r in RULES)
    shapes = config.ontology_dir / "shapes.ttl"
    focus = {n for n in reaching(store, mapped_subjects, inverse_steps(shapes), skip) if not isinstance(n, ox.Literal)}
    violations = validate_part(store, focus, shapes,
                               ox.NamedNode(f"{config.base_iri}graph/ontology"), skip)
    report = statistics.read_report(current)
    figures = statistics.adjust(report, delta, store, config.base_iri, record_change)
    manifest.close()
    store.flush()
    del store
    return {"violations": violations, "figures": figures}


def _verify(config: ProjectConfig, records: RecordSet, catalog: dict, changed: set[str]) -> None:
    """The source-line check of the changed documents' records and of every link that cites one."""
    records.links = [r for r in records.links
                     if {r.record.subject.document, r.record.object.document} & changed]
    misses = check_all(config.data_dir, config.sources_dir, records, catalog)
    if misses:
        shown = "\n".join(str(m) for m in misses[:20])
        raise RecordError(f"{len(misses)} value(s) are not at their cited source lines:\n{shown}")


def _replace_document(config, store, manifest: Manifest, delta: merge.MergedDelta, catalog, records: RecordSet,
                      document: str, recs: RecordSet, document_hash: str) -> set:
    """Map ``document`` again; apply its new quads by delta; the subjects whose triples changed."""
    unit = manifest.index[document]
    manifest.mapping = unit
    tracker = Tracker(manifest.units, config.base_iri, prior=manifest, records=recs)
    out = io.StringIO()
    ctx = MappingContext(config.base_iri, catalog, NQuadsSink(out))
    ctx.plan_ids, ctx.org_ids = manifest.ids("plans"), manifest.ids("organizations")
    ctx.units, ctx.breakdowns = records.units, records.breakdowns
    track(ctx, tracker)
    map_document(ctx, tracker, document, recs)
    note_references(ctx, tracker)
    ctx.check_references()  # against what this document and every other unit defines
    own_term = tracker.own_graph(unit)
    graph = ox.NamedNode(f"{config.base_iri}graph/{document}")
    new_all = _parse(out.getvalue())
    others_into = _parse("".join(manifest.contributions_into(own_term, unit)))
    old_own = set(store.quads_for_pattern(None, None, None, graph))
    new_own = {q for q in new_all if q.graph_name == graph} | others_into
    old_lines = _parse_lines(line for _, line in manifest.contributions(unit))
    old_contrib = set(old_lines)
    new_contrib = {q for q in new_all if q.graph_name != graph}
    _check_interface(manifest, tracker, unit, recs, old_own - others_into | old_contrib, new_all)
    removed = old_own - new_own
    gone = {q for q in old_contrib - new_contrib
            if not manifest.contributed_by_others(old_lines[q], unit)}
    delta.remove(removed | gone)
    delta.add((new_own - old_own) | (new_contrib - old_contrib))
    manifest.replace_unit(unit, tracker, document_hash)
    manifest.mapping = None
    return {q.subject for q in removed | gone | (new_own - old_own) | (new_contrib - old_contrib)}


def _check_interface(manifest: Manifest, tracker: Tracker, unit: int, recs: RecordSet,
                     old_quads: set, new_quads: set) -> None:
    """FullBuildNeeded if the document's change reaches another unit."""
    name = manifest.units[unit]
    if structure(recs) != manifest.structure(unit)[0]:
        raise FullBuildNeeded(f"{name}: its plans, organisations or elements' parents changed")
    old_keys, new_keys = manifest.keys_of(unit), set(tracker.defs.by_key)
    moved = manifest.used_by_others(old_keys ^ new_keys, unit)
    if moved:
        raise FullBuildNeeded(f"{name}: it now defines or labels differently what other units use: "
                              f"{', '.join(sorted(moved)[:5])}")
    for key in manifest.used_by_others(old_keys & new_keys, unit):
        if key.startswith("l"):
            first = manifest.winner(key)
            if first and first[0] == unit and tracker.winners.get(key, (unit, first[1]))[1] != first[1]:
                raise FullBuildNeeded(f"{name}: the first label of {key[1:]} changed, which others read")
        elif manifest.first_definer(key) == unit:
            iri = key[1:]
            if _mentioning(old_quads, iri) != _mentioning(new_quads, iri):
                raise FullBuildNeeded(f"{name}: it describes <{iri}> first, for other units too, differently now")


def _mentioning(quads: set, iri: str) -> set:
    def hit(term) -> bool:
        return isinstance(term, ox.NamedNode) and (term.value == iri or term.value.startswith(iri + "#"))
    return {q for q in quads if hit(q.subject) or hit(q.object)}


def _parse(text: str) -> set[ox.Quad]:
    return set(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) if text else set()


def _parse_lines(lines) -> dict[ox.Quad, str]:
    """Each N-Quads line's quad → the line as the mapping wrote it (how the manifest knows it)."""
    return {q: line for line in lines for q in ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}


def discard(new_dir: Path) -> None:
    """Remove a checkpoint that will not be switched in, with its manifest."""
    shutil.rmtree(new_dir, ignore_errors=True)
    manifest_path(new_dir).unlink(missing_ok=True)
