"""The link suggester (mappings/suggest/suggester.py), its candidates graph (mappings/mapping/candidates.py) and CLI.

Real labels are tokenised by SudachiPy; the suggester must find the curated KPI ↔ measure links
of data/linkage/links.yaml (安心・安全見守り隊 ↔ 地域見守り・支えあいの推進, source lines 210 of the
strategy evaluation and 441-443 of the community plan) at the top of its candidates; candidates
live in their own graph without the plain triple; accept/reject work on a copy of data/.
"""

from __future__ import annotations
import shutil
from pathlib import Path
import pytest
from rdflib import URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD
from typer.testing import CliRunner
from kgservice.cli import app
from mappings.config import ProjectConfig
from mappings.build.pipeline import map_records
from mappings.mapping.candidates import map_candidates
from mappings.vocabulary import MPLAN
from mappings.records.files import load_records
from mappings.suggest.curation import read_candidates, write_candidates
from mappings.suggest.suggester import CANDIDATES, LINKS, Params, build_model, candidate_id, collect_nodes, propose
from mappings.suggest.text import tokenize
from mappings.records.verify import check_all

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://plankg.org/"
KPI = "indicator:mito-strategy-2/kpi-mimamori-tai"
WATCH = "element:mito-community-plan-3/basic-policy-3-measure-3"
CURATED_MEASURES = {
    "kpi-mimamori-tai-measures-community-watch": (KPI, WATCH),
    "kpi-disaster-drills-measures-community-disaster-prevention":
        ("indicator:mito-strategy-2/kpi-disaster-drill-participants", "element:mito-community-plan-3/basic-policy-3-measure-4"),
    "kpi-childcare-users-measures-community-childcare":
        ("indicator:mito-strategy-2/kpi-childcare-support-users", "element:mito-community-plan-3/basic-policy-3-measure-1"),
}


@pytest.fixture(scope="module")
def records():
    return load_records(ROOT / "data")


@pytest.fixture(scope="module")
def model(records):
    return build_model(records)


@pytest.fixture(scope="module")
def proposals(records, model):
    return propose(records, Params(), model)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of data/ (without candidates) beside the real sources/."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / CANDIDATES).unlink(missing_ok=True)
    (tmp_path / "sources").symlink_to(ROOT / "sources")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


# --- tokenising ------------------------------------------------------------------------------

def test_tokenize_community_measure_label():
    tokens = tokenize("地域見守り・支えあいの推進")   # community plan line 441
    assert "見守り" in tokens                         # the nominal 連用形, not the verb 見守る
    assert "支え合い" in tokens                       # あい normalised to 合い and joined to 支え
    assert "地域見守り" in tokens                     # adjacent nouns as a compound
    assert "推進" not in tokens and "の" not in tokens  # stop word, particle


def test_tokenize_kpi_label_drops_city_names_and_counting_words():
    tokens = tokenize("水戸市安心・安全見守り隊参加団体・事業者数(累計)")   # strategy evaluation line 210
    assert {"見守り", "見守り隊", "安心", "安全", "事業者"} <= set(tokens)
    assert "水戸市" not in tokens and "累計" not in tokens


def test_tokenize_base_forms_of_verbs_and_variants():
    assert "子供" in tokenize("子ども・子育て支援")       # 子ども → its normalised form
    assert "作る" in tokenize("協働でつくる持続可能な地域社会")
    assert "作る持続" not in tokenize("協働でつくる持続可能な地域社会")  # no compound across a verb


# --- proposing ---------------------------------------------------------------------------------

def test_curated_kpi_measure_links_are_top_candidates(proposals):
    by_pair = {frozenset((c["subject"]["ref"], c["object"]["ref"])): c for c in proposals}
    for link_id, (subject, obj) in CURATED_MEASURES.items():
        cand = by_pair.get(frozenset((subject, obj)))
        assert cand is not None, f"{link_id} not proposed"
        assert (cand["subject"]["ref"], cand["relation"], cand["object"]["ref"]) == (subject, "measures", obj)
        assert cand["rank"] == 1 and cand["known_link"] == link_id
    watch = by_pair[frozenset((KPI, WATCH))]
    assert {"見守り", "見守り隊"} <= set(watch["shared_terms"])
    assert watch["score"] >= 0.3


def test_candidates_pair_other_plans_in_other_documents_only(proposals, model):
    nodes = {n.ref: n for n in model.nodes}
    assert len(proposals) > 50
    for c in proposals:
        a, b = nodes[c["subject"]["ref"]], nodes[c["object"]["ref"]]
        assert a.plan != b.plan and not (a.documents & b.documents), c["id"]
        assert c["score"] >= 0.2 and c["rank"] <= 3
        assert c["id"] == candidate_id(a.ref, b.ref)
        if c["relation"] == "measures":
            assert a.what == "indicator" and b.what == "element"
        if c["relation"] == "serves":
            assert a.what == b.what == "element" and a.kind in {"measure", "project", "action", "initiative", "policy"}


def test_relation_guesses(proposals):
    by_pair = {(c["subject"]["ref"], c["object"]["ref"]): c["relation"] for c in proposals}
    # a community-plan measure → a policy of the 6th Comprehensive Plan, the plan it is positioned under
    assert by_pair.get(("element:mito-community-plan-3/basic-policy-5-measure-3",
                        "element:mito-comprehensive-plan-6/pillar-4-policy-1")) == "serves"
    # one city's indicator does not measure another city's element: only `related`
    for c in proposals:
        if c["relation"] == "measures":
            assert c["subject"]["ref"].split(":")[1].split("-")[0] == c["object"]["ref"].split(":")[1].split("-")[0]
    assert by_pair.get(("indicator:hitachi-comprehensive-plan/target-ordinary-balance-ratio",
                        "indicator:omitama-later-basic-plan/ordinary-balance-ratio")) == "related"  # 経常収支比率


def test_proposals_are_deterministic(records, proposals):
    assert propose(records, Params()) == proposals
    scores = [c["score"] for c in proposals]
    assert scores == sorted(scores, reverse=True)


# --- the candidates graph ------------------------------------------------------------------------

def test_candidates_graph_has_scores_and_no_asserted_triple(tmp_path, records, proposals):
    content = {"generated_by": {"suggester": "mappings.suggest 1", "method": "tfidf-cosine",
                                "analyser": {"sudachipy": "0.7.0", "sudachidict_core": "20261015"},
                                "parameters": Params().as_dict()},
               "candidates": [dict(c) for c in proposals]}
    content["candidates"][-1] = {**content["candidates"][-1], "decision": "rejected"}
    path = tmp_path / "candidates.yaml"
    write_candidates(path, content)
    ctx, _ = map_records(ProjectConfig.at(ROOT))
    ctx.graph("candidates").remove((None, None, None))  # the build mapped the committed file: start afresh
    assert map_candidates(ctx, path) == len(proposals) - 1
    ctx.check_references()
    g = ctx.graph("candidates")
    assert str(g.identifier) == BASE + "graph/candidates"
    nodes = set(g.subjects(RDF.type, MPLAN.CandidateLink))
    assert len(nodes) == len(proposals) - 1
    rejected = URIRef(BASE + "id/candidate/" + proposals[-1]["id"])
    assert rejected not in nodes
    for node in nodes:
        (s,), (p,), (o,) = (list(g.objects(node, prop)) for prop in (MPLAN.linkSubject, MPLAN.linkPredicate, MPLAN.linkObject))
        assert p in (MPLAN.measures, MPLAN.serves, SKOS.related)
        assert (s, p, o) not in g  # never the plain triple in the candidates graph …
        for other in ctx.dataset.graphs():  # … and nowhere else unless a curator asserted it
            if (s, p, o) in other:
                assert str(other.identifier) == BASE + "graph/linkage"
        (score,) = g.objects(node, MPLAN.score)
        assert score.datatype == XSD.decimal and 0.2 <= float(score) <= 1
        assert str(g.value(node, MPLAN.method)) == "tfidf-cosine"
        run_ = g.value(node, PROV.wasGeneratedBy)
        assert (run_, RDF.type, PROV.Activity) in g
        assert "SudachiPy 0.7.0" in str(g.value(run_, RDFS.label))
    watch = URIRef(BASE + "id/candidate/" + candidate_id(KPI, WATCH))
    assert g.value(watch, MPLAN.linkSubject) == URIRef(BASE + "id/plan/mito-strategy-2/indicator/kpi-mimamori-tai")
    assert g.value(watch, MPLAN.linkPredicate) == MPLAN.measures
    assert g.value(watch, RDFS.seeAlso) == URIRef(BASE + "id/link/kpi-mimamori-tai-measures-community-watch")
    # the curated link itself is asserted in the linkage graph only
    linkage = ctx.graph("linkage")
    assert (g.value(watch, MPLAN.linkSubject), MPLAN.measures, g.value(watch, MPLAN.linkObject)) in linkage


def test_stale_candidate_fails_the_references(tmp_path, proposals):
    cand = dict(proposals[0])
    cand["object"] = {**cand["object"], "ref": "element:mito-community-plan-3/no-such-element"}
    path = tmp_path / "candidates.yaml"
    write_candidates(path, {"generated_by": {}, "candidates": [cand]})
    ctx, _ = map_records(ProjectConfig.at(ROOT))
    map_candidates(ctx, path)
    with pytest.raises(Exception, match="no-such-element"):
        ctx.check_references()


# --- the CLI: suggest, accept, reject, evaluate --------------------------------------------------------

def test_accept_moves_a_candidate_into_links_with_verified_quotes(project):
    assert run("--root", str(project), "suggest", "suggest").exit_code == 0
    content = read_candidates(project / "data" / CANDIDATES)
    cand = next(c for c in content["candidates"] if c["relation"] == "measures" and "known_link" not in c)
    before = (project / "data" / LINKS).read_text(encoding="utf-8")
    result = run("--root", str(project), "suggest", "accept", cand["id"], "--confidence", "0.6", "--reason", "Checked by hand.")
    assert result.exit_code == 0, result.output
    after = (project / "data" / LINKS).read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # the curated links and their comments untouched
    assert check_all(project / "data", project / "sources") == []
    links = {l.record.id: l.record for l in load_records(project / "data").links}
    (link,) = [l for l in links.values() if l.subject.ref == cand["subject"]["ref"] and l.object.ref == cand["object"]["ref"]]
    assert link.relation == "measures" and link.asserted_by == "curator" and str(link.confidence) == "0.6"
    assert link.subject.quote == cand["subject"]["label"] and link.object.quote == cand["object"]["label"]
    assert link.reason_en == "Checked by hand."
    marked = {c["id"]: c for c in read_candidates(project / "data" / CANDIDATES)["candidates"]}[cand["id"]]
    assert marked["decision"] == "accepted" and marked["accepted_as"] == link.id
    again = run("--root", str(project), "suggest", "accept", cand["id"])
    assert again.exit_code == 2 and "already accepted" in again.output


def test_accept_refuses_related_without_a_relation_and_known_links(project):
    run("--root", str(project), "suggest", "suggest")
    content = read_candidates(project / "data" / CANDIDATES)
    related = next(c for c in content["candidates"] if c["relation"] == "related")
    result = run("--root", str(project), "suggest", "accept", related["id"])
    assert result.exit_code == 2 and "not a link relation" in result.output
    known = next(c for c in content["candidates"] if c.get("known_link"))
    assert run("--root", str(project), "suggest", "accept", known["id"]).exit_code == 2
    assert run("--root", str(project), "suggest", "accept", "cand-0000000000").exit_code == 2
    before = (project / "data" / LINKS).read_text(encoding="utf-8")
    assert before == (ROOT / "data" / LINKS).read_text(encoding="utf-8")


def test_reject_is_remembered(project):
    run("--root", str(project), "suggest", "suggest")
    path = project / "data" / CANDIDATES
    cand = read_candidates(path)["candidates"][0]
    assert run("--root", str(project), "suggest", "reject", cand["id"]).exit_code == 0
    assert run("--root", str(project), "suggest", "suggest").exit_code == 0
    entries = [c for c in read_candidates(path)["candidates"] if c["id"] == cand["id"]]
    assert len(entries) == 1 and entries[0]["decision"] == "rejected"  # kept, not proposed again
    assert "rejected 1" in run("--root", str(project), "suggest", "suggest").output


def test_evaluate_prints_precision_recall_table(project):
    result = run("--root", str(project), "suggest", "evaluate")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "| top-k | threshold | proposals | curated found | relation right | precision | recall | F1 |" in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 4 * 6
    for link_id in CURATED_MEASURES:
        assert f"{link_id}: cosine" in out and "rank 1 " in out.split(f"{link_id}: cosine")[1].splitlines()[0]
    assert "indicators' own measures_refs" in out


def test_committed_candidates_name_existing_records(records):
    """data/linkage/candidates.yaml (generated) must not point at records that are gone."""
    path = ROOT / "data" / CANDIDATES
    assert path.exists(), "run `plankg suggest suggest` to generate the candidates"
    nodes = {n.ref for n in collect_nodes(records)}
    for cand in read_candidates(path)["candidates"]:
        assert cand["subject"]["ref"] in nodes and cand["object"]["ref"] in nodes, \
            f"{cand['id']}: regenerate with `plankg suggest suggest`"
