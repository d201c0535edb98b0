"""One pause and one pace for every request of a client: what a rate-limited service asks for, kept in one place.

A service (or the web server in front of it) that answers **429 Too Many Requests** or **503
Service Unavailable** did not act on the request: it asks the client to slow down, often saying
for how long (``Retry-After``: seconds, or a date). A client with several threads must not let
each of them find that out for itself and carry on at full speed. So every request of a
:class:`~galleryk.transport.Transport` passes one :class:`RateGate` first:

- a refusal **pauses the whole client**: no thread sends anything until ``Retry-After`` has
  passed (or, without one, 1 s, doubling with each refusal in a row, at most 60 s), plus a
  little jitter so that several clients do not come back at the same instant;
- the gate **learns a pace** from the refusal: how many requests of that kind (method and path)
  the service had admitted in the ``Retry-After`` span before it (a sliding-window budget is
  full just then), and from then on spaces that kind's requests evenly, one fewer than that per
  span and at most :data:`PACE_SHARE` of it, so the budget is not met again; five minutes
  without a refusal and the learned pace is dropped;
- a budget the user gave (``calls_per_hour``) is a pace too; the slower of the two applies;
- a service that asks for more than ``max_retry_after`` seconds (a day, say) is not waited
  for: every request fails at once with :class:`~galleryk.base.errors.RateLimited`, saying until
  when, until that time has passed.

Whoever is waiting can be told (for a progress display) and can be cancelled: :func:`scope`
sets, for the calling thread's requests, an ``on_pause(until)`` callback (``until`` is a
``time.time()`` value) and a cancel Event, which ends a wait with
:class:`~galleryk.base.errors.Cancelled`.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from ..base.errors import Cancelled

REFUSAL_STATUSES = frozenset({429, 503})
"""HTTP statuses by which a server refuses a request it did not act on, asking the client to wait."""
FIRST_WAIT = 1.0
"""Seconds paused after a refusal without ``Retry-After``; doubled for each further refusal in a row."""
MAX_DEFAULT_WAIT = 60.0
MAX_RETRY_AFTER = 300.0
"""The longest ``Retry-After`` that is waited for; a longer one fails requests until its time."""
MAX_PAUSED = 900.0
"""Seconds one request may spend paused by refusals, over all its tries, before it fails."""
PACE_SHARE = 0.95
"""The share of the rate a service admitted before refusing that the learned pace keeps to."""
RELAX_AFTER = 300.0
"""Seconds without a refusal after which a learned pace is dropped."""
JITTER_SHARE = 0.05
JITTER_MAX = 0.25
_STEP = 0.25  # longest sleep between looks at a cancel Event


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (whole seconds or an HTTP date); None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class Scope:
    """What the requests of one thread are part of: a cancel Event, and who is told of a pause."""

    cancel: threading.Event | None = None
    on_pause: Callable[[float], object] | None = None


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("galleryk_rate_scope", default=None)
_NO_SCOPE = Scope()


@contextlib.contextmanager
def scope(
    *, cancel: threading.Event | None = None, on_pause: Callable[[float], object] | None = None
) -> Iterator[None]:
    """For the calling thread's requests in the block: a ``cancel`` Event that ends a wait at the gate
    (:class:`~galleryk.base.errors.Cancelled`), and ``on_pause(until)`` told when a request must wait
    for a rate limit's pause (``until``: a ``time.time()`` value)."""
    token = _scope.set(Scope(cancel, on_pause))
    try:
        yield
    finally:
        _scope.reset(token)


class Closed(Exception):
    """The service asked for a wait longer than the gate grants: ``until`` (a ``time.time()`` value)."""

    def __init__(self, seconds: float, until: float) -> None:
        super().__init__(seconds, until)
        self.seconds = seconds
        self.until = until


@dataclass
class _Kind:
    """The learned pace of one kind of request (its method and path), and what the service admitted of it."""

    next: float = 0.0
    learned: float = 0.0
    last_refusal: float | None = None
    admitted: deque[float] = field(default_factory=deque)


class RateGate:
    """The one pause and pace of a client's requests (see the module). Safe to share between threads.

    Requests are told apart by *kind* (their method and path, as the transport names them): a
    service may limit uploads alone, so each kind learns its own pace from what the service
    admitted of it. The pause, and a budget the user gave, hold for every kind.
    """

    def __init__(
        self,
        calls_per_hour: float | None = None,
        *,
        max_retry_after: float = MAX_RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if calls_per_hour is not None and not calls_per_hour > 0:
            raise ValueError(f"calls_per_hour must be positive, not {calls_per_hour!r}")
        self.given_interval = 3600.0 / float(calls_per_hour) if calls_per_hour else 0.0
        """Seconds between requests that the user's own budget asks for (0: none given)."""
        self.max_retry_after = max_retry_after
        self._clock, self._wall, self._rng = clock, wall, rng
        self._lock = threading.Lock()
        self._next = 0.0
        self._paused_until = 0.0
        self._closed_until = 0.0
        self._in_a_row = 0
        self._kinds: dict[str, _Kind] = {}
        self.refusals = 0
        """Refusals (429/503) this gate has seen."""

    # -- what it says ---------------------------------------------------------------------
    def now(self) -> float:
        """This gate's clock (monotonic seconds), for :meth:`admitted` and :meth:`refused`."""
        return self._clock()

    @property
    def interval(self) -> float:
        """Seconds between requests of the most paced kind: the user's budget or a learned pace (0: no pace)."""
        with self._lock:
            now = self._clock()
            return max([self.given_interval, *(self._learned(k, now) for k in self._kinds.values())])

    def pace(self, kind: str = "") -> float:
        """Seconds between requests of ``kind`` now (0: no pace)."""
        with self._lock:
            known = self._kinds.get(kind)
            return max(self.given_interval, self._learned(known, self._clock()) if known else 0.0)

    @property
    def paused_until(self) -> float | None:
        """When the current pause ends (a ``time.time()`` value), or None when there is none."""
        with self._lock:
            left = self._paused_until - self._clock()
        return self._wall() + left if left > 0 else None

    @staticmethod
    def _learned(kind: _Kind, now: float) -> float:
        if kind.learned and kind.last_refusal is not None and now - kind.last_refusal > RELAX_AFTER:
            kind.learned = 0.0
        return kind.learned

    def _kind(self, name: str) -> _Kind:
        known = self._kinds.get(name)
        if known is None:
            known = self._kinds[name] = _Kind()
        return known

    # -- before and after each request ---------------------------------------------------------
    def wait(self, kind: str = "") -> float:
        """Block until a request of ``kind`` may go (the pause is over, its pace slot has come); return the seconds
        waited.

        Raises :class:`Closed` while the service has asked for a wait longer than the gate grants,
        and :class:`~galleryk.base.errors.Cancelled` when the thread's scope is cancelled meanwhile.
        """
        current = _scope.get() or _NO_SCOPE
        waited = 0.0
        told = 0.0
        while True:
            with self._lock:
                now = self._clock()
                if self._closed_until > now:
                    raise Closed(self._closed_until - now, self._wall() + self._closed_until - now)
                own = self._kind(kind)
                target = max(self._next, own.next, self._paused_until)
                if target <= now:
                    self._next = now + self.given_interval
                    own.next = now + self._learned(own, now)
                    return waited
                paused = self._paused_until > now
                until = self._wall() + (self._paused_until - now)
            if paused and current.on_pause is not None and abs(until - told) > 0.5:
                told = until
                current.on_pause(until)
            pause = min(target - now, _STEP) if current.cancel is not None else target - now
            if current.cancel is not None:
                if current.cancel.wait(pause):
                    raise Cancelled("cancelled while waiting for the service's rate limit")
            else:
                time.sleep(pause)
            waited += pause

    def admitted(self, sent_at: float, kind: str = "") -> None:
        """A request of ``kind`` sent at ``sent_at`` (this gate's clock) was not refused."""
        with self._lock:
            self._in_a_row = 0
            seen = self._kind(kind).admitted
            seen.append(sent_at)
            while seen and seen[0] < sent_at - self.max_retry_after:
                seen.popleft()

    def refused(self, retry_after: float | None, sent_at: float, kind: str = "") -> float:
        """A request of ``kind`` sent at ``sent_at`` was refused (429/503), asking for ``retry_after`` seconds
        (None: not said).

        Pauses every request of the client and learns the kind's pace (see the module); returns
        the seconds paused from now. Raises :class:`Closed` when the wait asked for is longer
        than ``max_retry_after``.
        """
        with self._lock:
            now = self._clock()
            self.refusals += 1
            self._in_a_row += 1
            if retry_after is not None and retry_after > self.max_retry_after:
                self._closed_until = max(self._closed_until, now + retry_after)
                raise Closed(retry_after, self._wall() + retry_after)
            wait = (
                retry_after
                if retry_after is not None
                else min(FIRST_WAIT * 2 ** (self._in_a_row - 1), MAX_DEFAULT_WAIT)
            )
            wait += min(JITTER_MAX, JITTER_SHARE * wait) * self._rng()
            self._paused_until = max(self._paused_until, now + wait)
            own = self._kind(kind)
            own.last_refusal = now
            # a sliding-window budget is full when it refuses: what it admitted in the span (up to this answer,
            # sent before or after this request) is its budget; keep one below it, and at most PACE_SHARE of it
            span = max(1.0, retry_after or 1.0)
            admitted = sum(1 for t in own.admitted if t > sent_at - span)
            if admitted:
                allowed = max(min(admitted - 1, admitted * PACE_SHARE), admitted / 2)
                own.learned = max(own.learned, span / allowed)
            return self._paused_until - now

    def __repr__(self) -> str:
        pace = self.interval
        shown = f"{1 / pace:.3g} requests/s" if pace else "no pace"
        return f"<galleryk RateGate {shown}, {self.refusals} refusals>"


def rounded_up(seconds: float) -> int:
    """Whole seconds, rounded up (for messages)."""
    return max(0, math.ceil(seconds))


__all__ = [
    "MAX_PAUSED",
    "MAX_RETRY_AFTER",
    "REFUSAL_STATUSES",
    "Closed",
    "RateGate",
    "Scope",
    "parse_retry_after",
    "scope",
]
