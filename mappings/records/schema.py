"""The source records in data/: their schema (mappings.records.files reads them).

Records live in ``data/<document-id>/<kind>.yaml``, each file a YAML list of
records of one kind; ``data/reference/`` holds reference data that no source
document states (cities and their codes).  The models below are the schema:
a record that does not fit fails the build with its file, line and id named.

Every record has ``id`` (a slug) and ``lines`` (its source lines in the
document: ``29``, ``"29-31"`` or a list of those).  Values are written as the
document prints them, normalised (see mappings.records.normalize), so the source-line
check (mappings.records.verify) can find each one at its cited lines.  What is derived
(an ordinal from 初, a unit IRI, an execution rate) is computed in code.
"""

from __future__ import annotations
import re
from decimal import Decimal
from typing import Literal
from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG = r"^[a-z0-9][a-z0-9-]*$"
ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
YEAR = r"^\d{4}$"
CITY_CODE = r"^\d{6}$"

LineSpec = int | str | list[int | str]


class RecordError(ValueError):
    """A record that cannot be read; the message names file, line and record."""


def parse_lines(spec: LineSpec) -> list[tuple[int, int]]:
    """Line ranges of a ``lines`` value.

    >>> parse_lines("28-31"), parse_lines([85, "98-100"])
    ([(28, 31)], [(85, 85), (98, 100)])
    """
    items = spec if isinstance(spec, list) else [spec]
    ranges = []
    for item in items:
        if isinstance(item, int):
            ranges.append((item, item))
            continue
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", str(item))
        if not m:
            raise ValueError(f"lines must be N or 'N-M', got {item!r}")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise ValueError(f"line range {item!r} runs backwards")
        ranges.append((first, last))
    return ranges


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Record(Model):
    id: str = Field(pattern=SLUG)
    lines: LineSpec

    @field_validator("lines")
    @classmethod
    def _lines(cls, v: LineSpec) -> LineSpec:
        parse_lines(v)
        return v


# --- plans and their elements -------------------------------------------------

PlanKind = Literal[
    "comprehensive-plan",    # 総合計画 (the whole plan)
    "basic-plan",            # 基本計画 (前期/後期 included)
    "comprehensive-strategy",  # まち・ひと・しごと創生総合戦略
    "population-vision",     # 人口ビジョン
    "sector-plan",           # 個別計画 (community, transport, cycling, barrier-free …)
    "evaluation",            # a plan's evaluation report
    "programme",             # a body of measures without a plan document (DX promotion …)
    "recommendation",        # 提言書
]


class Plan(Record):
    """A plan or plan-like programme. ``id`` is global: one plan, one id, in every document."""

    kind: PlanKind
    title: str
    title_en: str
    alias: list[str] = []            # nicknames as printed (みと魁プラン)
    city: str | None = Field(default=None, pattern=CITY_CODE)
    publisher: str | None = None     # as printed (水戸市まち・ひと・しごと創生推進本部)
    adopted: str | None = Field(default=None, pattern=ISO_DATE)
    period_start: str | None = Field(default=None, pattern=YEAR)  # first fiscal year
    period_end: str | None = Field(default=None, pattern=YEAR)    # last fiscal year
    positioned_under_ref: str | None = None  # plan id: 位置付け
    based_on_ref: str | None = None          # plan id: built on / 基本とし
    previous_ref: str | None = None          # plan id: the edition it succeeds
    evaluates_ref: str | None = None         # plan id, for kind evaluation
    related_plan_refs: list[str] = []        # plan ids it is kept consistent with (整合)
    description: str | None = None


ElementKind = Literal[
    "vision",      # 将来都市像 / 目指す姿 of the whole plan
    "principle",   # 基本理念 / 基本方針 of the whole plan
    "goal",        # 基本目標 / 大綱の柱 / 節
    "policy",      # 施策 / 具体的施策
    "initiative",  # 取組
    "measure",     # 個別施策 / 施策 under a basic policy
    "action",      # numbered sub-item of a measure (①, ア, ・)
    "project",     # 事業
    "role",        # role of an actor (市民, 地区会, 市 …)
]

ElementFlag = Literal["priority", "new", "relisted"]


class BudgetFigure(Model):
    fiscal_year: str = Field(pattern=YEAR)
    budget: Decimal | None = None
    settlement: Decimal | None = None
    unit: str                     # as printed: 千円
    lines: LineSpec | None = None


class Element(Record):
    """A plan element. ``id`` is unique within its plan; refs to another plan read ``plan-id/element-id``."""

    plan: str
    kind: ElementKind
    parent_ref: str | None = None
    number: str | None = None        # as printed: 1, (1), Ⅰ, 7101, ①, ア
    label: str
    label_en: str | None = None
    text: str | None = None          # description as printed
    basic_policy: str | None = None  # 基本方針
    achievements: list[str] = []     # 取組内容・成果 of the previous plan
    issues: list[str] = []           # 現状と課題
    aimed_state: str | None = None   # 5年後に目指す姿 / 目指す姿
    assessment: str | None = None    # 取組の概要と評価
    direction: str | None = None     # 今後の取組方針
    purpose: str | None = None       # 事業目的
    results: str | None = None       # 実績・件数
    flags: list[ElementFlag] = []
    relisted_from_ref: str | None = None   # element where a (再掲) project is listed first
    responsible_refs: list[str] = []       # organization ids (担当課), or a 6-digit city code for the city
    related_refs: list[str] = []           # organization ids (関係課所)
    serves_refs: list[str] = []            # element refs it contributes to, beyond its parent
    related_plan_refs: list[str] = []      # plan ids of related plans (関連計画)
    budget: list[BudgetFigure] = []


# --- indicators (KPIs, targets, outcome indicators) ---------------------------

IndicatorKind = Literal[
    "kpi",                # 重要業績評価指標
    "numeric-target",     # 数値目標 of a basic goal
    "outcome-indicator",  # 成果指標 from a citizen survey
    "target-indicator",   # 目標指標 / 施策の目標
]

ObservationRole = Literal["baseline", "target", "expected", "actual", "current", "previous"]
# code:obs-status: a cell without a number: a dash, 未算出, 不明, or a value in words (全地区)
ObsStatus = Literal["not-printed", "not-computed", "unknown", "in-words"]


class Observation(Model):
    role: ObservationRole
    fiscal_year: str | None = Field(default=None, pattern=YEAR)   # the 年度 column it stands in
    year: str | None = Field(default=None, pattern=YEAR)          # a calendar year (年) instead
    value: Decimal | None = None
    value_text: str | None = None          # as printed when not a plain number (未算出, 不明, [小6]+2.0)
    refers_to_fiscal_year: str | None = Field(default=None, pattern=YEAR)  # (2020年度) after a value
    refers_to_year: str | None = Field(default=None, pattern=YEAR)         # (2021年) after a value
    status: str | None = None              # 順調 / 概ね順調 / 遅れ
    trend: str | None = None               # the arrow as printed
    note: str | None = None
    unit: str | None = None                # the value's own unit when not the indicator's (0.6%増/年: %)
    comparison: str | None = None          # a target's comparison as printed: 以下, 以上, 増/年
    breakdown: str | None = None           # the subgroup a value is printed for ([小6], [中3])
    status_code: ObsStatus | None = None   # why there is no number (value_text says what is printed)
    lines: LineSpec | None = None


class Indicator(Record):
    plan: str
    kind: IndicatorKind
    measures_refs: list[str] = []   # element refs the indicator measures
    number: str | None = None
    label: str
    label_en: str | None = None
    unit: str | None = None         # as printed: 百万円, %, 人, 件
    survey: str | None = None       # the survey behind an outcome indicator
    description: str | None = None
    footnotes: list[str] = []
    observations: list[Observation] = []


# --- organisations, people, agreements ----------------------------------------

OrganizationKind = Literal[
    "department",         # 部・課・室 of a city
    "council",            # 協議会・会議・懇話会 (incl. wide-area bodies)
    "wide-area-body",     # a body of several municipalities
    "association",        # 地区会・町内会・自治会・団体
    "committee",          # 委員会・本部
    "other",
]


class Organization(Record):
    """``id`` is global; prefix with the city (mito-, hitachi-, omitama-)."""

    kind: OrganizationKind
    label: str
    label_en: str | None = None
    city: str | None = Field(default=None, pattern=CITY_CODE)
    parent_ref: str | None = None
    members: list[str] = []            # member names as printed
    member_city_codes: list[str] = []  # 6-digit codes of member municipalities
    established: str | None = Field(default=None, pattern=ISO_DATE)
    established_fiscal_year: str | None = Field(default=None, pattern=YEAR)
    purpose: str | None = None
    description: str | None = None


class MayorTerm(Record):
    city: str = Field(pattern=CITY_CODE)
    ordinal_text: str                  # 初, 2, … as printed
    name: str
    start: str = Field(pattern=ISO_DATE)
    end: str | None = Field(default=None, pattern=ISO_DATE)
    in_office: bool = False            # 在任中


class Agreement(Record):
    city: str = Field(pattern=CITY_CODE)
    partner: str
    partner_city_code: str | None = Field(default=None, pattern=CITY_CODE)
    agreement: str                     # as printed: 姉妹都市, 親善都市, 国際親善姉妹都市, 友好交流都市
    date: str = Field(pattern=ISO_DATE)
    country: str | None = None
    region: str | None = None          # prefecture or state as printed
    population: Decimal | None = None
    area_km2: Decimal | None = None
    description: str | None = None


# --- figures, events, systems --------------------------------------------------

class Statistic(Record):
    """One figure of a table or sentence, mapped to an RDF Data Cube observation."""

    dataset: str = Field(pattern=SLUG)  # groups figures of one table
    table: str | None = None            # table title as printed
    measure: str                        # what is counted, as printed
    value: Decimal
    unit: str | None = None
    fiscal_year: str | None = Field(default=None, pattern=YEAR)
    year: str | None = Field(default=None, pattern=YEAR)
    date: str | None = Field(default=None, pattern=ISO_DATE)
    dimensions: dict[str, str] = {}     # other dimension values as printed
    subject_ref: str | None = None      # plan, element or organization id it is about
    note: str | None = None


class StatisticsDataset(Record):
    """A table or chart of a document: its title and its 出典 caption (``id`` is the ``dataset`` of
    its figures; a chart whose figures are not in the text has no Statistic records)."""

    title: str                          # as printed: ■大学連携取組数(年度別)の推移
    source: str | None = None           # the 出典 caption after 出典：, as printed
    note: str | None = None             # as printed: (令和3年12月末現在)
    subject_ref: str | None = None


class Unit(Model):
    """Reference data (data/reference/units.yaml): a printed unit → its QUDT unit and multiplier."""

    printed: str                        # 千円
    unit: str = Field(pattern=r"^http://qudt\.org/vocab/(unit|currency)/[A-Za-z0-9_-]+$")
    multiplier: int = 0                 # sdmx-attribute:unitMult: 千円 → 3
    label_en: str                       # thousand yen; for a count, what is counted
    ucum: str | None = None             # the UCUM code ({person}, h, %)
    retired_slug: str | None = None     # the slug of the unit IRI minted before (id/unit/{slug})


class Breakdown(Model):
    """Reference data (data/reference/breakdowns.yaml): a printed subgroup → its code."""

    printed: str                        # 小6
    code: str = Field(pattern=SLUG)     # elementary-grade-6
    label_en: str


class Event(Record):
    date: str = Field(pattern=ISO_DATE)
    label: str
    subject_ref: str | None = None


class InformationSystem(Record):
    city: str = Field(pattern=CITY_CODE)
    label: str
    department: str | None = None      # as printed
    department_ref: str | None = None  # organization id
    started: str = Field(pattern=ISO_DATE)
    note: str | None = None


class City(Model):
    """Reference data: a municipality (no source line; codes verified by check digit)."""

    code: str = Field(pattern=CITY_CODE)
    name: str
    name_en: str
    prefecture: str
    kind: Literal["city", "town", "village"]
    wikidata: str | None = Field(default=None, pattern=r"^Q\d+$")
    wikidata_from: str | None = None       # where the QID was read (a stored source)
    # the day the municipality's current e-Stat standard area code took effect (…/C08236-20060327)
    area_code_since: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    area_code_since_from: str | None = None
    country: str | None = Field(default=None, pattern=r"^https?://\S+$")  # the country's IRI


# --- cross-document links (data/linkage/) -------------------------------------------

LinkRelation = Literal[
    "positioned-under", "based-on", "serves", "measures", "member-of", "relisted-under",
    "carried-out-through",  # element → the body through which the measure is carried out
]


class LinkSide(Model):
    """One end of a link: what it names and the passage that says so.

    ``ref`` is typed: ``plan:ID``, ``element:PLAN/ID``, ``indicator:PLAN/ID``, ``org:ID`` or ``city:CODE``.
    """

    ref: str = Field(pattern=r"^(plan|element|indicator|org|city):[a-z0-9/-]+$")
    document: str = Field(pattern=SLUG)
    lines: LineSpec
    quote: str                          # checked at ``lines`` of ``document``


class Link(Model):
    """A link between documents with the evidence on both sides (data/linkage/links.yaml)."""

    id: str = Field(pattern=SLUG)
    relation: LinkRelation
    subject: LinkSide
    object: LinkSide
    asserted_by: Literal["document", "curator"]  # the subject's document says it, or a curator infers it
    confidence: Decimal = Field(ge=0, le=1)
    reason_en: str


KINDS: dict[str, type[Record]] = {
    "plans": Plan,
    "elements": Element,
    "indicators": Indicator,
    "organizations": Organization,
    "mayors": MayorTerm,
    "agreements": Agreement,
    "statistics": Statistic,
    "datasets": StatisticsDataset,
    "events": Event,
    "systems": InformationSystem,
}
