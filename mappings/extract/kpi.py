"""The indicator reader: KPI and target tables (目標値/基準値/現状値 columns, per-year 期待値/実績値/進捗状況 rows).

A table starts at a row whose cells name observation roles; each following row that prints a label
starts an indicator, rows that print only a marker (期待値, 実績値, 進捗状況) continue it, a row that
prints a ※ sentence is its footnote.  Values are located by their marker and read in order, so a row
shifted left by the PDF conversion reads the same.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite, cite_in_order
from mappings.extract.text import Document, Line
from mappings.extract.values import number, read_cell, unit_in_label, year_of_header
from mappings.records.normalize import compact

ROLE_WORDS = (("目標値", "target"), ("目標年次", "target"), ("基準値", "baseline"), ("現状値", "current"),
              ("現況", "current"), ("後期計画", "previous"), ("前期計画", "previous"))
MARKERS = {"期待値": "expected", "実績値": "actual", "進捗状況": "status"}
# words of a table's header or caption that say what its indicators are (first found wins)
KIND_WORDS = (("数値目標", "numeric-target"), ("KPI", "kpi"), ("成果指標", "outcome-indicator"),
              ("目標指標", "target-indicator"))
_ARROWS = "↑↓→↗↘"


def _role(cell: str) -> str | None:
    text = compact(cell)
    return next((role for word, role in ROLE_WORDS if text.startswith(word)), None)


def header_columns(line: Line) -> tuple[list[tuple[str, dict]], list[dict]] | None:
    """Role columns [(role, {fiscal_year: …})] and year columns of a header row, or None."""
    roles, years = [], []
    for cell in line.cells:
        role = _role(cell)
        year = year_of_header(cell)
        if role:
            roles.append((role, dict([year]) if year else {}))
        elif year and re.fullmatch(r"\d{4}年度?", compact(cell)):
            years.append(dict([year]))
    return (roles, years) if roles else None


def _is_heading_cell(cell: str, outline: Outline, line: Line) -> bool:
    element = outline.element_at(line.number)
    return bool(re.match(r"^\s*[(（]\s*\d+\s*[)）]", cell)) or any(
        compact(cell) == compact((h.record.get("number") or "") + h.record["label"])
        for h in outline.headings if h.record["id"] == element)


def _status(fields: dict, cell: str) -> None:
    text = cell.strip()
    trend = next((c for c in text if c in _ARROWS), None)
    status = text.replace(trend, "").strip() if trend else text
    fields["status"] = status
    if trend:
        fields["trend"] = trend


def _caption(doc: Document, header: Line) -> list[Line]:
    """The non-blank lines just above a table (its caption), up to a blank line after text."""
    out: list[Line] = []
    for line in reversed(doc.lines[: header.number - 1]):
        if line.blank:
            if out:
                break
            continue
        if line.is_table_row or len(out) >= 2:
            break
        out.insert(0, line)
    return out


def read_indicators(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                    found: Proposals, lines: list[Line]) -> None:
    allowed = {l.number for l in lines}
    i = 0
    while i < len(doc.lines):
        line = doc.lines[i]
        i += 1
        if line.number not in allowed or not line.is_table_row:
            continue
        columns = header_columns(line)
        if not columns:
            continue
        roles, years = columns
        caption = _caption(doc, line)
        words = compact(" ".join(l.raw for l in [*caption, doc.lines[line.number - 2], line]))
        kind = next((k for w, k in KIND_WORDS if w in words), reader.indicator_kind or "target-indicator")
        prefix = ""
        if reader.caption_prefix and caption and compact(caption[0].raw).endswith(compact(reader.caption_prefix)):
            prefix = label_of(caption[0].raw, profile) + " "
        indicator: dict | None = None
        cited: list[int] = []
        while i < len(doc.lines) and doc.lines[i].is_table_row and header_columns(doc.lines[i]) is None:
            row = doc.lines[i]
            i += 1
            indicator, cited = _read_row(row, line, roles, years, indicator, cited, prefix, caption,
                                         kind, profile, outline, found)
        if indicator is not None:
            indicator["lines"] = cite_in_order(*cited)


def _read_row(row: Line, header: Line, roles, years, indicator, cited, prefix, caption, kind,
              profile: Profile, outline: Outline, found: Proposals):
    cells = [c for c in row.cells]
    marker_at = next((k for k, c in enumerate(cells) if compact(c) in MARKERS), None)
    before = cells[:marker_at] if marker_at is not None else cells
    content = [c for c in before if c and not _is_heading_cell(c, outline, row)]
    if content and compact(content[0]).startswith("※") and indicator is not None:
        indicator.setdefault("footnotes", []).append(content[0].strip())
        cited.append(row.number)
        return indicator, cited
    if content and number(content[0]) is None and not compact(content[0]).startswith("-"):
        if indicator is not None:
            indicator["lines"] = cite_in_order(*cited)
        label, unit = unit_in_label(content[0])
        indicator = {"id": "", "lines": None, "plan": profile.plan, "kind": kind}
        element = outline.element_at(row.number)
        if element:
            indicator["measures_refs"] = [element]
        indicator["label"] = prefix + label_of(label, profile)
        if unit:
            indicator["unit"] = unit
        indicator["observations"] = []
        n = len(found.of("indicators")) + 1
        indicator["id"] = f"{kind}-{n:02d}"
        found.add("indicators", indicator, "kpi")
        cited = [caption[0].number, row.number, header.number] if prefix else [header.number, row.number]
        for (role, year), cell in zip(roles, content[1:]):
            for fields in read_cell(cell):
                _observe(indicator, role, year, fields, [header.number, row.number])
    elif indicator is None:
        return indicator, cited
    else:
        cited.append(row.number)
    if marker_at is not None:
        marker = MARKERS[compact(cells[marker_at])]
        values = [c for c in cells[marker_at + 1:] if c.strip()]
        for year, cell in zip(years, values):
            if marker == "status":
                actual = next((o for o in indicator["observations"]
                               if o["role"] == "actual" and o.get("fiscal_year", o.get("year")) in year.values()), None)
                if len(compact(cell)) > 8 or actual is None:
                    indicator.setdefault("footnotes", []).append(cell.strip())
                else:
                    _status(actual, cell)
                    actual["lines"] = cite(*_as_list(actual["lines"]), row.number)
                continue
            for fields in read_cell(cell):
                _observe(indicator, marker, year, fields, [header.number, row.number])
        if marker == "status" and len(values) < len(years) and values and len(compact(values[0])) > 8:
            pass
    return indicator, cited


def _as_list(lines) -> list[int]:
    return lines if isinstance(lines, list) else [lines]


def _observe(indicator: dict, role: str, year: dict, fields: dict, lines: list[int]) -> None:
    obs = {"role": role, **year, **fields}
    unit = obs.get("unit")
    if unit and indicator.get("unit") is None:
        indicator["unit"] = unit
    if unit and unit == indicator.get("unit") and "comparison" not in obs:
        del obs["unit"]
    obs["lines"] = cite(*lines)
    indicator["observations"].append(obs)
