"""Substitutions for a remote store: variable → N-Triples term, as ``VALUES`` blocks in the query text.

The terms are parsed by pyoxigraph and written back (N-Triples syntax is valid SPARQL), so no text of
the caller's reaches the query unparsed. A block is inserted at the start of the query's outermost
group pattern and of every sub-SELECT's group through which the variable is projected — so FILTERs and
BINDs there see the value, as with pyoxigraph's ``substitutions=`` (named queries rely on it:
cq-element-child-counts filters on ?kind inside a sub-SELECT). Nothing else in the query text is
changed. A query with no group to put it in (``DESCRIBE <x>``, ``CONSTRUCT WHERE {…}``) gets a
trailing VALUES clause.
"""

from __future__ import annotations
import re
import pyoxigraph as ox
from kgservice.engine.contract import QueryError
from kgservice.engine.sparqltext import FORMS, tokens


def parse_term(text: str) -> ox.NamedNode | ox.Literal:
    """One IRI or literal from its N-Triples syntax (parsed, never pasted as given)."""
    try:
        quads = list(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise QueryError("bad_request", f"invalid term {text!r}: {exc}") from None
    if len(quads) != 1 or isinstance(quads[0].object, ox.BlankNode):
        raise QueryError("bad_request", f"not one IRI or literal: {text!r}")
    return quads[0].object


def values_block(substitutions: dict[str, str], names: list[str] | None = None) -> str:
    """``VALUES (?a ?b) { (<x> "y"@ja) }`` from variable names and N-Triples terms. The terms are
    written back by pyoxigraph (N-Triples syntax is valid SPARQL), so no text of the caller's reaches
    the query unparsed."""
    names = list(substitutions) if names is None else names
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError("bad_request", f"invalid variable name {name!r}")
    terms = [str(parse_term(substitutions[n])) for n in names]
    return "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(terms) + ") }"


def _projection(toks: list, i: int) -> tuple[set[str] | None, int]:
    """Variables a SELECT at token ``i`` projects as themselves (None for ``*``), and the index of its
    group's ``{``. ``(expr AS ?v)`` is not a plain projection: ?v is computed, not bound inside."""
    names: set[str] = set()
    star = False
    depth = 0
    j = i + 1
    while j < len(toks):
        t = toks[j]
        if t.kind == "punct" and t.text == "{" and depth == 0:
            break
        if t.kind == "punct" and t.text in "()":
            depth += 1 if t.text == "(" else -1
        elif t.kind == "punct" and t.text == "*" and depth == 0:
            star = True
        elif t.kind == "var" and depth == 0:
            names.add(t.text[1:])
        j += 1
    return (None if star else names), j


def bind_values(query: str, substitutions: dict[str, str] | None, every_group: bool = True) -> str:
    """The query with VALUES blocks binding the substitutions (see the module doc).

    As pyoxigraph's ``substitutions=`` do, a variable is bound in the outermost group and in every
    sub-SELECT through which it is projected (plainly, or by ``*``), however deep; a sub-SELECT that
    does not project it has its own, unrelated variable of that name and is left alone.
    ``every_group=False`` binds in those groups only (not in OPTIONAL/UNION/EXISTS/GRAPH groups): for
    Virtuoso, whose optimiser gives up on VALUES in nested groups ("estimated execution time … exceeds
    the limit") and which evaluates OPTIONAL with the outer bindings anyway.
    """
    if not substitutions:
        return query
    values_block(substitutions)  # validates every name and term up front
    toks = tokens(query)
    form_at = next((i for i, t in enumerate(toks) if t.keyword in FORMS), None)
    if form_at is None:
        raise QueryError("bad_request", "not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    everything = list(substitutions)
    i = form_at + 1
    if toks[form_at].keyword == "CONSTRUCT":
        if i < len(toks) and toks[i].keyword == "WHERE":
            return f"{query}\n{values_block(substitutions)}\n"  # short form: the pattern is the template
        if i < len(toks) and toks[i].text == "{":  # skip the template
            depth = 0
            while i < len(toks):
                depth += {"{": 1, "}": -1}.get(toks[i].text, 0) if toks[i].kind == "punct" else 0
                i += 1
                if depth == 0:
                    break
    while i < len(toks) and not (toks[i].kind == "punct" and toks[i].text == "{"):
        i += 1
    if i == len(toks):
        return f"{query}\n{values_block(substitutions)}\n"  # DESCRIBE <x> without a pattern
    inserts: list[tuple[int, list[str]]] = []
    # Walk the pattern from its first "{": a stack of open braces, each with the names bound in its
    # scope. Every group gets a VALUES block (OPTIONAL, UNION, GRAPH, EXISTS groups too: they are
    # evaluated on their own, and a substituted variable is a constant inside them as well), except
    # a group whose only content is a sub-SELECT (no room in the grammar) and VALUES data blocks.
    stack: list[list[str]] = []
    pending: list[str] | None = everything  # names for the next group opened
    values_data = False  # the next "{" opens the data block of a VALUES clause
    j = i
    while j < len(toks):
        t = toks[j]
        if t.keyword == "SELECT" and stack:
            projected, brace = _projection(toks, j)
            pending = [n for n in stack[-1] if projected is None or n in projected]
            j = brace
            continue
        if t.keyword == "VALUES":
            values_data = True
        elif t.kind == "punct" and t.text == "{":
            if values_data:  # skip the data block whole
                depth = 0
                while j < len(toks):
                    if toks[j].kind == "punct" and toks[j].text in "{}":
                        depth += 1 if toks[j].text == "{" else -1
                        if depth == 0:
                            break
                    j += 1
                values_data = False
            else:
                scope_group = pending is not None
                names = pending if pending is not None else stack[-1]
                pending = None
                stack.append(names)
                nxt = toks[j + 1] if j + 1 < len(toks) else None
                if names and (every_group or scope_group) and not (nxt is not None and nxt.keyword == "SELECT"):
                    inserts.append((t.offset + 1, names))
        elif t.kind == "punct" and t.text == "}":
            stack.pop()
            if not stack:
                break  # the end of the query's pattern: solution modifiers follow
        j += 1
    out = query
    for offset, names in sorted(inserts, reverse=True):
        out = f"{out[:offset]} {values_block(substitutions, names)}\n{out[offset:]}"
    return out
