"""Adding a document without Python, end to end, as README "Adding a document" walks it: a new city
(one line of data/reference/cities.yaml), a new kind (one concept of code:document-kind), the source,
a profile, plankg ingest and its review report, the curator's corrections, the records, the source-line
check and the build's mapping with its SHACL gate."""

from __future__ import annotations
import hashlib
import shutil
from pathlib import Path
import yaml
import pytest
from typer.testing import CliRunner
from mappings.extract.cli import app as ingest
from mappings.records.sources import check_digit

ROOT = Path(__file__).resolve().parents[1]
CITY = "08203" + check_digit("08203")   # 土浦市
KIND = "town-planning-chapter"
DOC = "tsuchiura-plan-chapter-1"
SOURCE = """土浦市まちづくり計画 第1章

施策 1 地域づくり

項目\t現状値 (R3)\t目標値 (R8)
地域活動に参加している人の割合\t28.9%\t35.0%

主な事業\t\t担当課
重点\t新 地域づくり支援事業\t市民活動課
\t地区集会所修繕事業\t

施策 2 行財政運営

表 1 地区会の数の推移

年度\t2020 (令和2)\t2021 (令和3)
地区会数\t30\t32

(資料：市民活動課)
"""
PROFILE = {
    "document": DOC, "city": CITY, "plan": "tsuchiura-plan", "org_prefix": "tsuchiura-",
    "headings": [{"kind": "policy", "pattern": "施策 {n}", "id": "policy-{n}"}],
    "readers": [{"reader": "kpi"}, {"reader": "projects"}, {"reader": "statistics"}],
    "translations": {"地域づくり": "Community building"},
}
CORRECTIONS = [
    {"kind": "plans", "add": {"id": "tsuchiura-plan", "lines": 1, "kind": "comprehensive-plan",
                              "title": "土浦市まちづくり計画", "title_en": "Tsuchiura City Plan", "city": CITY}},
    {"kind": "elements", "match": {"label": "地域づくり支援事業"}, "id": "community-support"},
    {"kind": "elements", "id": "community-support", "plan": "tsuchiura-plan", "set": {"label_en": "Community support"}},
    {"kind": "organizations", "match": {"label": "市民活動課"}, "id": "tsuchiura-shimin-katsudo-ka"},
    {"kind": "organizations", "id": "tsuchiura-shimin-katsudo-ka", "set": {"label_en": "Civic Activities Division"}},
    {"kind": "elements", "id": "community-support", "plan": "tsuchiura-plan",
     "set": {"responsible_refs": ["tsuchiura-shimin-katsudo-ka"]}},
    {"kind": "elements", "match": {"label": "地区集会所修繕事業"}, "id": "hall-repairs"},
    {"kind": "elements", "id": "hall-repairs", "plan": "tsuchiura-plan",
     "set": {"responsible_refs": ["tsuchiura-shimin-katsudo-ka"]}},
]


@pytest.fixture()
def project(tmp_path):
    """A project root holding only the new document, its city and its kind."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    with (tmp_path / "ontology" / "codelists.ttl").open("a", encoding="utf-8") as f:
        f.write(f"""
code:document-kind skos:hasTopConcept <https://plankg.org/def/code/document-kind/{KIND}> .
<https://plankg.org/def/code/document-kind/{KIND}> a skos:Concept ;
    skos:prefLabel "まちづくり計画の章"@ja , "town planning chapter"@en ;
    skos:notation "{KIND}" ;
    skos:definition "まちづくり計画の一章。"@ja , "One chapter of a town plan."@en ;
    skos:inScheme code:document-kind ; skos:topConceptOf code:document-kind .
""")
    (tmp_path / "data" / "reference").mkdir(parents=True)
    for name in ("units.yaml", "breakdowns.yaml"):
        shutil.copy(ROOT / "data" / "reference" / name, tmp_path / "data" / "reference" / name)
    (tmp_path / "data" / "reference" / "cities.yaml").write_text(
        f'- {{code: "{CITY}", name: 土浦市, name_en: Tsuchiura, prefecture: 茨城県, kind: city}}\n', encoding="utf-8")
    (tmp_path / "data" / "linkage").mkdir()
    for name in ("links.yaml", "candidates.yaml"):  # no links to other documents yet
        (tmp_path / "data" / "linkage" / name).write_text("[]\n", encoding="utf-8")
    # the policy areas as they are, classifying the new plan only (the other documents are not here)
    areas = (ROOT / "data" / "linkage" / "policy-areas.yaml").read_text(encoding="utf-8").split("\nclassification:")[0]
    (tmp_path / "data" / "linkage" / "policy-areas.yaml").write_text(
        areas + "\nclassification:\n  - ref: plan:tsuchiura-plan\n    areas: [community]\n", encoding="utf-8")
    (tmp_path / "sources").mkdir()
    data = SOURCE.encode("utf-8")
    (tmp_path / "sources" / "doc.txt").write_bytes(data)
    (tmp_path / "sources" / "catalog.yaml").write_text(yaml.safe_dump([{
        "id": DOC, "file": "doc.txt", "sha256": hashlib.sha256(data).hexdigest(), "city_code": CITY,
        "title": "土浦市まちづくり計画 第1章", "title_en": "Tsuchiura City Plan, chapter 1", "publisher": "土浦市",
        "kind": KIND, "period_start": "2022", "period_end": "2026"}], allow_unicode=True), encoding="utf-8")
    (tmp_path / "data" / DOC).mkdir()
    (tmp_path / "data" / DOC / "profile.yaml").write_text(yaml.safe_dump(PROFILE, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _ingest(root: Path, *extra: str):
    out = root / "var" / "ingest" / DOC
    result = CliRunner().invoke(ingest, [str(root / "sources" / "doc.txt"), "--city", CITY, "--kind", KIND,
                                         "--document", DOC, "--root", str(root), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def test_a_new_document_from_source_to_a_valid_graph(project):
    from mappings.config import ProjectConfig
    from mappings.build.pipeline import map_records, validate
    from mappings.records.verify import check_all

    # ingest: drafts and a review report naming what was read and what was not
    out = _ingest(project)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| indicators | kpi | 1 |" in report and "| statistics | statistics:地区会の数の推移 | 2 |" in report
    drafts = yaml.safe_load((out / "elements.yaml").read_text(encoding="utf-8"))
    assert [(e["id"], e["label"]) for e in drafts][:2] == [("policy-1", "地域づくり"), ("policy-2", "行財政運営")]
    project_rows = [e for e in drafts if e["kind"] == "project"]
    assert [(e["label"], e.get("flags")) for e in project_rows] == [("地域づくり支援事業", ["priority", "new"]),
                                                                     ("地区集会所修繕事業", None)]
    # corrections: the curator's ids, translations and the plan the readers do not propose
    (project / "data" / DOC / "corrections.yaml").write_text(yaml.safe_dump(CORRECTIONS, allow_unicode=True),
                                                            encoding="utf-8")
    out = _ingest(project)
    assert "Every correction applied." in (out / "report.md").read_text(encoding="utf-8")
    for path in out.glob("*.yaml"):
        shutil.copy(path, project / "data" / DOC / path.name)
    # records: every value at its cited line, then mapped and SHACL-valid
    assert check_all(project / "data", project / "sources") == []
    config = ProjectConfig(root=project)
    ctx, n = map_records(config)
    assert n == sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in out.glob("*.yaml"))
    assert validate(config, ctx) == []
    text = ctx.dataset.serialize(format="nquads")
    assert "document-kind/" + KIND in text and "地区集会所修繕事業" in text


def test_a_kind_outside_the_code_list_is_refused(project):
    from mappings.records.sources import load_catalog
    from mappings.records.schema import RecordError

    catalog = project / "sources" / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(KIND, "novel"), encoding="utf-8")
    with pytest.raises(RecordError, match="document kind 'novel' is not in the code list"):
        load_catalog(project / "sources")


# --- every document: data/<document>/expect.yaml ------------------------------------------------------
# counts, the record expectations (records, tallies, lists, same: tests/expectations.py, data/README.md)
# and the competency cases of tests/competency/<document>.yaml: a case with a `sparql` SELECT is asked of
# the built graph and its rows must be the answer; a case without one must find each answer value among
# the values of the records it names.

EXPECTED = sorted(p.parent.name for p in (ROOT / "data").glob("*/expect.yaml"))
MIN_CASES = 6  # competency questions per document
CASE_KEYS = {"id", "question_ja", "question_en", "answer", "records", "lines", "sparql"}


@pytest.fixture(scope="module")
def records():
    from mappings.records.files import load_records

    return load_records(ROOT / "data")


@pytest.fixture(scope="module")
def checker(records):
    from expectations import Checker

    return Checker(records)


def _expect(document: str) -> dict:
    from mappings.records.files import load_yaml, strip_lines

    return strip_lines(load_yaml(ROOT / "data" / document / "expect.yaml"))


def _cases(document: str) -> list[dict]:
    from mappings.records.files import load_yaml, strip_lines

    return strip_lines(load_yaml(ROOT / _expect(document)["competency"]))


def _values(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _values(v)
    elif isinstance(node, list):
        for v in node:
            yield from _values(v)
    else:
        yield node


def _norm(value):
    from decimal import Decimal
    from mappings.records.normalize import compact

    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return ("number", Decimal(str(value)).normalize())
    return ("text", compact(str(value)))


def test_every_document_has_its_expectations(records):
    from mappings.records.sources import load_catalog

    assert EXPECTED == sorted(load_catalog(ROOT / "sources")) == sorted({r.document for r in records.records})
    # every per-document competency file is read here
    files = {p.stem for p in (ROOT / "tests" / "competency").glob("*.yaml")} - {"cases", "linkage-cases"}
    assert files == set(EXPECTED)
    assert {_expect(d)["competency"] for d in EXPECTED} == {f"tests/competency/{d}.yaml" for d in EXPECTED}
    assert {d: len(_cases(d)) for d in EXPECTED if len(_cases(d)) < MIN_CASES} == {}


@pytest.mark.parametrize("document", EXPECTED)
def test_document_matches_its_expectations(records, checker, document):
    from collections import Counter
    from mappings.records.files import strip_lines
    from mappings.records.schema import parse_lines
    from mappings.records.sources import load_catalog

    expect = _expect(document)
    mine = [r for r in records.records if r.document == document]
    assert dict(Counter(r.kind for r in mine)) == expect["counts"]
    assert checker.check(document, expect) == []
    by_id: dict[str, list[dict]] = {}
    for r in mine:
        by_id.setdefault(r.record.id, []).append(strip_lines(r.raw))
    n_lines = len(load_catalog(ROOT / "sources")[document].lines)
    for case in _cases(document):
        assert set(case) <= CASE_KEYS, (case["id"], set(case) - CASE_KEYS)
        assert case["question_ja"] and case["question_en"] and isinstance(case["answer"], list), case["id"]
        assert set(case["records"]) <= by_id.keys(), case["id"]
        cited = parse_lines(case["lines"])
        assert cited and all(1 <= a <= b <= n_lines for a, b in cited), case["id"]
        if "sparql" in case:  # asked of the built graph: test_document_answers_from_the_graph
            continue
        pool = {_norm(v) for ident in case["records"] for rec in by_id[ident] for v in _values(rec)}
        answers = [v for row in case["answer"] for v in (row.values() if isinstance(row, dict) else [row])
                   if v is not None and not isinstance(v, bool)]
        assert [v for v in answers if _norm(v) not in pool] == [], case["id"]


def answer_problems(store, case: dict) -> list[str]:
    """Where the rows of the case's SELECT differ from its answer: numbers numerically, texts as the
    source-line check compares them (NFKC, white space ignored: the graph's labels drop the PDF's spaces),
    null as unbound; in order when the query has an ORDER BY, as a multiset otherwise."""
    from collections import Counter
    from expectations import show
    from mappings.build.merge import query_options
    from mappings.records.normalize import compact
    from mappings.vocabulary import sparql_prefixes

    solutions = store.query(sparql_prefixes() + case["sparql"], **query_options(store))
    columns = [v.value for v in solutions.variables]
    wanted = [c for row in case["answer"][:1] for c in row]
    if case["answer"] and set(columns) != set(wanted):
        return [f"{case['id']}: the query selects {columns}, the answer has {wanted}"]

    def cell(value, text: bool):
        from decimal import Decimal, InvalidOperation

        if value is None:
            return None
        if not text:
            try:
                return Decimal(str(value)).normalize()
            except InvalidOperation:
                pass
        return compact(str(value))

    # a column is compared as numbers where the answer gives numbers
    numeric = {c: any(isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool) for r in case["answer"])
               for c in columns}
    found = [tuple(cell(None if row[c] is None else row[c].value, not numeric[c]) for c in columns) for row in solutions]
    expected = [tuple(cell(r.get(c), not numeric[c]) for c in columns) for r in case["answer"]]
    ordered = "ORDER BY" in case["sparql"].upper()
    if (found == expected) if ordered else (Counter(found) == Counter(expected)):
        return []
    extra = [r for r in found if r not in expected]
    missing = [r for r in expected if r not in found]
    return [f"{case['id']}: columns {columns}; rows not in the answer {show(extra)}; answer rows not found {show(missing)}"
            + ("; same rows in another order" if ordered and not extra and not missing else "")]


@pytest.mark.parametrize("document", EXPECTED)
def test_document_answers_from_the_graph(built_graph, document):
    cases = [c for c in _cases(document) if "sparql" in c]
    assert [p for case in cases for p in answer_problems(built_graph, case)] == []


# --- the checks can fail: wrong expectations in copies, with messages naming what differs ------------

def test_a_wrong_record_value_names_document_record_field_expected_and_found(checker):
    import copy

    expect = copy.deepcopy(_expect("hitachi-plan-chapter-6"))
    tests = expect["records"]["indicators target-sns-likes"]
    tests["observations[role=current,fiscal_year=2021].value"] = [79068]
    expect["records"]["organizations hitachi-sakura-no-machizukuri-suishin-shimin-kaigi"]["established"] = "2021-08"
    assert checker.check("hitachi-plan-chapter-6", expect) == [
        "hitachi-plan-chapter-6: indicators 'target-sns-likes': observations[role=current,fiscal_year=2021].value: "
        "expected [79068], found [79067]",
        "hitachi-plan-chapter-6: organizations 'hitachi-sakura-no-machizukuri-suishin-shimin-kaigi': established: "
        "expected 2021-08, found 2021-07"]


def test_wrong_tallies_lists_and_sames_fail_naming_the_group(checker):
    import copy

    expect = copy.deepcopy(_expect("mito-strategy-evaluation-2022"))
    flagged = next(t for t in expect["tallies"] if t.get("by") == "dimensions.区分")
    flagged["expect"]["夜間診療"] = 3907                      # the cells add up to 3908
    n = expect["tallies"].index(flagged) + 1
    goals = next(t for t in expect["lists"] if t.get("list") == "number")
    goals["expect"] = ["Ⅰ", "Ⅱ", "Ⅳ", "Ⅲ"]
    m = expect["lists"].index(goals) + 1
    expect["same"] = [{"of": "elements", "where": {"kind": "goal"}, "same": ["number", "label"]}]
    problems = checker.check("mito-strategy-evaluation-2022", expect)
    assert problems[:2] == [
        f"mito-strategy-evaluation-2022: tallies #{n} (statistics {{dataset: holiday-night-clinic-fy2022, "
        "dimensions.区分 not: 計, dimensions.診療科 not: 合計}) [夜間診療]: expected 3907, found 3908",
        f"mito-strategy-evaluation-2022: lists #{m} (elements {{kind: goal}}): expected [Ⅰ, Ⅱ, Ⅳ, Ⅲ], found [Ⅰ, Ⅱ, Ⅲ, Ⅳ]"]
    assert problems[2].startswith("mito-strategy-evaluation-2022: same #1 (elements {kind: goal}): elements 'goal-1': "
                                  "number is Ⅰ, label is 生き生きと働けるしごとを創る")
    assert len(problems) == 6


def test_a_malformed_expectation_is_named(checker):
    expect = {"counts": {}, "competency": "x", "record": {},
              "records": {"elements no-such-id": {"label": "x"}, "elements chapter-6": {"lable": "x"}},
              "tallies": [{"of": "elements", "count": 1},
                          {"of": "elements", "where": {"kind": "project"}, "by": "parent_ref.lable", "expect": {}}],
              "same": [{"of": "elements", "where": {"kind": "vision"}, "same": ["label", "label"]}]}
    assert checker.check("hitachi-plan-chapter-6", expect) == [
        "hitachi-plan-chapter-6: expect.yaml: unknown section 'record'",
        "hitachi-plan-chapter-6: records 'elements no-such-id': 0 elements records with id 'no-such-id'",
        "hitachi-plan-chapter-6: elements 'chapter-6': lable: no field 'lable'",
        "hitachi-plan-chapter-6: tallies #1 (elements): keys ['expect', 'of'] and optionally ['by', 'sum', 'where'], "
        "not ['count', 'of']",
        "hitachi-plan-chapter-6: tallies #2 (elements {kind: project}): elements 'ch6-policy-1-initiative-1-project-01': "
        "no field 'lable'",
        "hitachi-plan-chapter-6: same #1 (elements {kind: vision}): no record matches"]


def test_a_wrong_answer_differs_from_the_graph(built_graph):
    import copy

    case = next(c for c in _cases("mito-strategy-evaluation-2022") if c["id"] == "ms2-project-budget-execution-fy2022")
    assert answer_problems(built_graph, case) == []
    wrong = copy.deepcopy(case)
    wrong["answer"][10]["execution_rate"] = 42.2   # 11,323 / 26,800 = 42.25 %: half up is 42.3
    [problem] = answer_problems(built_graph, wrong)
    assert "rows not in the answer [小・中学校校舎のトイレ洋式化の推進 / 26800 / 11323 / 42.3]" in problem
    assert "answer rows not found [小・中学校校舎のトイレ洋式化の推進 / 26800 / 11323 / 42.2]" in problem
    swapped = copy.deepcopy(case)
    swapped["answer"][0], swapped["answer"][1] = swapped["answer"][1], swapped["answer"][0]
    assert answer_problems(built_graph, swapped)[0].endswith("same rows in another order")
    renamed = copy.deepcopy(case)
    renamed["answer"] = [{("rate" if k == "execution_rate" else k): v for k, v in row.items()} for row in case["answer"]]
    assert "the query selects" in answer_problems(built_graph, renamed)[0]
