"""Writing a synthetic corpus: sources, catalog, records, cities, links and policy areas under OUT, and
synthetic.json (counts, the generator's fingerprint, the examples' stand-ins)."""

from __future__ import annotations
import hashlib
import json
import random
import shutil
from pathlib import Path
from typing import Any
import yaml
from bench.synthetic.cities import City, municipalities
from bench.synthetic.examples import examples
from bench.synthetic.municipality import Municipality

# the reference tables every corpus shares (units and subgroups of the cubes)
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
REFERENCE_TABLES = ("units.yaml", "breakdowns.yaml")  # copied into every corpus as they are


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


AREAS_FILE = Path(__file__).resolve().parents[2] / "data" / "linkage" / "policy-areas.yaml"


def policy_areas(cities: list[City], seed: int) -> dict[str, Any]:
    """The real policy-area scheme (data/linkage/policy-areas.yaml: scheme, SDG goals, areas) with a
    synthetic classification: every plan gets an area, every goal of the basic plan one or two."""
    from mappings.records.files import load_yaml, strip_lines

    real = strip_lines(load_yaml(AREAS_FILE))
    slugs = [a["slug"] for a in real["areas"]]
    entries = []
    for city in cities:
        rng = random.Random(f"plankg-synthetic-areas-{seed}-{city.index}")
        prefix = f"syn-{city.code}"
        for plan in ("comprehensive-plan", "basic-plan", "community-plan", "strategy", "strategy-evaluation-2022"):
            entries.append({"ref": f"plan:{prefix}-{plan}", "areas": [rng.choice(slugs)]})
        for g in range(1, 5):
            entries.append({"ref": f"element:{prefix}-basic-plan/goal-{g}", "areas": rng.sample(slugs, rng.randint(1, 2))})
    return {k: v for k, v in real.items() if k != "classification"} | {"classification": entries}


def generator_fingerprint() -> str:
    """SHA-256 of what decides a corpus's bytes besides (n, seed): every module of this package (in the
    order of their names, so that a change to any of them counts), the real policy areas and the
    reference tables copied into every corpus.
    Recorded in synthetic.json, so that a corpus written by an older generator is known to be stale."""
    digest = hashlib.sha256()
    for path in (*sorted(Path(__file__).parent.glob("*.py")), AREAS_FILE, *(REFERENCE / t for t in REFERENCE_TABLES)):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def generate(n: int, seed: int, out: Path) -> dict[str, Any]:
    """Write the corpus of ``n`` municipalities under ``out``; returns the manifest."""
    cities = municipalities(n)
    (out / "sources").mkdir(parents=True, exist_ok=True)
    (out / "data" / "reference").mkdir(parents=True, exist_ok=True)
    catalog, links = [], []
    counts: dict[str, int] = {}
    first_m = None
    for city in cities:
        m = Municipality(city, cities, seed)
        m.generate()
        first_m = first_m or m
        links.extend(m.links)
        kinds = {"plan": ("comprehensive-plan-chapter", "総合計画 基本計画", "comprehensive plan chapter"),
                 "strategy-evaluation": ("strategy-evaluation", "総合戦略の評価", "strategy evaluation"),
                 "overview": ("administrative-overview-chapter", "市政概要", "administrative overview")}
        for key, doc in m.docs.items():
            data = doc.text().encode("utf-8")
            name = f"{doc.doc_id}.txt"
            (out / "sources" / name).write_bytes(data)
            kind, title, title_en = kinds[key]
            catalog.append({"id": doc.doc_id, "file": name, "sha256": hashlib.sha256(data).hexdigest(),
                            "city_code": city.code, "title": f"{city.name} {title}",
                            "title_en": f"{city.name_en}: {title_en} (synthetic)", "publisher": city.name,
                            "kind": kind, "period_start": "2020", "period_end": "2024"})
            folder = out / "data" / doc.doc_id
            folder.mkdir(parents=True, exist_ok=True)
            for kind_name, records in m.records.get(doc.doc_id, {}).items():
                (folder / f"{kind_name}.yaml").write_text(_dump(records), encoding="utf-8")
                counts[kind_name] = counts.get(kind_name, 0) + len(records)
    (out / "sources" / "catalog.yaml").write_text(
        "# Synthetic documents (bench.synthetic): not real municipalities.\n" + _dump(catalog), encoding="utf-8")
    (out / "data" / "reference" / "cities.yaml").write_text(
        "# Synthetic municipalities (bench.synthetic); codes carry valid check digits.\n"
        + _dump([{"code": c.code, "name": c.name, "name_en": c.name_en, "prefecture": c.prefecture, "kind": c.kind}
                 for c in cities]), encoding="utf-8")
    # the unit and subgroup tables are reference data of the cubes, the same for every corpus
    for table in REFERENCE_TABLES:
        shutil.copyfile(REFERENCE / table, out / "data" / "reference" / table)
    (out / "data" / "linkage").mkdir(exist_ok=True)
    if links:
        (out / "data" / "linkage" / "links.yaml").write_text(_dump(links), encoding="utf-8")
    areas = policy_areas(cities, seed)
    (out / "data" / "linkage" / "policy-areas.yaml").write_text(_dump(areas), encoding="utf-8")
    first = cities[0]
    prefix = f"syn-{first.code}"
    manifest = {
        "municipalities": n, "seed": seed, "generator": generator_fingerprint(),
        "documents": len(catalog), "links": len(links),
        "records": counts, "total_records": sum(counts.values()),
        "source_bytes": sum((out / "sources" / c["file"]).stat().st_size for c in catalog),
        # ids of municipality 0 that stand in for the real ids of the named queries' examples
        "example": {"city_code": first.code, "city": f"https://plankg.org/id/city/{first.code}",
                    "basic_plan": f"https://plankg.org/id/plan/{prefix}-basic-plan",
                    "strategy": f"https://plankg.org/id/plan/{prefix}-strategy",
                    "body": "第1圏域首長懇話会" if n > 1 else None,
                    **examples(first_m, areas)},
    }
    (out / "synthetic.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest
