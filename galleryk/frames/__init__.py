"""Listings to pandas DataFrames with honest dtypes: shared column helpers and per-service builders.

:mod:`.columns` converts raw values (text from XML or JSON) into typed columns; :mod:`.fotki`
and :mod:`.coppermine` build each service's tables from them.
"""

from .columns import build_frame, column, empty_frame, parse_taken
from .fotki import INFO_KINDS, PHOTO_KINDS, PHOTOSET_KINDS, infos_frame, photos_frame, photosets_frame

__all__ = [
    "INFO_KINDS",
    "PHOTOSET_KINDS",
    "PHOTO_KINDS",
    "build_frame",
    "column",
    "empty_frame",
    "infos_frame",
    "parse_taken",
    "photos_frame",
    "photosets_frame",
]
