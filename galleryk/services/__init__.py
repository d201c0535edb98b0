"""The contract between the clients and everything above them, and the mechanisms written once for both.

:mod:`.contract` (the :class:`~.contract.Service` base both clients derive from, its
capabilities and shared column names), :mod:`.paging` (the one pager), :mod:`.albums` (the one
"album by id or title" resolver), :mod:`.registry` (a listing's link to its client).
"""

from .albums import resolve
from .contract import ALBUM_COLUMNS, INFO_KEYS, PHOTO_COLUMNS, AlbumRef, Capabilities, PhotoRef, Service, check_service
from .registry import client_for, tag_listing

__all__ = [
    "ALBUM_COLUMNS",
    "INFO_KEYS",
    "PHOTO_COLUMNS",
    "AlbumRef",
    "Capabilities",
    "PhotoRef",
    "Service",
    "check_service",
    "client_for",
    "resolve",
    "tag_listing",
]
