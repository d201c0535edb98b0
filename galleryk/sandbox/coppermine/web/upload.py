"""Receiving a picture through the stock 1.6 web pages: ``uniload.php`` and the older ``db_input.php``.

Both run the checks of 1.6's ``uniload.php`` in its order (upload right, any album to upload
to, form token, the PHP upload itself, file name extension, album), then hand the file to
:meth:`Gallery.add_picture`, which applies every rule of the gallery. The file part is
copied in chunks from werkzeug's spooled temporary file into one of our own, so a big upload
never sits in memory. Refusals carry the message the page shows; the callers decide how
(``uniload.php``: status 430; ``db_input.php``: a ``cpg_die`` page).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage

from ..gallery import Actor, Gallery, GalleryError, StoredPicture, safe_filename

_CHUNK = 1024 * 1024

# The messages of the pages: 1.6.26's English texts, word for word (clients match on them).
PERM_DENIED = "You don't have permission to perform this operation."
ACCESS_DENIED = "You don't have permission to access this page."
NO_ALBUMS = "Sorry there is no album where you are allowed to upload files"
BAD_TOKEN = "A valid form token could not be found."
NO_FILE = "No upload occurred."
PHP_LIMIT = "Exceeded filesize allowed in php.ini."
TOO_LARGE = "Exceeded filesize permitted by CPG."
NO_ALBUM = "Album not selected"
UNKNOWN_ALBUM = "Selected album does not exist or you don't have permission to upload in this album"
NOT_AN_IMAGE = "The file you have uploaded is not a valid image!"
QUOTA = "Disk quota exceeded."


_PAGE_TEXT = {13: NOT_AN_IMAGE, 22: QUOTA, 19: UNKNOWN_ALBUM}
"""The page's words for the gallery model's refusals."""


class UploadRefused(Exception):
    """The upload was refused; ``message`` is what the page says."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _bad_extension(allowed: tuple[str, ...]) -> str:
    return "Only files with the following extensions are accepted: " + ", ".join(allowed)


def copy_to_temp(upload: FileStorage, max_bytes: int) -> tuple[Path, int]:
    """Copy an uploaded part into a new temporary file in chunks; (path, size). Refused above ``max_bytes``."""
    fd, name = tempfile.mkstemp(prefix="cpg-web-upload-", suffix=".part")
    path = Path(name)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := upload.stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(PHP_LIMIT)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


def store_upload(
    gallery: Gallery,
    actor: Actor,
    *,
    token_ok: bool,
    album_field: str | None,
    upload: FileStorage | None,
    title: str = "",
    caption: str = "",
    keywords: str = "",
) -> StoredPicture:
    """Check and store one uploaded picture as 1.6's ``uniload.php`` does; raises :class:`UploadRefused`."""
    settings = gallery.settings
    if not (actor.is_admin or actor.can_upload or actor.can_create_albums):
        raise UploadRefused(PERM_DENIED)
    with gallery.store.read() as conn:
        if not gallery.uploadable_albums(conn, actor):
            raise UploadRefused(NO_ALBUMS)
    if not token_ok:
        raise UploadRefused(BAD_TOKEN)
    if upload is None or not upload.filename:
        raise UploadRefused(NO_FILE)
    path, size = copy_to_temp(upload, settings.coppermine_php_upload_max_bytes)
    try:
        if size > gallery.max_upload_bytes:
            raise UploadRefused(TOO_LARGE)
        safe = safe_filename(upload.filename)
        stem, _, ext = safe.rpartition(".")
        if not stem or ext.lower() not in settings.coppermine_allowed_extensions:
            raise UploadRefused(_bad_extension(settings.coppermine_allowed_extensions))
        try:
            aid = int((album_field or "0").strip() or "0")
        except ValueError:
            aid = 0
        if aid <= 0:
            raise UploadRefused(NO_ALBUM)
        with gallery.store.read() as conn:
            album = gallery.album(conn, aid)
            if album is None or not gallery.can_upload_to(actor, album):
                raise UploadRefused(UNKNOWN_ALBUM)
        try:
            return gallery.add_picture(
                actor, aid, path, upload.filename, title=title, caption=caption, keywords=keywords
            )
        except GalleryError as exc:
            raise UploadRefused(_PAGE_TEXT.get(exc.code, exc.message)) from None
    finally:
        path.unlink(missing_ok=True)
