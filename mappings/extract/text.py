"""A document's lines as readers see them: cells, a compact form for matching, and sections.

Text comes as the seeds are (cells separated by tabs) or as a PDF text extractor writes it
(``pdftotext -layout``: cells separated by runs of spaces, pages by form feeds).  Lines are
numbered from 1 exactly as the file is, so that cited lines match ``cat -n`` and the
source-line check.
"""

from __future__ import annotations
import re
from dataclasses import dataclass
from functools import cached_property
from mappings.records.normalize import clean_label, compact

_LAYOUT_GAP = re.compile(r"(?<=\S) {2,}(?=\S)|\u3000{1,}(?=\S)")


@dataclass(frozen=True)
class Line:
    number: int
    raw: str

    @cached_property
    def cells(self) -> list[str]:
        """Cells as printed (stripped); a blank cell stays an empty string (it takes the value above)."""
        return [c.strip() for c in self.raw.split("\t")]

    @cached_property
    def compact(self) -> str:
        return compact(self.raw)

    @cached_property
    def label(self) -> str:
        return clean_label(self.raw.replace("\t", " "))

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    @property
    def is_table_row(self) -> bool:
        return "\t" in self.raw


def split_lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only (a form feed inside a line keeps the numbering of ``cat -n``)."""
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def from_layout(text: str) -> str:
    """Text of ``pdftotext -layout``: runs of two or more spaces between cells become tabs, page
    breaks (form feeds) are dropped from the line they stand on.  Seed text (with tabs) is returned
    as it is.

    >>> from_layout("項目    目標値   基準値\\n\\f市民所得  0.6%  908,115\\n")
    '項目\\t目標値\\t基準値\\n市民所得\\t0.6%\\t908,115\\n'
    """
    if "\t" in text:
        return text
    return "\n".join(_LAYOUT_GAP.sub("\t", line.replace("\f", "")).rstrip() for line in text.split("\n"))


@dataclass
class Document:
    """The numbered lines of one document."""

    lines: list[Line]

    @classmethod
    def from_text(cls, text: str) -> "Document":
        return cls([Line(i, raw) for i, raw in enumerate(split_lines(text), start=1)])

    def line(self, number: int) -> Line:
        return self.lines[number - 1]

    def passage(self, ranges: list[tuple[int, int]]) -> str:
        """The text of 1-based inclusive line ranges (the interface of mappings.records.sources.Source)."""
        from mappings.records.schema import RecordError

        out = []
        for first, last in ranges:
            if first < 1 or last > len(self.lines):
                raise RecordError(f"lines {first}-{last} outside the document ({len(self.lines)} lines)")
            out.extend(l.raw for l in self.lines[first - 1:last])
        return "\n".join(out)

    @cached_property
    def contents(self) -> set[int]:
        """Lines of a table of contents: from a line 目次 to the first line that repeats one of it
        (the body's first heading), so that a section is found where its text is, not in the contents."""
        out: set[int] = set()
        for line in self.lines:
            if line.compact in ("目次", "目 次"):
                seen: set[str] = set()
                for nxt in self.lines[line.number:]:
                    if nxt.compact and nxt.compact in seen:
                        break
                    seen.add(nxt.compact)
                    out.add(nxt.number)
                out.add(line.number)
        return out

    def find(self, heading: str, start: int = 1) -> list[int]:
        """Numbers of the lines from ``start`` on whose compact text begins with ``heading``
        (outside a table of contents)."""
        key = compact(heading)
        return [l.number for l in self.lines[start - 1:]
                if l.compact.startswith(key) and l.number not in self.contents]

    def span(self, start: str, until: list[str] | None = None) -> list[tuple[int, int]]:
        """Line ranges of a section: after each line beginning with the heading ``start`` to the line
        before the next one beginning with a heading of ``until`` (or with ``start`` again)."""
        ends = [compact(h) for h in (until or [])] + [compact(start)]
        ranges = []
        for first in self.find(start):
            last = len(self.lines)
            for line in self.lines[first:]:
                if any(line.compact.startswith(e) for e in ends if e):
                    last = line.number - 1
                    break
            if last > first:
                ranges.append((first + 1, last))  # the body: the heading naming the section is not in it
        return ranges

    def rows_below(self, header: Line, allowed: set[int]) -> list[Line]:
        """The table rows right below ``header`` (up to the first line without a tab) inside ``allowed``."""
        rows = []
        for row in self.lines[header.number:]:
            if not row.is_table_row:
                break
            if row.number in allowed:
                rows.append(row)
        return rows

    def within(self, ranges: list[tuple[int, int]] | None) -> list[Line]:
        if ranges is None:
            return self.lines
        return [l for first, last in ranges for l in self.lines[first - 1:last]]


def sentences(lines: list[Line], limit: int = 8) -> list[tuple[str, list[tuple[int, Line]]]]:
    """Running text in sentences: a line that does not end with 。 runs on into the next non-blank line
    (a PDF line break inside a sentence), up to ``limit`` lines; a table row stands alone.  Each is its
    compact text with the offset in it where each of its lines begins."""
    out: list[tuple[str, list[tuple[int, Line]]]] = []
    text, parts = "", []
    for line in [*lines, None]:
        if line is not None and line.blank:
            continue
        if parts and (line is None or line.is_table_row or text.endswith("。") or len(parts) >= limit):
            out.append((text, parts))
            text, parts = "", []
        if line is not None:
            parts.append((len(text), line))
            text += line.compact
    return out


def lines_of(parts: list[tuple[int, Line]], start: int, end: int) -> list[int]:
    """The numbers of the lines of a sentence that characters ``start``-``end`` of it stand on."""
    bounds = [*(o for o, _ in parts[1:]), 10 ** 9]
    return [l.number for (o, l), b in zip(parts, bounds) if o < end and b > start]
