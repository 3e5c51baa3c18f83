"""Completeness and spot values of the records of hitachi-plan-chapter-6 (Hitachi comprehensive plan, chapter 6)."""

from __future__ import annotations
from collections import Counter
from decimal import Decimal
from pathlib import Path
import pytest
from mappings.records.files import load_records

ROOT = Path(__file__).resolve().parents[1]
DOC = "hitachi-plan-chapter-6"
PLAN = "hitachi-comprehensive-plan"


@pytest.fixture(scope="module")
def records():
    return load_records(ROOT / "data")


@pytest.fixture(scope="module")
def elements(records):
    return {r.record.id: r.record for r in records.of("elements", DOC)}


@pytest.fixture(scope="module")
def indicators(records):
    return {r.record.id: r.record for r in records.of("indicators", DOC)}


def children(elements, parent, kind):
    return [e for e in elements.values() if e.parent_ref == parent and e.kind == kind]



def test_chapter_and_policies(elements):
    chapter = elements["chapter-6"]
    assert (chapter.kind, chapter.number, chapter.label, chapter.text) == ("goal", "6", "協働・行政経営", "みんなで創る持続可能なまち")
    policies = children(elements, "chapter-6", "policy")
    assert [p.label for p in sorted(policies, key=lambda p: p.number)] == [
        "コミュニティ活動", "市民の多様な活動", "産学官連携", "男女共同参画・若者応援・多文化共生",
        "広聴広報・シティプロモーション", "デジタル化・行財政運営",
    ]
    assert all(e.plan == PLAN for e in elements.values())


@pytest.mark.parametrize("n, initiatives, achievements, issues, aimed_paragraphs, related, related_plans", [
    (1, 3, 5, 3, 3, 1, 2), (2, 2, 3, 2, 2, 1, 2), (3, 2, 6, 2, 2, 4, 1),
    (4, 3, 7, 3, 3, 4, 3), (5, 4, 8, 4, 3, 4, 1), (6, 3, 8, 3, 4, 11, 5),
])
def test_policy_contents(elements, records, n, initiatives, achievements, issues, aimed_paragraphs, related, related_plans):
    policy = elements[f"ch6-policy-{n}"]
    assert len(children(elements, policy.id, "initiative")) == initiatives
    assert len(policy.achievements) == achievements
    assert len(policy.issues) == issues
    assert len(policy.aimed_state.split("\n")) == aimed_paragraphs
    assert len(policy.related_refs) == related
    assert len(policy.related_plan_refs) == related_plans
    plan_ids = {r.record.id for r in records.of("plans")}
    assert set(policy.related_plan_refs) <= plan_ids
    assert policy.basic_policy and policy.text


PROJECTS_PER_INITIATIVE = {
    (1, 1): 5, (1, 2): 4, (1, 3): 4, (2, 1): 1, (2, 2): 1, (3, 1): 1, (3, 2): 4, (4, 1): 5, (4, 2): 3,
    (4, 3): 4, (5, 1): 3, (5, 2): 1, (5, 3): 2, (5, 4): 3, (6, 1): 5, (6, 2): 10, (6, 3): 2,
}


def test_projects_per_initiative(elements):
    counts = Counter(e.parent_ref for e in elements.values() if e.kind == "project")
    assert counts == {f"ch6-policy-{p}-initiative-{i}": n for (p, i), n in PROJECTS_PER_INITIATIVE.items()}
    assert sum(counts.values()) == 58
    assert all(e.text for e in elements.values() if e.kind == "initiative")


def test_flags(elements):
    projects = [e for e in elements.values() if e.kind == "project"]
    flags = Counter(f for e in projects for f in e.flags)
    assert flags == {"priority": 17, "new": 14, "relisted": 15}
    priority_per_policy = Counter(e.parent_ref.split("-initiative")[0] for e in projects if "priority" in e.flags)
    assert priority_per_policy == {"ch6-policy-1": 3, "ch6-policy-3": 1, "ch6-policy-4": 7, "ch6-policy-5": 3, "ch6-policy-6": 3}
    # line 159 prints two projects on one row; only the first carries 新
    row159 = sorted((e.label, e.flags) for e in projects if e.lines[1] == 159)
    assert row159 == [("コミュニティが行う地域福祉活動推進事業", []), ("地域のつながり向上事業", ["new"])]
    assert elements["ch6-policy-1-initiative-2-project-01"].label == "(仮称)まちづくりコーディネーター活用事業"


def test_the_two_comprehensive_plan_projects_are_two_projects(elements):
    """Line 676's 総合計画推進事業 (政策企画課) and line 824's (再掲, 地域創生推進課) share a name, not
    their activities or department: no relisting of this chapter names its main listing."""
    assert [e.id for e in elements.values() if e.relisted_from_ref] == []
    first, second = elements["ch6-policy-5-initiative-3-project-01"], elements["ch6-policy-6-initiative-2-project-03"]
    assert first.label == second.label == "総合計画推進事業"
    assert (first.text, first.responsible_refs, first.lines) == (
        "市民意向の把握、パブリックコメントの実施", ["hitachi-seisaku-kikaku-ka"], [675, 676])
    assert (second.text, second.responsible_refs, second.lines) == (
        "計画の進捗管理、次期計画の策定", ["hitachi-chiiki-sosei-suishin-ka"], [821, 824])
    assert "relisted" in second.flags and "relisted" not in first.flags


def test_responsible_departments(elements):
    projects = [e for e in elements.values() if e.kind == "project"]
    assert all(e.responsible_refs for e in projects)
    shoko = sorted(e.label for e in projects if "hitachi-shoko-shinko-ka" in e.responsible_refs)
    assert shoko == ["キャッシュレス導入支援事業", "商店街街並み再整備事業", "外国人中核人材活用支援事業"]
    # line 686: three projects, two 担当課 cells
    assert elements["ch6-policy-5-initiative-4-project-01"].responsible_refs == ["hitachi-koho-senryaku-ka"]
    assert elements["ch6-policy-5-initiative-4-project-03"].responsible_refs == [
        "hitachi-josei-wakamono-shien-ka", "hitachi-shohi-seikatsu-senta"]
    # line 539 prints no 担当課: it belongs to the block of line 538
    assert elements["ch6-policy-4-initiative-3-project-04"].responsible_refs == ["hitachi-shido-ka"]


def test_indicator_counts(indicators):
    kinds = Counter(i.kind for i in indicators.values())
    assert kinds == {"outcome-indicator": 22, "target-indicator": 10}
    per_policy = Counter(ref for i in indicators.values() if i.kind == "target-indicator" for ref in i.measures_refs)
    assert per_policy == {"ch6-policy-1": 1, "ch6-policy-2": 1, "ch6-policy-3": 1, "ch6-policy-4": 3,
                          "ch6-policy-5": 2, "ch6-policy-6": 2}
    assert all(i.survey == "市民ニーズ調査" for i in indicators.values() if i.kind == "outcome-indicator")


def obs(indicator, role, fy):
    [o] = [o for o in indicator.observations if o.role == role and o.fiscal_year == fy]
    return o


def test_indicator_spot_values(indicators):
    fiscal = indicators["outcome-fiscal-management-importance"]
    assert (obs(fiscal, "previous", "2016").value, obs(fiscal, "current", "2021").value) == (Decimal("4.1"), Decimal("3.9"))
    assert not [o for o in fiscal.observations if o.role == "target"]
    youth = indicators["outcome-youth-support-rating"]
    assert obs(youth, "previous", "2016").value_text == "—" and obs(youth, "target", "2026").value == Decimal("3.3")
    uni = indicators["target-university-collaborations"]
    current = obs(uni, "current", "2021")
    assert (current.value, current.refers_to_fiscal_year) == (55, "2019")
    assert obs(uni, "actual", "2020").value == 46 and obs(uni, "target", "2026").value == 55
    assert uni.unit == "件/年"
    sns = indicators["target-sns-likes"]
    assert (obs(sns, "current", "2021").value, obs(sns, "target", "2026").value) == (79067, 118500)
    ratio = indicators["target-ordinary-balance-ratio"]
    assert (ratio.unit, obs(ratio, "target", "2026").value) == ("%", Decimal("94.7"))


def test_other_records(records):
    plans = {r.record.id: r.record for r in records.of("plans", DOC)}
    assert len(plans) == 17
    action = plans["hitachi-community-activity-action-plan"]
    assert (action.period_start, action.period_end, action.based_on_ref) == (
        "2022", "2031", "hitachi-community-activity-recommendation-2")
    assert plans["hitachi-administrative-fiscal-reform-outline-8"].previous_ref == "hitachi-administrative-fiscal-reform-outline-7"
    orgs = {r.record.id: r.record for r in records.of("organizations", DOC)}
    assert Counter(o.kind for o in orgs.values())["department"] == 19
    assert all(o.city == "082023" for o in orgs.values() if o.kind == "department")
    assert orgs["hitachi-sakura-no-machizukuri-suishin-shimin-kaigi"].established == "2021-07"
    assert len(records.of("events", DOC)) == 13
    stats = {r.record.id: r.record for r in records.of("statistics", DOC)}
    assert (stats["volunteer-groups-2022-01"].value, stats["npo-corporations-2022-01"].value) == (109, 36)
