"""The source-line check: every value of every record must stand at its cited lines.

A value is compared with the cited passage after the normalisation of
mappings.records.normalize: numbers with the numbers of the passage (commas, ▲, 万),
ISO dates with the era and western dates of the passage, text with the passage
NFKC-folded and without white space.  Keys that hold identifiers, codes, controlled
words or English translations are not source values and are skipped:
see ``is_source_key``.

    python -m mappings.records.verify            # check all of data/, exit 1 on any miss
"""

from __future__ import annotations
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator
from mappings.records.normalize import compact, dates_in, numbers_in
from mappings.records.schema import ISO_DATE, RecordError, parse_lines
from mappings.records.files import Loaded, RecordSet, load_records
from mappings.records.sources import Source, load_catalog

CONTROL_KEYS = {"id", "lines", "plan", "kind", "role", "flags", "city", "in_office", "dataset", "__line__",
                "document", "relation", "asserted_by", "confidence", "ref"}
CONTROL_SUFFIXES = ("_ref", "_refs", "_en", "_code", "_codes")


def is_source_key(key: str) -> bool:
    """Whether the value under ``key`` is a value read from the document.

    >>> is_source_key("label"), is_source_key("label_en"), is_source_key("serves_refs")
    (True, False, False)
    """
    return key not in CONTROL_KEYS and not key.endswith(CONTROL_SUFFIXES)


@dataclass(frozen=True)
class Miss:
    where: str
    field: str
    value: Any
    cited: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field} = {self.value!r} is not at its cited lines {self.cited}"


@dataclass
class Passage:
    """A cited passage prepared for look-ups."""

    text: str

    def __post_init__(self) -> None:
        self.compact = compact(self.text)
        self.numbers = set(numbers_in(self.text))
        self.dates = dates_in(self.text)

    def holds(self, value: Any) -> bool:
        if isinstance(value, bool) or value is None:
            return True
        if isinstance(value, (int, float, Decimal)):
            return Decimal(str(value)) in self.numbers
        text = str(value)
        if re.fullmatch(ISO_DATE, text):
            return text in self.dates or (len(text) == 4 and Decimal(text) in self.numbers)
        # a value of several lines (bullets) is checked line by line: markers between them are not values
        return all(compact(part) in self.compact for part in text.split("\n") if part.strip())


def _values(raw: Any, path: str, passage: Passage | None, passages) -> Iterator[tuple[str, Any, Passage]]:
    """(field path, value, passage to check against) for every source value in ``raw``.

    A nested mapping with its own ``lines`` (and, in links, its own ``document``) is checked there.
    """
    if isinstance(raw, dict):
        if raw.get("lines") is not None and (path or passage is None):
            passage = passages(raw["lines"], raw.get("document"))
        for key, value in raw.items():
            if is_source_key(key):
                yield from _values(value, f"{path}.{key}" if path else key, passage, passages)
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            yield from _values(item, f"{path}[{i}]", passage, passages)
    elif passage is None:
        raise RecordError(f"{path}: a value with no cited lines")
    else:
        yield path, raw, passage


def check_record(loaded: Loaded, catalog: dict[str, Source]) -> list[Miss]:
    cache: dict[str, Passage] = {}

    def passages(spec, document: str | None = None) -> Passage:
        document = document or loaded.document
        if document not in catalog:
            raise RecordError(f"{loaded.where}: '{document}' is not a document of sources/catalog.yaml")
        key = repr((document, spec))
        if key not in cache:
            cache[key] = Passage(catalog[document].passage(parse_lines(spec)))
        return cache[key]

    misses = []
    for field, value, passage in _values(loaded.raw, "", None, passages):
        if not passage.holds(value):
            misses.append(Miss(loaded.where, field, value, _cited(loaded.raw, field, loaded.document)))
    return misses


def _cited(raw: dict, field: str, document: str) -> str:
    """The document and lines a field was checked against, for the message."""
    node, cited = raw, raw.get("lines")
    for part in re.findall(r"[^.\[\]]+", field):
        node = node[int(part)] if isinstance(node, list) else node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get("lines") is not None:
            cited, document = node["lines"], node.get("document", document)
    return f"{document}:{cited}"


def check_all(data_dir: Path, sources_dir: Path, records: RecordSet | None = None,
              catalog: dict[str, Source] | None = None) -> list[Miss]:
    """Misses of every record (read from ``data_dir`` unless the caller has them already)."""
    catalog = catalog if catalog is not None else load_catalog(sources_dir)
    records = records if records is not None else load_records(data_dir)
    misses: list[Miss] = []
    for loaded in records.records:
        if loaded.document not in catalog:
            raise RecordError(f"{loaded.path}: folder '{loaded.document}' is not a document of sources/catalog.yaml")
        misses.extend(check_record(loaded, catalog))
    for loaded in records.links:
        misses.extend(check_record(loaded, catalog))
    return misses


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else Path(".")
    try:
        misses = check_all(root / "data", root / "sources")
    except RecordError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for miss in misses:
        print(miss)
    print(f"{len(misses)} value(s) not at their cited lines", file=sys.stderr)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
