"""Completeness and spot values of the records of mito-overview-2023 (Mito, 市長公室 chapter)."""

from __future__ import annotations
from collections import Counter
from decimal import Decimal
from pathlib import Path
import pytest
from mappings.records.schema import parse_lines
from mappings.records.files import load_records

ROOT = Path(__file__).resolve().parents[1]
DOC = "mito-overview-2023"
MITO = "082015"


@pytest.fixture(scope="module")
def records():
    return load_records(ROOT / "data")


def of(records, kind):
    return [loaded.record for loaded in records.of(kind, DOC)]


def by_id(records, kind, plan=None):
    return {r.id: r for r in of(records, kind) if plan is None or r.plan == plan}


def first_line(record) -> int:
    return parse_lines(record.lines)[0][0]


# --- 1 歴代市長 -------------------------------------------------------------------

def test_all_nineteen_mayors_in_order(records):
    mayors = sorted(of(records, "mayors"), key=lambda m: m.start)
    assert len(mayors) == 19
    assert [m.ordinal_text for m in mayors] == ["初"] + [str(n) for n in range(2, 20)]
    assert all(m.city == MITO for m in mayors)
    # each term ends no later than the next one starts
    for before, after in zip(mayors, mayors[1:]):
        assert before.end is not None and before.end <= after.start


def test_mayor_spot_values(records):
    mayors = by_id(records, "mayors")
    assert (mayors["mayor-01"].name, mayors["mayor-01"].start, mayors["mayor-01"].end) == ("服部正義", "1889-05", "1892-12")
    assert (mayors["mayor-13"].name, mayors["mayor-13"].start, mayors["mayor-13"].end) == ("山本敏雄", "1947-12", "1967-11")
    assert (mayors["mayor-16"].start, mayors["mayor-16"].end) == ("1984-07", "1993-08")
    current = [m for m in mayors.values() if m.in_office]
    assert [(m.name, m.start, m.end) for m in current] == [("高橋靖", "2011-05", None)]


# --- 2 姉妹・親善都市，友好交流都市 --------------------------------------------------

def test_five_partner_cities(records):
    agreements = by_id(records, "agreements")
    assert {(a.partner, a.agreement, a.date) for a in agreements.values()} == {
        ("敦賀市", "姉妹都市", "1965-04-30"),
        ("彦根市", "親善都市", "1968-10-29"),
        ("高松市", "親善都市", "1974-04-13"),
        ("アナハイム市", "国際親善姉妹都市", "1976-12-21"),
        ("重慶市", "友好交流都市", "2000-06-06"),
    }
    japanese = {a.partner: a.partner_city_code for a in agreements.values() if a.country is None}
    assert japanese == {"敦賀市": "182028", "彦根市": "252026", "高松市": "372013"}
    city_names = {c.code: c.name for c in records.cities}
    assert all(city_names[code] == name for name, code in japanese.items())
    assert (agreements["anaheim"].country, agreements["anaheim"].region) == ("米国", "カリフォルニア州")
    assert (agreements["anaheim"].population, agreements["anaheim"].area_km2) == (350000, Decimal("130.7"))
    assert (agreements["chongqing"].population, agreements["chongqing"].area_km2) == (32050000, 82400)
    assert all(a.description for a in agreements.values())


# --- 3, 4 第6次総合計画 ------------------------------------------------------------

def test_comprehensive_plan_record(records):
    plan = by_id(records, "plans")["mito-comprehensive-plan-6"]
    assert (plan.title, plan.alias, plan.adopted, plan.period_start) == ("水戸市第6次総合計画", ["みと魁プラン"], "2014-03", "2014")


def test_comprehensive_plan_structure(records):
    els = by_id(records, "elements", "mito-comprehensive-plan-6")
    kinds = Counter(e.kind for e in els.values())
    assert kinds == {"vision": 1, "principle": 3, "goal": 4, "policy": 12, "measure": 1, "project": 4}
    policies = Counter(e.parent_ref for e in els.values() if e.kind == "policy")
    assert policies == {"pillar-1": 5, "pillar-2": 2, "pillar-3": 3, "pillar-4": 2}
    assert els["vision"].label == "笑顔あふれる安心快適空間 未来に躍動する 魁のまち・水戸"
    assert els["pillar-4-policy-1"].label == "市民の多様な活動の推進"
    assert [els[f"next-project-{n}"].label for n in range(1, 5)] == [
        "未来への投資プロジェクト", "いきいき健康プロジェクト", "災害に強いまちづくりプロジェクト", "魅力・活力アッププロジェクト",
    ]


# --- 5 COVID-19, 6 地方創生 --------------------------------------------------------

def test_covid_measures(records):
    pillars = [e for e in of(records, "elements") if e.plan == "mito-covid-emergency-measures"]
    assert sorted(e.label for e in pillars) == sorted(["感染症の拡大防止", "市民生活の安定化", "地域経済の回復"])
    total = by_id(records, "statistics")["covid-supplementary-budget-total"]
    assert (total.value, total.unit) == (20642150, "千円")


def test_population_vision_and_strategy(records):
    plans = by_id(records, "plans")
    assert plans["mito-population-vision"].adopted == "2020-03"
    strategy = plans["mito-strategy-2"]
    assert (strategy.adopted, strategy.based_on_ref) == ("2020-03", "mito-comprehensive-plan-6")
    target = by_id(records, "indicators", "mito-population-vision")["population-target-2060"]
    assert [(o.role, o.year, o.value) for o in target.observations] == [("target", "2060", 245000)]


def test_strategy_goals_and_policies(records):
    els = by_id(records, "elements", "mito-strategy-2")
    goals = {e.id: e for e in els.values() if e.kind == "goal"}
    assert sorted(goals) == ["goal-1", "goal-2", "goal-3", "goal-4"]
    policies = Counter(e.parent_ref for e in els.values() if e.kind == "policy")
    assert policies == {"goal-1": 2, "goal-2": 3, "goal-3": 3, "goal-4": 3}
    assert all(e.id == f"{e.parent_ref}-policy-{e.number.strip('()')}" for e in els.values() if e.kind == "policy")
    assert els["goal-3-policy-3"].label == "移住・定住の推進"


# --- 7 旧県庁舎, 9 広域行政, 10-12 plans -------------------------------------------

def test_old_prefectural_office_history(records):
    events = [e for e in of(records, "events") if 169 <= first_line(e) <= 193]
    assert len(events) == 26
    dates = {e.id: e.date for e in events}
    assert dates["prefectural-office-moved"] == "1999-04"
    assert dates["temporary-city-office-opened"] == "2012-01"
    assert dates["certificate-counter-opened"] == "2019-01"


def test_wide_area_bodies(records):
    orgs = by_id(records, "organizations")
    names = {c.name: c.code for c in records.cities}
    kenou = orgs["kenou-shucho-kondankai"]
    assert len(kenou.members) == 9 and kenou.established_fiscal_year == "2007"
    assert [names[m] for m in kenou.members] == kenou.member_city_codes
    kitakanto = orgs["kitakanto-chukaku-toshi-renkei-kaigi"]
    assert kitakanto.members == ["水戸市", "前橋市", "宇都宮市", "高崎市"]
    assert [names[m] for m in kitakanto.members] == kitakanto.member_city_codes
    events = by_id(records, "events")
    assert events["teiju-jiritsuken-formed"].date == "2016-07"
    assert events["core-city-transition"].date == "2020-04"
    assert events["renkei-chusu-toshi-declaration"].date == "2021-11"
    vision = by_id(records, "plans")["mito-kenou-renkei-chusu-toshiken-vision"]
    assert (vision.period_start, vision.period_end) == ("2022", "2026")


def test_transport_cycling_barrier_free_plans(records):
    plans = by_id(records, "plans")
    adopted = {pid: plans[pid].adopted for pid in (
        "mito-public-transport-plan", "mito-public-transport-reorganization-plan",
        "mito-bicycle-environment-plan", "mito-bicycle-utilization-plan",
        "mito-barrier-free-basic-concept", "mito-barrier-free-specific-projects-plan")}
    assert adopted == {
        "mito-public-transport-plan": "2016-03", "mito-public-transport-reorganization-plan": "2019-03",
        "mito-bicycle-environment-plan": "2017-03", "mito-bicycle-utilization-plan": "2021-03",
        "mito-barrier-free-basic-concept": "2018-03", "mito-barrier-free-specific-projects-plan": "2019-03",
    }
    subjects = {e.subject_ref for e in of(records, "events")}
    assert set(adopted) <= subjects


# --- 13 情報システム ----------------------------------------------------------------

def test_core_systems_table(records):
    systems = by_id(records, "systems")
    assert len(systems) == 38
    assert Counter(s.note for s in systems.values()) == {"H25.4からオープン化": 25, "H24.7からオープン化": 2, None: 11}
    per_department = Counter(s.department for s in systems.values())
    assert len(per_department) == 14
    assert per_department["国保年金課"] == 12 and per_department["デジタルイノベーション課"] == 4
    assert (systems["resident-register"].department, systems["resident-register"].started) == ("市民課", "1986-01")
    assert (systems["cemetery-fees"].department, systems["cemetery-fees"].started) == ("衛生事業課", "1989-04")
    assert (systems["school-age-register"].started, systems["master-data"].department) == ("1976-10", "デジタルイノベーション課")
    orgs = by_id(records, "organizations")
    assert all(orgs[s.department_ref].label == s.department for s in systems.values())


def test_information_systems_timeline_and_purposes(records):
    timeline = [e for e in of(records, "events") if 267 <= first_line(e) <= 292]
    assert len(timeline) == 17
    assert min(e.date for e in timeline) == "1974-03" and max(e.date for e in timeline) == "2022-10"
    els = [e for e in of(records, "elements") if e.plan == "mito-information-systems"]
    purposes = [e for e in els if e.parent_ref == "purposes"]
    assert [e.number for e in purposes] == list("アイウエオカキ")
    assert Counter(e.parent_ref for e in els if e.kind == "action") == {
        "purpose-a": 4, "purpose-b": 2, "purpose-c": 3, "purpose-d": 3, "purpose-e": 3, "purpose-f": 3, "purpose-g": 1,
    }


def test_dx_programme(records):
    els = [e for e in of(records, "elements") if e.plan == "mito-dx-promotion"]
    assert Counter(e.kind for e in els) == {"goal": 3, "measure": 7, "action": 16}


# --- 15 広報広聴 ----------------------------------------------------------------------

def test_public_relations_figures(records):
    stats = by_id(records, "statistics")
    parts = [s for s in stats.values() if s.dataset == "citizen-consultations" and s.dimensions["区分"] != "計"]
    assert {s.dimensions["区分"]: s.value for s in parts} == {"行政相談": 1700, "民事事案": 840, "案内照会": 2100}
    assert sum(s.value for s in parts) == stats["consultation-total"].value == 4640
    assert all(s.fiscal_year == "2022" for s in parts)
    assert (stats["town-meetings-single-district"].value, stats["town-meetings-joint-districts"].value) == (1, 4)
    assert (stats["city-monitors-appointed"].value, stats["city-monitors-proposals"].value) == (15, 16)
    els = [e for e in of(records, "elements") if e.plan == "mito-public-relations"]
    assert Counter(e.parent_ref for e in els if e.kind == "measure") == {"publicity": 4, "image-up": 4, "hearing": 3}
