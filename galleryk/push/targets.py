"""Where a push goes and where a copy comes from: one small adapter per service over its client.

A target resolves (or makes) the album, uploads one item with its marker, puts it in the album
(a Fotki photoset is made lazily, its first photo as primary, since a set cannot exist without
one), lists the album, lists the newest photos, and reads one photo's details. Creating a
photoset or an album is idempotent: when the reply to a create is lost, the target looks for
it by title (and, on Fotki, by its primary photo) before it tries again. A source downloads a
listed picture with its title, description and tags, so a listing from one service can be
pushed to the other.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import (
    AlbumNotFound,
    CoppermineError,
    FotkiError,
    FotkiNotFound,
    GallerykError,
    NotSignedIn,
    TransportError,
)
from .items import Item
from .journal import Journal
from .markers import is_marker, marker_text, tokens, with_marker, without_markers
from .retry import backoff, retrying

log = logging.getLogger("galleryk.push")

_PAGE = 500  # the most photos a Flickr-style listing page holds


@dataclass(frozen=True)
class Listed:
    """One photo of a listing: its id, title and (Coppermine) caption."""

    id: str
    title: str
    caption: str | None = None


@dataclass(frozen=True)
class Details:
    """What one photo's own page or getInfo says, as far as a push needs it."""

    id: str
    title: str
    tokens: frozenset[str]
    """The marker tokens it carries (tags, keywords, description)."""


def _is_int_like(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().isdigit()
    )


def _choices(titles: list[str], limit: int = 15) -> str:
    shown = ", ".join(repr(t) for t in titles[:limit])
    more = f" and {len(titles) - limit} more" if len(titles) > limit else ""
    return (shown + more) if titles else "none"


def _metadata(item: Item, style: str | None) -> tuple[str | None, list[str]]:
    """The description and tags to send, the marker placed as ``style`` asks."""
    description, tags = item.description, list(item.tags)
    if style == "tag":
        tags.append(marker_text(item.token))
    elif style == "description":
        description = with_marker(description, item.token)
    return description, tags


class Target:
    """What the push engine needs from a service; see FotkiTarget and CoppermineTarget."""

    service: str
    identity: str
    """Journal key of the target: service, endpoint, user and album."""
    label: str
    album_key: str | None
    album_title: str | None = None
    album_id: str | None = None
    uploads_known: bool = True
    """Whether the service told, before any upload, that the user may upload to the album."""
    recent_in_album: bool = True
    """Whether :meth:`list_recent` lists the album itself (else photos outside every album)."""
    retries: int = 3

    def lock_key(self) -> str:
        """Key of the one-push-at-a-time lock: the account and the album's title (ids resolved)."""
        raise NotImplementedError

    def lock_label(self) -> str:
        return f"{self.label}, album {self.album_key!r}" if self.album_key is not None else self.label

    @property
    def album_label(self) -> str | None:
        """The album for messages: its title and id, ``Trip (72157000005)``; what was asked until it is known."""
        if self.album_id is None:
            return self.album_key
        return f"{self.album_title} ({self.album_id})" if self.album_title else self.album_id

    def _named(self, title: str | None, album_id: str) -> None:
        """Remember which album the push goes to, once it is known (found or made)."""
        self.album_title, self.album_id = title, str(album_id)

    def prepare(self, journal: Journal) -> None:
        """Resolve (or plan the creation of) the album before any upload."""

    def upload(
        self, item: Item, path: Path, style: str | None, progress: Callable[[int, int], Any] | None = None
    ) -> tuple[str | None, str | None]:
        """Upload one file; return the new id (None when the service gives none) and a note for the report."""
        raise NotImplementedError

    def place(self, remote_id: str, journal: Journal, key: str) -> None:
        """Make sure an uploaded photo is in the album; record it in the journal."""
        journal.added_to_album(self.identity, key)

    def list_album(self) -> list[Listed]:
        """Every photo of the album (for a push without an album: where such pushes put photos)."""
        raise NotImplementedError

    def list_recent(self, count: int) -> list[Listed]:
        """Where an upload whose reply was lost would be: at least the ``count`` newest photos there."""
        raise NotImplementedError

    def details(self, remote_id: str) -> Details | None:
        """One photo's title and markers; None when the service has no such photo."""
        raise NotImplementedError

    def refused(self, exc: GallerykError) -> bool:
        """Whether an upload's error says that the user may not upload to this album at all."""
        return False

    @property
    def re_adds(self) -> bool:
        """Whether a photo found outside the album is put back in it (a Fotki photoset)."""
        return False


class FotkiTarget(Target):
    """Pushes to a Fotki account, optionally into a photoset (by id or title)."""

    service = "fotki"
    recent_in_album = False

    def __init__(self, client: Any, album: str | int | None, create: bool, retries: int = 3) -> None:
        self.client = client
        self.create = create
        self.album_spec = album
        self.retries = retries
        if not client.authorized:
            raise NotSignedIn(
                "pushing to Fotki needs a signed-in client: call login() (or pass a token) first", service="fotki"
            )
        # the journal is keyed by user: ask the service when the token came without a name
        user = client.username or client.check_token().username or "?"
        self.account = f"fotki|{client.api_url}|{user}"
        self.album_key = None if album is None else str(album)
        self.identity = f"{self.account}|{self.album_key or ''}"
        self.label = f"Fotki ({user})"
        self.set_id: str | None = None
        self._lock = threading.Lock()

    def _photosets(self) -> pd.DataFrame:
        return retrying(self.client.photosets, self.retries)

    def lock_key(self) -> str:
        name = "" if self.album_spec is None else str(self.album_spec)
        if _is_int_like(self.album_spec):
            sets = self._photosets()
            title = sets.loc[sets["id"].astype("string") == name.strip(), "title"]
            if len(title):
                name = str(title.iloc[0])
        return f"{self.account}|{name}"

    def lock_label(self) -> str:
        return self.label if self.album_spec is None else f"{self.label}, photoset {str(self.album_spec)!r}"

    def prepare(self, journal: Journal) -> None:
        if self.album_spec is None:
            return
        sets = self._photosets()
        ids = {str(i) for i in sets["id"].dropna().tolist()}
        remembered = journal.album(self.identity)
        if remembered and remembered in ids:
            self.set_id = remembered
        elif _is_int_like(self.album_spec) and str(self.album_spec).strip() in ids:
            self.set_id = str(self.album_spec).strip()
        else:
            hits = sets[sets["title"] == str(self.album_spec)]
            if len(hits):
                self.set_id = str(int(hits["id"].iloc[0]))
            elif not self.create:
                titles = sets["title"].dropna().tolist()
                raise AlbumNotFound(
                    f"no Fotki photoset {self.album_spec!r}; yours are: {_choices(titles)} (pass create=True to make it)",
                    album=self.album_spec,
                    choices=titles,
                    can_create=True,
                )
        if self.set_id is not None:
            journal.set_album(self.identity, self.set_id)
            title = sets.loc[sets["id"].astype("string") == self.set_id, "title"]
            self._named(str(title.iloc[0]) if len(title) else None, self.set_id)

    def upload(
        self, item: Item, path: Path, style: str | None, progress: Callable[[int, int], Any] | None = None
    ) -> tuple[str | None, str | None]:
        description, tags = _metadata(item, style)
        result = self.client.upload(path, title=item.title, description=description, tags=tags, progress=progress)
        return result.id, None

    def place(self, remote_id: str, journal: Journal, key: str) -> None:
        if self.album_spec is None:
            journal.added_to_album(self.identity, key)
            return
        with self._lock:
            if self.set_id is None:
                self.set_id = self._create_set(remote_id)
                journal.set_album(self.identity, self.set_id)
                self._named(str(self.album_spec), self.set_id)
                journal.added_to_album(self.identity, key)
                return
        try:
            self.client.add_to_photoset(self.set_id, remote_id)
        except FotkiError as exc:
            if exc.code != 3:  # 3: the photo is in the set already (a rerun after a lost reply)
                raise
        journal.added_to_album(self.identity, key)

    def _create_set(self, primary: str) -> str:
        """Create the photoset with ``primary``; after a lost reply, find the set it made instead of making two."""
        title = str(self.album_spec)
        for attempt in range(self.retries + 1):
            try:
                return str(self.client.create_photoset(title, primary))
            except TransportError as exc:
                sets = self._photosets()
                mine = sets[sets["primary"].astype("string") == str(primary)]
                if not len(mine):
                    mine = sets[sets["title"] == title]
                if len(mine):
                    found = str(int(mine["id"].max()))
                    log.info("the reply to creating photoset %r was lost; it had been made (%s)", title, found)
                    return found
                if attempt == self.retries:
                    raise exc from None
                time.sleep(backoff(attempt))
        raise AssertionError("unreachable")

    @property
    def re_adds(self) -> bool:
        return self.album_spec is not None

    def list_album(self) -> list[Listed]:
        if self.album_spec is None:
            return _fotki_listing(self.client, "flickr.photos.getNotInSet", {}, None, self.retries)
        if self.set_id is None:
            return []  # the photoset is made with the first upload
        return _fotki_listing(
            self.client, "flickr.photosets.getPhotos", {"photoset_id": self.set_id}, None, self.retries
        )

    def list_recent(self, count: int) -> list[Listed]:
        # an upload lands outside every set; the push adds it to the photoset only once it knows its id
        return _fotki_listing(self.client, "flickr.photos.getNotInSet", {}, max(count, 1), self.retries)

    def details(self, remote_id: str) -> Details | None:
        try:
            info = self.client.photo_info(remote_id)
        except FotkiNotFound:
            return None
        return Details(
            str(remote_id), info.get("title") or "", frozenset(tokens(info.get("tags"), info.get("description")))
        )


def _fotki_listing(client: Any, method: str, params: dict, limit: int | None, retries: int) -> list[Listed]:
    """Pages of a Flickr-style listing (newest first for getNotInSet), each page tried again on its own."""
    per_page = _PAGE if limit is None else max(1, min(_PAGE, limit))

    def fetch(page: int) -> list[Listed]:
        body = retrying(lambda: client.call(method, **params, page=page, per_page=per_page), retries)
        if body is None:
            return []
        return [Listed(str(el.get("id")), el.get("title") or "") for el in body.iterchildren("photo") if el.get("id")]

    first_body = retrying(lambda: client.call(method, **params, page=1, per_page=per_page), retries)
    if first_body is None:
        return []
    rows = [Listed(str(el.get("id")), el.get("title") or "") for el in first_body.iterchildren("photo") if el.get("id")]
    pages = _int(first_body.get("pages")) or 1
    perpage = _int(first_body.get("perpage")) or per_page
    last = pages if limit is None else min(pages, math.ceil(limit / max(perpage, 1)))
    if rows and last > 1:
        with ThreadPoolExecutor(
            max(1, min(getattr(client, "workers", 4), last - 1)), thread_name_prefix="galleryk-push-list"
        ) as pool:
            for got in pool.map(fetch, range(2, last + 1)):
                if not got:
                    break
                rows.extend(got)
    return rows if limit is None else rows[:limit]


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class CoppermineTarget(Target):
    """Pushes into one album of a Coppermine gallery (id or exact title); stock galleries can create it."""

    service = "coppermine"

    def __init__(self, client: Any, album: str | int | None, create: bool, retries: int = 3) -> None:
        self.client = client
        self.create = create
        self.album_spec = album
        self.retries = retries
        self.user = getattr(client, "username", None) or "guest"
        self.account = f"coppermine|{client.url}|{self.user}"
        self.album_key = None if album is None else str(album)
        self.identity = f"{self.account}|{self.album_key or ''}"
        self.label = f"Coppermine ({self.user})"
        self.aid: int | None = None
        self.uploads_known = True
        self._visible: list[str] = []

    def _albums(self) -> pd.DataFrame:
        return retrying(self.client.albums, self.retries)

    def lock_key(self) -> str:
        name = "" if self.album_spec is None else str(self.album_spec)
        if _is_int_like(self.album_spec):
            albums = self._albums()
            title = albums.loc[albums["id"] == int(self.album_spec), "title"]
            if len(title):
                name = str(title.iloc[0])
        return f"{self.account}|{name}"

    def lock_label(self) -> str:
        album = "" if self.album_spec is None else f", album {str(self.album_spec)!r}"
        return f"{self.label} at {self.client.url}{album}"

    def prepare(self, journal: Journal) -> None:
        albums = self._albums()
        rights = albums["can_upload"] if "can_upload" in albums else pd.Series(pd.NA, index=albums.index)
        self._visible = albums["title"].dropna().tolist()
        known = rights.notna().any()
        open_ = albums[rights.fillna(False).astype(bool)] if known else albums
        choices = open_["title"].dropna().tolist()
        listing = _choices([f"{t} ({i})" for i, t in zip(open_["id"], open_["title"])])
        offered = (
            f"albums you may upload to: {listing}"
            if known
            else f"the gallery does not say which albums accept your uploads (the cpgAPI has no such call); "
            f"albums you can see: {listing}"
        )
        if self.album_spec is None:
            raise AlbumNotFound(f"pushing to Coppermine needs album=; {offered}", choices=choices)
        remembered = journal.album(self.identity)
        ids = {int(i) for i in albums["id"].dropna().tolist()}
        hits = albums[albums["title"] == str(self.album_spec)]
        if remembered and int(remembered) in ids:
            self.aid = int(remembered)
        elif _is_int_like(self.album_spec) and int(self.album_spec) in ids:
            self.aid = int(self.album_spec)
        elif len(hits) == 1:
            self.aid = int(hits["id"].iloc[0])
        elif len(hits) > 1:
            raise AlbumNotFound(
                f"{len(hits)} albums are titled {self.album_spec!r} (ids {list(hits['id'])}); pass the id",
                album=self.album_spec,
                choices=choices,
            )
        elif not self.create:
            can_create = not _is_int_like(self.album_spec)
            raise AlbumNotFound(
                f"no Coppermine album {self.album_spec!r}; {offered}"
                + (" (pass create=True to make it)" if can_create else ""),
                album=self.album_spec,
                choices=choices,
                can_create=can_create,
            )
        elif _is_int_like(self.album_spec):
            raise AlbumNotFound(
                f"cannot create album {self.album_spec!r}: an album is created by title, not by id; {offered}",
                album=self.album_spec,
                choices=choices,
            )
        else:
            self.aid = self._create_album(str(self.album_spec), offered, choices)
            albums = self._albums()
            rights = albums["can_upload"] if "can_upload" in albums else pd.Series(pd.NA, index=albums.index)
        row = albums["id"] == self.aid
        title = albums.loc[row, "title"]
        name = title.iloc[0] if len(title) else self.album_spec
        right = rights[row].iloc[0] if row.any() else pd.NA
        if not pd.isna(right) and not bool(right):
            raise AlbumNotFound(
                f"{self.user} may not upload to the Coppermine album {name!r} ({self.aid}); {offered}",
                album=self.album_spec,
                choices=choices,
                can_create=False,
            )
        self.uploads_known = not pd.isna(right)
        journal.set_album(self.identity, str(self.aid))
        self._named(str(name), str(self.aid))

    def _create_album(self, title: str, offered: str, choices: list[str]) -> int:
        """Create the album; after a lost or garbled reply, look for it by title before trying again."""
        last: GallerykError | None = None
        for attempt in range(self.retries + 1):
            try:
                return int(self.client.create_album(title))
            except (TransportError, CoppermineError) as exc:
                last = exc
            albums = self._albums()
            hits = albums[albums["title"] == title]
            if len(hits):
                aid = int(hits["id"].max())
                log.info("creating album %r answered %s; it had been made (%s)", title, last, aid)
                return aid
            if attempt < self.retries:
                time.sleep(backoff(attempt))
        if isinstance(last, CoppermineError):
            raise AlbumNotFound(
                f"could not create the Coppermine album {title!r}: {last}; {offered}",
                album=title,
                choices=choices,
                can_create=False,
            )
        assert last is not None
        raise last

    def upload(
        self, item: Item, path: Path, style: str | None, progress: Callable[[int, int], Any] | None = None
    ) -> tuple[str | None, str | None]:
        description, tags = _metadata(item, style)
        result = self.client.upload(
            path, album=self.aid, title=item.title, description=description, tags=tags, progress=progress
        )
        note = "awaiting the gallery admin's approval" if result.status == "pending_approval" else None
        return result.id, note

    def list_album(self) -> list[Listed]:
        df = retrying(lambda: self.client.photos(self.aid), self.retries)
        captions = df["caption"] if "caption" in df else pd.Series(None, index=df.index)
        return [
            Listed(str(int(pid)), "" if pd.isna(title) else str(title), None if pd.isna(caption) else str(caption))
            for pid, title, caption in zip(df["pid"], df["title"], captions)
            if not pd.isna(pid)
        ]

    def list_recent(self, count: int) -> list[Listed]:
        # the gallery's "Last additions" of this album, newest first: as many pages as ``count`` needs, whatever the
        # album's size (album pages follow its sort order, by file name, so a new picture may be on any of them).
        # Captions are left out: a marker is confirmed on the picture's own page.
        df = retrying(lambda: self.client.recent_photos(self.aid, max(count, 1)), self.retries)
        return [
            Listed(str(int(pid)), "" if pd.isna(title) else str(title))
            for pid, title in zip(df["pid"], df["title"])
            if not pd.isna(pid)
        ]

    def details(self, remote_id: str) -> Details | None:
        try:
            info = self.client.photo_info(int(remote_id))
        except CoppermineError as exc:
            if exc.code == 19:
                return None
            raise
        return Details(
            str(remote_id), info.get("title") or "", frozenset(tokens(info.get("keywords"), info.get("caption")))
        )

    def refused(self, exc: GallerykError) -> bool:
        return isinstance(exc, CoppermineError) and exc.code in (19, 20)

    def visible_albums(self) -> list[str]:
        return list(self._visible)


def _service(client: Any) -> str:
    from ..coppermine import Coppermine
    from ..fotki import Fotki

    if isinstance(client, Fotki):
        return "fotki"
    if isinstance(client, Coppermine):
        return "coppermine"
    raise TypeError(f"push to a galleryk.Fotki or galleryk.Coppermine client, not {type(client).__name__}")


def make_target(client: Any, album: str | int | None, create: bool, retries: int = 3) -> Target:
    """The adapter for a Fotki or Coppermine client."""
    if _service(client) == "fotki":
        return FotkiTarget(client, album, create, retries)
    return CoppermineTarget(client, album, create, retries)


class Source:
    """Fetches listed pictures from a service for a cross-service copy."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.service = _service(client)

    def fetch(self, remote_id: str, folder: Path) -> dict[str, Any]:
        """Download the original into ``folder``; return its path, title, description and tags (markers dropped)."""
        if self.service == "fotki":
            body = self.client.call("flickr.photos.getInfo", photo_id=str(remote_id))
            title = body.findtext("title") if body is not None else None
            description = body.findtext("description") if body is not None else None
            tags = [] if body is None else [t.get("raw") or t.text or "" for t in body.iterfind("tags/tag")]
            path = self.client.download(remote_id, folder)
        else:
            info = self.client.photo_info(int(remote_id))
            title, description, tags = info.get("title"), info.get("caption"), list(info.get("keywords") or [])
            path = self.client.download(int(remote_id), folder)
        return {
            "path": Path(path),
            "title": title or None,
            "description": without_markers(description) or None,
            "tags": [t for t in tags if t and not is_marker(t)],
        }


def make_source(client: Any) -> Source:
    """The source adapter for a Fotki or Coppermine client."""
    return Source(client)


__all__ = ["AlbumNotFound", "Details", "Listed", "Source", "Target", "is_marker", "make_source", "make_target"]
