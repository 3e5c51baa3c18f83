"""Records of 水戸市コミュニティ推進計画（第3次） (data/mito-community-plan-3): completeness by counts, spot values
read off the document, internal consistency of its tables, and the sync of the generated statistics file."""

from __future__ import annotations
from collections import Counter
from decimal import Decimal
from pathlib import Path
import pytest
from mappings.records.files import load_records, load_yaml, strip_lines

ROOT = Path(__file__).resolve().parents[1]
DOC = "mito-community-plan-3"
PLAN = "mito-community-plan-3"
PREVIOUS = "mito-community-plan-2"
# plans defined from another document (mito-overview-2023) that this document only refers to
EXTERNAL_PLANS = {"mito-comprehensive-plan-6"}


@pytest.fixture(scope="module")
def records():
    return load_records(ROOT / "data")


def by_id(records, kind):
    return {r.record.id: r.record for r in records.of(kind, DOC)}


def elements(records, plan):
    return {r.record.id: r.record for r in records.of("elements", DOC) if r.record.plan == plan}


def stat(records, record_id):
    return by_id(records, "statistics")[record_id]


# --- counts -----------------------------------------------------------------------

def test_plans(records):
    plans = by_id(records, "plans")
    assert set(plans) == {PLAN, PREVIOUS, "mito-community-plan-1", "mito-collaboration-plan-2"}
    plan = plans[PLAN]
    assert (plan.kind, plan.city, plan.period_start, plan.period_end) == ("sector-plan", "082015", "2015", "2023")
    assert plan.positioned_under_ref == "mito-comprehensive-plan-6"
    assert plan.previous_ref == PREVIOUS
    assert plans[PREVIOUS].previous_ref == "mito-community-plan-1"
    assert (plans[PREVIOUS].adopted, plans["mito-community-plan-1"].adopted) == ("2008", "1997")


def test_element_kinds_of_the_plan(records):
    kinds = Counter(e.kind for e in elements(records, PLAN).values())
    assert kinds == {"vision": 1, "goal": 5, "measure": 30, "role": 6}


def test_measures_per_basic_policy(records):
    els = elements(records, PLAN)
    per_policy = Counter(e.parent_ref for e in els.values() if e.kind == "measure")
    assert per_policy == {"basic-policy-1": 4, "basic-policy-2": 11, "basic-policy-3": 6,
                          "basic-policy-4": 3, "basic-policy-5": 6}
    # numbered (1)…(n) without gaps under each basic policy
    for policy, n in per_policy.items():
        numbers = [e.number for e in els.values() if e.parent_ref == policy]
        assert numbers == [f"({i})" for i in range(1, n + 1)]


def test_basic_policies(records):
    els = elements(records, PLAN)
    goals = [e for e in els.values() if e.kind == "goal"]
    assert [g.number for g in goals] == ["(1)", "(2)", "(3)", "(4)", "(5)"]
    assert all(g.basic_policy for g in goals)
    assert els["basic-policy-3"].label == "地域ぐるみの共助体制の確立"
    assert els["vision"].label == "協働でつくる持続可能な地域社会 地域力を未来へつなぐ安心・安全なまち 水戸"
    assert els["basic-policy-2-measure-5"].label == "一人一役運動の推進"


def test_roles(records):
    els = elements(records, PLAN)
    roles = {e.id: e for e in els.values() if e.kind == "role"}
    assert [roles[r].number for r in ("role-city", "role-council", "role-chikukai", "role-businesses-npos")] == [
        "(1)", "(2)", "(3)", "(4)"]
    assert roles["role-council"].responsible_refs == ["mito-sumiyoi-machizukuri-suishin-kyogikai"]
    assert roles["role-chikukai"].responsible_refs == ["mito-chikukai"]


def test_previous_plan_evaluation(records):
    els = elements(records, PREVIOUS)
    areas = {e.id for e in els.values() if e.kind == "goal"}
    assert areas == {"area-1", "area-2", "area-3"}
    items = Counter(e.parent_ref for e in els.values() if e.kind == "policy")
    assert items == {"area-1": 3, "area-2": 3, "area-3": 2}
    assert all(e.assessment and e.direction for e in els.values() if e.kind == "policy")
    assert els["principle"].label == "地域が元気、地域主役のまちづくり"


def test_target_indicators(records):
    indicators = by_id(records, "indicators")
    assert len(indicators) == 5
    assert sorted(i.measures_refs[0] for i in indicators.values()) == [f"basic-policy-{n}" for n in range(1, 6)]
    values = {
        i.id: [(o.role, o.fiscal_year, o.value, o.value_text) for o in i.observations] for i in indicators.values()
    }
    assert values["chonaikai-membership-rate"] == [
        ("current", "2013", Decimal("64.3"), None), ("target", "2023", Decimal("70"), None)]
    assert values["childcare-support-bases"] == [
        ("current", "2013", Decimal("28"), None), ("target", "2023", Decimal("43"), None)]
    assert values["community-room-centres"][1] == ("target", "2023", None, "全施設")
    target = indicators["community-plan-districts"].observations[1]
    assert (target.value_text, target.refers_to_fiscal_year) == ("全地区", "2015")


def test_statistics_counts(records):
    per_dataset = Counter(s.dataset for s in by_id(records, "statistics").values())
    assert per_dataset == {
        "table-1": 12, "table-2": 5, "table-3": 10, "table-4": 8, "table-5": 4, "table-6": 8, "table-7": 8,
        "survey-2012-reasons-not-joining": 12, "chikukai-count": 1, "chikukai-with-resident-secretariat": 1,
        "shimin-center-renamed": 1,
    }


def test_statistics_spot_values(records):
    assert stat(records, "table-1-fy2008-membership-rate").value == Decimal("71.5")
    assert stat(records, "table-1-fy2013-households").value == 116308
    assert stat(records, "table-3-fy2009-participants").value == 220
    assert stat(records, "table-7-fy2013-sessions").value == 16
    assert stat(records, "table-6-fy2013-participants").value == 299
    assert stat(records, "chikukai-count").value == 32
    assert stat(records, "table-3-fy2012-sessions").dimensions == {"資料": "水戸市市民生活課"}
    low = stat(records, "survey-2012-non-member-households-low-sense-of-belonging-districts")
    assert (low.value, low.unit, low.date) == (25, "地区", "2012-12")


def test_organizations_and_events(records):
    orgs = by_id(records, "organizations")
    assert len(orgs) == 21
    council = orgs["mito-sumiyoi-machizukuri-suishin-kyogikai"]
    assert council.established == "1996"
    assert sum(1 for o in orgs.values() if o.parent_ref == council.id) == 8  # 7 sections + the 地区会
    events = by_id(records, "events")
    assert len(events) == 16
    assert events["uchihara-federation-founded"].date == "2011-01"
    assert events["chikukai-survey"].date == "2012-12"


# --- consistency of the document's own figures ---------------------------------------

def test_table_1_rate_is_members_over_households(records):
    for year in ("1998", "2003", "2008", "2013"):
        members = stat(records, f"table-1-fy{year}-member-households").value
        households = stat(records, f"table-1-fy{year}-households").value
        rate = stat(records, f"table-1-fy{year}-membership-rate").value
        assert round(members / households * 100, 1) == rate


def test_current_values_agree_with_tables(records):
    indicators = by_id(records, "indicators")
    # 町内会加入率 2013: table 1, table 2 and the indicator print 64.3 %
    assert stat(records, "table-1-fy2013-membership-rate").value == stat(records, "table-2-fy2013-membership-rate").value
    assert indicators["chonaikai-membership-rate"].observations[0].value == stat(records, "table-2-fy2013-membership-rate").value
    # the districts of table 5 (FY2010–2013) add up to the 9地区 of the indicator
    table_5 = [s.value for s in by_id(records, "statistics").values() if s.dataset == "table-5"]
    assert sum(table_5) == indicators["community-plan-districts"].observations[0].value == 9


def test_survey_percentages_are_shares_of_the_32_chikukai(records):
    stats = by_id(records, "statistics")
    total = stats["chikukai-count"].value
    for reason in ("low-sense-of-belonging", "burden-of-office", "burden-of-fees"):
        districts = stats[f"survey-2012-non-member-households-{reason}-districts"].value
        percent = stats[f"survey-2012-non-member-households-{reason}-percent"].value
        assert abs(districts / total * 100 - percent) < 1


# --- references, source lines and the generator -----------------------------------------

def test_references_resolve(records):
    orgs = set(by_id(records, "organizations"))
    plans = set(by_id(records, "plans")) | EXTERNAL_PLANS
    els = {(r.record.plan, r.record.id) for r in records.of("elements", DOC)}
    for e in (r.record for r in records.of("elements", DOC)):
        assert set(e.responsible_refs) | set(e.related_refs) <= orgs, e.id
        for ref in [e.parent_ref, *e.serves_refs] if e.parent_ref else e.serves_refs:
            plan, _, elem = ref.rpartition("/")
            assert (plan or e.plan, elem) in els, (e.id, ref)
    for i in by_id(records, "indicators").values():
        assert all((i.plan, ref) in els for ref in i.measures_refs)
    for o in by_id(records, "organizations").values():
        assert o.parent_ref is None or o.parent_ref in orgs
    for s in [*by_id(records, "statistics").values(), *by_id(records, "events").values()]:
        assert s.subject_ref is None or s.subject_ref in orgs | plans, s.id
    for p in by_id(records, "plans").values():
        assert {p.positioned_under_ref, p.previous_ref} - {None} <= plans | {"mito-community-plan-1"}


# --- the competency questions (tests/competency/mito-community-plan-3.yaml) agree with the records ----

@pytest.fixture(scope="module")
def questions():
    raw = strip_lines(load_yaml(ROOT / "tests" / "competency" / f"{DOC}.yaml"))
    return {q["id"]: q for q in raw}


def test_competency_questions_name_existing_records(records, questions):
    assert len(questions) >= 6
    ids = {r.record.id for r in records.records if r.document == DOC}
    for q in questions.values():
        assert set(q["records"]) <= ids, q["id"]
        assert q["question_ja"] and q["question_en"] and q["answer"] and q["lines"]


def test_competency_answers_follow_from_the_records(records, questions):
    els = elements(records, PLAN)
    measures = [{"number": e.number, "measure": e.label} for e in els.values() if e.parent_ref == "basic-policy-3"]
    assert questions["cp3-measures-of-basic-policy-3"]["answer"] == measures

    rows = []
    for i in by_id(records, "indicators").values():
        current, target = i.observations
        rows.append({
            "basic_policy": els[i.measures_refs[0]].number, "indicator": i.label, "unit": i.unit,
            "current": float(current.value),
            "target_value": None if target.value is None else float(target.value),
            "target_text": target.value_text, "target_refers_to_fiscal_year": target.refers_to_fiscal_year,
        })
    assert questions["cp3-target-indicators"]["answer"] == rows

    first = questions["cp3-membership-rate-2008-and-target"]["answer"][0]
    assert first["membership_rate"] == stat(records, "table-1-fy2008-membership-rate").value
    assert first["target_rate"] == by_id(records, "indicators")["chonaikai-membership-rate"].observations[1].value

    change = questions["cp3-membership-decline-1998-2013"]["answer"][0]
    assert change["change"] == (stat(records, "table-1-fy2013-member-households").value
                                - stat(records, "table-1-fy1998-member-households").value)

    table_3 = [s for s in by_id(records, "statistics").values() if s.dataset == "table-3" and s.measure == "参加人数"]
    peak = max(table_3, key=lambda s: s.value)
    assert questions["cp3-leader-training-peak"]["answer"] == [{
        "fiscal_year": peak.fiscal_year, "sessions": stat(records, f"table-3-fy{peak.fiscal_year}-sessions").value,
        "participants": peak.value}]

    orgs = by_id(records, "organizations")
    sections = [o.label for o in orgs.values()
                if o.parent_ref == "mito-sumiyoi-machizukuri-suishin-kyogikai" and o.kind == "committee"]
    assert [r["organization"] for r in questions["cp3-council-sections"]["answer"]] == sections

    areas = elements(records, PREVIOUS)
    counted = [{"number": a.number, "area": a.label, "items": sum(1 for e in areas.values() if e.parent_ref == a.id)}
               for a in areas.values() if a.kind == "goal"]
    assert questions["cp3-previous-plan-areas"]["answer"] == counted
