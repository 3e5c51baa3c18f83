"""The headers of a query answer, set in one place for ``/sparql``, ``/queries/{name}`` and ``/id/…``.

- ``Vary: Accept`` (the body depends on content negotiation);
- ``X-Result-Rows``: the rows of a SELECT or the triples of a CONSTRUCT/DESCRIBE in this answer
  (absent for ASK). An answer is always whole: past the row cap the engine refuses the query
  (``too_many_rows``, kgservice.engine.contract) rather than cutting it;
- ``Link``: a named query's page links (``rel="next"`` while rows remain), when given.
"""

from __future__ import annotations

ROWS = "X-Result-Rows"


def result_headers(row_count: int | None, *, link: str | None = None) -> dict[str, str]:
    headers = {"Vary": "Accept"}
    if row_count is not None:
        headers[ROWS] = str(row_count)
    if link:
        headers["Link"] = link
    return headers
