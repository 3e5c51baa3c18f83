"""Candidate cross-plan links from the text of the records (issue "Cross-plan linkage", point 4).

Every element and indicator of data/ becomes a *node* (records of one element in two documents
merge, as they do in the graph). Its label and descriptive text are tokenised with SudachiPy
(dictionary sudachidict_core, shipped inside the package; split mode C): content words in their
normalised base form (見守る, 合い → 支え合い), verbs in 連用形 used as nouns as written (見守り),
noun + nominal suffix joined (見守り隊, 支え合い), adjacent content words joined as compounds
(地域見守り, 自主防災), stop words dropped. TF-IDF weights (sublinear tf, smoothed idf, as
scikit-learn's TfidfVectorizer) and cosine similarity then rank, for each node, the nodes of OTHER
plans found in OTHER documents; the top-k above a threshold are proposed, with a relation guess:

* indicator → element of the same city: ``measures``;
* element of a lower plan (measure, project, action, initiative, policy) → goal, policy, principle
  or vision of a higher plan of the same city: ``serves``;
* anything else: ``related`` (not a LinkRelation: it stays a candidate, skos:related in RDF).

Candidates are written to data/linkage/candidates.yaml with their score and a ``decision``
(proposed, accepted, rejected) that regeneration keeps; ``accept`` turns one into a curator link
of data/linkage/links.yaml whose quotes are the two records' labels at their lines. Nothing here is
a fact of the graph: mappings/mapping/candidates.py maps the file into its own named graph.
"""

from __future__ import annotations
import hashlib
import importlib.metadata
import re
import typing
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
import numpy as np
import yaml
from mappings.records.schema import Element, Indicator, Link, LinkRelation, RecordError
from mappings.records.files import RecordSet, load_records, load_yaml

SUGGESTER_VERSION = "1"
METHOD = "tfidf-cosine"
CANDIDATES = Path("linkage") / "candidates.yaml"   # under data/
LINKS = Path("linkage") / "links.yaml"
DECISIONS = ("proposed", "accepted", "rejected")
LINK_RELATIONS: tuple[str, ...] = typing.get_args(LinkRelation)

# Element kinds that contribute to something (subject of `serves`) and that are contributed to (object).
SERVING_KINDS = {"measure", "project", "action", "initiative", "policy"}
SERVED_KINDS = {"vision", "principle", "goal", "policy"}
TOP_PLAN_KINDS = {"comprehensive-plan", "basic-plan"}  # a city's 総合計画 is its highest plan

# Words every plan uses (推進, 充実 …), counting words of indicator labels (年間, 累計, 数),
# and the names of the cities (which would pair documents of one city for no reason of content).
STOP_WORDS = frozenset("""
推進 充実 促進 強化 確保 向上 実施 取組 取り組み 取り組む 図る 進める 行う 努める 目指す 図り 努め
こと もの ため よう ほか 等 など 各種 各 本市 市 当市 本 全て すべて 様々 さまざま 多様 これ それ
年 年度 年間 累計 数 件 人 割合 率 以上 以下 前 後 中 内 毎 別 際 場合 方 的 上 化
する なる ある いる できる おる 持つ 通す 基づく 関する 対する 係る 伴う 含む 合わせる 当たる よる おける おく 向ける 通じる 応じる
令和 平成 昭和 水戸 水戸市 日立 日立市 小美玉 小美玉市 茨城 茨城県 みと
""".split())
STOP_SUFFIXES = frozenset("等 ら たち 達 毎 別 中 内 後 的 方 上 さん 様 氏 年 度 月 日".split())
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞"}
TEXT_FIELDS = ("text", "basic_policy", "aimed_state", "assessment", "direction", "purpose", "results",
               "description", "survey")
LIST_FIELDS = ("issues", "achievements", "footnotes")


@dataclass(frozen=True)
class Params:
    """The fixed parameters of a run (recorded in candidates.yaml and in the RDF activity)."""

    top_k: int = 3
    threshold: float = 0.2
    label_weight: int = 2     # the label's tokens count this many times against the text's
    split_mode: str = "C"
    compounds: bool = True    # adjacent content words as an extra compound token

    def as_dict(self) -> dict[str, Any]:
        return {"top_k": self.top_k, "threshold": self.threshold, "label_weight": self.label_weight,
                "split_mode": self.split_mode, "compounds": self.compounds}


def analyser_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in ("sudachipy", "sudachidict_core")}


# --- tokenising -------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _sudachi(mode: str):
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=getattr(SplitMode, mode))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def tokenize(text: str, mode: str = "C", compounds: bool = True) -> list[str]:
    """Content-word tokens of ``text`` in base form, with joined compounds.

    >>> tokenize("地域見守り・支えあいの推進")
    ['地域', '見守り', '地域見守り', '支え', '支え合い']
    """
    out: list[str] = []
    morphemes = list(_sudachi(mode).tokenize(_fold(text)))
    run: list[str] = []   # the content words since the last break, for compounds

    def flush() -> None:
        if compounds:
            out.extend(a + b for a, b in zip(run, run[1:]))
        run.clear()

    for i, m in enumerate(morphemes):
        pos = m.part_of_speech()
        nxt = morphemes[i + 1].part_of_speech() if i + 1 < len(morphemes) else ("",) * 6
        if pos[0] == "接尾辞" and pos[1] == "名詞的" and run and m.surface() not in STOP_SUFFIXES:
            joined = run[-1] + _fold(m.normalized_form())
            out.append(joined)        # 支え + あい → 支え合い, 見守り + 隊 → 見守り隊
            run[-1] = joined
            continue
        if pos[0] not in CONTENT_POS or pos[1] in ("数詞", "非自立可能"):
            flush()
            continue
        nominal = pos[0] == "名詞"
        if pos[0] == "動詞" and pos[5].startswith("連用形") and nxt[0] not in ("助動詞", "動詞") \
                and not (nxt[0] == "助詞" and nxt[1] == "接続助詞"):
            token = _fold(m.surface())   # 見守り used as a noun, not the verb 見守る
            nominal = True
        else:
            token = _fold(m.normalized_form())
        if token in STOP_WORDS or not token or re.fullmatch(r"[\W\d_a-zA-Z]", token):
            flush()
            continue
        out.append(token)
        if nominal:   # compounds join nouns only (地域見守り), not a verb and the next noun (つくる持続)
            run.append(token)
        else:
            flush()
    flush()
    return out


# --- nodes -----------------------------------------------------------------------------------------

@dataclass
class Node:
    """An element or indicator, merged over the documents that record it."""

    ref: str                  # typed: element:PLAN/ID or indicator:PLAN/ID
    what: str                 # element | indicator
    plan: str
    kind: str                 # element kind or indicator kind
    label: str
    document: str             # the first document (path order) that records it: its quote comes from there
    lines: Any
    documents: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)

    @property
    def local_id(self) -> str:
        return self.ref.split("/", 1)[1]


def collect_nodes(records: RecordSet) -> list[Node]:
    nodes: dict[str, Node] = {}
    for loaded in records.records:
        if loaded.kind not in ("elements", "indicators"):
            continue
        rec: Element | Indicator = loaded.record  # type: ignore[assignment]
        what = "element" if loaded.kind == "elements" else "indicator"
        ref = f"{what}:{rec.plan}/{rec.id}"
        node = nodes.setdefault(ref, Node(ref, what, rec.plan, rec.kind, rec.label, loaded.document, rec.lines))
        node.documents.add(loaded.document)
        for name in TEXT_FIELDS:
            if getattr(rec, name, None):
                node.texts.append(getattr(rec, name))
        for name in LIST_FIELDS:
            node.texts.extend(getattr(rec, name, []) or [])
    return sorted(nodes.values(), key=lambda n: n.ref)


# --- TF-IDF and cosine ----------------------------------------------------------------------------

def vectorise(token_lists: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    """Rows of L2-normalised TF-IDF weights: tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1."""
    vocab = sorted({t for tokens in token_lists for t in tokens})
    index = {t: i for i, t in enumerate(vocab)}
    counts = np.zeros((len(token_lists), len(vocab)))
    for row, tokens in enumerate(token_lists):
        for t in tokens:
            counts[row, index[t]] += 1
    tf = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0.0)
    df = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(token_lists)) / (1 + df)) + 1
    weights = tf * idf
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    return weights / np.where(norms == 0, 1, norms), vocab


@dataclass
class Similarity:
    nodes: list[Node]
    weights: np.ndarray
    vocab: list[str]
    similarity: np.ndarray
    allowed: np.ndarray       # pairs that may be proposed: other plan, no document in common
    params: Params


def node_tokens(node: Node, params: Params) -> list[str]:
    label = tokenize(node.label, params.split_mode, params.compounds)
    text = [t for s in node.texts for t in tokenize(s, params.split_mode, params.compounds)]
    return label * params.label_weight + text


def build_model(records: RecordSet, params: Params = Params()) -> Similarity:
    nodes = collect_nodes(records)
    weights, vocab = vectorise([node_tokens(n, params) for n in nodes])
    similarity = weights @ weights.T
    n = len(nodes)
    allowed = np.zeros((n, n), dtype=bool)
    for i, a in enumerate(nodes):
        for j, b in enumerate(nodes):
            allowed[i, j] = a.plan != b.plan and not (a.documents & b.documents)
    return Similarity(nodes, weights, vocab, similarity, allowed, params)


# --- relation guesses ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanInfo:
    kind: dict[str, str]
    city: dict[str, str | None]
    higher: dict[str, set[str]]   # plan → every plan above it

    def is_higher(self, upper: str, lower: str) -> bool:
        if upper in self.higher.get(lower, set()):
            return True
        same_city = self.city.get(upper) is not None and self.city.get(upper) == self.city.get(lower)
        return same_city and self.kind.get(upper) in TOP_PLAN_KINDS and self.kind.get(lower) not in TOP_PLAN_KINDS


def plan_info(records: RecordSet) -> PlanInfo:
    kind: dict[str, str] = {}
    city: dict[str, str | None] = {}
    up: dict[str, set[str]] = {}
    for loaded in records.of("plans"):
        p = loaded.record
        kind.setdefault(p.id, p.kind)  # type: ignore[attr-defined]
        if p.city or p.id not in city:  # type: ignore[attr-defined]
            city[p.id] = p.city  # type: ignore[attr-defined]
        for ref in (p.positioned_under_ref, p.based_on_ref):  # type: ignore[attr-defined]
            if ref:
                up.setdefault(p.id, set()).add(ref)
    for loaded in records.links:
        link: Link = loaded.record  # type: ignore[assignment]
        if link.relation in ("positioned-under", "based-on") and link.subject.ref.startswith("plan:") \
                and link.object.ref.startswith("plan:"):
            up.setdefault(link.subject.ref[5:], set()).add(link.object.ref[5:])
    higher: dict[str, set[str]] = {}
    for plan in up:
        seen, todo = set(), list(up[plan])
        while todo:
            q = todo.pop()
            if q not in seen:
                seen.add(q)
                todo.extend(up.get(q, ()))
        higher[plan] = seen - {plan}
    return PlanInfo(kind, city, higher)


def orient(a: Node, b: Node, plans: PlanInfo) -> tuple[Node, str, Node]:
    """(subject, relation, object) for a similar pair."""
    same_city = plans.city.get(a.plan) is not None and plans.city.get(a.plan) == plans.city.get(b.plan)
    if same_city:  # an indicator of one city measures nothing of another: that is a comparable, `related`
        if a.what == "indicator" and b.what == "element":
            return a, "measures", b
        if b.what == "indicator" and a.what == "element":
            return b, "measures", a
    if a.what == b.what == "element":
        for s, o in ((a, b), (b, a)):
            if s.kind in SERVING_KINDS and o.kind in SERVED_KINDS and plans.is_higher(o.plan, s.plan):
                return s, "serves", o
    s, o = sorted((a, b), key=lambda n: n.ref)
    return s, "related", o


def candidate_id(ref_a: str, ref_b: str) -> str:
    """Stable id of an unordered pair: a rejection holds whatever relation is guessed later."""
    key = "|".join(sorted((ref_a, ref_b)))
    return "cand-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


# --- proposing ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    i: int
    j: int
    score: float
    rank: int     # the best rank of either end among the other's neighbours (1 = nearest)


def ranked_pairs(model: Similarity, top_k: int, threshold: float) -> list[Pair]:
    """Each node's top-k allowed neighbours at or above ``threshold``, as unordered pairs."""
    best: dict[tuple[int, int], Pair] = {}
    refs = [n.ref for n in model.nodes]
    for i in range(len(model.nodes)):
        row = model.similarity[i]
        js = [j for j in np.flatnonzero(model.allowed[i]) if round(float(row[j]), 4) >= threshold]
        js.sort(key=lambda j: (-round(float(row[j]), 4), refs[j]))
        for rank, j in enumerate(js[:top_k], start=1):
            key = (min(i, j), max(i, j))
            pair = Pair(key[0], key[1], round(float(row[j]), 4), rank)
            if key not in best or rank < best[key].rank:
                best[key] = pair
    return sorted(best.values(), key=lambda p: (-p.score, refs[p.i], refs[p.j]))


def shared_terms(model: Similarity, i: int, j: int, n: int = 6) -> list[str]:
    """The terms that contribute most to the cosine of i and j."""
    contrib = model.weights[i] * model.weights[j]
    order = sorted(np.flatnonzero(contrib), key=lambda k: (-contrib[k], model.vocab[k]))
    return [model.vocab[k] for k in order[:n]]


def side(node: Node) -> dict[str, Any]:
    return {"ref": node.ref, "document": node.document, "lines": node.lines, "label": node.label}


def link_pairs(records: RecordSet) -> dict[frozenset[str], str]:
    """Unordered pairs of refs → the id of the curated link between them."""
    return {frozenset((l.record.subject.ref, l.record.object.ref)): l.record.id  # type: ignore[attr-defined]
            for l in records.links}


def propose(records: RecordSet, params: Params = Params(), model: Similarity | None = None) -> list[dict[str, Any]]:
    """The candidate records of one run, best first (no decisions applied)."""
    model = model or build_model(records, params)
    plans = plan_info(records)
    known = link_pairs(records)
    out = []
    for pair in ranked_pairs(model, params.top_k, params.threshold):
        a, b = model.nodes[pair.i], model.nodes[pair.j]
        s, relation, o = orient(a, b, plans)
        cand: dict[str, Any] = {
            "id": candidate_id(s.ref, o.ref), "relation": relation, "subject": side(s), "object": side(o),
            "score": pair.score, "rank": pair.rank, "shared_terms": shared_terms(model, pair.i, pair.j),
        }
        if frozenset((s.ref, o.ref)) in known:
            cand["known_link"] = known[frozenset((s.ref, o.ref))]
        cand["decision"] = "proposed"
        out.append(cand)
    return out


# --- the candidates file -------------------------------------------------------------------------

HEADER = """\
# Candidate cross-plan links, generated by `plankg suggest suggest` (mappings/suggest/suggester.py).
# Not facts: a text-similarity suggestion for a curator. Edit nothing but `decision`, or use
# `plankg suggest accept ID` (→ a curator link in links.yaml) and `plankg suggest reject ID`.
# Regeneration keeps accepted and rejected entries and never proposes a rejected pair again.
# Mapped by mappings/mapping/candidates.py into {base}graph/candidates (mplan:CandidateLink; no plain triple).
"""


def read_candidates(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"generated_by": {}, "candidates": []}
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("candidates", []), list):
        raise RecordError(f"{path}: expected a mapping with generated_by and a list of candidates")
    return _strip(raw)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def write_candidates(path: Path, content: dict[str, Any]) -> None:
    body = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")


def regenerate(data_dir: Path, params: Params = Params()) -> dict[str, Any]:
    """Write a new candidates file; decided entries are kept, rejected pairs are not proposed again."""
    path = data_dir / CANDIDATES
    records = load_records(data_dir)
    previous = read_candidates(path)
    decided = {c["id"]: c for c in previous["candidates"] if c.get("decision") in ("accepted", "rejected")}
    fresh = [c for c in propose(records, params) if c["id"] not in decided]
    content = {
        "generated_by": {"suggester": f"mappings.suggest {SUGGESTER_VERSION}", "method": METHOD,
                         "analyser": analyser_versions(), "parameters": params.as_dict()},
        "candidates": fresh + sorted(decided.values(), key=lambda c: c["id"]),
    }
    write_candidates(path, content)
    return content


def _find(content: dict[str, Any], cand_id: str) -> dict[str, Any]:
    for cand in content["candidates"]:
        if cand["id"] == cand_id:
            return cand
    raise KeyError(cand_id)


def reject(data_dir: Path, cand_id: str) -> dict[str, Any]:
    path = data_dir / CANDIDATES
    content = read_candidates(path)
    cand = _find(content, cand_id)
    if cand.get("decision") == "accepted":
        raise ValueError(f"{cand_id} was accepted as link {cand.get('accepted_as')}; remove that link first")
    cand["decision"] = "rejected"
    write_candidates(path, content)
    return cand


def _record_of(records: RecordSet, ref: str, document: str):
    what, _, value = ref.partition(":")
    plan, _, local = value.partition("/")
    kind = "elements" if what == "element" else "indicators"
    for loaded in records.of(kind, document):
        if loaded.record.plan == plan and loaded.record.id == local:  # type: ignore[attr-defined]
            return loaded
    raise RecordError(f"{ref} is not recorded in {document}: regenerate the candidates")


def accept(data_dir: Path, sources_dir: Path, cand_id: str, confidence: Decimal = Decimal("0.7"),
           reason: str | None = None, relation: str | None = None) -> dict[str, Any]:
    """Append the candidate to links.yaml as a curator link and mark it accepted.

    Each side quotes its record's label at the record's lines, so the source-line check passes;
    links.yaml is left as it was if the new link does not load or verify.
    """
    from mappings.records.sources import load_catalog
    from mappings.records.verify import check_record

    path = data_dir / CANDIDATES
    content = read_candidates(path)
    cand = _find(content, cand_id)
    if cand.get("decision") != "proposed":
        raise ValueError(f"{cand_id} is already {cand.get('decision')}")
    if cand.get("known_link"):
        raise ValueError(f"{cand_id} is already the curated link {cand['known_link']}")
    relation = relation or cand["relation"]
    if relation not in LINK_RELATIONS:
        raise ValueError(f"'{relation}' is not a link relation ({', '.join(LINK_RELATIONS)}): pass --relation")
    if not Decimal(0) <= confidence <= Decimal(1):
        raise ValueError("confidence must be between 0 and 1")
    records = load_records(data_dir)
    sides = {}
    for end in ("subject", "object"):
        loaded = _record_of(records, cand[end]["ref"], cand[end]["document"])
        sides[end] = {"ref": cand[end]["ref"], "document": loaded.document,
                      "lines": loaded.raw["lines"], "quote": loaded.record.label}  # type: ignore[attr-defined]
    subject_local = cand["subject"]["ref"].rsplit("/", 1)[-1]
    object_local = cand["object"]["ref"].rsplit("/", 1)[-1]
    link_id = f"{subject_local}-{relation}-{object_local}"
    existing = {l.record.id for l in records.links}
    if link_id in existing:
        link_id = f"{link_id}-{cand_id}"
    terms = "、".join(cand.get("shared_terms", []))
    link = {
        "id": link_id, "relation": relation, "subject": sides["subject"], "object": sides["object"],
        "asserted_by": "curator", "confidence": float(confidence) if confidence % 1 else int(confidence),
        "reason_en": reason or (f"Proposed by the text-similarity suggester ({METHOD}, score {cand['score']}; "
                                f"shared terms {terms}) and accepted by a curator."),
    }
    links_path = data_dir / LINKS
    before = links_path.read_text(encoding="utf-8") if links_path.exists() else ""
    marker = "# --- accepted suggestions (plankg suggest accept) ---"
    addition = ("" if marker in before else f"\n{marker}\n") + "\n" + yaml.safe_dump(
        [link], allow_unicode=True, sort_keys=False, width=100)
    links_path.write_text(before.rstrip("\n") + "\n" + addition, encoding="utf-8")
    try:
        after = load_records(data_dir)
        catalog = load_catalog(sources_dir)
        added = [l for l in after.links if l.record.id == link_id]
        misses = [m for l in added for m in check_record(l, catalog)]
        if misses:
            raise RecordError("; ".join(str(m) for m in misses))
    except Exception:
        links_path.write_text(before, encoding="utf-8")
        raise
    cand["decision"] = "accepted"
    cand["accepted_as"] = link_id
    write_candidates(path, content)
    return link


# --- evaluation -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    top_k: int
    threshold: float
    proposals: int
    hits: int            # proposals that are curated links (either direction)
    relation_right: int  # … with the curated relation
    gold: int
    precision: float
    recall: float
    f1: float


def gold_pairs(records: RecordSet, model: Similarity) -> tuple[dict[frozenset[str], str], int]:
    """Curated links the suggester could find (both ends nodes that may be paired), and all curated links."""
    index = {n.ref: i for i, n in enumerate(model.nodes)}
    gold = {}
    for loaded in records.links:
        link: Link = loaded.record  # type: ignore[assignment]
        i, j = index.get(link.subject.ref), index.get(link.object.ref)
        if i is not None and j is not None and model.allowed[i, j]:
            gold[frozenset((link.subject.ref, link.object.ref))] = link.relation
    return gold, len(records.links)


def evaluate(records: RecordSet, grid_k: Iterable[int] = (1, 3, 5, 10),
             grid_threshold: Iterable[float] = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4),
             params: Params = Params(), model: Similarity | None = None) -> tuple[list[Score], int, int]:
    """Precision, recall and F1 against the curated links, for each top-k and threshold."""
    model = model or build_model(records, params)
    plans = plan_info(records)
    gold, total = gold_pairs(records, model)
    rows = []
    for k in grid_k:
        for threshold in grid_threshold:
            pairs = ranked_pairs(model, k, threshold)
            hits = relation_right = 0
            for p in pairs:
                a, b = model.nodes[p.i], model.nodes[p.j]
                key = frozenset((a.ref, b.ref))
                if key in gold:
                    hits += 1
                    relation_right += orient(a, b, plans)[1] == gold[key]
            precision = hits / len(pairs) if pairs else 0.0
            recall = hits / len(gold) if gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            rows.append(Score(k, threshold, len(pairs), hits, relation_right, len(gold), precision, recall, f1))
    return rows, len(gold), total


def gold_ranks(records: RecordSet, params: Params = Params(),
               model: Similarity | None = None) -> list[tuple[str, float, int]]:
    """For each findable curated link: its cosine and the rank of its object among the subject's neighbours."""
    model = model or build_model(records, params)
    gold, _ = gold_pairs(records, model)
    index = {n.ref: i for i, n in enumerate(model.nodes)}
    refs = [n.ref for n in model.nodes]
    out = []
    for loaded in records.links:
        link: Link = loaded.record  # type: ignore[assignment]
        if frozenset((link.subject.ref, link.object.ref)) not in gold:
            continue
        i, j = index[link.subject.ref], index[link.object.ref]
        row = model.similarity[i]
        order = sorted(np.flatnonzero(model.allowed[i]), key=lambda x: (-round(float(row[x]), 4), refs[x]))
        out.append((link.id, round(float(row[j]), 4), order.index(j) + 1))
    return out


def measures_hits(records: RecordSet, ks: Iterable[int] = (1, 3, 5), params: Params = Params(),
                  model: Similarity | None = None) -> tuple[int, dict[int, int], dict[int, int]]:
    """A second check on more data: each indicator's own ``measures_refs`` (stated by its document).

    The elements of the indicator's own plan are ranked by the same cosine; returns the number of
    indicators with such refs and, per k, how many have a measured element among their k nearest
    (exactly; and the measured element or one of its parts, since documents attach indicators to a
    policy whose projects carry the specific words). Within one plan, not the cross-plan task.
    """
    model = model or build_model(records, params)
    parent = {f"element:{l.record.plan}/{l.record.id}": f"element:{l.record.plan}/{l.record.parent_ref}"  # type: ignore[attr-defined]
              for l in records.of("elements") if l.record.parent_ref and "/" not in l.record.parent_ref}  # type: ignore[attr-defined]

    def ancestors(ref: str) -> set[str]:
        out = {ref}
        while ref in parent and parent[ref] not in out:
            ref = parent[ref]
            out.add(ref)
        return out

    index = {n.ref: i for i, n in enumerate(model.nodes)}
    refs = [n.ref for n in model.nodes]
    ks = tuple(ks)
    total, hits, part_hits = 0, {k: 0 for k in ks}, {k: 0 for k in ks}
    for node in model.nodes:
        if node.what != "indicator":
            continue
        measured = set()
        for loaded in records.of("indicators"):
            rec = loaded.record
            if f"indicator:{rec.plan}/{rec.id}" == node.ref:  # type: ignore[attr-defined]
                for ref in rec.measures_refs:  # type: ignore[attr-defined]
                    measured.add(f"element:{ref}" if "/" in ref else f"element:{rec.plan}/{ref}")  # type: ignore[attr-defined]
        measured &= index.keys()
        if not measured:
            continue
        total += 1
        i = index[node.ref]
        row = model.similarity[i]
        own = [j for j, n in enumerate(model.nodes) if n.what == "element" and n.plan == node.plan]
        own.sort(key=lambda j: (-round(float(row[j]), 4), refs[j]))
        for k in ks:
            hits[k] += any(refs[j] in measured for j in own[:k])
            part_hits[k] += any(ancestors(refs[j]) & measured for j in own[:k])
    return total, hits, part_hits


def format_table(rows: list[Score]) -> str:
    lines = ["| top-k | threshold | proposals | curated found | relation right | precision | recall | F1 |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.top_k} | {r.threshold:.2f} | {r.proposals} | {r.hits}/{r.gold} | {r.relation_right} | "
                     f"{r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m mappings.suggest.suggester [data-dir]: regenerate and print the evaluation
    import sys

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data")
    result = regenerate(data)
    print(f"{len(result['candidates'])} candidates → {data / CANDIDATES}")
    table, findable, total = evaluate(load_records(data))
    print(f"curated links: {total}, findable by the suggester (both ends elements/indicators of other plans "
          f"in other documents): {findable}")
    print(format_table(table))
