"""Push a selection to a service: concurrent, journaled, resumable, and without duplicates.

One push at a time per target and album on this machine (:mod:`.lock`). For every item the
engine then:

1. the journal says *uploaded*: checks that the album's listing (read once per push) still
   holds it; skipped if so, put back in the album if it is elsewhere, uploaded again if it is
   gone (a reset sandbox, a photo deleted by hand);
2. the journal has never seen it, or saw it fail: looks for its marker on the service (another
   journal, another machine, or a failure that had been stored after all); skipped if found;
3. otherwise writes the intent, uploads and writes the outcome.

An upload whose reply is lost (a timeout, a cut connection, an error page) is *in doubt*: it
may have been stored, or be stored later by a slow server. It is set aside, with the time its
reply was lost; once the rest of the push is done and every such upload has had ``settle``
seconds plus as long as it had taken, the newest photos are read once for all of them, and
only those not found are uploaded again (and then settled the same way). Items left in doubt
by an earlier run that died are settled alike. Final service errors fail the item; the push
goes on.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import AlbumNotFound, FileChanged, GallerykError, RedirectRefused, ServiceError, TransportError
from ..media import discard_prepared, file_digest, prepare_for_upload
from .items import Item, MetaSpec, build_items
from .journal import Entry, Journal
from .lock import PushCancelled, album_lock, cache_root
from .markers import EXPLANATION, check_style, marker_text
from .remote import AlbumView, Ambiguous
from .retry import backoff, retrying
from .targets import Target, make_source, make_target

log = logging.getLogger("galleryk.push")

REPORT_COLUMNS = [
    "item",
    "status",
    "remote_id",
    "album",
    "album_id",
    "error",
    "note",
    "bytes",
    "seconds",
    "attempts",
    "marker",
]
_RECENT_MARGIN = 100  # photos beyond this push's own uploads read when looking for a lost one


class PlacementFailed(GallerykError):
    """A photo was uploaded but could not be put in its album; a rerun tries again."""


class _Refused(Exception):
    """The service refused uploads to the album itself (not this file)."""

    def __init__(self, error: GallerykError) -> None:
        self.error = error


@dataclass
class _Outcome:
    status: str
    remote_id: str | None = None
    error: str | None = None
    note: str | None = None
    bytes: int | None = None
    seconds: float = 0.0
    attempts: int = 0


@dataclass
class _Doubt:
    """An item whose last upload may or may not have been stored."""

    item: Item
    due: float
    """Unix time after which the service is asked."""
    since: float
    """When that upload began (unix time)."""
    error: str
    orphan: bool = False
    """Left in doubt by an earlier run (not this push's own lost reply)."""


def default_journal_path(target: Target, album: str | None) -> Path:
    """Where a push's journal lives unless told otherwise: one file per target and album."""
    name = hashlib.sha256(f"{target.identity}\n{album}".encode()).hexdigest()[:20]
    return cache_root() / "journals" / f"push-{name}.sqlite3"


def push(
    df: pd.DataFrame,
    target: Any,
    *,
    album: str | int | None = None,
    create: bool = False,
    title: MetaSpec = None,
    description: MetaSpec = None,
    tags: MetaSpec = None,
    marker: str | None = "tag",
    resize: int | None = None,
    strip_metadata: bool = False,
    workers: int = 4,
    journal: str | Path | Journal | None = None,
    source: Any = None,
    retries: int = 3,
    settle: float = 5.0,
    lock_timeout: float | None = None,
    progress: bool = True,
    cancel: threading.Event | None = None,
    on_item: Callable[[Any, str], Any] | None = None,
    on_progress: Callable[[Any, int, int], Any] | None = None,
) -> pd.DataFrame:
    """Upload every row of ``df`` to ``target`` (a Fotki or Coppermine client); return a report DataFrame.

    One report row per input row (same index): status ``uploaded``, ``skipped`` (it is on the
    service already: done before, or found by its marker), ``failed`` (with the error) or
    ``cancelled``; ``note`` says how each was settled, ``marker`` what it carries.

    ``album``/``create``: the photoset or album (id or title) and whether to make it when missing.
    ``title``/``description``/``tags``: a literal, a column name or a function of the row.
    ``marker``: where each photo gets the ``galleryk:sha=...`` marker that lets a later push
    recognise it without the journal: ``"tag"`` (a tag or keyword), ``"description"`` (a last
    line of the description or caption) or None (no marker: a push whose journal is lost
    uploads everything again).
    ``source``: the client a listing ``df`` comes from, for a copy between services.
    ``journal``: where intent and outcome are recorded (default: one file per target and album).
    ``retries``: further attempts after a failure that may pass. ``settle``: seconds an upload
    whose reply was lost is given to land, counted from the loss, on top of the time it had taken.
    ``lock_timeout``: seconds to wait for another push to the same album on this machine
    (None: as long as it runs; then PushBusy). ``cancel``: an Event that stops the push (Ctrl-C
    does the same): no item starts after it is set, and an upload under way stops mid-body.
    ``on_item(index, status)``: called once per row, with its index label, when its status is
    known. ``on_progress(index, bytes_sent, total)``: called as each upload's body goes out. Both
    are called from the push's threads and must return quickly (update a widget, print a line);
    an exception they raise is logged and otherwise ignored.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if settle < 0:
        raise ValueError(f"settle must not be negative, not {settle}")
    style = check_style(marker)
    adapter = make_target(target, album=album, create=create, retries=retries)
    items = build_items(df, remote=source is not None, title=title, description=description, tags=tags)
    cancel = cancel or threading.Event()
    from tqdm.auto import tqdm  # here: tqdm.auto loads asyncio, which import galleryk need not pay for

    bar = _Watch(
        tqdm(total=len(items), desc=f"push to {adapter.label}", unit="photo", disable=not progress or not items),
        on_item,
        on_progress,
    )
    outcomes: dict[int, _Outcome] = {}  # by id(item): a DataFrame index may repeat
    path: Path | None = None
    try:
        key = adapter.lock_key()
    except (TransportError, ServiceError):  # the album's title could not be read: lock on what was asked for
        key = f"{adapter.identity}"
    try:
        with album_lock(key, adapter.lock_label(), timeout=lock_timeout, cancel=cancel, on_wait=bar.describe):
            bar.describe(f"push to {adapter.label}")
            own_journal = not isinstance(journal, Journal)
            jr = journal if not own_journal else Journal(journal or default_journal_path(adapter, adapter.album_key))
            path = jr.path
            try:
                _run(
                    items,
                    outcomes,
                    adapter,
                    jr,
                    style,
                    source,
                    resize,
                    strip_metadata,
                    workers,
                    retries,
                    settle,
                    cancel,
                    bar,
                )
            finally:
                if own_journal:
                    jr.close()
    except (PushCancelled, KeyboardInterrupt):
        for item in items:
            outcomes.setdefault(id(item), _Outcome("cancelled", error="cancelled before it started"))
    finally:
        bar.close(items, outcomes)
    return _report(items, outcomes, adapter, path, style)


def _run(
    items: list[Item],
    outcomes: dict[int, _Outcome],
    adapter: Target,
    jr: Journal,
    style: str | None,
    source: Any,
    resize: int | None,
    strip: bool,
    workers: int,
    retries: int,
    settle: float,
    cancel: threading.Event,
    bar: Any,
) -> None:
    try:
        _prepare(adapter, jr, retries)
    except (TransportError, ServiceError) as exc:
        if isinstance(exc, ServiceError) and not exc.temporary:
            raise  # the service said no (a bad password, a revoked token): nothing a rerun alone would change
        for item in items:  # the album could not be read or made, for now: nothing was uploaded
            outcomes[id(item)] = _Outcome(
                "failed", error=f"not uploaded: the album could not be prepared ({_describe(exc)}); rerun the push"
            )
        return
    view = AlbumView(adapter, style, retries, cancel)
    runner = _Runner(adapter, jr, view, style, source, resize, strip, retries, cancel, settle, bar)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="galleryk-push")
    pending: dict[Future, Item] = {}
    doubts: list[_Doubt] = []

    def collect(done: set[Future]) -> None:
        for fut in done:
            item = pending.pop(fut)
            result = fut.result()
            if isinstance(result, _Doubt):
                doubts.append(result)
            else:
                outcomes[id(item)] = result
                bar.done(item, result)

    try:
        for item in items:
            pending[pool.submit(runner.run, item)] = item
        while pending or doubts:
            if pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                collect(done)
                continue
            if runner.stopped:
                break
            # only uploads whose replies were lost are left: give each its time, then ask the service once for all
            due = max(d.due for d in doubts)
            bar.describe(f"waiting for {len(doubts)} upload(s) whose reply was lost")
            if runner.wait_until(due):
                break
            batch, doubts = doubts, []
            bar.describe(f"looking for {len(batch)} upload(s) whose reply was lost")
            try:
                view.refresh_recent(runner.recent_count(batch))
            except GallerykError as exc:
                for d in batch:
                    outcomes[id(d.item)] = runner.unsettled(d, f"could not ask the service ({_describe(exc)})")
                    bar.done(d.item, outcomes[id(d.item)])
                continue
            bar.describe(f"push to {adapter.label}")
            for d in batch:
                pending[pool.submit(runner.resolve, d)] = d.item
    except KeyboardInterrupt:
        cancel.set()
        for fut, item in pending.items():
            if fut.cancel():
                outcomes[id(item)] = _Outcome("cancelled", error="cancelled before it started")
        for fut, item in list(pending.items()):
            if id(item) not in outcomes:
                result = fut.result()
                if isinstance(result, _Doubt):
                    doubts.append(result)
                else:
                    outcomes[id(item)] = result
    finally:
        pool.shutdown(wait=True)
    for d in doubts:
        outcomes[id(d.item)] = runner.unsettled(d, "the push stopped before it could be looked for", "cancelled")
    if runner.refusal is not None:
        raise runner.refusal


def _prepare(adapter: Target, jr: Journal, retries: int) -> None:
    """Resolve the album; a listing cut short on the way is read again."""
    for attempt in range(retries + 1):
        try:
            return adapter.prepare(jr)
        except TransportError:
            if attempt == retries:
                raise
            time.sleep(backoff(attempt))


class _Watch:
    """What a push tells as it goes: its progress bar, and the caller's ``on_item`` and ``on_progress``."""

    def __init__(
        self, bar: Any, on_item: Callable[[Any, str], Any] | None, on_progress: Callable[[Any, int, int], Any] | None
    ) -> None:
        self.bar, self.on_item, self.on_progress = bar, on_item, on_progress
        self._told: set[int] = set()
        self._lock = threading.Lock()

    def describe(self, text: str) -> None:
        self.bar.set_description_str(text)

    def done(self, item: Item, outcome: _Outcome) -> None:
        """``item`` has its final status: count it, and tell ``on_item`` (once per item)."""
        with self._lock:
            if id(item) in self._told:
                return
            self._told.add(id(item))
        self.bar.update(1)
        if self.on_item is not None:
            _call_quietly(self.on_item, item.index, outcome.status)

    def sending(self, item: Item, cancel: threading.Event) -> _Sending:
        """The progress callback of ``item``'s upload (see :class:`_Sending`)."""
        return _Sending(item, cancel, self.on_progress)

    def close(self, items: list[Item], outcomes: dict[int, _Outcome]) -> None:
        """Tell ``on_item`` of the items never done (cancelled before they started), and close the bar."""
        for item in items:
            outcome = outcomes.get(id(item))
            if outcome is not None:
                self.done(item, outcome)
        self.bar.close()


STOPPED_SENDING = "cancelled while sending: the service got part of the file only, so it stored nothing"


class _Sending:
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
            _call_quietly(self.on_progress, self.item.index, sent, total)


def _call_quietly(callback: Callable[..., Any], *args: Any) -> None:
    try:
        callback(*args)
    except Exception:  # a caller's display must not break the push
        log.warning("push: the %s callback failed", getattr(callback, "__name__", "progress"), exc_info=True)


def _report(
    items: list[Item], outcomes: dict[int, _Outcome], adapter: Target, journal: Path | None, style: str | None
) -> pd.DataFrame:
    rows = []
    title = (
        adapter.album_title if adapter.album_title is not None else adapter.album_key
    )  # what was asked, if not found
    for item in items:
        o = outcomes.get(id(item), _Outcome("cancelled", error="not started"))
        mark = marker_text(item.token) if style is not None and item.digest is not None else None
        rows.append(
            [
                item.label,
                o.status,
                o.remote_id,
                title,
                adapter.album_id,
                o.error,
                o.note,
                o.bytes,
                o.seconds,
                o.attempts,
                mark,
            ]
        )
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS, index=[i.index for i in items])
    report["status"] = pd.Categorical(report["status"], categories=["uploaded", "skipped", "failed", "cancelled"])
    report["bytes"] = report["bytes"].astype("Int64")
    report["attempts"] = report["attempts"].astype("Int64")
    for col in ("item", "remote_id", "album", "album_id", "error", "note", "marker"):
        report[col] = report[col].astype("string")
    report.attrs["target"] = adapter.label
    report.attrs["album"] = title
    report.attrs["album_id"] = adapter.album_id
    report.attrs["journal"] = str(journal) if journal is not None else None
    report.attrs["marker"] = (
        f"{style}: {EXPLANATION}"
        if style is not None
        else "none: the photos carry no marker, so a push whose journal is lost cannot recognise them"
    )
    return report


class _Runner:
    """Pushes one item at a time; shared by the worker threads."""

    def __init__(
        self,
        adapter: Target,
        jr: Journal,
        view: AlbumView,
        style: str | None,
        source: Any,
        resize: int | None,
        strip: bool,
        retries: int,
        cancel: threading.Event,
        settle: float,
        watch: _Watch,
    ) -> None:
        self.adapter, self.jr, self.view, self.style, self.settle = adapter, jr, view, style, settle
        self.watch = watch
        self.resize, self.strip, self.retries, self.cancel = resize, strip, retries, cancel
        self._source_adapter = make_source(source) if source is not None else None
        self._key_locks: dict[str, Any] = {}
        self._started: dict[int, float] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self.refusal: AlbumNotFound | None = None

    # -- entry points (worker threads) ---------------------------------------------------
    def run(self, item: Item) -> _Outcome | _Doubt:
        self._started.setdefault(id(item), time.monotonic())
        return self._finish(item, lambda: self._run(item))

    def resolve(self, doubt: _Doubt) -> _Outcome | _Doubt:
        return self._finish(doubt.item, lambda: self._settle(doubt))

    def _finish(self, item: Item, work: Any) -> _Outcome | _Doubt:
        try:
            outcome = work()
        except PushCancelled:
            outcome = _Outcome("cancelled", error="cancelled", bytes=item.bytes)
        except _Refused as refused:
            self._refuse(refused.error)
            outcome = _Outcome("failed", error=_describe(refused.error), bytes=item.bytes)
        except (GallerykError, OSError, ValueError) as exc:
            outcome = _Outcome("failed", error=_describe(exc), bytes=item.bytes)
        if isinstance(outcome, _Outcome):
            outcome.seconds = round(time.monotonic() - self._started.get(id(item), time.monotonic()), 3)
        return outcome

    @property
    def stopped(self) -> bool:
        return self.cancel.is_set() or self._stop.is_set()

    def _check(self) -> None:
        if self.stopped:
            raise PushCancelled("cancelled")

    def wait_until(self, due: float) -> bool:
        """Sleep until ``due`` (unix time); True when the push was cancelled meanwhile."""
        remaining = due - time.time()
        return self.cancel.wait(remaining) if remaining > 0 else self.cancel.is_set()

    # -- one item ------------------------------------------------------------------------
    def _run(self, item: Item) -> _Outcome | _Doubt:
        self._check()
        if item.problem:
            return _Outcome("failed", error=f"not uploaded: {item.problem}", bytes=item.bytes)
        if item.path is None:
            with self._key_lock(item):
                entry = self.jr.get(self.adapter.identity, item.key)
                reason = None
                if entry is not None and entry.state == "uploaded":  # before downloading anything
                    done, reason = self._confirm(item, entry)
                    if done is not None:
                        return done
            with tempfile.TemporaryDirectory(prefix="galleryk-copy-") as tmp:
                self._fetch_remote(item, Path(tmp))
                return self._push(item, reason)
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

    def _key_lock(self, item: Item) -> Any:
        with self._guard:
            return self._key_locks.setdefault(item.key, threading.RLock())

    def _fetch_remote(self, item: Item, folder: Path) -> None:
        meta = retrying(lambda: self._source_adapter.fetch(item.remote_id, folder), self.retries, self.cancel)
        item.path = meta["path"]
        item.bytes = item.path.stat().st_size
        item.digest = file_digest(item.path)
        item.title = item.title or meta.get("title") or item.path.stem
        item.description = item.description or meta.get("description")
        item.tags = item.tags or list(meta.get("tags") or [])

    def _push(self, item: Item, reason: str | None = None) -> _Outcome | _Doubt:
        """Skip, settle or upload one item; rows with the same content wait for each other."""
        a, jr = self.adapter, self.jr
        with self._key_lock(item):
            entry = jr.get(a.identity, item.key)
            if entry is not None and entry.state == "uploaded":
                done, reason = self._confirm(item, entry)
                if done is not None:
                    return done
            elif entry is not None and entry.in_doubt:
                return self._orphan(item, entry)
            if reason is None:
                # never pushed with this journal (another machine may have), or failed before (and stored after all?)
                found = self.view.find(item.token, item.title)
                if found is not None:
                    jr.found(a.identity, item.key, found, self._info(item))
                    self._claim(found, item.key)
                    return _Outcome(
                        "skipped",
                        found,
                        note="already on the service (found by its marker)",
                        bytes=item.bytes,
                        attempts=entry.attempts if entry else 0,
                    )
            return self._attempt(item, reason)

    def _confirm(self, item: Item, entry: Entry) -> tuple[_Outcome | None, str | None]:
        """A skip when the photo the journal calls done is on the service; else (None, why it goes again)."""
        a = self.adapter
        token = entry.info.get("token") or item.token
        title = entry.info.get("title") or item.title
        rid = entry.remote_id
        if not rid:  # held for a Coppermine admin's approval when it was uploaded
            found = self.view.find(token, title)
            if found is not None:
                self.jr.found(a.identity, item.key, found, entry.info)
                self._claim(found, item.key)
                note = "done in an earlier run, held for approval then; now listed (found by its marker)"
                return _Outcome("skipped", found, note=note, bytes=item.bytes, attempts=entry.attempts), None
            return _Outcome(
                "skipped",
                None,
                bytes=item.bytes,
                attempts=entry.attempts,
                note="uploaded in an earlier run and held for the gallery admin's approval; pictures awaiting approval "
                "are not listed, so galleryk could not confirm it is still there",
            ), None
        try:
            where = self.view.presence(rid, token, title)
        except (TransportError, ServiceError) as exc:
            if isinstance(exc, ServiceError) and not exc.temporary:
                raise
            note = f"done in an earlier run; galleryk could not confirm it is still there ({_describe(exc)})"
            return _Outcome("skipped", rid, note=note, bytes=item.bytes, attempts=entry.attempts), None
        if where == "missing":
            return (
                None,
                f"the journal had it as uploaded (id {rid}), but it is no longer on the service: uploaded again",
            )
        self.view.claim(rid)
        note = "done in an earlier run (seen on the service)"
        if where == "elsewhere":
            if a.re_adds:
                self.jr.found(a.identity, item.key, rid, entry.info)
                self._place(rid, item.key)
                note = "done in an earlier run; it was no longer in the photoset and was put back"
            else:
                note = "done in an earlier run; it is on the service, outside this album now"
        elif not entry.in_album:
            self._place(rid, item.key)
        return _Outcome("skipped", rid, note=note, bytes=item.bytes, attempts=entry.attempts), None

    def _orphan(self, item: Item, entry: Entry) -> _Doubt:
        """An item an earlier run left in doubt: due once that run's last sign of life is ``settle`` seconds old."""
        since = entry.started_at or time.time()
        if entry.lost_at:  # its reply was lost; the run then stopped before it was settled
            return _Doubt(item, entry.lost_at + self.settle + (entry.took or 0.0), since, "lost in an earlier run")
        due = max(since, self.jr.last_activity or 0.0) + self.settle
        return _Doubt(item, due, since, "an earlier run stopped before its reply came", orphan=True)

    def _attempt(self, item: Item, reason: str | None = None) -> _Outcome | _Doubt:
        """Upload once (again after temporary refusals); a lost reply gives a _Doubt to settle later."""
        a, jr, key = self.adapter, self.jr, item.key
        for attempt in range(self.retries + 1):
            self._check()
            jr.start(a.identity, key, self._info(item))
            begun = time.time()
            upload_path = self._prepared(item)
            sending = self.watch.sending(item, self.cancel)
            try:
                remote_id, note = a.upload(item, upload_path, self.style, sending)
            except PushCancelled:
                jr.failed(a.identity, key, STOPPED_SENDING)
                raise
            except (FileChanged, RedirectRefused) as exc:  # the service did not get the file: final, not in doubt
                jr.failed(a.identity, key, _describe(exc))
                return _Outcome("failed", error=_describe(exc), bytes=item.bytes, attempts=self._attempts(key))
            except TransportError as exc:
                if sending.aborted:  # the transport reports the body it was told to stop as a broken connection
                    jr.failed(a.identity, key, STOPPED_SENDING)
                    raise PushCancelled("cancelled while sending") from None
                lost = time.time()
                jr.lost(a.identity, key, lost, lost - begun)
                return _Doubt(item, lost + self.settle + (lost - begun), begun, _describe(exc))
            except ServiceError as exc:
                if exc.temporary and attempt < self.retries:
                    jr.failed(a.identity, key, _describe(exc))
                    if self.cancel.wait(backoff(attempt)):
                        raise PushCancelled("cancelled") from None
                    continue
                jr.failed(a.identity, key, _describe(exc))
                if not a.uploads_known and a.refused(exc):
                    raise _Refused(exc) from None
                return _Outcome("failed", error=_describe(exc), bytes=item.bytes, attempts=self._attempts(key))
            finally:
                if upload_path != item.path:
                    discard_prepared(upload_path)
            jr.uploaded(a.identity, key, remote_id or "")
            if remote_id:
                self.view.uploaded(remote_id, item)
                self._place(remote_id, key)
            return _Outcome(
                "uploaded", remote_id or None, note=_join(reason, note), bytes=item.bytes, attempts=self._attempts(key)
            )
        return _Outcome(
            "failed",
            error=f"gave up after {self.retries + 1} attempts; the service stayed unavailable",
            bytes=item.bytes,
            attempts=self._attempts(key),
        )

    def _settle(self, doubt: _Doubt) -> _Outcome | _Doubt:
        """Look for an upload whose reply was lost (the listing was read after it was due); upload it again if absent."""
        item, a, jr = doubt.item, self.adapter, self.jr
        with self._key_lock(item):
            self._check()
            entry = jr.get(a.identity, item.key)
            if entry is None or not entry.in_doubt:  # a row with the same content settled it meanwhile
                return self._push(item)
            if entry.started_at and entry.started_at > doubt.since:  # that row tried again since: settle after it
                due = entry.lost_at + self.settle + (entry.took or 0.0) if entry.lost_at else time.time() + self.settle
                return _Doubt(item, due, entry.started_at, doubt.error)
            try:
                if self.style is not None:
                    found = self.view.find(item.token, item.title)
                else:
                    found = self.view.find_new(item.title) if not doubt.orphan else None
            except Ambiguous as exc:
                jr.failed(a.identity, item.key, f"in doubt: {exc}")
                return self.unsettled(doubt, f"{exc}, and without a marker (marker=None) galleryk cannot tell which")
            if found is not None:
                jr.uploaded(a.identity, item.key, found)
                self._claim(found, item.key)
                how = "by its marker" if self.style is not None else "by its title, as the one new photo so titled"
                if doubt.orphan:
                    note = f"an earlier run stopped before its reply came; the upload had arrived (found {how})"
                else:
                    note = (
                        f"its reply was lost ({doubt.error}); the upload had arrived: found on the service {how} "
                        f"{max(0.0, time.time() - doubt.since):.1f} s after it began, not sent again"
                    )
                return _Outcome("uploaded", found, note=note, bytes=item.bytes, attempts=entry.attempts)
            if entry.attempts > self.retries:
                jr.failed(a.identity, item.key, f"gave up: {doubt.error}")
                return _Outcome(
                    "failed",
                    error=f"gave up after {entry.attempts} attempts (each looked for on the "
                    f"service, not found); last: {doubt.error}",
                    bytes=item.bytes,
                    attempts=entry.attempts,
                )
            why = (
                "an earlier run stopped before its reply came, and it had not arrived: uploaded again"
                if doubt.orphan
                else f"its reply was lost ({doubt.error}) and it had not arrived: uploaded again"
            )
            if self.style is None and doubt.orphan:
                why = (
                    "an earlier run stopped before its reply came; without a marker (marker=None) galleryk cannot "
                    "tell whether it had arrived: uploaded again"
                )
            if item.remote_id is not None and (item.path is None or not item.path.exists()):
                with tempfile.TemporaryDirectory(prefix="galleryk-copy-") as tmp:  # a copy: fetch the original again
                    self._fetch_remote(item, Path(tmp))
                    return self._attempt(item, why)
            return self._attempt(item, why)

    def unsettled(self, doubt: _Doubt, why: str, status: str = "failed") -> _Outcome:
        """An item still in doubt when the push ends: not uploaded again, so as not to make a second copy."""
        return _Outcome(
            status,
            error=f"in doubt: its last upload may have arrived; {why}. It was not sent again, "
            "so as not to make a second copy; rerun the push to settle it",
            bytes=doubt.item.bytes,
            attempts=self._attempts(doubt.item.key),
        )

    def recent_count(self, batch: list[_Doubt]) -> int:
        """How many of the newest photos to read: this target's uploads since the oldest doubt began, plus a margin."""
        since = min(d.since for d in batch)
        return self.jr.started_since(self.adapter.identity, since - 1.0) + _RECENT_MARGIN

    # -- helpers -------------------------------------------------------------------------
    def _info(self, item: Item) -> dict:
        return {"label": item.label, "token": item.token, "title": item.title}

    def _attempts(self, key: str) -> int:
        entry = self.jr.get(self.adapter.identity, key)
        return entry.attempts if entry else 0

    def _refuse(self, error: GallerykError) -> None:
        with self._guard:
            if self.refusal is not None:
                return
            a = self.adapter
            seen = a.visible_albums() if hasattr(a, "visible_albums") else []
            listing = ", ".join(repr(t) for t in seen[:15]) or "none"
            self.refusal = AlbumNotFound(
                f"the gallery refused uploads to album {a.album_label} ({_describe(error)}). It does not say which "
                f"albums accept your uploads (the cpgAPI has no such call); albums you can see: {listing}",
                album=getattr(a, "album_spec", None),
                choices=seen,
                can_create=False,
            )
            self._stop.set()

    def _claim(self, remote_id: str, key: str) -> None:
        """``remote_id``, found on the service, is this item's: make sure it is in the album."""
        self.view.claim(remote_id)
        if self.view.in_album(remote_id):
            self.jr.added_to_album(self.adapter.identity, key)
        else:
            self._place(remote_id, key)

    def _place(self, remote_id: str, key: str) -> None:
        try:
            retrying(lambda: self.adapter.place(remote_id, self.jr, key), self.retries, self.cancel)
        except GallerykError as exc:
            if isinstance(exc, PushCancelled):
                raise
            raise PlacementFailed(
                f"uploaded as {remote_id} but not added to the album ({_describe(exc)}); rerun the push to retry"
            ) from None

    def _prepared(self, item: Item) -> Path:
        if not self.resize and not self.strip:
            return item.path
        return Path(prepare_for_upload(item.path, resize=self.resize, strip_metadata=self.strip))


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
