"""Extract the figures of 水戸市コミュニティ推進計画（第3次） into data/mito-community-plan-3/statistics.yaml.

Tables 1–7 (tab-separated in the source) give one record per cell; the sentence
figures (the number of 地区会, the 2012 survey of 地区会, …) are read from their
lines with patterns.  Every value is parsed from the source text, never typed in,
and the script stops if a line no longer has the expected shape.

    .venv/bin/python scripts/extract_mito_community_plan_3.py
"""

from __future__ import annotations
import re
import sys
from decimal import Decimal
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mappings.records.normalize import compact, parse_number  # noqa: E402

DOCUMENT = "mito-community-plan-3"
SOURCE = ROOT / "sources" / "004_7847c99a1ba2c220.txt"
OUT = ROOT / "data" / DOCUMENT / "statistics.yaml"

COUNCIL = "mito-sumiyoi-machizukuri-suishin-kyogikai"
SHIMIN_SEIKATSU = "水戸市市民生活課"

# measure as printed → id slug
MEASURE_SLUGS = {
    "世帯数": "households",
    "加入世帯数": "member-households",
    "加入率": "membership-rate",
    "町内会加入率": "membership-rate",
    "回数": "sessions",
    "参加人数": "participants",
    "作成地区数": "districts",
}

# Tables whose rows are fiscal years: (dataset, title line, header line, first row, last row, source line, subject)
YEAR_ROW_TABLES = [
    ("table-2", 164, 166, 167, 171, 173, "mito-chonaikai-jichikai"),
    ("table-3", 183, 185, 186, 190, 192, "mito-community-plan-2"),
    ("table-4", 214, 216, 217, 220, 222, "mito-community-plan-2"),
    ("table-5", 254, 256, 257, 260, 262, "mito-chikukai"),
    ("table-6", 266, 268, 269, 272, 274, "mito-community-plan-2"),
    ("table-7", 276, 278, 279, 282, 284, "mito-community-plan-2"),
]


class Dumper(yaml.SafeDumper):
    """Readable output: no anchors, short lists (``lines``) on one line, dates quoted."""

    def ignore_aliases(self, data) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list):
    flow = all(not isinstance(v, (dict, list)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = '"' if re.fullmatch(r"\d{4}(-\d{2})*", data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


Dumper.add_representer(list, _represent_list)
Dumper.add_representer(str, _represent_str)


class Shape(ValueError):
    """A source line that does not look as expected."""


def read_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


def line(lines: list[str], n: int) -> str:
    return lines[n - 1]


def table_title(text: str) -> str:
    """The title without its 表 N prefix, PDF spacing removed (the check ignores white space)."""
    m = re.fullmatch(r"表\s*\d+\s*(.+)", compact(text))
    if not m:
        raise Shape(f"not a table title: {text!r}")
    return m.group(1)


def source_note(text: str) -> str:
    m = re.fullmatch(r"[(（]資料[：:](.+)[)）]", compact(text))
    if not m:
        raise Shape(f"not a (資料：…) line: {text!r}")
    return m.group(1)


def fiscal_year(cell: str) -> str:
    m = re.match(r"(\d{4})\s*[（(]平成\s*\d+[）)](?:年度)?$", cell.strip())
    if not m:
        raise Shape(f"not a fiscal year cell: {cell!r}")
    return m.group(1)


def value_and_unit(cell: str, unit: str | None = None) -> tuple[int | float, str]:
    """A cell such as ``84.6%``, ``5 回`` or ``95,250`` (unit from the table head)."""
    text = compact(cell)
    m = re.fullmatch(r"([\d,]+(?:\.\d+)?)(%|回|人|地区)?", text)
    if not m or not (m.group(2) or unit):
        raise Shape(f"not a value cell: {cell!r}")
    return number(parse_number(m.group(1))), m.group(2) or unit


def number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)


def table_1(lines: list[str]) -> list[dict]:
    """表1: years across, three measures down; counts in 世帯 (単位：世帯), the rate in %."""
    title_n, unit_n, head_n, rows, source_n = 129, 131, 133, range(134, 137), 138
    unit_m = re.fullmatch(r"単位[：:](.+)", compact(line(lines, unit_n)))
    if not unit_m:
        raise Shape(f"line {unit_n}: no unit")
    head = line(lines, head_n).split("\t")
    if compact(head[0]) != "年度":
        raise Shape(f"line {head_n}: unexpected header {head!r}")
    years = [fiscal_year(c) for c in head[1:]]
    title, source = table_title(line(lines, title_n)), source_note(line(lines, source_n))
    out = []
    for n in rows:
        cells = line(lines, n).split("\t")
        measure = compact(cells[0])
        if len(cells) != len(years) + 1:
            raise Shape(f"line {n}: {len(cells)} cells for {len(years)} years")
        for year, cell in zip(years, cells[1:]):
            value, unit = value_and_unit(cell, unit_m.group(1))
            out.append(record("table-1", f"fy{year}-{MEASURE_SLUGS[measure]}", [title_n, unit_n, head_n, n, source_n],
                              title, measure, value, unit, year, source, "mito-chonaikai-jichikai"))
    return out


def year_row_table(lines: list[str], dataset: str, title_n: int, head_n: int, first: int, last: int,
                   source_n: int, subject: str) -> list[dict]:
    head = [compact(c) for c in line(lines, head_n).split("\t")]
    if head[0] != "年度":
        raise Shape(f"line {head_n}: unexpected header {head!r}")
    title, source = table_title(line(lines, title_n)), source_note(line(lines, source_n))
    out = []
    for n in range(first, last + 1):
        cells = line(lines, n).split("\t")
        if len(cells) != len(head):
            raise Shape(f"line {n}: {len(cells)} cells, header has {len(head)}")
        year = fiscal_year(cells[0])
        for measure, cell in zip(head[1:], cells[1:]):
            value, unit = value_and_unit(cell)
            out.append(record(dataset, f"fy{year}-{MEASURE_SLUGS[measure]}", [title_n, head_n, n, source_n],
                              title, measure, value, unit, year, source, subject))
    return out


def record(dataset: str, key: str, lines: list[int], table: str, measure: str, value, unit: str,
           year: str, source: str, subject: str) -> dict:
    return {
        "id": f"{dataset}-{key}",
        "lines": lines,
        "dataset": dataset,
        "table": table,
        "measure": measure,
        "value": value,
        "unit": unit,
        "fiscal_year": year,
        "dimensions": {"資料": source},
        "subject_ref": subject,
    }


def sentence_figures(lines: list[str]) -> list[dict]:
    """Figures stated in sentences (no table)."""
    out = []

    m = re.search(r"地区会は、現在、(\d+)団体あります", compact(line(lines, 107)))
    if not m:
        raise Shape("line 107: no count of 地区会")
    out.append({
        "id": "chikukai-count", "lines": 107, "dataset": "chikukai-count",
        "measure": "水戸市住みよいまちづくり推進協議会を構成する地区会",
        "value": int(m.group(1)), "unit": "団体", "subject_ref": "mito-chikukai",
    })

    m = re.search(r"現在では、(\d+)の地区会で地域住民による事務局が設置", compact(line(lines, 48)))
    if not m:
        raise Shape("line 48: no count of 地区会 with a secretariat")
    out.append({
        "id": "chikukai-with-resident-secretariat", "lines": 48, "dataset": "chikukai-with-resident-secretariat",
        "measure": "地区会で地域住民による事務局が設置", "value": int(m.group(1)), "unit": "地区会",
        "subject_ref": "mito-chikukai",
    })

    m = re.search(r"内原中央公民館を除く(\d+)箇所の施設の名称を「市民センター」に一本化", compact(line(lines, 292)))
    if not m:
        raise Shape("line 292: no count of 市民センター")
    out.append({
        "id": "shimin-center-renamed", "lines": 292, "dataset": "shimin-center-renamed",
        "measure": "名称を「市民センター」に一本化", "value": int(m.group(1)), "unit": "箇所",
        "dimensions": {"除く": "内原中央公民館"},
    })

    # 2012年12月 survey of the 地区会 by the council's 自治部会: reasons why residents do not join.
    survey = "地区会等運営に関するアンケート"
    groups = [
        # (line(s) cited, line holding the figures, who does not join, slug, note lines, note)
        ([123], 123, "未加入世帯", "non-member-households",
         "その他の理由として、「不便を感じない」、「生活に支障がなく、行政情報もインターネットで得られる」、「活動が魅力に乏しい」となっています"),
        ([123, "125-127"], 125, "アパート・マンション等の住民", "apartment-residents",
         "その他の理由としては、「不便を感じない」、「定住意識が低い」、「集合アパートの場合、ごみ処理や街路灯などの設備が完備されている」、"
         "「生活に支障がなく、行政情報はインターネットで得られるし、広報紙は、コンビニや銀行などで得られる」となっています"),
    ]
    reason_slugs = {"帰属意識が低い": "low-sense-of-belonging", "役が負担": "burden-of-office", "会費が負担": "burden-of-fees"}
    text_123 = compact(line(lines, 123))
    if survey not in text_123 or "2012(平成24)年12月" not in text_123:
        raise Shape("line 123: survey name or date changed")
    for cited, n, target, slug, note in groups:
        text = compact(line(lines, n))
        found = re.findall(r"「([^」]+)」が、?(\d+)地区(\d+)%", text)
        if len(found) != 3:
            raise Shape(f"line {n}: expected 3 reasons, found {found!r}")
        for reason, districts, percent in found:
            for unit, value in (("地区", int(districts)), ("%", int(percent))):
                out.append({
                    "id": f"survey-2012-{slug}-{reason_slugs[reason]}-{'districts' if unit == '地区' else 'percent'}",
                    "lines": cited, "dataset": "survey-2012-reasons-not-joining",
                    "table": survey, "measure": "住民が加入しない理由", "value": value, "unit": unit,
                    "date": "2012-12",
                    "dimensions": {"対象": target, "理由": reason},
                    "subject_ref": "mito-chonaikai-jichikai", "note": note,
                })
    return out


def main() -> None:
    lines = read_lines()
    records = table_1(lines)
    for spec in YEAR_ROW_TABLES:
        records += year_row_table(lines, *spec)
    records += sentence_figures(lines)
    ids = [r["id"] for r in records]
    if len(ids) != len(set(ids)):
        raise Shape("duplicate ids")
    header = f"# Generated by scripts/extract_mito_community_plan_3.py from sources/{SOURCE.name}; do not edit by hand.\n"
    body = yaml.dump(records, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + body, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(records)} records")


if __name__ == "__main__":
    main()
