"""What each sandbox service was asked and what it answered, so tests count on the server's side.

The fault injector records one :class:`Hit` per request: when it arrived, the path, the name it
is counted under (API method, cpgAPI function or page), the status answered and the fault that
answered or damaged it; for uploads, also the id the upload stored and the id the reply named
(they differ when the ``wrong_id`` faults lie). :class:`RequestLog` is a snapshot with the
numbers a test asserts on: requests refused by the rate limit, uploads that reached the
service's upload handler, requests answered per second, the busiest window.

Times are seconds on the sandbox's monotonic clock (``time.monotonic()`` in its process): only
differences between them mean anything. The log keeps the latest :data:`MAX_HITS` requests; its
counters count every request since the last reset.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, replace

MAX_HITS = 100_000
"""Requests a service's log keeps (the oldest are dropped first); the counters are not bounded."""

RATE_LIMITED = "rate_limit"
"""The ``fault`` of a request the rate limit refused."""


@dataclass(frozen=True)
class Hit:
    """One request as the service saw it. ``status`` is 0 when the connection was closed without a reply."""

    at: float
    method: str
    path: str
    name: str
    status: int = 0
    fault: str | None = None
    stored_id: int | None = None
    """For an upload: the id of what it stored (None when nothing was stored)."""
    named_id: int | None = None
    """For an upload: the id the service put in its reply (``stored_id``, unless a ``wrong_id`` fault lied)."""

    @property
    def refused(self) -> bool:
        """Whether the rate limit refused this request (it was answered 429 or 503 and nothing was done)."""
        return self.fault == RATE_LIMITED


@dataclass(frozen=True)
class RequestLog:
    """A snapshot of one service's log: ``hits`` oldest first, and counters since the last reset."""

    hits: tuple[Hit, ...]
    refused: int
    """Requests the rate limit answered with 429 or 503 instead of the service."""
    uploads: int
    """Upload requests that reached the service's upload handler (Fotki ``upload``, ``uniload.php``,
    ``db_input.php``, ``cpgAPI.upload``), whether its checks then stored the file or refused it."""
    stored: int
    """Uploads that stored a photo or picture."""

    def per_second(self) -> dict[int, int]:
        """Requests the service handled (not refused by the rate limit) in each whole second of the clock."""
        counts: dict[int, int] = {}
        for hit in self.hits:
            if not hit.refused:
                counts[int(hit.at)] = counts.get(int(hit.at), 0) + 1
        return counts

    def busiest(self, window: float = 1.0) -> int:
        """The most requests the service handled within any ``window`` seconds (a sliding window)."""
        times = sorted(hit.at for hit in self.hits if not hit.refused)
        best, first = 0, 0
        for last, now in enumerate(times):
            while times[first] <= now - window:
                first += 1
            best = max(best, last - first + 1)
        return best

    def as_json(self) -> dict[str, object]:
        """The log as plain JSON values (for the control API)."""
        return {
            "hits": [asdict(hit) for hit in self.hits],
            "refused": self.refused,
            "uploads": self.uploads,
            "stored": self.stored,
            "per_second": {str(second): n for second, n in self.per_second().items()},
        }


class Recorder:
    """The live logs of the services, safe to write from many request threads at once."""

    def __init__(self, services: tuple[str, ...]) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, deque[Hit]] = {name: deque(maxlen=MAX_HITS) for name in services}
        self._counts = {name: dict.fromkeys(("refused", "uploads", "stored"), 0) for name in services}

    def add(self, service: str, hit: Hit, *, upload: bool = False) -> None:
        """Record a finished request (``upload``: it reached the service's upload handler)."""
        with self._lock:
            self._hits[service].append(hit)
            counts = self._counts[service]
            counts["refused"] += hit.refused
            counts["uploads"] += upload
            counts["stored"] += hit.stored_id is not None
        return None

    def snapshot(self, service: str) -> RequestLog:
        with self._lock:
            return RequestLog(tuple(self._hits[service]), **self._counts[service])

    def reset(self, service: str) -> None:
        with self._lock:
            self._hits[service].clear()
            self._counts[service] = dict.fromkeys(self._counts[service], 0)


def finished(hit: Hit, status: int, fault: str | None, stored_id: int | None, named_id: int | None) -> Hit:
    """``hit`` completed with what the request's answer turned out to be."""
    return replace(hit, status=status, fault=fault or hit.fault, stored_id=stored_id, named_id=named_id)
