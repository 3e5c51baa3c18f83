"""Curator corrections as data (``data/<document>/corrections.yaml``): what the extractor got wrong
or could not read, applied to its proposals so that ingest + corrections gives the curated records.

A correction names a proposed record by what it says, not by the id the extractor gave it (ids of
proposals shift when the extractor improves): ``match`` is its kind and its identity (label, title,
name, partner, or a statistic's measure, value and year).  Operations, applied in this order:

    - {kind: elements, match: {label: 広報活動}, id: publicity}         # the curator's id
    - {kind: elements, id: publicity, set: {label_en: Public relations}, unset: [text]}
    - {kind: elements, drop: {label: 計画の対象}}                          # a proposal that is no record
    - {kind: events, add: {id: …, lines: …, date: …, label: …}}           # a record the extractor missed

An added record whose id a proposal already has replaces it (the curator's record wins), so
re-running after an extractor improvement keeps the curator's work.

    python -m mappings.extract.corrections DOCUMENT [ROOT]   # derive the file from today's records
"""

from __future__ import annotations
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from mappings.records.files import load_yaml, strip_lines
from mappings.records.normalize import compact
from mappings.records.schema import RecordError

IDENTITY = ("label", "title", "name", "partner")


def identity(record: dict) -> dict:
    """What names a record without its id."""
    if "measure" in record and "dataset" in record:
        key = {"measure": record["measure"], "value": record.get("value")}
        for field in ("table", "fiscal_year", "year", "date", "dimensions"):
            if record.get(field):
                key[field] = record[field]
        return key
    field = next((f for f in IDENTITY if record.get(f)), None)
    key = {field: record[field]} if field else {"id": record["id"]}
    if record.get("plan") and field:
        key["plan"] = record["plan"]
    if record.get("parent_ref") and field:  # the same label under two parents is two records
        key["parent_ref"] = record["parent_ref"]
    return key


def same(a: Any, b: Any) -> bool:
    """Equal as record values: numbers by value (158600 == Decimal('158600')), text exactly."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    numeric = (int, float, Decimal)
    if isinstance(a, numeric) and isinstance(b, numeric) and not isinstance(a, bool) and not isinstance(b, bool):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b and type(a) is type(b) or (a == b and isinstance(a, str) and isinstance(b, str))


def _matches(record: dict, match: dict) -> bool:
    return all(same(record.get(k), v) for k, v in match.items())


def apply(records: dict[str, list[dict]], corrections: list[dict]) -> tuple[dict[str, list[dict]], list[str]]:
    """The records after the corrections, and what did not apply (a match that found no proposal)."""
    out = {kind: [dict(r) for r in recs] for kind, recs in records.items()}
    problems: list[str] = []
    claimed = {op["id"] for op in corrections if "match" in op or "set" in op or "unset" in op}
    order = {"drop": 0, "id": 1, "set": 2, "unset": 2, "add": 3}
    for op in sorted(corrections, key=lambda op: min(order[k] for k in op if k in order)):
        recs = out.setdefault(op["kind"], [])
        if "drop" in op:
            kept = [r for r in recs if not _matches(r, op["drop"])]
            if len(kept) == len(recs):
                problems.append(f"drop {op['kind']} {op['drop']}: no such proposal")
            recs[:] = kept
        elif "match" in op:
            hits = [r for r in recs if _matches(r, op["match"])]
            if len(hits) != 1:
                problems.append(f"{op['kind']} {op['match']}: {len(hits)} proposals match (expected 1)")
                continue
            hits[0]["id"] = op["id"]
            claimed.add(op["id"])
        elif "set" in op or "unset" in op:
            hits = [r for r in recs if r["id"] == op["id"] and r.get("plan") == op.get("plan", r.get("plan"))]
            if not hits:
                problems.append(f"{op['kind']} '{op['id']}': no record to correct")
                continue
            hits[0].update(op.get("set", {}))
            for field in op.get("unset", []):
                hits[0].pop(field, None)
        elif "add" in op:
            new = op["add"]
            key = identity(new)
            # the curator's record replaces a proposal of its id, or one saying the same that no
            # correction has claimed (the extractor has learnt to read it since)
            recs[:] = [r for r in recs if not (r["id"] == new["id"] and r.get("plan") == new.get("plan"))
                       and not (r["id"] not in claimed and _matches(r, key))]
            recs.append(dict(new))
            claimed.add(new["id"])
    return out, problems


def derive(proposed: dict[str, list[dict]], curated: dict[str, list[dict]]) -> list[dict]:
    """The corrections that turn ``proposed`` into ``curated`` (a curator's starting point)."""
    ops: list[dict] = []
    for kind in sorted(set(proposed) | set(curated)):
        props, cur = list(proposed.get(kind, [])), curated.get(kind, [])
        used: set[int] = set()
        for record in cur:
            key = identity(record)
            candidates = [i for i, p in enumerate(props) if i not in used and _matches(p, key)]
            if len(candidates) != 1 or sum(1 for p in props if _matches(p, key)) != 1:
                ops.append({"kind": kind, "add": record})
                continue
            i = candidates[0]
            used.add(i)
            prop = props[i]
            if prop["id"] != record["id"]:
                ops.append({"kind": kind, "match": identity(prop), "id": record["id"]})
            changed = {f: v for f, v in record.items() if f != "id" and not same(prop.get(f), v)}
            gone = [f for f in prop if f not in record]
            if changed or gone:
                op: dict = {"kind": kind, "id": record["id"]}
                if record.get("plan"):
                    op["plan"] = record["plan"]
                if changed:
                    op["set"] = changed
                if gone:
                    op["unset"] = gone
                ops.append(op)
        for i, prop in enumerate(props):
            if i not in used:
                ops.append({"kind": kind, "drop": identity(prop)})
    return ops


def load_corrections(path: Path) -> list[dict]:
    raw = strip_lines(load_yaml(path)) if path.is_file() else []
    if not isinstance(raw, list) or not all(isinstance(op, dict) and "kind" in op for op in raw):
        raise RecordError(f"{path}: corrections are a YAML list of operations, each with a kind")
    return raw


def main(argv: list[str]) -> int:
    from mappings.extract.measure import curated
    from mappings.extract.profile import load_profile
    from mappings.extract.propose import propose
    from mappings.extract.write import dump_records
    from mappings.records.sources import load_catalog

    document, root = argv[0], Path(argv[1] if len(argv) > 1 else ".")
    source = load_catalog(root / "sources")[document]
    found = propose("\n".join(source.lines) + "\n", load_profile(root / "data" / document / "profile.yaml"))
    ops = derive(found.records, curated(root / "data", document))
    path = root / "data" / document / "corrections.yaml"
    path.write_text("# Curator corrections of the extractor's proposals (mappings.extract.corrections).\n"
                    + dump_records(ops), encoding="utf-8")
    print(f"{len(ops)} correction(s) → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
