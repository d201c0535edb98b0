"""What an upload returns, the same for every service: a small frozen record.

    UploadResult(service="fotki", id="4000000031", album_id="72157000004", title="Harbour",
                 status="uploaded", bytes=183_402, seconds=0.41, filename="IMG_0001.jpg")

``status`` is ``"uploaded"`` or ``"pending_approval"`` (a Coppermine gallery that holds
uploads for an administrator; ``id`` may then be None).
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("uploaded", "pending_approval")


@dataclass(frozen=True, kw_only=True)
class UploadResult:
    """One finished upload: where it went and what it cost."""

    id: str | None
    """The new photo's id on the service (a string, as services send it), or None when it is not known yet."""
    status: str = "uploaded"
    service: str = ""
    """Which service: ``"fotki"``, ``"coppermine"``."""
    album_id: str | None = None
    """The id of the album (photoset) it was put in, if any."""
    title: str | None = None
    filename: str | None = None
    bytes: int | None = None
    """Size of the file sent."""
    seconds: float | None = None
    """Wall time of the upload call(s)."""
    url: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
