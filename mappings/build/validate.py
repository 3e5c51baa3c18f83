"""The SHACL gate: the mapped graph against ontology/shapes.ttl.

The core constraints run in pyshacl-turbo (a Rust SHACL engine behind pySHACL's API) over the
N-Quads of the graph, validated as the union of its graphs. Each SHACL-SPARQL constraint
(``sh:sparql``) runs once as a pyoxigraph query over all its focus nodes: where SHACL pre-binds
``$this`` to one focus node at a time, the shape's targets are joined in instead. Run per focus
node, those eight queries took most of the validation time. pySHACL is the reference the
results are compared with (tests/test_validate.py).
"""

from __future__ import annotations
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
import pyoxigraph as ox
from pyshacl_turbo import validate as turbo_validate
from pyshacl_turbo.rdf import Input
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from mappings.vocabulary import SH



@dataclass(frozen=True)
class ShaclViolation:
    focus: str
    shape: str
    path: str
    message: str
    value: str

    def describe(self, origin: dict) -> str:
        """The violation with the record the focus node was read from, when known."""
        record = origin.get(URIRef(self.focus), "no record (derived node)")
        return (f"{record}: focus <{self.focus}> path {self.path or '-'} value {self.value or '-'}: "
                f"{self.message} [shape {self.shape}]")

    def __str__(self) -> str:
        return self.describe({})


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, as a query over all of the shape's focus nodes."""

    shape: str
    query: str
    message: str

    def violations(self, store: ox.Store) -> list[ShaclViolation]:
        solutions = store.query(self.query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows = {tuple((n, t.value) for n, t in zip(names, row) if t is not None) for row in solutions}
        return [self._violation(dict(row)) for row in rows]

    def _violation(self, bound: dict[str, str]) -> ShaclViolation:
        """As pySHACL: focus $this, value ?value or else the focus, path ?path, {?var} in the message filled."""
        message = re.sub(r"\{[?$](\w+)\}", lambda m: bound.get(m.group(1), m.group(0)), self.message)
        return ShaclViolation(bound["this"], self.shape, bound.get("path", ""), message, bound.get("value", bound["this"]))


def load_shapes(shapes_path: Path) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes without their SHACL-SPARQL constraints, and those constraints as whole-graph queries."""
    shapes = Graph().parse(shapes_path, format="turtle")
    constraints = []
    for shape, node in list(shapes.subject_objects(SH.sparql)):
        query, message = str(shapes.value(node, SH.select)), str(shapes.value(node, SH.message))
        prefixes = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                           for p in shapes.objects(node, SH.prefixes) for d in shapes.objects(p, SH.declare))
        failing = ((node, SH.deactivated, Literal(True)) not in shapes  # else its results fail nothing
                   and shapes.value(shape, SH.severity, default=SH.Violation) == SH.Violation)
        shapes.remove((shape, SH.sparql, node))
        shapes.remove((node, None, None))
        if not failing:
            continue
        where = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
        if where is None:
            raise ValueError(f"sh:select of {shape} has no WHERE clause")
        select = f"{query[:where.end()]} {{ {_focus_nodes(shapes, shape)} }}{query[where.end():]}"
        constraints.append(SparqlConstraint(str(shape), prefixes + select, message))
    return shapes, constraints


def _focus_nodes(shapes: Graph, shape: URIRef) -> str:
    """A sub-select of the focus nodes of ``shape``'s targets (SHACL 2.1.3) as ``?this``."""
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.append(shape)  # implicit class target
    patterns = [f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{c}> }}" for c in classes]
    patterns += [f"{{ ?this <{p}> ?any }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"{{ ?any <{p}> ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    patterns += [f"{{ VALUES ?this {{ {n.n3()} }} }}" for n in shapes.objects(shape, SH.targetNode)]
    if not patterns:
        raise ValueError(f"the SHACL-SPARQL shape {shape} has no target")
    return "SELECT DISTINCT ?this WHERE { " + " UNION ".join(patterns) + " }"


def validate_graph(nquads: str, store: ox.Store, shapes_path: Path,
                   focus: list[str] | None = None) -> list[ShaclViolation]:
    """Every sh:Violation of the graph (warnings and infos are not failures); with ``focus`` (IRIs), only
    those nodes are validated by the core constraints (SHACL's focus nodes; the others are not reported).

    ``nquads`` and ``store`` hold the same quads: the core constraints read the text, the
    SHACL-SPARQL constraints query the store. (The mapping writes every literal in the form the store
    keeps it: tests/test_build.py checks that the two hold the same literals.)
    """
    shapes, constraints = load_shapes(shapes_path)
    data = Input(nquads, "nquads", None, {})
    conforms, report, _ = turbo_validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                         allow_warnings=True, focus_nodes=focus)
    out = [] if conforms else [_violation(report, r) for r in report.subjects(SH.resultSeverity, SH.Violation)]
    for constraint in constraints:
        out.extend(constraint.violations(store))
    return sorted(out, key=lambda v: (v.focus, v.shape, v.path))


def _violation(report: Graph, result) -> ShaclViolation:
    def one(prop):
        value = report.value(result, prop)
        return "" if value is None else str(value)
    return ShaclViolation(one(SH.focusNode), one(SH.sourceShape), one(SH.resultPath),
                          one(SH.resultMessage), one(SH.value))


# --- validating a part of the graph ---------------------------------------------------------------
# Every constraint of ontology/shapes.ttl reads at most HOPS steps from its focus node, each step forward
# along a property or back along a predicate the shapes name in sh:inversePath; so a part of the graph that
# holds, for each of its focus nodes, every triple of every node within HOPS such steps (and the ontology,
# for the class hierarchy) gives those focus nodes the verdict of the whole graph. Nodes of the part
# further out may lack triples: their violations are not kept.
HOPS = 3


@lru_cache(maxsize=4)
def inverse_steps(shapes_path: Path) -> tuple[ox.NamedNode, ...]:
    """The predicates the shapes follow backwards (``sh:inversePath``: a description's foaf:primaryTopic,
    a parent's dct:hasPart, a calendar month's time:inside): a part holds those triples of its nodes
    too, or a node whose subject went to another part would lack them (at N=1,741 the reference graph
    is cut into parts, and its instants lost their calendar months)."""
    shapes = Graph().parse(shapes_path, format="turtle")
    return tuple(sorted({ox.NamedNode(str(p)) for p in shapes.objects(None, SH.inversePath)
                         if isinstance(p, URIRef)}, key=str))


def validate_part(store: ox.Store, focus: set, shapes_path: Path, ontology: ox.NamedNode,
                  skip_graphs: frozenset = frozenset()) -> list[ShaclViolation]:
    """The violations of the nodes ``focus`` (whole-graph verdicts), from a part cut out of ``store``'s
    named graphs (``skip_graphs``: graphs the gate does not see, e.g. materialised closures)."""
    text, reached = neighbourhood(store, focus, ontology, inverse_steps(shapes_path), skip_graphs)
    part = ox.Store()
    part.bulk_extend(ox.parse(text, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    keep = {n.value for n in focus}
    # Naming the focus nodes costs pyshacl-turbo more a node than validating every node does; it pays
    # only where the part's nodes further out (their violations dropped) outnumber its own, as in a
    # part of link nodes, which reach into many documents. Blank nodes have no name to pass.
    named = (sorted(keep) if len(reached) > 2 * len(focus)
             and not any(isinstance(n, ox.BlankNode) for n in focus) else None)
    return [v for v in validate_graph(text.decode("utf-8"), part, shapes_path, named) if v.focus in keep]


NEIGHBOURS_BATCH = 5_000  # nodes named in one query (VALUES)


def neighbourhood(store: ox.Store, focus: set, ontology: ox.NamedNode, inverse: tuple[ox.NamedNode, ...],
                  skip_graphs: frozenset = frozenset()) -> tuple[bytes, set]:
    """The ontology's triples and every triple of every node within HOPS steps of ``focus`` (in the named
    graphs but ``skip_graphs``), as N-Triples, and the nodes reached. A step goes from a node to the
    objects of its triples and to the subjects of its ``inverse`` triples. The engine writes the
    triples, and the forward steps are read from what it wrote: a query of its own for them cost more than
    the description (N=200, a part of 50 k nodes: 4.0 s against 2.9 s)."""
    chunks = [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ontology)]
    seen, frontier = set(focus), set(focus)
    for hop in range(HOPS + 1):
        frontier -= skip_graphs
        reached: set = set()
        named = sorted((n for n in frontier if isinstance(n, ox.NamedNode)), key=str)
        for i in range(0, len(named), NEIGHBOURS_BATCH):
            values = " ".join(map(str, named[i:i + NEIGHBOURS_BATCH]))
            chunks.append(store.query(_DESCRIBE.format(values=values, graphs=_graphs_filter(skip_graphs)))
                          .serialize(format=ox.RdfFormat.N_TRIPLES))
            if hop < HOPS:
                reached.update(t.object for t in ox.parse(chunks[-1], format=ox.RdfFormat.N_TRIPLES,
                                                          rename_blank_nodes=False)
                               if not isinstance(t.object, ox.Literal))
        blank = [n for n in frontier if isinstance(n, ox.BlankNode)]  # no name to put in a query
        if blank:
            quads = [q for n in blank for q in _description(store, n, skip_graphs)]
            chunks.append(ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                                       format=ox.RdfFormat.N_TRIPLES))
            if hop < HOPS:
                reached.update(q.object for q in quads if not isinstance(q.object, ox.Literal))
        if hop < HOPS:  # backwards: a pattern lookup each, half the time of a query over the batch
            reached.update(q.subject for n in frontier if not isinstance(n, ox.Literal) for p in inverse
                           for q in store.quads_for_pattern(None, p, n, None) if _seen_by_gate(q, skip_graphs))
        frontier = reached - seen
        seen |= reached
    return b"".join(chunks), seen


_DESCRIBE = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} {graphs} }}"


def _graphs_filter(skip_graphs: frozenset) -> str:
    return f"FILTER(?g NOT IN ({', '.join(sorted(map(str, skip_graphs)))}))" if skip_graphs else ""


def validate_parts(store_dir: Path, parts: list[set], shapes_path: Path, ontology: ox.NamedNode,
                   workers: int) -> list[ShaclViolation]:
    """``validate_part`` of each part, in ``workers`` processes reading the (flushed) store at ``store_dir``
    read-only: the parts are independent, and each is CPU-bound in one process."""
    if workers <= 1 or len(parts) <= 1:
        store = ox.Store.read_only(str(store_dir))
        return [v for part in parts for v in validate_part(store, part, shapes_path, ontology)]
    jobs = [[(isinstance(n, ox.BlankNode), n.value) for n in part] for part in parts]
    context = multiprocessing.get_context("spawn")  # a fork would share the writer's open database
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_open_read_only,
                             initargs=(str(store_dir),)) as pool:
        done = pool.map(_validate_job, jobs, [shapes_path] * len(jobs), [ontology.value] * len(jobs))
        return [v for violations in done for v in violations]


_READ_ONLY: list[ox.Store] = []  # the store a worker process of validate_parts reads


def _open_read_only(store_dir: str) -> None:
    _READ_ONLY.append(ox.Store.read_only(store_dir))


def _validate_job(focus: list[tuple[bool, str]], shapes_path: Path, ontology: str) -> list[ShaclViolation]:
    nodes = {ox.BlankNode(value) if blank else ox.NamedNode(value) for blank, value in focus}
    return validate_part(_READ_ONLY[0], nodes, shapes_path, ox.NamedNode(ontology))


def reaching(store: ox.Store, nodes: set, inverse: tuple[ox.NamedNode, ...],
             skip_graphs: frozenset = frozenset()) -> set:
    """The nodes from which one of ``nodes`` is within HOPS steps (the steps of ``neighbourhood``, reversed)."""
    seen, frontier = set(nodes), set(nodes)
    for _ in range(HOPS):
        reached = set()
        for node in frontier:
            reached.update(q.subject for q in store.quads_for_pattern(None, None, node, None)
                           if _seen_by_gate(q, skip_graphs))
            if not isinstance(node, ox.Literal):
                reached.update(q.object for p in inverse for q in store.quads_for_pattern(node, p, None, None)
                               if _seen_by_gate(q, skip_graphs))
        frontier = reached - seen
        seen |= reached
    return seen


def _description(store: ox.Store, node, skip_graphs: frozenset) -> list[ox.Quad]:
    """Every triple of ``node`` in the named graphs the gate sees."""
    if isinstance(node, ox.Literal):
        return []
    return [q for q in store.quads_for_pattern(node, None, None, None)
            if _seen_by_gate(q, skip_graphs) and q.subject not in skip_graphs]


def _seen_by_gate(quad: ox.Quad, skip_graphs: frozenset) -> bool:
    """In a named graph the gate reads: not the merge (the default graph), not a skipped graph."""
    return not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name not in skip_graphs
