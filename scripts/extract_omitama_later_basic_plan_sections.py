"""Write data/omitama-later-basic-plan-sections/elements.yaml from the source text.

The two sections (第1節, 第2節) of Omitama's later basic plan: their basic policy (基本方針),
the paragraphs of 現況と課題, and the coded individual measures 《7101》…《7207》 with their
numbered sub-items ①②….  The PDF extraction breaks every sentence over several lines with
blank lines between, so the text is re-joined here rather than hand-copied; English labels are
kept in this script.  Deterministic: run from the repository root,

    .venv/bin/python scripts/extract_omitama_later_basic_plan_sections.py
"""

from __future__ import annotations
import re
import sys
import unicodedata
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "sources" / "003_f8f0840ac5b80e2a.txt"
OUT = ROOT / "data" / "omitama-later-basic-plan-sections" / "elements.yaml"
PLAN = "omitama-later-basic-plan"

SECTION = re.compile(r"^\s*第([１２12])節\s+(\S.*?)\s*$")
HEADING = re.compile(r"^\s*(基本方針|現況と課題|施策の目標|個別施策)\s*─")
MEASURE = re.compile(r"^\s*([１-９1-9])．\s*(\S.*?)\s*《(\d{4})》\s*$")
ITEM = re.compile(r"^([①-⑳])\s*(.*?)\s*$")

SECTION_EN = {
    "section-1": "Promotion of open administration",
    "section-2": "Efficient administrative and fiscal management",
}
MEASURE_EN = {
    "7101": "Promotion of regional informatisation",
    "7102": "Enhancement of information provision",
    "7103": "Enhancement of public hearing (listening to citizens)",
    "7201": "Promotion of administrative reform",
    "7202": "Promotion of sound fiscal management",
    "7203": "Promotion of administrative evaluation and improvement of administrative work",
    "7204": "Appropriate staff-number management and personnel evaluation",
    "7205": "Promotion of human resource development",
    "7206": "Effective use of city-owned property",
    "7207": "Promotion of wide-area administration",
}
ACTION_EN = {
    ("7101", "①"): "Follow trends in new information technology while enhancing the information infrastructure and keeping it running stably, and promote the application of information systems to operations.",
    ("7101", "②"): "Promote the use of electronic application and notification systems.",
    ("7101", "③"): "Put applications for public facilities, events and the like online, improving an environment in which citizens can use administrative services easily.",
    ("7101", "④"): "Provide information disclosure request forms over the Internet and manage documents and electronic information efficiently.",
    ("7101", "⑤"): "Strengthen information management systems under the City Information Security Measures Policy and raise every staff member's awareness of personal information protection, e.g. through training.",
    ("7102", "①"): "Build a system in which the administration itself actively provides information, such as on city policies, projects and budgets, 'disclosing administrative information in an easy-to-understand way'.",
    ("7102", "②"): "Devise public relations bulletins and a website that are easy to understand and approachable, to give citizens accurate information.",
    ("7102", "③"): "As a service to citizens and businesses, enable visually clear search and browsing of administrative information such as regulatory and statistical information.",
    ("7102", "④"): "Promote the use of the Ibaraki prefecture-wide integrated geographic information system (GIS).",
    ("7102", "⑤"): "Improve the audio edition of the public relations bulletin made for visually impaired people by strengthening cooperation with volunteer groups.",
    ("7102", "⑥"): "Enhance the city's outreach lectures on city administration, fostering citizens' understanding and promoting their participation in community development.",
    ("7103", "①"): "Reflect citizens' direct opinions in city administration, e.g. through opinion exchange meetings and hearings with organisations when plans are drawn up.",
    ("7103", "②"): "Enhance the city monitor system and continue the 'My Proposal' postcards and the Internet 'Opinions and proposals on city administration', to reflect citizens' voices widely.",
    ("7103", "③"): "Increase opportunities for the mayor to hear citizens' opinions directly.",
    ("7201", "①"): "Promote the 'Action Plan', the implementation plan under the 2nd Administrative and Fiscal Reform Outline, for efficient and effective administration, publish its progress, and reflect citizens' opinions when the plan is revised.",
    ("7201", "②"): "Reconsider the role of subsidies and revise them appropriately, respecting the autonomy of the organisations supported.",
    ("7201", "③"): "Examine, in the City Administrative Organisation Review Committee, a simple and efficient administrative organisation suited to socio-economic change, including the use of public facilities.",
    ("7202", "①"): "Promote planned and flexible fiscal management on a medium- and long-term outlook while observing the basic principle of balanced revenue and expenditure.",
    ("7202", "②"): "Analyse comprehensively, on accurate forecasts of fiscal scale and in view of socio-economic trends, to gauge an appropriate volume of projects and allocate revenue sources.",
    ("7202", "③"): "Secure own revenue sources such as taxes and fees, for stable fiscal management.",
    ("7202", "④"): "Fund public relations by carrying corporate advertisements in the bulletins and on the city website, and enrich their content further.",
    ("7202", "⑤"): "Assess and collect city taxes properly, publicise the tax system and how taxation works, deepen taxpayers' understanding and secure stable tax revenue.",
    ("7202", "⑥"): "Improve tax payment systems for citizens' convenience to widen the opportunities to pay city taxes, and step up the reduction of uncollected revenue.",
    ("7203", "①"): "Evaluate the policies and administrative work of each department every fiscal year and build the city's own easy-to-understand and transparent administrative evaluation system, to use limited administrative resources effectively.",
    ("7203", "②"): "Manage and review administrative work through the PDCA cycle of the evaluation system, linked with the budget, to provide high-quality services that meet citizens' needs.",
    ("7203", "③"): "Maintain the internal network and renew information equipment, to provide higher-quality services and make procedures more advanced and faster.",
    ("7203", "④"): "Consider one-stop counter services that meet diversifying residents' needs with a single, comprehensive service.",
    ("7204", "①"): "Manage staff numbers appropriately under the City Staff Number Management Plan.",
    ("7204", "②"): "Establish a fair and just personnel evaluation system so that every staff member can make full use of their abilities towards organisational goals and work with motivation and a sense of mission.",
    ("7205", "①"): "Under the City Basic Policy on Human Resource Development, build a human resource development system and environment and promote capability development that draws out staff abilities to the full.",
    ("7205", "②"): "Train staff able to respond appropriately to the administrative services of a changing age.",
    ("7206", "①"): "Draw up a City Property Utilisation Plan and use city property in a planned way, including the disposal of unused land.",
    ("7206", "②"): "Consider the appropriate allocation of public facilities comprehensively, taking account of future fiscal burdens and the service life of facilities.",
    ("7207", "①"): "Maintain and develop cooperative relations with the municipalities concerned and promote related policies, to deal with wide-area issues that cross administrative boundaries.",
    ("7207", "②"): "Enhance the partial-affairs associations (一部事務組合) and promote their efficient operation in cooperation with neighbouring municipalities, to deal with diversifying, more sophisticated and wider administrative issues.",
}
# Organisations named in a sub-item (organisations.yaml holds them).
ACTION_RELATED = {("7201", "③"): ["omitama-gyosei-soshiki-kento-iinkai"]}


def span(first: int, last: int) -> int | str:
    return first if first == last else f"{first}-{last}"


def joined(block: list[tuple[int, str]]) -> str:
    """Lines of one PDF paragraph as one string (Japanese needs no space at the breaks)."""
    return "".join(text.strip() for _, text in block)


def paragraphs(block: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split 現況と課題 into paragraphs: a paragraph's first line is indented by a space."""
    out: list[list[tuple[int, str]]] = []
    for number, text in block:
        if text[:1] in (" ", "\u3000") or not out:
            out.append([])
        out[-1].append((number, text))
    return out


def read_sections(lines: list[str]) -> list[dict]:
    """Group the non-blank lines by section and by heading within the section."""
    sections: list[dict] = []
    part = None
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip()
        if not text.strip():
            continue
        if m := SECTION.match(text):
            sections.append({"number": m.group(1), "label": m.group(2), "line": number, "parts": {}})
            continue
        if m := HEADING.match(text):
            part = m.group(1)
            sections[-1]["parts"][part] = []
            continue
        sections[-1]["parts"][part].append((number, text))
    return sections


def measure_records(section_id: str, block: list[tuple[int, str]]) -> list[dict]:
    measures: list[dict] = []
    for number, text in block:
        if m := MEASURE.match(text):
            measures.append({"code": m.group(3), "label": m.group(2), "line": number, "items": []})
        elif m := ITEM.match(text.strip()):
            measures[-1]["items"].append({"number": m.group(1), "lines": [(number, m.group(2))]})
        else:
            measures[-1]["items"][-1]["lines"].append((number, text))
    records = []
    for measure in measures:
        code, items = measure["code"], measure["items"]
        last = items[-1]["lines"][-1][0]
        records.append({
            "id": f"measure-{code}",
            "lines": span(measure["line"], last),
            "plan": PLAN,
            "kind": "measure",
            "parent_ref": section_id,
            "number": code,
            "label": measure["label"],
            "label_en": MEASURE_EN[code],
            # the sub-items as printed, so the measure's whole text is one description
            "text": "".join(item["number"] + joined(item["lines"]) for item in items),
        })
        for index, item in enumerate(items, start=1):
            record = {
                "id": f"measure-{code}-{index}",
                "lines": span(item["lines"][0][0], item["lines"][-1][0]),
                "plan": PLAN,
                "kind": "action",
                "parent_ref": f"measure-{code}",
                "number": item["number"],
                "label": joined(item["lines"]),
                "label_en": ACTION_EN[(code, item["number"])],
            }
            if (code, item["number"]) in ACTION_RELATED:
                record["related_refs"] = ACTION_RELATED[(code, item["number"])]
            records.append(record)
    return records


def build(lines: list[str]) -> list[dict]:
    records: list[dict] = []
    for section in read_sections(lines):
        number = unicodedata.normalize("NFKC", section["number"])
        section_id = f"section-{number}"
        parts = section["parts"]
        issues = paragraphs(parts["現況と課題"])
        records.append({
            "id": section_id,
            "lines": span(section["line"], issues[-1][-1][0]),
            "plan": PLAN,
            "kind": "goal",
            "number": f"第{number}節",
            "label": section["label"],
            "label_en": SECTION_EN[section_id],
            "basic_policy": joined(parts["基本方針"]),
            "issues": [joined(p) for p in issues],
        })
        records.extend(measure_records(section_id, parts["個別施策"]))
    return records


def main() -> int:
    records = build(SOURCE.read_text(encoding="utf-8").split("\n"))
    header = (
        "# Generated by scripts/extract_omitama_later_basic_plan_sections.py from "
        "sources/003_f8f0840ac5b80e2a.txt; do not edit by hand.\n"
    )
    body = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + body, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(records)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
