"""The source-line check catches a figure that is not at its cited line."""

import shutil
from pathlib import Path
import pytest
from mappings.records.schema import RecordError
from mappings.records.verify import check_all, is_source_key

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of sources/ and data/reference with one document's records to tamper with."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copytree(ROOT / "data" / "reference", tmp_path / "data" / "reference")
    (tmp_path / "data" / "mito-overview-2023").mkdir()
    return tmp_path


def write_mayor(project: Path, **fields) -> None:
    record = {"id": "mayor-13", "lines": 20, "city": '"082015"', "ordinal_text": '"13"',
              "name": "山本敏雄", "start": '"1947-12"', "end": '"1967-11"'} | fields
    text = "- " + "\n  ".join(f"{k}: {v}" for k, v in record.items()) + "\n"
    (project / "data" / "mito-overview-2023" / "mayors.yaml").write_text(text, encoding="utf-8")


def test_all_records_of_the_repository_are_at_their_lines():
    misses = check_all(ROOT / "data", ROOT / "sources")
    assert misses == [], "\n".join(map(str, misses))


def test_a_true_record_passes(project):
    write_mayor(project)
    assert check_all(project / "data", project / "sources") == []


@pytest.mark.parametrize("field, wrong", [
    ("end", '"1967-12"'),        # a month off
    ("start", '"1948-12"'),      # a year off
    ("name", "山本敏夫"),         # one character off
    ("lines", 21),               # the right values cited at the wrong line
])
def test_a_wrong_record_fails(project, field, wrong):
    write_mayor(project, **{field: wrong})
    misses = check_all(project / "data", project / "sources")
    assert misses, f"a wrong {field} passed the check"
    assert "mayors.yaml:1 (mayors 'mayor-13')" in str(misses[0])


def test_a_wrong_number_fails(project):
    (project / "data" / "mito-overview-2023" / "statistics.yaml").write_text(
        "- id: consultations-total\n  lines: [442, \"444-445\"]\n  dataset: consultations\n"
        "  measure: 計\n  value: 4650\n  unit: 件\n  fiscal_year: \"2022\"\n", encoding="utf-8")
    misses = check_all(project / "data", project / "sources")
    assert [m.field for m in misses] == ["value"]
    assert "4650" in str(misses[0]) and "mito-overview-2023:[442, " in str(misses[0])


def test_a_line_outside_the_document_is_an_error(project):
    write_mayor(project, lines=9999)
    with pytest.raises(RecordError, match="outside mito-overview-2023"):
        check_all(project / "data", project / "sources")


def test_identifiers_and_translations_are_not_source_values():
    assert not is_source_key("id") and not is_source_key("title_en") and not is_source_key("member_city_codes")
    assert is_source_key("name") and is_source_key("value")
