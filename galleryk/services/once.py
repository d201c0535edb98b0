"""Making something exactly once when a reply can be lost: look for it before asking again.

An upload or an album creation whose reply is lost (a timeout, a cut connection, an error
page) may have been done by the service, or may still be done by a slow one. Asking again at
once could make a second photo or a second album. :func:`make_once` asks once; when the reply
is lost it waits, longer the slower the lost attempt was, then looks for the thing (``find``);
only when it is not there is it asked for again, up to the policy's number of tries. (Uploads
are settled the same way by the push engine, with its journal, for many items at a time.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from ..base.errors import ServiceError, TransportError
from ..transport.retry import DEFAULT, RetryPolicy

T = TypeVar("T")
log = logging.getLogger("galleryk.services")

SETTLE_MIN = 0.5
"""Seconds to wait at least before looking for what a lost reply may have made."""
SETTLE_FACTOR = 1.0
"""The wait grows with the lost attempt's duration: a server that took 8 s to fail gets 8 s more to finish."""
SETTLE_MAX = 60.0


def settle_time(took: float) -> float:
    """How long to give a lost attempt that took ``took`` seconds to land before looking for it."""
    return min(max(SETTLE_MIN, SETTLE_FACTOR * took), SETTLE_MAX)


def make_once(
    make: Callable[[], T],
    find: Callable[[], T | None],
    *,
    what: str,
    policy: RetryPolicy = DEFAULT,
    in_doubt: tuple[type[BaseException], ...] = (TransportError,),
    sleep: Callable[[float], object] = time.sleep,
) -> T:
    """``make()``, and after a reply lost in a way listed in ``in_doubt``: wait, ``find()``, and only then again.

    A temporary refusal of the service (it did not act) is tried again after the policy's wait,
    without looking. Other failures are raised at once. ``what`` names it in the log.
    """
    attempt = 0
    while True:
        started = time.monotonic()
        try:
            return make()
        except ServiceError as exc:
            if not exc.temporary or attempt >= policy.retries:
                raise
            sleep(policy.wait(attempt, exc))
        except in_doubt as exc:
            took = time.monotonic() - started
            sleep(settle_time(took))
            found = find()
            if found is not None:
                log.info("the reply to %s was lost (%s); it had been done: %s", what, exc, found)
                return found
            if attempt >= policy.retries:
                raise
            log.info("the reply to %s was lost (%s) and it had not been done: asking again", what, exc)
        attempt += 1


__all__ = ["make_once", "settle_time"]
