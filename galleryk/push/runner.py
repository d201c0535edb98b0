"""Pushing one item: skip what is there, settle what is in doubt, upload the rest; shared by the push's threads.

Some failures stop the whole push rather than one item: the service no longer accepts the
sign-in (a revoked token) or refuses uploads to the album, or asks to wait longer than galleryk
waits. The first such error is kept (:attr:`Runner.refusal`), no new item starts, and the push
raises it once the uploads in flight are done. A rate limit's shorter pauses never get here:
the transport waits them out for every thread at once.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..base.errors import (
    AlbumNotFound,
    Cancelled,
    FileChanged,
    GallerykError,
    NotSignedIn,
    RateLimited,
    Reason,
    RedirectRefused,
    ServiceError,
    TransportError,
)
from ..base.problems import retryable
from ..media import discard_prepared, file_digest, prepare_for_upload
from ..services.albums import listing
from ..transport import ratelimit
from .items import Item
from .journal import Entry, Journal
from .lock import PushCancelled
from .markers import check_style
from .options import PushOptions
from .outcomes import Doubt, Outcome, PlacementFailed, Refused, Stopped
from .remote import AlbumView, Ambiguous, norm
from .targets import Target, make_source
from .watch import NOT_SENT, STOPPED_SENDING, Watch

log = logging.getLogger("galleryk.push")

RECENT_MARGIN = 100
"""Photos beyond this push's own uploads read when looking for a lost one."""
STOP_REASONS = frozenset({Reason.SIGNED_OUT, Reason.SCOPE})
"""Service refusals that every later upload would meet too: they stop the push."""


def stops_push(exc: BaseException) -> bool:
    """Whether ``exc`` means no later upload can pass either: signed out, lacking the right, or a long rate limit."""
    if isinstance(exc, (NotSignedIn, RateLimited)):
        return True
    return isinstance(exc, ServiceError) and exc.reason in STOP_REASONS


class Runner:
    """Pushes one item at a time; shared by the worker threads."""

    def __init__(
        self,
        adapter: Target,
        jr: Journal,
        view: AlbumView,
        opts: PushOptions,
        source: Any,
        cancel: threading.Event,
        watch: Watch,
    ) -> None:
        self.adapter, self.jr, self.view, self.watch, self.cancel = adapter, jr, view, watch, cancel
        self.style = check_style(opts.marker)
        self.settle, self.resize, self.strip = opts.settle, opts.resize, opts.strip_metadata
        self.policy = opts.policy
        self.upload_unseen = opts.upload_unseen
        self.retries = self.policy.retries
        self._source_adapter = make_source(source) if source is not None else None
        self._key_locks: dict[str, Any] = {}
        self._started: dict[int, float] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self.refusal: GallerykError | None = None
        """The error that stopped the push (the album refused, the sign-in gone, a long rate limit), if one did."""

    # -- entry points (worker threads) ---------------------------------------------------
    def run(self, item: Item) -> Outcome | Doubt:
        self._started.setdefault(id(item), time.monotonic())
        return self._finish(item, lambda: self._run(item))

    def resolve(self, doubt: Doubt) -> Outcome | Doubt:
        return self._finish(doubt.item, lambda: self._settle(doubt))

    def _finish(self, item: Item, work: Any) -> Outcome | Doubt:
        try:
            with ratelimit.scope(cancel=self.cancel, on_pause=self.watch.paused):
                outcome = work()
        except PushCancelled as stop:
            why = "cancelled while sending: the service stored nothing of it" if "sending" in str(stop) else None
            outcome = Outcome("cancelled", error=why or "cancelled before it started", bytes=item.bytes)
        except Refused as refused:
            self._refuse(refused.error)
            outcome = Outcome("failed", error=describe(refused.error), bytes=item.bytes, retry=False)
        except Stopped as stop:
            self.stop_with(stop.error)
            outcome = Outcome(
                "failed", error=f"not uploaded: {describe(stop.error)}", bytes=item.bytes, retry=retryable(stop.error)
            )
        except (GallerykError, OSError, ValueError) as exc:
            cause = exc.__cause__ if isinstance(exc, PlacementFailed) else exc
            if isinstance(cause, GallerykError) and stops_push(cause):
                self.stop_with(cause)
            outcome = Outcome("failed", error=describe(exc), bytes=item.bytes, retry=retryable(cause or exc))
        if isinstance(outcome, Outcome):
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
    def _run(self, item: Item) -> Outcome | Doubt:
        self._check()
        if item.problem:
            return Outcome("failed", error=f"not uploaded: {item.problem}", bytes=item.bytes, retry=False)
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
            return Outcome("failed", error=f"no such file: {item.path}", retry=False)
        item.bytes = item.path.stat().st_size
        if item.bytes == 0:
            return Outcome("failed", error=f"not uploaded: the file is empty: {item.path}", bytes=0, retry=False)
        if item.digest is None:
            item.digest = file_digest(item.path)
        if not item.title:
            item.title = item.path.stem
        return self._push(item)

    def _key_lock(self, item: Item) -> Any:
        with self._guard:
            return self._key_locks.setdefault(item.key, threading.RLock())

    def _fetch_remote(self, item: Item, folder: Path) -> None:
        source, remote_id = self._source_adapter, item.remote_id
        assert source is not None and remote_id is not None  # a remote item comes with its source
        meta = self.policy.call(lambda: source.fetch(remote_id, folder), cancel=self.cancel)
        item.path = meta["path"]
        item.bytes = item.path.stat().st_size
        item.digest = file_digest(item.path)
        item.title = item.title or meta.get("title") or item.path.stem
        item.description = item.description or meta.get("description")
        item.tags = item.tags or list(meta.get("tags") or [])

    def _push(self, item: Item, reason: str | None = None) -> Outcome | Doubt:
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
                    held = ", awaiting the gallery admin's approval" if self.view.pending(found) else ""
                    return Outcome(
                        "skipped",
                        found,
                        note=f"already on the service{held} (found by its marker)",
                        bytes=item.bytes,
                        attempts=entry.attempts if entry else 0,
                    )
                if not a.pending_known and not self.upload_unseen:
                    return self._unseen_pending(item, entry)
            return self._attempt(item, reason)

    def _unseen_pending(self, item: Item, entry: Entry | None) -> Outcome | Doubt:
        """An item the journal does not know, for an album where the service does not show the user their photos
        awaiting approval: a copy may wait there unseen, so it is sent only where nothing can be waiting (an album
        this push made) or uploads there are known not to wait (a reply of this push, or one this journal
        recorded, came back with the photo's id); else the row says why and is not sent. Where the service did not
        even say whether the user may upload there, the first upload is what tells."""
        a = self.adapter
        if not a.unseen_pending(self.jr):
            return self._attempt(item)
        if a.holds_pending is None and not a.uploads_known:
            # the service said neither whether you may upload here nor what waits: only an upload tells (one at a time)
            with a.first_upload:
                if a.holds_pending is None:
                    return self._attempt(item)
            if a.holds_pending is False:
                return self._attempt(item)
        return Outcome(
            "failed",
            error=f"not uploaded: the gallery does not show you your pictures awaiting approval in this album "
            f"({a.pending_why}), so galleryk cannot tell whether this one already waits there. If no earlier push "
            "sent it, push with upload_unseen=True (command line: --upload-unseen); else push again once the admin "
            "has approved them",
            bytes=item.bytes,
            attempts=entry.attempts if entry else 0,
            retry=False,
        )

    def _confirm(self, item: Item, entry: Entry) -> tuple[Outcome | None, str | None]:
        """A skip when the photo the journal calls done is on the service; else (None, why it goes again)."""
        a = self.adapter
        token = entry.info.get("token") or item.token
        # a photo an apply adopted carries no marker: the album listing it is proof enough
        title = None if entry.info.get("adopted") else entry.info.get("title") or item.title
        rid = entry.remote_id
        if not rid:  # held for a Coppermine admin's approval when it was uploaded
            found = self.view.find(token, title)
            if found is not None:
                self.jr.found(a.identity, item.key, found, entry.info)
                self._claim(found, item.key)
                now = "still awaiting approval" if self.view.pending(found) else "now listed"
                note = f"done in an earlier run, held for approval then; {now} (found by its marker)"
                return Outcome("skipped", found, note=note, bytes=item.bytes, attempts=entry.attempts), None
            return Outcome(
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
            note = f"done in an earlier run; galleryk could not confirm it is still there ({describe(exc)})"
            return Outcome("skipped", rid, note=note, bytes=item.bytes, attempts=entry.attempts), None
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
        return Outcome("skipped", rid, note=note, bytes=item.bytes, attempts=entry.attempts), None

    def _orphan(self, item: Item, entry: Entry) -> Doubt:
        """An item an earlier run left in doubt: due once that run's last sign of life is ``settle`` seconds old."""
        since = entry.started_at or time.time()
        if entry.lost_at:  # its reply was lost; the run then stopped before it was settled
            return Doubt(item, entry.lost_at + self.settle + (entry.took or 0.0), since, "lost in an earlier run")
        due = max(since, self.jr.last_activity or 0.0) + self.settle
        return Doubt(item, due, since, "an earlier run stopped before its reply came", orphan=True)

    def _attempt(self, item: Item, reason: str | None = None) -> Outcome | Doubt:
        """Upload once (again after temporary refusals); a lost reply gives a Doubt to settle later."""
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
            except Cancelled:  # while it waited for a rate limit's pause: this try was not sent, or refused unread
                jr.failed(a.identity, key, NOT_SENT)
                raise PushCancelled("cancelled") from None
            except (FileChanged, RedirectRefused) as exc:  # the service did not get the file: final, not in doubt
                jr.failed(a.identity, key, describe(exc))
                return Outcome(
                    "failed", error=describe(exc), bytes=item.bytes, attempts=self._attempts(key), retry=retryable(exc)
                )
            except (RateLimited, NotSignedIn) as exc:  # refused unread, or never sent: not in doubt; stops the push
                jr.failed(a.identity, key, describe(exc))
                raise Stopped(exc) from None
            except TransportError as exc:
                if sending.aborted:  # the transport reports the body it was told to stop as a broken connection
                    jr.failed(a.identity, key, STOPPED_SENDING)
                    raise PushCancelled("cancelled while sending") from None
                lost = time.time()
                jr.lost(a.identity, key, lost, lost - begun)
                return Doubt(item, lost + self.settle + (lost - begun), begun, describe(exc))
            except ServiceError as exc:
                if exc.temporary and attempt < self.retries:
                    jr.failed(a.identity, key, describe(exc))
                    if self.cancel.wait(self.policy.wait(attempt, exc)):
                        raise PushCancelled("cancelled") from None
                    continue
                jr.failed(a.identity, key, describe(exc))
                if exc.reason in STOP_REASONS:
                    raise Stopped(exc) from None
                if not a.uploads_known and a.refused(exc):
                    raise Refused(exc) from None
                return Outcome(
                    "failed", error=describe(exc), bytes=item.bytes, attempts=self._attempts(key), retry=retryable(exc)
                )
            finally:
                if upload_path != item.path:
                    discard_prepared(upload_path)
            wrong = self._wrong_reply(item, remote_id) if remote_id else None
            if wrong is not None:  # not this photo: never put in the album; looked for by its marker instead
                lost = time.time()
                jr.lost(a.identity, key, lost, lost - begun)
                return Doubt(item, lost + self.settle + (lost - begun), begun, wrong, wrong_reply=True)
            jr.uploaded(a.identity, key, remote_id or "")
            if remote_id:
                self.view.uploaded(remote_id, item)
                self._place(remote_id, key)
            return Outcome(
                "uploaded",
                remote_id or None,
                note=join_notes(reason, note),
                bytes=item.bytes,
                attempts=self._attempts(key),
            )
        return Outcome(
            "failed",
            error=f"gave up after {self.retries + 1} attempts; the service stayed unavailable",
            bytes=item.bytes,
            attempts=self._attempts(key),
        )

    def _settle(self, doubt: Doubt) -> Outcome | Doubt:
        """Look for an upload whose reply was lost (the listing was read after it was due); upload it again if absent."""
        item, a, jr = doubt.item, self.adapter, self.jr
        with self._key_lock(item):
            self._check()
            entry = jr.get(a.identity, item.key)
            if entry is None or not entry.in_doubt:  # a row with the same content settled it meanwhile
                return self._push(item)
            if entry.started_at and entry.started_at > doubt.since:  # that row tried again since: settle after it
                due = entry.lost_at + self.settle + (entry.took or 0.0) if entry.lost_at else time.time() + self.settle
                return Doubt(item, due, entry.started_at, doubt.error)
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
                elif doubt.wrong_reply:
                    note = f"{doubt.error}; the upload had arrived: found on the service {how} as {found}"
                else:
                    note = (
                        f"its reply was lost ({doubt.error}); the upload had arrived: found on the service {how} "
                        f"{max(0.0, time.time() - doubt.since):.1f} s after it began, not sent again"
                    )
                return Outcome("uploaded", found, note=note, bytes=item.bytes, attempts=entry.attempts)
            if entry.attempts > self.retries:
                jr.failed(a.identity, item.key, f"gave up: {doubt.error}")
                return Outcome(
                    "failed",
                    error=f"gave up after {entry.attempts} attempts (each looked for on the "
                    f"service, not found); last: {doubt.error}",
                    bytes=item.bytes,
                    attempts=entry.attempts,
                )
            why = (
                "an earlier run stopped before its reply came, and it had not arrived: uploaded again"
                if doubt.orphan
                else f"{doubt.error}, and the upload had not arrived: uploaded again"
                if doubt.wrong_reply
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

    def unsettled(self, doubt: Doubt, why: str, status: str = "failed") -> Outcome:
        """An item still in doubt when the push ends: not uploaded again, so as not to make a second copy."""
        return Outcome(
            status,
            error=f"in doubt: its last upload may have arrived; {why}. It was not sent again, "
            "so as not to make a second copy; rerun the push to settle it",
            bytes=doubt.item.bytes,
            attempts=self._attempts(doubt.item.key),
        )

    def recent_count(self, batch: list[Doubt]) -> int:
        """How many of the newest photos to read: this target's uploads since the oldest doubt began, plus a margin."""
        since = min(d.since for d in batch)
        return self.jr.started_since(self.adapter.identity, since - 1.0) + RECENT_MARGIN

    # -- helpers -------------------------------------------------------------------------
    def _wrong_reply(self, item: Item, remote_id: str) -> str | None:
        """Why the photo an upload's reply names is not the one just sent (None when it is, or cannot be told).

        The photo is looked up: it must carry the item's marker (without markers: its title). Only a photo
        that is there and is another one counts: one not shown (yet) is taken at the reply's word.
        """
        if self.view.claimed_elsewhere(remote_id, item.token):
            return f"the service answered with the id of another photo of this push ({remote_id}), not this one's"
        try:
            got = self.view.details_now(remote_id)
        except (TransportError, ServiceError):
            return None  # could not be looked up: taken at its word (a sign-in gone stops the push at its next call)
        if got is None:
            # not (yet) shown: a real 1.6.26 gallery under load may not show a picture at once; only a photo that
            # is there and is another one is taken as a wrong answer, lest a lag make a second copy
            log.info(
                "push: photo %s, named by the reply to %s, is not shown yet; taken at its word", remote_id, item.label
            )
            return None
        same = item.token in got.tokens if self.style is not None else norm(got.title) == norm(item.title)
        if same:
            return None
        return (
            f"the service answered with the id of another photo ({remote_id}, titled {got.title!r}), "
            "not the one just sent; it was not put in the album"
        )

    def _info(self, item: Item) -> dict:
        return {"label": item.label, "token": item.token, "title": item.title}

    def _attempts(self, key: str) -> int:
        entry = self.jr.get(self.adapter.identity, key)
        return entry.attempts if entry else 0

    def stop_with(self, error: GallerykError) -> None:
        """Stop the push: no new item starts, and the push raises ``error`` (the first such) when it ends."""
        with self._guard:
            if self.refusal is None:
                self.refusal = error
            self._stop.set()

    def _refuse(self, error: GallerykError) -> None:
        with self._guard:
            if self.refusal is not None:
                return
            a = self.adapter
            seen = a.visible_albums()
            self.refusal = AlbumNotFound(
                f"you may not upload to the {a.noun} {a.album_label}: the service refused ({describe(error)}). It "
                f"had not said which {a.noun}s accept your uploads; {a.noun}s you can see: {listing(seen, 15)}",
                album=a.album_spec,
                choices=seen,
                can_create=False,
                service=a.service,
                refused=True,
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
            self.policy.call(lambda: self.adapter.place(remote_id, self.jr, key), cancel=self.cancel)
        except GallerykError as exc:
            if isinstance(exc, Cancelled):
                raise PushCancelled("cancelled") from None
            raise PlacementFailed(
                f"uploaded as {remote_id} but not added to the album ({describe(exc)}); rerun the push to retry"
            ) from exc

    def _prepared(self, item: Item) -> Path:
        assert item.path is not None  # fetched or local by now
        if not self.resize and not self.strip:
            return item.path
        return Path(prepare_for_upload(item.path, resize=self.resize, strip_metadata=self.strip))


def join_notes(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
