"""Query files: a SPARQL query under a ``#+`` YAML header, read, checked and described.

A file is a SPARQL query preceded by a grlc-style header: lines starting with ``#+``
that together are YAML (see queries/README.md)::

    #+ summary: Elements of a plan
    #+ parameters:
    #+   - name: plan
    #+     type: iri
    #+     required: true
    #+ example: {plan: "https://plankg.org/id/plan/mito-comprehensive-plan-6"}
    SELECT ?plan ?element ?elementLabel WHERE { ?element mplan:inPlan ?plan … }

``load_query_file(path)`` reads one file into a ``NamedQuery``; ``load_queries(folder)`` reads the
``*.rq`` files directly in the folder (not its subfolders: ``queries/*.rq`` are the API's operations,
files in subfolders such as ``queries/pages/`` are loaded by their users with ``load_query_file``).
Parameter values are bound as RDF terms (kgservice.queries.parameters), never pasted.

pyoxigraph substitutes only variables that are in scope at the top of the query (for a
SELECT: projected), so the loader runs every query once against an empty in-memory store
with its parameters bound; a file that fails (bad header, bad SPARQL, parameter variable
not projected) fails application start naming the file and line.
"""

from __future__ import annotations
import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import pyoxigraph as ox
import yaml
from kgservice.engine.sparqltext import Scan, scan
from kgservice.queries.parameters import (LANG_RE, PARAM_TYPES, SAMPLES, VAR_RE, Parameter,
                                                ParameterError, term)

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Request parameters with a meaning of their own; a query parameter may not take these names.
RESERVED = frozenset({"format", "describe", "query", "update", "page", "page_size"})
HEADER_KEYS = {"summary", "description", "parameters", "tags", "example", "pagination"}
PARAM_KEYS = {"name", "type", "default", "required", "description", "values", "lang"}
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class QueryFileError(ValueError):
    """A query file that cannot be loaded; the message starts with ``file:line:``."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    text: str
    form: str  # select | ask | construct (CONSTRUCT and DESCRIBE: an RDF graph)
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    example: Mapping[str, str] = field(default_factory=dict)
    scanned: Scan | None = field(default=None, compare=False)  # the text's sparqltext.scan, made at load
    pagination: int | None = None  # the page size the header declares (else the service's default)

    @property
    def is_graph(self) -> bool:
        return self.form == "construct"

    def substitutions(self, given: Mapping[str, list[str]]) -> dict[str, str]:
        """Bind request values (name -> values) to terms; ParameterError for any misfit."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - declared.keys())
        if unknown:
            known = ", ".join(declared) or "none"
            err = ParameterError(
                f"unknown parameter '{unknown[0]}' for query '{self.name}' (its parameters: {known})"
            )
            err.parameter = unknown[0]
            raise err
        out: dict[str, str] = {}
        for p in self.parameters:
            values = given.get(p.name)
            try:
                if values and len(values) > 1:
                    raise ParameterError(f"parameter '{p.name}' given {len(values)} times; give it once")
                if values:
                    out[p.name] = p.bind(values[0])
                elif p.default is not None:
                    out[p.name] = p.bind(p.default)
                elif p.required:
                    raise ParameterError(f"missing required parameter '{p.name}' (type {p.type})")
            except ParameterError as err:
                err.parameter = p.name
                raise
        return out

    def to_json(self, root: str = "/") -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "form": self.form,
            "parameters": [p.to_json() for p in self.parameters],
            "example": dict(self.example),
            "url": f"{root}queries/{self.name}",
            "text_url": f"{root}queries/{self.name}.rq",
            "query": self.text,
            "pagination": self.pagination,
        }
        return out


def _scalar_text(value: Any) -> str:
    """YAML scalars as the text a request would carry (True -> 'true', 2022 -> '2022')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float, _dt.date)):
        return str(value)
    raise TypeError(type(value).__name__)


class _Header:
    """Walks the composed YAML nodes so each error can name its line in the file."""

    def __init__(self, path: Path, first_line: int, text: str):
        self.path, self.first_line = path, first_line
        loader = yaml.SafeLoader(text)
        try:
            self.root = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            # At the end of the header (an unclosed bracket) the context mark says where it opened.
            if e.context_mark and (mark is None or mark.line >= text.count("\n")):
                mark = e.context_mark
            # A problem found at the end of the header belongs to its last line.
            line = first_line + min(mark.line if mark else 0, text.count("\n") - 1)
            raise QueryFileError(f"{path}:{line}: header is not valid YAML: {e.problem or e}") from None
        finally:
            loader.dispose()
        self._constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node | None, message: str) -> QueryFileError:
        line = self.first_line + (node.start_mark.line if node is not None else 0)
        return QueryFileError(f"{self.path}:{line}: {message}")

    def value(self, node: yaml.Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def mapping(self, node: yaml.Node | None, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if not isinstance(key, str):
                raise self.fail(key_node, f"{what}: keys must be text, got {key!r}")
            if key in out:
                raise self.fail(key_node, f"{what}: duplicate key '{key}'")
            out[key] = (key_node, value_node)
        return out

    def text(self, node: yaml.Node, what: str) -> str:
        value = self.value(node)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"{what} must be non-empty text")
        return value.strip()


def _split_header(path: Path, source: str) -> tuple[int, str, str, int]:
    """(first header line, header YAML, query text, first query line); lines 1-based."""
    lines = source.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    first = i
    header: list[str] = []
    while i < len(lines) and lines[i].startswith("#+"):
        rest = lines[i][2:]
        if rest and not rest.startswith(" "):
            raise QueryFileError(f"{path}:{i + 1}: header lines start with '#+ ' (a space after #+)")
        header.append(rest[1:])
        i += 1
    if not header:
        raise QueryFileError(f"{path}:{first + 1}: no '#+' header (summary, parameters …) at the top")
    for j in range(i, len(lines)):
        if lines[j].startswith("#+"):
            raise QueryFileError(f"{path}:{j + 1}: '#+' header line after the query began")
    while i < len(lines) and not lines[i].strip():
        i += 1
    return first + 1, "\n".join(header) + "\n", "\n".join(lines[i:]).rstrip() + "\n", i + 1


def _parse_parameter(h: _Header, node: yaml.Node) -> Parameter:
    fields = h.mapping(node, "a parameter")
    for key, (key_node, _) in fields.items():
        if key not in PARAM_KEYS:
            raise h.fail(key_node, f"unknown parameter key '{key}' (allowed: {', '.join(sorted(PARAM_KEYS))})")
    if "name" not in fields:
        raise h.fail(node, "a parameter needs a name")
    name = h.text(fields["name"][1], "parameter name")
    if not VAR_RE.match(name):
        raise h.fail(fields["name"][1], f"parameter name '{name}' must be a SPARQL variable name ([A-Za-z_][A-Za-z0-9_]*)")
    if name in RESERVED:
        raise h.fail(fields["name"][1], f"parameter name '{name}' is reserved ({', '.join(sorted(RESERVED))})")
    if "type" not in fields:
        raise h.fail(node, f"parameter '{name}' needs a type ({', '.join(PARAM_TYPES)})")
    ptype = h.value(fields["type"][1])
    if ptype not in PARAM_TYPES:
        raise h.fail(fields["type"][1], f"parameter '{name}': unknown type {ptype!r} (one of {', '.join(PARAM_TYPES)})")
    description = h.text(fields["description"][1], "description") if "description" in fields else ""
    required = False
    if "required" in fields:
        required = h.value(fields["required"][1])
        if not isinstance(required, bool):
            raise h.fail(fields["required"][1], f"parameter '{name}': required must be true or false")
    values: tuple[str, ...] = ()
    if "values" in fields:
        if ptype != "enum":
            raise h.fail(fields["values"][0], f"parameter '{name}': values are for type enum only")
        raw = h.value(fields["values"][1])
        if not isinstance(raw, list) or not raw:
            raise h.fail(fields["values"][1], f"parameter '{name}': values must be a non-empty list")
        try:
            values = tuple(_scalar_text(v) for v in raw)
        except TypeError:
            raise h.fail(fields["values"][1], f"parameter '{name}': values must be scalars") from None
    elif ptype == "enum":
        raise h.fail(node, f"parameter '{name}' of type enum needs values")
    lang = None
    if "lang" in fields:
        if ptype != "lang-string":
            raise h.fail(fields["lang"][0], f"parameter '{name}': lang is for type lang-string only")
        lang = h.value(fields["lang"][1])
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            raise h.fail(fields["lang"][1], f"parameter '{name}': lang must be a language tag like ja")
    param = Parameter(name, ptype, description, required, None, values, lang)
    if "default" in fields:
        default_node = fields["default"][1]
        try:
            default = _scalar_text(h.value(default_node))
            param.bind(default)
        except TypeError:
            raise h.fail(default_node, f"parameter '{name}': default must be a scalar") from None
        except ParameterError as e:
            raise h.fail(default_node, f"default: {e}") from None
        if required:
            raise h.fail(default_node, f"parameter '{name}': a required parameter has no default")
        param = Parameter(name, ptype, description, required, default, values, lang)
    return param


def load_query_file(path: str | Path) -> NamedQuery:
    """Read and check one query file; QueryFileError names file and line."""
    path = Path(path)
    name = path.stem
    if not NAME_RE.match(name):
        raise QueryFileError(f"{path}:1: file name must be a lower-case slug ([a-z0-9-]) + .rq")
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise QueryFileError(f"{path}:1: not UTF-8: {e}") from None
    first_line, header_text, text, query_line = _split_header(path, source)
    h = _Header(path, first_line, header_text)
    top = h.mapping(h.root, "the header")
    for key, (key_node, _) in top.items():
        if key not in HEADER_KEYS:
            raise h.fail(key_node, f"unknown header key '{key}' (allowed: {', '.join(sorted(HEADER_KEYS))})")
    if "summary" not in top:
        raise h.fail(h.root, "the header needs a summary")
    summary = h.text(top["summary"][1], "summary")
    description = h.text(top["description"][1], "description") if "description" in top else ""
    tags: tuple[str, ...] = ()
    if "tags" in top:
        raw_tags = h.value(top["tags"][1])
        if not isinstance(raw_tags, list) or not all(isinstance(t, str) and t for t in raw_tags):
            raise h.fail(top["tags"][1], "tags must be a list of words")
        tags = tuple(raw_tags)
    params: list[Parameter] = []
    if "parameters" in top:
        node = top["parameters"][1]
        if not isinstance(node, yaml.SequenceNode):
            raise h.fail(node, "parameters must be a list")
        for item in node.value:
            p = _parse_parameter(h, item)
            if any(q.name == p.name for q in params):
                raise h.fail(item, f"parameter '{p.name}' declared twice")
            params.append(p)
    example: dict[str, str] = {}
    if "example" in top:
        example_node = top["example"][1]
        declared = {p.name: p for p in params}
        for key, (key_node, value_node) in h.mapping(example_node, "example").items():
            if key not in declared:
                raise h.fail(key_node, f"example names an undeclared parameter '{key}'")
            try:
                example[key] = _scalar_text(h.value(value_node))
                declared[key].bind(example[key])
            except TypeError:
                raise h.fail(value_node, f"example value of '{key}' must be a scalar") from None
            except ParameterError as e:
                raise h.fail(value_node, f"example: {e}") from None
        missing = [p.name for p in params if p.required and p.name not in example]
        if missing:
            raise h.fail(example_node, f"example lacks required parameter '{missing[0]}'")
    elif any(p.required for p in params):
        raise h.fail(h.root, "a query with required parameters needs an example")
    pagination = None
    if "pagination" in top:
        pagination = h.value(top["pagination"][1])
        if isinstance(pagination, bool) or not isinstance(pagination, int) or pagination < 1:
            raise h.fail(top["pagination"][1], "pagination is the page size, a positive integer")
    form = _check_query(path, query_line, text, params, example)
    return NamedQuery(name, path, summary, text, form, description, tags, tuple(params), example, scan(text),
                      pagination)


def _check_query(path: Path, query_line: int, text: str, params: list[Parameter],
                 example: Mapping[str, str]) -> str:
    """Prepare the query on an empty in-memory store with its parameters bound; return its form.

    Nothing is evaluated (results are lazy and not read), so the check touches no data and
    no network.  It catches SPARQL syntax errors and parameter variables pyoxigraph cannot
    substitute (not projected by a SELECT).
    """
    subs = {}
    for p in params:
        sample = example.get(p.name) or p.default or SAMPLES[p.type](p)
        subs[ox.Variable(p.name)] = term(p.bind(sample))
    try:
        result = ox.Store().query(text, substitutions=subs)  # an empty store: prepared, not evaluated
    except SyntaxError as e:
        # pyoxigraph reports "error at L:C: …" counted from the query's first line.
        m = re.match(r"error at (\d+):(\d+):\s*(.*)", str(e), re.S)
        if not m:
            raise QueryFileError(f"{path}:{query_line}: SPARQL syntax error: {e}") from None
        line = query_line + int(m.group(1)) - 1
        raise QueryFileError(
            f"{path}:{line}: SPARQL syntax error at column {m.group(2)}: {m.group(3)}"
        ) from None
    except RuntimeError as e:
        raise QueryFileError(
            f"{path}:{query_line}: {e} (a SELECT must project every parameter variable)"
        ) from None
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "construct"



def resolve_dir(queries_dir: str | Path) -> Path:
    """A relative queries_dir is looked up in the working directory, then the project root."""
    path = Path(queries_dir)
    if path.is_absolute() or path.is_dir():
        return path
    return PROJECT_ROOT / path


def load_queries(queries_dir: str | Path) -> dict[str, NamedQuery]:
    """All ``*.rq`` files of the directory, by name; QueryFileError on the first bad one."""
    directory = resolve_dir(queries_dir)
    if not directory.is_dir():
        raise QueryFileError(f"{directory}:0: queries directory not found")
    return {p.stem: load_query_file(p) for p in sorted(directory.glob("*.rq"))}

