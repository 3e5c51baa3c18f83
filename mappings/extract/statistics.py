"""The statistics-table reader: captioned tables (表 1 …, ■…) with a unit line (単位：世帯) and a source
caption below (資料：…, 出典：…); years stand either in the header row or in the first column.

Every figure becomes a Statistic of the table's dataset; the caption's 資料 is kept as a dimension as
printed, an 出典 as the source of the table's StatisticsDataset record.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.extract.values import read_cell, unit_in_label, year_of_header
from mappings.records.normalize import compact, nfkc

_CAPTION = re.compile(r"^\s*(?:表|図)\s*(?P<n>[0-9０-９]+)\s*(?P<title>.+?)\s*$|^\s*■\s*(?P<title2>.+?)\s*$")
_UNIT = re.compile(r"^\s*[(（]?\s*単位\s*[:：]\s*(?P<unit>[^)）\s]+)\s*[)）]?\s*$")
_SOURCE = re.compile(r"^\s*[(（]\s*(?P<key>資料|出典)\s*[:：]\s*(?P<text>.+?)\s*[)）]\s*$|^\s*(?P<key2>出典)\s*[:：]\s*(?P<text2>.+?)\s*$")


def _table_after(doc: Document, caption: Line) -> tuple[Line | None, str | None, list[Line]]:
    """The unit line, and the rows of the first table within a few lines after a caption."""
    unit_line, rows = None, []
    for line in doc.lines[caption.number:caption.number + 6]:
        if line.is_table_row:
            break
        if m := _UNIT.match(line.raw):
            unit_line = (line, nfkc(m.group("unit")))
        if not line.blank and not _UNIT.match(line.raw) and line.number > caption.number:
            return None, None, []
    else:
        return None, None, []
    for line in doc.lines[line.number - 1:]:
        if not line.is_table_row:
            break
        rows.append(line)
    return (unit_line[0] if unit_line else None), (unit_line[1] if unit_line else None), rows


def _source_below(doc: Document, last: Line, window: int = 3) -> tuple[str, str, Line] | None:
    for line in doc.lines[last.number:last.number + window]:
        if m := _SOURCE.match(line.raw):
            return (m.group("key") or m.group("key2")), label_of(m.group("text") or m.group("text2"), None), line
        if not line.blank:
            return None
    return None


def read_statistics(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                    found: Proposals, lines: list[Line]) -> None:
    for caption in lines:
        m = _CAPTION.match(caption.raw)
        if not m or caption.is_table_row:
            continue
        unit_line, unit, rows = _table_after(doc, caption)
        if len(rows) < 2:  # a chart: its figures are not in the text, its title and 出典 are
            source = _source_below(doc, caption, window=6)
            if source and source[0] == "出典" and m.group("title2"):
                found.add("datasets", {"id": f"chart-line-{caption.number}", "lines": cite(caption.number, source[2].number),
                                       "title": caption.raw.strip(), "source": source[1]}, "statistics")
            continue
        title = label_of(m.group("title") or m.group("title2"), profile)
        dataset = f"table-{int(nfkc(m.group('n')))}" if m.group("n") else f"table-line-{caption.number}"
        source = _source_below(doc, rows[-1])
        header, body = rows[0], rows[1:]
        years_across = [year_of_header(c) for c in header.cells[1:]]
        cited = [caption.number] + ([unit_line.number] if unit_line else [])
        tail = [source[2].number] if source else []
        figures = []
        if any(years_across):
            for row in body:
                measure, row_unit = unit_in_label(row.cells[0])
                for year, cell in zip(years_across, row.cells[1:]):
                    figures.append((measure, row_unit, year, cell, [*cited, header.number, row.number, *tail], row))
        else:
            for row in body:
                year = year_of_header(row.cells[0])
                if not year:
                    found.miss("statistics", row, f"a row of {title} without a year in its first cell")
                    continue
                for head, cell in zip(header.cells[1:], row.cells[1:]):
                    measure, row_unit = unit_in_label(head)
                    figures.append((measure, row_unit, year, cell, [*cited, header.number, row.number, *tail], row))
        for measure, row_unit, year, cell, where, row in figures:
            values = read_cell(cell)
            if not values or "value" not in values[0]:
                if cell.strip():
                    found.miss("statistics", row, f"{title}: {cell!r} is not a figure")
                continue
            value = values[0]
            n = sum(1 for s in found.of("statistics") if s["dataset"] == dataset) + 1
            record = {"id": f"{dataset}-{n:02d}", "lines": cite(*where), "dataset": dataset, "table": title,
                      "measure": label_of(measure, profile), "value": value["value"]}
            if value.get("unit") or row_unit or unit:
                record["unit"] = value.get("unit") or row_unit or unit
            if year:
                record[year[0]] = year[1]
            if source and source[0] == "資料":
                record["dimensions"] = {"資料": source[1]}
            found.add("statistics", record, f"statistics:{title}")
        if source and source[0] == "出典":
            found.add("datasets", {"id": dataset, "lines": cite(caption.number, source[2].number),
                                   "title": caption.raw.strip(), "source": source[1]}, "statistics")
