"""Where a push goes and where a copy comes from: one small adapter per service over its client.

A target knows how to upload one item, put it in the album (a Fotki photoset is made lazily,
its first photo as primary, since a set cannot exist without one), and find an item on the
service again by its marker tag when a reply was lost. A source downloads a listed picture
with its title, description and tags, so a listing from one service can be pushed to the other.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import AlbumNotFound, FotkiError, GallerykError, NotSignedIn
from .items import Item
from .journal import Journal

log = logging.getLogger("galleryk.push")

_MARKER_CLEAN = re.compile(r"^galleryk-?[0-9a-f]{16}$", re.IGNORECASE)


def is_marker(tag: str) -> bool:
    """Whether a tag or keyword is a galleryk push marker (in its raw or its service-normalised form)."""
    return bool(_MARKER_CLEAN.match(str(tag)))


def _clean(tag: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(tag).lower())


def _has_marker(tags: Any, marker: str) -> bool:
    wanted = _clean(marker)
    return any(_clean(t) == wanted for t in (tags or []))


def _is_int_like(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.strip().isdigit())


def _choices(titles: list[str], limit: int = 15) -> str:
    shown = ", ".join(repr(t) for t in titles[:limit])
    more = f" and {len(titles) - limit} more" if len(titles) > limit else ""
    return (shown + more) if titles else "none"


class Target:
    """What the push engine needs from a service; see FotkiTarget and CoppermineTarget."""

    identity: str
    label: str
    album_key: str | None
    album_label: str | None
    _listing: pd.DataFrame | None = None
    _listing_lock: threading.Lock

    def prepare(self, journal: Journal) -> None:
        """Resolve (or plan the creation of) the album before any upload."""

    def upload(self, item: Item, path: Path) -> tuple[str | None, str | None]:
        """Upload one file; return the new id (None when the service gives none) and a note for the report."""
        raise NotImplementedError

    def place(self, remote_id: str, journal: Journal, key: str) -> None:
        """Make sure an uploaded photo is in the album; record it in the journal."""
        journal.added_to_album(self.identity, key)

    def find(self, item: Item, fresh: bool) -> str | None:
        """The id of a photo in the album carrying ``item``'s marker, or None.

        Candidates come from the album's listing (read once per push, or again when ``fresh``)
        with the item's title; their tags or keywords are then checked for the marker.
        """
        raise NotImplementedError

    def listing(self, fresh: bool) -> pd.DataFrame:
        """The photos a lost or earlier upload could be among; cached for the push."""
        with self._listing_lock:
            if fresh or self._listing is None:
                self._listing = self._fetch_listing()
            return self._listing

    def _fetch_listing(self) -> pd.DataFrame:
        raise NotImplementedError


class FotkiTarget(Target):
    """Pushes to a Fotki account, optionally into a photoset (by id or title)."""

    def __init__(self, client: Any, album: str | int | None, create: bool) -> None:
        self.client = client
        self.create = create
        self.album_spec = album
        if not client.authorized:
            raise NotSignedIn("pushing to Fotki needs a signed-in client: call login() (or pass a token) first",
                              service="fotki")
        # the journal is keyed by user: ask the service when the token came without a name
        user = client.username or client.check_token().username or "?"
        self.album_key = None if album is None else str(album)
        self.identity = f"fotki|{client.api_url}|{user}|{self.album_key or ''}"
        self.label = f"Fotki ({user})"
        self.album_label = self.album_key
        self.set_id: str | None = None
        self._lock = threading.Lock()
        self._listing_lock = threading.Lock()

    def prepare(self, journal: Journal) -> None:
        if self.album_spec is None:
            return
        sets = self.client.photosets()
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
                    album=self.album_spec, choices=titles, can_create=True,
                )
        if self.set_id is not None:
            journal.set_album(self.identity, self.set_id)
            title = sets.loc[sets["id"].astype("string") == self.set_id, "title"]
            self.album_label = f"{title.iloc[0]} ({self.set_id})" if len(title) else self.set_id

    def upload(self, item: Item, path: Path) -> tuple[str | None, str | None]:
        result = self.client.upload(
            path, title=item.title, description=item.description, tags=[*item.tags, item.marker]
        )
        return result.id, None

    def place(self, remote_id: str, journal: Journal, key: str) -> None:
        if self.album_spec is None:
            journal.added_to_album(self.identity, key)
            return
        with self._lock:
            if self.set_id is None:
                self.set_id = str(self.client.create_photoset(str(self.album_spec), remote_id))
                journal.set_album(self.identity, self.set_id)
                self.album_label = f"{self.album_spec} ({self.set_id})"
                journal.added_to_album(self.identity, key)
                return
        try:
            self.client.add_to_photoset(self.set_id, remote_id)
        except FotkiError as exc:
            if exc.code != 3:  # 3: the photo is in the set already (a rerun after a lost reply)
                raise
        journal.added_to_album(self.identity, key)

    def _fetch_listing(self) -> pd.DataFrame:
        frames = [self.client.photos()]
        if self.set_id is not None:
            frames.append(self.client.photos(self.set_id))
        return pd.concat(frames, ignore_index=True)

    def find(self, item: Item, fresh: bool) -> str | None:
        listed = self.listing(fresh)
        if item.title:
            listed = listed[listed["title"] == item.title]
        for photo_id in dict.fromkeys(listed["id"].dropna().astype(str).tolist()):
            info = self.client.photo_info(photo_id)
            if _has_marker(info.get("tags"), item.marker):
                return photo_id
        return None


class CoppermineTarget(Target):
    """Pushes into one album of a Coppermine gallery (id or exact title); stock galleries can create it."""

    def __init__(self, client: Any, album: str | int | None, create: bool) -> None:
        self.client = client
        self.create = create
        self.album_spec = album
        user = getattr(client, "username", None) or "guest"
        self.album_key = None if album is None else str(album)
        self.identity = f"coppermine|{client.url}|{user}|{self.album_key or ''}"
        self.label = f"Coppermine ({user})"
        self.album_label = self.album_key
        self.aid: int | None = None
        self._listing_lock = threading.Lock()

    def prepare(self, journal: Journal) -> None:
        albums = self.client.albums()
        may_upload = albums[albums["can_upload"].fillna(True).astype(bool)] if "can_upload" in albums else albums
        listing = _choices([f"{t} ({i})" for i, t in zip(may_upload["id"], may_upload["title"])])
        choices = may_upload["title"].dropna().tolist()
        if self.album_spec is None:
            raise AlbumNotFound(f"pushing to Coppermine needs album=; albums you may upload to: {listing}",
                                choices=choices)
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
            raise AlbumNotFound(f"{len(hits)} albums are titled {self.album_spec!r} (ids {list(hits['id'])}); pass the id",
                                album=self.album_spec, choices=choices)
        elif not self.create:
            can_create = self.client.mode == "web" and not _is_int_like(self.album_spec)
            raise AlbumNotFound(
                f"no Coppermine album {self.album_spec!r}; albums you may upload to: {listing}"
                + (" (pass create=True to make it)" if can_create else ""),
                album=self.album_spec, choices=choices, can_create=can_create,
            )
        elif self.client.mode != "web" or _is_int_like(self.album_spec):
            why = ("this gallery speaks only the cpgAPI, which cannot create albums"
                   if self.client.mode != "web" else "an album is created by title, not by id")
            raise AlbumNotFound(f"cannot create album {self.album_spec!r}: {why}; albums you may upload to: {listing}",
                                album=self.album_spec, choices=choices)
        else:
            self.aid = int(self.client.create_album(str(self.album_spec)))
        journal.set_album(self.identity, str(self.aid))
        title = albums.loc[albums["id"] == self.aid, "title"]
        self.album_label = f"{title.iloc[0] if len(title) else self.album_spec} ({self.aid})"

    def upload(self, item: Item, path: Path) -> tuple[str | None, str | None]:
        result = self.client.upload(
            path, album=self.aid, title=item.title, description=item.description, tags=[*item.tags, item.marker]
        )
        note = "awaiting the gallery admin's approval" if result.status == "pending_approval" else None
        return result.id, note

    def _fetch_listing(self) -> pd.DataFrame:
        return self.client.photos(self.aid)

    def find(self, item: Item, fresh: bool) -> str | None:
        listed = self.listing(fresh)
        if item.title:
            listed = listed[listed["title"].fillna("") == item.title]
        for pid in listed["pid"].dropna().astype(int).tolist():
            info = self.client.photo_info(pid)
            if _has_marker(info.get("keywords"), item.marker):
                return str(pid)
        return None


def _service(client: Any) -> str:
    from ..coppermine import Coppermine
    from ..fotki import Fotki

    if isinstance(client, Fotki):
        return "fotki"
    if isinstance(client, Coppermine):
        return "coppermine"
    raise TypeError(f"push to a galleryk.Fotki or galleryk.Coppermine client, not {type(client).__name__}")


def make_target(client: Any, album: str | int | None, create: bool) -> Target:
    """The adapter for a Fotki or Coppermine client."""
    if _service(client) == "fotki":
        return FotkiTarget(client, album, create)
    return CoppermineTarget(client, album, create)


class Source:
    """Fetches listed pictures from a service for a cross-service copy."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.service = _service(client)

    def fetch(self, remote_id: str, folder: Path) -> dict[str, Any]:
        """Download the original into ``folder``; return its path, title, description and tags."""
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
            "description": description or None,
            "tags": [t for t in tags if t and not is_marker(t)],
        }


def make_source(client: Any) -> Source:
    """The source adapter for a Fotki or Coppermine client."""
    return Source(client)


__all__ = ["AlbumNotFound", "Source", "Target", "is_marker", "make_source", "make_target"]
