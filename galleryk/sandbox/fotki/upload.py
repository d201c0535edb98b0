"""Receiving a Fotki upload: stream the file to disk, check it is an image, read what it says.

Nothing here touches the database. The file is copied in chunks (werkzeug has already
spooled a large body to a temporary file), so a big upload never sits in memory. Pillow then
reads its header and verifies its structure, and a JPEG or PNG must hold its end-of-image
marker past the start of its data, so a truncated file is refused like a text file. The
pixels are decoded only for other formats: decoding every upload made the server, not the
client, the slower side of every upload benchmark (60 ms of a 2 MB upload's 70).
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from PIL import Image

_CHUNK = 1024 * 1024
_EXIF_IFD, _DATETIME_ORIGINAL, _ORIENTATION = 0x8769, 0x9003, 0x0112
# EXIF orientation -> degrees clockwise the picture must be turned to stand upright
_ROTATION = {1: 0, 2: 0, 3: 180, 4: 180, 5: 90, 6: 90, 7: 270, 8: 270}
_FORMATS = {"JPEG": "jpg", "TIFF": "tif"}
_TAG_TOKENS = re.compile(r'"([^"]*)"|([^\s,"]+)')
_END_MARKERS = {"JPEG": b"\xff\xd9", "MPO": b"\xff\xd9", "PNG": b"IEND"}
_TAIL = 1 << 16


class UploadError(Exception):
    """The upload cannot be stored; ``code`` is Flickr's upload error number."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImageFacts:
    originalformat: str
    width: int
    height: int
    rotation: int
    taken: str | None
    """EXIF DateTimeOriginal as "YYYY-MM-DD HH:MM:SS", or None."""


def receive(stream: BinaryIO, folder: Path, max_bytes: int) -> tuple[Path, int]:
    """Copy ``stream`` into a new temporary file in ``folder``; (path, size). Code 4 if empty, 8 if too large."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    path = Path(name)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadError(8, f"Filesize was too large: the limit is {max_bytes} bytes")
                out.write(chunk)
        if size == 0:
            raise UploadError(4, "Filesize was zero")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


def inspect(path: Path) -> ImageFacts:
    """What Pillow reads from the stored file; code 5 when it is not a whole, readable image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                image.verify()
            with Image.open(path) as image:
                fmt = image.format or ""
                width, height = image.size
                exif = image.getexif()
                marker = _END_MARKERS.get(fmt)
                if marker is None:
                    image.load()
                elif not _has_marker_after(path, marker, _data_offset(image)):
                    raise ValueError("the image data ends before its end marker")
    except Exception as exc:  # Pillow raises many types for bad files; all mean "not an image"
        raise UploadError(5, f"Filetype was not recognised ({type(exc).__name__})") from None
    orientation = exif.get(_ORIENTATION, 1)
    taken = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL)
    return ImageFacts(
        originalformat=_FORMATS.get(fmt, fmt.lower()),
        width=width,
        height=height,
        rotation=_ROTATION.get(orientation if isinstance(orientation, int) else 1, 0),
        taken=_exif_date(taken),
    )


def _data_offset(image: Image.Image) -> int:
    tile = getattr(image, "tile", None) or []
    return tile[0][2] if tile and isinstance(tile[0][2], int) else 0


def _has_marker_after(path: Path, marker: bytes, offset: int) -> bool:
    """Whether ``marker`` occurs past ``offset``: the file's tail first, then (rarely) all of it."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        start = max(offset, size - _TAIL)
        fh.seek(start)
        if marker in fh.read():
            return True
        fh.seek(offset)
        carry = b""
        while block := fh.read(_CHUNK):
            if marker in carry + block:
                return True
            carry = block[-(len(marker) - 1) :]
    return False


def _exif_date(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def upload_time_taken(posted: float) -> str:
    """The "taken" text for a photo without an EXIF date: the upload time, UTC."""
    return datetime.fromtimestamp(posted, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def parse_tags(text: str) -> list[str]:
    """Tags from Flickr's upload form: space (or comma) separated, "double quoted" for several words."""
    tags = []
    for quoted, bare in _TAG_TOKENS.findall(text or ""):
        tag = (quoted or bare).strip()
        if tag:
            tags.append(tag)
    return tags
