"""Gathering the HTML description of one resource (queries/pages/): its labels and types, every
property with the object's label, every incoming link with the subject's label, grouped by named
graph, its parts (blank nodes, hash IRIs), the terms of a hash namespace document, a named graph's
size and classes, and the provenance — each passage its descriptions are ``prov:wasDerivedFrom``
(``^foaf:primaryTopic``), with its quoted text (``oa:exact``), document and lines.
"""

from __future__ import annotations
import re
from collections import OrderedDict, defaultdict
from typing import Any
from urllib.parse import quote
from fastapi import Request
from kgservice.pages.html import PREFIXES, Labels, base_iri, curie, local_href, root_path
from kgservice.queries.internal import select

RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL_PROPS = ("rdfs:label", "skos:prefLabel", "dct:title", "foaf:name")


def term_view(term: dict, labels: Labels, base: str, root: str) -> dict[str, Any]:
    """What a template needs to show one RDF term of a JSON result."""
    kind = term["type"]
    if kind == "uri":
        iri = term["value"]
        return {"kind": "iri", "iri": iri, "href": local_href(iri, base, root),
                "label": labels.get(iri), "curie": curie(iri, base)}
    if kind == "bnode":
        return {"kind": "bnode", "id": term["value"]}
    dt = term.get("datatype")
    return {"kind": "literal", "value": term["value"], "lang": term.get("xml:lang"),
            "datatype": curie(dt, base) if dt else None}


def _line_ranges(fragments, first: str | None, last: str | None) -> str:
    """'134, 138, 140–142' from RFC 5147 fragments ``line=133,134`` (positions between lines)."""
    ranges = []
    for frag in fragments:
        m = re.fullmatch(r"line=(\d+),(\d+)", frag)
        if m:
            ranges.append((int(m.group(1)) + 1, int(m.group(2))))
    if not ranges and first:
        ranges = [(int(first), int(last or first))]
    ranges.sort()
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def _graph_label(g: str, base: str) -> str:
    return g[len(base) + len("graph/"):] if g.startswith(base + "graph/") else g


async def describe(request: Request, iri: str) -> dict[str, Any]:
    """What templates/resource.html shows about ``iri``."""
    base, root = base_iri(request), root_path(request)
    out_rows = await select(request, "pages", "outgoing", this=iri)
    in_rows = await select(request, "pages", "incoming", this=iri)
    in_count = await select(request, "pages", "incoming-count", this=iri)
    prov_rows = await select(request, "pages", "provenance", this=iri)
    terms_rows = await select(request, "pages", "terms", this=iri) if iri.startswith(base + "def/") else []
    graph_info = None
    if iri.startswith(base + "graph/"):
        size = await select(request, "pages", "graph-size", this=iri)
        class_rows = await select(request, "pages", "graph-classes", this=iri)
        class_labels = Labels()
        for r in class_rows:
            class_labels.add(r["class"], r.get("classLabel"))
        classes: dict[str, int] = OrderedDict()
        for r in class_rows:
            classes.setdefault(r["class"]["value"], int(r["n"]["value"]))
        graph_info = {
            "triples": int(size[0]["n"]["value"]) if size else 0,
            "classes": [{"term": term_view({"type": "uri", "value": c}, class_labels, base, root), "count": n}
                        for c, n in classes.items()],
            "download": f"{root}store?graph={quote(iri, safe='')}",
        }

    labels = Labels()
    for r in out_rows:
        labels.add(r.get("o"), r.get("oLabel"))
        labels.add(r.get("p"), r.get("pLabel"))
        labels.add(r.get("bo"), r.get("boLabel"))
    for r in in_rows:
        labels.add(r.get("s"), r.get("sLabel"))
        labels.add(r.get("p"), r.get("pLabel"))

    view = lambda t: term_view(t, labels, base, root)  # noqa: E731
    own_labels: list[dict] = []
    types: list[dict] = []
    # graph -> predicate -> list of objects (in first-seen order, no duplicates)
    outgoing: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    blank: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    seen: set[tuple] = set()
    quoted: list[str] = []
    own_fragments: set[str] = set()
    for r in out_rows:
        g, p, o = r["g"]["value"], r["p"]["value"], r["o"]
        key = (g, p, o["type"], o["value"], o.get("xml:lang"), o.get("datatype"))
        if key not in seen:
            seen.add(key)
            outgoing[g][p].append(view(o))
            if p == RDF_TYPE and all(t["iri"] != o["value"] for t in types):
                types.append(view(o))
            if p in (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel", PREFIXES["dct"] + "title",
                     PREFIXES["foaf"] + "name") and o["type"] == "literal":
                own_labels.append(o)
        if "bp" in r:  # a part of this resource: a blank node or one of its hash IRIs
            bkey = (o["value"], r["bp"]["value"], r["bo"]["value"], r["bo"].get("xml:lang"))
            if bkey not in seen:
                seen.add(bkey)
                blank[o["value"]][r["bp"]["value"]].append(view(r["bo"]))
                if r["bp"]["value"] == PREFIXES["oa"] + "exact":
                    quoted.append(r["bo"]["value"])
                if r["bp"]["value"] == PREFIXES["rdf"] + "value" and r["bo"]["value"].startswith("line="):
                    own_fragments.add(r["bo"]["value"])

    incoming: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    seen_in: set[tuple] = set()
    for r in in_rows:
        g, p, s = r["g"]["value"], r["p"]["value"], r["s"]
        if (g, p, s["value"]) not in seen_in:
            seen_in.add((g, p, s["value"]))
            incoming[g][p].append(view(s))

    passages: dict[str, dict[str, Any]] = OrderedDict()
    for r in prov_rows:
        p = passages.setdefault(r["passage"]["value"], {
            "passage": view(r["passage"]), "doc": view(r["doc"]) if "doc" in r else None,
            "doc_title": None, "first": r.get("first", {}).get("value"),
            "last": r.get("last", {}).get("value"), "exact": None})
        if "docTitle" in r and (p["doc_title"] is None or r["docTitle"].get("xml:lang") == "ja"):
            p["doc_title"] = r["docTitle"]["value"]
        if "exact" in r:
            p["exact"] = r["exact"]["value"]
        if "fragment" in r:
            p.setdefault("fragments", set()).add(r["fragment"]["value"])
    for p in passages.values():
        p["lines"] = _line_ranges(p.pop("fragments", ()), p["first"], p["last"])

    terms: dict[str, dict[str, Any]] = OrderedDict()
    for r in terms_rows:
        t = terms.setdefault(r["term"]["value"], {"iri": r["term"]["value"], "labels": {}, "definitions": {},
                                                    "types": []})
        t["labels"][r["label"].get("xml:lang", "")] = r["label"]["value"]
        if "definition" in r:
            t["definitions"][r["definition"].get("xml:lang", "")] = r["definition"]["value"]
        if "type" in r and r["type"]["value"] not in t["types"]:
            t["types"].append(r["type"]["value"])
    for t in terms.values():
        t["anchor"] = t["iri"].split("#", 1)[1]
        t["curie"] = curie(t["iri"], base)

    own = Labels()
    for lit in own_labels:
        own.add({"value": iri}, lit)
    title = own.get(iri) or curie(iri, base)
    other_labels, seen_labels = [], {title}
    for lit in own_labels:
        if lit["value"] not in seen_labels:
            seen_labels.add(lit["value"])
            other_labels.append(lit)
    total_in = int(in_count[0]["n"]["value"]) if in_count else 0
    return dict(
        title=title, iri=iri, types=types, other_labels=other_labels,
        outgoing={g: _ordered(ps, base) for g, ps in sorted(outgoing.items())},
        incoming={g: _ordered(ps, base) for g, ps in sorted(incoming.items())},
        incoming_total=total_in, incoming_shown=len(seen_in),
        blank={b: dict(ps) for b, ps in blank.items()}, passages=list(passages.values()),
        terms=list(terms.values()), graph_info=graph_info, quoted=quoted,
        quoted_lines=_line_ranges(own_fragments, None, None), graph_label=lambda g: _graph_label(g, base),
        pred_label=labels.get,
    )


_FIRST = [RDF_TYPE] + [PREFIXES[p.split(":")[0]] + p.split(":")[1] for p in LABEL_PROPS]


def _ordered(props: dict[str, list], base: str) -> dict[str, list]:
    """Type and labels first, then the other properties by their prefixed name."""
    def key(p: str) -> tuple:
        return (_FIRST.index(p), "") if p in _FIRST else (len(_FIRST), curie(p, base))
    return {p: props[p] for p in sorted(props, key=key)}

