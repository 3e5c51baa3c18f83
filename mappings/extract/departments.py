"""The department-list reader: a heading such as 主に関係する課所 followed by departments separated by
、 (a department in brackets after another, 女性若者支援課(消費生活センター), is one more), which become a
field (related_refs by default) of the element in effect at the heading."""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.organizations import department
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.records.normalize import compact


def read_department_lists(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                          found: Proposals, lines: list[Line]) -> None:
    heading = compact(reader.heading or "主に関係する課所")
    field = reader.field or "related_refs"
    for line in lines:
        if not re.fullmatch(r"\d*" + re.escape(heading), line.compact):
            continue
        element = outline.element_at(line.number)
        elements = {r["id"]: r for r in found.of("elements")}
        target = elements.get(element)
        while reader.of_kind and target is not None and target["kind"] != reader.of_kind:
            target = elements.get(target.get("parent_ref"))  # the list belongs to an enclosing element
        body = next((l for l in doc.lines[line.number:line.number + 3] if not l.blank), None)
        if target is None or body is None:
            found.miss("departments", line, "a department list outside any element")
            continue
        names = [n for n in re.split(r"[、,，()（）\s]+", body.raw) if n.strip()]
        refs = [department(label_of(n, profile), profile, found, body.number) for n in names]
        target[field] = list(dict.fromkeys([*target.get(field, []), *refs]))
        spec = target["lines"] if isinstance(target["lines"], list) else [target["lines"]]
        target["lines"] = cite(*spec, line.number, body.number)
