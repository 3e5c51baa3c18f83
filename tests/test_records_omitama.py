"""Completeness and spot values of the records of omitama-later-basic-plan-sections.

Source: sources/003_f8f0840ac5b80e2a.txt (Omitama later basic plan, 第1節 and 第2節).
"""

from __future__ import annotations
from collections import Counter
from decimal import Decimal
from pathlib import Path
import pytest
import yaml
from mappings.records.files import load_records

ROOT = Path(__file__).resolve().parents[1]
DOC = "omitama-later-basic-plan-sections"
PLAN = "omitama-later-basic-plan"


@pytest.fixture(scope="module")
def records():
    return load_records(ROOT / "data")


def by_id(records, kind):
    return {r.record.id: r.record for r in records.of(kind, DOC)}


def test_plan(records):
    plans = by_id(records, "plans")
    plan = plans[PLAN]
    assert (plan.kind, plan.city, plan.title) == ("basic-plan", "082368", "小美玉市総合計画後期基本計画")
    assert plan.positioned_under_ref == "omitama-comprehensive-plan"
    assert len(plans) == 10
    outline2 = plans["omitama-administrative-fiscal-reform-outline-2"]
    assert (outline2.adopted, outline2.previous_ref) == ("2010", "omitama-administrative-fiscal-reform-outline")
    assert plans["omitama-administrative-fiscal-reform-outline"].adopted == "2006"
    assert plans["omitama-administrative-reform-action-plan"].based_on_ref == outline2.id


def test_sections(records):
    elements = by_id(records, "elements")
    goals = [e for e in elements.values() if e.kind == "goal"]
    assert [(g.number, g.label) for g in goals] == [("第1節", "開かれた行政の推進"), ("第2節", "効率的な行財政の運営")]
    assert all(g.plan == PLAN and g.parent_ref is None and g.basic_policy for g in goals)
    # 現況と課題: five paragraphs in each section
    assert [len(g.issues) for g in goals] == [5, 5]
    assert elements["section-1"].basic_policy.endswith("市民と行政との信頼関係の確立を目指します。")
    assert elements["section-2"].issues[3].startswith("一方，国の三位一体改革や地方分権の推進により")
    assert "月一回発行している「広報おみたま」" in elements["section-1"].issues[1]


def test_measures_and_sub_items(records):
    elements = by_id(records, "elements")
    measures = [e for e in elements.values() if e.kind == "measure"]
    assert Counter(m.parent_ref for m in measures) == {"section-1": 3, "section-2": 7}
    assert [m.number for m in measures] == ["7101", "7102", "7103"] + [f"72{i:02d}" for i in range(1, 8)]
    actions = [e for e in elements.values() if e.kind == "action"]
    assert len(actions) == 35
    per_measure = Counter(elements[a.parent_ref].number for a in actions)
    assert per_measure == {
        "7101": 5, "7102": 6, "7103": 3,
        "7201": 3, "7202": 6, "7203": 4, "7204": 2, "7205": 2, "7206": 2, "7207": 2,
    }
    circled = "①②③④⑤⑥"
    for measure in measures:
        numbers = [a.number for a in actions if a.parent_ref == measure.id]
        assert numbers == list(circled[: len(numbers)])
        # the measure's text is its sub-items as printed, in order
        assert measure.text == "".join(a.number + a.label for a in actions if a.parent_ref == measure.id)
    assert all(e.label_en for e in elements.values())


def test_measure_spot_values(records):
    elements = by_id(records, "elements")
    assert elements["measure-7203"].label == "行政評価の推進と事務事業の改善"
    assert elements["measure-7102-4"].label == "茨城県域統合型地理情報システム（ＧＩＳ）の利用促進に努めます。"
    m7207 = elements["measure-7207"]
    assert (m7207.label, m7207.parent_ref) == ("広域行政の推進", "section-2")
    assert m7207.text.startswith("①行政区域を越える広域的な課題に対応するため，関係自治体と連携・協力関係の維持発展に努め")
    assert m7207.text.endswith("②多様化，高度化及び広域化する行政課題に対応するため，周辺自治体との連携を図りながら一部事務組合の充実と効率的運営を推進します。")
    assert elements["measure-7201-3"].related_refs == ["omitama-gyosei-soshiki-kento-iinkai"]


def obs(indicator, role):
    (found,) = [o for o in indicator.observations if o.role == role]
    return found


def test_policy_targets(records):
    indicators = by_id(records, "indicators")
    assert len(indicators) == 6
    assert Counter(i.measures_refs[0] for i in indicators.values()) == {"section-1": 3, "section-2": 3}
    assert all(i.kind == "target-indicator" and i.plan == PLAN for i in indicators.values())
    assert all(len(i.observations) == 2 and len(i.footnotes) == 1 for i in indicators.values())

    satisfaction = indicators["dialogue-satisfaction"]
    current = obs(satisfaction, "current")
    assert (current.value, current.value_text, current.refers_to_fiscal_year) == (None, "住民意識調査未実施のため不明", "2011")
    assert obs(satisfaction, "target").value == 70

    proposals = indicators["policy-proposals"]
    assert (obs(proposals, "current").value, obs(proposals, "current").refers_to_fiscal_year) == (185, "2009")
    assert (obs(proposals, "target").value, proposals.unit) == (50, "件")

    views = indicators["website-top-page-views"]
    assert (obs(views, "current").value, obs(views, "target").value) == (149369, 300000)

    ratio = indicators["ordinary-balance-ratio"]
    assert obs(ratio, "current").value == Decimal("76.7")
    assert obs(ratio, "current").refers_to_fiscal_year == "2010"
    assert (obs(ratio, "target").value, obs(ratio, "target").value_text) == (85, "85％以下")

    achievement = indicators["later-plan-achievement-rate"]
    assert (obs(achievement, "current").value_text, obs(achievement, "target").value) == ("―", 100)

    fund = indicators["fiscal-adjustment-fund-balance"]
    assert (obs(fund, "current").value, obs(fund, "target").value, fund.unit) == (23, 31, "億円")


def test_organizations_and_events(records):
    orgs = by_id(records, "organizations")
    assert list(orgs) == ["omitama-gyosei-soshiki-kento-iinkai"]
    assert (orgs["omitama-gyosei-soshiki-kento-iinkai"].kind, orgs["omitama-gyosei-soshiki-kento-iinkai"].city) == ("committee", "082368")
    events = by_id(records, "events")
    assert {(e.date, e.label) for e in events.values()} == {
        ("2008", "小美玉市情報セキュリティ基本方針を改正"),
        ("2015", "普通交付税の合併算定替終了"),
    }


def test_references_resolve(records):
    elements = by_id(records, "elements")
    plans = by_id(records, "plans")
    orgs = by_id(records, "organizations")
    for e in elements.values():
        assert e.parent_ref is None or e.parent_ref in elements
        assert all(ref in orgs for ref in e.related_refs)
    for i in by_id(records, "indicators").values():
        assert all(ref in elements for ref in i.measures_refs)
    for p in plans.values():
        for ref in (p.positioned_under_ref, p.based_on_ref, p.previous_ref):
            assert ref is None or ref in plans
    for e in by_id(records, "events").values():
        assert e.subject_ref is None or e.subject_ref in plans


def test_competency_answers_match_records(records):
    """The competency answers that can be read straight off the records agree with them."""
    questions = {q["id"]: q for q in yaml.safe_load((ROOT / "tests" / "competency" / f"{DOC}.yaml").read_text(encoding="utf-8"))}
    assert len(questions) >= 6
    elements = by_id(records, "elements")
    section2 = [{"code": e.number, "label": e.label} for e in elements.values() if e.kind == "measure" and e.parent_ref == "section-2"]
    assert questions["omitama-section2-measures"]["answer"] == section2
    items = [{"number": e.number, "text": e.label} for e in elements.values() if e.parent_ref == "measure-7207"]
    assert questions["omitama-measure-7207-items"]["answer"] == items
    indicators = by_id(records, "indicators")
    rows = []
    for ind in indicators.values():
        if ind.measures_refs == ["section-1"]:
            current, target = obs(ind, "current"), obs(ind, "target")
            rows.append({
                "indicator": ind.label,
                "current_value": None if current.value is None else int(current.value),
                "current_value_text": current.value_text,
                "current_refers_to_fiscal_year": current.refers_to_fiscal_year,
                "target_value": int(target.value),
                "unit": ind.unit,
            })
    assert questions["omitama-section1-targets"]["answer"] == rows
