"""Answers of named queries, cached by the store's version (dashboards ask the same all day).

A key is (store version, query name, bound parameters, result format, page); the version changes with
a rebuild (the ``current`` symlink) and with every update, so a cached answer is never stale and
nothing needs invalidating: old versions' entries simply age out of the LRU. The ETag is derived
from the key, so a client's ``If-None-Match`` gets a 304 without running the query at all.
A remote store has no version the service can see: its answers are not cached. ``settings.answer_cache``
off: none are (the ETag stays).
"""

from __future__ import annotations
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    link: str  # the Link header of the page (first, prev, next)
    rows: int | None = None  # the page's rows (X-Result-Rows)


class AnswerCache:
    def __init__(self, max_entries: int = 512, max_bytes: int = 64 << 20) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[tuple, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(version: str, name: str, substitutions: dict[str, str], result_format: str,
            page: tuple[int, int]) -> tuple:
        return (version, name, tuple(sorted(substitutions.items())), result_format, page)

    @staticmethod
    def etag(key: tuple) -> str:
        return '"' + hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32] + '"'

    def get(self, key: tuple) -> Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: tuple, answer: Answer) -> None:
        if len(answer.body) > self.max_bytes // 8:  # a huge answer would evict everything else
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = answer
            self._bytes += len(answer.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, old = self._entries.popitem(last=False)
                self._bytes -= len(old.body)
