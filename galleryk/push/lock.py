"""One push at a time per target and album on this machine: a lock file that every process respects.

Two pushes of the same photos into the same album, started together, would each find nothing
on the service and each upload everything. The lock is keyed by the target (service, endpoint,
user) and the album, not by the journal, so separate journals are held apart too. The second
push waits for the first (saying so), or after ``timeout`` seconds raises :class:`PushBusy`.
It is an operating-system file lock (``filelock``): it dies with its process, so a killed push
never leaves a stale lock. Pushes on other machines do not see it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..base.cachedir import cache_dir
from ..base.errors import Cancelled, GallerykError

log = logging.getLogger("galleryk.push")
_held = threading.local()
"""The lock keys each thread holds (so that an apply's own push does not wait for the apply)."""


class PushBusy(GallerykError):
    """Another push to the same target and album is running on this machine; ``holder`` says which, when known."""

    def __init__(self, message: str, *, holder: dict | None = None) -> None:
        self.holder = holder or {}
        super().__init__(message)


class PushCancelled(Cancelled):
    """The push was cancelled (Ctrl-C or the cancel event) while it waited."""


def cache_root() -> Path:
    """galleryk's cache folder (see :mod:`galleryk.cachedir`): journals and locks live below it."""
    return cache_dir()


def lock_path(key: str, url: str | None = None) -> Path:
    """The lock file for a target-and-album key; ``url``: the target's address (a sandbox keeps its own locks)."""
    return cache_dir("locks", url=url) / f"push-{hashlib.sha256(key.encode()).hexdigest()[:24]}.lock"


def _holder_text(holder: dict) -> str:
    if not holder:
        return "another process"
    since = time.strftime("%H:%M:%S", time.localtime(holder.get("since", time.time())))
    where = "this process" if holder.get("pid") == os.getpid() else f"process {holder.get('pid')}"
    return f"{where}, since {since}"


def _read_holder(path: Path) -> dict:
    try:
        return json.loads(path.with_suffix(".who").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def album_lock(
    key: str,
    label: str,
    *,
    timeout: float | None = None,
    cancel: threading.Event | None = None,
    on_wait: Callable[[str], None] | None = None,
    url: str | None = None,
) -> Iterator[None]:
    """Hold the lock of ``key`` for the block; ``label`` names the push in messages (no secrets).

    ``timeout``: seconds to wait for another holder (None: as long as it runs; 0: not at all).
    ``on_wait(message)`` is called once when the lock is busy, before waiting.
    A thread that holds the lock already (an apply running its uploads as a push) enters again at once.
    """
    held: set[str] = _held.__dict__.setdefault("keys", set())
    if key in held:
        yield
        return
    path = lock_path(key, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock, Timeout  # here: only a push needs it

    lock = FileLock(str(path), thread_local=False)
    started = time.monotonic()
    told = False
    while True:
        try:
            lock.acquire(timeout=0.25 if told else 0)
            break
        except Timeout:
            holder = _read_holder(path)
            waited = time.monotonic() - started
            if timeout is not None and waited >= timeout:
                raise PushBusy(
                    f"another push to {label} is running on this machine ({_holder_text(holder)}); it holds "
                    f"{path}. Wait for it to finish, or pass lock_timeout=None to wait as long as it runs.",
                    holder=holder,
                ) from None
            if not told:
                told = True
                message = f"waiting for another push to {label} to finish ({_holder_text(holder)})"
                log.warning("%s", message)
                if on_wait is not None:
                    on_wait(message)
            if cancel is not None and cancel.is_set():
                raise PushCancelled("cancelled while waiting for another push to the same album") from None
    try:
        who = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time(), "push": label}
        with contextlib.suppress(OSError):
            path.with_suffix(".who").write_text(json.dumps(who), encoding="utf-8")
        held.add(key)
        yield
    finally:
        held.discard(key)
        with contextlib.suppress(OSError):
            path.with_suffix(".who").unlink()
        lock.release()
