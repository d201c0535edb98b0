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

import contextlib
import hashlib
import logging
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import pandas as pd

from ..base import cachedir
from ..base.cachedir import cache_dir
from ..base.errors import AlbumNotFound, GallerykError, RateLimited, ServiceError, TransportError
from ..base.names import check_album_name
from ..transport import ratelimit
from .items import Item, build_items, check_items
from .journal import Journal
from .lock import PushCancelled, album_lock
from .markers import check_style
from .options import PushOptions
from .outcomes import Doubt, Outcome
from .remote import AlbumView
from .report import build_report
from .runner import Runner, describe, stops_push
from .targets import Target, make_target
from .watch import Watch

log = logging.getLogger("galleryk.push")


def default_journal_path(target: Target) -> Path:
    """Where a push's journal lives unless told otherwise: one file per service, user and album asked for."""
    name = hashlib.sha256(f"{target.identity}\n{target.album_key}".encode()).hexdigest()[:20]
    return cache_dir("journals", url=target.client.endpoint) / f"push-{name}.sqlite3"  # a sandbox keeps its own


def push(
    df: pd.DataFrame,
    target: Any,
    *,
    album: str | int | None = None,
    create: bool = False,
    source: Any = None,
    journal: str | Path | Journal | None = None,
    options: PushOptions | None = None,
    **option: Any,
) -> pd.DataFrame:
    """Upload every row of ``df`` to ``target`` (a service client); return a report DataFrame.

    One report row per input row (same index): status ``uploaded``, ``skipped`` (it is on the
    service already: done before, or found by its marker), ``failed`` (with the error) or
    ``cancelled``; ``note`` says how each was settled, ``marker`` what it carries.

    ``album``/``create``: the album (photoset) by id or title, and whether to make it when missing.
    Titles, descriptions, tags and the album's name are checked before anything is sent: an
    empty or blank album name, or a control character, raises :class:`~galleryk.base.names.BadName`.
    ``source``: the client a listing ``df`` comes from, for a copy between services.
    ``journal``: where intent and outcome are recorded (default: one file per service, user and
    album in galleryk's cache folder). How the push goes (metadata, marker, resize, workers,
    retries, progress, cancel, callbacks...): ``options`` (a :class:`PushOptions`) and/or any of
    its fields by name.
    """
    opts = (options or PushOptions()).with_(**option)
    check_album_name(album)
    adapter = make_target(target, album=album, create=create, policy=opts.policy)
    return push_to(adapter, df, source=source, journal=journal, opts=opts)


def push_to(
    adapter: Target,
    df: pd.DataFrame,
    *,
    source: Any = None,
    journal: str | Path | Journal | None = None,
    opts: PushOptions,
    arrange: bool = True,
) -> pd.DataFrame:
    """:func:`push` to a target made already; ``arrange=False`` leaves the album's order (and, on a service that
    keeps the order photos are added in, the adding) to the caller: an apply orders every row of its plan."""
    items = build_items(df, remote=source is not None, title=opts.title, description=opts.description, tags=opts.tags)
    check_items(items)  # names that cannot be sent are refused before anything is: not after the first uploads
    cachedir.check_writable("locks", *(() if journal is not None else ("journals",)))
    cancel = opts.cancel or threading.Event()
    from tqdm.auto import tqdm  # here: tqdm.auto loads asyncio, which import galleryk need not pay for

    bar = Watch(
        tqdm(total=len(items), desc=f"push to {adapter.label}", unit="photo", disable=not opts.progress or not items),
        opts.on_item,
        opts.on_progress,
        opts.on_status,
    )
    outcomes: dict[int, Outcome] = {}  # by id(item): a DataFrame index may repeat
    path: Path | None = None
    try:
        key = adapter.lock_key()
    except (TransportError, ServiceError):  # the album's title could not be read: lock on what was asked for
        key = adapter.identity
    try:
        with album_lock(
            key,
            adapter.lock_label(),
            timeout=opts.lock_timeout,
            cancel=cancel,
            on_wait=bar.describe,
            url=adapter.client.endpoint,
        ):
            bar.describe(f"push to {adapter.label}")
            own_journal = not isinstance(journal, Journal)
            jr = journal if isinstance(journal, Journal) else Journal(journal or default_journal_path(adapter))
            path = jr.path
            try:
                job = _Job(items, outcomes, adapter, jr, opts, source, cancel, bar)
                job.in_turns = arrange
                with ratelimit.scope(cancel=cancel, on_pause=bar.paused):
                    _run(job)
                    if arrange:
                        _arrange(job)
            finally:
                if own_journal:
                    jr.close()
    except (PushCancelled, KeyboardInterrupt):
        for item in items:
            outcomes.setdefault(id(item), Outcome("cancelled", error="cancelled before it started"))
    finally:
        bar.close(items, outcomes)
    return build_report(items, outcomes, adapter, path, check_style(opts.marker))


def check(
    target: Any, *, album: str | int | None = None, create: bool = False, journal: str | Path | None = None
) -> Path:
    """What a push would need, checked before anything is read from disk or sent: the album exists, or
    ``create`` can make it, and the user may upload to it; returns the journal file the push will use.

    Nothing is made. Raises BadName for an empty or blank album name, CacheDirError when galleryk's
    cache folder (journals, locks) cannot be written, AlbumNotFound (with ``choices`` and
    ``can_create``), NotSignedIn, JournalCorrupt for a journal that is not galleryk's, or the
    service's error.
    """
    check_album_name(album)
    cachedir.check_writable("locks", *(() if journal is not None else ("journals",)))
    adapter = make_target(target, album=album, create=False, policy=PushOptions().policy)
    path = Path(journal) if journal is not None else default_journal_path(adapter)
    with contextlib.ExitStack() as stack:
        if path.exists():
            jr = Journal(path)  # it may remember the album's id from an earlier push
        else:
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="galleryk-check-"))
            jr = Journal(Path(scratch) / "journal.sqlite3")
        stack.callback(jr.close)
        try:
            adapter.prepare(jr)
        except AlbumNotFound as exc:
            if not (create and exc.can_create and exc.album is not None):
                raise
    return path


class _Job:
    """One push under way: its items and their outcomes, the target, the journal, the options, the display."""

    def __init__(
        self,
        items: list[Item],
        outcomes: dict[int, Outcome],
        adapter: Target,
        jr: Journal,
        opts: PushOptions,
        source: Any,
        cancel: threading.Event,
        bar: Watch,
    ) -> None:
        self.items, self.outcomes, self.adapter, self.jr = items, outcomes, adapter, jr
        self.opts, self.source, self.cancel, self.bar = opts, source, cancel, bar
        self.in_turns = False
        """Whether photos go into the album as their turn in the selection comes, while the others upload."""


def _run(job: _Job) -> None:
    items, outcomes, adapter, jr, opts, cancel, bar = (
        job.items,
        job.outcomes,
        job.adapter,
        job.jr,
        job.opts,
        job.cancel,
        job.bar,
    )
    try:
        opts.policy.call(lambda: adapter.prepare(jr), cancel=cancel)  # a listing cut short is read again
    except (TransportError, ServiceError) as exc:
        if (isinstance(exc, ServiceError) and not exc.temporary) or isinstance(exc, RateLimited):
            raise  # the service said no (a bad password, a revoked token, wait until tomorrow): a rerun now cannot help
        for item in items:  # the album could not be read or made, for now: nothing was uploaded
            outcomes[id(item)] = Outcome(
                "failed", error=f"not uploaded: the album could not be prepared ({describe(exc)}); rerun the push"
            )
        return
    style = check_style(opts.marker)
    view = AlbumView(adapter, style, opts.policy, cancel)
    runner = Runner(adapter, jr, view, opts, job.source, cancel, bar)
    pool = ThreadPoolExecutor(max_workers=opts.workers, thread_name_prefix="galleryk-push")
    pending: dict[Future, Item] = {}
    doubts: list[Doubt] = []

    def collect(done: set[Future]) -> None:
        for fut in done:
            item, result = pending[fut], fut.result()
            if isinstance(result, Doubt):
                doubts.append(result)
                del pending[fut]
                continue
            outcomes[id(item)] = result
            del pending[fut]  # only once recorded: a Ctrl-C in between finds it still pending (see below)
            bar.done(item, result)
            adapter.finished(item.key)
        if runner.stopped:
            return  # what waits is added at the end (a cancel), or not at all (a refusal stops the push)
        adapter.add_ready(jr)  # photos go into the album in the selection's order while the others upload
        stop = next((e for e in adapter.add_errors.values() if stops_push(e)), None)
        if stop is not None:  # an add met what every later call would (the sign-in revoked): the push stops
            runner.stop_with(stop)

    if job.in_turns:
        adapter.add_in_turns([item.key for item in items])
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
                    outcomes[id(d.item)] = runner.unsettled(d, f"could not ask the service ({describe(exc)})")
                    bar.done(d.item, outcomes[id(d.item)])
                continue
            bar.describe(f"push to {adapter.label}")
            for d in batch:
                pending[pool.submit(runner.resolve, d)] = d.item
    except KeyboardInterrupt:
        cancel.set()
        for fut, item in pending.items():
            if fut.cancel():
                outcomes[id(item)] = Outcome("cancelled", error="cancelled before it started")
        for fut, item in list(pending.items()):
            if id(item) not in outcomes:
                result = fut.result()
                if not isinstance(result, Doubt):
                    outcomes[id(item)] = result
                elif all(d is not result for d in doubts):
                    doubts.append(result)
    finally:
        pool.shutdown(wait=True)
    for d in doubts:
        outcomes[id(d.item)] = runner.unsettled(d, "the push stopped before it could be looked for", "cancelled")
    if runner.refusal is not None:
        raise runner.refusal


def _arrange(job: _Job) -> None:
    """Put the album in the selection's order once the uploads are done (see :meth:`Target.arrange`); a photo that
    could not be put in the album fails, saying it was uploaded."""
    uploaded = [o for o in job.outcomes.values() if o.status == "uploaded"]
    if not uploaded and not job.adapter.placing:
        return  # nothing new: the album is as an earlier run left it
    order = [(item.key, job.outcomes[id(item)].remote_id) for item in job.items if id(item) in job.outcomes]
    for key, exc in job.adapter.arrange(job.jr, order).items():
        for item in job.items:
            outcome = job.outcomes.get(id(item))
            if item.key == key and outcome is not None and outcome.status in ("uploaded", "skipped"):
                outcome.status, outcome.error = (
                    "failed",
                    (
                        f"uploaded as {outcome.remote_id} but not added to the album ({describe(exc)}); rerun the push "
                        "to retry"
                    ),
                )


__all__ = ["check", "default_journal_path", "push", "push_to"]
