"""Request bodies: upload sources opened for streaming, multipart bodies read in big chunks, and a
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

from ..errors import FileChanged

Source = str | os.PathLike | bytes | bytearray | IO[bytes]
"""Something to upload: a path, the bytes themselves, or a binary file object."""
Progress = Callable[[int, int], Any]
"""``progress(bytes_sent, total)``, called from the sending thread as the body goes out."""


@dataclass(frozen=True)
class Upload:
    """An opened upload source: its file name, a readable binary stream and its size in bytes."""

    filename: str
    stream: IO[bytes]
    size: int


@contextlib.contextmanager
def open_source(source: Source, filename: str | None = None) -> Iterator[Upload]:
    """Open a path, bytes or binary file object for streaming; files opened here are closed afterwards.

    Bytes are wrapped, never copied; a file object is read from its current position.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source) if not isinstance(source, bytes) else source
        yield Upload(filename or "upload.jpg", io.BytesIO(data), len(data))
        return
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"no such file to upload: {path}")
        with open(path, "rb") as stream:
            yield Upload(filename or path.name, stream, os.fstat(stream.fileno()).st_size)
        return
    if hasattr(source, "read"):
        name = filename or os.path.basename(str(getattr(source, "name", "") or "")) or "upload.jpg"
        yield Upload(name, source, remaining_size(source))
        return
    raise TypeError(f"cannot upload a {type(source).__name__}: give a path, bytes or a binary file object")


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
    """Hands a multipart encoder to http.client in big reads (1 MiB), not its default 16 KiB ones."""

    def __init__(self, body: Any, size: int = 1 << 20) -> None:
        self._body = body
        self._size = size
        self.len = body.len

    def __len__(self) -> int:
        return self.len

    def read(self, size: int = -1) -> bytes:
        return self._body.read(self._size if size is None or size < 0 or size < self._size else size)


def content_type_for(filename: str) -> str:
    """The MIME type a file part is sent with, guessed from its name."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
