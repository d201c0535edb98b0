"""A sliding-window request budget: at most N requests admitted in any W seconds, as a rate-limited server keeps.

Pure bookkeeping on a clock the caller passes in, so the fault injector decides with the same
reading it logs, and the tests can assert on a window exactly. Refused requests do not spend
the budget: a client that waits ``Retry-After`` seconds is admitted.
"""

from __future__ import annotations

import math
from collections import deque


class SlidingWindow:
    """At most ``budget`` admissions in any ``window`` seconds (a request at ``t`` counts until ``t + window``)."""

    def __init__(self, budget: int, window: float) -> None:
        if budget < 1:
            raise ValueError(f"rate_limit={budget!r} must be at least 1 request")
        if not window > 0:
            raise ValueError(f"rate_window={window!r} must be a positive number of seconds")
        self.budget = budget
        self.window = window
        self._admitted: deque[float] = deque()

    def admit(self, now: float) -> float | None:
        """Admit a request arriving at ``now`` (None), or say how many seconds until the window has room again."""
        while self._admitted and self._admitted[0] <= now - self.window:
            self._admitted.popleft()
        if len(self._admitted) < self.budget:
            self._admitted.append(now)
            return None
        return self._admitted[0] + self.window - now


def retry_after(seconds: float) -> int:
    """The ``Retry-After`` value for a wait of ``seconds``: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(seconds))
