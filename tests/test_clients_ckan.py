"""CKAN's harvest of /catalog: ckanext-dcat 2.4.4's RDFParser (what CKAN's DCAT harvester runs) with
the DCAT-AP 1, 2 and 3 profiles, on the catalog of a live service over the real graph, under an English
and a Japanese CKAN locale. Every field a CKAN dataset gets is asserted for every dataset.

CKAN itself runs no site here: the parser and profiles need no database or configuration (its licence
register and tag validators are CKAN's own code, imported as they are).
"""

from __future__ import annotations
import subprocess
from pathlib import Path
import pytest
from ckan.common import config
from ckan.lib.navl.dictization_functions import Invalid
from ckan.logic.validators import tag_length_validator, tag_name_validator
from ckanext.dcat.processors import RDFParser
from conftest import LiveServer, free_port
from kgservice.settings import Settings
from mappings.records.sources import load_catalog

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://plankg.org/"
IANA = "https://www.iana.org/assignments/media-types/"
PROFILES = ["euro_dcat_ap", "euro_dcat_ap_2", "euro_dcat_ap_3"]
DOCUMENTS = {s.meta.id: s.meta for s in load_catalog(ROOT / "sources").values()}
CITIES = {"082015": {"ja": "水戸市", "en": "Mito"}, "082023": {"ja": "日立市", "en": "Hitachi"},
          "082368": {"ja": "小美玉市", "en": "Omitama"}}
CONTENT = {".nq": ("application/n-quads", "N-Quads"), ".trig": ("application/trig", "TriG"),
           ".ttl": ("text/turtle", "Turtle"), ".jsonld": ("application/ld+json", "JSON-LD")}


@pytest.fixture(scope="module")
def catalog_turtle(real_server) -> str:
    with real_server.client() as client:
        r = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    return r.text


def harvest(data: str, profile: str, locale: str) -> list[dict]:
    previous = config.get("ckan.locale_default")
    config["ckan.locale_default"] = locale
    try:
        parser = RDFParser(profiles=[profile])
        parser.parse(data, _format="turtle")
        return list(parser.datasets())
    finally:
        config["ckan.locale_default"] = previous


def extras(dataset: dict) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset.get("extras", [])}


def git_dates(*paths: Path) -> tuple[str, str]:
    """First and last commit dates of the paths, as `git log` reports them."""
    out = subprocess.run(["git", "-C", str(ROOT), "log", "--format=%cs", "--", *map(str, paths)],
                         capture_output=True, text=True, check=True).stdout.split()
    return out[-1], out[0]


def valid_tag(name: str) -> bool:
    try:
        tag_name_validator(name, {})
        tag_length_validator(name, {})
    except Invalid:
        return False
    return True


def test_ckan_tag_rules_are_the_ones_that_failed():
    """The validators are CKAN's: the old publisher tag fails them, so the test below can fail."""
    assert not valid_tag("水戸市まち・ひと・しごと創生推進本部") and valid_tag("水戸市") and not valid_tag("x")


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("profile", PROFILES)
def test_every_dataset_gets_every_field(catalog_turtle, profile, locale):
    datasets = harvest(catalog_turtle, profile, locale)
    by_id = {extras(d)["identifier"]: d for d in datasets}
    assert set(by_id) == set(DOCUMENTS) | {"plankg"}
    for ident, d in by_id.items():
        ex = extras(d)
        doc = DOCUMENTS.get(ident)
        assert d["license_id"] == "cc-by", ident  # CKAN's "Creative Commons Attribution"
        tags = [t["name"] for t in d["tags"]]
        assert tags and all(valid_tag(t) for t in tags), (ident, tags)
        assert len(tags) == len(set(tags)), (ident, tags)
        assert any(any("\u3040" <= ch <= "\u9fff" for ch in t) for t in tags), (ident, "a Japanese tag")
        assert any(t.isascii() for t in tags), (ident, "an English tag")
        assert ex["contact_uri"] == BASE + "catalog#contact"
        assert ex["contact_name"] == {"en": "plankg maintainers", "ja": "plankg 保守担当"}[locale]
        assert ex["contact_url"] == BASE  # no address configured: the service's home page
        assert ex["uri"] == (BASE + "catalog#dataset-all" if doc is None else f"{BASE}catalog#dataset-{ident}")
        if doc is None:
            first, last = git_dates(ROOT / "data", ROOT / "sources", ROOT / "ontology")
            assert d["url"] == BASE
            assert ex["publisher_uri"] == BASE + "catalog#publisher"
            assert (ex["temporal_start"], ex["temporal_end"]) == ("2009", "2026")
            assert d["title"] == {"en": "Municipal plans knowledge graph (all graphs)",
                                  "ja": "市町村行政計画ナレッジグラフ（全体）"}[locale]
        else:
            first, last = git_dates(ROOT / "data" / ident, ROOT / "sources" / doc.file)
            code = doc.city_code
            assert d["url"] == f"{BASE}graph/{ident}"  # the named graph's page: its classes and download
            assert ex["publisher_uri"] == f"{BASE}id/city/{code}"
            assert ex["publisher_name"] == CITIES[code][locale]
            assert ex["spatial_uri"] == f"http://data.e-stat.go.jp/lod/sac/C{code[:5]}"
            assert (ex["temporal_start"], ex["temporal_end"]) == (doc.period_start, doc.period_end)
            assert d["title"] == {"en": doc.title_en, "ja": doc.title}[locale]
            assert ex["source"] == f'["{BASE}id/document/{ident}"]'
        assert (ex["issued"], ex["modified"]) == (first, last), ident
        assert d["notes"], ident
        assert "JPN" in ex["language"] and "ENG" in ex["language"]
        assert d["resources"], ident
        kinds = set()
        for res in d["resources"]:
            name = res["name"]
            mime, label = CONTENT["." + name.removesuffix(".gz").rsplit(".", 1)[1]]
            assert res["url"] == res["download_url"] == f"{BASE}dumps/{name}"
            gzipped = name.endswith(".gz")
            assert res["mimetype"] == IANA + mime, name
            assert res["format"] == (f"{label} (gzip)" if gzipped else label), name
            if profile != "euro_dcat_ap":  # dcat:compressFormat is DCAT 2: DCAT-AP 1 reads none
                assert res.get("compress_format") == (IANA + "application/gzip" if gzipped else None), name
            assert res["license"] == "http://www.opendefinition.org/licenses/cc-by"
            assert int(res["size"]) > 0
            kinds.add((res["mimetype"], res["format"], res.get("compress_format")))
        assert len(kinds) == len(d["resources"]), (ident, "each dump tells apart by format and compression")
    assert len(by_id["plankg"]["resources"]) == 8


def test_a_configured_contact_address_reaches_ckan(real_store, tmp_path):
    """With PLANKG_CONTACT_EMAIL set (the documents give no address; this one is the operator's),
    CKAN gets contact_email for every dataset."""
    settings = Settings(store_path=real_store, base_iri=BASE, dumps_path=real_store.parent.parent / "dumps",
                        sources_dir=ROOT / "sources", host="127.0.0.1", port=free_port(), workers=1,
                        contact_email="opendata@example.org", contact_url="https://example.org/contact")
    live = LiveServer(settings).start()
    try:
        with live.client() as client:
            data = client.get("/catalog", headers={"Accept": "text/turtle"}).text
    finally:
        live.stop()
    for profile in PROFILES:
        datasets = harvest(data, profile, "en")
        assert len(datasets) == len(DOCUMENTS) + 1
        for d in datasets:
            ex = extras(d)
            assert ex["contact_email"] == "opendata@example.org" and ex["contact_url"] == "https://example.org/contact"


@pytest.fixture
def scheming_portal(tmp_path):
    """CKAN with ckanext-scheming's dataset schemas (tests/fixtures/ckan/multilingual.yaml: Japanese and
    English fields, as ckanext-fluent declares them), loaded as a CKAN plugin; unloaded after.
    Loading runs CKAN's environment set-up, which wants a site URL, a secret, a database URL (never
    opened here) and a search server (only its version is checked, and a missing one only warns)."""
    import ckan.plugins as plugins

    settings = {"SECRET_KEY": "test-only", "ckan.site_url": "http://localhost", "sqlalchemy.url": "sqlite://",
                "ckan.storage_path": str(tmp_path), "solr_url": "http://127.0.0.1:1/solr/none",
                "scheming.dataset_schemas": (ROOT / "tests" / "fixtures" / "ckan" / "multilingual.yaml").as_uri()}
    previous = {k: config.get(k) for k in settings}
    config.update(settings)
    plugins.load("scheming_datasets")
    try:
        yield
    finally:
        plugins.unload("scheming_datasets")
        config.update(previous)


@pytest.mark.parametrize("profile", ["euro_dcat_ap_2", "euro_dcat_ap_3"])
def test_a_multilingual_portal_gets_both_languages(catalog_turtle, scheming_portal, profile):
    """With translated fields (ckanext-scheming), title, description and tags keep both languages."""
    by_id = {extras(d)["identifier"]: d for d in harvest(catalog_turtle, profile, "en")}
    assert set(by_id) == set(DOCUMENTS) | {"plankg"}
    for ident, doc in DOCUMENTS.items():
        d = by_id[ident]
        assert d["title_translated"] == {"ja": doc.title, "en": doc.title_en}
        assert set(d["notes_translated"]) == {"ja", "en"} and doc.title in d["notes_translated"]["ja"]
        city = CITIES[doc.city_code]
        assert city["ja"] in d["tags_translated"]["ja"] and city["en"] in d["tags_translated"]["en"]
        assert all(valid_tag(t) for tags in d["tags_translated"].values() for t in tags)
    assert by_id["plankg"]["tags_translated"]["ja"].count("重要業績評価指標") == 1
    assert by_id["plankg"]["tags_translated"]["en"].count("KPI") == 1
