"""A deterministic synthetic corpus for performance and scale tests.

    python -m bench.synthetic --municipalities 100 --seed 1 --out var/synthetic/n100

writes, for N synthetic municipalities, what the real corpus consists of:

    OUT/sources/catalog.yaml            the catalog (SHA-256 and city code of every file)
    OUT/sources/syn-<code>-<doc>.txt    synthetic SOURCE DOCUMENTS (plain text, numbered lines)
    OUT/data/<doc>/<kind>.yaml          records citing the lines of those documents
    OUT/data/linkage/links.yaml         cross-document links with quotes on both sides
    OUT/data/reference/cities.yaml      the synthetic municipalities (codes with valid check digits)
    OUT/synthetic.json                  counts, and ids the benchmark uses as query parameters

so that the records go through exactly the same schema, source-line check, mapping, SHACL and
load as the real ones (``mappings.build.pipeline.build``).  Nothing here is real: municipality names read
``合成NNNN市/町/村``; labels, units, table layouts and the sizes are modelled on the five real
documents (counted with ``load_records(Path("data"))``, 2026-11):

- per municipality about five plans, in three documents: a comprehensive plan chapter (a
  comprehensive plan, its basic plan with goals → policies → initiatives → projects, and a
  community sector plan with goals → measures and actor roles), a strategy evaluation (a
  comprehensive strategy with goals → policies → measures/projects with FY budgets, KPIs with
  baseline/target/expected/actual and progress status, numeric targets per goal, and the
  evaluation plan) and an administrative overview (mayors, sister cities, information systems,
  statistics tables, events, wide-area bodies);
- elements per plan 20–90 (real: 1–82, mean 29), 3.4 projects per initiative (Hitachi), about a
  quarter of projects 重点, 15 % 新, 15 % 再掲; 7 observations per KPI, 2–3 per other indicator;
  12–18 departments, 1 budget figure per strategy project (FY2022 budget and settlement in 千円);
- what the named queries' examples ask for (``examples``): the adoption month (策定) of the basic
  plan, related plans (関連計画) of about 30 % of its policies, the previous survey value of outcome
  indicators, relistings that name their main listing, curated links (the community plan serves a
  basic-plan goal; strategy KPIs measure community-plan measures) and, in municipality 0 only, a
  membership table (加入世帯数, 加入率 by fiscal year).

The records of municipality *i* depend only on (seed, i), except the member list of its wide-area
body and its domestic partner cities, which depend on N: the same seed gives the same bytes.
"""

from __future__ import annotations
import argparse
import calendar
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import yaml
from mappings.records.normalize import clean_label
from mappings.records.sources import check_digit

PREFECTURES = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
]
KIND_SUFFIX = {"city": "市", "town": "町", "village": "村"}

# Departments as the real documents name them; 商工振興課 and 市民税課 are always present so that
# the named queries' example parameters (cq-projects-of-department, cq-systems-of-department) hit.
DEPARTMENTS = [
    ("shoko-shinko-ka", "商工振興課"), ("shiminzei-ka", "市民税課"), ("kikaku-seisaku-ka", "企画政策課"),
    ("zaisei-ka", "財政課"), ("shimin-ka", "市民課"), ("joho-seisaku-ka", "情報政策課"), ("koho-ka", "広報課"),
    ("shimin-kyodo-ka", "市民協働課"), ("kotsu-seisaku-ka", "交通政策課"), ("toshi-keikaku-ka", "都市計画課"),
    ("kodomo-ka", "子ども課"), ("korei-fukushi-ka", "高齢福祉課"), ("kankyo-ka", "環境課"), ("nosei-ka", "農政課"),
    ("kanko-ka", "観光課"), ("kyoiku-somu-ka", "教育総務課"), ("shogai-gakushu-ka", "生涯学習課"),
    ("bosai-ka", "防災・危機管理課"), ("jinji-ka", "人事課"), ("shisan-zeimu-ka", "資産税課"),
]
GOALS = [
    "活力ある産業と雇用を創出するまち", "安心して子どもを産み育てられるまち", "誰もが健やかに暮らせるまち",
    "安全で快適な都市基盤を備えたまち", "豊かな自然と共生するまち", "学びと文化が息づくまち",
    "市民と行政が協働するまち", "持続可能な行財政運営",
]
POLICIES = [
    "地域経済をけん引する産業競争力の強化", "多様な雇用の場の創出", "子育て支援の充実", "教育環境の整備",
    "地域医療体制の充実", "高齢者福祉の推進", "公共交通ネットワークの充実", "防災・減災対策の推進",
    "循環型社会の形成", "観光交流の促進", "生涯学習の推進", "市民協働の推進", "行政のデジタル化の推進",
    "健全な財政運営", "農業の振興", "移住・定住の促進", "コミュニティ活動の活性化", "広域連携の推進",
]
INITIATIVES = [
    "推進体制の整備", "情報発信の強化", "担い手の育成", "拠点施設の活用", "連携事業の実施", "支援制度の充実",
    "調査研究の推進", "啓発活動の充実", "基盤整備の推進", "利用促進策の展開",
]
# the reference tables every corpus shares (units and subgroups of the cubes)
REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"
PROJECTS = [
    "工業振興支援事業", "企業誘致推進事業", "創業支援事業", "子育て応援事業", "放課後児童健全育成事業",
    "地域公共交通活性化事業", "デマンドタクシー運行事業", "自主防災組織育成事業", "ごみ減量化推進事業",
    "観光プロモーション事業", "生涯学習講座開設事業", "市民活動支援事業", "電子申請推進事業",
    "公共施設マネジメント事業", "農業担い手育成事業", "移住促進事業", "地区会活動支援事業", "健康づくり推進事業",
]
# (label, unit, low, high, decimals) — KPI labels as printed in the real strategy evaluation
KPIS = [
    ("市内製造品出荷額 (年間)", "百万円", 50000, 400000, 0), ("企業誘致による立地事業所数(累計)", "事業所", 5, 60, 0),
    ("新規創業件数(累計)", "件", 100, 900, 0), ("路線バス利用者数(一日当たり)", "人", 2000, 30000, 0),
    ("ふるさと納税寄附件数(年間)", "件", 1000, 50000, 0), ("観光入込客数(年間)", "人", 100000, 3000000, 0),
    ("市民活動団体数", "団体", 20, 300, 0), ("電子申請利用件数(年間)", "件", 500, 50000, 0),
    ("待機児童数", "人", 0, 80, 0), ("自主防災組織の組織率", "%", 40, 99, 1),
]
OUTCOMES = [
    "市政に満足している市民の割合", "地域活動に参加している市民の割合", "子育てしやすいと感じる市民の割合",
    "まちに愛着を感じる市民の割合", "行政サービスに満足している市民の割合", "健康だと感じる市民の割合",
]
SYSTEMS = [
    ("住民基本台帳", "shimin-ka"), ("印鑑登録", "shimin-ka"), ("個人住民税", "shiminzei-ka"),
    ("軽自動車税", "shiminzei-ka"), ("固定資産税", "shisan-zeimu-ka"), ("財務会計", "zaisei-ka"),
    ("人事給与", "jinji-ka"), ("文書管理", "joho-seisaku-ka"), ("国民健康保険", "shimin-ka"),
    ("児童手当", "kodomo-ka"),
]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
GIVEN = ["一郎", "正義", "茂", "博", "清", "隆", "明", "誠", "弘", "修", "健一", "和夫"]
PARTNERS = [("アナハイム市", "アメリカ合衆国", "カリフォルニア州"), ("重慶市", "中華人民共和国", "重慶"),
            ("ノーリッチ市", "イギリス", "ノーフォーク州"), ("ブリスベン市", "オーストラリア", "クイーンズランド州")]
AGREEMENT_KINDS = ["姉妹都市", "親善都市", "国際親善姉妹都市", "友好交流都市"]
PROGRESS = ["順調", "概ね順調", "遅れ"]
TRENDS = {"順調": "↑", "概ね順調": "→", "遅れ": "↓"}
ERAS = [(1989, "平成"), (1926, "昭和")]
ROLES = [("role-citizens", "市民の役割"), ("role-associations", "地区会の役割"), ("role-city", "市の役割")]
SENTENCE = ("{a}を図るため、{b}に取り組むとともに、{c}との連携を強化し、{d}を推進する。"
            "また、{e}の状況を踏まえ、効果的な事業展開に努める。")


def era(year: int, month: int | None = None) -> str:
    """An era date as the documents print it: 昭和22年4月 (the source-line check reads these)."""
    for start, name in ERAS:
        if year >= start:
            n = year - start + 1
            return f"{name}{'元' if n == 1 else n}年" + (f"{month}月" if month else "")
    return f"{year}年" + (f"{month}月" if month else "")


def yen(value: int) -> str:
    return f"{value:,}"


@dataclass
class City:
    index: int
    code: str
    name: str
    name_en: str
    prefecture: str
    kind: str


def municipalities(n: int) -> list[City]:
    """N synthetic municipalities: prefecture = index mod 47, serial 201… within it, valid check digit.

    Kinds in Japan's proportions (792 cities, 743 towns, 183 villages, 23 wards of 1,741).
    """
    serial = [200] * 47
    out = []
    for i in range(n):
        pref = i % 47
        serial[pref] += 1
        code5 = f"{pref + 1:02d}{serial[pref]:03d}"
        r = (i * 7919) % 1741
        kind = "city" if r < 815 else "town" if r < 1558 else "village"
        out.append(City(i, code5 + check_digit(code5), f"合成{i + 1:04d}{KIND_SUFFIX[kind]}",
                        f"Synthetic {kind} {i + 1:04d}", PREFECTURES[pref], kind))
    return out


@dataclass
class Doc:
    """A synthetic text document written line by line; ``add`` returns the 1-based line number."""

    doc_id: str
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> int:
        assert "\n" not in text
        self.lines.append(text)
        return len(self.lines)

    def blank(self) -> None:
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def text_of(rng: random.Random) -> str:
    pick = lambda pool: rng.choice(pool)  # noqa: E731
    return SENTENCE.format(a=pick(GOALS), b=pick(POLICIES), c=pick(DEPARTMENTS)[1], d=pick(PROJECTS), e=pick(OUTCOMES))


class Municipality:
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

    def plan_document(self) -> None:
        rng, d, city = self.rng, self.doc("plan"), self.city
        comp, basic, comm = self.plan_id("comprehensive-plan"), self.plan_id("basic-plan"), self.plan_id("community-plan")
        start = rng.choice([2016, 2018, 2020, 2021, 2022])
        title = f"{city.name}総合計画"
        line = d.add(f"{title}　第{rng.randint(4, 7)}章 基本計画")
        d.add(f"計画期間: {start}年度から{start + 9}年度まで（前期基本計画 {start}年度から{start + 4}年度まで）")
        self.put("plan", "plans", {"id": comp, "lines": [line, line + 1], "kind": "comprehensive-plan", "title": title,
                                  "title_en": f"{city.name_en} comprehensive plan", "city": self.code,
                                  "publisher": city.name, "period_start": str(start), "period_end": str(start + 9)})
        btitle = f"{city.name}総合計画 前期基本計画"
        line = d.add(f"{btitle}（{era(start - 1, 3)}策定）")  # adopted in March before its first fiscal year
        self.put("plan", "plans", {"id": basic, "lines": [line - 1, line], "kind": "basic-plan", "title": btitle,
                                  "title_en": f"{city.name_en} basic plan (first half)", "city": self.code,
                                  "adopted": f"{start - 1}-03",
                                  "period_start": str(start), "period_end": str(start + 4), "positioned_under_ref": comp})
        d.blank()
        vision = f"ひと・まち・みらい {city.name}"
        line = d.add(f"将来都市像　{vision}")
        self.put("plan", "elements", {"id": "vision", "lines": line, "plan": basic, "kind": "vision", "label": vision})
        self.policy_refs: list[str] = []
        self.main_listings: list[tuple[str, str]] = []  # (id, label) of projects listed first in this plan
        self.basic_goals: list[tuple[str, int, str]] = []  # (id, line, label)
        self.community_measures: list[tuple[str, int, str]] = []  # (id, line, label)
        n_goal = rng.randint(4, 6)
        for g in range(1, n_goal + 1):
            d.blank()
            glabel = GOALS[(g - 1 + rng.randint(0, 7)) % len(GOALS)]
            line = d.add(f"第{g}節 {glabel}")
            gid = f"goal-{g}"
            self.put("plan", "elements", {"id": gid, "lines": line, "plan": basic, "kind": "goal", "number": str(g),
                                          "label": glabel, "parent_ref": "vision"})
            self.basic_goals.append((gid, line, glabel))
            for p in range(1, rng.randint(2, 4) + 1):
                self.basic_policy(d, basic, gid, g, p)
        self.departments_of(d)
        self.community_plan(d, comm, basic)

    def basic_policy(self, d: Doc, basic: str, gid: str, g: int, p: int) -> None:
        rng = self.rng
        pnum = str(len(self.policy_refs) + 1)
        plabel = rng.choice(POLICIES)
        pid = f"{gid}-policy-{p}"
        d.blank()
        line = d.add(f"施策{pnum} {plabel}")
        text = text_of(rng)
        d.add(text)
        issues = [text_of(rng) for _ in range(rng.randint(1, 2))]
        first_issue = d.add("現状と課題")
        for issue in issues:
            d.add(issue)
        self.put("plan", "elements", {"id": pid, "lines": f"{line}-{first_issue + len(issues)}", "plan": basic,
                                      "kind": "policy", "number": pnum, "label": plabel, "parent_ref": gid,
                                      "text": text, "issues": issues})
        self.policy_refs.append(pid)
        # target indicator of the policy: previous / current / target values in one table row
        unit = rng.choice(["%", "件", "人"])
        base = rng.randint(10, 90)
        header = d.add("目標指標\t前計画策定時 (H28)\t現状値 (R3)\t目標値 (R8)")
        label = rng.choice(OUTCOMES)
        row = d.add(f"{label} 単位:{unit}\t{base}\t{base + rng.randint(-5, 5)}\t{base + rng.randint(3, 10)}")
        cells = d.lines[row - 1].split("\t")
        self.put("plan", "indicators", {"id": f"{pid}-target", "lines": [header, row], "plan": basic,
                                        "kind": "target-indicator", "measures_refs": [pid], "label": label, "unit": unit,
                                        "observations": [
                                            {"role": "previous", "fiscal_year": "2016", "value": int(cells[1])},
                                            {"role": "current", "fiscal_year": "2021", "value": int(cells[2])},
                                            {"role": "target", "fiscal_year": "2026", "value": int(cells[3])}]})
        if rng.random() < 0.3:
            d.add("関連計画 コミュニティ推進計画")
            self.records[d.doc_id]["elements"][-1]["related_plan_refs"] = [self.plan_id("community-plan")]
        for i in range(1, rng.randint(2, 3) + 1):
            self.initiative(d, basic, pid, pnum, i)

    def initiative(self, d: Doc, basic: str, pid: str, pnum: str, i: int) -> None:
        rng = self.rng
        iid = f"{pid}-initiative-{i}"
        ilabel = rng.choice(INITIATIVES)
        d.blank()
        line = d.add(f"取組{i} {ilabel}")
        text = text_of(rng)
        d.add(f"- ▶ {text}")
        self.put("plan", "elements", {"id": iid, "lines": f"{line}-{line + 1}", "plan": basic, "kind": "initiative",
                                      "number": str(i), "label": ilabel, "parent_ref": pid, "text": text})
        if rng.random() < 0.6:  # an outcome indicator from the citizen survey
            label, survey = rng.choice(OUTCOMES), "市民意識調査"
            cur = round(rng.uniform(20, 80), 1)
            prev = round(cur - rng.uniform(-3, 5), 1)
            row = d.add(f"成果指標 {label}（{survey}）\t前回値 {prev}%\t現状値 {cur}%\t"
                        f"目標値 {round(cur + rng.uniform(1, 10), 1)}%")
            target = float(d.lines[row - 1].split("目標値 ")[1].rstrip("%"))
            self.put("plan", "indicators", {"id": f"{iid}-outcome", "lines": row, "plan": basic,
                                            "kind": "outcome-indicator", "measures_refs": [iid], "label": label,
                                            "unit": "%", "survey": survey,
                                            "observations": [{"role": "previous", "value": prev},
                                                             {"role": "current", "value": cur},
                                                             {"role": "target", "value": target}]})
        header = d.add("主な事業\t担当課")
        for j in range(1, rng.choice([1, 2, 3, 3, 4, 4, 5, 5]) + 1):
            dept_id, dept = rng.choice(self.departments)
            flags, marks = [], ""
            if rng.random() < 0.25:
                flags.append("priority")
                marks += "【重点】"
            if rng.random() < 0.15:
                flags.append("new")
                marks += "【新】"
            relisted = rng.random() < 0.15
            if relisted:
                flags.append("relisted")
                marks += "(再掲)"
            label = rng.choice(PROJECTS)
            main = rng.choice(self.main_listings) if relisted and self.main_listings and rng.random() < 0.5 else None
            if main:
                label = main[1]
            row = d.add(f"{marks}{label}\t{dept}")
            rec = {"id": f"{iid}-project-{j}", "lines": [header, row], "plan": basic, "kind": "project",
                   "parent_ref": iid, "label": label, "flags": flags, "responsible_refs": [dept_id]}
            if main:
                rec["relisted_from_ref"] = main[0]
            elif not relisted:
                self.main_listings.append((rec["id"], label))
            if rng.random() < 0.2:
                rec["related_refs"] = [rng.choice(self.departments)[0]]
            self.put("plan", "elements", rec)

    def departments_of(self, d: Doc) -> None:
        d.blank()
        d.add("組織機構")
        for dept_id, label in self.departments:
            line = d.add(f"{label}\t{self.city.name}")
            self.put("plan", "organizations", {"id": dept_id, "lines": line, "kind": "department", "label": label,
                                               "city": self.code})
        council = f"{self.prefix}-plan-council"
        line = d.add(f"{self.city.name}総合計画審議会 ({era(2015 + self.rng.randint(0, 6))}度設置)")
        self.put("plan", "organizations", {"id": council, "lines": line, "kind": "council",
                                           "label": f"{self.city.name}総合計画審議会", "city": self.code})

    def community_plan(self, d: Doc, comm: str, basic: str) -> None:
        rng, city = self.rng, self.city
        d.blank()
        title = f"{city.name}コミュニティ推進計画（第{rng.randint(2, 4)}次）"
        line = d.add(title)
        s = rng.choice([2015, 2019, 2023])
        placed = d.add(f"計画期間 {s}年度から{s + 8}年度まで。本計画は総合計画の部門別計画として位置付ける。")
        gid, gline, glabel = rng.choice(self.basic_goals)
        self.links.append({
            "id": f"{self.prefix}-link-{len(self.links) + 1}", "relation": "serves",
            "subject": {"ref": f"plan:{comm}", "document": d.doc_id, "lines": placed,
                        "quote": "本計画は総合計画の部門別計画として位置付ける"},
            "object": {"ref": f"element:{basic}/{gid}", "document": d.doc_id, "lines": gline, "quote": glabel},
            "asserted_by": "curator", "confidence": 0.6,
            "reason_en": "Synthetic: the community plan is a sector plan of the comprehensive plan and serves one of its goals."})
        self.put("plan", "plans", {"id": comm, "lines": [line, line + 1], "kind": "sector-plan", "title": title,
                                   "title_en": f"{city.name_en} community promotion plan", "city": self.code,
                                   "period_start": str(s), "period_end": str(s + 8), "positioned_under_ref": basic})
        vision = "支え合い 誰もが参加できる 地域コミュニティ"
        line = d.add(f"基本理念 {vision}")
        self.put("plan", "elements", {"id": "vision", "lines": line, "plan": comm, "kind": "vision", "label": vision})
        for g in range(1, 4):
            glabel = ["地域活動の担い手づくり", "活動拠点の充実", "連携と協働の推進"][g - 1]
            line = d.add(f"基本目標{g} {glabel}")
            self.put("plan", "elements", {"id": f"goal-{g}", "lines": line, "plan": comm, "kind": "goal",
                                          "number": str(g), "label": glabel, "parent_ref": "vision"})
            for m in range(1, rng.randint(3, 5) + 1):
                mlabel = rng.choice(INITIATIVES)
                text = text_of(rng)
                line = d.add(f"({m}) {mlabel}　{text}")
                self.put("plan", "elements", {"id": f"goal-{g}-measure-{m}", "lines": line, "plan": comm,
                                              "kind": "measure", "number": f"({m})", "label": mlabel,
                                              "parent_ref": f"goal-{g}", "text": text})
                self.community_measures.append((f"goal-{g}-measure-{m}", line, mlabel))
            base = rng.randint(40, 90)
            line = d.add(f"目標指標 地区会加入率 現状値 {base}% 目標値 {base + 5}%")
            self.put("plan", "indicators", {"id": f"goal-{g}-target", "lines": line, "plan": comm,
                                            "kind": "target-indicator", "measures_refs": [f"goal-{g}"],
                                            "label": "地区会加入率", "unit": "%",
                                            "observations": [{"role": "current", "value": base},
                                                             {"role": "target", "value": base + 5}]})
        if city.index == 0:
            self.membership_table(d)
        for slug, label in ROLES:
            text = text_of(rng)
            line = d.add(f"{label}　{text}")
            rec = {"id": slug, "lines": line, "plan": comm, "kind": "role", "label": label, "parent_ref": "vision",
                   "text": text}
            if slug == "role-city":
                rec["responsible_refs"] = [self.code]
            self.put("plan", "elements", rec)

    def membership_table(self, d: Doc) -> None:
        """A statistics table of association membership by fiscal year, of which the indicator 地区会加入率
        is the rate (cq-rate-vs-target, cq-statistic-series). Printed by the first municipality only, as
        only one real community plan prints one: the query matches tables and indicators of every city by
        label and unit, so a table in every municipality would make its answer grow with N²."""
        rng = self.rng
        table = "地区会加入状況"
        header = d.add(f"{table}\t年度\t加入世帯数\t加入率")
        rate = rng.uniform(55, 85)
        for fy in range(2015, 2020):
            households = rng.randint(20000, 60000)
            rate = round(max(30.0, rate - rng.uniform(0, 1.5)), 1)
            line = d.add(f"\t{fy}年度\t{yen(households)}世帯\t{rate}%")
            for key, measure, value, unit in (("households", "加入世帯数", households, "世帯"),
                                              ("rate", "加入率", rate, "%")):
                self.put("plan", "statistics", {
                    "id": f"membership-{fy}-{key}", "lines": [header, line], "dataset": "association-membership",
                    "table": table, "measure": measure, "value": value, "unit": unit, "fiscal_year": str(fy)})

    def strategy_document(self) -> None:
        rng, city, d = self.rng, self.city, self.doc("strategy-evaluation")
        strat, ev = self.plan_id("strategy"), self.plan_id("strategy-evaluation-2022")
        title = f"{city.name}まち・ひと・しごと創生総合戦略（第2次）"
        line = d.add(f"令和4年度 {title}の評価")
        d.add("計画期間 2020年度から2024年度まで")
        self.put("strategy-evaluation", "plans", {
            "id": strat, "lines": [line, line + 1], "kind": "comprehensive-strategy", "title": title,
            "title_en": f"2nd regional revitalisation strategy of {city.name_en}", "city": self.code,
            "period_start": "2020", "period_end": "2024", "based_on_ref": self.plan_id("comprehensive-plan")})
        self.put("strategy-evaluation", "plans", {
            "id": ev, "lines": line, "kind": "evaluation", "title": f"令和4年度 {title}の評価",
            "title_en": f"Evaluation for FY2022 of the strategy of {city.name_en}", "city": self.code,
            "evaluates_ref": strat})
        vision = "若い世代が活躍し 活力あふれるまち"
        line = d.add(f"目指す姿 {vision}")
        self.put("strategy-evaluation", "elements", {"id": "vision", "lines": line, "plan": strat, "kind": "vision",
                                                     "label": vision})
        committee = f"{self.prefix}-sosei-honbu"
        line = d.add(f"{city.name}まち・ひと・しごと創生推進本部")
        self.put("strategy-evaluation", "organizations", {"id": committee, "lines": line, "kind": "committee",
                                                          "label": f"{city.name}まち・ひと・しごと創生推進本部",
                                                          "city": self.code})
        for g in range(1, 5):
            d.blank()
            glabel = GOALS[(g + rng.randint(0, 7)) % len(GOALS)]
            line = d.add(f"基本目標{g} {glabel}")
            gid = f"goal-{g}"
            self.put("strategy-evaluation", "elements", {"id": gid, "lines": line, "plan": strat, "kind": "goal",
                                                         "number": str(g), "label": glabel, "parent_ref": "vision"})
            header = d.add("数値目標\t目標値 (2024年度)\t基準値 (2018年度)")
            label = rng.choice(["市民所得", "生産年齢人口の就業率", "年間出生数", "転入超過数"])
            unit = {"市民所得": "百万円", "生産年齢人口の就業率": "%"}.get(label, "人")
            base = rng.randint(500, 900000) if unit != "%" else round(rng.uniform(60, 75), 1)
            target = round(base * 1.05, 1 if unit == "%" else None)
            row = d.add(f"{label} 単位:{unit}\t{yen(target) if unit != '%' else target}\t"
                        f"{yen(base) if unit != '%' else base} (2017年度)")
            self.put("strategy-evaluation", "indicators", {
                "id": f"{gid}-numeric-target", "lines": [header, row], "plan": strat, "kind": "numeric-target",
                "measures_refs": [gid], "label": label, "unit": unit,
                "observations": [{"role": "target", "fiscal_year": "2024", "value": target},
                                 {"role": "baseline", "fiscal_year": "2018", "value": base,
                                  "refers_to_fiscal_year": "2017"}]})
            for p in range(1, rng.randint(2, 3) + 1):
                self.strategy_policy(d, strat, gid, g, p)

    def strategy_policy(self, d: Doc, strat: str, gid: str, g: int, p: int) -> None:
        rng = self.rng
        pid = f"{gid}-policy-{p}"
        plabel = rng.choice(POLICIES)
        d.blank()
        line = d.add(f"({p}) {plabel}")
        rec = {"id": pid, "lines": line, "plan": strat, "kind": "policy", "number": f"({p})", "label": plabel,
               "parent_ref": gid}
        if self.policy_refs and rng.random() < 0.5:  # the strategy policy serves a policy of the basic plan
            target = rng.choice(self.policy_refs)
            rec["serves_refs"] = [f"{self.plan_id('basic-plan')}/{target}"]
        self.put("strategy-evaluation", "elements", rec)
        if rng.random() < 0.3 and self.policy_refs:
            self.link_policy(line, plabel, pid)
        label, unit, lo, hi, dec = rng.choice(KPIS)
        fmt = (lambda v: f"{v:.{dec}f}") if dec else (lambda v: yen(int(v)))
        base = rng.uniform(lo, hi)
        target = base * rng.uniform(1.05, 1.3)
        expected = [base + (target - base) * k / 6 for k in (3, 4, 5)]
        actual = [e * rng.uniform(0.8, 1.15) for e in expected[:2]]
        header = d.add("項目\t目標値 (2024年度)\t基準値 (2018年度)\t\t2021年度\t2022年度\t2023年度")
        r1 = d.add(f"{label} 単位:{unit}\t{fmt(target)}\t{fmt(base)}\t期待値\t"
                   + "\t".join(fmt(e) for e in expected))
        r2 = d.add("\t\t\t実績値\t" + "\t".join(fmt(a) for a in actual))
        statuses = [("順調" if a >= e else "概ね順調" if a >= 0.95 * e else "遅れ") for a, e in zip(actual, expected)]
        r3 = d.add("\t\t\t進捗状況\t" + "\t".join(f"{s} {TRENDS[s]}" for s in statuses))
        parse = lambda s: float(s.replace(",", "")) if dec else int(s.replace(",", ""))  # noqa: E731
        c1, c2 = d.lines[r1 - 1].split("\t"), d.lines[r2 - 1].split("\t")
        obs = [{"role": "target", "fiscal_year": "2024", "lines": [header, r1], "value": parse(c1[1])},
               {"role": "baseline", "fiscal_year": "2018", "lines": [header, r1], "value": parse(c1[2])}]
        for k, fy in enumerate(("2021", "2022", "2023")):
            obs.append({"role": "expected", "fiscal_year": fy, "lines": [header, r1], "value": parse(c1[4 + k])})
        for k, fy in enumerate(("2021", "2022")):
            obs.append({"role": "actual", "fiscal_year": fy, "lines": [header, r2, r3], "value": parse(c2[4 + k]),
                        "status": statuses[k], "trend": TRENDS[statuses[k]]})
        self.put("strategy-evaluation", "indicators", {
            "id": f"{pid}-kpi", "lines": [header, r1, r2, r3], "plan": strat, "kind": "kpi",
            "measures_refs": [pid], "label": label, "unit": unit, "observations": obs})
        if self.community_measures and (rng.random() < 0.2 or not any(
                link["relation"] == "measures" for link in self.links)):  # at least one per municipality
            mid, mline, mlabel = rng.choice(self.community_measures)
            self.links.append({
                "id": f"{self.prefix}-link-{len(self.links) + 1}", "relation": "measures",
                "subject": {"ref": f"indicator:{strat}/{pid}-kpi", "document": d.doc_id, "lines": r1, "quote": label},
                "object": {"ref": f"element:{self.plan_id('community-plan')}/{mid}",
                           "document": self.doc("plan").doc_id, "lines": mline, "quote": mlabel},
                "asserted_by": "curator", "confidence": 0.5,
                "reason_en": "Synthetic: the strategy KPI counts what the community-plan measure aims at."})
        for m in range(1, rng.randint(1, 2) + 1):
            mid = f"{pid}-measure-{m}"
            mlabel = rng.choice(INITIATIVES)
            line = d.add(f"具体的事業 {mlabel}")
            self.put("strategy-evaluation", "elements", {"id": mid, "lines": line, "plan": strat, "kind": "measure",
                                                         "parent_ref": pid, "label": mlabel})
            plabel2 = rng.choice(PROJECTS)
            dept_id, dept = rng.choice(self.departments)
            purpose, results = text_of(rng), text_of(rng)
            budget = rng.randint(1000, 300000)
            settlement = int(budget * rng.uniform(0.05, 1.0))
            first = d.add(f"{plabel2}\t{dept}")
            d.add(f"事業目的 {purpose}")
            d.add(f"実績 {results}")
            money = d.add(f"令和4年度\t予算額 {yen(budget)} 千円\t決算額 {yen(settlement)} 千円")
            self.put("strategy-evaluation", "elements", {
                "id": f"{mid}-project", "lines": f"{first}-{money}", "plan": strat, "kind": "project",
                "parent_ref": mid, "label": plabel2, "purpose": purpose, "results": results,
                "responsible_refs": [dept_id],
                "budget": [{"fiscal_year": "2022", "budget": budget, "settlement": settlement, "unit": "千円",
                            "lines": money}]})

    def link_policy(self, line: int, label: str, pid: str) -> None:
        """A curated link: this strategy policy serves a basic-plan policy (quotes on both sides)."""
        target = self.rng.choice(self.policy_refs)
        target_rec = next(r for r in self.records[self.doc("plan").doc_id]["elements"]
                          if r["id"] == target and r["plan"] == self.plan_id("basic-plan"))
        tline = target_rec["lines"].split("-")[0]
        self.links.append({
            "id": f"{self.prefix}-link-{len(self.links) + 1}", "relation": "serves",
            "subject": {"ref": f"element:{self.plan_id('strategy')}/{pid}",
                        "document": self.doc("strategy-evaluation").doc_id, "lines": line, "quote": label},
            "object": {"ref": f"element:{self.plan_id('basic-plan')}/{target}",
                       "document": self.doc("plan").doc_id, "lines": int(tline), "quote": target_rec["label"]},
            "asserted_by": "curator", "confidence": 0.7,
            "reason_en": "Synthetic: the strategy policy and the basic-plan policy share their theme."})

    def overview_document(self) -> None:
        rng, city, d = self.rng, self.city, self.doc("overview")
        d.add(f"{city.name} 市政概要 市長公室")
        d.blank()
        d.add("1 歴代市長")
        year, k = rng.randint(1947, 1960), 0
        while True:  # terms of 3-12 years until one runs past 2020: that mayor is in office
            k += 1
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            start_m = rng.randint(1, 12)
            end = year + rng.randint(3, 12)
            in_office = end > 2020
            end_m = rng.randint(1, 12)
            ordinal = "初" if k == 1 else str(k)
            line = d.add(f"{ordinal}\t{name}\t{era(year, start_m)}\t{'在任中' if in_office else era(end, end_m)}")
            rec = {"id": f"mayor-{k:02d}", "lines": line, "city": self.code, "ordinal_text": ordinal, "name": name,
                   "start": f"{year}-{start_m:02d}"}
            if in_office:
                rec["in_office"] = True
            else:
                rec["end"] = f"{end}-{end_m:02d}"
            self.put("overview", "mayors", rec)
            if in_office:
                break
            year = end
        d.blank()
        d.add("2 姉妹・親善都市，友好交流都市")
        for k in range(rng.choice([0, 1, 1, 2, 3])):
            kind = rng.choice(AGREEMENT_KINDS)
            y, m, day = rng.randint(1960, 2015), rng.randint(1, 12), rng.randint(1, 28)
            desc = text_of(rng)
            if rng.random() < 0.5 and len(self.cities) > 1:
                partner = self.cities[(self.city.index + 1 + k) % len(self.cities)]
                line = d.add(f"{partner.name}（{partner.prefecture}）\t{kind}\t{era(y, m)}{day}日締結")
                extra = {"partner": partner.name, "partner_city_code": partner.code, "region": partner.prefecture}
            else:
                name, country, region = rng.choice(PARTNERS)
                population = rng.randint(50000, 3000000)
                line = d.add(f"{name}（{country} {region}）\t{kind}\t{era(y, m)}{day}日締結\t人口 {yen(population)}人")
                extra = {"partner": name, "country": country, "region": region, "population": population}
            d.add(desc)
            # ids unique across municipalities: a foreign partner's organisation is minted from it
            self.put("overview", "agreements", {"id": f"{self.prefix}-agreement-{k + 1}", "lines": [line, line + 1],
                                                "city": self.code, "agreement": kind, "date": f"{y}-{m:02d}-{day:02d}",
                                                "description": desc, **extra})
        d.blank()
        header = d.add("3 基幹業務システム一覧\tシステム名\t業務主管課\t開始年月日")
        for k, (label, slug) in enumerate(rng.sample(SYSTEMS, rng.randint(6, 10))):
            dept_id = self.dept_ids.get(slug)
            dept = next((lab for did, lab in self.departments if did == dept_id), None)
            y, m = rng.randint(1980, 2020), rng.randint(1, 12)
            line = d.add(f"{k + 1}\t{label}\t{dept or ''}\t{era(y, m)}")
            rec = {"id": f"system-{k + 1}", "lines": [header, line], "city": self.code, "label": label,
                   "started": f"{y}-{m:02d}"}
            if dept:
                rec.update(department=dept, department_ref=dept_id)
            self.put("overview", "systems", rec)
        d.blank()
        header = d.add("4 人口・世帯数の推移（各年10月1日現在）\t年\t人口\t世帯数")
        pop = rng.randint(800, 400000)
        for y in range(2018, 2023):
            households = int(pop / rng.uniform(2.1, 2.8))
            line = d.add(f"\t{y}年\t{yen(pop)}人\t{yen(households)}世帯")
            for measure, value, unit in (("人口", pop, "人"), ("世帯数", households, "世帯")):
                self.put("overview", "statistics", {
                    "id": f"population-{y}-{'pop' if unit == '人' else 'households'}", "lines": [header, line],
                    "dataset": "population", "table": "人口・世帯数の推移（各年10月1日現在）", "measure": measure,
                    "value": value, "unit": unit, "year": str(y)})
            pop = int(pop * rng.uniform(0.97, 1.01))
        d.blank()
        d.add("5 沿革")
        for k in range(rng.randint(8, 16)):
            y, m = rng.randint(1950, 2022), rng.randint(1, 12)
            what = rng.choice(["市制施行", "庁舎移転", "総合計画策定", "姉妹都市提携", "行政改革大綱策定",
                               "中核市移行", "情報公開条例施行", "地区会連合会設立"])
            line = d.add(f"{era(y, m)}\t{what}")
            self.put("overview", "events", {"id": f"event-{k + 1}", "lines": line, "date": f"{y}-{m:02d}",
                                            "label": what})
        # a wide-area body of up to eight neighbouring municipalities, described by its first member
        group = self.city.index // 8
        if self.city.index % 8 == 0:
            members = [c for c in self.cities if c.index // 8 == group]
            name = f"第{group + 1}圏域首長懇話会" if len(members) > 1 else None
            if name:
                d.blank()
                fy = rng.randint(2000, 2015)
                line = d.add(f"6 広域行政　{era(fy)}度に{'、'.join(c.name for c in members)}の"
                             f"{len(members)}市町村で{name}を設置し、都市間の連携を推進している。")
                self.put("overview", "organizations", {
                    "id": f"syn-body-{group + 1:03d}", "lines": line, "kind": "wide-area-body", "label": name,
                    "members": [c.name for c in members], "member_city_codes": [c.code for c in members],
                    "established_fiscal_year": str(fy)})


# --- writing ------------------------------------------------------------------------

def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


AREAS_FILE = Path(__file__).resolve().parent.parent / "data" / "linkage" / "policy-areas.yaml"


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
    """SHA-256 of what decides a corpus's bytes besides (n, seed): this module and the real policy areas.
    Recorded in synthetic.json, so that a corpus written by an older generator is known to be stale."""
    digest = hashlib.sha256()
    for path in (Path(__file__), AREAS_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()


PLAN_IRI = "https://plankg.org/id/plan/"


def examples(m: Municipality, areas: dict[str, Any]) -> dict[str, Any]:
    """Ids and values of municipality 0, read from its records, that stand in for the real ones of the
    named queries' examples (bench.run.REAL_TO_SYNTHETIC): each answers its query. Labels as the mapping
    writes them (``clean_label``), since the queries match them as terms."""
    recs: dict[str, list[dict[str, Any]]] = {}
    for by_kind in m.records.values():
        for kind, records in by_kind.items():
            recs.setdefault(kind, []).extend(records)
    basic, comm, strat = m.plan_id("basic-plan"), m.plan_id("community-plan"), m.plan_id("strategy")
    elements = {(r["plan"], r["id"]): r for r in recs["elements"]}
    iri = lambda plan, eid: f"{PLAN_IRI}{plan}/{eid}"  # noqa: E731
    first = lambda plan, kind: next(r for r in recs["elements"] if r["plan"] == plan and r["kind"] == kind)  # noqa: E731
    adopted = next(r["adopted"] for r in recs["plans"] if r["id"] == basic)  # YYYY-MM
    month_end = calendar.monthrange(int(adopted[:4]), int(adopted[5:7]))[1]

    def change(ind: dict[str, Any]) -> float:
        values = {o["role"]: o["value"] for o in ind["observations"]}
        return values["current"] - values["previous"]

    outcomes = [r for r in recs["indicators"] if r["kind"] == "outcome-indicator"]
    related = [r for r in recs["elements"] if r["plan"] == basic and r.get("related_plan_refs")]
    membership = [r for r in recs.get("statistics", []) if r["dataset"] == "association-membership"]
    measured = next(lk["object"]["ref"] for lk in m.links if lk["relation"] == "measures")
    served = next(lk["object"]["ref"] for lk in m.links if lk["subject"]["ref"] == f"plan:{comm}")
    goal_areas = next(e["areas"] for e in areas["classification"] if e["ref"] == f"element:{basic}/goal-1")
    return {
        "community_plan": f"{PLAN_IRI}{comm}",
        # an element with children whose label only municipality 0 prints: the vision of its basic plan
        "parent_label": clean_label(elements[(basic, "vision")]["label"]),
        "outcome_label": clean_label(max(outcomes, key=change)["label"]) if outcomes else None,  # the largest rise
        "adopted_from": f"{adopted}-01", "adopted_to": f"{adopted}-{month_end:02d}",
        "mayor_term": f"https://plankg.org/id/term/{m.code}/{recs['mayors'][-1]['id']}",
        "related_policy_number": related[0]["number"] if related else None,
        "membership_indicator": clean_label(next(r["label"] for r in recs["indicators"]
                                                 if r["plan"] == comm and r["kind"] == "target-indicator")),
        "membership_fiscal_year": membership[0]["fiscal_year"] if membership else None,
        "text_mention": clean_label(m.city.name),  # printed in the label of the vision of its basic plan
        "community_measure": PLAN_IRI + measured.removeprefix("element:"),
        "basic_policy": iri(basic, first(basic, "policy")["id"]),
        "basic_project": iri(basic, first(basic, "project")["id"]),
        "strategy_project": iri(strat, first(strat, "project")["id"]),
        "served_goal": PLAN_IRI + served.removeprefix("element:"),
        "policy_area": goal_areas[0],
    }


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
    for table in ("units.yaml", "breakdowns.yaml"):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", "-n", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.municipalities < 1:
        parser.error("--municipalities must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    manifest = generate(args.municipalities, args.seed, args.out)
    print(json.dumps({k: manifest[k] for k in ("municipalities", "documents", "total_records", "source_bytes")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
