"""Parameters of the named queries: their declaration and how a request value becomes an RDF term.

A value is checked against its declared type and returned as one term in N-Triples syntax, which
the engine binds through pyoxigraph's substitutions (SEP-0007): it is never pasted into the
query text, so an injection attempt stays a literal.
"""

from __future__ import annotations
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any
import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "gYear", "boolean", "enum", "lang-string")
LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
LANG_SUFFIX_RE = re.compile(r"@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$")


class ParameterError(ValueError):
    """A request parameter that does not fit its declaration (answered with 400)."""

    parameter: str | None = None  # the parameter's name, for the error envelope



def _literal(value: str, datatype: str) -> str:
    return str(ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)))


def _bind_iri(p: Parameter, raw: str) -> str:
    try:
        return str(ox.NamedNode(raw))
    except ValueError as e:
        raise ParameterError(f"parameter '{p.name}' expects an absolute IRI (type iri): {e}") from None


def _bind_regex(regex: str, datatype: str, what: str):
    compiled = re.compile(regex)

    def bind(p: Parameter, raw: str) -> str:
        if not compiled.fullmatch(raw):
            raise ParameterError(f"parameter '{p.name}' expects {what} (type {p.type}), got {raw!r}")
        return _literal(raw, datatype)

    return bind


def _bind_date(p: Parameter, raw: str) -> str:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        _dt.date.fromisoformat(raw)
    except ValueError:
        raise ParameterError(
            f"parameter '{p.name}' expects a date YYYY-MM-DD (type date), got {raw!r}"
        ) from None
    return _literal(raw, "date")


def _bind_boolean(p: Parameter, raw: str) -> str:
    canonical = {"true": "true", "1": "true", "false": "false", "0": "false"}.get(raw)
    if canonical is None:
        raise ParameterError(f"parameter '{p.name}' expects true or false (type boolean), got {raw!r}")
    return _literal(canonical, "boolean")


def _bind_string(p: Parameter, raw: str) -> str:
    return str(ox.Literal(raw))


def _bind_enum(p: Parameter, raw: str) -> str:
    if raw not in p.values:
        allowed = ", ".join(p.values)
        raise ParameterError(f"parameter '{p.name}' expects one of: {allowed} (type enum), got {raw!r}")
    return str(ox.Literal(raw))


def _bind_lang_string(p: Parameter, raw: str) -> str:
    text, lang = raw, p.lang
    m = LANG_SUFFIX_RE.search(raw)
    if m:
        text, lang = raw[: m.start()], m.group(1)
    if not lang:
        raise ParameterError(
            f"parameter '{p.name}' expects text@language, e.g. 水戸市@ja (type lang-string), got {raw!r}"
        )
    try:
        return str(ox.Literal(text, language=lang))
    except ValueError:
        raise ParameterError(
            f"parameter '{p.name}' has an invalid language tag {lang!r} (type lang-string)"
        ) from None


BINDERS = {
    "iri": _bind_iri,
    "string": _bind_string,
    "integer": _bind_regex(r"[+-]?\d+", "integer", "an integer"),
    "decimal": _bind_regex(r"[+-]?(\d+(\.\d*)?|\.\d+)", "decimal", "a decimal number"),
    "date": _bind_date,
    "gYear": _bind_regex(r"\d{4}", "gYear", "a year YYYY"),
    "boolean": _bind_boolean,
    "enum": _bind_enum,
    "lang-string": _bind_lang_string,
}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str = ""
    required: bool = False
    default: str | None = None
    values: tuple[str, ...] = ()
    lang: str | None = None

    def bind(self, raw: str) -> str:
        """The value as an RDF term in N-Triples syntax, or ParameterError."""
        return BINDERS[self.type](self, raw)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required}
        if self.description:
            out["description"] = self.description
        if self.default is not None:
            out["default"] = self.default
        if self.values:
            out["values"] = list(self.values)
        if self.lang:
            out["lang"] = self.lang
        return out



SAMPLES = {  # a value of each type, to prepare a query whose example leaves a parameter out
    "iri": lambda p: "https://example.org/x",
    "string": lambda p: "x",
    "integer": lambda p: "1",
    "decimal": lambda p: "1.0",
    "date": lambda p: "2000-01-01",
    "gYear": lambda p: "2000",
    "boolean": lambda p: "true",
    "enum": lambda p: p.values[0],
    "lang-string": lambda p: "x" if p.lang else "x@ja",
}


def term(ntriples: str) -> ox.NamedNode | ox.Literal:
    """Parse one N-Triples term (our own output) back into a pyoxigraph term."""
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {ntriples} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object
