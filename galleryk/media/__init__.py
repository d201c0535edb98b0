"""The local side of galleryk: scan folders of photos, make thumbnails, show tables, prepare uploads.

Works with Pillow on local files only; it imports no service client and no sandbox.
"""

from __future__ import annotations

from .digest import file_digest
from .errors import MAX_PIXELS, ImageTooLarge, MediaError, UnreadableImage
from .html import to_html
from .scan import COLUMNS, IMAGE_EXTENSIONS, ScanWarning, empty_frame, scan
from .thumbnails import thumbnail, thumbnail_bytes
from .upload import discard_prepared, prepare_for_upload

__all__ = [
    "COLUMNS",
    "IMAGE_EXTENSIONS",
    "MAX_PIXELS",
    "ImageTooLarge",
    "MediaError",
    "ScanWarning",
    "UnreadableImage",
    "discard_prepared",
    "empty_frame",
    "file_digest",
    "prepare_for_upload",
    "scan",
    "thumbnail",
    "thumbnail_bytes",
    "to_html",
]
