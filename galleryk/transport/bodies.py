"""Request bodies: upload sources opened for streaming (and again, for a retry), multipart bodies read in big chunks, and a
file part that checks the file against the size announced to the server.

A multipart body announces its length before the first byte goes out. A file that shrinks
while it is sent leaves the server waiting for bytes that never come; one that grows sends
more than announced, which corrupts the request. :class:`CheckedFile` delivers exactly the
announced bytes or raises :class:`~galleryk.errors.FileChanged` before the body is complete,
so the server never stores a half or a mangled file.
"""

from __future__ import annotations

import contextlib
import io
import mimetypes
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..base.errors import FileChanged

Source = str | os.PathLike | bytes | bytearray | memoryview | IO[bytes]
"""Something to upload: a path, the bytes themselves, or a binary file object."""
Progress = Callable[[int, int], Any]
"""``progress(bytes_sent, total)``, called from the sending thread as the body goes out."""


@dataclass(frozen=True)
class Upload:
    """An opened upload source: its file name, a readable binary stream and its size in bytes."""

    filename: str
    stream: IO[bytes]
    size: int


_MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF8", "gif"), (b"RIFF", "webp"))


def _sniffed_name(head: bytes) -> str:
    """``upload.<ext>`` for bytes without a name, the extension guessed from the first bytes."""
    return "upload." + next((ext for magic, ext in _MAGIC if head.startswith(magic)), "jpg")


class UploadSource:
    """Something to upload (a path, bytes, or a seekable binary file object), openable again for a retry.

    ``filename`` and ``size`` are known before anything is sent. :meth:`opened` gives a fresh
    stream from the start each time: a path is opened (and closed afterwards), bytes are wrapped
    (never copied), a file object is read from the position it had when given, and never closed
    here, since it belongs to the caller. Nothing is read into memory.
    """

    def __init__(self, source: Source, filename: str | None = None) -> None:
        self._path: Path | None = None
        self._data: bytes | None = None
        self._file: IO[bytes] | None = None
        self._start = 0
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._data = source if isinstance(source, bytes) else bytes(source)
            self.filename = filename or _sniffed_name(self._data[:16])
            self.size = len(self._data)
        elif isinstance(source, (str, os.PathLike)):
            self._path = Path(source).expanduser()
            if not self._path.is_file():
                raise FileNotFoundError(f"no such file to upload: {self._path}")
            self.filename = filename or self._path.name
            self.size = self._path.stat().st_size
        elif hasattr(source, "read"):
            if not _seekable(source):
                # the multipart body announces its length, and a retry (a stale form token) sends it again
                raise ValueError("upload needs a path, bytes or a seekable binary file object; this one cannot seek")
            self._file = source
            self._start = source.tell()
            named = os.path.basename(str(getattr(source, "name", "") or "")) or None
            if filename or named:
                self.filename = filename or str(named)
            else:
                self.filename = _sniffed_name(source.read(16))
                source.seek(self._start)
            self.size = source.seek(0, os.SEEK_END) - self._start
            source.seek(self._start)
        else:
            raise TypeError(f"cannot upload a {type(source).__name__}: give a path, bytes or a binary file object")

    @contextlib.contextmanager
    def opened(self) -> Iterator[Upload]:
        """A fresh stream of the whole source (see the class docstring)."""
        if self._data is not None:
            yield Upload(self.filename, io.BytesIO(self._data), self.size)
        elif self._path is not None:
            with open(self._path, "rb") as stream:
                yield Upload(self.filename, stream, os.fstat(stream.fileno()).st_size)
        else:
            assert self._file is not None
            self._file.seek(self._start)
            yield Upload(self.filename, _Unclosing(self._file, self.size), self.size)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"<UploadSource {self.filename!r} {self.size:,} bytes>"


def _seekable(stream: Any) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError):
        return False


class _Unclosing(io.RawIOBase):
    """The caller's file object from its current position, which our ``with`` blocks do not close.

    ``len`` (the bytes to send) and ``tell`` (the bytes sent) are what the multipart encoder asks.
    """

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self._stream = stream
        self._base = stream.tell()
        self.len = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Only to a position within the part given (the start, for sending it again), or its end."""
        target = {os.SEEK_SET: offset, os.SEEK_CUR: self._pos + offset, os.SEEK_END: self.len + offset}[whence]
        self._pos = max(0, min(target, self.len))
        self._stream.seek(self._base + self._pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._pos += len(data)
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def start_of(stream: Any) -> int | None:
    """Where ``stream`` is now, to come back to for sending it again; None when it cannot seek."""
    if not _seekable(stream):
        return None
    try:
        return int(stream.tell())
    except (OSError, AttributeError, ValueError):
        return None


def remaining_size(stream: Any) -> int:
    """Bytes from the stream's position to its end (-1 when that cannot be known, e.g. a pipe).

    An object with a ``len`` attribute (the multipart encoder's convention) is taken at its word.
    """
    declared = getattr(stream, "len", None)
    if isinstance(declared, int) and not isinstance(declared, bool):
        try:
            return declared - int(stream.tell())
        except (OSError, AttributeError, ValueError, TypeError):
            return declared
    try:
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
        return end - here
    except (OSError, AttributeError, ValueError):
        try:
            return os.fstat(stream.fileno()).st_size - stream.tell()
        except (OSError, AttributeError, ValueError):
            return -1


class CheckedFile:
    """A file part that yields exactly ``size`` bytes of ``stream``, or raises FileChanged if the file changed.

    ``len`` is what is left to send (the multipart encoder's convention). Running out early
    means the file shrank; bytes beyond ``size`` mean it grew. Either way the error comes before
    the last byte of the body, so the server sees an incomplete request and stores nothing.
    """

    def __init__(self, stream: IO[bytes], size: int, name: str) -> None:
        self._stream = stream
        self._size = size
        self._sent = 0
        self._checked = False
        self.name = name

    @property
    def len(self) -> int:
        return self._size - self._sent

    def tell(self) -> int:
        return self._sent

    def read(self, size: int | None = -1) -> bytes:
        left = self._size - self._sent
        want = left if size is None or size < 0 else min(size, left)
        chunks = []
        got = 0
        while got < want:
            data = self._stream.read(want - got)
            if not data:
                raise self._changed(self._sent + got, grew=False)
            chunks.append(data)
            got += len(data)
        self._sent += got
        if self._sent == self._size and not self._checked:
            self._checked = True
            if self._stream.read(1):
                raise self._changed(self._current_size(), grew=True)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _current_size(self) -> int:
        try:
            return max(os.fstat(self._stream.fileno()).st_size, self._size + 1)
        except (OSError, AttributeError, ValueError):
            return self._size + 1

    def _changed(self, seen: int, *, grew: bool) -> FileChanged:
        how = (
            f"grew while it was being uploaded (from {self._size:,} to {seen:,} bytes or more)"
            if grew
            else f"shrank while it was being uploaded ({self._size:,} bytes were announced, only {seen:,} were there)"
        )
        return FileChanged(
            f"{self.name} {how}; the upload was stopped before its end, so the service did not get it. "
            "Upload it again once the file is complete.",
            path=self.name,
            expected=self._size,
            seen=seen,
        )


def checked_file(stream: IO[bytes], filename: str) -> Any:
    """``stream`` wrapped in a :class:`CheckedFile` for the size it has now (as is, when that is unknown)."""
    size = remaining_size(stream)
    if size < 0:
        return stream
    name = getattr(stream, "name", None)
    return CheckedFile(stream, size, name if isinstance(name, str) and name else filename)


class ChunkedBody:
    """Hands a multipart encoder to http.client in big reads (1 MiB), not its default 16 KiB ones.

    ``rebuild()``, when given, makes the same body again from its first byte (for a request the
    server refused unread, with 429 or 503): :meth:`rewound` calls it.
    """

    def __init__(self, body: Any, size: int = 1 << 20, *, rebuild: Callable[[], Any] | None = None) -> None:
        self._body = body
        self._size = size
        self._rebuild = rebuild
        self.len = body.len

    def rewound(self) -> ChunkedBody | None:
        """The same body again, from its first byte; None when its source cannot go back."""
        if self._rebuild is None:
            return None
        return ChunkedBody(self._rebuild(), self._size, rebuild=self._rebuild)

    def __len__(self) -> int:
        return self.len

    def read(self, size: int = -1) -> bytes:
        return self._body.read(self._size if size is None or size < 0 or size < self._size else size)


def content_type_for(filename: str) -> str:
    """The MIME type a file part is sent with, guessed from its name."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
