"""The key-value block reader: projects printed as rows of key and value (具体的事業 / 事業目的 /
実績・件数 / R4事業費(千円) 予算額 … 決算額 …), a block per project under the heading in effect."""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals, cite
from mappings.extract.text import Document, Line
from mappings.extract.values import number, unit_in_label, year_of_header
from mappings.records.normalize import compact, nfkc

# a key cell containing the word → the field (the first key starts a record)
DEFAULT_KEYS = {"具体的事業": "label", "事業目的": "purpose", "実績・件数": "results", "事業費": "budget"}
_AMOUNTS = {"予算額": "budget", "決算額": "settlement"}


def _budget(key: str, value: str, line: Line) -> dict | None:
    """One BudgetFigure: the year and unit from the key (R4事業費(千円)), the amounts from the value."""
    year = year_of_header(key)
    m = re.search(r"[(（]\s*(?P<unit>[^)）]+)\s*[)）]", key)
    if not year or not m:
        return None
    figure = {"fiscal_year": year[1]}
    for word, field in _AMOUNTS.items():
        found = re.search(re.escape(word) + r"\s*(?P<num>[▲△-]?[\d,]+(?:\.\d+)?)", nfkc(value))
        if found:
            figure[field] = number(found.group("num"))
    figure["unit"] = nfkc(m.group("unit"))
    figure["lines"] = line.number
    return figure if len(figure) > 3 else None


def read_blocks(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                found: Proposals, lines: list[Line]) -> None:
    keys = reader.columns or DEFAULT_KEYS
    start_key = next(iter(keys))
    record: dict | None = None
    cited: list[int] = []

    def close():
        if record is not None:
            record["lines"] = cite(*cited) if len(cited) == 1 else f"{min(cited)}-{max(cited)}"
            found.add("elements", record, "blocks")

    for line in lines:
        cells = [c for c in line.cells if c.strip()]
        if len(cells) < 2 or not line.is_table_row:
            continue
        key = next((k for k in keys if k in compact(cells[0])), None)
        if key is None:
            word = _AMOUNTS.get(compact(cells[0]))
            if word and record is not None and record.get("budget") and number(cells[1]) is not None:
                record["budget"][-1][word] = number(cells[1])  # an amount on a row of its own
                lines_of = record["budget"][-1]["lines"]
                record["budget"][-1]["lines"] = cite(*([lines_of] if isinstance(lines_of, int) else lines_of), line.number)
                cited.append(line.number)
            continue
        field, value = keys[key], " ".join(cells[1:])
        if key == start_key:
            close()
            parent = outline.element_at(line.number)
            n = sum(1 for r in found.of("elements") if r.get("parent_ref") == parent and r["kind"] == reader.element_kind) + 1
            record = {"id": (reader.id or "{parent}-project-{n}").format(parent=parent or "doc", n=n),
                      "lines": None, "plan": profile.plan, "kind": reader.element_kind}
            if parent:
                record["parent_ref"] = parent
            record["label"] = label_of(value, profile)
            cited = [line.number]
            continue
        if record is None:
            continue
        cited.append(line.number)
        if field == "budget":
            figure = _budget(cells[0], value, line)
            if figure:
                record.setdefault("budget", []).append(figure)
            else:
                found.miss("blocks", line, "a budget row without a year, a unit or an amount")
        else:
            record[field] = value.strip()
    close()
