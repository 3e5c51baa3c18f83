"""Records of the FY2022 evaluation of Mito's 2nd regional revitalisation strategy (sources/001).

Counts pin completeness (every goal, policy, KPI, project of the document); spot values are read
from the document by hand.
"""

from __future__ import annotations
from collections import Counter
from decimal import Decimal
from pathlib import Path
import pytest
from mappings.records.normalize import parse_number
from mappings.records.files import load_records

ROOT = Path(__file__).resolve().parents[1]
DOC = "mito-strategy-evaluation-2022"
SOURCE = ROOT / "sources" / "001_6b266554e06da064.txt"


@pytest.fixture(scope="module")
def records():
    return load_records(ROOT / "data")


def of(records, kind):
    return {r.record.id: r.record for r in records.of(kind, DOC)}


@pytest.fixture(scope="module")
def elements(records):
    return of(records, "elements")


@pytest.fixture(scope="module")
def indicators(records):
    return of(records, "indicators")


def obs(indicator, role, fiscal_year, breakdown=None):
    found = [o for o in indicator.observations
             if o.role == role and o.fiscal_year == fiscal_year and o.breakdown == breakdown]
    assert len(found) == 1, (indicator.id, role, fiscal_year)
    return found[0]


def source_line(n: int) -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")[n - 1].split("\t")


# --- plans and organisations ------------------------------------------------------

def test_plans(records):
    plans = of(records, "plans")
    assert set(plans) == {"mito-strategy-2", "mito-strategy-2-evaluation-2022"}
    evaluation = plans["mito-strategy-2-evaluation-2022"]
    assert evaluation.kind == "evaluation"
    assert evaluation.evaluates_ref == "mito-strategy-2"
    assert evaluation.publisher == "水戸市まち・ひと・しごと創生推進本部"
    assert (evaluation.period_start, evaluation.period_end) == ("2022", "2022")
    assert plans["mito-strategy-2"].kind == "comprehensive-strategy"


def test_organizations(records):
    orgs = of(records, "organizations")
    assert set(orgs) == {
        "mito-machi-hito-shigoto-sosei-suishin-honbu",
        "mito-shoko-kaigisho",
        "ibaraki-kenou-chiiki-iju-teiju-sokushin-kyogikai",
    }
    assert orgs["ibaraki-kenou-chiiki-iju-teiju-sokushin-kyogikai"].established_fiscal_year == "2022"


# --- elements ------------------------------------------------------------------------

def test_element_counts(elements):
    kinds = Counter(e.kind for e in elements.values())
    assert kinds == {"goal": 4, "policy": 11, "measure": 15, "project": 16}
    assert all(e.plan == "mito-strategy-2" for e in elements.values())
    policies_per_goal = Counter(e.parent_ref for e in elements.values() if e.kind == "policy")
    assert policies_per_goal == {"goal-1": 2, "goal-2": 3, "goal-3": 3, "goal-4": 3}
    # every measure hangs under a policy, every project under a measure
    for e in elements.values():
        if e.kind == "measure":
            assert elements[e.parent_ref].kind == "policy"
        if e.kind == "project":
            assert elements[e.parent_ref].kind == "measure"
    projects_per_goal = Counter(e.id.split("-policy")[0] for e in elements.values() if e.kind == "project")
    assert projects_per_goal == {"goal-1": 4, "goal-2": 4, "goal-3": 4, "goal-4": 4}


def test_goals_have_assessment_and_direction(elements):
    goals = [e for e in elements.values() if e.kind == "goal"]
    assert [g.number for g in sorted(goals, key=lambda g: g.id)] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"]
    for goal in goals:
        assert goal.assessment and goal.assessment.endswith("評価する。")
        assert goal.direction
    assert elements["goal-2"].direction.startswith("令和5年度は、水戸市民会館等において")
    assert elements["goal-4"].label == "誰もが安全で安心して健やかに暮らせる,個性輝くまちを創る"  # NFKC


def test_policy_labels(elements):
    assert elements["goal-3-policy-2"].label == "未来を切り拓く力を育む水戸スタイルの教育の推進"
    assert elements["goal-2-policy-3"].label == "自然、歴史資源を生かした魅力ある交流拠点の形成"
    # goal-2-policy-3 has KPIs but no main project
    assert not [e for e in elements.values() if e.parent_ref == "goal-2-policy-3"]


def test_project_budgets(elements):
    projects = [e for e in elements.values() if e.kind == "project"]
    for p in projects:
        assert p.purpose
        assert len(p.budget) == 1 and p.budget[0].fiscal_year == "2022" and p.budget[0].unit == "千円"
    assert sum(p.budget[0].budget for p in projects) == 665353
    assert sum(p.budget[0].settlement for p in projects) == 513098
    clinic = elements["goal-4-policy-1-holiday-night-clinic"]
    assert (clinic.budget[0].budget, clinic.budget[0].settlement) == (204559, 199598)
    assert clinic.results is None  # its results are a table: statistics
    last = elements["goal-4-policy-3-ict-services-research"]
    assert (last.budget[0].budget, last.budget[0].settlement) == (4993, 4840)  # the file's last line
    two = [e for e in projects if e.parent_ref == "goal-2-policy-1-events-and-pr"]
    assert len(two) == 2


# --- indicators ------------------------------------------------------------------------

def test_indicator_counts(indicators):
    kinds = Counter(i.kind for i in indicators.values())
    assert kinds == {"numeric-target": 7, "kpi": 22}
    targets_per_goal = Counter(i.measures_refs[0] for i in indicators.values() if i.kind == "numeric-target")
    assert targets_per_goal == {"goal-1": 2, "goal-2": 2, "goal-3": 2, "goal-4": 1}
    kpis_per_policy = Counter(i.measures_refs[0] for i in indicators.values() if i.kind == "kpi")
    assert kpis_per_policy == {
        "goal-1-policy-1": 2, "goal-1-policy-2": 2,
        "goal-2-policy-1": 2, "goal-2-policy-2": 2, "goal-2-policy-3": 2,
        "goal-3-policy-1": 2, "goal-3-policy-2": 2, "goal-3-policy-3": 2,
        "goal-4-policy-1": 2, "goal-4-policy-2": 2, "goal-4-policy-3": 2,
    }


def test_fy2022_status_counts(indicators):
    statuses = Counter(
        o.status for i in indicators.values() for o in i.observations
        if o.role == "actual" and o.fiscal_year == "2022" and o.status
    )
    assert statuses == {"遅れ": 8, "順調": 6, "概ね順調": 4}
    # KPIs printed without an FY2022 status: discontinued, not calculated, or no 進捗状況 row
    without = {
        i.id for i in indicators.values() if i.kind == "kpi"
        and not any(o.role == "actual" and o.fiscal_year == "2022" and o.status for o in i.observations)
    }
    assert without == {"kpi-business-successions", "kpi-foreign-tourists",
                       "kpi-childcare-support-users", "kpi-after-school-waiting-children"}


def test_numeric_target_values(indicators):
    income = indicators["target-citizen-income"]
    assert income.unit == "百万円"
    target = obs(income, "target", "2024")  # line 24: a rate in %, not an amount in the row's 百万円
    assert (target.value, target.unit, target.comparison, target.value_text) == (Decimal("0.6"), "%", "増/年", "0.6%増/年")
    base = obs(income, "baseline", "2018")
    assert (base.value, base.refers_to_fiscal_year, base.note) == (908115, "2016", "※県統計課2021年度")
    employment = obs(indicators["target-employment-rate"], "target", "2024")
    assert (employment.value, employment.refers_to_year) == (Decimal("72.0"), "2020")
    households = obs(indicators["target-child-rearing-household-migration"], "baseline", "2018")
    assert (households.value, households.refers_to_year) == (-107, "2018")
    assert obs(indicators["target-net-social-increase"], "baseline", "2018").value == -177
    assert obs(indicators["target-total-fertility-rate"], "target", "2024").value == Decimal("1.70")


def test_kpi_spot_values(indicators):
    shipments = indicators["kpi-manufacturing-shipments"]
    a2021 = obs(shipments, "actual", "2021")
    assert (a2021.value, a2021.refers_to_fiscal_year, a2021.status, a2021.trend) == (126471, "2020", "遅れ", "↓")
    assert obs(shipments, "baseline", "2018").refers_to_fiscal_year == "2017"
    kairakuen = indicators["kpi-kairakuen-visitors"]
    assert (obs(kairakuen, "actual", "2022").value, obs(kairakuen, "expected", "2022").value) == (285075, 1154808)
    bus = obs(indicators["kpi-route-bus-users"], "actual", "2022")
    assert (bus.value, bus.status, bus.trend) == (24318, "遅れ", "↘")
    # 未算出 is text with its status; the school test scores are one number per grade (line 153)
    foreign = obs(indicators["kpi-foreign-tourists"], "actual", "2022")
    assert (foreign.value, foreign.value_text, foreign.refers_to_year, foreign.status_code) == \
        (None, "未算出※", "2022", "not-computed")
    scores = indicators["kpi-academic-test-scores"]
    grade6, grade8 = obs(scores, "actual", "2022", "小6"), obs(scores, "actual", "2022", "中2")
    assert (grade6.value, grade6.value_text, grade6.status) == (Decimal("-1.3"), "[小6]-1.3", "遅れ")
    assert (grade8.value, grade8.value_text, grade8.status) == (Decimal("-0.7"), "[中2]-0.7※", None)
    assert [o.breakdown for o in scores.observations if o.role == "target"] == ["小6", "中3"]
    assert scores.footnotes == ["※中3のテストが廃止となったため、小6の実績値のみで評価。参考として中2の実績値を掲載。"]
    assert obs(indicators["kpi-after-school-waiting-children"], "baseline", "2018").note == "年度末"
    discontinued = indicators["kpi-business-successions"]
    assert [o.role for o in discontinued.observations] == ["target", "baseline"]
    assert discontinued.footnotes[0].startswith("市町村別データが非公表となったため")


def test_shifted_rows(indicators):
    """Lines 156-164 are shifted left in the text; their KPIs must still sit in the right place."""
    toilets = indicators["kpi-school-western-toilets"]
    assert toilets.measures_refs == ["goal-3-policy-2"] and toilets.unit == "%"
    assert obs(toilets, "expected", "2023").value == Decimal("100.0")
    wakuwaku = indicators["kpi-wakuwaku-ibaraki-support"]
    assert (obs(wakuwaku, "baseline", "2018").value_text, obs(wakuwaku, "baseline", "2018").status_code) == ("-", "not-printed")
    a2021, a2022 = obs(wakuwaku, "actual", "2021"), obs(wakuwaku, "actual", "2022")
    assert (a2021.value, a2021.status, a2022.value, a2022.status) == (1, "遅れ", 17, "順調")


# --- statistics and events ---------------------------------------------------------------

def test_statistics(records):
    stats = of(records, "statistics")
    assert len(stats) == 80
    datasets = Counter(s.dataset for s in stats.values())
    assert datasets["holiday-night-clinic-fy2022"] == 13  # 6 cells, the 計 row (5) and the 合計 column (2)
    assert datasets["festivals-fy2022"] == 7
    assert all(s.fiscal_year == "2022" for s in stats.values())
    ume = [s for s in stats.values() if s.dimensions.get("まつり") == "梅まつり"]
    assert [s.value for s in ume] == [273000]


def test_clinic_cells_add_up_to_printed_totals(records):
    """The 計 row and 合計 column are recorded as printed (lines 237-239) and are the sums of the cells."""
    rows = [s.record for s in records.of("statistics", DOC) if s.record.dataset == "holiday-night-clinic-fy2022"]
    printed = {(r.dimensions["区分"], r.dimensions["診療科"]): r.value for r in rows}
    assert {k: v for k, v in printed.items() if "計" in k[0] or k[1] == "合計"} == {
        ("休日(昼間)診療", "合計"): 5311, ("夜間診療", "合計"): 3908, ("計", "内科"): 3966, ("計", "小児科"): 4252,
        ("計", "外科"): 649, ("計", "歯科"): 352, ("計", "合計"): 9219}
    assert [parse_number(c) for c in source_line(239)[2:]] == [3966, 4252, 649, 352, 9219]
    by_session, by_dept = Counter(), Counter()
    for (session, dept), value in printed.items():
        if session != "計" and dept != "合計":
            by_session[session] += value
            by_dept[dept] += value
    for dept in ("内科", "小児科", "外科", "歯科"):
        assert by_dept[dept] == printed[("計", dept)]
    for session in ("休日(昼間)診療", "夜間診療"):
        assert by_session[session] == printed[(session, "合計")]
    assert sum(by_session.values()) == printed[("計", "合計")] == 9219


def test_events(records):
    events = of(records, "events")
    assert {e.id: e.date for e in events.values()} == {"mito-komon-marathon-7": "2022-10-30",
                                                       "ume-matsuri-2023": "2023-02-11"}


# --- the source-line check ----------------------------------------------

def test_values_at_their_lines():
    from mappings.records.verify import check_all

    misses = [m for m in check_all(ROOT / "data", ROOT / "sources") if f"/{DOC}/" in m.where]
    assert misses == []
