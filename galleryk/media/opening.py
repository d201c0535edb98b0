"""Lazy opening of image files: the header only, with the pixel limit galleryk chooses.

``Image.open`` reads just the header, but warns past Pillow's own pixel limit and refuses
outright (``DecompressionBombError``) past twice that, before anyone learns the image's size.
Here files are identified through Pillow's registry of format openers, which read the header
without that check, so a caller can report "30000x30000, too large" instead of a bare failure
(or a raw library warning) and apply its own limit.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import IO, Any

from PIL import Image, UnidentifiedImageError

from .errors import UnreadableImage

Source = str | os.PathLike | bytes | bytearray | memoryview | IO[bytes]

_heif_checked = False


def enable_optional_formats() -> None:
    """Let Pillow read HEIC/HEIF when the optional ``pillow-heif`` package is installed."""
    global _heif_checked
    if _heif_checked:
        return
    _heif_checked = True
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
    except ImportError:
        return
    register_heif_opener()


def open_header(fp: IO[bytes], label: str) -> Image.Image:
    """Identify the image in ``fp`` from its header, decoding no pixels; raise UnreadableImage if it is none.

    Pillow's format openers are asked directly, as ``Image.open`` asks them, but without its
    pixel check: that check warns (``DecompressionBombWarning``, a raw library warning in the
    middle of a scan) or refuses before anyone learns the size, where galleryk applies its own
    limit (:data:`~galleryk.media.errors.MAX_PIXELS`) and says "30000x30000, too large".
    """
    enable_optional_formats()
    try:
        return _identify(fp, label)
    except UnidentifiedImageError:
        raise UnreadableImage(f"{label}: not an image Pillow can read (unknown or unsupported format)") from None
    except (SyntaxError, ValueError, struct.error, IndexError, TypeError, EOFError) as exc:
        raise UnreadableImage(f"{label}: broken image header ({exc})") from None


def _identify(fp: IO[bytes], label: str) -> Image.Image:
    """The first of Pillow's openers that accepts ``fp`` (errors as ``Image.open`` raises them)."""
    Image.init()
    fp.seek(0)
    prefix = fp.read(16)
    for fmt in list(Image.ID):
        factory, accept = Image.OPEN[fmt]
        accepted = accept(prefix) if accept else True
        if isinstance(accepted, str) or not accepted:  # a str is Pillow's "looks like it, but no"
            continue
        fp.seek(0)
        try:
            return factory(fp, "")
        except (SyntaxError, IndexError, TypeError, struct.error):
            continue
    raise UnidentifiedImageError(f"cannot identify image file {label}")


def source_label(source: Any) -> str:
    """How to name ``source`` in an error message: its path, or what kind of object it was."""
    if isinstance(source, (str, os.PathLike)):
        return str(Path(source))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return f"<{len(source)} bytes>"
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, (str, os.PathLike)) else f"<{type(source).__name__}>"


def as_binary_file(source: Source) -> tuple[IO[bytes], bool]:
    """A readable binary file for ``source``, and whether the caller must close it."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        try:
            return open(path, "rb"), True
        except FileNotFoundError:
            raise FileNotFoundError(f"image file not found: {path}") from None
        except IsADirectoryError:
            raise UnreadableImage(f"{path}: is a folder, not an image file") from None
        except PermissionError:
            raise PermissionError(f"permission denied reading image file: {path}") from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), True
    if hasattr(source, "read"):
        return source, False
    raise TypeError(f"expected a path, bytes or a binary file object, got {type(source).__name__}")
