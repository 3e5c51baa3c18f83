"""Result shaping in the reader: a query result written once, in the format the client asked for,
its rows counted on the way and refused past the row cap (kgservice.engine.contract).

SELECT: pyoxigraph serialises straight into a ``_Sink`` in the final format (the GIL is released
during ``serialize``); the sink counts rows from the bytes as they pass and stops the serialiser at
``max_rows + 1`` rows, so a refused result never takes more than the cap in memory. Counting per
format, from what pyoxigraph 0.5 writes:

- TSV: one line per row after the header (a newline in a literal is written ``\\n``);
- XML: one ``<result>`` per row (``<`` in text is written ``&lt;``);
- CSV: one CRLF per row after the header, outside double quotes (a quoted value may hold CRLF; a
  quote in a value is doubled, so quote parity tells inside from outside);
- JSON: rows are the objects of ``"bindings":[…]``, written ``{…},{…}``. Inside a string ``"`` is
  written ``\\"``, so ``},{"`` never occurs in one: each occurrence starts a row with bindings. A row
  without bindings is ``{}``, which a string may also hold; only when ``{}`` occurs at all are the
  strings taken out (one regular-expression pass) and ``},{`` counted outside them.

CONSTRUCT/DESCRIBE: N-Triples and N-Quads likewise (one line per triple); the other RDF formats need
the whole graph for their prefixes and nesting, so the triples (at most ``max_rows + 1``) are collected
and written by ``pyoxigraph.serialize`` once.
"""

from __future__ import annotations
import re
from itertools import islice
from typing import Any
from kgservice.engine.contract import QueryError, too_many_rows
from kgservice.request.negotiation import RESULT_FORMATS


def ox_format(name: str) -> Any:
    """pyoxigraph's format enum for a format name (kgservice.request.negotiation.RESULT_FORMATS)."""
    return RESULT_FORMATS[name].ox


_PREFIXED = ("turtle", "trig", "rdfxml")
# rows ≥ markers seen + this (once one is seen): TSV and CSV count their header line, JSON the
# boundaries between rows
_OFFSET = {"tsv": -1, "csv": -1, "json": 1}
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


class _Enough(Exception):
    """Raised by the sink to stop pyoxigraph's serialiser once the cap is passed."""


class _Sink:
    """A binary writer that counts rows of one results format as pyoxigraph writes (~8 KB chunks)."""

    def __init__(self, fmt: str, limit: int) -> None:
        self.fmt = fmt
        self.limit = limit  # rows (header excluded) past which serialising stops
        self.chunks: list[bytes] = []
        self.seen = 0  # rows counted so far (for JSON: a lower bound, see the module doc)
        self._tail = b""  # the end of the previous chunk, for a marker cut in two
        self._quoted = False  # CSV: inside a quoted value at the end of the previous chunk

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.chunks.append(data)
        if self.fmt == "csv":
            self.seen += self._csv_rows(data)
        else:
            marker = {"tsv": b"\n", "xml": b"<result>", "json": b'},{"', "ntriples": b"\n"}[self.fmt]
            joined = self._tail + data
            self.seen += joined.count(marker) - self._tail.count(marker)
            self._tail = joined[-(len(marker) - 1):] if len(marker) > 1 else b""
        if self.seen and self.seen + _OFFSET.get(self.fmt, 0) > self.limit:
            raise _Enough()
        return len(data)

    def _csv_rows(self, data: bytes) -> int:
        if b'"' not in data and not self._quoted:
            joined = self._tail + data
            rows = joined.count(b"\r\n") - self._tail.count(b"\r\n")
            self._tail = data[-1:]
            return rows
        rows = 0
        parts = data.split(b'"')
        for i, part in enumerate(parts):
            if self._quoted == (i % 2 == 1):  # outside quotes
                joined = (self._tail if i == 0 else b"") + part
                rows += joined.count(b"\r\n") - (self._tail.count(b"\r\n") if i == 0 else 0)
        if len(parts) % 2 == 0:
            self._quoted = not self._quoted
        self._tail = b"" if self._quoted else data[-1:]
        return rows

    def flush(self) -> None:
        pass

    def rows(self, body: bytes) -> int:
        """The exact row count of the whole body written."""
        if self.fmt in ("tsv", "csv"):
            return max(0, self.seen - 1)
        if self.fmt != "json":
            return self.seen
        start = body.find(b'"bindings":[')
        if start < 0 or body[start + 12:start + 13] != b"{":
            return 0
        if b"{}" not in body:
            return self.seen + 1
        return _JSON_STRING.sub(b'""', body[start:]).count(b"},{") + 1


def write_select(ox: Any, result: Any, fmt: str, max_rows: int) -> tuple[bytes, int]:
    """A SELECT result in ``fmt`` and its row count; ``too_many_rows`` past ``max_rows``."""
    sink = _Sink(fmt, max_rows)
    try:
        result.serialize(sink, format=ox_format(fmt))
    except _Enough:
        raise too_many_rows("select", max_rows) from None
    body = b"".join(sink.chunks)
    rows = sink.rows(body)
    if rows > max_rows:  # JSON with rows without bindings: known only now
        raise too_many_rows("select", max_rows)
    return body, rows


def write_graph(ox: Any, result: Any, fmt: str, max_rows: int, form: str,
                prefixes: dict[str, str]) -> tuple[bytes, int]:
    """CONSTRUCT/DESCRIBE triples in ``fmt`` and their count; ``too_many_rows`` past ``max_rows``."""
    if fmt in ("ntriples", "nquads"):  # N-Triples is valid N-Quads
        sink = _Sink("ntriples", max_rows)
        try:
            result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
        except _Enough:
            raise too_many_rows(form, max_rows) from None
        return b"".join(sink.chunks), sink.seen
    triples = list(islice(result, max_rows + 1))
    if len(triples) > max_rows:
        raise too_many_rows(form, max_rows)
    rdf = ox_format(fmt)
    try:
        body = ox.serialize(triples, format=rdf, prefixes=(prefixes or None) if fmt in _PREFIXED else None)
    except (ValueError, SyntaxError):  # an odd prefix declaration: write without prefixes
        body = ox.serialize(triples, format=rdf)
    return body, len(triples)


def write_boolean(ox: Any, result: Any, fmt: str) -> bytes:
    if RESULT_FORMATS[fmt].kind != "results":
        raise QueryError("bad_request", f"an ASK result cannot be written as {fmt}")
    return result.serialize(format=ox_format(fmt))
