"""The record-table reader: a tab-separated table whose header names record fields (歴代市長, システム一覧).

The profile maps printed headers to fields; the reader finds the header row, splits side-by-side
repeats of the header into column groups, gives a blank cell the value above it, reads dates (era
or western) and ※ marks (the note of the footnote line that explains the mark).
"""

from __future__ import annotations
import re
from mappings.extract.labels import label_of
from mappings.extract.headings import Outline
from mappings.extract.organizations import department
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.records.normalize import compact, parse_era_date
from mappings.records.schema import KINDS

DATE_FIELDS = {"start", "end", "started", "date", "established"}
_MARK = re.compile(r"※\s*(\d+)")


def _header_groups(line: Line, columns: dict[str, str]) -> list[list[tuple[int, str]]] | None:
    keys = {compact(k): v for k, v in columns.items()}
    found = [(i, keys[compact(c)]) for i, c in enumerate(line.cells) if compact(c) in keys]
    if len(found) < 2:
        return None
    groups: list[list[tuple[int, str]]] = []
    for i, field in found:
        if not groups or field in {f for _, f in groups[-1]}:
            groups.append([])
        groups[-1].append((i, field))
    return groups


def _footnotes(doc: Document, after: int) -> dict[str, tuple[str, int]]:
    """※N explanations printed below a table: mark → (text, line)."""
    out = {}
    for line in doc.lines[after:after + 12]:
        m = re.match(r"\s*※\s*(\d+)\s+(.+)", line.raw)
        if m:
            out[m.group(1)] = (m.group(2).strip(), line.number)
    return out


def read_records(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                 found: Proposals, lines: list[Line]) -> None:
    kind = reader.record_kind
    if kind not in KINDS:
        raise ValueError(f"reader records: record_kind must be one of {', '.join(KINDS)}, not {kind!r}")
    fields_of_model = KINDS[kind].model_fields
    allowed = {l.number for l in lines}
    for line in lines:
        groups = _header_groups(line, reader.columns) if line.is_table_row else None
        if not groups:
            continue
        rows = doc.rows_below(line, allowed)
        notes = _footnotes(doc, rows[-1].number if rows else line.number)
        for group in groups:
            above: dict[str, tuple[str, int]] = {}
            for row in rows:
                record = _record(row, line, group, above, notes, reader, profile, fields_of_model, found)
                if record is None:
                    continue
                n = len(found.of(kind)) + 1
                record["id"] = (reader.id or f"{kind}-{{n:02d}}").format(n=n)
                found.add(kind, record, f"records:{kind}")


def _record(row: Line, header: Line, group, above, notes, reader: Reader, profile: Profile,
            fields_of_model, found: Proposals) -> dict | None:
    record: dict = {"id": "", "lines": None}
    cited = [header.number, row.number]
    if "city" in fields_of_model:
        record["city"] = profile.city
    for index, field in group:
        cell = row.cells[index] if index < len(row.cells) else ""
        if not cell.strip():
            if field in above and field not in DATE_FIELDS:  # a blank cell takes the value above
                cell, line_above = above[field]
                cited.append(line_above)
            else:
                continue
        else:
            above[field] = (cell, row.number)
        word = reader.words.get(compact(cell))
        if word is not None:
            record.update(word)
            continue
        mark = _MARK.search(cell)
        if mark and mark.group(1) in notes:
            text, where = notes[mark.group(1)]
            record["note"] = text
            cited.append(where)
            cell = cell[:mark.start()]
        if field in DATE_FIELDS:
            try:
                record[field] = parse_era_date(cell)
            except ValueError:
                found.miss(f"records:{field}", row, f"no date in {cell!r}")
                continue
        elif field == "department":
            record[field] = label_of(cell, profile)
            record["department_ref"] = department(record[field], profile, found, row.number)
        else:
            record[field] = label_of(cell, profile)
    if len(record) <= 3:
        return None
    record["lines"] = cite(*cited)
    return record
