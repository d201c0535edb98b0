"""What a push tells as it goes: its progress bar, the caller's ``on_item`` and ``on_progress``, and cancelling."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .items import Item
from .lock import PushCancelled
from .outcomes import Outcome

log = logging.getLogger("galleryk.push")


class Watch:
    """What a push tells as it goes: its progress bar, and the caller's ``on_item`` and ``on_progress``."""

    def __init__(
        self, bar: Any, on_item: Callable[[Any, str], Any] | None, on_progress: Callable[[Any, int, int], Any] | None
    ) -> None:
        self.bar, self.on_item, self.on_progress = bar, on_item, on_progress
        self._told: set[int] = set()
        self._lock = threading.Lock()

    def describe(self, text: str) -> None:
        self.bar.set_description_str(text)

    def done(self, item: Item, outcome: Outcome) -> None:
        """``item`` has its final status: count it, and tell ``on_item`` (once per item)."""
        with self._lock:
            if id(item) in self._told:
                return
            self._told.add(id(item))
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
