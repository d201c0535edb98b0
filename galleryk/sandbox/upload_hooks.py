"""Where a sandbox service tells the fault injector about an upload: reached, stored, or lied about.

The fault injector watches each request it passes to a service (:func:`watching`, a context
variable, so nothing is threaded through the services' signatures). A service calls:

- :func:`reached` when a request is routed to its upload handler (before that handler's checks);
- :func:`planned_lie` just before it would store an upload that passed every check: None, or a
  :class:`Lie` the ``wrong_id`` faults want told (``unstored``: do not store it at all);
- :func:`stored` with the id it stored, and :meth:`Lie.tell` with the unrelated id its reply
  names instead.

Outside a watched request (the seed, a direct call in a test) every hook does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

WRONG_ID = "wrong_id"
WRONG_ID_UNSTORED = "wrong_id_unstored"


@dataclass
class UploadWatch:
    """What one request's service reported about an upload; the fault injector reads it when the request ends."""

    draw: Callable[[], str | None] = field(default=lambda: None)
    """Draws the lie to tell (a ``wrong_id`` kind, counted as injected) or None."""
    undraw: Callable[[str], None] = field(default=lambda kind: None)
    """Takes back a drawn lie that could not be told (no other photo to name)."""
    reached: bool = False
    stored_id: int | None = None
    named_id: int | None = None
    lie: str | None = None


@dataclass
class Lie:
    """A lie the ``wrong_id`` faults want told about this upload."""

    kind: str
    watch: UploadWatch

    @property
    def unstored(self) -> bool:
        """Whether the upload must not be stored (``wrong_id_unstored``)."""
        return self.kind == WRONG_ID_UNSTORED

    def tell(self, named_id: int | None, stored_id: int | None) -> bool:
        """Name ``named_id`` in the reply (what was stored: ``stored_id``); False, and nothing told, without one."""
        if named_id is None:
            self.watch.undraw(self.kind)
            return False
        self.watch.stored_id, self.watch.named_id, self.watch.lie = stored_id, named_id, self.kind
        return True


_current: ContextVar[UploadWatch | None] = ContextVar("galleryk_sandbox_upload_watch", default=None)


@contextmanager
def watching(watch: UploadWatch) -> Iterator[UploadWatch]:
    """Let the services of this request report to ``watch``."""
    token = _current.set(watch)
    try:
        yield watch
    finally:
        _current.reset(token)


def reached() -> None:
    """The request was routed to the service's upload handler."""
    watch = _current.get()
    if watch is not None:
        watch.reached = True


def planned_lie() -> Lie | None:
    """The lie to tell about the upload about to be stored, or None (drawn once per call)."""
    watch = _current.get()
    if watch is None:
        return None
    kind = watch.draw()
    return None if kind is None else Lie(kind, watch)


def stored(stored_id: int) -> None:
    """The upload was stored under ``stored_id`` and the reply names it (unless a lie was told)."""
    watch = _current.get()
    if watch is not None and watch.lie is None:
        watch.stored_id = watch.named_id = stored_id
