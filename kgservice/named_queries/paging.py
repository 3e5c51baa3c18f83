"""Pages of a named query's answer: ``page`` and ``page_size`` in, ``Link: <…>; rel="next"`` out.

Every named query is a SELECT whose ORDER BY is a total order over its projected variables
(tests/test_named_queries.py checks each file), so page *k* of a given store version is always the
same rows. A page is the query with ``LIMIT size+1 OFFSET (k-1)·size`` appended: the extra row only
says whether a next page exists and is cut before the answer is written. LIMIT and OFFSET are
integers the service formats itself; parameter values are still bound as terms, never pasted.

The engine answers the page as TSV (one row per line, newlines in literals escaped), so the extra
row is one line to drop; the page (at most ``MAX_PAGE_SIZE`` rows) is then written in the format
asked for. The next page's URL goes in the ``Link`` header (RFC 8288: rel ``next``, ``prev``,
``first``) and, for JSON and XML results, in the ``link`` of the result's head, the place the
SPARQL 1.1 result formats give to links about the result.
"""

from __future__ import annotations
import json
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr
import pyoxigraph as ox
from kgservice.queries.parameters import ParameterError, term
from kgservice.queries.registry import NamedQuery, QueryFileError

PAGE, PAGE_SIZE = "page", "page_size"  # the request parameters (reserved: no query parameter takes them)
DEFAULT_PAGE_SIZE = 100  # when the file's header declares no ``pagination``
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Window:
    page: int  # 1-based
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def text(self, query_text: str) -> str:
        """The query of this page (one row more than the page, to know whether another follows)."""
        return f"{query_text.rstrip()}\nLIMIT {self.size + 1}\nOFFSET {self.offset}\n"


def check(query: NamedQuery) -> None:
    """A query the API can page: a SELECT, a page size within bounds, and a text that still parses
    with LIMIT and OFFSET appended (no VALUES clause after the ORDER BY); QueryFileError if not."""
    if query.form != "select":
        raise QueryFileError(f"{query.path}:1: a named query is a SELECT (its answers are paged), "
                             f"not {query.form.upper()}")
    if query.pagination is not None and query.pagination > MAX_PAGE_SIZE:
        raise QueryFileError(f"{query.path}:1: pagination is at most {MAX_PAGE_SIZE}, got {query.pagination}")
    bound = query.substitutions({k: [v] for k, v in query.example.items()})
    try:
        ox.Store().query(Window(1, 1).text(query.text), substitutions={
            ox.Variable(k): term(v) for k, v in bound.items()})  # prepared on an empty store, not evaluated
    except SyntaxError as e:
        raise QueryFileError(f"{query.path}:1: the query does not take LIMIT and OFFSET after it: {e}") from None


def _positive(name: str, raw: list[str], limit: int | None) -> int | None:
    if not raw:
        return None
    if len(raw) > 1:
        raise _error(name, f"parameter '{name}' given {len(raw)} times; give it once")
    value = raw[0]
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise _error(name, f"parameter '{name}' expects a positive integer, got {value!r}")
    if limit is not None and int(value) > limit:
        raise _error(name, f"parameter '{name}' is at most {limit}, got {value}")
    return int(value)


def _error(name: str, message: str) -> ParameterError:
    err = ParameterError(message)
    err.parameter = name
    return err


def window(given: dict[str, list[str]], default_size: int) -> Window:
    """The page asked for (removed from ``given``); ParameterError names a bad value."""
    page = _positive(PAGE, given.pop(PAGE, []), None) or 1
    size = _positive(PAGE_SIZE, given.pop(PAGE_SIZE, []), MAX_PAGE_SIZE) or default_size
    return Window(page, size)


def cut(tsv: bytes, size: int) -> tuple[bytes, bool]:
    """The TSV answer with at most ``size`` rows, and whether there were more."""
    lines = tsv.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    more = len(lines) - 1 > size
    return b"\n".join(lines[: size + 1]) + b"\n", more


def write(tsv: bytes, result_format: str, next_url: str | None) -> bytes:
    """The page in its final format, the next page's URL in the head of JSON and XML results."""
    if result_format == "tsv":
        return tsv
    fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV}[result_format]
    body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt)
    if next_url is None:
        return body
    if result_format == "json":  # pyoxigraph writes {"head":{"vars":[…]},…}
        return body.replace(b'{"head":{', b'{"head":{"link":[' + json.dumps(next_url).encode() + b"],", 1)
    if result_format == "xml":  # <link> elements follow the <variable> elements of <head>
        return body.replace(b"</head>", f"<link href={quoteattr(next_url)}/></head>".encode(), 1)
    return body


def links(url: str, items: list[tuple[str, str]], w: Window, more: bool) -> tuple[str | None, str]:
    """(the next page's URL or None, the Link header); ``url`` is the request URL without its query,
    ``items`` the request's parameters (query string and form) without page and page_size."""
    base = [(k, v) for k, v in items if k not in (PAGE, PAGE_SIZE)]

    def at(page: int) -> str:
        return f"{url}?{urlencode([*base, (PAGE, str(page)), (PAGE_SIZE, str(w.size))])}"

    rels = [("first", at(1))]
    if w.page > 1:
        rels.append(("prev", at(w.page - 1)))
    next_url = at(w.page + 1) if more else None
    if next_url:
        rels.append(("next", next_url))
    return next_url, ", ".join(f'<{u}>; rel="{r}"' for r, u in rels)
