"""The general extractor (mappings.extract): readers, profiles, the check before writing, plankg ingest,
and the leave-one-out measurement, on the real documents of sources/."""

from __future__ import annotations
from decimal import Decimal
from pathlib import Path
import yaml
import pytest
from typer.testing import CliRunner
from mappings.extract.measure import compare, curated, facts, measure
from mappings.extract.profile import Profile, load_profile
from mappings.extract.propose import propose
from mappings.extract.proposals import Proposals
from mappings.extract.check import check_proposals
from mappings.extract.text import Document, from_layout
from mappings.records.sources import load_catalog

ROOT = Path(__file__).resolve().parents[1]
STRATEGY = "mito-strategy-evaluation-2022"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT / "sources")


def _text(catalog, document):
    return "\n".join(catalog[document].lines) + "\n"


def _propose(catalog, document):
    return propose(_text(catalog, document), load_profile(ROOT / "data" / document / "profile.yaml"))


def test_kpi_block_is_read_with_expected_actual_and_status(catalog):
    found = _propose(catalog, STRATEGY)
    kpi = next(r for r in found.of("indicators") if r["label"] == "市内製造品出荷額 (年間)")
    assert kpi["kind"] == "kpi" and kpi["unit"] == "百万円" and kpi["measures_refs"] == ["goal-1-policy-1"]
    obs = {(o["role"], o["fiscal_year"]): o for o in kpi["observations"]}
    assert obs[("target", "2024")]["value"] == Decimal("158600")
    assert obs[("baseline", "2018")]["refers_to_fiscal_year"] == "2017"
    assert [obs[("expected", y)]["value"] for y in ("2021", "2022", "2023")] == [151564, 153909, 156254]
    assert (obs[("actual", "2021")]["value"], obs[("actual", "2021")]["status"], obs[("actual", "2021")]["trend"]) \
        == (Decimal("126471"), "遅れ", "↓")
    target = next(r for r in found.of("indicators") if r["label"] == "市民所得")
    assert target["kind"] == "numeric-target"
    first = target["observations"][0]
    assert (first["value"], first["unit"], first["comparison"]) == (Decimal("0.6"), "%", "増/年")


def test_headings_build_the_hierarchy_and_merge_repeats(catalog):
    found = _propose(catalog, STRATEGY)
    elements = {r["id"]: r for r in found.of("elements")}
    policy = elements["goal-1-policy-2"]
    # printed in a KPI cell (line 35) and again before its projects (line 56): one element, both lines
    assert policy["parent_ref"] == "goal-1" and policy["number"] == "(2)" and policy["lines"] == [35, 56]
    assert elements["goal-4"]["number"] == "Ⅳ"  # printed "IV"/"Ⅳ": recorded as the Roman numeral character


def test_project_table_reads_marks_and_departments_below(catalog):
    found = _propose(catalog, "hitachi-plan-chapter-6")
    projects = {r["label"]: r for r in found.of("elements") if r["kind"] == "project"}
    first = projects["コミュニティ持続のための人材育成支援事業"]
    assert first["flags"] == ["priority", "new"] and first["parent_ref"] == "ch6-policy-1-initiative-1"
    relisted = projects["脱炭素社会に向けた全世代型コミュニティ環境活動事業"]
    assert relisted["flags"] == ["new", "relisted"]
    # a blank 担当課 cell takes the department printed below it in the table (line 146)
    assert 146 in relisted["lines"]
    org = next(o for o in found.of("organizations") if o["id"] == relisted["responsible_refs"][0])
    assert org["label"] == "コミュニティ推進課" and org["city"] == "082023"


def test_record_table_reads_era_dates_and_blank_cells(catalog):
    found = _propose(catalog, "mito-overview-2023")
    mayors = found.of("mayors")
    assert (mayors[0]["name"], mayors[0]["start"], mayors[0]["end"]) == ("服部正義", "1889-05", "1892-12")
    assert mayors[-1]["in_office"] is True and "end" not in mayors[-1]
    seal = next(s for s in found.of("systems") if s["label"] == "印鑑登録")
    assert (seal["department"], seal["started"], seal["note"]) == ("市民課", "1986-01", "H24.7からオープン化")


def test_merged_project_cells_split_with_their_departments_in_order(catalog):
    found = _propose(catalog, "hitachi-plan-chapter-6")
    orgs = {o["id"]: o["label"] for o in found.of("organizations")}
    depts = {r["label"]: [orgs[d] for d in r["responsible_refs"]] for r in found.of("elements")
             if r["kind"] == "project" and 686 in _lines_of(r)}
    # line 686: three projects in one cell, 広報戦略課 女性若者支援課 (消費生活センター) beside them
    assert depts == {"市民相談体制の充実": ["広報戦略課"], "消費者被害防止啓発の推進": ["女性若者支援課", "消費生活センター"],
                     "消費生活相談体制の充実": ["女性若者支援課", "消費生活センター"]}
    # line 831 lost its leading blank cell: its department stands one cell early
    lease = next(r for r in found.of("elements") if r["label"] == "借地の解消推進" and r["kind"] == "project")
    assert [orgs[d] for d in lease["responsible_refs"]] == ["公共財産管理課"]


def _lines_of(record) -> list[int]:
    from mappings.records.schema import parse_lines

    return [n for a, b in parse_lines(record["lines"]) for n in range(a, b + 1)]


def test_plan_lists_chronology_and_founded_bodies(catalog):
    hitachi = _propose(catalog, "hitachi-plan-chapter-6")
    plans = {p["title"]: p for p in hitachi.of("plans")}
    assert (plans["第4次ひたち男女共同参画計画"]["period_start"], plans["第4次ひたち男女共同参画計画"]["period_end"]) \
        == ("2022", "2026")                                           # ・…(R4~R8), line 551
    assert plans["日立市シティプロモーション戦略"]["adopted"] == "2017"   # (H29): the year it was made
    assert plans["日立市公共施設マネジメント基本方針"]["period_end"] == "2040"  # (改訂版)(H26~R22)
    assert plans["日立市さくらのまちづくり基本計画"]["period_start"] == "2022" and \
        "period_end" not in plans["日立市さくらのまちづくり基本計画"]   # (R4～)
    agreements = {e["label"]: e["date"] for e in hitachi.of("events")}
    assert agreements["日立市と茨城キリスト教大学との連携に関する基本協定書"] == "2003"  # words: 協定書 → events
    council = next(o for o in hitachi.of("organizations") if o["label"] == "日立市さくらのまちづくり推進市民会議")
    assert council["established"] == "2021-07"
    kpi = next(r for r in hitachi.of("indicators") if r["label"] == "専門相談の件数")
    assert {(o["role"], o["fiscal_year"]): o["value"] for o in kpi["observations"]} == \
        {("current", "2021"): 302, ("actual", "2020"): 247, ("target", "2026"): 350}  # ※ 302件/年(R元) 247件/年(R2)
    overview = _propose(catalog, "mito-overview-2023")
    events = {e["label"]: e["date"] for e in overview.of("events")}
    assert events["新税情報・財務管理・職員情報システム稼動開始"] == "2013-04" and len(events) == 17  # 平成25年 4月 …, lines 267-292
    adopted = {p["title"]: p["adopted"] for p in overview.of("plans")}
    assert adopted["水戸市公共交通基本計画"] == "2016-03"  # 平成28年3月に「水戸市公共交通基本計画」を策定した


def test_tallies_read_counts_in_rows_headed_by_a_year(catalog):
    strategy = {(r["measure"], r["value"]): r for r in _propose(catalog, STRATEGY).of("statistics")}
    founded = strategy[("創業件数", 144)]  # line 60: R4年度の実績・件数 | ・創業件数:144件(累計740件) …
    assert (founded["unit"], founded["fiscal_year"], founded["table"]) == ("件", "2022", "R4年度の実績・件数")
    assert ("創業件数", 740) not in strategy  # 累計740件 is a cumulative count: not a figure of the year
    assert strategy[("地域等と連携した防災訓練・講座の実施", 1366)]["unit"] == "人"  # :23回(1,366人)
    assert not any(r["measure"] == "訪問件数" for r in strategy.values())  # under a ○ group: not read
    overview = {r["measure"]: r for r in _propose(catalog, "mito-overview-2023").of("statistics")}
    joint = overview["複数地区合同開催数"]  # line 452 takes the 令和4年度 of line 451
    assert (joint["value"], joint["fiscal_year"], joint["lines"]) == (4, "2022", [451, 452])


def test_actors_are_the_bodies_a_measures_text_names(catalog):
    community = _propose(catalog, "mito-community-plan-3")
    orgs = {o["id"]: o["label"] for o in community.of("organizations")}
    named = {e["label"]: [orgs[r] for r in e.get("related_refs", [])] for e in community.of("elements")}
    assert named["加入促進月間の設定"] == ["町内会・自治会", "水戸市住みよいまちづくり推進協議会", "地区会", "女性会",
                                   "子ども会育成会", "高齢者クラブ"]  # in order of mention; listed as bodies on line 75
    assert named["防犯・防災活動の推進"] == ["自主防災組織", "町内会・自治会"]   # 自主防災組織が中心となり
    assert named["市の役割"] == ["市民センター運営審議会"]  # 市民センターについて: a facility, not an actor
    assert named["市民センターの活用の促進"] == []           # 地区会活動をはじめ: an activity
    assert named["水戸市住みよいまちづくり推進協議会の役割"] == ["水戸市住みよいまちづくり推進協議会"]  # 地区会相互の連絡調整
    omitama = _propose(catalog, "omitama-later-basic-plan-sections")
    action = next(e for e in omitama.of("elements") if e.get("related_refs"))
    assert action["id"] == "measure-7201-3" and [o["label"] for o in omitama.of("organizations")] == ["市行政組織検討委員会"]


def test_category_tables_keep_their_categories_as_dimensions(catalog):
    strategy = [r for r in _propose(catalog, STRATEGY).of("statistics") if r["measure"] == "実績・件数"]
    cells = {(r["dimensions"]["区分"], r["dimensions"]["診療科"]): r["value"] for r in strategy}
    assert cells[("休日(昼間)診療", "内科")] == 2272 and cells[("計", "合計")] == 9219   # lines 236-239
    assert ("夜間診療", "外科") not in cells and {r["fiscal_year"] for r in strategy} == {"2022"}  # a blank cell
    overview = [r for r in _propose(catalog, "mito-overview-2023").of("statistics") if r["measure"] == "市民相談"]
    assert [(r["dimensions"], r["value"], r["unit"], r["lines"]) for r in overview][:1] == \
        [({"区分": "行政相談"}, 1700, "件", [442, 444, 445])]   # ア 市民相談（令和4年度） over its header
    assert sum(r["value"] for r in overview[:3]) == overview[3]["value"] == 4640   # 計 kept as printed


def test_figures_under_headings_and_in_stated_forms(catalog):
    overview = _propose(catalog, "mito-overview-2023")
    cities = {a["partner"]: (a.get("population"), a.get("area_km2")) for a in overview.of("agreements")}
    assert cities["アナハイム市"] == (350000, Decimal("130.7"))   # 人口約35万人，面積約130.7km² (line 66)
    assert cities["重慶市"] == (32050000, 82400) and cities["敦賀市"] == (None, None)
    target = next(i for i in overview.of("indicators") if i["kind"] == "target-indicator")
    assert (target["label"], target["observations"]) == \
        ("本市の2060年における人口の目標", [{"role": "target", "year": "2060", "value": 245000}])  # …を245,000人と設定した
    total = next(s for s in overview.of("statistics") if s["lines"] == 449)
    assert (total["measure"], total["value"], total["unit"]) == ("水戸市住みよいまちづくり推進協議会の地区", 34, "地区")


def test_statements_running_over_pdf_line_breaks(catalog):
    omitama = _propose(catalog, "omitama-later-basic-plan-sections")
    plans = {p["title"]: (p["adopted"], p["lines"]) for p in omitama.of("plans")}
    assert plans["第2次市行財政改革大綱"] == ("2010", [234, 236])  # 平成 22 年に新たに策定した「第 2 次 / 市行財政改革大綱」
    assert plans["市行財政改革大綱"] == ("2006", 234)
    events = [(e["date"], e["label"], e["lines"]) for e in omitama.of("events")]
    assert ("2008", "小美玉市情報セキュリティ基本方針を改正", [59, 61]) in events   # 平成 20 年に小美玉市情報セキ / ュリティ…
    overview = {p["title"]: p for p in _propose(catalog, "mito-overview-2023").of("plans")}
    assert overview["水戸市バリアフリー基本構想"]["adopted"] == "2018-03"   # 平成30年3月に「…」を、平成31年3月に「…」を策定した
    assert (overview["水戸市第6次総合計画"]["adopted"], overview["水戸市第6次総合計画"]["period_start"]) == \
        ("2014-03", "2014")   # 平成26年3月、…平成26年度を初年度とする「水戸市第6次総合計画－みと魁(さきがけ)プラン－」を定めた
    community = {p["title"]: p for p in _propose(catalog, "mito-community-plan-3").of("plans")}
    own = community["水戸市コミュニティ推進計画(第3次)"]   # the cover line; 本計画の期間は、…2015（平成27）年度から2023…
    assert (own["period_start"], own["period_end"], own["lines"]) == ("2015", "2023", [3, 79])
    assert community["水戸市新コミュニティ推進計画"]["adopted"] == "2008"   # 2008（平成 20）年度策定の「…」
    bodies = {o["label"]: (o.get("established_fiscal_year"), o["lines"]) for o in _propose(catalog, "mito-overview-2023").of("organizations")}
    assert bodies["県央地域首長懇話会"] == ("2007", 201)              # 平成19年度に…9市町村で設置した県央地域首長懇話会
    assert bodies["北関東中核都市連携会議"] == ("2014", [209, 211])  # 平成26年度から、… / …連携会議を設置し


@pytest.fixture(scope="module")
def measured():
    return measure(ROOT)


@pytest.mark.parametrize("document", ["hitachi-plan-chapter-6", "omitama-later-basic-plan-sections"])
def test_leave_one_out_bar_holds(measured, document):
    cells = measured[document]
    for category in ("numbers", "dates", "departments"):
        cur, prop, hit = (sum(v[i] for k, v in cells.items() if k[0] == category) for i in range(3))
        assert hit >= 0.9 * cur and hit >= 0.98 * prop, (category, cur, prop, hit)


def test_a_value_not_at_its_lines_is_dropped_and_reported(catalog):
    doc = Document.from_text(_text(catalog, STRATEGY))
    profile = load_profile(ROOT / "data" / STRATEGY / "profile.yaml")
    found = Proposals()
    found.add("indicators", {"id": "kpi-x", "lines": [28, 29], "plan": "mito-strategy-2", "kind": "kpi",
                             "label": "市内製造品出荷額 (年間)",
                             "observations": [{"role": "target", "fiscal_year": "2024", "value": Decimal("158601")}]},
              "test")
    check_proposals(found, doc, profile)
    assert found.of("indicators")[0]["observations"] == []
    assert any("158601" in u.why for u in found.unread)


def test_layout_text_reads_like_the_tab_separated_text(catalog):
    lines = catalog[STRATEGY].lines[:40]
    tabbed = "\n".join(lines) + "\n"
    spaced = "\n".join(l.replace("\t", "    ") for l in lines) + "\n"
    profile = load_profile(ROOT / "data" / STRATEGY / "profile.yaml")
    assert from_layout(spaced).count("\t") > 0
    a = facts(propose(tabbed, profile).records)
    b = facts(propose(from_layout(spaced), profile).records)
    numbers = {f for f in a if f[0] == "numbers"}
    assert numbers and numbers == {f for f in b if f[0] == "numbers"}


def test_ingest_writes_drafts_and_a_report(tmp_path):
    from mappings.extract.cli import app  # `plankg ingest` is this command (kgservice.cli registers it)

    source = tmp_path / "plan.txt"
    source.write_text("施策 1 地域づくり\n\n項目\t現状値 (R3)\t目標値 (R8)\n参加率\t28.9%\t35.0%\n\n"
                      "表\t1\t2\n", encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"document": "test-plan", "city": "082015", "plan": "test-plan",
                                       "headings": [{"kind": "policy", "pattern": "施策 {n}", "id": "policy-{n}"}],
                                       "readers": [{"reader": "kpi"}]}, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [str(source), "--city", "082015", "--kind", "community-plan",
                                      "--profile", str(profile), "--out", str(out), "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    indicators = yaml.safe_load((out / "indicators.yaml").read_text(encoding="utf-8"))
    assert indicators[0]["label"] == "参加率" and indicators[0]["measures_refs"] == ["policy-1"]
    assert [(o["role"], o["fiscal_year"], o["value"]) for o in indicators[0]["observations"]] == \
        [("current", "2021", 28.9), ("target", "2026", 35.0)]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| indicators | kpi | 1 |" in report and "| 6 | tables:" in report


@pytest.mark.parametrize("args, message", [
    (["--city", "082016", "--kind", "community-plan"], "check digit should be 5"),
    (["--city", "082015", "--kind", "novel"], "unknown document kind 'novel'"),
])
def test_ingest_bad_input_is_a_usage_error(tmp_path, args, message):
    from mappings.extract.cli import app

    source = tmp_path / "plan.txt"
    source.write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(app, [str(source), *args, "--document", STRATEGY, "--root", str(ROOT)])
    assert result.exit_code == 2 and message in result.output


def test_leave_one_out_measures_every_profiled_document():
    results = measure(ROOT)
    assert set(results) == {p.parent.name for p in (ROOT / "data").glob("*/profile.yaml")}
    cur, prop, hit = results[STRATEGY][("numbers", "indicators")]
    assert cur == hit == prop > 100  # every KPI figure of the strategy evaluation, and nothing else


# --- curator corrections (data/<document>/corrections.yaml) ------------------------------------------

DOCUMENTS = sorted(p.parent.name for p in (ROOT / "data").glob("*/corrections.yaml"))


def _records_equal(got: dict, want: dict) -> list[str]:
    from mappings.extract.corrections import same

    problems = []
    for kind in sorted(set(got) | set(want)):
        g = {(r.get("plan"), r["id"]): r for r in got.get(kind, [])}
        w = {(r.get("plan"), r["id"]): r for r in want.get(kind, [])}
        problems += [f"{kind} {k}: missing" for k in w.keys() - g.keys()]
        problems += [f"{kind} {k}: not curated" for k in g.keys() - w.keys()]
        problems += [f"{kind} {k}: differs" for k in w.keys() & g.keys() if not same(g[k], w[k])]
        if len(g) != len(got.get(kind, [])):
            problems.append(f"{kind}: duplicate ids")
    return problems


@pytest.mark.parametrize("document", DOCUMENTS)
def test_ingest_and_corrections_reproduce_the_curated_records(catalog, document):
    from mappings.extract.corrections import apply, load_corrections

    found = _propose(catalog, document)
    records, problems = apply(found.records, load_corrections(ROOT / "data" / document / "corrections.yaml"))
    assert problems == []
    assert _records_equal(records, curated(ROOT / "data", document)) == []


def test_every_document_has_a_profile_and_corrections(catalog):
    assert set(DOCUMENTS) == set(catalog) == {p.parent.name for p in (ROOT / "data").glob("*/profile.yaml")}


def test_plankg_ingest_writes_the_curated_records(tmp_path):
    from mappings.extract.cli import app
    from mappings.records.files import load_file, strip_lines

    document = "omitama-later-basic-plan-sections"
    source = ROOT / "sources" / load_catalog(ROOT / "sources")[document].meta.file
    result = CliRunner().invoke(app, [str(source), "--city", "082368", "--kind", "later-basic-plan-sections",
                                      "--document", document, "--out", str(tmp_path), "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    written = {p.stem: [strip_lines(l.raw) for l in load_file(p, document, p.stem)] for p in tmp_path.glob("*.yaml")}
    assert _records_equal(written, curated(ROOT / "data", document)) == []
    assert "Every correction applied." in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_a_curators_record_survives_an_extractor_that_learns_to_read_it():
    from mappings.extract.corrections import apply

    added = {"id": "ume-matsuri-2023", "lines": 116, "date": "2023-02-11", "label": "梅まつり"}
    corrections = [{"kind": "events", "add": added},
                   {"kind": "events", "drop": {"label": "桜まつり"}}]
    before, _ = apply({"events": [{"id": "event-01", "lines": 116, "date": "2022-03-26", "label": "桜まつり"}]},
                      corrections)
    # later the extractor also proposes the festival itself, under its own id: one record, the curator's
    after, problems = apply({"events": [{"id": "event-01", "lines": 116, "date": "2022-03-26", "label": "桜まつり"},
                                        {"id": "event-02", "lines": 116, "date": "2023-02-11", "label": "梅まつり"}]},
                            corrections)
    assert before == after == {"events": [added]} and problems == []
