"""What a push tells as it goes: its progress bar, the caller's ``on_item``, ``on_progress`` and ``on_status``,
and cancelling."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from .items import Item
from .lock import PushCancelled
from .outcomes import Outcome

log = logging.getLogger("galleryk.push")


class Watch:
    """What a push tells as it goes: its progress bar, and the caller's ``on_item``, ``on_progress`` and
    ``on_status``."""

    def __init__(
        self,
        bar: Any,
        on_item: Callable[[Any, str], Any] | None,
        on_progress: Callable[[Any, int, int], Any] | None,
        on_status: Callable[[str], Any] | None = None,
    ) -> None:
        self.bar, self.on_item, self.on_progress, self.on_status = bar, on_item, on_progress, on_status
        self._told: set[int] = set()
        self._lock = threading.Lock()
        self._text = ""
        self._paused_until: float | None = None

    def describe(self, text: str) -> None:
        """What the push is doing now (shown unless it is waiting for a rate limit's pause)."""
        with self._lock:
            self._text = text
            if self._paused_until is not None and time.time() < self._paused_until:
                return
        self._show(text)

    def _show(self, text: str) -> None:
        self.bar.set_description_str(text)
        if self.on_status is not None:
            call_quietly(self.on_status, text)

    def paused(self, until: float) -> None:
        """The service's rate limit holds every request until ``until`` (a ``time.time()`` value): say so."""
        clock = time.strftime("%H:%M:%S", time.localtime(until))
        with self._lock:
            known = self._paused_until is not None and abs(self._paused_until - until) < 1.0
            self._paused_until = until
        if not known:
            log.info("push: the service asks to slow down; waiting for its rate limit until %s", clock)
        self._show(f"waiting for the rate limit until {clock}")

    def _resume(self) -> None:
        with self._lock:
            if self._paused_until is None or time.time() < self._paused_until:
                return
            self._paused_until = None
            text = self._text
        self._show(text)

    def done(self, item: Item, outcome: Outcome) -> None:
        """``item`` has its final status: count it, and tell ``on_item`` (once per item)."""
        with self._lock:
            if id(item) in self._told:
                return
            self._told.add(id(item))
        self._resume()
        self.bar.update(1)
        if self.on_item is not None:
            call_quietly(self.on_item, item.index, outcome.status)

    def sending(self, item: Item, cancel: threading.Event) -> Sending:
        """The progress callback of ``item``'s upload (see :class:`Sending`)."""
        return Sending(item, cancel, self.on_progress)

    def close(self, items: list[Item], outcomes: dict[int, Outcome]) -> None:
        """Tell ``on_item`` of the items never done (cancelled before they started), and close the bar."""
        for item in items:
            outcome = outcomes.get(id(item))
            if outcome is not None:
                self.done(item, outcome)
        self.bar.close()


STOPPED_SENDING = "cancelled while sending: the service got part of the file only, so it stored nothing"
NOT_SENT = "cancelled before it was sent (while waiting for the service's rate limit)"


class Sending:
    """One upload's progress callback: tells ``on_progress``, and stops the body when the push is cancelled.

    It stops a body only before its last bytes are handed over, so a stopped upload never reached
    the service whole: ``aborted`` then says it is not in doubt, but not sent.
    """

    def __init__(self, item: Item, cancel: threading.Event, on_progress: Callable[[Any, int, int], Any] | None) -> None:
        self.item, self.cancel, self.on_progress = item, cancel, on_progress
        self.aborted = False

    def __call__(self, sent: int, total: int) -> None:
        if self.cancel.is_set() and 0 <= sent < total:
            self.aborted = True
            raise PushCancelled("cancelled while sending")
        if self.on_progress is not None:
            call_quietly(self.on_progress, self.item.index, sent, total)


def call_quietly(callback: Callable[..., Any], *args: Any) -> None:
    try:
        callback(*args)
    except Exception:  # a caller's display must not break the push
        log.warning("push: the %s callback failed", getattr(callback, "__name__", "progress"), exc_info=True)
