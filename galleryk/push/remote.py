"""What a push knows of its album on the service: one listing per push, each photo's details read at most once.

The album is listed once, when the push first needs it. An item is looked for among the
listed photos with its title, whose details (tags, keywords, description) are read one at a
time until its marker turns up; details are kept, and every marker seen is indexed, so a
push of n items costs at most n look-ups whatever the titles (camera names like ``IMG_0001``
repeat a lot). The push's own uploads are known by their replies and never looked up.
Uploads whose replies were lost are looked for in a fresh listing of the newest photos,
read once for all the items waiting to be settled.
"""

from __future__ import annotations

import threading

from ..base.errors import ServiceError, TransportError
from ..transport.retry import RetryPolicy
from .items import Item
from .markers import tokens
from .targets import Details, Listed, Target


def norm(title: str | None) -> str:
    """A title with runs of white space made one, for comparing."""
    return " ".join(str(title or "").split())


class Ambiguous(Exception):
    """Several new photos could be an item's lost upload and no marker tells them apart."""


class AlbumView:
    """The album as this push has seen it; safe to share between the push's threads."""

    def __init__(self, target: Target, style: str | None, policy: RetryPolicy, cancel: threading.Event) -> None:
        self.target, self.style, self.policy, self.cancel = target, style, policy, cancel
        self._cond = threading.Condition()
        self._load_lock = threading.Lock()
        self._loaded = False
        self._load_error: BaseException | None = None
        self._listed: dict[str, str] = {}  # id -> normalised title, from every listing read
        self._snapshot: set[str] = set()  # ids listed when the push began
        self._album: set[str] = set()  # ids seen in the album itself
        self._by_title: dict[str, list[str]] = {}
        self._details: dict[str, Details | None] = {}  # read (None: no such photo on the service)
        self._reading: set[str] = set()
        self._by_token: dict[str, str] = {}  # marker token -> photo id
        self._ours: dict[str, str] = {}  # ids this push uploaded -> their tokens
        self._claimed: set[str] = set()
        self._pending: set[str] = set()  # ids the service showed as awaiting approval
        self.listings = 0
        """How many listings this push has read (the album once, then one per round of lost replies)."""

    # -- listings ------------------------------------------------------------------------
    def load(self) -> None:
        """List the album, once per push."""
        with self._load_lock:
            if self._loaded:
                return
            if self._load_error is not None:  # tried (with retries) for this push already
                raise self._load_error
            try:
                rows = self.target.list_album()
            except (TransportError, ServiceError) as exc:
                self._load_error = exc
                raise
            with self._cond:
                for row in rows:
                    self._add(row, snapshot=True, album=True)
                self._loaded = True
                self.listings += 1

    def refresh_recent(self, count: int) -> None:
        """Read the newest photos again (at least ``count``): where uploads whose replies were lost would be now."""
        self.load()
        rows = self.target.list_recent(count)
        with self._cond:
            for row in rows:
                self._add(row, album=self.target.recent_in_album)
            self.listings += 1

    def _add(self, row: Listed, snapshot: bool = False, album: bool = False) -> None:
        if row.id not in self._listed:
            title = norm(row.title)
            self._listed[row.id] = title
            self._by_title.setdefault(title, []).append(row.id)
        if snapshot:
            self._snapshot.add(row.id)
        if album:
            self._album.add(row.id)
        if row.pending:
            self._pending.add(row.id)
        if (row.caption or row.tags) and self.style is not None:
            for token in tokens(row.tags, row.caption):
                self._by_token.setdefault(token, row.id)

    def pending(self, remote_id: str) -> bool:
        """Whether the service showed ``remote_id`` as awaiting an admin's approval."""
        with self._cond:
            return remote_id in self._pending

    # -- what this push did --------------------------------------------------------------
    def uploaded(self, remote_id: str, item: Item) -> None:
        """This push uploaded ``item`` as ``remote_id`` (its reply said so)."""
        with self._cond:
            self._ours[remote_id] = item.token
            self._by_token[item.token] = remote_id
            self._details[remote_id] = Details(remote_id, norm(item.title), frozenset({item.token}))
            self._claimed.add(remote_id)
            self._cond.notify_all()

    def in_album(self, remote_id: str) -> bool:
        """Whether a listing of the album itself showed ``remote_id``."""
        with self._cond:
            return remote_id in self._album

    def claim(self, remote_id: str) -> None:
        """``remote_id`` is known to be one item's photo (found on the service for it)."""
        with self._cond:
            self._claimed.add(remote_id)

    def claimed_elsewhere(self, remote_id: str, token: str) -> bool:
        """Whether ``remote_id`` is known to be another photo than the one with marker ``token``: in the album
        before this push began, or found or uploaded for another item."""
        with self._cond:
            if remote_id in self._snapshot:
                return True
            return remote_id in self._claimed and self._ours.get(remote_id) != token

    # -- looking things up ---------------------------------------------------------------
    def find(self, token: str, title: str | None) -> str | None:
        """The id of the listed photo carrying marker ``token``, among those titled ``title`` (any, when None)."""
        if self.style is None:
            return None
        self.load()
        wanted = norm(title) if title is not None else None
        while True:
            with self._cond:
                hit = self._by_token.get(token)
                if hit is not None:
                    return hit
                pool = self._by_title.get(wanted, ()) if wanted is not None else list(self._listed)
                pick = next((i for i in pool if i not in self._details and i not in self._reading), None)
                if pick is None:
                    if any(i in self._reading for i in pool):
                        self._cond.wait(0.5)  # another thread is reading one of them
                        continue
                    return None
                self._reading.add(pick)
            self._read(pick)

    def details(self, remote_id: str) -> Details | None:
        """One photo's details, read at most once per push."""
        while True:
            with self._cond:
                if remote_id in self._details:
                    return self._details[remote_id]
                if remote_id in self._reading:
                    self._cond.wait(0.5)
                    continue
                self._reading.add(remote_id)
            self._read(remote_id)

    def details_now(self, remote_id: str) -> Details | None:
        """One photo's details read now, not from what this push saw of that id before (an id can change
        hands: a service reset hands out the same ids again)."""
        got = self.policy.call(lambda: self.target.details(remote_id), cancel=self.cancel)
        with self._cond:
            self._details[remote_id] = got
            if got is not None:
                for token in got.tokens:
                    self._by_token.setdefault(token, remote_id)
            self._cond.notify_all()
        return got

    def _read(self, remote_id: str) -> None:
        """Read the details of a photo this thread has reserved; index its markers."""
        try:
            got = self.policy.call(lambda: self.target.details(remote_id), cancel=self.cancel)
        except BaseException:
            with self._cond:
                self._reading.discard(remote_id)
                self._cond.notify_all()
            raise
        with self._cond:
            self._reading.discard(remote_id)
            self._details[remote_id] = got
            if got is not None:
                for token in got.tokens:
                    self._by_token.setdefault(token, remote_id)
            self._cond.notify_all()

    def presence(self, remote_id: str, token: str, title: str | None) -> str:
        """Where a photo the journal calls done is: "listed" (in the album), "elsewhere" (on the service, not in
        the album) or "missing" (gone, or its id now holds another photo)."""
        self.load()
        with self._cond:
            if remote_id in self._ours:  # uploaded by this push: the journal's photo only if it carries its marker
                return "listed" if self._ours[remote_id] == token else "missing"
            listed_title = self._listed.get(remote_id)
        if listed_title is not None:
            if self.style is None or title is None or listed_title == norm(title):
                return "listed"
            got = self.details(remote_id)
            return "listed" if got is not None and token in got.tokens else "missing"
        got = self.details(remote_id)
        if got is None or (self.style is not None and token not in got.tokens):
            return "missing"
        return "elsewhere"

    def find_new(self, title: str | None) -> str | None:
        """Without markers: the one photo titled ``title`` that appeared during this push and is nobody's yet.

        Raises Ambiguous when there are several.
        """
        with self._cond:
            new = [i for i in self._by_title.get(norm(title), ()) if i not in self._snapshot and i not in self._claimed]
            if len(new) > 1:
                raise Ambiguous(f"{len(new)} new photos are titled {title!r}")
            if new:
                self._claimed.add(new[0])
                return new[0]
            return None
