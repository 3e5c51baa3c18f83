"""The value reader: one table cell as printed → value, unit, the year it refers to, note, subgroup.

>>> read_cell("144,529 (2017年度)")
[{'value': Decimal('144529'), 'refers_to_fiscal_year': '2017'}]
>>> read_cell("0.6%増/年")
[{'value': Decimal('0.6'), 'value_text': '0.6%増/年', 'unit': '%', 'comparison': '増/年'}]
>>> read_cell("[小6]+2.0 [中3]+3.0")[1]
{'value': Decimal('3.0'), 'value_text': '[中3]+3.0', 'breakdown': '中3'}
>>> read_cell("未算出※ (2021年)")
[{'value_text': '未算出※', 'status_code': 'not-computed', 'refers_to_year': '2021'}]
>>> read_cell("▲107 (2018年)")
[{'value': Decimal('-107'), 'refers_to_year': '2018'}]
"""

from __future__ import annotations
import re
from decimal import Decimal
from mappings.records.normalize import compact, dates_in, nfkc

_NUMBER = re.compile(r"^(?P<sign>[▲△+\-−])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?")
_REFERS = re.compile(r"[(（](?P<text>[^()（）]*?(?:\d{4}|(?:[RHS]|令和?|平成?|昭和?)\s*(?:\d{1,2}|元))[^()（）]*?)[)）]")
_BREAKDOWN = re.compile(r"\[(?P<group>[^\]]+)\](?P<rest>[^\[]+)")
COMPARISONS = ("増/年", "減/年", "以上", "以下", "未満", "超")
STATUS_WORDS = {"未算出": "not-computed", "不明": "unknown", "-": "not-printed", "－": "not-printed",
                "―": "not-printed", "—": "not-printed"}


def number(text: str) -> Decimal | None:
    """The number a cell starts with (commas, ▲ for minus), or None."""
    m = _NUMBER.match(compact(text))
    if not m:
        return None
    value = Decimal(m.group("num").replace(",", "") + (m.group("frac") or ""))
    return -value if m.group("sign") in ("▲", "△", "-", "−") else value


def _refers(text: str) -> tuple[dict, str]:
    """The (2017年度) / (2020年) a value is followed by, and the text without it."""
    out: dict = {}
    m = _REFERS.search(text)
    if m:
        years = sorted(d for d in dates_in(m.group("text")) if len(d) == 4)
        if years:
            key = "refers_to_fiscal_year" if "年度" in m.group("text") or not re.search(r"\d年", m.group("text")) \
                else "refers_to_year"
            out[key] = years[0]
            text = (text[:m.start()] + text[m.end():]).strip()
    return out, text


_DATED_VALUE = r"[▲△+\-−]?\d[\d,.]*[^\s()（）]*\s*[(（][^()（）]+[)）]"
_DATED_VALUES = re.compile(rf"^(?:※\s*)?(?P<first>{_DATED_VALUE})(?P<more>(?:\s+{_DATED_VALUE})+)$")


def read_cell(cell: str) -> list[dict]:
    """Observations' value fields of one cell (several when it prints subgroups: [小6]+2.0 [中3]+3.0).

    A cell of several values each with its own year, ``※ 302件/年(R元) 247件/年(R2)``, is the column's
    value (referring to its year) and the actual value of each further year:

    >>> [sorted(f.items()) for f in read_cell("※ 55件/年(R元) 46件/年(R2)")][1]
    [('fiscal_year', '2020'), ('role', 'actual'), ('unit', '件/年'), ('value', Decimal('46'))]
    """
    cell = cell.strip()
    if not cell:
        return []
    dated = _DATED_VALUES.match(cell)
    if dated:
        out = read_cell(dated.group("first"))
        for m in re.finditer(_DATED_VALUE, dated.group("more")):
            fields = read_cell(m.group(0))[0]
            year = fields.pop("refers_to_fiscal_year", None) or fields.pop("refers_to_year", None)
            if year is None or "value" not in fields:
                return out
            out.append({"role": "actual", "fiscal_year": year, **fields})
        return out
    groups = list(_BREAKDOWN.finditer(cell))
    if groups and cell.startswith("["):
        out = []
        for g in groups:
            for fields in read_cell(g.group("rest").strip()):
                fields["value_text"] = f"[{g.group('group')}]{g.group('rest').strip()}"
                fields["breakdown"] = g.group("group")
                out.append(fields)
        return out
    note = None
    if "※" in cell and not cell.startswith("※"):
        head, _, tail = cell.partition("※")
        if tail.strip() and not re.fullmatch(r"\s*[(（].*", tail):
            cell, note = head.strip(), "※" + tail.strip()
    groups_printed = re.findall(r"[(（][^()（）]*[)）]", cell)
    refers, rest = _refers(cell)
    if len(groups_printed) > 1:  # several bracketed remarks: the first year is referred to, all are noted
        rest = re.sub(r"\s*[(（][^()（）]*[)）]", "", rest).strip()
        note = " ".join(groups_printed) + (f" {note}" if note else "")
    fields: dict = {}
    value = number(rest)
    if value is None:
        fields["value_text"] = rest
        word = next((code for w, code in STATUS_WORDS.items()
                     if compact(rest).startswith(w) or (len(w) > 1 and w in compact(rest))), "in-words")
        fields["status_code"] = word
    else:
        fields["value"] = value
        suffix = compact(rest)[_NUMBER.match(compact(rest)).end():]
        comparison = next((c for c in COMPARISONS if suffix.endswith(c)), None)
        unit = suffix[: -len(comparison)] if comparison else suffix
        if comparison:
            fields["value_text"] = rest
        if unit:
            fields["unit"] = nfkc(unit)
        if comparison:
            fields["comparison"] = comparison
    fields.update(refers)
    if note:
        fields["note"] = note
    return [fields]


def unit_in_label(label: str) -> tuple[str, str | None]:
    """A label without its ``単位:X`` / ``(単位：X)``, and X.

    >>> unit_in_label("市民所得 単位:百万円")
    ('市民所得', '百万円')
    """
    m = re.search(r"[(（]?\s*単位\s*[:：]\s*(?P<unit>[^)）\s]+)\s*[)）]?\s*$", label)
    if not m:
        return label, None
    return label[:m.start()].strip(), nfkc(m.group("unit"))


def year_of_header(cell: str) -> tuple[str, str] | None:
    """(``fiscal_year`` or ``year``, YYYY) of a header cell: 目標値 (2024年度), 現状値 (R3), 2021年度.

    >>> year_of_header("現状値 (R3)"), year_of_header("2021年"), year_of_header("項目")
    (('fiscal_year', '2021'), ('year', '2021'), None)
    """
    years = sorted(d for d in dates_in(cell) if len(d) == 4)
    if not years:
        return None
    text = nfkc(cell)
    key = "year" if re.search(r"\d\s*年(?!度)", text) and "年度" not in text else "fiscal_year"
    return key, years[0]
