"""The ``plankg`` CLI: query, export, build/validate exit codes, and serve as a real process."""

from __future__ import annotations
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner
from conftest import FIXTURE_TRIPLES, OVERVIEW_GRAPH, REFERENCE_GRAPH, build_store, free_port
from kgservice.cli import app
from kgservice.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CITIES = ("SELECT ?code ?name WHERE { ?c <https://plankg.org/def/mplan#localGovernmentCode> ?code ; "
          "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?code")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("cli-store"))


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, env={"PLANKG_UPDATE_TOKEN": ""})


def test_query_csv_json_and_graph_formats(store):
    r = run("--store", str(store), "query", CITIES, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["code"], x["name"]) for x in rows] == [("082015", "水戸市"), ("082023", "日立市"), ("082368", "小美玉市")]
    r = run("--store", str(store), "query", CITIES)  # JSON by default
    assert json.loads(r.stdout)["results"]["bindings"][1]["name"]["value"] == "日立市"
    r = run("--store", str(store), "query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{OVERVIEW_GRAPH}> {{ ?s ?p ?o }} }}",
            "--format", "ntriples")
    assert r.exit_code == 0 and len(r.stdout.strip().splitlines()) == 17


def test_query_from_file_and_stdin(store, tmp_path):
    qfile = tmp_path / "count.rq"
    qfile.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    r = run("--store", str(store), "query", "--file", str(qfile), "--format", "tsv")
    assert r.exit_code == 0 and r.stdout.splitlines()[1] == str(FIXTURE_TRIPLES)
    r = run("--store", str(store), "query", "-", "--format", "csv", input=qfile.read_text())
    assert r.exit_code == 0 and r.stdout.splitlines()[1] == str(FIXTURE_TRIPLES)


def test_query_max_rows_refuses_never_cuts(store):
    """Over --max-rows the query is refused (exit 2, nothing on stdout); at the exact count it answers."""
    r = run("--store", str(store), "query", "SELECT * WHERE { ?s ?p ?o }", "--format", "tsv", "--max-rows", "5")
    assert r.exit_code == 2 and r.stdout == ""
    assert "more than 5 rows" in r.stderr
    r = run("--store", str(store), "query", "SELECT * WHERE { ?s ?p ?o }", "--format", "tsv",
            "--max-rows", str(FIXTURE_TRIPLES))
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == FIXTURE_TRIPLES + 1


@pytest.mark.parametrize("args", [
    ("query", "SELECT * WHERE { ?s ?p }"),
    ("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
    ("query", "SELECT * WHERE { ?s ?p ?o }", "--format", "turtle"),
    ("query", "ASK {}", "--format", "yaml"),
    ("export", "--format", "rdfa"),
    ("no-such-command",),
])
def test_usage_and_bad_input_exit_2(store, args):
    r = run("--store", str(store), *args)
    assert r.exit_code == 2, r.output


def test_missing_store_exit_3(tmp_path):
    for args in (("query", "ASK {}"), ("export", str(tmp_path / "out"))):
        r = run("--store", str(tmp_path / "nothing" / "current"), *args)
        assert r.exit_code == 3 and "plankg build" in r.stderr


def test_export_all_formats(store, tmp_path):
    out = tmp_path / "dumps"
    r = run("--store", str(store), "export", str(out))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["plankg.jsonld", "plankg.nq", "plankg.trig", "plankg.ttl"]
    for name, fmt in [("plankg.nq", ox.RdfFormat.N_QUADS), ("plankg.trig", ox.RdfFormat.TRIG),
                      ("plankg.jsonld", ox.RdfFormat.JSON_LD)]:
        quads = list(ox.parse(path=str(out / name), format=fmt))
        assert len(quads) == FIXTURE_TRIPLES
        assert {q.graph_name.value for q in quads} == {REFERENCE_GRAPH, OVERVIEW_GRAPH}
    triples = list(ox.parse(path=str(out / "plankg.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(triples) == FIXTURE_TRIPLES  # the union (no triple is in both graphs)
    single = tmp_path / "one.trig"
    assert run("--store", str(store), "export", str(single)).exit_code == 0
    assert len(list(ox.parse(path=str(single), format=ox.RdfFormat.TRIG))) == FIXTURE_TRIPLES


def test_build_and_validate_fail_with_1_on_a_value_not_at_its_source(tmp_path):
    """A copy of the project whose plan title is not what the document prints: verification fails."""
    # Only what the check needs (other documents' records may be mid-edit by their authors).
    for part in ("sources", "ontology", "data/reference"):
        shutil.copytree(ROOT / part, tmp_path / part)
    plans = tmp_path / "data" / "mito-overview-2023" / "plans.yaml"
    plans.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "mito-overview-2023" / "plans.yaml", plans)
    text = plans.read_text(encoding="utf-8")
    assert "title: 水戸市第6次総合計画" in text
    plans.write_text(text.replace("title: 水戸市第6次総合計画", "title: 水戸市第7次総合計画", 1), encoding="utf-8")
    common = ("--root", str(tmp_path), "--store", str(tmp_path / "var/store/current"),
              "--dumps", str(tmp_path / "var/dumps"))
    for command in ("build", "validate"):
        r = run(*common, command)
        assert r.exit_code == 1, r.output
        assert "水戸市第7次総合計画" in r.stderr
    assert not (tmp_path / "var/store/current").exists()  # nothing switched in


def test_serve_runs_a_real_server(store):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "PLANKG_WORKERS": "1", "PLANKG_UPDATE_TOKEN": ""}
    proc = subprocess.Popen([sys.executable, "-m", "kgservice", "--store", str(store), "serve", "--no-answer-cache"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": CITIES},
                              headers={"Accept": "text/csv"}, timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and "小美玉市" in r.text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    # uvicorn shuts down cleanly, then re-raises the signal it caught (exit status -SIGTERM)
    assert proc.returncode in (0, -signal.SIGTERM)
    log = proc.stderr.read().decode()
    assert "Traceback" not in log and "Finished server process" in log


def test_settings_from_env_options_win_and_token_hidden():
    env = {"PORT": "9001", "PLANKG_SERVICE_ALLOWLIST": "https://a.example/sparql, https://b.example/sparql",
           "PLANKG_UPDATE_TOKEN": "very-secret", "PLANKG_QUERY_TIMEOUT_S": "3.5", "PLANKG_UNION_DEFAULT_GRAPH": "false",
           "PLANKG_ANSWER_CACHE": "false"}
    s = Settings.from_env(env)
    assert (s.port, s.query_timeout_s, s.union_default_graph, s.answer_cache) == (9001, 3.5, False, False)
    assert s.service_allowlist == ["https://a.example/sparql", "https://b.example/sparql"]
    assert s.updates_enabled and "very-secret" not in repr(s) and "very-secret" not in str(s.model_dump())
    assert Settings.from_env(env, port=8123, query_timeout_s=None).port == 8123
    assert not Settings.from_env({"PLANKG_UPDATE_TOKEN": "  "}).updates_enabled
    defaults = Settings.from_env({})
    assert (defaults.port, defaults.workers, defaults.max_rows, defaults.base_iri) == (8000, 2, 10000, "https://plankg.org/")
    assert defaults.update_token is None and defaults.union_default_graph and defaults.cors_origins == ["*"]
    assert defaults.answer_cache
    with pytest.raises(ValueError):
        Settings.from_env({"PLANKG_BASE_IRI": "plankg.org"})


def test_one_configuration_for_build_and_service(tmp_path):
    """The build reads the service's own settings: --root moves data/, sources/, ontology/ and var/ together;
    an explicit path or PLANKG_* variable still wins for its one field."""
    s = Settings.from_env({"PLANKG_ROOT": str(tmp_path), "PLANKG_DUMPS_PATH": str(tmp_path / "elsewhere")})
    assert (s.data_dir, s.sources_dir, s.ontology_dir) == (tmp_path / "data", tmp_path / "sources", tmp_path / "ontology")
    assert s.store_path == tmp_path / "var" / "store" / "current" and s.store_root == tmp_path / "var" / "store"
    assert s.dumps_path == tmp_path / "elsewhere" and s.dumps_current == tmp_path / "elsewhere" / "current"
    assert Settings.from_env({"PLANKG_ROOT": str(tmp_path)}, root=ROOT).data_dir == ROOT / "data"


def test_load_names_the_unreachable_target_and_refuses_a_non_http_one(tmp_path):
    dump = tmp_path / "plankg.nq"
    dump.write_text('<https://plankg.org/id/city/082015> <http://www.w3.org/2000/01/rdf-schema#label> "水戸市"@ja '
                    '<https://plankg.org/graph/reference> .\n', encoding="utf-8")
    refused = run("load", "http://127.0.0.1:9/sparql", "--flavour", "oxigraph", "--dump", str(dump))
    assert refused.exit_code == 1 and "http://127.0.0.1:9" in refused.output and "Connection refused" in refused.output
    bad = run("load", "ftp://example.org/sparql", "--dump", str(dump))
    assert bad.exit_code == 2 and "not an http(s) URL" in bad.output
