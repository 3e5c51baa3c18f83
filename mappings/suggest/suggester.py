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
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import numpy as np
from mappings.records.schema import Element, Indicator, Link, LinkRelation
from mappings.records.files import RecordSet
from mappings.suggest.text import tokenize

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
