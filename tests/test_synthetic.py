"""The synthetic corpus (bench.synthetic): deterministic, valid, and checkable like the real one."""

from __future__ import annotations
from pathlib import Path
import pytest
from mappings.config import ProjectConfig
from mappings.build.pipeline import map_records
from mappings.records.files import load_records
from mappings.records.sources import load_catalog, verify_city_code
from bench.synthetic.cities import municipalities
from bench.synthetic.corpus import generate
from mappings.records.verify import check_all

ROOT = Path(__file__).resolve().parent.parent


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("syn") / "n2"
    generate(2, 7, out)
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(corpus, tmp_path):
    generate(2, 7, tmp_path / "again")
    generate(2, 8, tmp_path / "other")
    assert _files(corpus) == _files(tmp_path / "again")
    assert _files(corpus) != _files(tmp_path / "other")


def test_city_codes_have_valid_check_digits_and_are_unique():
    cities = municipalities(1741)
    assert len({c.code for c in cities}) == 1741
    for city in cities:
        assert verify_city_code(city.code) == city.code
    assert {c.kind for c in cities} == {"city", "town", "village"}


def test_records_pass_the_schema_and_the_source_line_check(corpus):
    records = load_records(corpus / "data")
    catalog = load_catalog(corpus / "sources")  # SHA-256 of every synthetic document checked here
    assert len(catalog) == 6 and len(records.cities) == 2
    kinds = {r.kind for r in records.records}
    assert kinds >= {"plans", "elements", "indicators", "organizations", "mayors", "systems", "statistics", "events"}
    assert len(records.of("plans")) == 10  # five plans per municipality
    assert check_all(corpus / "data", corpus / "sources") == []


def test_a_wrong_value_fails_the_source_line_check(corpus, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(corpus, broken)
    path = next((broken / "data").glob("*-overview/statistics.yaml"))
    text = path.read_text(encoding="utf-8")
    first_value = text.split("value: ", 1)[1].split("\n", 1)[0]
    path.write_text(text.replace(f"value: {first_value}", f"value: {int(first_value) + 1}", 1), encoding="utf-8")
    misses = check_all(broken / "data", broken / "sources")
    assert len(misses) == 1 and misses[0].field == "value"


def test_records_go_through_the_mapping(corpus):
    config = ProjectConfig(data_dir=corpus / "data", sources_dir=corpus / "sources", ontology_dir=ROOT / "ontology",
                           store_path=corpus / "store" / "current", dumps_path=corpus / "dumps")
    ctx, n_records = map_records(config)
    assert n_records == len(load_records(corpus / "data").records)
    graphs = {str(g.identifier) for g in ctx.dataset.graphs()}
    assert {f"https://plankg.org/graph/{doc}" for doc in load_catalog(corpus / "sources")} <= graphs
    assert len(ctx.dataset) > 10000  # quads of every named graph


def test_record_ids_that_mint_global_iris_are_unique_across_municipalities(tmp_path):
    out = tmp_path / "n12"
    generate(12, 1, out)  # enough municipalities for every city to have agreements
    ids = [r.record.id for r in load_records(out / "data").of("agreements")]
    assert ids and len(ids) == len(set(ids))


def test_the_manifest_names_the_generator_version(corpus):
    import json

    from bench.synthetic.corpus import generator_fingerprint

    assert json.loads((corpus / "synthetic.json").read_text())["generator"] == generator_fingerprint()


def test_the_manifest_examples_name_generated_records(corpus):
    """The stand-ins of the named queries' real examples (bench.named_cases.REAL_TO_SYNTHETIC) are all set and
    name records of municipality 0; that each answers its query is checked by the benchmark's corpora."""
    import json

    example = json.loads((corpus / "synthetic.json").read_text())["example"]
    assert all(value is not None for value in example.values()), example
    records = load_records(corpus / "data")
    elements = {f"https://plankg.org/id/plan/{r.record.plan}/{r.record.id}" for r in records.of("elements")}
    prefix = f"https://plankg.org/id/plan/syn-{example['city_code']}-"
    for key in ("community_measure", "basic_policy", "basic_project", "strategy_project", "served_goal"):
        assert example[key] in elements and example[key].startswith(prefix), key
    assert example["adopted_from"][:7] in {r.record.adopted for r in records.of("plans")}
    assert example["membership_fiscal_year"] in {r.record.fiscal_year for r in records.of("statistics")}


def test_every_named_query_answers_rows_on_the_corpus_with_its_stand_ins(tmp_path):
    """The benchmark times questions with answers: each named query, its real example replaced by the
    manifest's stand-in (bench.named_cases.named_cases), answers rows on the benchmark's N=10 corpus, and the
    plain-SPARQL form sent to the peer servers (parameters as VALUES) answers the same rows."""
    import json

    import pyoxigraph as ox

    from bench.builds import SEED
    from bench.named_cases import named_cases
    from kgservice.engine.reader import term as _term
    from mappings.build.inference import materialise

    corpus = tmp_path / "n10"  # questions across cities (an area shared by 3) need more than two
    generate(10, SEED, corpus)
    config = ProjectConfig(data_dir=corpus / "data", sources_dir=corpus / "sources", ontology_dir=ROOT / "ontology",
                           store_path=corpus / "store" / "current", dumps_path=corpus / "dumps")
    ctx, _ = map_records(config)
    store = ox.Store()
    store.bulk_load(ctx.dataset.serialize(format="nquads"), format=ox.RdfFormat.N_QUADS)
    materialise(store, config.base_iri)

    def answer(result):
        if isinstance(result, ox.QueryBoolean):
            return [bool(result)] if result else []
        if isinstance(result, ox.QuerySolutions):
            return sorted(tuple(map(str, row)) for row in result)
        return sorted(map(str, result))

    cases = named_cases(json.loads((corpus / "synthetic.json").read_text()))
    assert len(cases) == len(list((ROOT / "queries").glob("*.rq")))
    empty, differ = [], []
    for case in cases:
        bound = {ox.Variable(k): _term(ox, v) for k, v in case.terms.items()}
        rows = answer(store.query(case.text, substitutions=bound, use_default_graph_as_union=True))
        if not rows:
            empty.append(case.name)
        elif rows != answer(store.query(case.inline(), use_default_graph_as_union=True)):
            differ.append(case.name)
    assert empty == [] and differ == [], (empty, differ)
