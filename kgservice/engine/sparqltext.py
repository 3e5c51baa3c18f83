"""A small SPARQL tokenizer: what the service must know about a request *before* the store sees it.

pyoxigraph parses queries but does not expose the algebra, so this scanner reads the text:
- the query form (SELECT/ASK/CONSTRUCT/DESCRIBE) to negotiate the result format before evaluation;
- SERVICE and LOAD, which make the engine reach the network (FIELD-NOTES): refused unless the
  target IRI is allow-listed;
- FROM/FROM NAMED (a query's own dataset must not be overridden by the union default graph);
- PREFIX/BASE declarations (to resolve a prefixed SERVICE IRI and to pretty-print Turtle);
- nesting and operator chains deep enough to crash pyoxigraph's recursive parser (``too_complex``).

Strings, IRIs and comments are skipped as whole tokens, so ``"SERVICE"``, ``<http://x/LOAD>``,
``# LOAD`` and ``ex:SERVICE``/``?service`` are never taken for keywords. An IRIREF cannot hold
spaces, ``<``, ``{`` or ``}``, so a ``<`` operator mistaken for an IRI start cannot hide a SERVICE
clause (whose IRI or group follows it).
"""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

# Whitespace is skipped as the prefix of every match (half as many matches as a token of its own:
# tokenising is on every request's path, ~1 KB a query).
_TOKEN = re.compile(
    r"""
    \s*(?:
    (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][^\s{}()\[\].,;'"<>=!&|+*/^#]*)
  | (?P<name>[^\s{}()\[\],;'"<>=!&|+*/^#?$]+)
  | (?P<punct>\S)
    )""",
    re.VERBOSE | re.DOTALL,
)

FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass(slots=True)
class Token:
    kind: str  # iri, string, var, name, punct
    text: str
    offset: int
    keyword: str | None = None  # the upper-cased word if it can be a SPARQL keyword (letters only: no prefixed name)


def tokens(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "comment":
            continue
        word = m.group(kind)
        keyword = word.upper() if kind == "name" and word.isascii() and word.isalpha() else None
        out.append(Token(kind, word, m.start(kind), keyword))
    return out


@dataclass
class Remote:
    keyword: str  # SERVICE or LOAD
    target: str | None  # the resolved IRI, None for a variable or anything unreadable
    offset: int


@dataclass
class Scan:
    form: str | None = None  # select/ask/construct/describe, or "update", or None
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    has_dataset_clause: bool = False  # FROM or FROM NAMED
    remotes: list[Remote] = field(default_factory=list)
    too_complex: str | None = None  # why pyoxigraph's parser must not see it (see MAX_NESTING), or None


def _resolve(tok: Token, scan: Scan) -> str | None:
    if tok.kind == "iri":
        iri = tok.text[1:-1]
        return urljoin(scan.base, iri) if scan.base else iri
    if tok.kind == "name" and ":" in tok.text:
        prefix, _, local = tok.text.partition(":")
        if prefix in scan.prefixes:
            return scan.prefixes[prefix] + local
    return None


def scan(text: str) -> Scan:
    """Everything the service reads from a query or update, in one pass over its tokens (a pass costs
    ~0.1–0.3 ms per KB of text: named queries are scanned once, at load; the scans of recent short
    texts are kept, as clients repeat their queries). The Scan is shared: never change it."""
    return _scan_cached(text) if len(text) <= _CACHED_TEXT else _scan(text)


_CACHED_TEXT = 16384  # characters: the cache holds at most 1,024 of them, ≤ 16 MiB


@lru_cache(maxsize=1024)
def _scan_cached(text: str) -> Scan:
    return _scan(text)


def _scan(text: str) -> Scan:
    toks = tokens(text)
    result = Scan(too_complex=_complexity(text, toks))
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        kw = tok.keyword
        if kw == "PREFIX" and i + 2 < n and toks[i + 2].kind == "iri":
            result.prefixes[toks[i + 1].text.rstrip(":")] = _resolve(toks[i + 2], result) or ""
            i += 3
            continue
        if kw == "BASE" and i + 1 < n and toks[i + 1].kind == "iri":
            result.base = _resolve(toks[i + 1], result)
            i += 2
            continue
        if kw in FORMS and result.form is None:
            result.form = FORMS[kw]
        elif kw in UPDATE_KEYWORDS and result.form is None:
            result.form = "update"
        if kw == "FROM":
            result.has_dataset_clause = True
        if kw in ("SERVICE", "LOAD"):
            j = i + 1
            if j < n and toks[j].keyword == "SILENT":
                j += 1
            target = _resolve(toks[j], result) if j < n else None
            result.remotes.append(Remote(kw, target, tok.offset))
        i += 1
    return result


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def check_remote(text: str, scanned: Scan, allowlist: list[str]) -> str | None:
    """A message refusing the first SERVICE/LOAD whose target is not allow-listed, else None."""
    for remote in scanned.remotes:
        if remote.target is not None and remote.target in allowlist:
            continue
        line, col = position(text, remote.offset)
        what = f"<{remote.target}>" if remote.target else "a target that is not a fixed IRI"
        return (f"{remote.keyword} to {what} at line {line}, column {col} is refused: this endpoint "
                "does not reach the network" + (" except for allow-listed IRIs" if allowlist else ""))
    return None


# Deep nesting or very long operator chains overflow the stack of pyoxigraph's recursive parser and
# evaluator: the reader dies on SIGSEGV (measured, 0.5.13: 5,000 nested parentheses or braces, a chain
# of 30,000 `+` or `||`). Real queries stay far below these limits; past them the query is refused
# with a 400 before it reaches a reader.
MAX_NESTING = 200
MAX_CHAIN = 2000
_OPENERS = {"(": ")", "{": "}", "[": "]"}
_CHAIN_PUNCT = set("+-*/|&=!<>^,;.")


def _complexity(text: str, toks: list[Token]) -> str | None:
    """A message refusing a query nested deeper than MAX_NESTING brackets or with more than MAX_CHAIN
    operators/separators (or UNION/MINUS/OPTIONAL) in one bracket group, else None."""
    depth = 0
    chains = [0]
    for tok in toks:
        if tok.kind == "punct" and tok.text in _OPENERS:
            depth += 1
            if depth > MAX_NESTING:
                line, col = position(text, tok.offset)
                return (f"the query nests brackets deeper than {MAX_NESTING} levels (line {line}, column "
                        f"{col}); simplify it")
            chains.append(0)
        elif tok.kind == "punct" and tok.text in ")}]":
            depth = max(0, depth - 1)
            if len(chains) > 1:
                chains.pop()
        elif ((tok.kind == "punct" and tok.text in _CHAIN_PUNCT) or (tok.kind == "name" and tok.text == ".")
              or tok.keyword in ("UNION", "MINUS", "OPTIONAL")):
            chains[-1] += 1
            if chains[-1] > MAX_CHAIN:
                line, col = position(text, tok.offset)
                return (f"the query chains more than {MAX_CHAIN} operators in one expression or group "
                        f"(line {line}, column {col}); split it")
    return None
