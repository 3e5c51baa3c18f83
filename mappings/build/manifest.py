"""The build manifest: what a store was built from, and what each unit of it read of the others.

One SQLite file beside each store directory (``manifest-<build>.sqlite``): the hash of each document's
inputs (its record files, its catalog entry, its source) and of everything shared (reference and
linkage records, the catalog without checksums, the ontology and shapes, the mapping code itself); and
the tracker's record (mappings.build.units): definitions, cross-unit reads, first labels, the quads each
unit wrote outside its own graph, and the plan and organisation ids every document defines.
"""

from __future__ import annotations
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Iterable
from rdflib import Literal
from rdflib.util import from_n3
from mappings.config import ProjectConfig
from mappings.build.units import Prior, Tracker, split_by_document
from mappings.records.files import SIDE_FILES, RecordSet, load_yaml, strip_lines

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE units (idx INTEGER PRIMARY KEY, name TEXT UNIQUE, hash TEXT, structure TEXT, records INTEGER);
CREATE TABLE defs (key TEXT, unit INTEGER);
CREATE TABLE reads (key TEXT, unit INTEGER);
CREATE TABLE labels (key TEXT PRIMARY KEY, unit INTEGER, literal TEXT);
CREATE TABLE contrib (unit INTEGER, graph TEXT, line TEXT);
CREATE TABLE ids (kind TEXT, id TEXT, unit INTEGER);
"""
INDEXES = """
CREATE INDEX defs_key ON defs (key, unit);
CREATE INDEX defs_unit ON defs (unit);
CREATE INDEX reads_key ON reads (key, unit);
CREATE INDEX reads_unit ON reads (unit);
CREATE INDEX contrib_unit ON contrib (unit);
CREATE INDEX contrib_line ON contrib (line, unit);
CREATE INDEX contrib_graph ON contrib (graph, unit);
"""
# the code that decides the graph: a change to it is a change of everything (the extractor and the
# suggester, also in mappings/, write records, which are hashed as records)
CODE_DIR = Path(__file__).resolve().parents[1]
CODE = ("build", "mapping", "records", "config.py", "vocabulary.py")


def manifest_path(store_dir: Path) -> Path:
    return store_dir.with_name(f"manifest-{store_dir.name}.sqlite")


def _digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _files(folder: Path, pattern: str = "*") -> Iterable[bytes]:
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        yield str(path.relative_to(folder)).encode()
        yield path.read_bytes()


def input_hashes(config: ProjectConfig) -> tuple[str, dict[str, str]]:
    """(the shared inputs' hash, document id → its inputs' hash)."""
    entries = {e["id"]: e for e in strip_lines(load_yaml(config.sources_dir / "catalog.yaml") or [])}
    shared = [json.dumps({k: {f: v for f, v in e.items() if f != "sha256"} for k, e in entries.items()},
                         sort_keys=True, ensure_ascii=False).encode(), config.base_iri.encode()]
    for folder in (config.data_dir / "reference", config.data_dir / "linkage", config.ontology_dir):
        shared.extend(_files(folder))
    for part in CODE:
        shared.extend(_files(CODE_DIR / part, "*.py") if (CODE_DIR / part).is_dir() else
                      [part.encode(), (CODE_DIR / part).read_bytes()])
    documents = {}
    for doc, entry in entries.items():
        folder = config.data_dir / doc
        records = [p for p in sorted(folder.glob("*.yaml")) if p.stem not in SIDE_FILES] if folder.is_dir() else []
        source = config.sources_dir / entry["file"]
        documents[doc] = _digest([json.dumps(entry, sort_keys=True, ensure_ascii=False).encode(),
                                  source.read_bytes() if source.is_file() else b"",
                                  *(part for p in records for part in (p.name.encode(), p.read_bytes()))])
    return _digest(shared), documents


def structure(records) -> str:
    """What the other units read of a document's records directly, as a hash: its plan and organisation
    ids (every unit's ``ctx.subject``), its elements and their parents (the policy areas of linkage)."""
    elements = sorted((r.record.plan, r.record.id, r.record.parent_ref or "") for r in records.of("elements"))
    ids = [sorted(r.record.id for r in records.of(kind)) for kind in ("plans", "organizations")]
    return _digest([json.dumps([elements, ids]).encode()])


def write(path: Path, tracker: Tracker, shared_hash: str, hashes: dict[str, str]) -> None:
    """The manifest of a full build (``tracker.records``: what it read)."""
    by_document = split_by_document(tracker.records)
    structures = {doc: structure(rs) for doc, rs in by_document.items()}
    counts = {doc: len(rs.records) for doc, rs in by_document.items()}
    ids = [(kind, r.record.id, r.document) for kind in ("plans", "organizations") for r in tracker.records.of(kind)]
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("shared", shared_hash), ("base", tracker.base)])
    db.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)",
                   [(i, name, hashes.get(name, ""), structures.get(name, structure(RecordSet())), counts.get(name, 0))
                    for i, name in enumerate(tracker.units)])
    db.executemany("INSERT INTO defs VALUES (?, ?)", tracker.defs.rows())
    # a read matters to another unit only where someone else defines the key (a unit reading what it
    # defines itself shows up among the definitions)
    db.executemany("INSERT INTO reads VALUES (?, ?)", ((k, u) for k, u in tracker.reads.rows()
                                                       if u not in tracker.defs.units(k)))
    db.executemany("INSERT INTO labels VALUES (?, ?, ?)", ((k, u, lit) for k, (u, lit) in tracker.winners.items()))
    db.executemany("INSERT INTO contrib VALUES (?, ?, ?)",
                   ((u, g, line) for u, rows in tracker.contributions.items() for g, line in rows))
    db.executemany("INSERT INTO ids VALUES (?, ?, ?)", ((k, i, tracker.index[u]) for k, i, u in ids))
    db.executescript(INDEXES)
    db.commit()
    db.close()


class Manifest(Prior):
    """An open manifest: the answers a document's mapping gets of the other units, and its updates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        self.units = [name for (name,) in self.db.execute("SELECT name FROM units ORDER BY idx")]
        self.index = {name: i for i, name in enumerate(self.units)}
        self.mapping: int | None = None  # the unit being mapped again: its own old rows do not count

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row and row[0]

    def hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT name, hash FROM units"))

    def structure(self, unit: int) -> tuple[str, int]:
        """(the unit's structure hash, its number of records)."""
        return self.db.execute("SELECT structure, records FROM units WHERE idx = ?", (unit,)).fetchone()

    def ids(self, kind: str) -> set[str]:
        return {i for (i,) in self.db.execute("SELECT id FROM ids WHERE kind = ?", (kind,))}

    # --- Prior: the other units' definitions and labels ---------------------------------------------
    def defined_before(self, key: str, unit: int | None) -> bool:
        return self.db.execute("SELECT 1 FROM defs WHERE key = ? AND unit < ? AND unit != ? LIMIT 1",
                               (key, unit, self.mapping)).fetchone() is not None

    def defined_elsewhere(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM defs WHERE key = ? AND unit != ? LIMIT 1",
                               (key, self.mapping)).fetchone() is not None

    def label_before(self, key: str, unit: int | None) -> Literal | None:
        row = self.db.execute("SELECT unit, literal FROM labels WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] == self.mapping or row[0] >= unit:
            return None
        return from_n3(row[1])

    # --- what the other units use of one -------------------------------------------------------------
    def keys_of(self, unit: int) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM defs WHERE unit = ?", (unit,))}

    def used_by_others(self, keys: Iterable[str], unit: int) -> set[str]:
        """Those of ``keys`` that another unit defines, labels or reads."""
        out = set()
        for key in keys:
            if (self.db.execute("SELECT 1 FROM defs WHERE key = ? AND unit != ? LIMIT 1", (key, unit)).fetchone()
                    or self.db.execute("SELECT 1 FROM reads WHERE key = ? AND unit != ? LIMIT 1",
                                       (key, unit)).fetchone()):
                out.add(key)
        return out

    def first_definer(self, key: str) -> int | None:
        row = self.db.execute("SELECT MIN(unit) FROM defs WHERE key = ?", (key,)).fetchone()
        return row[0]

    def winner(self, key: str) -> tuple[int, str] | None:
        return self.db.execute("SELECT unit, literal FROM labels WHERE key = ?", (key,)).fetchone()

    def contributions(self, unit: int) -> set[tuple[str, str]]:
        return set(self.db.execute("SELECT graph, line FROM contrib WHERE unit = ?", (unit,)))

    def contributed_by_others(self, line: str, unit: int) -> bool:
        return self.db.execute("SELECT 1 FROM contrib WHERE line = ? AND unit != ? LIMIT 1",
                               (line, unit)).fetchone() is not None

    def contributions_into(self, graph: str, unit: int) -> set[str]:
        """Lines other units wrote into ``graph`` (a document's own graph: a link's passages)."""
        return {line for (line,) in self.db.execute("SELECT line FROM contrib WHERE graph = ? AND unit != ?",
                                                    (graph, unit))}

    def replace_unit(self, unit: int, tracker: Tracker, unit_hash: str) -> None:
        """The unit's rows as its new mapping recorded them (reads: only of what others define)."""
        db = self.db
        for table in ("defs", "reads", "contrib"):
            db.execute(f"DELETE FROM {table} WHERE unit = ?", (unit,))
        db.execute("DELETE FROM labels WHERE unit = ?", (unit,))
        db.executemany("INSERT INTO defs VALUES (?, ?)", ((k, unit) for k, _ in tracker.defs.rows()))
        db.executemany("INSERT INTO reads VALUES (?, ?)",
                       ((k, unit) for k, _ in tracker.reads.rows() if k not in tracker.defs.by_key))
        db.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?, ?)",
                       ((k, unit, lit) for k, (_, lit) in tracker.winners.items()))
        db.executemany("INSERT INTO contrib VALUES (?, ?, ?)",
                       ((unit, g, line) for rows in tracker.contributions.values() for g, line in rows))
        db.execute("UPDATE units SET hash = ?, records = ? WHERE idx = ?", (unit_hash, len(tracker.records.records), unit))

    def close(self) -> None:
        self.db.commit()
        self.db.close()
