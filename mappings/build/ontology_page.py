"""Generate ontology/index.html, the human page of the ontology, from the Turtle files.

``python -m mappings.build.ontology_page`` reads ontology/mplan.ttl and ontology/codelists.ttl and writes
ontology/index.html: one self-contained page (inline CSS, no external assets) with the ontology's
metadata, its alignments, tables of classes, properties and data structures, and the code lists.
The output is deterministic (everything sorted), so a test can regenerate it and compare.
"""

from __future__ import annotations
import sys
from dataclasses import dataclass
from pathlib import Path
import jinja2
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from mappings.vocabulary import MPLAN, ONTOLOGY_IRI, PREFIXES, QB

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"

PROPERTY_KINDS = {
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.TransitiveProperty: "transitive",
    URIRef(QB + "DimensionProperty"): "qb dimension",
    URIRef(QB + "MeasureProperty"): "qb measure",
    URIRef(QB + "AttributeProperty"): "qb attribute",
    URIRef(QB + "CodedProperty"): "coded",
}


def curie(term) -> str:
    """A prefixed name for an IRI, or the IRI itself when no prefix fits."""
    text = str(term)
    best = max((ns for ns in PREFIXES.values() if text.startswith(ns)), key=len, default=None)
    if best is None:
        return text
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{text[len(best):]}"


def lang_value(graph: Graph, subject, predicate, lang: str) -> str:
    values = sorted(str(o) for o in graph.objects(subject, predicate)
                    if isinstance(o, Literal) and o.language == lang)
    return " / ".join(values)


def plain_values(graph: Graph, subject, predicate) -> list[str]:
    return sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def class_expression(graph: Graph, node) -> str:
    """A readable form of a class: a prefixed name or 'A ∪ B' for an owl:unionOf."""
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        if members is not None:
            return " ∪ ".join(curie(m) for m in Collection(graph, members))
        return "(anonymous class)"
    return curie(node)


@dataclass
class Term:
    iri: str
    name: str
    label_ja: str
    label_en: str
    definition_ja: str
    definition_en: str
    examples: list[str]
    kinds: list[str]
    supers: list[str]
    domain: list[str]
    range: list[str]
    inverse: list[str]
    matches: list[str]
    comments: list[str]


def describe(graph: Graph, subject: URIRef) -> Term:
    kinds = sorted(k for t, k in PROPERTY_KINDS.items() if (subject, RDF.type, t) in graph)
    supers = sorted(curie(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in graph.objects(subject, p))
    matches = sorted(
        f"{kind} {curie(o)}"
        for kind, p in (("closeMatch", SKOS.closeMatch), ("relatedMatch", SKOS.relatedMatch))
        for o in graph.objects(subject, p)
    ) + sorted(str(note) for note in graph.objects(subject, SKOS.scopeNote) if str(note).startswith("BMM "))
    return Term(
        iri=str(subject),
        name=curie(subject),
        label_ja=lang_value(graph, subject, RDFS.label, "ja"),
        label_en=lang_value(graph, subject, RDFS.label, "en"),
        definition_ja=lang_value(graph, subject, SKOS.definition, "ja"),
        definition_en=lang_value(graph, subject, SKOS.definition, "en"),
        examples=plain_values(graph, subject, SKOS.example),
        kinds=kinds,
        supers=supers,
        domain=sorted(class_expression(graph, o) for o in graph.objects(subject, RDFS.domain)),
        range=sorted(class_expression(graph, o) for o in graph.objects(subject, RDFS.range)),
        inverse=sorted(curie(o) for o in graph.objects(subject, OWL.inverseOf)),
        matches=matches,
        comments=plain_values(graph, subject, RDFS.comment),
    )


def minted(graph: Graph, rdf_type) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, rdf_type)
                  if isinstance(s, URIRef) and str(s).startswith(MPLAN))


def structures(graph: Graph) -> list[dict]:
    out = []
    # data structure definitions, then slice keys (the dimensions a slice fixes)
    for dsd in minted(graph, URIRef(QB + "DataStructureDefinition")) + minted(graph, URIRef(QB + "SliceKey")):
        components = [{"role": "fixed dimension", "property": curie(prop), "order": 0, "required": ""}
                      for prop in graph.objects(dsd, URIRef(QB + "componentProperty"))]
        for spec in graph.objects(dsd, URIRef(QB + "component")):
            for role in ("dimension", "measure", "attribute"):
                prop = graph.value(spec, URIRef(QB + role))
                if prop is not None:
                    order = graph.value(spec, URIRef(QB + "order"))
                    required = graph.value(spec, URIRef(QB + "componentRequired"))
                    components.append({
                        "role": role, "property": curie(prop),
                        "order": int(order) if order is not None else 99,
                        "required": "" if required is None else str(required.toPython()).lower(),
                    })
        rank = {"fixed dimension": 0, "dimension": 0, "measure": 1, "attribute": 2}
        components.sort(key=lambda c: (rank[c["role"]], c["order"], c["property"]))
        out.append({"term": describe(graph, dsd), "components": components})
    return out


def code_lists(graph: Graph) -> list[dict]:
    schemes = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        concepts = []
        for concept in sorted(graph.subjects(SKOS.inScheme, scheme)):
            concepts.append({
                "iri": str(concept),
                "notation": str(graph.value(concept, SKOS.notation) or ""),
                "label_ja": lang_value(graph, concept, SKOS.prefLabel, "ja"),
                "label_en": lang_value(graph, concept, SKOS.prefLabel, "en"),
                "alt": " / ".join(plain_values(graph, concept, SKOS.altLabel)),
                "definition_ja": lang_value(graph, concept, SKOS.definition, "ja"),
                "definition_en": lang_value(graph, concept, SKOS.definition, "en"),
                "see_also": sorted(curie(o) for o in graph.objects(concept, RDFS.seeAlso)),
            })
        schemes.append({
            "iri": str(scheme),
            "name": curie(scheme),
            "label_ja": lang_value(graph, scheme, SKOS.prefLabel, "ja"),
            "label_en": lang_value(graph, scheme, SKOS.prefLabel, "en"),
            "definition_en": lang_value(graph, scheme, SKOS.definition, "en"),
            "concepts": concepts,
        })
    return schemes


TEMPLATE = jinja2.Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ meta.title_en }} ({{ meta.version }})</title>
<style>
body { font-family: system-ui, "Hiragino Sans", "Noto Sans JP", sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; line-height: 1.5; color: #222; }
h1 { margin-bottom: 0; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 1rem 0; }
th, td { border: 1px solid #ddd; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f4f4f4; } tr:target { background: #fff8d0; }
code { font-size: 0.85rem; word-break: break-all; } td:first-child code { word-break: normal; white-space: nowrap; } .ex { font-size: 0.8rem; color: #444; white-space: pre-wrap; }
dl.meta dt { font-weight: bold; float: left; width: 9rem; clear: left; } dl.meta dd { margin-left: 10rem; }
.note { font-size: 0.85rem; color: #333; }
</style>
</head>
<body>
<h1>{{ meta.title_en }}</h1>
<p lang="ja">{{ meta.title_ja }}</p>
<dl class="meta">
<dt>IRI</dt><dd><code>{{ meta.iri }}</code></dd>
<dt>Version</dt><dd>{{ meta.version }} (<code>{{ meta.version_iri }}</code>)</dd>
<dt>Namespace</dt><dd><code>{{ meta.namespace }}</code> (prefix <code>mplan</code>); code lists under <code>https://plankg.org/def/code/</code></dd>
<dt>License</dt><dd><a href="{{ meta.license }}">{{ meta.license }}</a></dd>
<dt>Creator</dt><dd>{{ meta.creator }}</dd>
</dl>
<p>{{ meta.description_en }}</p>
<p lang="ja">{{ meta.description_ja }}</p>
<p>Contents: <a href="#alignments">Alignments</a> · <a href="#classes">Classes ({{ classes|length }})</a> ·
<a href="#properties">Properties ({{ properties|length }})</a> · <a href="#structures">Data structures ({{ dsds|length }})</a> ·
<a href="#codelists">Code lists ({{ schemes|length }})</a></p>

<h2 id="alignments">Alignments</h2>
<p class="note">{{ meta.alignment_note }}</p>
<table>
<tr><th>term</th><th>match</th><th>why</th></tr>
{% for t in aligned %}<tr><td><a href="#{{ t.name }}"><code>{{ t.name }}</code></a></td><td>{% for m in t.matches %}<code>{{ m }}</code><br>{% endfor %}</td><td class="note">{{ t.comments|join(" ") }}</td></tr>
{% endfor %}</table>

<h2 id="classes">Classes</h2>
<table>
<tr><th>class</th><th>label</th><th>definition</th><th>super-classes</th><th>example</th></tr>
{% for t in classes %}<tr id="{{ t.name }}"><td><code>{{ t.name }}</code></td><td><span lang="ja">{{ t.label_ja }}</span><br>{{ t.label_en }}</td>
<td><span lang="ja">{{ t.definition_ja }}</span><br>{{ t.definition_en }}</td><td>{% for s in t.supers %}<code>{{ s }}</code><br>{% endfor %}</td>
<td class="ex">{{ t.examples|join("\n") }}</td></tr>
{% endfor %}</table>

<h2 id="properties">Properties</h2>
<table>
<tr><th>property</th><th>label</th><th>definition</th><th>kind</th><th>domain → range</th><th>super-properties, inverse</th><th>example</th></tr>
{% for t in properties %}<tr id="{{ t.name }}"><td><code>{{ t.name }}</code></td><td><span lang="ja">{{ t.label_ja }}</span><br>{{ t.label_en }}</td>
<td><span lang="ja">{{ t.definition_ja }}</span><br>{{ t.definition_en }}</td><td>{{ t.kinds|join(", ") }}</td>
<td><code>{{ t.domain|join(", ") or "–" }}</code> → <code>{{ t.range|join(", ") or "–" }}</code></td>
<td>{% for s in t.supers %}<code>⊑ {{ s }}</code><br>{% endfor %}{% for s in t.inverse %}<code>inverse {{ s }}</code><br>{% endfor %}</td>
<td class="ex">{{ t.examples|join("\n") }}</td></tr>
{% endfor %}</table>

<h2 id="structures">Data structures (RDF Data Cube)</h2>
{% for d in dsds %}<h3 id="{{ d.term.name }}"><code>{{ d.term.name }}</code> — {{ d.term.label_en }} / <span lang="ja">{{ d.term.label_ja }}</span></h3>
<p>{{ d.term.definition_en }}</p>
<p lang="ja">{{ d.term.definition_ja }}</p>
<table><tr><th>component</th><th>property</th><th>order</th><th>required</th></tr>
{% for c in d.components %}<tr><td>{{ c.role }}</td><td><code>{{ c.property }}</code></td><td>{{ "" if c.order == 99 else c.order }}</td><td>{{ c.required }}</td></tr>
{% endfor %}</table>
<p class="ex">{{ d.term.examples|join("\n") }}</p>
{% endfor %}

<h2 id="codelists">Code lists</h2>
{% for s in schemes %}<h3 id="{{ s.name }}"><code>{{ s.name }}</code> — {{ s.label_en }} / <span lang="ja">{{ s.label_ja }}</span></h3>
<p>{{ s.definition_en }}</p>
{% if s.concepts %}<table><tr><th>notation</th><th>label</th><th>definition</th><th>IRI</th></tr>
{% for c in s.concepts %}<tr><td><code>{{ c.notation }}</code></td><td><span lang="ja">{{ c.label_ja }}</span>{% if c.alt %} ({{ c.alt }}){% endif %}<br>{{ c.label_en }}</td>
<td><span lang="ja">{{ c.definition_ja }}</span><br>{{ c.definition_en }}{% for a in c.see_also %}<br>see <code>{{ a }}</code>{% endfor %}</td><td><code>{{ c.iri }}</code></td></tr>
{% endfor %}</table>{% else %}<p class="note">Its concepts are minted from the data when the graph is built.</p>{% endif %}
{% endfor %}
<p class="note">Generated from ontology/mplan.ttl and ontology/codelists.ttl by <code>python -m mappings.build.ontology_page</code>; do not edit by hand.</p>
</body>
</html>
""",
    autoescape=True,
    keep_trailing_newline=True,
)


def render(ontology_dir: Path = ONTOLOGY_DIR) -> str:
    graph = Graph()
    graph.parse(ontology_dir / "mplan.ttl", format="turtle")
    codes = Graph()
    codes.parse(ontology_dir / "codelists.ttl", format="turtle")
    ont = ONTOLOGY_IRI
    comments = plain_values(graph, ont, RDFS.comment)
    meta = {
        "iri": str(ont),
        "title_en": lang_value(graph, ont, DCTERMS.title, "en"),
        "title_ja": lang_value(graph, ont, DCTERMS.title, "ja"),
        "description_en": lang_value(graph, ont, DCTERMS.description, "en"),
        "description_ja": lang_value(graph, ont, DCTERMS.description, "ja"),
        "version": str(graph.value(ont, OWL.versionInfo)),
        "version_iri": str(graph.value(ont, OWL.versionIRI)),
        "license": str(graph.value(ont, DCTERMS.license)),
        "creator": ", ".join(plain_values(graph, ont, DCTERMS.creator)),
        "namespace": MPLAN,
        "alignment_note": " ".join(comments),
    }
    classes = [describe(graph, c) for c in minted(graph, OWL.Class)]
    property_iris = sorted({p for t in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in minted(graph, t)})
    properties = [describe(graph, p) for p in property_iris]
    aligned = [t for t in classes + properties if t.matches]
    return TEMPLATE.render(meta=meta, classes=classes, properties=properties, aligned=aligned,
                           dsds=structures(graph), schemes=code_lists(codes))


def main(argv: list[str] | None = None) -> int:
    out = ONTOLOGY_DIR / "index.html"
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
