"""The one retry policy: which failures may pass on a second try, how long to wait, and what is safe to repeat.

Two rules decide whether a failed call is tried again:

- a **temporary** service refusal (the service is unavailable, or asks to wait) is repeated
  whatever the call: the service did not act on it;
- a failure **on the way** (a cut reply, a timeout, an error page) is repeated only for an
  **idempotent** call (a read, a look-up, an edit that sets a value): a second upload or a
  second "create" could make a second photo or album, so those go through the push engine's
  look-before-resend instead. A reply over the size cap, a refused redirect or a value that
  does not parse would fail the same way again, a timeout has used up the call's deadline
  (the transport retried within it already), and a rate limit that reaches the caller asked for
  a longer wait than galleryk grants (the transport waits out shorter ones itself, pausing every
  request of the client: :mod:`.ratelimit`): those are never repeated here.

Waits grow 0.2, 0.4, 0.8... seconds, at most ``max_wait``; a service that says how long to wait
(``Retry-After``) is obeyed, up to ``max_retry_after``. At the HTTP level the transport's urllib3
retries (safe methods only) follow the same numbers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ..base.errors import (
    BadValue,
    Cancelled,
    GallerykError,
    RateLimited,
    RedirectRefused,
    ReplyTooLarge,
    RequestTimeout,
    ServiceError,
    TransportError,
)

T = TypeVar("T")
_FINAL = (ReplyTooLarge, RedirectRefused, BadValue, RequestTimeout, RateLimited)


@dataclass(frozen=True)
class RetryPolicy:
    """How many more tries a call gets (``retries``), and how long to wait before each."""

    retries: int = 3
    first_wait: float = 0.2
    max_wait: float = 2.0
    max_retry_after: float = 120.0
    """The longest wait a service's ``Retry-After`` is granted before galleryk gives up on it."""

    def wait(self, attempt: int, exc: BaseException | None = None) -> float:
        """Seconds to wait before try ``attempt + 2`` (``attempt`` counts from 0), heeding a Retry-After."""
        wait = min(self.first_wait * 2**attempt, self.max_wait)
        after = getattr(exc, "retry_after", None)
        if isinstance(after, (int, float)) and after > 0:
            wait = max(wait, min(float(after), self.max_retry_after))
        return wait

    def may_retry(self, exc: BaseException, *, idempotent: bool) -> bool:
        """Whether ``exc`` is a failure that a second try of the same call may get past (see the module)."""
        if isinstance(exc, ServiceError):
            return exc.temporary
        if isinstance(exc, TransportError):
            return idempotent and not isinstance(exc, _FINAL)
        return False

    def call(
        self,
        fn: Callable[[], T],
        *,
        idempotent: bool = True,
        cancel: threading.Event | None = None,
        on_retry: Callable[[int, BaseException, float], object] | None = None,
    ) -> T:
        """``fn()``, tried up to ``retries`` more times while it fails in a way :meth:`may_retry` allows.

        ``cancel`` (an Event) stops the waiting with :class:`~galleryk.base.errors.Cancelled`.
        ``on_retry(attempt, exc, wait)`` is told before each wait (for a log line or a status).
        """
        attempt = 0
        while True:
            try:
                return fn()
            except GallerykError as exc:
                if attempt >= self.retries or not self.may_retry(exc, idempotent=idempotent):
                    raise
                pause = self.wait(attempt, exc)
                if on_retry is not None:
                    on_retry(attempt, exc, pause)
            attempt += 1
            if cancel is not None:
                if cancel.wait(pause):
                    raise Cancelled("cancelled while waiting to try again")
            else:
                time.sleep(pause)


DEFAULT = RetryPolicy()
"""The policy galleryk uses unless told otherwise."""

__all__ = ["DEFAULT", "RetryPolicy"]
