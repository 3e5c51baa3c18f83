"""Extract the 基幹業務システム一覧 table of mito-overview-2023 into data/mito-overview-2023/systems.yaml.

The table (source lines 342-361) has two column groups of (システム名, 業務主管課, 開始年月日) per line.
A blank 業務主管課 cell means the department of the row above in the same column group: such a
row records the department as printed on the row that prints it and cites both lines. A ※1/※2
mark after the start date refers to the notes at lines 363 and 365, which are cited and copied.

    .venv/bin/python scripts/extract_mito_overview_2023.py
"""

from __future__ import annotations
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mappings.records.normalize import clean_label, parse_era_date  # noqa: E402

SOURCE = ROOT / "sources" / "000_aa0e0500a0c233e5.txt"
OUT = ROOT / "data" / "mito-overview-2023" / "systems.yaml"
HEADER, FIRST, LAST = 342, 343, 361
NOTE_LINES = {"※1": 363, "※2": 365}
CITY = "082015"

DEPARTMENTS = {
    "市民課": "mito-shimin-ka",
    "市民税課": "mito-shiminzei-ka",
    "資産税課": "mito-shisanzei-ka",
    "国保年金課": "mito-kokuho-nenkin-ka",
    "障害福祉課": "mito-shogai-fukushi-ka",
    "こども政策課": "mito-kodomo-seisaku-ka",
    "介護保険課": "mito-kaigo-hoken-ka",
    "衛生事業課": "mito-eisei-jigyo-ka",
    "下水道総務課": "mito-gesuido-somu-ka",
    "学校管理課": "mito-gakko-kanri-ka",
    "幼児保育課": "mito-yoji-hoiku-ka",
    "選挙管理委員会事務局": "mito-senkyo-kanri-iinkai-jimukyoku",
    "農業委員会事務局": "mito-nogyo-iinkai-jimukyoku",
    "デジタルイノベーション課": "mito-dejitaru-inobeshon-ka",
}

# record ids: readable English slugs, one per system name as printed
SLUGS = {
    "住民基本台帳": "resident-register", "印鑑登録": "seal-registration",
    "個人住民税": "individual-residents-tax", "確定申告": "tax-return",
    "法人市民税": "corporate-municipal-tax", "軽自動車税": "light-vehicle-tax",
    "固定資産税": "fixed-asset-tax", "国民健康保険": "national-health-insurance",
    "国保資格管理": "nhi-eligibility", "国保給付": "nhi-benefits", "国保滞納対策": "nhi-arrears",
    "前期高齢者医療管理": "early-elderly-medical-care", "国民年金": "national-pension",
    "医療助成": "medical-subsidies", "成人病予防検診": "adult-disease-screening",
    "後期高齢者医療": "late-elderly-medical-care", "収納管理": "revenue-collection",
    "滞納整理": "arrears-collection", "口座管理": "account-management",
    "障害福祉": "disability-welfare", "特別児童扶養手当": "special-child-rearing-allowance",
    "児童手当": "child-allowance", "児童扶養手当": "child-rearing-allowance",
    "学童保育": "after-school-care", "介護保険料": "long-term-care-premiums",
    "し尿処理手数料": "night-soil-fees", "墓地管理料": "cemetery-fees",
    "下水道受益者負担金": "sewerage-beneficiary-charges", "学齢簿": "school-age-register",
    "就学援助": "school-attendance-aid", "給食費管理": "school-meal-fees",
    "子ども子育て支援": "child-and-childcare-support", "選挙": "elections",
    "農業政策": "agricultural-policy", "共通照会": "common-inquiry",
    "宛名管理": "address-management", "団体内統合宛名": "integrated-address",
    "マスター利用": "master-data",
}


def notes(lines: list[str]) -> dict[str, str]:
    """※N → the note text as printed after the mark (e.g. 'H24.7からオープン化')."""
    out = {}
    for mark, number in NOTE_LINES.items():
        text = clean_label(lines[number - 1])
        if not text.startswith(mark):
            raise SystemExit(f"line {number}: expected note {mark}, got {text!r}")
        out[mark] = text.removeprefix(mark).strip()
    return out


def records(lines: list[str]) -> list[dict]:
    note_text = notes(lines)
    header = lines[HEADER - 1].split("\t")
    if [clean_label(h) for h in header] != ["システム名", "業務主管課", "開始年月日"] * 2:
        raise SystemExit(f"line {HEADER}: unexpected table header {header!r}")
    out: list[list[dict]] = [[], []]
    for group in (0, 1):
        department, department_line = None, None
        for number in range(FIRST, LAST + 1):
            cells = lines[number - 1].split("\t")
            if len(cells) != 6:
                raise SystemExit(f"line {number}: expected 6 cells, got {cells!r}")
            name, dept, start = (clean_label(c) for c in cells[3 * group: 3 * group + 3])
            if dept:
                department, department_line = dept, number
            if department is None:
                raise SystemExit(f"line {number}: no department above {name!r}")
            m = re.fullmatch(r"(\S+)\s*(※\d)?", start)
            if not m:
                raise SystemExit(f"line {number}: unreadable start {start!r}")
            cited: list[int] = [HEADER] + sorted({department_line, number})
            rec = {
                "id": SLUGS[name],
                "lines": cited,
                "city": CITY,
                "label": name,
                "department": department,
                "department_ref": DEPARTMENTS[department],
                "started": parse_era_date(m.group(1)),
            }
            if m.group(2):
                rec["lines"] = cited + [NOTE_LINES[m.group(2)]]
                rec["note"] = note_text[m.group(2)]
            out[group].append(rec)
    return out[0] + out[1]


def dump(recs: list[dict]) -> str:
    head = (
        "# Generated by scripts/extract_mito_overview_2023.py from the 基幹業務システム一覧 table\n"
        "# (lines 342-365); do not edit by hand. A row with a blank 業務主管課 cell cites the row\n"
        "# above that prints its department.\n"
    )
    body = []
    for r in recs:
        lines = "[" + ", ".join(str(n) for n in r["lines"]) + "]"
        body.append(f"- id: {r['id']}\n  lines: {lines}\n  city: \"{r['city']}\"\n  label: {r['label']}\n"
                    f"  department: {r['department']}\n  department_ref: {r['department_ref']}\n"
                    f"  started: \"{r['started']}\"\n" + (f"  note: {r['note']}\n" if "note" in r else ""))
    return head + "".join(body)


def main() -> None:
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    recs = records(lines)
    if len({r["id"] for r in recs}) != len(recs):
        raise SystemExit("duplicate system ids")
    OUT.write_text(dump(recs), encoding="utf-8")
    print(f"wrote {len(recs)} systems to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
