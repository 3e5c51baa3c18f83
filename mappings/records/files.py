"""Reading the record files of data/: YAML that keeps each mapping's line, validated against the
schema of mappings.records.schema, into a RecordSet; a bad file or record fails naming its file and line.
"""

from __future__ import annotations
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection
import yaml
from pydantic import ValidationError
from mappings.records.schema import KINDS, Breakdown, City, Link, Model, Record, RecordError, Unit

class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 3× faster
    """A YAML loader that keeps the line of each mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings (ISO text is what the schema checks); YAML would make 2011-05-01 a date object.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    """YAML with ``__line__`` on every mapping; a syntax error names file and line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RecordError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path}: not UTF-8: {exc}") from exc


def strip_lines(value: Any) -> Any:
    """The value without the loader's ``__line__`` keys."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


@dataclass(frozen=True)
class Loaded:
    """A validated record with where it was read from."""

    document: str
    kind: str
    record: Record
    raw: dict[str, Any]
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line} ({self.kind} '{self.record.id}')"


@dataclass
class RecordSet:
    records: list[Loaded] = field(default_factory=list)
    cities: list[City] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)            # printed unit → Unit
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)  # printed subgroup → Breakdown
    links: list[Loaded] = field(default_factory=list)

    def of(self, kind: str, document: str | None = None) -> list[Loaded]:
        return [r for r in self.records if r.kind == kind and (document is None or r.document == document)]


def validate_model(model: type[Model], raw: dict[str, Any], path: Path, index: int) -> Model:
    try:
        return model.model_validate(strip_lines(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        ident = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
        line = raw.get("__line__", "?") if isinstance(raw, dict) else "?"
        raise RecordError(f"{path}:{line}: record '{ident}': {where}: {first['msg']}") from exc


def load_file(path: Path, document: str, kind: str) -> list[Loaded]:
    model = KINDS.get(kind)
    if model is None:
        raise RecordError(f"{path}: unknown record kind '{kind}' (expected one of {', '.join(KINDS)})")
    data = load_yaml(path) or []
    if not isinstance(data, list):
        raise RecordError(f"{path}: a record file holds a YAML list of records")
    out, seen = [], set()
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            raise RecordError(f"{path}: item #{index} is not a record (a mapping)")
        record = validate_model(model, raw, path, index)
        key = (getattr(record, "plan", None), record.id)  # elements and indicators: unique per plan
        if key in seen:
            raise RecordError(f"{path}:{raw['__line__']}: duplicate id '{record.id}'")
        seen.add(key)
        out.append(Loaded(document, kind, record, raw, path, raw["__line__"]))
    return out


SIDE_FILES = ("profile", "corrections", "expect")


def load_records(data_dir: Path, documents: Collection[str] | None = None) -> RecordSet:
    """Every record under ``data_dir`` (of ``documents`` only, and the reference and linkage records);
    raises RecordError on the first bad one."""
    result = RecordSet()
    folders = None if documents is None else {*documents, "linkage", "reference"}
    for path in sorted(data_dir.glob("*/*.yaml")):
        document = path.parent.name
        if folders is not None and document not in folders:
            continue
        if document == "linkage":
            if path.stem != "links":  # other files there (policy areas) have their own readers
                continue
            raw = load_yaml(path) or []
            for i, item in enumerate(raw):
                link = validate_model(Link, item, path, i)
                result.links.append(Loaded(document, "links", link, item, path, item["__line__"]))  # type: ignore[arg-type]
            continue
        if document == "reference":
            raw = load_yaml(path) or []
            if path.stem == "cities":
                result.cities.extend(validate_model(City, item, path, i) for i, item in enumerate(raw))
            elif path.stem == "units":
                result.units.update((u.printed, u) for i, item in enumerate(raw)
                                    for u in [validate_model(Unit, item, path, i)])
            elif path.stem == "breakdowns":
                result.breakdowns.update((b.printed, b) for i, item in enumerate(raw)
                                         for b in [validate_model(Breakdown, item, path, i)])
            continue
        if path.stem in SIDE_FILES:  # a document's extraction profile, corrections, expectations
            continue
        result.records.extend(load_file(path, document, path.stem))
    return result
