"""The floor of a Python request path on this engine: a bare ASGI app on the service's uvicorn that runs
each SPARQL query in its own process and lets pyoxigraph write the answer. No protocol checks, no
content negotiation, no deadline, no error envelope: nothing the service must do. The BSBM comparison
(bench.run) runs it beside the service and Oxigraph's server, so that what no Python request path can
win back from Oxigraph's Rust one is measured in the same run, not argued.

    PLANKG_FLOOR_STORE=STORE uvicorn --factory bench.floor:create_app
"""

from __future__ import annotations
import asyncio
import os
from urllib.parse import parse_qs
import pyoxigraph as ox

JSON, N_TRIPLES = b"application/sparql-results+json", b"application/n-triples"


def create_app():
    """The ASGI app over the read-only store named by ``PLANKG_FLOOR_STORE`` (read when uvicorn calls it)."""
    store = ox.Store.read_only(os.environ["PLANKG_FLOOR_STORE"])

    def answer(text: str) -> tuple[bytes, bytes]:
        result = store.query(text, use_default_graph_as_union=True)
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            return result.serialize(format=ox.QueryResultsFormat.JSON), JSON
        return result.serialize(format=ox.RdfFormat.N_TRIPLES), N_TRIPLES

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        text = body.decode() if body else parse_qs(scope["query_string"].decode()).get("query", ["ASK {}"])[0]
        data, media_type = await asyncio.to_thread(answer, text)  # pyoxigraph releases the GIL meanwhile
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", media_type)]})
        await send({"type": "http.response.body", "body": data})

    return app
