"""The sentence-figure reader: figures a sentence states in one of two fixed forms, named by the words
before them up to the clause's start (、 or 。):

- a target set: ``本市の2060年における人口の目標を245,000人と設定した`` → a target indicator, its year the
  label's year;
- a total in brackets: ``水戸市住みよいまちづくり推進協議会の地区（全34地区）`` → a statistic of 34 地区;
- a count stated of a subject: ``…を構成する地区会は、現在、32団体あります`` → a statistic of 32 団体.

Any other figure in running text is left to the curator: its measure is a reading of the sentence.
"""

from __future__ import annotations
import re
from mappings.extract.headings import Outline
from mappings.extract.labels import label_of
from mappings.extract.profile import Profile, Reader
from mappings.extract.proposals import Proposals
from mappings.extract.text import Document, Line
from mappings.extract.values import read_cell, year_of_header

_CLAUSE = r"(?:^|(?<=[、。，]))(?P<label>[^、。，「」（）()]+?)"
_TARGET = re.compile(_CLAUSE + r"を(?P<figure>\d[\d,]*(?:\.\d+)?[^\d、。と]{1,3})と(?:設定|定め)")
_TOTAL = re.compile(_CLAUSE + r"[（(]全(?P<figure>\d[\d,]*[^\d\s)）]{1,3})[)）]")
_COUNT = re.compile(_CLAUSE + r"は[、,](?:現在[、,])?(?P<figure>\d[\d,]*[^\d\s、。]{1,3})(?:あります|ある)")


def read_sentence_figures(doc: Document, profile: Profile, reader: Reader, outline: Outline,
                          found: Proposals, lines: list[Line]) -> None:
    for line in lines:
        if line.is_table_row:
            continue
        for m in _TARGET.finditer(line.compact):
            label, fields = label_of(m.group("label"), profile), read_cell(m.group("figure"))[0]
            year = year_of_header(label)
            if "value" not in fields or not label.endswith("目標") or not year:
                continue
            n = len(found.of("indicators")) + 1
            found.add("indicators", {"id": f"stated-target-{n:02d}", "plan": profile.plan, "lines": line.number,
                                     "kind": "target-indicator", "label": label, **_unit(fields),
                                     "observations": [{"role": "target", year[0]: year[1],
                                                       "value": fields["value"]}]}, "sentence-figures")
        for m in [*_TOTAL.finditer(line.compact), *_COUNT.finditer(line.compact)]:
            fields = read_cell(m.group("figure"))[0]
            if "value" not in fields:
                continue
            dataset = f"total-line-{line.number}"
            found.add("statistics", {"id": dataset, "lines": line.number, "dataset": dataset,
                                     "measure": label_of(m.group("label"), profile), "value": fields["value"],
                                     **_unit(fields)}, "sentence-figures")


def _unit(fields: dict) -> dict:
    return {"unit": fields["unit"]} if fields.get("unit") else {}
