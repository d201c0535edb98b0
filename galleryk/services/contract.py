"""The one contract both clients keep: what a photo service is to push, plan, match, widgets, app and CLI.

Above the clients, code holds "a service" and speaks one vocabulary: ``albums()``,
``photos(album)``, ``recent_photos()``, ``photo_info()``, ``upload()``, ``create_album()``,
``download()``, ``thumbnail()``, ``signed_in``, ``close()``. Listings share column names for shared
ideas (:data:`ALBUM_COLUMNS`, :data:`PHOTO_COLUMNS`), with each service's own columns beside them.
Where services differ in what they can do, :class:`Capabilities` says so, so that callers ask
"can this service do X?" and never "which service is this?". What only one service offers stays
on its client as a named extra (Fotki's ``create_photoset``, Coppermine's ``mode`` and categories).
"""

from __future__ import annotations

import abc
import numbers
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import pandas as pd

from ..base.errors import Unsupported
from ..base.results import UploadResult

AlbumRef = int | str
"""An album by its id, or by its exact title."""
PhotoRef = Any
"""A photo by its id, or a row of a listing (a Series or a mapping with an ``id``)."""
Source = str | os.PathLike | bytes | IO[bytes]
"""What can be uploaded: a path, bytes, or a binary file object (streamed, never read whole)."""
Progress = Callable[[int, int], Any]
"""``progress(bytes_sent, total)``, called as an upload's body goes out."""

ALBUM_COLUMNS = ("id", "title", "description", "photos", "can_upload")
"""Columns every ``albums()`` table starts with: id (Int64), title, description (string), photos (Int64: how
many, <NA> when the service does not say) and can_upload (boolean, <NA> when unknown)."""
PHOTO_COLUMNS = ("id", "album_id", "title", "description", "tags", "taken")
"""Columns every ``photos()`` table starts with: id and album_id (Int64), title, description (string), tags (a
list per row, or None when the listing does not say), taken (datetime64[s], NaT when unknown)."""
INFO_KEYS = ("id", "album_id", "title", "description", "tags", "taken", "page_url", "original_url")
"""Keys every ``photo_info()`` dict has (None when the service does not say)."""
OPERATIONS = ("edit_photo", "delete_photo", "order_album", "edit_album", "delete_album")
"""The changes to what is online that a service may or may not offer (see :meth:`Service.unsupported`)."""
_CAPABILITY = {
    "edit_photo": ("edit_photos", "change a photo's title, description or tags"),
    "delete_photo": ("delete_photos", "delete a photo"),
    "order_album": ("order_albums", "set the order of an {noun}'s photos"),
    "edit_album": ("edit_albums", "change an {noun}'s title or description"),
    "delete_album": ("delete_albums", "delete an {noun}"),
}

SignIn = Literal["approval", "password"]
PERMS = ("read", "write", "delete")
"""What an approval sign-in may ask for, least first."""
_S = TypeVar("_S", bound="Service")


@dataclass(frozen=True)
class Capabilities:
    """What a service can do, for callers that must choose a way (never which service it is)."""

    sign_in: SignIn
    """How a user signs in: "approval" (open the service's page and say yes, as Fotki's frob flow) or
    "password" (a user name and password, as a Coppermine gallery)."""
    loose_photos: bool
    """Photos may live outside every album (Fotki's photostream): ``upload`` without an album and
    ``photos(None)`` (the photos in no album) are allowed."""
    album_needs_photo: bool
    """An album is created with its first photo (a Fotki photoset holds at least its primary photo)."""
    adds_to_album: bool
    """A photo is uploaded first and then added to an album (and may be in several); otherwise it is
    uploaded into its one album."""
    create_albums: bool = True
    """The signed-in user may make albums (within what the service's rules allow)."""
    guest_uploads: bool = False
    """Someone not signed in may upload (a gallery may open albums to guests)."""
    edit_photos: bool = False
    """A photo's title, description and tags can be changed after the upload."""
    delete_photos: bool = False
    """A photo can be deleted."""
    edit_albums: bool = False
    """An album's title and description can be changed."""
    delete_albums: bool = False
    """An album can be deleted (its photos stay or go, as the service does)."""
    order_albums: bool = False
    """The order of an album's photos can be set after they are in it."""
    keeps_add_order: bool = False
    """An album lists its photos in the order they were added (so adding in order keeps the order)."""


@dataclass(frozen=True)
class Ordered:
    """What :meth:`Service.order_album` did: the order stored (every photo of the album), and whether visitors see it.

    ``shown`` is False when the service keeps the order but shows the album otherwise (a gallery
    sorting its pages by file name); ``reason`` then says so, in words for the user.
    """

    album: int
    order: tuple[int, ...]
    shown: bool
    reason: str = ""


class Service(abc.ABC):
    """A photo service account, as everything above the clients holds it (Fotki and Coppermine are ones).

    Identity: ``service`` (the kind: "fotki", "coppermine"), ``name`` (for people: "Fotki",
    "Coppermine"), ``album_noun`` ("photoset", "album"), ``account`` (the service, its address and
    the user, for journals, locks and caches; never a secret), ``label`` (one line for messages).
    The abstract methods are the contract; the others are shared mechanisms written once here.
    """

    service: str
    name: str
    album_noun: str
    capabilities: Capabilities

    @property
    @abc.abstractmethod
    def username(self) -> str | None:
        """The user's name, when known (a token may come without one until :meth:`whoami` asks)."""

    # -- who and where ------------------------------------------------------------------
    @property
    @abc.abstractmethod
    def signed_in(self) -> bool:
        """Whether the service has accepted this client's sign-in."""

    @property
    @abc.abstractmethod
    def endpoint(self) -> str:
        """The service's address (its API or the gallery's base URL)."""

    def whoami(self) -> str | None:
        """The signed-in user's name, asking the service once when it is not known yet."""
        return self.username

    @property
    def account(self) -> str:
        """``service|endpoint|user``: the key of journals, locks and caches (no secret in it)."""
        return f"{self.service}|{self.endpoint}|{self.username or ''}"

    @property
    def label(self) -> str:
        """One line naming the service and the user, for messages: ``Fotki (alice)``."""
        return f"{self.name} ({self.username or 'not signed in'})"

    @abc.abstractmethod
    def sign_out(self) -> None:
        """Forget this client's sign-in."""

    # -- listings -----------------------------------------------------------------------
    @abc.abstractmethod
    def albums(self) -> pd.DataFrame:
        """The albums this user sees (:data:`ALBUM_COLUMNS` first)."""

    @abc.abstractmethod
    def photos(self, album: AlbumRef | None = None, limit: int | None = None, *, details: bool = False) -> pd.DataFrame:
        """The photos of ``album`` (:data:`PHOTO_COLUMNS` first); with ``details=True`` description, tags and
        taken are read for every photo (one more request per photo, or per batch)."""

    @abc.abstractmethod
    def recent_photos(self, album: AlbumRef | None = None, limit: int = 50) -> pd.DataFrame:
        """The newest photos first, reading only the pages ``limit`` needs; without an album, where the
        service puts an upload before (or without) an album."""

    def pending_photos(self, album: AlbumRef | None = None, *, listed: Iterable[int] | None = None) -> pd.DataFrame:
        """This user's photos of ``album`` that wait for an admin's approval (:data:`PHOTO_COLUMNS` first): listings
        leave them out, so a push looks here before uploading what its journal does not know. ``listed``:
        the ids the caller has just listed in the album (spares listing it again). A service without
        approval holds none: an empty table. ``attrs["complete"]`` is False where the service cannot show
        them all (``attrs["pending"]`` says why)."""
        df = pd.DataFrame({k: pd.Series([], dtype=object) for k in PHOTO_COLUMNS})
        df.attrs["complete"] = True
        df.attrs["pending"] = f"{self.name} holds no photos for approval"
        return df

    @abc.abstractmethod
    def photo_info(self, photo: PhotoRef) -> dict[str, Any]:
        """One photo's details (:data:`INFO_KEYS` and the service's own); a ServiceError with reason
        NOT_FOUND when there is no such photo for this user."""

    def photo_infos(self, photos: Iterable[PhotoRef], workers: int = 4) -> pd.DataFrame:
        """:meth:`photo_info` for many photos, ``workers`` at a time, as a table (one row per photo, in order)."""
        from concurrent.futures import ThreadPoolExecutor

        refs = list(photos)
        if not refs:
            return pd.DataFrame({k: pd.Series([], dtype=object) for k in INFO_KEYS})
        with ThreadPoolExecutor(max(1, min(workers, len(refs))), thread_name_prefix="galleryk-info") as pool:
            rows = list(pool.map(self.photo_info, refs))
        return pd.DataFrame(rows)

    def resolve_album(self, album: AlbumRef) -> int:
        """The id of ``album`` (an id, or an exact title among :meth:`albums`); AlbumNotFound otherwise."""
        from .albums import resolve

        return resolve(album, self.albums, service=self.service, noun=self.album_noun)

    # -- changes ------------------------------------------------------------------------
    @abc.abstractmethod
    def upload(
        self,
        source: Source,
        album: AlbumRef | None = None,
        title: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | str | None = None,
        progress: Progress | None = None,
        *,
        filename: str | None = None,
    ) -> UploadResult:
        """Upload one photo, into ``album`` when given."""

    @abc.abstractmethod
    def create_album(self, title: str, *, photo: PhotoRef | None = None) -> int:
        """Make an album and return its id; ``photo`` is its first photo where the service needs one."""

    def add_to_album(self, album: AlbumRef, photo: PhotoRef) -> None:
        """Put an uploaded photo into an album (services whose capabilities say ``adds_to_album``)."""
        raise Unsupported(
            f"{self.name} puts a photo in its {self.album_noun} when it is uploaded; it cannot be added to another",
            service=self.service,
            operation="add_to_album",
        )

    def album_url(self, album: AlbumRef) -> str | None:
        """A web page that shows the album, when the service has one."""
        return None

    # -- changing what is online (each raises Unsupported where the service has no way) ----------
    def edit_photo(
        self,
        photo: PhotoRef,
        *,
        title: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Change a photo's title, description or tags (only those given; tags replace all of them, markers
        included); returns the photo's details as the service now shows them."""
        raise self._unsupported("edit_photo")

    def delete_photo(self, photo: PhotoRef) -> None:
        """Delete a photo from the service; deleting one that is gone already is a NOT_FOUND ServiceError."""
        raise self._unsupported("delete_photo")

    def order_album(self, album: AlbumRef, photos: Iterable[PhotoRef]) -> Ordered:
        """Put the album's photos in the order of ``photos`` (its other photos follow, as they were); says
        whether visitors see that order."""
        raise self._unsupported("order_album")

    def edit_album(self, album: AlbumRef, *, title: str | None = None, description: str | None = None) -> None:
        """Change an album's title or description (only those given)."""
        raise self._unsupported("edit_album")

    def delete_album(self, album: AlbumRef) -> None:
        """Delete an album (what becomes of its photos is the service's rule: a photoset's photos stay)."""
        raise self._unsupported("delete_album")

    def unsupported(self, operation: str) -> Unsupported | None:
        """Why this service cannot do ``operation`` (one of :data:`OPERATIONS`), as the error it would raise, or
        None when it can. Read off :attr:`capabilities`; a client whose service may answer more than its
        documented calls asks the service (at most once, changing nothing)."""
        if operation not in _CAPABILITY:
            raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, not {operation!r}")
        flag, _ = _CAPABILITY[operation]
        return None if getattr(self.capabilities, flag) else self._unsupported(operation)

    def _unsupported(self, operation: str, why: str | None = None) -> Unsupported:
        """The Unsupported error for ``operation``: ``why`` in the service's words, else a plain sentence."""
        _, what = _CAPABILITY[operation]
        text = why or f"{self.name} has no way to {what.format(noun=self.album_noun)}"
        return Unsupported(text, service=self.service, operation=operation)

    @property
    def calls_per_hour(self) -> float | None:
        """The most calls an hour this client makes (its own limit, else the service's documented allowance);
        None when neither is known. Used to estimate how long a plan takes to apply."""
        return None

    # -- files --------------------------------------------------------------------------
    @abc.abstractmethod
    def download(self, photo: PhotoRef, dest: str | os.PathLike | None = None) -> Path:
        """Save the photo's original file; ``dest`` is a folder or a file path."""

    @abc.abstractmethod
    def thumbnail(self, photo: PhotoRef, size: int = 128) -> bytes:
        """JPEG bytes of a small preview, at most ``size`` pixels a side (cached)."""

    # -- lifetime -----------------------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None:
        """Close the client's connections."""

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def photo_id(photo: PhotoRef) -> int:
    """The id of ``photo``: an id (int or digits), or a listing row (a Series or a mapping) with an ``id``."""
    value = photo
    if isinstance(photo, Mapping) or (hasattr(photo, "index") and hasattr(photo, "get") and not isinstance(photo, str)):
        value = photo.get("id")
    if isinstance(value, bool) or value is None:
        raise ValueError(f"a photo is an id or a row of a listing with an 'id', not {photo!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"a photo id is a whole number, not {value!r}")
    return int(text)


def check_service(client: object, what: str) -> Service:
    """``client`` when it keeps the contract, else a TypeError naming ``what`` needed it."""
    if not isinstance(client, Service):
        raise TypeError(
            f"{what} needs a galleryk service client (galleryk.Fotki, galleryk.Coppermine), not {type(client).__name__}"
        )
    return client


__all__ = [
    "ALBUM_COLUMNS",
    "INFO_KEYS",
    "OPERATIONS",
    "PERMS",
    "PHOTO_COLUMNS",
    "AlbumRef",
    "Capabilities",
    "Ordered",
    "PhotoRef",
    "Progress",
    "Service",
    "Source",
    "check_service",
    "photo_id",
]
