"""The category-table reader: a header row of categories over rows of figures, as activity reports print
a year's counts, titled either by the table's own first cell or by the caption line above it:

    R4年度の実績・件数 | 区 分          | 内科  | 小児科 | …        ア 市民相談（令和4年度）
                      | 休日(昼間)診療 | 2,272 | 2,038 | …        行政相談 | 民事事案 | 案内照会 | 計
                      | 夜間診療       | 1,694 | 2,214 | …        1,700件 | 840件   | 2,100件 | 4,640件

Each figure is a Statistic whose measure is the title without its year (実績・件数, 市民相談), dated by the
title's year, with its column's category under the profile's name for the header's categories
(``dimension``) and its row's category under the corner cell as printed (区分).  A total (計, 合計) is
kept as printed, so it can be checked against its parts.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.extract.values import number, read_cell, year_of_header
from mappings.records.normalize import compact

_NUMBERING = re.compile(r"^(?:[ア-ン]|\(\d+\)|（\d+）|\d+)\s+")
_BRACKETED_YEAR = re.compile(r"\s*[(（][^()（）]*\d+\s*年度?[)）]\s*$")
_YEAR_PREFIX = re.compile(r"^\S*?\d+\s*年度?の")


def measure_of(title: str) -> str:
    """The title without its numbering and year.

    >>> measure_of("ア 市民相談（令和4年度）"), measure_of("R4年度の実績・件数")
    ('市民相談', '実績・件数')
    """
    title = _NUMBERING.sub("", title.strip())
    return _YEAR_PREFIX.sub("", _BRACKETED_YEAR.sub("", title))


def _figures(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(number(c) is not None for c in filled)


def _labels(cells: list[str]) -> bool:
    return len(cells) >= 2 and all(c and number(c) is None for c in cells)


def _table(doc: Document, header: Line) -> tuple[str, int | None, int, list[Line]] | None:
    """(title, its caption line, the first column of categories, the body rows) of a table headed here."""
    cells = header.cells
    after = [l for l in doc.lines[header.number:] if not l.blank]
    if cells[0] and year_of_header(cells[0]) and _labels(cells[1:]):   # titled by its first cell
        rows = []
        for row in after:
            if not row.is_table_row or row.cells[0] or not row.cells[1] or not _figures(row.cells[2:]):
                break
            rows.append(row)
        return (cells[0], None, 2, rows) if rows else None
    before = next((l for l in reversed(doc.lines[:header.number - 1]) if not l.blank), None)
    if before is None or before.is_table_row or not _labels(cells) or not after:
        return None
    rows = []
    for row in after:
        if not row.is_table_row or len(row.cells) != len(cells) or not _figures(row.cells):
            break
        rows.append(row)
    return (before.raw, before.number, 0, rows) if len(rows) == 1 else None  # a caption, one row of figures


def read_cross_tables(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                      found: Proposals, lines: list[Line]) -> None:
    across = reader.dimension or "区分"  # the word a header over categories prints
    for header in lines:
        table = _table(doc, header) if header.is_table_row else None
        if table is None:
            continue
        title, caption, first, rows = table
        year = year_of_header(title)
        corner = compact(header.cells[first - 1]) if first else None
        dataset = f"table-line-{header.number}"
        for row in rows:
            for category, cell in zip(header.cells[first:], row.cells[first:]):
                values = read_cell(cell) if cell else []
                if not values or "value" not in values[0]:
                    continue
                n = sum(1 for s in found.of("statistics") if s["dataset"] == dataset) + 1
                where = [caption] if caption else []
                record = {"id": f"{dataset}-{n:02d}", "lines": cite(*where, header.number, row.number),
                          "dataset": dataset, "table": label_of(title, profile),
                          "measure": label_of(measure_of(title), profile), "value": values[0]["value"]}
                if values[0].get("unit"):
                    record["unit"] = values[0]["unit"]
                if year:
                    record[year[0]] = year[1]
                record["dimensions"] = {across: label_of(category, profile)}
                if corner:
                    record["dimensions"][corner] = label_of(row.cells[first - 1], profile)
                found.add("statistics", record, "cross-tables")
