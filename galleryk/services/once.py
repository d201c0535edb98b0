"""Making something exactly once when a reply can be lost: look for it before asking again.

An upload or an album creation whose reply is lost (a timeout, a cut connection, an error
page) may have been done by the service, or may still be done by a slow one. Asking again at
once could make a second photo or a second album. :func:`make_once` asks once; when the reply
is lost it waits, longer the slower the lost attempt was (:func:`settle_time`), looking for the
thing (``find``) now and then meanwhile; only when it is still not there is it asked for again,
up to the policy's number of tries. (Uploads are settled the same way by the push engine, with
its journal, for many items at a time.)

A process that dies while it asks (SIGKILL, a power cut, Ctrl-C in the middle of the request)
cannot look for itself. So, given a ``key``, make_once writes a small record of the request
under way (in galleryk's cache folder, ``pending/``) before it sends it, and removes it once the
outcome is known. The next make_once with that key that finds the record knows a creation may
still land: it looks for the thing (``existing``) until :data:`ORPHAN_SETTLE` seconds after that
request was sent (longer when looking is slow), and makes it only when it has not appeared.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..base.cachedir import cache_dir
from ..base.errors import RateLimited, ServiceError, TransportError
from ..transport.retry import DEFAULT, RetryPolicy

T = TypeVar("T")
log = logging.getLogger("galleryk.services")

SETTLE_MIN = 0.5
"""Seconds to wait at least before looking for what a lost reply may have made."""
SETTLE_BASE = 5.0
"""Seconds a lost attempt is given to land, on top of as long as it had taken (as a push gives uploads)."""
SETTLE_MAX = 120.0
LOOK_EVERY = 1.0
"""Seconds between looks while a lost attempt is given time to land."""
ORPHAN_SETTLE = 15.0
"""Seconds after it was sent that a creation left by a process that died is looked for before it is made again."""


def settle_time(took: float) -> float:
    """How long to give a lost attempt that took ``took`` seconds to land before asking again."""
    return min(SETTLE_BASE + max(0.0, took), SETTLE_MAX)


def make_once(
    make: Callable[[], T],
    find: Callable[[], T | None],
    *,
    what: str,
    policy: RetryPolicy = DEFAULT,
    in_doubt: tuple[type[BaseException], ...] = (TransportError,),
    sleep: Callable[[float], object] = time.sleep,
    key: str | None = None,
    existing: Callable[[], T | None] | None = None,
) -> T:
    """``make()``, and after a reply lost in a way listed in ``in_doubt``: wait and ``find()``, and only then again.

    A temporary refusal of the service (it did not act) is tried again after the policy's wait,
    without looking. A rate limit that reached here (the service asks for a long wait) and other
    failures are raised at once. ``what`` names it in the log. ``key`` (the account and the name
    of the thing) keeps a record on disk while the request is under way, so that a later call
    after a process died settles it first with ``existing()`` (the thing by its name, made by
    whoever; default ``find``).
    """
    record = _Record(key) if key is not None else None
    if record is not None:
        found = record.settle_orphan(existing or find, sleep)
        if found is not None:
            log.info("%s: an earlier process had asked, and it had been done: %s", what, found)
            return found
    attempt = 0
    while True:
        started = time.monotonic()
        if record is not None:
            record.write(what)
        try:
            made = make()
        except ServiceError as exc:
            if record is not None:
                record.clear()
            if not exc.temporary or attempt >= policy.retries:
                raise
            sleep(policy.wait(attempt, exc))
        except RateLimited:
            if record is not None:
                record.clear()
            raise
        except in_doubt as exc:
            took = time.monotonic() - started
            found = _look_until(find, started + took + settle_time(took), sleep)
            if found is not None:
                if record is not None:
                    record.clear()
                log.info("the reply to %s was lost (%s); it had been done: %s", what, exc, found)
                return found
            if attempt >= policy.retries:
                raise  # the record stays: a later call looks once more before making it
            log.info("the reply to %s was lost (%s) and it had not been done: asking again", what, exc)
        # anything else (Ctrl-C in the middle of the request) leaves the record, for the next call to settle
        else:
            if record is not None:
                record.clear()
            return made
        attempt += 1


def _look_until(find: Callable[[], T | None], due: float, sleep: Callable[[float], object]) -> T | None:
    """``find()`` after :data:`SETTLE_MIN`, then every :data:`LOOK_EVERY` seconds until ``due`` (monotonic)."""
    sleep(SETTLE_MIN)
    while True:
        found = find()
        if found is not None:
            return found
        left = due - time.monotonic()
        if left <= 0:
            return None
        sleep(min(LOOK_EVERY, left))


class _Record:
    """A creation under way, on disk: ``pending/<hash of key>.json`` with what it is and when it was sent."""

    def __init__(self, key: str) -> None:
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        self.path: Path = cache_dir("pending") / f"create-{digest}.json"

    def write(self, what: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".part")
            partial.write_text(json.dumps({"what": what, "sent": time.time(), "pid": os.getpid()}))
            os.replace(partial, self.path)
        except OSError as exc:  # a cache folder that cannot be written: no record, the rest goes on
            log.warning(
                "cannot note %s in %s (%s): a process that dies meanwhile may make it twice", what, self.path, exc
            )

    def clear(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()

    def sent(self) -> float | None:
        """When a request with this key was sent and never settled (a ``time.time()`` value), or None."""
        try:
            return float(json.loads(self.path.read_text())["sent"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def settle_orphan(self, existing: Callable[[], T | None], sleep: Callable[[float], object]) -> T | None:
        """What a request left unsettled (by a process that died) made, looked for until it is surely in; None
        when it did not appear (or there was no such request)."""
        sent = self.sent()
        if sent is None:
            return None
        began = time.monotonic()
        found = existing()
        looked = time.monotonic() - began
        due = began + max(0.0, sent + max(ORPHAN_SETTLE, 3 * looked) - time.time())
        while found is None and time.monotonic() < due:
            sleep(min(LOOK_EVERY, due - time.monotonic()))
            found = existing()
        self.clear()
        return found


__all__ = ["ORPHAN_SETTLE", "make_once", "settle_time"]
