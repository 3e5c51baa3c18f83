"""One synthetic municipality: its random stream, departments, documents and records; the three
documents are written by the mixins of bench.synthetic.plan_document, .strategy_document and
.overview_document."""

from __future__ import annotations
import random
from typing import Any
from bench.synthetic.cities import City
from bench.synthetic.overview_document import OverviewDocument
from bench.synthetic.plan_document import PlanDocument
from bench.synthetic.strategy_document import StrategyDocument
from bench.synthetic.text import Doc
from bench.synthetic.vocabulary import DEPARTMENTS


class Municipality(PlanDocument, StrategyDocument, OverviewDocument):
    """Documents and records of one synthetic municipality."""

    def __init__(self, city: City, cities: list[City], seed: int) -> None:
        self.city = city
        self.cities = cities
        self.rng = random.Random(f"plankg-synthetic-{seed}-{city.index}")
        self.code = city.code
        self.prefix = f"syn-{city.code}"
        self.docs: dict[str, Doc] = {}
        self.records: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.links: list[dict[str, Any]] = []
        rng = self.rng
        chosen = DEPARTMENTS[:2] + rng.sample(DEPARTMENTS[2:], rng.randint(10, 16))
        self.departments = [(f"{self.prefix}-{slug}", label) for slug, label in chosen]
        self.dept_ids = {slug: f"{self.prefix}-{slug}" for slug, _ in chosen}

    # --- helpers ------------------------------------------------------------------
    def doc(self, key: str) -> Doc:
        return self.docs.setdefault(key, Doc(f"{self.prefix}-{key}"))

    def put(self, key: str, kind: str, record: dict[str, Any]) -> dict[str, Any]:
        self.records.setdefault(self.doc(key).doc_id, {}).setdefault(kind, []).append(record)
        return record

    def plan_id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    # --- the three documents ----------------------------------------------------------
    def generate(self) -> None:
        self.plan_document()
        self.strategy_document()
        self.overview_document()
