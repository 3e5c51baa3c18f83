"""The competency questions: every named query ``queries/cq-*.rq`` against exact expected answers.

The cases are in tests/competency/cases.yaml, one per question and parameter set:
``query`` (the file stem), ``params`` (request values), ``expected`` (rows: variable → lexical
form of the value, only the variables the case asserts) and ``ordered`` (whether the row order is
part of the answer).  The expected answers are what the source documents say (each case cites its
source lines), so a failing case means the records, the mappings or the query are wrong.
"""

from __future__ import annotations
from collections import Counter
from pathlib import Path
import pyoxigraph as ox
import pytest
import yaml
from mappings.build.merge import query_options
from kgservice.queries.parameters import term as _term
from kgservice.queries.registry import load_queries

ROOT = Path(__file__).resolve().parents[1]
CASES_FILE = ROOT / "tests" / "competency" / "cases.yaml"
CASE_KEYS = {"id", "query", "params", "expected", "ordered", "question", "source"}
MIN_CASES = 25


def load_cases() -> list[dict]:
    cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    assert isinstance(cases, list), f"{CASES_FILE}: a YAML list of cases"
    return cases


CASES = load_cases()
QUERIES = load_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def store(built_graph) -> ox.Store:
    """The graph the questions are asked of: the full build (SHACL gate, closures) of the session."""
    return built_graph


def lexical(term) -> str | None:
    """The lexical form of a result term (IRI text for IRIs); None when unbound."""
    if term is None:
        return None
    return term.value


def run(store: ox.Store, name: str, params: dict) -> list[dict[str, str | None]]:
    query = QUERIES[name]
    given = {k: [str(v).lower() if isinstance(v, bool) else str(v)] for k, v in (params or {}).items()}
    substitutions = {ox.Variable(var): _term(nt) for var, nt in query.substitutions(given).items()}
    solutions = store.query(query.text, substitutions=substitutions, **query_options(store))
    variables = [v.value for v in solutions.variables]
    return [{var: lexical(row[var]) for var in variables} for row in solutions]


def project(rows: list[dict], columns: list[str]) -> list[dict]:
    return [{c: row.get(c) for c in columns} for row in rows]


def normalise_expected(rows: list[dict]) -> list[dict]:
    """Expected values as lexical strings (YAML null: the variable is unbound)."""
    return [{k: None if v is None else str(v) for k, v in row.items()} for row in rows]


def test_cases_file_is_well_formed():
    ids = [c.get("id") for c in CASES]
    assert len(ids) == len(set(ids)), "case ids are unique"
    for case in CASES:
        assert set(case) <= CASE_KEYS, f"{case.get('id')}: unknown keys {set(case) - CASE_KEYS}"
        assert case["query"] in QUERIES, f"{case['id']}: no query queries/{case['query']}.rq"
        assert isinstance(case["expected"], list), f"{case['id']}: expected is a list of rows ([] = no answer)"
        assert isinstance(case.get("ordered"), bool), f"{case['id']}: ordered must be true or false"
        columns = {k for row in case["expected"] for k in row}
        assert all(set(row) == columns for row in case["expected"]), f"{case['id']}: same columns per row"


def test_every_competency_query_has_a_case():
    named = {name for name in QUERIES if name.startswith("cq-")}
    asked = {c["query"] for c in CASES}
    assert named - asked == set(), "competency queries without a case"
    assert len(named) >= MIN_CASES - 5
    assert len(CASES) >= MIN_CASES


def test_every_competency_query_is_documented():
    for name, query in QUERIES.items():
        if not name.startswith("cq-"):
            continue
        assert query.description, f"{name}: description (the question in Japanese and English)"
        assert any("\u3040" <= ch <= "\u9fff" for ch in query.description), f"{name}: question in Japanese"
        assert query.tags, f"{name}: tags"
        if query.parameters:
            assert query.example, f"{name}: example"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_competency_case(store, case):
    expected = normalise_expected(case["expected"])
    rows = run(store, case["query"], case.get("params") or {})
    if not expected:  # a question whose answer is: nothing
        assert rows == [], f"{case['id']}: expected no rows"
        return
    columns = list(expected[0])
    assert rows, f"{case['id']}: the query returned nothing"
    unknown = set(columns) - set(rows[0])
    assert not unknown, f"{case['id']}: variables not selected by the query: {unknown}"
    actual = project(rows, columns)
    if case["ordered"]:
        assert actual == expected
    else:
        assert Counter(tuple(sorted(r.items())) for r in actual) == \
            Counter(tuple(sorted(r.items())) for r in expected), f"{case['id']}: rows differ"
