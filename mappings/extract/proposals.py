"""What the readers propose: draft records by kind, and the lines they could not read."""

from __future__ import annotations
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Unread:
    reader: str
    line: int
    text: str
    why: str


@dataclass
class Proposals:
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unread: list[Unread] = field(default_factory=list)
    sections: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) → reader/section
    corrections: tuple[str, list[str]] | None = None  # the file applied, and what did not apply

    def add(self, kind: str, record: dict[str, Any], section: str) -> dict[str, Any]:
        """Add ``record`` unless one of the same kind, id (and plan) is there; returns the kept one."""
        for old in self.records.setdefault(kind, []):
            if old["id"] == record["id"] and old.get("plan") == record.get("plan"):
                return old
        self.records[kind].append(record)
        self.sections[(kind, record["id"])] = section
        return record

    def miss(self, reader: str, line, why: str) -> None:
        self.unread.append(Unread(reader, line.number, line.raw.strip(), why))

    def of(self, kind: str) -> list[dict[str, Any]]:
        return self.records.get(kind, [])


def cite(*numbers: int) -> list[int] | int:
    """A ``lines`` value: one line as an int, several as a sorted list without repeats."""
    unique = sorted(set(numbers))
    return unique[0] if len(unique) == 1 else unique


def cite_in_order(*numbers: int) -> list[int] | int:
    """A ``lines`` value in the order given: a label joined from a caption and a row is checked
    against the passage of its lines in that order (caption, row, then the header between them)."""
    unique = list(dict.fromkeys(numbers))
    return unique[0] if len(unique) == 1 else unique
