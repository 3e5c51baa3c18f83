"""The cold-query suite: questions a researcher asks without reading our docs, in the vocabularies
they know (W3C, DCMI, schema.org, FOAF), never an ``mplan:`` term nor anything else of ours under
``…/def/``; data IRIs (``…/id/…``) may appear as the constants a question names.

One question a file, ``tests/cold/<name>.rq``: a grlc-style ``#+`` YAML header (``question``,
``source`` — the document lines the answer is read from —, ``expected`` — the exact rows, variable →
lexical value — and ``ordered``), then the query. Each runs on the embedded store and on Oxigraph
server loaded with the same graph, and must answer exactly the expected rows on both.
"""

from __future__ import annotations
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
import pytest
import yaml
from conftest_backends import OX_PORT, lexical
from kgservice.engine.remote import RemoteEngine
from kgservice.settings import Settings

COLD = Path(__file__).resolve().parent / "cold"
HEADER_KEYS = {"question", "source", "expected", "ordered"}
MIN_QUESTIONS = 15
OUR_VOCABULARY = re.compile(r"\bmplan:|plankg\.org/def/")


def read_question(path: Path) -> dict:
    header = [line[3:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#+ ")]
    meta = yaml.safe_load("\n".join(header)) or {}
    unknown = set(meta) - HEADER_KEYS
    assert not unknown, f"{path.name}: unknown header keys {sorted(unknown)}"
    assert {"question", "source", "expected"} <= set(meta), f"{path.name}: question, source and expected are required"
    body = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
    return {**meta, "name": path.stem, "query": body, "ordered": bool(meta.get("ordered", False))}


QUESTIONS = [read_question(p) for p in sorted(COLD.glob("*.rq"))]


def _expected_value(value) -> str:
    """An expected value as the text answers are compared by: numbers by value, booleans as 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    try:
        return format(Decimal(text).normalize(), "f") if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
    except InvalidOperation:
        return text


def expected_rows(question: dict) -> list[tuple]:
    return [tuple(sorted((k, _expected_value(v)) for k, v in row.items())) for row in question["expected"] or []]


def answered_rows(body: bytes) -> list[tuple]:
    doc = json.loads(body)
    if "boolean" in doc:
        return [(("boolean", "1" if doc["boolean"] else "0"),)]
    return [tuple(sorted((k, lexical(v)) for k, v in row.items())) for row in doc["results"]["bindings"]]


@pytest.fixture(scope="module")
def oxigraph(real_store, oxigraph_load):
    return RemoteEngine(f"http://127.0.0.1:{OX_PORT}", Settings(store_path=real_store, query_timeout_s=30))


def test_the_suite_asks_enough_questions():
    assert len(QUESTIONS) >= MIN_QUESTIONS, [q["name"] for q in QUESTIONS]


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["name"] for q in QUESTIONS])
def test_question_uses_no_term_of_ours(question):
    assert not OUR_VOCABULARY.search(question["query"]), question["name"]


@pytest.mark.parametrize("backend", ["embedded", "oxigraph"])
@pytest.mark.parametrize("question", QUESTIONS, ids=[q["name"] for q in QUESTIONS])
def test_question_answers_exactly_what_the_documents_say(request, question, backend):
    expected = expected_rows(question)
    assert expected, f"{question['name']}: a question with no expected rows proves nothing"
    engine = request.getfixturevalue(backend)  # the server is started only when a test asks for it
    got = answered_rows(engine.execute(question["query"], "json").body)
    if question["ordered"]:
        assert got == expected, question["question"]
    else:
        assert sorted(got) == sorted(expected), question["question"]


def test_model_shows_every_question_as_the_way_to_ask():
    model = (COLD.parent.parent / "ontology" / "MODEL.md").read_text(encoding="utf-8")
    missing = [q["name"] for q in QUESTIONS if f"tests/cold/{q['name']}.rq" not in model or q["question"] not in model]
    assert not missing, f"ontology/MODEL.md does not show: {missing}"
