"""An optional per-client rate limit: a token bucket per client address (pure ASGI middleware).

Off unless ``settings.rate_limit_per_minute`` is set. Each client address (the TCP peer as the
server sees it — behind a reverse proxy that is the proxy, so configure the limit there instead)
gets a bucket of ``rate_limit_per_minute`` tokens, refilled continuously at that rate; a request
takes one token. An empty bucket is answered 429 in the error envelope with ``Retry-After`` (whole
seconds until a token is back). CORS preflights (OPTIONS) are not counted.

Memory stays bounded: buckets that would be full again are dropped when the table grows past
``MAX_CLIENTS``; if every bucket is still in use, the oldest half is dropped (those clients start
again with a full bucket — a bounded table matters more than exactness under an address flood).
"""

from __future__ import annotations
import math
import threading
import time
from typing import Any
from kgservice.request.errors import error_response

MAX_CLIENTS = 10_000


class TokenBucket:
    """Buckets of ``capacity`` tokens refilled at ``capacity`` per ``period`` seconds, by key."""

    def __init__(self, capacity: int, period: float = 60.0, clock=time.monotonic) -> None:
        self.capacity = float(capacity)
        self.rate = capacity / period  # tokens per second
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0.0 when a token was taken, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        full_after = self.capacity / self.rate
        for key in [k for k, (_, at) in self._buckets.items() if now - at >= full_after]:
            del self._buckets[key]
        if len(self._buckets) > MAX_CLIENTS:
            for key in sorted(self._buckets, key=lambda k: self._buckets[k][1])[: len(self._buckets) // 2]:
                del self._buckets[key]


class RateLimitMiddleware:
    def __init__(self, app: Any, per_minute: int) -> None:
        self.app = app
        self.per_minute = per_minute
        self.buckets = TokenBucket(per_minute, 60.0)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") == "OPTIONS":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "?")
        if wait <= 0.0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        response = error_response("rate_limited", f"more than {self.per_minute} requests per minute from "
                                  f"this address; retry in {retry} s",
                                  headers={"Retry-After": str(retry)}, retry_after_s=retry)
        await response(scope, receive, send)
