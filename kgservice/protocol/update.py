"""SPARQL 1.1 Update over the protocol (``POST /sparql`` with ``update=…`` or an
``application/sparql-update`` body), token-protected; ``authorize`` also guards the Graph Store
Protocol's writes (kgservice.protocol.graph_store).

Off by default: with no ``update_token`` configured every write is 403 (``forbidden``). With a token,
a write needs ``Authorization: Bearer <token>``: none → 401 with ``WWW-Authenticate: Bearer``; a
wrong one → 403. Tokens are compared with ``hmac.compare_digest`` and never logged (the setting is a
SecretStr).

Base IRI: relative IRIs of an update resolve against the endpoint's URL under the configured base
(kgservice.request.base), as in queries.

Dataset: ``using-graph-uri`` and ``using-named-graph-uri`` (repeatable) give every DELETE/INSERT
operation of the request the dataset its WHERE reads, as if each had those ``USING``/``USING NAMED``
clauses (SPARQL 1.1 Protocol); with a ``USING``, ``USING NAMED`` or ``WITH`` in the request itself
they are a 400 (the protocol forbids both at once). Operations without WHERE (INSERT DATA, CLEAR…)
are unaffected.

Every write goes through the engine's single writer (kgservice.engine.embedded), so a later query sees
the change. The graph is rebuilt from the records by ``plankg build``; a write lasts until then.
"""

from __future__ import annotations
import hmac
import logging
import pyoxigraph as ox
from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from kgservice.engine.embedded import get_engine
from kgservice.engine.sparqltext import tokens
from kgservice.request.base import endpoint_iri
from kgservice.request.errors import ServiceError
from kgservice.request.params import Params, values

log = logging.getLogger("kgservice.protocol.update")

USING_PARAMS = ("using-graph-uri", "using-named-graph-uri")


def authorize(request: Request) -> None:
    settings = request.app.state.settings
    if settings.update_token is None:
        raise ServiceError("forbidden", "updates are disabled on this endpoint (no update token is configured)")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ServiceError("unauthorized", "this write needs an 'Authorization: Bearer <token>' header",
                           headers={"WWW-Authenticate": 'Bearer realm="plankg"'})
    expected = settings.update_token.get_secret_value().encode()
    if not hmac.compare_digest(given.strip().encode(), expected):
        log.warning("rejected a write with a wrong token from %s", request.client.host if request.client else "?")
        raise ServiceError("forbidden", "the bearer token is not valid",
                           headers={"WWW-Authenticate": 'Bearer realm="plankg", error="invalid_token"'})


async def run_update(request: Request, params: Params) -> Response:
    """POST /sparql with an update (form field or application/sparql-update body)."""
    authorize(request)
    update = values(params, "update")[0]
    if not update.strip():
        raise ServiceError("bad_request", "the update is empty")
    using, using_named = (values(params, name) for name in USING_PARAMS)
    for iri in using + using_named:
        check_graph_iri(iri)
    if using or using_named:
        update = with_dataset(update, using, using_named)
    engine = get_engine(request)
    await run_in_threadpool(engine.update, update, base_iri=endpoint_iri(request.app.state.settings))
    return Response(status_code=204)


def check_graph_iri(iri: str) -> str:
    try:
        return ox.NamedNode(iri).value
    except ValueError as exc:
        raise ServiceError("bad_request", f"invalid graph IRI {iri!r}: {exc}") from None


def with_dataset(update: str, using: list[str], using_named: list[str]) -> str:
    """``update`` with ``USING <g>``/``USING NAMED <g>`` before the WHERE of each DELETE/INSERT
    operation; ``DELETE WHERE { P }`` (which takes no USING) becomes ``DELETE { P } USING … WHERE { P }``."""
    clauses = "".join(f"USING <{g}> " for g in using) + "".join(f"USING NAMED <{g}> " for g in using_named)
    toks = tokens(update)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in text order
    depth, in_modify, i = 0, False, 0
    while i < len(toks):
        tok, kw = toks[i], toks[i].keyword
        if tok.kind == "punct" and tok.text in "{([":
            depth += 1
        elif tok.kind == "punct" and tok.text in "})]":
            depth -= 1
        elif depth == 0 and kw in ("USING", "WITH"):
            raise ServiceError("bad_request", f"the update has a {kw} clause and the request has "
                               "using-graph-uri/using-named-graph-uri: give the dataset one way only")
        elif depth == 0 and tok.kind == "punct" and tok.text == ";":
            in_modify = False
        elif depth == 0 and kw in ("DELETE", "INSERT") and i + 1 < len(toks):
            after = toks[i + 1].keyword
            if kw == "DELETE" and after == "WHERE":
                end = _group_end(toks, i + 2)
                if end is None:
                    return update  # unbalanced: let the parser report it at its own position
                pattern = update[toks[i + 2].offset:end]
                edits.append((toks[i + 1].offset, end, f"{pattern} {clauses}WHERE {pattern}"))
            elif after != "DATA":
                in_modify = True
        elif depth == 0 and kw == "WHERE" and in_modify:
            edits.append((tok.offset, tok.offset, clauses))
            in_modify = False
        i += 1
    for start, end, text in reversed(edits):
        update = update[:start] + text + update[end:]
    return update


def _group_end(toks: list, i: int) -> int | None:
    """The offset just past the ``{ … }`` group opening at token ``i``, or None."""
    if i >= len(toks) or toks[i].text != "{":
        return None
    depth = 0
    for tok in toks[i:]:
        if tok.kind == "punct" and tok.text in "{([":
            depth += 1
        elif tok.kind == "punct" and tok.text in "})]":
            depth -= 1
            if depth == 0:
                return tok.offset + 1
    return None
