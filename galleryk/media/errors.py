"""Errors of the local media layer, and the one pixel limit every reader applies.

Kept apart so scan, thumbnails and upload preparation raise and check the same things.
"""

from __future__ import annotations

# Decoding more pixels than this is refused (a decompression-bomb guard). It equals the point where
# Pillow itself refuses (2 x its default MAX_IMAGE_PIXELS), set here explicitly so Pillow's global
# setting, which other code in the process may change, does not decide what galleryk does.
MAX_PIXELS = 178_956_970


class MediaError(Exception):
    """Base class for problems with local image files."""


class UnreadableImage(MediaError, ValueError):
    """The input is not an image galleryk can read: empty, truncated, not an image, unsupported."""


class ImageTooLarge(UnreadableImage):
    """The image has more pixels than it is safe to decode."""


def too_large_message(width: int, height: int, limit: int) -> str:
    """The reason given for an image over the pixel limit."""
    return (
        f"too large to decode safely: {width}x{height} = {width * height:,} pixels, "
        f"over the limit of {limit:,} (decompression-bomb guard)"
    )
