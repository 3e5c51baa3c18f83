"""The check before writing: schema validation and the source-line check of mappings.records.verify."""

from __future__ import annotations
from pathlib import Path
from types import SimpleNamespace
from mappings.extract.proposals import Proposals
from mappings.extract.text import Document
from mappings.records.files import Loaded
from mappings.records.schema import KINDS, RecordError
from mappings.records.verify import check_record


def _drop(raw: dict, field: str) -> None:
    """Remove the value at a verify field path (``observations[2].value``)."""
    import re

    parts = re.findall(r"[^.\[\]]+", field)
    if len(parts) >= 3 and parts[-2].isdigit() and parts[-1] in ("value", "budget", "settlement"):
        parts = parts[:-1]  # a figure not found: its whole observation or budget row goes
    node = raw
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node.pop(int(last))
    else:
        node.pop(last, None)


def check_proposals(found: Proposals, doc: Document, profile) -> None:
    """Drop every value not at its cited lines and every record the schema rejects; report both."""
    catalog = {profile.document: doc}
    for kind, records in found.records.items():
        kept = []
        for raw in records:
            for _ in range(50):
                # the check reads only the raw values; the record stands in for its id in messages
                loaded = Loaded(profile.document, kind, SimpleNamespace(id=raw.get("id")), raw, Path(kind), 0)  # type: ignore[arg-type]
                try:
                    misses = check_record(loaded, catalog)
                except RecordError as exc:
                    found.unread.append(_unread(kind, raw, f"not checkable: {exc}"))
                    misses, raw = [], None
                    break
                if not misses:
                    break
                for miss in reversed(misses):
                    found.unread.append(_unread(kind, raw, f"{miss.field} = {miss.value!r} is not at lines {miss.cited}"))
                    _drop(raw, miss.field)
            if raw is None:
                continue
            try:
                KINDS[kind].model_validate(raw)
            except Exception as exc:
                found.unread.append(_unread(kind, raw, f"schema: {str(exc).splitlines()[0:3]}"))
                continue
            kept.append(raw)
        records[:] = kept


def _unread(kind: str, raw: dict, why: str):
    from mappings.extract.proposals import Unread

    first = raw.get("lines")
    line = first if isinstance(first, int) else (first[0] if isinstance(first, list) and first and isinstance(first[0], int) else 0)
    return Unread(kind, line, raw.get("id", "?"), why)
