"""Push a selection to a service: concurrent, journaled, resumable, and without duplicates.

For every item the engine (1) skips it when the journal says it is done, (2) when the journal
says it is *in doubt* (an upload started whose reply never came: a crash, Ctrl-C, a cut
connection), asks the service whether it arrived, by looking in the album and the user's
recent photos for the item's marker tag/keyword, (3) otherwise writes the intent, uploads and
writes the outcome. Service errors that are final (a bad file) fail the item and the push goes
on; transport errors are in doubt and are resolved the same way before any retry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from ..errors import GallerykError, ServiceError, TransportError
from ..media import discard_prepared, file_digest, prepare_for_upload
from .items import Item, MetaSpec, build_items
from .journal import Journal
from .targets import Target, make_source, make_target

REPORT_COLUMNS = ["item", "status", "remote_id", "album", "error", "note", "bytes", "seconds", "attempts"]


class PushCancelled(GallerykError):
    """Raised inside workers when the push was cancelled; never escapes ``push``."""


class PlacementFailed(GallerykError):
    """A photo was uploaded but could not be put in its album; a rerun tries again."""


@dataclass
class _Outcome:
    status: str
    remote_id: str | None = None
    error: str | None = None
    note: str | None = None
    bytes: int | None = None
    seconds: float = 0.0
    attempts: int = 0


def default_journal_path(target: Target, album: str | None) -> Path:
    """Where a push's journal lives unless told otherwise: one file per target and album."""
    root = Path(os.environ.get("GALLERYK_CACHE_DIR") or Path.home() / ".cache" / "galleryk") / "journals"
    name = hashlib.sha256(f"{target.identity}\n{album}".encode()).hexdigest()[:20]
    return root / f"push-{name}.sqlite3"


def push(
    df: pd.DataFrame,
    target: Any,
    *,
    album: str | int | None = None,
    create: bool = False,
    title: MetaSpec = None,
    description: MetaSpec = None,
    tags: MetaSpec = None,
    resize: int | None = None,
    strip_metadata: bool = False,
    workers: int = 4,
    journal: str | Path | Journal | None = None,
    source: Any = None,
    retries: int = 3,
    settle: float = 5.0,
    progress: bool = True,
    cancel: threading.Event | None = None,
) -> pd.DataFrame:
    """Upload every row of ``df`` to ``target`` (a Fotki or Coppermine client); return a report DataFrame.

    One report row per input row (same index): status ``uploaded``, ``skipped`` (done before,
    found in the journal or on the service), ``failed`` (with the error) or ``cancelled``.

    ``album``/``create``: the photoset or album (id or title) and whether to make it when missing.
    ``title``/``description``/``tags``: a literal, a column name or a function of the row.
    ``source``: the client a listing ``df`` comes from, for a copy between services.
    ``journal``: where intent and outcome are recorded (default: one file per target and album).
    ``retries``: further attempts after a failure that may pass. ``settle``: seconds an upload
    left in doubt by a crash is given to land before the service is searched for it.
    ``cancel``: an Event that stops the push between items (Ctrl-C does the same).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    adapter = make_target(target, album=album, create=create)
    items = build_items(df, remote=source is not None, title=title, description=description, tags=tags)
    own_journal = not isinstance(journal, Journal)
    jr = journal if isinstance(journal, Journal) else Journal(journal or default_journal_path(adapter, adapter.album_key))
    cancel = cancel or threading.Event()
    outcomes: dict[int, _Outcome] = {}  # by id(item): a DataFrame index may repeat
    try:
        _prepare(adapter, jr, retries)
        runner = _Runner(adapter, jr, source, resize, strip_metadata, retries, cancel, settle)
        bar = tqdm(total=len(items), desc=f"push to {adapter.label}", unit="photo", disable=not progress or not items)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="galleryk-push")
        try:
            pending: dict[Future, Item] = {pool.submit(runner.run, item): item for item in items}
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for fut in done:
                    item = pending.pop(fut)
                    outcomes[id(item)] = fut.result()
                    bar.update(1)
        except KeyboardInterrupt:
            cancel.set()
            for fut, item in pending.items():
                if fut.cancel():
                    outcomes[id(item)] = _Outcome("cancelled", error="cancelled before it started")
            for fut, item in pending.items():
                if id(item) not in outcomes:
                    outcomes[id(item)] = fut.result()
        finally:
            pool.shutdown(wait=True)
            bar.close()
    finally:
        if own_journal:
            jr.close()
    rows = []
    for item in items:
        o = outcomes.get(id(item), _Outcome("cancelled", error="not started"))
        rows.append([item.label, o.status, o.remote_id, adapter.album_label, o.error, o.note, o.bytes, o.seconds,
                     o.attempts])
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS, index=[i.index for i in items])
    report["status"] = pd.Categorical(report["status"], categories=["uploaded", "skipped", "failed", "cancelled"])
    report["bytes"] = report["bytes"].astype("Int64")
    report["attempts"] = report["attempts"].astype("Int64")
    for col in ("item", "remote_id", "album", "error", "note"):
        report[col] = report[col].astype("string")
    return report


def _prepare(adapter: Target, jr: Journal, retries: int) -> None:
    """Resolve the album; a listing cut short on the way is read again."""
    for attempt in range(retries + 1):
        try:
            return adapter.prepare(jr)
        except TransportError:
            if attempt == retries:
                raise
            time.sleep(min(0.1 * 2 ** (attempt + 1), 2.0))


class _Runner:
    """Pushes one item at a time; shared by the worker threads."""

    def __init__(self, adapter: Target, jr: Journal, source: Any, resize: int | None, strip: bool,
                 retries: int, cancel: threading.Event, settle: float) -> None:
        self.adapter, self.jr, self.source, self.settle = adapter, jr, source, settle
        self.resize, self.strip, self.retries, self.cancel = resize, strip, retries, cancel
        self._source_adapter = make_source(source) if source is not None else None
        self._key_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def run(self, item: Item) -> _Outcome:
        started = time.monotonic()
        try:
            outcome = self._run(item)
        except PushCancelled:
            outcome = _Outcome("cancelled", error="cancelled")
        except (GallerykError, OSError, ValueError) as exc:
            outcome = _Outcome("failed", error=_describe(exc), bytes=item.bytes)
        outcome.seconds = round(time.monotonic() - started, 3)
        return outcome

    def _check(self) -> None:
        if self.cancel.is_set():
            raise PushCancelled("cancelled")

    def _run(self, item: Item) -> _Outcome:
        self._check()
        if item.problem:
            return _Outcome("failed", error=f"not uploaded: {item.problem}", bytes=item.bytes)
        if item.path is None:
            done = self._done(item)  # before downloading anything
            if done is not None:
                return done
            with tempfile.TemporaryDirectory(prefix="galleryk-copy-") as tmp:
                self._fetch_remote(item, Path(tmp))
                return self._push(item)
        if not item.path.is_file():
            return _Outcome("failed", error=f"no such file: {item.path}")
        item.bytes = item.path.stat().st_size
        if item.bytes == 0:
            return _Outcome("failed", error=f"not uploaded: the file is empty: {item.path}", bytes=0)
        if item.digest is None:
            item.digest = file_digest(item.path)
        if not item.title:
            item.title = item.path.stem
        return self._push(item)

    def _fetch_remote(self, item: Item, folder: Path) -> None:
        meta = self._retrying(lambda: self._source_adapter.fetch(item.remote_id, folder))
        item.path = meta["path"]
        item.bytes = item.path.stat().st_size
        item.digest = file_digest(item.path)
        item.title = item.title or meta.get("title") or item.path.stem
        item.description = item.description or meta.get("description")
        item.tags = item.tags or list(meta.get("tags") or [])

    def _done(self, item: Item) -> _Outcome | None:
        """A skip outcome when the journal says the item is done (placing it in the album if that was missed)."""
        a = self.adapter
        entry = self.jr.get(a.identity, item.key)
        if entry is None or entry.state != "uploaded":
            return None
        if entry.remote_id and not entry.in_album:
            self._place(entry.remote_id, item.key)
        return _Outcome("skipped", entry.remote_id or None, note="done in an earlier run",
                        bytes=item.bytes, attempts=entry.attempts)

    def _push(self, item: Item) -> _Outcome:
        with self._guard:
            lock = self._key_locks.setdefault(item.key, threading.Lock())
        with lock:  # two rows with the same content: the second waits, then finds it done
            return self._push_once(item)

    def _push_once(self, item: Item) -> _Outcome:
        a, jr, key = self.adapter, self.jr, item.key
        done = self._done(item)
        if done is not None:
            return done
        last_error = None
        for attempt in range(self.retries + 1):
            self._check()
            if attempt:
                time.sleep(min(0.1 * 2**attempt, 2.0))
            entry = jr.get(a.identity, key)
            try:
                if entry is None or entry.in_doubt:
                    # never pushed with this journal (another machine may have), or a reply was lost
                    if entry is not None:
                        self._settle(entry.started_at)
                    found = a.find(item, fresh=entry is not None)
                    if found is not None:
                        jr.start(a.identity, key, {"label": item.label})
                        jr.uploaded(a.identity, key, found)
                        self._place(found, key)
                        if entry is None:
                            return _Outcome("skipped", found, note="already on the service (found by its marker)",
                                            bytes=item.bytes, attempts=0)
                        return _Outcome("uploaded", found, note="its earlier upload had arrived",
                                        bytes=item.bytes, attempts=entry.attempts)
                jr.start(a.identity, key, {"label": item.label})
                upload_path = self._prepared(item)
                try:
                    remote_id, note = a.upload(item, upload_path)
                finally:
                    if upload_path != item.path:
                        discard_prepared(upload_path)
            except TransportError as exc:
                last_error = _describe(exc)  # in doubt: the next round looks on the service before uploading
                continue
            except ServiceError as exc:
                if exc.temporary:
                    last_error = _describe(exc)
                    continue
                jr.failed(a.identity, key, _describe(exc))
                return _Outcome("failed", error=_describe(exc), bytes=item.bytes, attempts=self._attempts(key))
            jr.uploaded(a.identity, key, remote_id or "")
            if remote_id:
                self._place(remote_id, key)
            return _Outcome("uploaded", remote_id or None, note=note, bytes=item.bytes, attempts=self._attempts(key))
        return _Outcome("failed", error=f"gave up after {self.retries + 1} attempts; last: {last_error}",
                        bytes=item.bytes, attempts=self._attempts(key))

    def _settle(self, started_at: float | None) -> None:
        """Give an orphaned upload time to land: a server may still store it after its client died."""
        remaining = (started_at or 0) + self.settle - time.time()
        if remaining > 0 and self.cancel.wait(remaining):
            raise PushCancelled("cancelled")

    def _attempts(self, key: str) -> int:
        entry = self.jr.get(self.adapter.identity, key)
        return entry.attempts if entry else 0

    def _place(self, remote_id: str, key: str) -> None:
        try:
            self._retrying(lambda: self.adapter.place(remote_id, self.jr, key))
        except GallerykError as exc:
            raise PlacementFailed(
                f"uploaded as {remote_id} but not added to the album ({_describe(exc)}); rerun the push to retry"
            ) from None

    def _retrying(self, call: Any) -> Any:
        for attempt in range(self.retries + 1):
            try:
                return call()
            except (TransportError, ServiceError) as exc:
                if isinstance(exc, ServiceError) and not exc.temporary or attempt == self.retries:
                    raise
                time.sleep(min(0.1 * 2 ** (attempt + 1), 2.0))
        raise AssertionError("unreachable")

    def _prepared(self, item: Item) -> Path:
        if not self.resize and not self.strip:
            return item.path
        return Path(prepare_for_upload(item.path, resize=self.resize, strip_metadata=self.strip))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
