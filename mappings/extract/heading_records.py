"""The heading-record reader: records named by the headings that introduce them, e.g.
``(1) 敦賀市（姉妹都市 昭和40年4月30日締結）`` → an agreement with its partner, kind and date.

The profile gives the heading as printed with a placeholder per field (``{paren} {partner}（{agreement}
{date}締結）``); a date field is read as an era or western date.  ``columns`` name figures of the paragraph
under the heading by the word printed before them (``人口: population`` reads 人口約35万人 as 350000)."""

from __future__ import annotations
import re
from mappings.extract.headings import Outline, _TOKENS, literal
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals
from mappings.extract.tables import DATE_FIELDS
from mappings.extract.text import Document, Line
from mappings.records.normalize import compact, parse_era_date, parse_number
from mappings.records.schema import KINDS


_FIGURE = r"(?:約|およそ)?(?P<n>\d[\d,]*(?:\.\d+)?(?:万|億)?)"
_DATE = r"(?:明治|大正|昭和|平成|令和|[明大昭平令MTSHR])?\s*(?:元|\d+)\s*年(?:\s*\d+\s*月(?:\s*\d+\s*日)?)?"


def _compile(pattern: str) -> re.Pattern:
    out = []
    for part in re.split(r"(\{_?[a-z_]+\})", pattern):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name in _TOKENS and name != "label":
                out.append(_TOKENS[name].replace("(?P<num>", "(?:"))
            elif name.startswith("_"):  # printed but not a field (締結 / 提携)
                out.append(r"\S+?")
            elif name in DATE_FIELDS:
                out.append(f"(?P<{name}>{_DATE})")
            else:
                out.append(f"(?P<{name}>.+?)")
        else:
            out.append(literal(part))
    return re.compile(r"^\s*" + "".join(out) + r"\s*$")


def read_heading_records(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                         found: Proposals, lines: list[Line]) -> None:
    kind = reader.record_kind
    if kind not in KINDS or not reader.heading:
        raise ValueError("reader heading-records needs record_kind (a record kind) and heading (the pattern)")
    pattern = _compile(reader.heading)
    model_fields = KINDS[kind].model_fields
    for line in lines:
        m = pattern.match(line.raw)
        if not m:
            continue
        record: dict = {"id": "", "lines": line.number}
        if "city" in model_fields:
            record["city"] = profile.city
        for field, value in m.groupdict().items():
            if field in DATE_FIELDS:
                try:
                    record[field] = parse_era_date(value)
                except ValueError:
                    found.miss("heading-records", line, f"no date in {value!r}")
            else:
                record[field] = label_of(value, profile)
        _figures_below(doc, line, reader.columns, record)
        n = len(found.of(kind)) + 1
        record["id"] = (reader.id or f"{kind}-{{n:02d}}").format(n=n)
        found.add(kind, record, f"heading-records:{kind}")


def _figures_below(doc: Document, heading: Line, columns: dict[str, str], record: dict) -> None:
    """The figures the paragraph under the heading prints after the words ``columns`` names."""
    paragraph = next((l for l in doc.lines[heading.number:heading.number + 3] if not l.blank), None)
    if paragraph is None or not columns:
        return
    for word, field in columns.items():
        if m := re.search(re.escape(compact(word)) + _FIGURE, paragraph.compact):
            record[field] = parse_number(m.group("n"))
            record["lines"] = [heading.number, paragraph.number]
