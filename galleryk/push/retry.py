"""Calling again a request that is safe to repeat (a read, a look-up) when its failure may pass."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import ServiceError, TransportError
from .lock import PushCancelled

T = TypeVar("T")


def backoff(attempt: int) -> float:
    """Seconds to wait before try ``attempt + 1``: 0.2, 0.4, 0.8... at most 2."""
    return min(0.1 * 2 ** (attempt + 1), 2.0)


def retrying(call: Callable[[], T], retries: int, cancel: threading.Event | None = None) -> T:
    """``call()``, tried up to ``retries`` more times after a transport error or a temporary service error."""
    for attempt in range(retries + 1):
        try:
            return call()
        except (TransportError, ServiceError) as exc:
            if (isinstance(exc, ServiceError) and not exc.temporary) or attempt >= retries:
                raise
        if cancel is not None:
            if cancel.wait(backoff(attempt)):
                raise PushCancelled("cancelled")
        else:
            time.sleep(backoff(attempt))
    raise AssertionError("unreachable")
