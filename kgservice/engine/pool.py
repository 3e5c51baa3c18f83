"""The pool of reader processes behind the embedded Engine: start, replace, admission, deadlines.

Each reader (kgservice.engine.reader) opens the store read-only and answers one request at a time
over a pipe. A request still running at its deadline gets its reader killed (SIGKILL: pyoxigraph
cannot cancel) and replaced in the background; the caller gets ``timeout`` (503). A reader that dies
(killed from outside, or aborted at its memory cap) fails only the request it was running.

Admission: at most ``workers * 2`` requests at once (running or waiting for a reader); one more waits
up to ``admission_wait_s`` for a slot, then is ``unavailable`` with ``Retry-After``. Waiting counts
against the deadline. The idle readers are a stack: the one that answered last takes the next
request (its caches are warm; measured ~0.3 ms less per cheap query than taking them in turn).

From the event loop (``acall``): no thread. The request is written to an idle reader's pipe and the
reply awaited on the event loop (``loop.add_reader``); a hop to a thread and back costs more than a
cheap query's own overhead. When the call would have to wait (no idle reader or slot, a pause for a
write, a store switch to follow) it runs the blocking ``call`` in a thread instead, so the event
loop never waits on a lock. A request cancelled while its reader works loses that reader.
"""

from __future__ import annotations
import asyncio
import logging
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from pathlib import Path
from typing import Any, NoReturn
from kgservice.engine.contract import QueryError
from kgservice.engine.reader import reader_main

log = logging.getLogger("kgservice.engine.embedded")

CTX = mp.get_context("spawn")
READY_TIMEOUT_S = 60.0


def readlink(path: Any) -> str | None:
    try:
        return os.readlink(path)
    except OSError:  # missing, or a plain directory
        return None


class Reader:
    def __init__(self, path: str, memory_mb: int = 0) -> None:
        parent, child = CTX.Pipe()
        self.proc = CTX.Process(target=reader_main, args=(path, child, memory_mb), daemon=True, name="plankg-reader")
        self.proc.start()
        child.close()
        self.conn = parent
        self.merged = True  # whether the store's default graph holds the merge (told when ready)

    def wait_ready(self, timeout: float) -> str | None:
        """None when ready, else why not."""
        try:
            if not self.conn.poll(timeout):
                return "reader did not start in time"
            msg = self.conn.recv()
        except (EOFError, OSError):
            return "reader exited while starting"
        if msg[0] != "ready":
            return msg[1]
        self.merged = msg[1]
        return None

    def kill(self) -> None:
        if self.proc.is_alive():
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        self.kill()


class Pool:
    """Reader processes over the store at ``settings.store_path`` (the ``current`` symlink)."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._idle: queue.LifoQueue[Reader] = queue.LifoQueue()
        self._readers: set[Reader] = set()
        self._lock = threading.Lock()  # guards _readers, _spawning, _unavailable, _waiting
        self._spawning: list[threading.Thread] = []
        self._slots = threading.BoundedSemaphore(settings.workers * 2)
        self._gate = threading.Condition()
        self._paused = False
        self._active = 0
        self._waiting = 0  # requests waiting in a thread for an idle reader
        self._unavailable: str | None = "the engine is not started"
        self.exclusive = threading.Lock()  # held by a restart for a store switch, and by a write
        self.path: str | None = None
        self._link: str | None = None  # store_path's symlink target when the pool opened
        self._memory_mb = settings.worker_memory_mb
        self._admission_wait_s = settings.admission_wait_s

    # ---- life cycle

    def start(self) -> None:
        """Open the pool (the store path's symlink is resolved now: a rebuilt store switched in later
        is picked up at the next request)."""
        store = Path(self.settings.store_path)
        if not store.exists():
            with self._lock:
                self._unavailable = f"no store at {store}; run `plankg build` first"
            log.warning(self._unavailable)
            return
        self._link = readlink(store)  # before resolving: a switch in between is seen at the next request
        self.path = os.path.realpath(store)
        readers = [Reader(self.path, self._memory_mb) for _ in range(self.settings.workers)]
        problems = []
        for reader in readers:
            problem = reader.wait_ready(READY_TIMEOUT_S)
            if problem:
                problems.append(problem)
                reader.kill()
            else:
                with self._lock:
                    self._readers.add(reader)
                self._idle.put(reader)
        with self._lock:
            self._unavailable = problems[0] if len(problems) == len(readers) else None
        self.started()
        if any(not r.merged for r in readers):
            log.warning("the store at %s has no merged default graph (built before it existed): queries read "
                        "the union of its graphs, where a triple stated in two graphs counts twice", self.path)
        if problems:
            log.error("store readers failed: %s", problems[0])

    def started(self) -> None:
        """Called after every (re)start: the engine drops what it cached of the store."""

    def close(self) -> None:
        with self._lock:
            spawning = list(self._spawning)
        for thread in spawning:
            thread.join(READY_TIMEOUT_S)
        with self._lock:
            readers, self._readers = list(self._readers), set()
            self._unavailable = "the engine is stopped"
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        for reader in readers:
            reader.stop()

    def restart(self) -> None:
        self.pause()
        try:
            self.close()
            self.start()
        finally:
            self.resume()

    @property
    def available(self) -> bool:
        with self._lock:
            return self._unavailable is None

    def _replace(self, dead: Reader) -> None:
        """Kill a reader and start its successor in the background (the caller answers at once)."""
        with self._lock:
            self._readers.discard(dead)

        def run() -> None:
            try:
                dead.kill()
                if self.path is None:
                    return
                fresh = Reader(self.path, self._memory_mb)
                problem = fresh.wait_ready(READY_TIMEOUT_S)
                if problem:
                    log.error("replacement reader failed: %s", problem)
                    fresh.kill()
                    return
                with self._lock:
                    self._readers.add(fresh)
                self._idle.put(fresh)
            finally:
                with self._lock:
                    self._spawning.remove(thread)

        thread = threading.Thread(target=run, name="plankg-respawn", daemon=True)
        with self._lock:
            self._spawning.append(thread)
        thread.start()

    # ---- pausing for writes, following a rebuilt store

    def pause(self) -> None:
        """Hold new requests and wait for the running ones to finish."""
        with self._gate:
            self._paused = True
            while self._active:
                self._gate.wait()

    def resume(self) -> None:
        with self._gate:
            self._paused = False
            self._gate.notify_all()

    def follow_switch(self) -> None:
        """Re-open the pool when ``store_path`` now points elsewhere (a build switched a new store in):
        one readlink per request; the path is resolved only when the link changed."""
        link = readlink(self.settings.store_path)
        if link == self._link and self.path is not None:
            return
        store = Path(self.settings.store_path)
        if not store.exists():
            return  # nothing to switch to (yet): look again at the next request
        if os.path.realpath(store) != self.path:
            with self.exclusive:  # one restart at a time; never during a write
                if os.path.realpath(store) != self.path:
                    log.info("store switched to %s: restarting readers", os.path.realpath(store))
                    self.restart()
        self._link = link

    # ---- running a request on a reader

    def call(self, req: tuple, timeout: float) -> tuple:
        """The reply to ``req`` from a reader, within ``timeout`` seconds (waiting included)."""
        self.follow_switch()
        wait = self._admission_wait_s
        admitted = self._slots.acquire(timeout=wait) if wait else self._slots.acquire(blocking=False)
        if not admitted:
            raise QueryError("unavailable", f"too many concurrent queries (limit {self.settings.workers * 2}, "
                             f"none freed within {wait:g} s); retry shortly", headers={"Retry-After": "1"})
        deadline = time.monotonic() + timeout
        try:
            with self._gate:
                while self._paused:
                    if not self._gate.wait(max(0.0, deadline - time.monotonic())):
                        raise QueryError("unavailable", "the store is being updated; retry shortly",
                                         headers={"Retry-After": "1"})
                self._active += 1
        except BaseException:
            self._slots.release()
            raise
        try:
            return self._on_reader(req, deadline, timeout)
        finally:
            self._leave()

    def _leave(self) -> None:
        with self._gate:
            self._active -= 1
            self._gate.notify_all()
        self._slots.release()

    def _on_reader(self, req: tuple, deadline: float, timeout: float) -> tuple:
        with self._lock:
            unavailable = self._unavailable
            if not unavailable:
                self._waiting += 1
        if unavailable:
            raise QueryError("unavailable", unavailable)
        try:
            reader = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryError("unavailable", "no store reader became free before the deadline",
                             headers={"Retry-After": "1"}) from None
        finally:
            with self._lock:
                self._waiting -= 1
        try:
            reader.conn.send(req)
            ready = reader.conn.poll(max(0.0, deadline - time.monotonic()))
            reply = reader.conn.recv() if ready else None
        except (EOFError, OSError):
            self._lost(reader)
        return self._settle(reader, reply, timeout)

    def _enter_now(self) -> Reader | None:
        """An idle reader, admitted and counted as active, if that needs no waiting; else None."""
        if self.path is None or readlink(self.settings.store_path) != self._link:
            return None  # a store switch to follow: call() restarts the pool
        if self._waiting:
            return None  # requests waiting in threads for a reader go first
        if not self._slots.acquire(blocking=False):
            return None
        with self._gate:
            if not self._paused:
                self._active += 1
                try:
                    return self._idle.get_nowait()
                except queue.Empty:
                    pass
                self._active -= 1
                self._gate.notify_all()
        self._slots.release()
        return None

    async def acall(self, req: tuple, timeout: float) -> tuple:
        """``call`` from the event loop: the reply is awaited on the reader's pipe, not in a thread."""
        reader = self._enter_now()
        if reader is None:
            from starlette.concurrency import run_in_threadpool

            return await run_in_threadpool(self.call, req, timeout)
        try:
            try:
                reader.conn.send(req)
                reply = reader.conn.recv() if await _readable(reader.conn.fileno(), timeout) else None
            except (EOFError, OSError):
                self._lost(reader)
            except asyncio.CancelledError:
                self._replace(reader)  # its reply is still to come: it cannot serve another request
                raise
            return self._settle(reader, reply, timeout)
        finally:
            self._leave()

    def _lost(self, reader: Reader) -> NoReturn:
        """The reader's pipe broke mid-request: it died. Replace it and raise why."""
        reader.proc.join(1)
        code = reader.proc.exitcode
        self._replace(reader)
        if code == -signal.SIGABRT and self._memory_mb:
            # Rust aborts when an allocation fails: the address-space cap was reached.
            raise QueryError("memory_limit", f"the query needed more than the {self._memory_mb} MiB a "
                             "query worker may use and was stopped") from None
        why = f" (signal {signal.Signals(-code).name})" if code is not None and code < 0 else ""
        raise QueryError("unavailable", f"the store reader died while running the query{why}; retry",
                         headers={"Retry-After": "1"}) from None

    def _settle(self, reader: Reader, reply: tuple | None, timeout: float) -> tuple:
        """Return the reader to the pool (or kill it at the deadline) and the reply (or raise it)."""
        if reply is None:
            self._replace(reader)  # SIGKILL: the only way to stop a pyoxigraph query
            raise QueryError("timeout", f"the query ran past the {timeout:g} s limit and was stopped")
        self._idle.put(reader)
        if reply[0] == "error":
            _, kind, message, extra = reply
            raise QueryError(kind, message, **extra)
        return reply


async def _readable(fd: int, timeout: float) -> bool:
    """Whether ``fd`` has data within ``timeout`` seconds, waited for on the event loop (one future and
    one timer: ``asyncio.wait_for`` would add a second future and callbacks per request). The reply
    is then read with a blocking ``recv``: the reader writes it in one go, so that read is a copy."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def settle(value: bool) -> None:
        if not ready.done():
            ready.set_result(value)

    loop.add_reader(fd, settle, True)
    timer = loop.call_later(timeout, settle, False)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # uvloop (libuv) made it non-blocking: a long reply would read short
