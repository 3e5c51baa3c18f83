"""HEAD for every GET route (RFC 9110 §9.3.2): the GET's status and headers, no body.

FastAPI routes a HEAD only where it is declared; this ASGI middleware answers it
for every page, dump and query by running the GET and dropping the body.
"""

from __future__ import annotations
from typing import Any


class HeadAsGet:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: dict) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, headers_only)
