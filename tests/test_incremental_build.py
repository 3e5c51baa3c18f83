"""The incremental build (mappings.build.incremental) gives what a full build of the same data gives.

On a copy of the real corpus and on a small synthetic one: build, change one KPI figure of one
document (the record and its cited source line, consistently), build again — incrementally — and build
the changed data in full beside it: the same quads (the canonical N-Quads dump, byte for byte), the same
default graph (the merge) and the same statistics. A bad changed document fails naming what is wrong and
leaves the served store as it was; a change that reaches other documents is built in full.
"""

from __future__ import annotations
import json
import shutil
from pathlib import Path
import pyoxigraph as ox
import pytest
from bench.buildchild import edit_one_value
from bench.synthetic.corpus import generate
from mappings.build.pipeline import BuildError, build, map_records
from mappings.vocabulary import MPLAN
from mappings.build.validate import validate_graph, validate_part, validate_parts
from mappings.config import ProjectConfig

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("records", "triples", "default_triples", "triples_per_graph", "instances_per_class", "inferred", "void")


def config_at(corpus: Path, var: str) -> ProjectConfig:
    return ProjectConfig(data_dir=corpus / "data", sources_dir=corpus / "sources", ontology_dir=ROOT / "ontology",
                         store_path=corpus / var / "store" / "current", dumps_path=corpus / var / "dumps")


def real_corpus(tmp: Path) -> Path:
    for name in ("data", "sources"):
        shutil.copytree(ROOT / name, tmp / name)
    return tmp


def default_graph(config: ProjectConfig) -> tuple[set, int]:
    """The default graph's triples without blank nodes (the ontology's are labelled afresh at each load),
    and how many triples it holds."""
    store = ox.Store.read_only(str(config.store_path.resolve()))
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    return {t for t in triples if not any(isinstance(x, ox.BlankNode) for x in t)}, len(triples)


def rebuilt_both_ways(corpus: Path, document: str) -> tuple[ProjectConfig, ProjectConfig, list[str]]:
    inc = config_at(corpus, "var")
    assert build(inc).mode == "full"  # no store yet
    edit = edit_one_value(inc.data_dir, inc.sources_dir, document)
    assert edit["to"] == edit["from"] + 1
    steps: list[str] = []
    assert build(inc, steps.append).mode == "incremental"
    full = config_at(corpus, "var-full")
    assert build(full, incremental=False).mode == "full"
    return inc, full, steps


def assert_same(inc: ProjectConfig, full: ProjectConfig) -> None:
    assert (inc.dumps_current / "plankg.nq").read_bytes() == (full.dumps_current / "plankg.nq").read_bytes()
    assert default_graph(inc) == default_graph(full)
    a, b = (json.loads((c.dumps_current / "report.json").read_text()) for c in (inc, full))
    assert {k: a[k] for k in FIGURES} == {k: b[k] for k in FIGURES}
    assert a["mode"] == "incremental" and b["mode"] == "full"


def test_real_corpus_incremental_equals_full(tmp_path):
    inc, full, steps = rebuilt_both_ways(real_corpus(tmp_path), "mito-strategy-evaluation-2022")
    assert "re-mapping the changed documents" in steps and "loading the store" not in steps
    assert_same(inc, full)
    # the changed figure is served: the new value, at the line it is cited from
    store = ox.Store.read_only(str(inc.store_path.resolve()))
    values = {r["v"].value for r in store.query(
        "SELECT ?v WHERE { ?o <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v "
        'FILTER(?v IN (908115, 908116)) }')}
    assert values == {"908116"}


def test_synthetic_corpus_incremental_equals_full(tmp_path):
    generate(2, 1, tmp_path)
    inc, full, _ = rebuilt_both_ways(tmp_path, "syn-012017-strategy-evaluation")
    assert_same(inc, full)


def test_nothing_changed_keeps_the_store(tmp_path):
    config = config_at(real_corpus(tmp_path), "var")
    build(config)
    served = config.store_path.resolve()
    steps: list[str] = []
    build(config, steps.append)
    assert config.store_path.resolve() == served
    assert steps == ["nothing changed since the current store was built"]


def test_a_bad_changed_document_leaves_the_served_store(tmp_path):
    config = config_at(real_corpus(tmp_path), "var")
    build(config)
    served = config.store_path.resolve()
    before = sorted(p.name for p in config.store_root.iterdir())
    records = config.data_dir / "mito-strategy-evaluation-2022" / "indicators.yaml"
    good = records.read_text(encoding="utf-8")
    records.write_text(good.replace("value: 908115", "value: 908119", 1), encoding="utf-8")  # not at line 24
    with pytest.raises(BuildError, match="not at their cited source lines"):
        build(config)
    two = "  - role: baseline\n    fiscal_year: '2018'\n    value: 908115\n"
    records.write_text(good.replace(two, two.replace("908115", "2016") + two, 1), encoding="utf-8")
    with pytest.raises(BuildError, match="two baseline values under one column"):
        build(config)
    assert config.store_path.resolve() == served
    assert sorted(p.name for p in config.store_root.iterdir()) == before  # no checkpoint or manifest left
    records.write_text(good, encoding="utf-8")
    assert build(config, lambda _: None).seconds >= 0 and config.store_path.resolve() == served  # unchanged again


def test_a_change_other_documents_read_is_built_in_full(tmp_path):
    config = config_at(real_corpus(tmp_path), "var")
    build(config)
    elements = config.data_dir / "hitachi-plan-chapter-6" / "elements.yaml"
    text = elements.read_text(encoding="utf-8")
    first_parent = next(line for line in text.splitlines() if line.strip().startswith("parent_ref:"))
    elements.write_text(text.replace(first_parent, "", 1), encoding="utf-8")  # the policy areas read parents
    steps: list[str] = []
    try:
        report = build(config, steps.append)
    except BuildError:
        return  # the element without its parent is refused in full; the served store stays
    assert report.mode == "full"
    assert any(s.startswith("a full build: hitachi-plan-chapter-6: its plans, organisations or elements' parents")
               for s in steps)


def test_validating_in_parts_gives_the_whole_graph_verdicts(tmp_path):
    """Each named graph's subjects validated on a part cut out of the store: together the same violations
    as the whole graph, on the real graph broken in three ways."""
    from io import StringIO
    from mappings.mapping.nquads import NQuadsSink

    out = StringIO()
    map_records(ProjectConfig.at(ROOT), NQuadsSink(out))
    text = out.getvalue()
    lines = text.splitlines(keepends=True)
    label = next(l for l in lines if "rdf-schema#label" in l and "/graph/hitachi-plan-chapter-6>" in l and "@ja" in l)
    first_line = next(l for l in lines if "#firstLine>" in l)
    dataset = next(l for l in lines if "cube#dataSet>" in l)
    broken = text.replace(label, "").replace(first_line, first_line.replace('"', '"x', 1).replace(
        "XMLSchema#integer", "XMLSchema#string")).replace(dataset, "")
    store = ox.Store(str(tmp_path / "store"))
    store.load(broken.encode(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    shapes = ROOT / "ontology" / "shapes.ttl"
    def verdicts(violations) -> set:  # the anonymous property shapes are blank nodes, labelled afresh per parse
        return {(v.focus, v.path, v.message, v.value) for v in violations}

    whole = verdicts(validate_graph(broken, store, shapes))
    assert len(whole) >= 3
    ontology = ox.NamedNode("https://plankg.org/graph/ontology")
    parts = [{q.subject for q in store.quads_for_pattern(None, None, None, graph)} for graph in store.named_graphs()]
    in_parts = set()
    for focus in parts:
        in_parts |= verdicts(validate_part(store, focus, shapes, ontology))
    assert in_parts == whole
    # the same parts in two worker processes reading the store read-only
    assert verdicts(validate_parts(tmp_path / "store", parts, shapes, ontology, workers=2)) == whole


def test_a_part_holds_what_its_nodes_are_reached_by_backwards(tmp_path):
    """Regression (N=1,741: the reference graph cut into parts, its instants refused as lacking their
    calendar months): a part whose nodes' sh:inversePath neighbours (a month time:inside an instant, a
    parent dct:hasPart an element) went to other parts still gives the whole graph's verdict."""
    from io import StringIO
    from mappings.mapping.nquads import NQuadsSink

    out = StringIO()
    map_records(ProjectConfig.at(ROOT), NQuadsSink(out))
    store = ox.Store(str(tmp_path / "store"))
    store.load(out.getvalue().encode(), format=ox.RdfFormat.N_QUADS)
    time, dct = "http://www.w3.org/2006/time#", "http://purl.org/dc/terms/"
    instant = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(time + "inXSDgYearMonth"), None))
    element = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(MPLAN) + "parent"), None))
    shapes, ontology = ROOT / "ontology" / "shapes.ttl", ox.NamedNode("https://plankg.org/graph/ontology")
    assert validate_part(store, {instant, element}, shapes, ontology) == []
    # the same nodes with their month's and their parent's triples gone are refused: the check can fail
    month = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(time + "inside"), instant))
    parent = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(dct + "hasPart"), element))
    for quad in [*store.quads_for_pattern(month, ox.NamedNode(time + "inside"), instant),
                 *store.quads_for_pattern(parent, ox.NamedNode(dct + "hasPart"), element)]:
        store.remove(quad)
    messages = {v.message for v in validate_part(store, {instant, element}, shapes, ontology)}
    assert any("time:inside exactly one calendar year or month" in m for m in messages), messages
    assert len(messages) >= 2, messages
