"""What one Transport call may take, enforced where the bytes move: at urllib3's connections.

A socket timeout bounds each wait for bytes, not a whole call: a server that sends one byte
every few seconds, or that answers 503 with ``Retry-After: 86400``, would hold a call for
ever. So each call carries a :class:`Call` (in a context variable, seen by urllib3 in the
calling thread):

- **deadline**: a single watchdog thread shuts the sockets of a call that overran it, which
  ends any blocked read or write at once; retries stop and their waits never run past it.
- **stall**: while a body is sent, the socket timeout is ``stall`` and the body goes out in
  256 KiB slices, so a send that makes no progress for ``stall`` seconds fails.
- **retry override**: whether urllib3 may repeat this request (see :class:`CallRetry`).

The connection classes are plugged into requests through :class:`WatchedAdapter`.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import os
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

MAX_RETRY_WAIT = 60.0
"""Longest wait before a retry (backoff or ``Retry-After``) of a call that has no deadline."""
_SLICE = 256 * 1024

current: contextvars.ContextVar[Call | None] = contextvars.ContextVar("galleryk_call", default=None)


class Call:
    """One request as the Transport sees it: its limits, the connections it used, and what went wrong."""

    __slots__ = (
        "_conns",
        "_defer",
        "_lock",
        "deadline",
        "done",
        "expired",
        "label",
        "retry",
        "stall",
        "stalled",
        "when",
    )

    def __init__(
        self,
        label: str,
        *,
        deadline: float | None,
        stall: float | None,
        retry: bool | None,
        deadline_after_body: bool = False,
    ) -> None:
        self.label = label
        self.deadline = deadline
        self.stall = stall
        self.retry = retry
        self.when: float | None = None
        self.expired = False
        self.stalled = False
        self.done = False
        self._defer = deadline_after_body
        self._conns: list[Any] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the deadline clock, unless it starts once the request body is sent (uploads)."""
        if self.deadline is not None and not self._defer:
            self._arm()

    def body_sent(self) -> None:
        if self.deadline is not None and self.when is None:
            self._arm()

    def _arm(self) -> None:
        assert self.deadline is not None
        self.when = time.monotonic() + self.deadline
        WATCHDOG.watch(self)

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None when the clock is not running)."""
        return None if self.when is None else self.when - time.monotonic()

    def adopt(self, conn: Any) -> None:
        """Remember a connection this call sends on (and its socket, which http.client forgets when the
        reply will close the connection); a connection reused later belongs to its new call."""
        conn.galleryk_call = self
        with self._lock:
            self._conns.append((conn, getattr(conn, "sock", None)))
            expired = self.expired
        if expired:
            _shut(getattr(conn, "sock", None))

    def expire(self) -> None:
        """The deadline passed: shut every socket this call still uses, so its blocked reads and writes end."""
        with self._lock:
            if self.done:
                return
            self.expired = True
            conns = list(self._conns)
        for conn, sock in conns:
            if getattr(conn, "galleryk_call", None) is self:
                _shut(getattr(conn, "sock", None) or sock)

    def finish(self) -> None:
        """The call is over (or its reply is handed to the caller as a stream): stop watching it."""
        with self._lock:
            self.done = True
            self._conns.clear()


def _shut(sock: Any) -> None:
    if isinstance(sock, socket.socket):
        try:
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, also under TLS
        except OSError:
            pass


class _Watchdog:
    """One daemon thread that expires calls whose deadline passed (earliest first, from a heap)."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        """A fresh, empty watchdog (also in a forked child, whose copy of the lock may be held)."""
        self._heap: list[tuple[float, int, Call]] = []
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, call: Call) -> None:
        assert call.when is not None
        with self._cond:
            heapq.heappush(self._heap, (call.when, next(self._seq), call))
            if self._thread is None or not self._thread.is_alive():  # first use, or after a fork
                self._thread = threading.Thread(target=self._run, name="galleryk-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is call:  # only an earlier deadline needs the thread awake
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                due = None
                while due is None:
                    while self._heap and self._heap[0][2].done:
                        heapq.heappop(self._heap)
                    now = time.monotonic()
                    if self._heap and self._heap[0][0] <= now:
                        due = heapq.heappop(self._heap)[2]
                    else:
                        self._cond.wait(self._heap[0][0] - now if self._heap else None)
            due.expire()


WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=WATCHDOG._reset)


class _Watched:
    """urllib3 connection behaviour for galleryk calls: belong to the current call, send bodies with stall detection."""

    galleryk_call: Call | None = None

    def request(self, *args: Any, **kwargs: Any) -> None:
        call = current.get()
        if call is not None:
            call.adopt(self)
        super().request(*args, **kwargs)  # type: ignore[misc]
        if call is not None:
            call.adopt(self)  # again, now that a new connection has its socket
            call.body_sent()

    def send(self, data: Any) -> None:
        call = current.get()
        stall = call.stall if call is not None else None
        sock = getattr(self, "sock", None)
        if not stall or sock is None or not isinstance(data, (bytes, bytearray, memoryview)):
            return super().send(data)  # type: ignore[misc]
        sock.settimeout(stall)
        view = memoryview(data)
        try:
            for start in range(0, len(view), _SLICE):
                super().send(view[start : start + _SLICE])  # type: ignore[misc]
        except TimeoutError:
            if call is not None:
                call.stalled = True
            raise


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter with galleryk's connection classes, so deadlines and stall detection reach the sockets."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


class CallRetry(Retry):
    """urllib3 Retry that obeys the current call: its retry override and its deadline.

    ``retry=False`` gives up at once; ``retry=True`` also repeats a non-GET the caller knows to
    be idempotent. A retry whose wait (backoff or ``Retry-After``) would not end before the
    deadline (or would exceed :data:`MAX_RETRY_WAIT` without one) is not made: the last answer
    or error stands.
    """

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        call = current.get()
        override = call.retry if call is not None else None
        if override is False:
            return False
        if override is True:
            return bool(self.status_forcelist) and status_code in self.status_forcelist and self.total != 0
        return super().is_retry(method, status_code, has_retry_after)

    def _is_method_retryable(self, method: str) -> bool:
        call = current.get()
        if call is not None and call.retry is not None:
            return call.retry
        return super()._is_method_retryable(method)

    def increment(  # type: ignore[override]  # urllib3's stubs say Self; an exhausted retry is a plain Retry
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        call = current.get()
        if call is not None and (call.retry is False or call.expired):
            return self._give_up(method, url, response, error, _pool, _stacktrace)
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        wait = new.get_backoff_time()
        if response is not None and self.respect_retry_after_header:
            with contextlib.suppress(InvalidHeader):
                wait = new.get_retry_after(response) or wait
        room = call.remaining() if call is not None else None
        if wait >= (MAX_RETRY_WAIT if room is None else room):
            return self._give_up(method, url, response, error, _pool, _stacktrace)
        return new

    def _give_up(self, *args: Any) -> Retry:
        """Exactly what an exhausted Retry does: raise MaxRetryError (urllib3 then returns the last status reply)."""
        spent = self.new(total=0, connect=0, read=0, redirect=0, status=0, other=0)
        return Retry.increment(spent, *args)
