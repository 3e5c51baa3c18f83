"""The indicator-block reader: targets printed as text blocks, as a PDF text extractor writes a
boxed layout (■label  現況(H24)  目標年次, a description, the current value, ▼, the target).

A block runs from its ■ line to the next ■ line, ※ line or heading; its description is the text up
to the first sentence end (。), the rest holds the values: before ▼ the current, after it the target.
A ※ line after a run of blocks is a footnote of each of them.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.kpi import ROLE_WORDS
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.extract.values import read_cell, year_of_header
from mappings.records.normalize import compact

_ROLE_AT = re.compile("|".join(f"{w}(?:[(（][^)）]*[)）])?" for w, _ in ROLE_WORDS))
_END = re.compile(r"^\s*(?:■|※)|─{3,}")


def _roles(text: str) -> list[tuple[str, dict]]:
    out = []
    for m in _ROLE_AT.finditer(text):
        role = next(r for w, r in ROLE_WORDS if m.group(0).startswith(w))
        year = year_of_header(m.group(0))
        out.append((role, dict([year]) if year else {}))
    return out


def read_indicator_blocks(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                          found: Proposals, lines: list[Line]) -> None:
    allowed = {l.number for l in lines}
    run: list[dict] = []
    i = 0
    while i < len(doc.lines):
        line = doc.lines[i]
        i += 1
        if line.number not in allowed:
            continue
        if line.raw.lstrip().startswith("※") and run:
            for indicator in run:
                indicator.setdefault("footnotes", []).append(line.raw.strip())
                indicator["lines"] = cite(*_lines(indicator["lines"]), line.number)
            run = []
            continue
        if not line.raw.lstrip().startswith("■"):
            if _END.search(line.raw) and not line.raw.lstrip().startswith(("■", "※")):
                run = []
            continue
        block = [line]
        while i < len(doc.lines) and not _END.search(doc.lines[i].raw):
            block.append(doc.lines[i])
            i += 1
        indicator = _read_block(block, profile, outline, found, reader)
        if indicator:
            run.append(indicator)


def _lines(spec) -> list[int]:
    return spec if isinstance(spec, list) else [spec]


def _read_block(block: list[Line], profile: Profile, outline: Outline, found: Proposals, reader: Reader) -> dict | None:
    texts = [l for l in block if not l.blank]
    head = texts[0].raw.strip().lstrip("■")
    roles = _roles(head)
    label_lines, rest = [texts[0]], texts[1:]
    role_lines: list[Line] = [texts[0]]
    label = _ROLE_AT.split(head)[0].strip()
    while not roles and rest:  # the label runs on until the line of the roles
        nxt = rest.pop(0)
        found_roles = _roles(nxt.raw)
        if found_roles:
            roles, role_lines = found_roles, [nxt]
            while rest and _roles(rest[0].raw):
                role_lines.append(rest[0])
                roles += _roles(rest.pop(0).raw)
            break
        label += nxt.raw.strip()
        label_lines.append(nxt)
    if len(roles) < 2:
        found.miss("kpi-blocks", block[0], "a ■ block without its 現況/目標 columns")
        return None
    description, values = [], []
    for l in rest:
        (values if description and description[-1].raw.strip().endswith(("。", "。）", "）")) and not values
         and _ended(description) or values else description).append(l)
    current_text, _, target_text = " ".join(l.raw.strip() for l in values).partition("▼")
    n = len(found.of("indicators")) + 1
    kind = reader.indicator_kind or "target-indicator"
    indicator = {"id": f"{kind}-{n:02d}", "lines": cite(*(l.number for l in block)), "plan": profile.plan,
                 "kind": kind}
    element = outline.element_at(block[0].number)
    if element:
        indicator["measures_refs"] = [element]
    indicator["label"] = label_of(label, profile)
    if description:
        indicator["description"] = "".join(l.raw.strip() for l in description)
    indicator["observations"] = []
    roles_lines = [l.number for l in role_lines]
    for (role, year), text in zip(roles, (current_text, target_text)):
        for fields in read_cell(text.strip()):
            obs = {"role": role, **year, **fields}
            unit = obs.pop("unit", None) if "comparison" not in fields else obs.get("unit")
            if unit and "unit" not in indicator:
                indicator["unit"] = unit
            if "comparison" in obs and obs.get("unit") == indicator.get("unit"):
                pass
            obs["lines"] = cite(*roles_lines, *(l.number for l in values))
            indicator["observations"].append(obs)
    found.add("indicators", indicator, "kpi-blocks")
    return indicator


def _ended(description: list[Line]) -> bool:
    return compact(description[-1].raw).endswith(("。", "。)", ")"))
