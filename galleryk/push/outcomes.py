"""What became of one item of a push: its outcome, or the doubt it is in while its reply is lost."""

from __future__ import annotations

from dataclasses import dataclass

from ..base.errors import GallerykError
from .items import Item


class PlacementFailed(GallerykError):
    """A photo was uploaded but could not be put in its album; a rerun tries again."""


class Refused(Exception):
    """The service refused uploads to the album itself (not this file)."""

    def __init__(self, error: GallerykError) -> None:
        self.error = error


class Stopped(Exception):
    """No later upload can pass either (the sign-in is no longer accepted, a long rate limit): stop the push."""

    def __init__(self, error: GallerykError) -> None:
        self.error = error


@dataclass
class Outcome:
    """An item's final status (uploaded, skipped, failed, cancelled), with the id, the reason and the costs."""

    status: str
    remote_id: str | None = None
    error: str | None = None
    note: str | None = None
    bytes: int | None = None
    seconds: float = 0.0
    attempts: int = 0
    retry: bool = True
    """For a failure: whether running the push again may get past it (False: the file, a name or a right
    must change first)."""


@dataclass
class Doubt:
    """An item whose last upload may or may not have been stored."""

    item: Item
    due: float
    """Unix time after which the service is asked."""
    since: float
    """When that upload began (unix time)."""
    error: str
    orphan: bool = False
    """Left in doubt by an earlier run (not this push's own lost reply)."""
    wrong_reply: bool = False
    """The reply named a photo that is not the one sent (``error`` says which): was it stored?"""
