"""The heading reader: element hierarchies by numbering pattern (第1節, 施策 6, 基本目標 IV, (1), ①, 《7101》).

Each level of a profile's hierarchy is a pattern with one number placeholder; a heading's parent is
the nearest heading of the level above.  A heading printed twice (a table of contents, a list of
policies before their pages, a cell of a KPI table) is one element citing every line it stands on.
"""

from __future__ import annotations
import re
import unicodedata
from dataclasses import dataclass, field
from mappings.extract.profile import Level, Profile
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.extract.labels import label_of
from mappings.records.normalize import compact

_SPACE = r"[ \t\u3000]*"
_TOKENS = {
    "n": r"(?P<num>[0-9０-９]+)",
    "roman": r"(?P<num>(?:[IVXＩＶＸ]|[\u2160-\u216b])+)(?![A-Za-zＡ-Ｚａ-ｚ])",
    "paren": r"(?P<num>[(（][0-9０-９]+[)）])",
    "circled": r"(?P<num>[\u2460-\u2473])",
    "kana": r"(?P<num>[ア-ン])(?=[ \t\u3000.．、])",
    "code": r"[《≪](?P<num>[0-9０-９]+)[》≫]",
    "skip": r"[0-9０-９]+",
    "bullet": r"(?P<num>[・●○◆■])",
    "label": r"(?P<label>.+?)",
}
_ROMAN = {"I": 1, "V": 5, "X": 10}
ROMAN_NUMERALS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_LEADING_MARKS = r"^[\s\-–•]*"


def literal(text: str) -> str:
    """A regular expression for printed text: each character or its full-width/NFKC twin, any spacing."""
    out = []
    for ch in text:
        if ch.isspace():
            out.append(_SPACE)
            continue
        twins = {ch, unicodedata.normalize("NFKC", ch)}
        if "!" <= ch <= "~":
            twins.add(chr(ord(ch) + 0xFEE0))
        out.append("[" + "".join(re.escape(t) for t in sorted(twins)) + "]")
    return "".join(out)


def compile_pattern(pattern: str) -> re.Pattern:
    """A heading pattern as a regular expression over the printed text (full-width forms accepted).

    >>> compile_pattern("基本目標 {roman}").match("基本目標Ⅳ 安全に暮らす").group("num", "label")
    ('Ⅳ', '安全に暮らす')
    >>> compile_pattern("第{n}節").match(" 第１節 開かれた行政の推進").group("num", "label")
    ('１', '開かれた行政の推進')
    """
    out, rest = [], pattern
    for part in re.split(r"(\{[a-z]+\})", pattern):
        if part.startswith("{") and part.endswith("}"):
            if part[1:-1] not in _TOKENS:
                raise ValueError(f"unknown placeholder {part} in heading pattern {pattern!r}")
            out.append(_TOKENS[part[1:-1]])
            continue
        out.append(literal(part))
        out.append(_SPACE)
    body = "".join(out)
    if "{label}" not in pattern:
        body += r"(?P<label>.*?)"
    return re.compile(_LEADING_MARKS + body + r"\s*$")


def number_value(printed: str) -> int:
    """The integer of a printed number: 7101, (1), ①, Ⅳ, IV, ア (the 1st kana of the iroha-less order).

    >>> [number_value(x) for x in ("１２", "(3)", "④", "Ⅳ", "IX", "ウ")]
    [12, 3, 4, 4, 9, 3]
    """
    text = unicodedata.normalize("NFKC", printed).strip("()")
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"[IVX]+", text):
        values = [_ROMAN[c] for c in text]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    if "ア" <= text <= "ン" and len(text) == 1:
        return "アイウエオカキクケコサシスセソタチツテト".index(text) + 1
    raise ValueError(f"not a number: {printed!r}")


def number_as_recorded(printed: str, template: str) -> str:
    """The number as records keep it: NFKC (circled kept), Roman numerals as their own characters."""
    text = printed if re.fullmatch(r"[\u2460-\u2473]", printed) else unicodedata.normalize("NFKC", printed)
    if re.fullmatch(r"[IVX]+", text):
        text = ROMAN_NUMERALS[number_value(text) - 1]
    return template.replace("{num}", text)


@dataclass
class Heading:
    level: int
    record: dict
    lines: list[int] = field(default_factory=list)
    subtitle: str | None = None
    proposed: bool = True


def make_id(template: str, kind: str, n: int, parent: str | None) -> str:
    if parent is None:
        template = template.replace("{parent}-", "").replace("{parent}", "")
    return template.format(kind=kind, n=n, parent=parent or "")


def _subtitle(doc: Document, after: int, patterns: list[re.Pattern]) -> tuple[str, list[int]] | None:
    """The paragraph after a heading (its non-blank lines up to a blank line), unless it is a heading."""
    lines: list[Line] = []
    for line in doc.lines[after:]:
        if line.blank:
            if lines:
                break
            continue
        if line.is_table_row or re.match(r"^\s*[-・▶]", line.raw) or any(p.match(line.raw) for p in patterns):
            break
        lines.append(line)
        if len(lines) > 3:
            return None
    if not lines:
        return None
    return "".join(l.raw.strip() for l in lines), [l.number for l in lines]


@dataclass
class Outline:
    """The headings read, and for every line the innermost element in effect there."""

    headings: list[Heading]
    context: dict[int, str]

    def element_at(self, line: int) -> str | None:
        return self.context.get(line)


def _sections(doc: Document, level) -> set[int] | None:
    if level.section is None:
        return None
    sections = level.section if isinstance(level.section, list) else [level.section]
    return {l.number for sec in sections for l in doc.within(doc.span(sec.start, sec.until))}


def _run_on(doc: Document, line: Line, label: str, patterns: list[re.Pattern]) -> tuple[str, list[int]]:
    """A label printed over several lines (a PDF line break inside a sentence) up to its 。."""
    cited = []
    for nxt in doc.lines[line.number:]:
        if label.rstrip().endswith("。"):
            break
        if nxt.blank:
            continue
        if nxt.is_table_row or any(p.match(nxt.raw) for p in patterns):
            break
        label += nxt.raw.strip()
        cited.append(nxt.number)
    return label, cited


def read_headings(doc: Document, profile: Profile, found: Proposals) -> Outline:
    """Elements of the profile's heading hierarchies, with their parents and cited lines."""
    headings: list[Heading] = []
    context: dict[int, tuple[int, str]] = {}
    for levels in [profile.headings, *profile.outlines]:
        if levels:
            _read_outline(doc, profile, levels, headings, context)
    for heading in headings:
        if heading.proposed:
            heading.record["lines"] = cite(*heading.lines)
            found.add("elements", heading.record, "headings")
    return Outline(headings, {line: ident for line, (_, ident) in context.items()})


def _read_outline(doc: Document, profile: Profile, levels: list[Level], out: list[Heading],
                  context: dict[int, tuple[int, str]]) -> None:
    alternatives = [[(compile_pattern(p if isinstance(p, str) else p.pattern),
                      None if isinstance(p, str) else _sections(doc, p))
                     for p in ([lv.pattern] if isinstance(lv.pattern, str) else lv.pattern)]
                    for lv in levels]
    patterns = [p for group in alternatives for p, _ in group]
    allowed = [_sections(doc, lv) for lv in levels]
    current: list[Heading | None] = [None] * len(levels)
    since: int = 0
    by_key: dict[tuple, Heading] = {}
    by_subtitle: dict[str, Heading] = {}

    def enter(heading: Heading, line: Line) -> None:
        nonlocal since
        current[heading.level] = heading
        current[heading.level + 1:] = [None] * (len(levels) - heading.level - 1)
        since = line.number

    for line in doc.lines:
        innermost = next((h for h in reversed(current) if h is not None and h.proposed), None)
        if innermost is not None and since >= context.get(line.number, (0, ""))[0]:
            context[line.number] = (since, innermost.record["id"])
        if line.blank:
            continue
        restated = by_subtitle.get(line.compact)
        if restated is not None and not line.is_table_row:
            enter(restated, line)
            restated.lines.append(line.number)
            context[line.number] = (line.number, restated.record["id"])
            continue
        for k, (level, group) in enumerate(zip(levels, alternatives)):
            if allowed[k] is not None and line.number not in allowed[k]:
                continue
            cells = line.cells if level.cells == "any" else line.cells[:1]
            m = next((m for c in cells for p, where in group
                      if (where is None or line.number in where) and (m := p.match(c))), None)
            if not m or not m.group("label").strip():
                continue
            parent = current[k - 1] if k else None
            if k and parent is None:
                continue
            printed_number = m.groupdict().get("num")
            try:
                n = number_value(printed_number) if printed_number else 0
            except ValueError:
                n = 0
            if not n:  # a bullet or an unnumbered heading (【事業名 …】): the next of its siblings
                n = 1 + sum(1 for key in by_key if key[:2] == (k, parent.record["id"] if parent else None))
            key = (k, parent.record["id"] if parent else None, n)
            heading = by_key.get(key)
            if heading is None:
                record = {"id": make_id(level.id, level.kind, n, parent.record["id"] if parent else None),
                          "lines": None, "plan": profile.plan, "kind": level.kind}
                if parent and levels[parent.level].propose:
                    record["parent_ref"] = parent.record["id"]
                if printed_number:
                    record["number"] = number_as_recorded(printed_number, level.number)
                label, more = m.group("label"), []
                if level.runs_on:
                    label, more = _run_on(doc, line, label, patterns)
                record["label"] = label_of(label, profile)
                heading = Heading(k, record, more, proposed=level.propose)
                by_key[key] = heading
                out.append(heading)
                if level.subtitle and (sub := _subtitle(doc, line.number, patterns)):
                    heading.subtitle = label_of(sub[0], profile)
                    heading.record["text"] = heading.subtitle
                    heading.lines.extend(sub[1])
                    by_subtitle[compact(sub[0])] = heading
            heading.lines.append(line.number)
            enter(heading, line)
            if level.propose:
                context[line.number] = (line.number, heading.record["id"])
            break
