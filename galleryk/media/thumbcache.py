"""Thumbnails of remote photos: a memory and disk cache, a one-time downscale, and a listing's link to its client.

The protocol clients fetch thumbnails through their own sessions (private photos, https, a
sandbox on the kernel's loopback) and keep them here, keyed by service, viewer, photo and
size, so a grid scrolled twice or a notebook rerun fetches nothing again. Files go under
``$GALLERYK_CACHE_DIR/thumbs``, else ``$XDG_CACHE_HOME/galleryk/thumbs``, else
``~/.cache/galleryk/thumbs`` (mode 0700), named by a hash of the key; a sandbox's thumbnails
go to its own cache folder, and with it (:mod:`galleryk.base.cachedir`)."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from ..base.cachedir import cache_dir as galleryk_cache_dir

DEFAULT_SIZE = 128
MAX_SIZE = 1024
MEMORY_BYTES = 64 * 1024 * 1024
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class ThumbKey:
    """Which thumbnail: the service (kind and base URL), who looks (private photos differ), the photo, the size."""

    service: str
    viewer: str
    photo: str
    size: int

    def digest(self) -> str:
        text = "\n".join((self.service, self.viewer, self.photo, str(self.size)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]

    @property
    def url(self) -> str:
        """The service's address (``service`` is its kind, a space, and its address)."""
        return self.service.rpartition(" ")[2]


def cache_dir(url: str | None = None) -> Path:
    """Where thumbnails are kept on disk (for the service at ``url``: a sandbox keeps its own; see the docstring)."""
    return galleryk_cache_dir("thumbs", url=url)


def check_size(size: int) -> int:
    """``size`` as an int between 16 and 1024 pixels; ValueError otherwise."""
    if isinstance(size, bool) or not isinstance(size, int) or not 16 <= size <= MAX_SIZE:
        raise ValueError(f"thumbnail size must be a whole number of pixels from 16 to {MAX_SIZE}, not {size!r}")
    return size


class ThumbCache:
    """JPEG bytes by :class:`ThumbKey`: an LRU in memory (``memory_bytes`` at most) in front of files on disk.

    ``directory=None`` follows :func:`cache_dir` at each call, so a test or a user changing
    ``GALLERYK_CACHE_DIR`` is obeyed at once. A damaged or unwritable disk cache is ignored,
    never fatal: the thumbnail is fetched again.
    """

    def __init__(self, directory: str | os.PathLike | None = None, memory_bytes: int = MEMORY_BYTES) -> None:
        self._directory = Path(directory) if directory is not None else None
        self.memory_bytes = memory_bytes
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}

    @property
    def directory(self) -> Path:
        return self._directory if self._directory is not None else cache_dir()

    def _folder(self, key: ThumbKey) -> Path:
        return self._directory if self._directory is not None else cache_dir(key.url)

    def _path(self, key: ThumbKey) -> Path:
        digest = key.digest()
        return self._folder(key) / digest[:2] / f"{digest}.jpg"

    def get(self, key: ThumbKey) -> bytes | None:
        """The cached bytes, from memory or disk, or None."""
        name = str(self._path(key))
        with self._lock:
            data = self._memory.get(name)
            if data is not None:
                self._memory.move_to_end(name)
                return data
        try:
            data = Path(name).read_bytes()
        except OSError:
            return None
        if not data.startswith(_JPEG):
            return None
        self._remember(name, data)
        return data

    def put(self, key: ThumbKey, data: bytes) -> None:
        """Keep ``data`` in memory and (atomically) on disk."""
        path = self._path(key)
        self._remember(str(path), data)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(path.parent.parent, 0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".thumb-", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a read-only home or a full disk: the memory cache still serves this session

    def fetch(self, key: ThumbKey, make: Callable[[], bytes]) -> bytes:
        """The cached thumbnail, or ``make()``'s (kept for next time); one ``make`` per key at a time."""
        data = self.get(key)
        if data is not None:
            return data
        name = str(self._path(key))
        with self._lock:
            lock = self._fetching.setdefault(name, threading.Lock())
        with lock:  # two tiles asking for one photo fetch it once
            data = self.get(key)
            if data is None:
                data = make()
                self.put(key, data)
        with self._lock:
            self._fetching.pop(name, None)
        return data

    def clear_memory(self) -> None:
        """Drop the in-memory copies (the files stay)."""
        with self._lock:
            self._memory.clear()
            self._held = 0

    def _remember(self, name: str, data: bytes) -> None:
        with self._lock:
            old = self._memory.pop(name, None)
            if old is not None:
                self._held -= len(old)
            self._memory[name] = data
            self._held += len(data)
            while self._held > self.memory_bytes and len(self._memory) > 1:
                _, dropped = self._memory.popitem(last=False)
                self._held -= len(dropped)


_default = ThumbCache()


def default_cache() -> ThumbCache:
    """The process-wide thumbnail cache the clients use."""
    return _default


def enough(pixels: int, size: int) -> bool:
    """Whether a service's preview ``pixels`` a side serves a thumbnail of ``size``: it may be drawn up to twice as large.

    A tile a little larger than a gallery's thumbnails uses them; a large view (800 px from a
    128 px preview) is made from the original instead.
    """
    return pixels * 2 >= size


def longest_side(data: bytes) -> int:
    """The longest side in pixels of the image in ``data`` (read from its header; 0 when Pillow cannot read it)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            return max(im.size)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 0


def downscale(data: bytes, size: int, quality: int = 80) -> bytes:
    """JPEG bytes of ``data`` (any image Pillow reads) fitting in ``size`` x ``size``, upright.

    A JPEG that already fits and needs no rotation is returned as it is; nothing is ever enlarged.
    """
    try:
        with Image.open(io.BytesIO(data)) as im:
            orientation = im.getexif().get(0x0112, 1) if hasattr(im, "getexif") else 1
            if data.startswith(_JPEG) and max(im.size) <= size and orientation in (1, None):
                return data
            im.draft("RGB", (size, size))
            im.load()
            im = ImageOps.exif_transpose(im)
            if im.mode != "RGB":
                rgba = im.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                im = flat
            im.thumbnail((size, size), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            im.save(out, "JPEG", quality=quality)
            return out.getvalue()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not an image this machine can read ({type(exc).__name__}: {exc})") from None


def is_row(photo: Any) -> bool:
    """Whether ``photo`` is a listing row (a pandas Series or a mapping) rather than a bare id."""
    return isinstance(photo, Mapping) or (
        hasattr(photo, "index") and hasattr(photo, "get") and not isinstance(photo, str)
    )


def photo_field(photo: Any, *names: str) -> Any:
    """The first of ``names`` present in a listing row, or ``photo`` itself when it is a bare id."""
    if not is_row(photo):
        return photo
    for name in names:
        value = photo.get(name)
        if value is not None and not _missing(value):
            return value
    return None


def _missing(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN, NA
    except (TypeError, ValueError):
        return False
