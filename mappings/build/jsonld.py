"""JSON-LD of RDF triples or quads, shaped as JSON-LD processors shape it, against the project's
published context (ontology/context/v1.jsonld, served at ``{base}ns/context/v1.jsonld``).

The context defines prefixes only (no term coercion), so the JSON-LD 1.1 API's algorithms reduce
to what is written here, and ``pyld.jsonld.compact(expanded, context)`` gives the same document
(tests/test_clients_jsonld.py checks it):

- expanded (``expanded``): one node object per subject, ``@type`` for rdf:type (the API's
  RDF-to-object conversion with ``useRdfType`` false), every value in an array;
- compacted (``compacted``): the same nodes with IRIs as compact IRIs (the shortest, then the
  lexicographically least, with a non-empty suffix), ``xsd:string`` values as plain strings, single
  values out of their arrays, and ``@graph`` when there is more than one node;
- flattened (``flattened``): compacted, always under ``@graph``.

Named graphs become ``{"@id": graph, "@graph": [...]}`` nodes (a dataset, as in the dumps).

The /id/ pages reference the context by its IRI (JSON-LD tools fetch and cache it); the dump carries
the same definitions inline, so a downloaded file reads offline (pyoxigraph, for one, loads no
remote context).
"""

from __future__ import annotations
import json
from pathlib import Path
from typing import Any, Iterable, TextIO
import pyoxigraph as ox

CONTEXT_FILE = Path("context") / "v1.jsonld"  # under the ontology folder
CONTEXT_PATH = "ns/context/v1.jsonld"  # under the base IRI, where the service serves it
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
PROFILES = ("expanded", "compacted", "flattened")
GEN_DELIMS = ":/?#[]@"

Node = dict[str, Any]


def load_context(ontology_dir: Path) -> dict[str, str]:
    """The term definitions of the published context (the object under its ``@context``)."""
    return json.loads((ontology_dir / CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]


def context_iri(base_iri: str) -> str:
    return base_iri + CONTEXT_PATH


class Shaper:
    """Turns pyoxigraph triples/quads into JSON-LD of one profile, referencing the context by IRI."""

    def __init__(self, context: dict[str, str], context_ref: str | dict[str, str]) -> None:
        # a term can prefix a compact IRI when its IRI ends in a gen-delim (JSON-LD 1.1 §4.4); the
        # terms are indexed by that IRI, so an IRI is compacted by a look-up at each of its gen-delims
        self.prefixes: dict[str, list[str]] = {}
        for term, iri in context.items():
            if isinstance(iri, str) and iri[-1:] in GEN_DELIMS:
                self.prefixes.setdefault(iri, []).append(term)
        self.context_ref = context_ref  # the value of "@context": the context's IRI, or its definitions

    def compact_iri(self, iri: str) -> str:
        best = None
        for end, char in enumerate(iri[:-1], 1):
            if char in GEN_DELIMS and (terms := self.prefixes.get(iri[:end])):
                for term in terms:
                    candidate = f"{term}:{iri[end:]}"
                    if best is None or (len(candidate), candidate) < (len(best), best):
                        best = candidate
        return best or iri

    # --- one node ---------------------------------------------------------------------------

    def _ref(self, term: Any, compact: bool) -> str:
        text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value
        return self.compact_iri(text) if compact and not isinstance(term, ox.BlankNode) else text

    def _value(self, term: Any, compact: bool) -> Any:
        if not isinstance(term, ox.Literal):
            return {"@id": self._ref(term, compact)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return term.value if compact else {"@value": term.value}
        return {"@value": term.value, "@type": self.compact_iri(datatype) if compact else datatype}

    def nodes(self, triples: Iterable[Any], compact: bool) -> list[Node]:
        """Node objects of the triples (quads' graphs ignored), in first-seen subject order."""
        out: dict[str, Node] = {}
        for t in triples:
            node = out.setdefault(self._ref(t.subject, False), {"@id": self._ref(t.subject, compact)})
            if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
                key, value = "@type", self._ref(t.object, compact)
            else:
                key, value = (self.compact_iri(t.predicate.value) if compact else t.predicate.value,
                              self._value(t.object, compact))
            values = node.setdefault(key, [])
            if value not in values:
                values.append(value)
        if compact:
            for node in out.values():
                for key, values in node.items():
                    if isinstance(values, list) and len(values) == 1:
                        node[key] = values[0]
        return list(out.values())

    # --- documents --------------------------------------------------------------------------

    def document(self, triples: Iterable[Any], profile: str = "compacted") -> Any:
        """A JSON-LD document of one graph in ``profile`` (one of PROFILES)."""
        if profile not in PROFILES:
            raise ValueError(f"unknown JSON-LD profile {profile!r}")
        if profile == "expanded":
            return self.nodes(triples, compact=False)
        nodes = self.nodes(triples, compact=True)
        if profile == "compacted" and len(nodes) == 1:
            return {"@context": self.context_ref, **nodes[0]}
        return {"@context": self.context_ref, "@graph": nodes}

    def write_dataset(self, graphs: Iterable[tuple[Any, Iterable[Any]]], out: TextIO) -> None:
        """The compacted JSON-LD of a dataset, one named graph at a time: ``graphs`` yields
        (graph name, its quads); only one graph's nodes are held at once."""
        out.write(json.dumps({"@context": self.context_ref}, ensure_ascii=False)[:-1] + ', "@graph": [')
        for i, (name, quads) in enumerate(graphs):
            graph = {"@id": self._ref(name, True), "@graph": self.nodes(quads, compact=True)}
            out.write((",\n" if i else "\n") + json.dumps(graph, ensure_ascii=False))
        out.write("\n]}\n")


def write_dump(store: ox.Store, path: Path, ontology_dir: Path) -> None:
    """The compacted JSON-LD dump of the store's named graphs (not the merge), its context inline."""
    context = load_context(ontology_dir)
    shaper = Shaper(context, context)
    graphs = ((g, store.quads_for_pattern(None, None, None, g)) for g in sorted(store.named_graphs(), key=str))
    with path.open("w", encoding="utf-8") as out:
        shaper.write_dataset(graphs, out)
