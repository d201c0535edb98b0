"""Where a push goes and where a copy comes from: one adapter over the service contract, for every service.

A :class:`Target` resolves (or makes) the album, uploads one item with its marker, puts it in
the album, lists the album, lists the newest photos, and reads one photo's details. It asks the
service what it can do (:class:`~galleryk.services.contract.Capabilities`), never which service
it is: a service whose photos are added to albums after the upload (a Fotki photoset) gets its
album made lazily with the first photo as primary; one whose photos are uploaded into their
album (a Coppermine gallery) gets it made before the first upload.

Order: uploads run concurrently and finish in any order, so the album's order is made after
them (:meth:`Target.arrange`): a service whose albums list photos in the order they were added
(``keeps_add_order``) gets its photos added only then, in the selection's order (the album made
with the selection's first new photo); a service that can order an album (``order_albums``) is
asked to, once; any other keeps its own order, and the note says so. Albums are made exactly once
by the clients (:func:`galleryk.services.once.make_once`). A :class:`Source` downloads a listed
photo with its title, description and tags, so a listing from one service can be pushed to another.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..base.errors import AlbumNotFound, AmbiguousAlbum, GallerykError, NotSignedIn, Reason, ServiceError
from ..services.albums import album_id, listing, titled
from ..services.contract import Service, check_service
from ..transport.retry import RetryPolicy
from .items import Item
from .journal import Journal
from .markers import is_marker, marker_text, tokens, with_marker, without_markers

log = logging.getLogger("galleryk.push")


@dataclass(frozen=True)
class Listed:
    """One photo of a listing: its id, title and (when the listing shows it) description and tags."""

    id: str
    title: str
    caption: str | None = None
    tags: tuple[str, ...] = ()
    pending: bool = False
    """It waits for an admin's approval (listings leave such photos out; the service showed it elsewhere)."""


@dataclass(frozen=True)
class Details:
    """What one photo's own page or getInfo says, as far as a push needs it."""

    id: str
    title: str
    tokens: frozenset[str]
    """The marker tokens it carries (tags, description)."""


def _metadata(item: Item, style: str | None) -> tuple[str | None, list[str]]:
    """The description and tags to send, the marker placed as ``style`` asks."""
    description, tags = item.description, list(item.tags)
    if style == "tag":
        tags.append(marker_text(item.token))
    elif style == "description":
        description = with_marker(description, item.token)
    return description, tags


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


class Target:
    """A push's service and album; safe to share between the push's threads.

    ``identity`` keys the journal (service, address, user and album as asked); ``label`` names the
    account in messages; ``album_title``/``album_id`` are known once the album is found or made.
    """

    def __init__(self, client: Any, album: str | int | None, create: bool, policy: RetryPolicy) -> None:
        self.client: Service = check_service(client, "push")
        self.caps = self.client.capabilities
        self.create = create
        self.album_spec = album
        self.policy = policy
        if not self.caps.guest_uploads and not self.client.signed_in:
            raise NotSignedIn(
                f"pushing to {self.client.name} needs a signed-in client: sign in first",
                service=self.client.service,
                how=self.caps.sign_in,
            )
        # the journal is keyed by user: ask the service when a sign-in came without a name
        self.user = self.client.whoami() or ("guest" if self.caps.guest_uploads else "?")
        self.account = f"{self.client.service}|{self.client.endpoint}|{self.user}"
        self.album_key = None if album is None else str(album)
        self.identity = f"{self.account}|{self.album_key or ''}"
        self.label = f"{self.client.name} ({self.user})"
        self.service = self.client.service
        self.album_title: str | None = None
        self.album_id: str | None = None
        self.uploads_known = True
        """Whether the service told, before any upload, that the user may upload to the album."""
        self.created = False
        """Whether this target made the album (found none, and ``create`` asked for it)."""
        self.order_note: str | None = None
        """What :meth:`arrange` did about the album's order, in words (None until it ran)."""
        self.pending_known = True
        """Whether the service shows this user their photos of the album that wait for approval."""
        self.pending_why = ""
        self.holds_pending: bool | None = None
        """Whether an upload of this push came back awaiting approval (None: none came back yet)."""
        self.first_upload = threading.Lock()
        """Held by the one upload that tells whether the album takes this user's uploads at all, where the service
        said nothing of it nor shows pending photos: no second copy goes out before that reply."""
        self._visible: list[str] = []
        self._lock = threading.Lock()
        self._waiting: dict[str, str] = {}  # key -> remote id of photos to add in order (see arrange)
        self._turns: list[str] = []  # the selection's keys in order, while photos are added as their turn comes
        self._turn = 0
        self._finished: set[str] = set()  # keys whose row has its outcome: no photo of theirs comes later
        self._add_errors: dict[str, GallerykError] = {}
        self._added_in_turn = 0

    # -- what the push says about itself ---------------------------------------------------
    @property
    def noun(self) -> str:
        return self.client.album_noun

    @property
    def album_label(self) -> str | None:
        """The album for messages: its title and id, ``Trip (72157000005)``; what was asked until it is known."""
        if self.album_id is None:
            return self.album_key
        return f"{self.album_title} ({self.album_id})" if self.album_title else self.album_id

    @property
    def album_url(self) -> str | None:
        """A page showing the album, when the service has one and the album is known."""
        return self.client.album_url(int(self.album_id)) if self.album_id is not None else None

    def lock_key(self) -> str:
        """Key of the one-push-at-a-time lock: the account and the album's title (an id is read as its title)."""
        name = "" if self.album_spec is None else str(self.album_spec)
        aid = album_id(self.album_spec) if self.album_spec is not None else None
        if aid is not None:
            albums = self._albums()
            title = albums.loc[albums["id"] == aid, "title"]
            if len(title):
                name = str(title.iloc[0])
        return f"{self.account}|{name}"

    def lock_label(self) -> str:
        where = f"{self.label} at {self.client.endpoint}"
        return where if self.album_spec is None else f"{where}, {self.noun} {str(self.album_spec)!r}"

    @property
    def re_adds(self) -> bool:
        """Whether a photo found outside the album is put back in it (a service that adds photos to albums)."""
        return self.caps.adds_to_album and self.album_spec is not None

    @property
    def recent_in_album(self) -> bool:
        """Whether :meth:`list_recent` lists the album itself (else where uploads land before they are added)."""
        return not self.caps.adds_to_album

    def visible_albums(self) -> list[str]:
        """Titles of the albums the user sees (for a message when the service refused the album)."""
        return list(self._visible)

    # -- the album ------------------------------------------------------------------------
    def _albums(self) -> pd.DataFrame:
        return self.policy.call(self.client.albums)

    def prepare(self, journal: Journal) -> None:
        """Resolve the album before any upload; make it now, or plan to make it with the first photo."""
        albums = self._albums()
        rights = albums["can_upload"] if "can_upload" in albums else pd.Series(pd.NA, index=albums.index)
        self._visible = albums["title"].dropna().astype(str).tolist()
        known = bool(rights.notna().any())
        open_ = albums[rights.fillna(False).astype(bool)] if known else albums
        choices = open_["title"].dropna().astype(str).tolist()
        shown = listing([f"{t} ({i})" for i, t in zip(open_["id"], open_["title"])])
        offered = (
            f"{self.noun}s you may upload to: {shown}"
            if known
            else f"the service does not say which {self.noun}s accept your uploads; {self.noun}s you can see: {shown}"
        )
        if self.album_spec is None:
            if self.caps.loose_photos:
                return
            raise AlbumNotFound(
                f"pushing to {self.client.name} needs album=; {offered}", choices=choices, service=self.service
            )
        spec = self.album_spec
        asked_id = album_id(spec)
        remembered = journal.album(self.identity)
        ids = {int(i) for i in albums["id"].dropna()}
        hits = titled(albums, str(spec))
        if remembered and int(remembered) in ids:
            aid: int | None = int(remembered)
        elif asked_id is not None and asked_id in ids:
            aid = asked_id
        elif len(hits) == 1:
            aid = int(hits["id"].iloc[0])
        elif len(hits) > 1:
            found = [int(i) for i in hits["id"]]
            raise AmbiguousAlbum(
                f"{len(found)} {self.noun}s are titled {spec!r} (ids {', '.join(map(str, found))}): push to one of "
                f"them by its id (album={found[0]})",
                album=spec,
                ids=found,
                service=self.service,
            )
        elif not self.create or asked_id is not None:
            can_create = asked_id is None and self.caps.create_albums
            why = (
                f"; {self.noun}s are created from a title, not from an id"
                if self.create and asked_id is not None
                else " (pass create=True to make it)"
                if can_create
                else ""
            )
            raise AlbumNotFound(
                f"no {self.client.name} {self.noun} {spec!r}; {offered}{why}",
                album=spec,
                choices=choices,
                can_create=can_create,
                service=self.service,
            )
        elif self.caps.album_needs_photo:
            return  # made with the first photo uploaded (see place)
        else:
            aid = self.client.create_album(str(spec))
            self.created = True
            albums = self._albums()
            rights = albums["can_upload"] if "can_upload" in albums else pd.Series(pd.NA, index=albums.index)
        row = albums["id"] == aid
        title = albums.loc[row, "title"]
        name = str(title.iloc[0]) if len(title) else str(spec)
        right = rights[row].iloc[0] if row.any() else pd.NA
        if not pd.isna(right) and not bool(right):
            raise AlbumNotFound(
                f"you may not upload to the {self.client.name} {self.noun} {name!r} ({aid}); {offered}",
                album=spec,
                choices=choices,
                can_create=False,
                service=self.service,
                refused=True,
            )
        self.uploads_known = not pd.isna(right)
        assert aid is not None
        journal.set_album(self.identity, str(aid))
        self._named(name, aid)

    def _named(self, title: str | None, aid: int | str) -> None:
        """Remember which album the push goes to, once it is known (found or made)."""
        self.album_title, self.album_id = title, str(aid)

    # -- one photo --------------------------------------------------------------------------
    def note_pending(self, held: pd.DataFrame) -> None:
        """Remember whether the service showed all of this user's photos awaiting approval (a ``pending_photos``)."""
        self.pending_known = bool(held.attrs.get("complete", True))
        self.pending_why = str(held.attrs.get("pending", ""))

    def unseen_pending(self, journal: Journal) -> bool:
        """Whether this user's photos may wait for approval in the album unseen: the service shows none of them,
        and nothing tells that uploads there are not held (an album this push made, or an upload, of this push
        or in ``journal``, that came back with the photo's id). Then an upload the journal does not know could
        be a second copy."""
        if self.pending_known:
            return False
        if self.holds_pending is None and (self.created or journal.uploaded_unheld(self.identity)):
            self.holds_pending = False
        return self.holds_pending is not False

    def upload(
        self, item: Item, path: Path, style: str | None, progress: Callable[[int, int], Any] | None = None
    ) -> tuple[str | None, str | None]:
        """Upload one file; return the new id (None when the service gives none) and a note for the report."""
        description, tags = _metadata(item, style)
        into = None if self.caps.adds_to_album or self.album_id is None else self.album_id
        result = self.client.upload(
            path, album=into, title=item.title, description=description, tags=tags, progress=progress
        )
        held = result.status == "pending_approval"
        self.holds_pending = bool(self.holds_pending) or held
        return result.id, "awaiting the gallery admin's approval" if held else None

    @property
    def adds_in_order(self) -> bool:
        """Whether photos are put in the album after the uploads, in the selection's order (see :meth:`arrange`)."""
        return self.caps.adds_to_album and self.caps.keeps_add_order and self.album_spec is not None

    def place(self, remote_id: str, journal: Journal, key: str) -> None:
        """Make sure an uploaded photo is in the album (made now, with it, when it needs a first photo); on a
        service that keeps the order photos are added in, it waits for :meth:`arrange`."""
        if not self.caps.adds_to_album or self.album_spec is None:
            journal.added_to_album(self.identity, key)
            return
        if self.adds_in_order:
            with self._lock:
                self._waiting[key] = str(remote_id)
            return
        self._add(remote_id, journal, key)

    def _add(self, remote_id: str, journal: Journal, key: str, record: bool = True) -> None:
        """Put one photo in the album (making the album with it, if need be); ``record=False`` leaves the
        journal's record to the caller (photos added in turn are recorded together, see :meth:`add_ready`)."""
        with self._lock:
            if self.album_id is None:
                made = self.client.create_album(str(self.album_spec), photo=remote_id)
                journal.set_album(self.identity, str(made))
                self._named(str(self.album_spec), made)
                self.created = True
                journal.added_to_album(self.identity, key)
                return
        try:
            self.client.add_to_album(int(self.album_id), remote_id)
        except ServiceError as exc:
            if exc.reason is not Reason.ALREADY:  # in the album already: a rerun after a lost reply
                raise
        if record:
            journal.added_to_album(self.identity, key)

    def add_in_turns(self, keys: list[str]) -> None:
        """Add photos to the album while the push runs, each as its turn in ``keys`` (the selection's order) comes:
        :meth:`add_ready` adds every photo whose row and the rows before it are all done. Only where photos wait for
        :meth:`arrange` (:attr:`adds_in_order`); what cannot be added in turn is added there."""
        if self.adds_in_order:
            self._turns, self._turn = list(keys), 0

    def finished(self, key: str) -> None:
        """The row of ``key`` has its outcome: a later photo's turn no longer waits for it."""
        if self._turns:
            with self._lock:
                self._finished.add(key)

    def add_ready(self, journal: Journal) -> None:
        """Add the photos whose turn has come (see :meth:`add_in_turns`); call from one thread only. The journal
        records the run of adds in one write: a record a crash loses costs a repeated add, told "already there"."""
        added: list[str] = []
        try:
            while self._turn < len(self._turns):
                key = self._turns[self._turn]
                with self._lock:
                    remote_id = self._waiting.get(key)
                    done = key in self._finished
                if not done:
                    # its row is still under way (or in doubt): the photos after it wait; and the caller gets back
                    # to reporting the rows that finished meanwhile before their photos go in
                    return
                if remote_id is not None and self._add_in_turn(key, remote_id, journal, record=False):
                    added.append(key)
                self._turn += 1
        finally:
            self._added_in_turn += len(added)
            if added:
                journal.added_to_album(self.identity, *added)

    def _add_in_turn(self, key: str, remote_id: str, journal: Journal, record: bool = True) -> int:
        """Add one waiting photo to the album (1), or note why it could not be (0)."""
        first_error = next(iter(self._add_errors.values()), None)
        if first_error is not None and self.album_id is None:  # the album could not be made
            self._add_errors[key] = first_error
        else:
            try:
                self.policy.call(functools.partial(self._add, remote_id, journal, key, record))
            except GallerykError as exc:
                self._add_errors[key] = exc
        with self._lock:
            self._waiting.pop(key, None)
        return 0 if key in self._add_errors else 1

    @property
    def add_errors(self) -> dict[str, GallerykError]:
        """Why photos added in turn could not be put in the album, by key (so far)."""
        return dict(self._add_errors)

    @property
    def placing(self) -> bool:
        """Whether this push has put photos in the album in turn, tried to, or has photos waiting to go in."""
        with self._lock:
            return bool(self._waiting) or self._added_in_turn > 0 or bool(self._add_errors)

    def waiting(self) -> dict[str, str]:
        """Photos uploaded (or found) and not yet in the album: key -> remote id (see :meth:`arrange`)."""
        with self._lock:
            return dict(self._waiting)

    def arrange(
        self, journal: Journal, order: list[tuple[str, str | None]], *, set_order: bool = False
    ) -> dict[str, GallerykError]:
        """Give the album the selection's order, after the uploads: ``order`` is every item's (key, remote id) in
        the selection's order. Photos waiting to be added (:meth:`place`) are added now, in that order; with
        ``set_order``, a service that can order an album is asked to (the selection's photos first, the album's
        others after). Returns the errors of photos that could not be put in the album, by key; what was done
        about the order is in :attr:`order_note`.
        """
        failed = dict(self._add_errors)
        if self.album_spec is None:
            return failed
        waiting = self.waiting()
        if waiting or self._added_in_turn:
            pending = [(k, waiting[k]) for k, _ in order if k in waiting]
            pending += [(k, r) for k, r in waiting.items() if k not in {k2 for k2, _ in pending}]
            added = self._added_in_turn
            for key, remote_id in pending:
                added += self._add_in_turn(key, remote_id, journal)
            failed = dict(self._add_errors)
            self.order_note = (
                f"the {self.noun} lists its photos in the order they were added: the {added} added by this push "
                "went in the selection's order, after the photos it held already"
            )
        if set_order and self.caps.order_albums and self.album_id is not None:
            ids = list(dict.fromkeys(int(r) for _, r in order if r))  # a photo named twice keeps its first place
            if ids:
                self.order_note = self._order(ids)
        elif set_order and not (self.caps.order_albums or self.caps.keeps_add_order):
            self.order_note = f"{self.client.name} keeps no order of its own for an {self.noun}'s photos"
        return failed

    def _order(self, ids: list[int]) -> str:
        """Ask the service to show the album in the order of ``ids``; what came of it, in words."""
        try:
            done = self.policy.call(lambda: self.client.order_album(int(self.album_id or 0), ids))
        except GallerykError as exc:
            return f"the {self.noun}'s order could not be set: {type(exc).__name__}: {exc}"
        if done.shown:
            return f"the {self.noun} shows its photos in the selection's order"
        return f"the selection's order is stored, but not shown to visitors: {done.reason}"

    def list_album(self) -> list[Listed]:
        """Every photo of the album (for a push without an album: the photos in none)."""
        if self.album_spec is not None and self.album_id is None:
            return []  # the album is made with the first upload
        album = None if self.album_spec is None else int(self.album_id)  # type: ignore[arg-type]
        df = self.policy.call(lambda: self.client.photos(album))
        rows = [
            Listed(str(int(i)), _text(t) or "", _text(d))
            for i, t, d in zip(df["id"], df["title"], df["description"])
            if not pd.isna(i)
        ]
        if album is None:
            return rows
        ids = [int(r.id) for r in rows]
        held = self.policy.call(lambda: self.client.pending_photos(album, listed=ids))
        self.note_pending(held)
        return rows + [
            Listed(str(int(i)), _text(t) or "", _text(d), tuple(tags or ()), pending=True)
            for i, t, d, tags in zip(held["id"], held["title"], held["description"], held["tags"])
            if not pd.isna(i)
        ]

    def list_recent(self, count: int) -> list[Listed]:
        """Where an upload whose reply was lost would be: at least the ``count`` newest photos there.

        Descriptions are left out (a service may add to them on such pages): a marker is confirmed
        on the photo's own page.
        """
        album = None if self.caps.adds_to_album or self.album_id is None else int(self.album_id)
        df = self.policy.call(lambda: self.client.recent_photos(album, max(count, 1)))
        return [Listed(str(int(i)), _text(t) or "") for i, t in zip(df["id"], df["title"]) if not pd.isna(i)]

    def details(self, remote_id: str) -> Details | None:
        """One photo's title and markers; None when the service has no such photo (for this user)."""
        try:
            info = self.client.photo_info(int(remote_id))
        except ServiceError as exc:
            if exc.reason is Reason.NOT_FOUND:
                return None
            raise
        return Details(
            str(remote_id), info.get("title") or "", frozenset(tokens(info.get("tags"), info.get("description")))
        )

    def refused(self, exc: GallerykError) -> bool:
        """Whether an upload's error says that the user may not upload to this album at all."""
        return isinstance(exc, ServiceError) and exc.reason in (Reason.NOT_FOUND, Reason.PERMISSION)


def make_target(client: Any, album: str | int | None, create: bool, policy: RetryPolicy) -> Target:
    """The push adapter for a service client."""
    return Target(client, album, create, policy)


class Source:
    """Fetches listed photos from a service, for a copy to another."""

    def __init__(self, client: Any) -> None:
        self.client: Service = check_service(client, "copying from a listing")

    def fetch(self, remote_id: str, folder: Path) -> dict[str, Any]:
        """Download the original into ``folder``; return its path, title, description and tags (markers dropped)."""
        info = self.client.photo_info(int(remote_id))
        path = self.client.download(int(remote_id), folder)
        tags = info.get("tags") or []
        return {
            "path": Path(path),
            "title": info.get("title") or None,
            "description": without_markers(info.get("description")) or None,
            "tags": [t for t in tags if t and not is_marker(t)],
        }


def make_source(client: Any) -> Source:
    """The copy adapter for a service client."""
    return Source(client)


__all__ = ["Details", "Listed", "Source", "Target", "is_marker", "make_source", "make_target"]
