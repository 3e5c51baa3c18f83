"""The project-table reader: 主な事業 tables with a 担当課 column and 新/重点/再掲 marks.

A row's label cell may hold several projects (a PDF merges cells): it is split where a space stands
between two Japanese names and after each name ending in 事業.  Its 担当課 cell then holds their
departments in the same order (a bracketed one belongs to the one before it): one for each project, or
fewer, the last carrying on to the remaining projects.  A blank 担当課 cell takes the department printed
next to it in the table (below by default: a merged cell prints its text on the last row; the profile
may say above), unless the row lost its leading blank cell and prints its department one cell early.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.organizations import department
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.records.normalize import compact

DEPARTMENT_HEADERS = ("担当課", "担当課所", "所管課", "担当部署")
FLAG_WORDS = {"重点": "priority", "新": "new"}


_ITEM = re.compile(r"\s*(?P<name>(?:新\s+)?.+?事業)(?P<notes>(?:\s*[(（][^()（）]*[)）])*)(?=\s|$)")


_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60々"
_NAME_GAP = re.compile(rf"(?<=[{_CJK})）])\s+(?=[{_CJK}(（])")
_DEPARTMENT_END = ("課", "室", "局", "所", "センター")


def _split_projects(cell: str) -> list[tuple[str, list[str]]]:
    """(name, parenthesised notes) of each project of one cell.

    >>> _split_projects("新 若者事業(若者の場づくり)(再掲) 恋活応援事業 交流センターの計画的な修繕")
    [('新 若者事業', ['若者の場づくり', '再掲']), ('恋活応援事業', []), ('交流センターの計画的な修繕', [])]
    >>> _split_projects("戦略的広報の推進 市報の編集力強化事業(デザインの強化) NPO 法人認証等事業")
    [('戦略的広報の推進', []), ('市報の編集力強化事業', ['デザインの強化']), ('NPO 法人認証等事業', [])]
    """
    chunks: list[str] = []
    for chunk in _NAME_GAP.split(cell.strip()):
        if chunks and chunks[-1] == "新":  # the mark of a new project, not a name
            chunks[-1] += " " + chunk
        else:
            chunks.append(chunk)
    return [item for chunk in chunks for item in _split_chunk(chunk)]


def _split_chunk(chunk: str) -> list[tuple[str, list[str]]]:
    out, rest = [], chunk.strip()
    while rest:
        m = _ITEM.match(rest)
        if not m:
            out.append((rest.strip(), []))
            break
        notes = re.findall(r"[(（]([^()（）]*)[)）]", m.group("notes"))
        out.append((m.group("name").strip(), notes))
        rest = rest[m.end():].strip()
    return out


def read_projects(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                  found: Proposals, lines: list[Line]) -> None:
    allowed = {l.number for l in lines}
    for header in lines:
        if not header.is_table_row:
            continue
        at = next((i for i, c in enumerate(header.cells) if compact(c) in DEPARTMENT_HEADERS), None)
        if at is None:
            continue
        rows = doc.rows_below(header, allowed)
        printed = [(r.number, r.cells[at].strip()) for r in rows if at < len(r.cells) and r.cells[at].strip()]
        for row in rows:
            _read_row(row, header, at, printed, reader, profile, outline, found)


def _department_groups(cell: str) -> list[list[str]]:
    """The departments of one 担当課 cell, a bracketed one joined to the one before it.

    >>> _department_groups("広報戦略課 女性若者支援課 (消費生活センター)")
    [['広報戦略課'], ['女性若者支援課', '消費生活センター']]
    """
    groups: list[list[str]] = []
    for token in cell.split():
        bracketed = re.fullmatch(r"[(（](.+)[)）]", token)
        if bracketed and groups:
            groups[-1].append(bracketed.group(1))
        else:
            groups.append([token])
    return groups


def _department_for(row: Line, at: int, printed, reader: Reader) -> tuple[str, int] | None:
    own = row.cells[at].strip() if at < len(row.cells) else ""
    if own:
        return own, row.number
    shifted = [c for c in row.cells[:at] if c.strip()]
    if len(shifted) > 1 and compact(shifted[-1]).endswith(_DEPARTMENT_END):
        return shifted[-1], row.number
    below = [(n, d) for n, d in printed if n > row.number]
    above = [(n, d) for n, d in printed if n < row.number]
    order = (above[::-1] + below) if reader.blank == "above" else (below + above[::-1])
    return (order[0][1], order[0][0]) if order else None


def _read_row(row: Line, header: Line, at: int, printed, reader: Reader, profile: Profile,
              outline: Outline, found: Proposals) -> None:
    cells = row.cells[:at]
    row_flags = [FLAG_WORDS[compact(c)] for c in cells if compact(c) in FLAG_WORDS and compact(c) != "新"]
    names = [c for c in cells if c.strip() and compact(c) not in FLAG_WORDS]
    dept = _department_for(row, at, printed, reader)
    if dept and dept[1] == row.number and names[-1:] == [dept[0]]:
        names = names[:-1]  # the department printed one cell early, not a project
    if not names:
        return
    groups = _department_groups(dept[0]) if dept else []
    parent = outline.element_at(row.number)
    for index, (name, notes) in enumerate(_split_projects(" ".join(names))):
        flags = list(row_flags) if index == 0 else []
        m = re.match(r"^\s*新\s+", name)
        if m:
            flags.append("new")
            name = name[m.end():]
        if "再掲" in notes:
            flags.append("relisted")
        text = "".join(f"({n})" for n in notes if n != "再掲")
        siblings = sum(1 for r in found.of("elements") if r.get("parent_ref") == parent and r["kind"] == reader.element_kind)
        template = reader.id or "{parent}-project-{n:02d}"
        record = {"id": template.format(parent=parent or "doc", n=siblings + 1), "lines": None,
                  "plan": profile.plan, "kind": reader.element_kind}
        if parent:
            record["parent_ref"] = parent
        record["label"] = label_of(name, profile)
        if text:
            record["text"] = label_of(text, profile)
        if flags:
            record["flags"] = [f for f in ("priority", "new", "relisted") if f in flags]
        cited = [header.number, row.number]
        if dept:
            own = groups[min(index, len(groups) - 1)] if len(groups) > 1 else [d for g in groups for d in g]
            refs = [department(label_of(d, profile), profile, found, dept[1]) for d in own]
            record["responsible_refs"] = refs
            cited.append(dept[1])
        record["lines"] = cite(*cited)
        found.add("elements", record, "projects")
