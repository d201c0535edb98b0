"""What galleryk reads from EXIF: when a picture was taken, the camera, the orientation.

Pure functions over a ``PIL.Image.Exif`` mapping, tolerant of what real cameras and editors
write: NUL padding, blank or zero dates, bytes where text belongs, out-of-range values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PIL import Image

# EXIF tag numbers (EXIF 2.3 specification)
MAKE, MODEL, ORIENTATION, DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
EXIF_IFD = 0x8769
DATETIME_ORIGINAL, SUBSEC_TIME, SUBSEC_TIME_ORIGINAL = 0x9003, 0x9290, 0x9291

_DATE = re.compile(r"^(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


@dataclass(frozen=True)
class ExifFacts:
    """The EXIF facts a scan reports; None where the file does not say."""

    taken: datetime | None = None
    make: str | None = None
    model: str | None = None
    orientation: int | None = None


def text_value(value: Any) -> str | None:
    """A tag value as clean text: decoded, NUL padding and blanks removed; None if nothing is left."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", " ").strip()
    return value or None


def parse_exif_datetime(value: Any, subsec: Any = None) -> datetime | None:
    """``"2024:05:18 09:00:00"`` (and near variants) as a datetime; None when blank, zero or nonsense."""
    text = text_value(value)
    if text is None:
        return None
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if not 1800 <= year <= 2200:  # also keeps the value inside datetime64[ns]
        return None
    try:
        stamp = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    digits = text_value(subsec)
    if digits and digits.isdigit():
        stamp = stamp.replace(microsecond=int((digits + "000000")[:6]))
    return stamp


def orientation_value(value: Any) -> int | None:
    """The EXIF orientation 1-8, or None when absent or invalid."""
    if isinstance(value, (tuple, list)) and value:
        value = value[0]
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 8 else None


def exif_facts(exif: Image.Exif) -> ExifFacts:
    """Date taken (DateTimeOriginal, else DateTime), camera make and model, orientation."""
    try:
        sub = exif.get_ifd(EXIF_IFD)
    except Exception:  # a broken Exif IFD pointer must not hide the main IFD's facts
        sub = {}
    taken = parse_exif_datetime(sub.get(DATETIME_ORIGINAL), sub.get(SUBSEC_TIME_ORIGINAL))
    if taken is None:
        taken = parse_exif_datetime(exif.get(DATETIME), sub.get(SUBSEC_TIME))
    return ExifFacts(
        taken=taken,
        make=text_value(exif.get(MAKE)),
        model=text_value(exif.get(MODEL)),
        orientation=orientation_value(exif.get(ORIENTATION)),
    )


def read_exif(image: Image.Image) -> Image.Exif:
    """The image's EXIF without decoding pixels (PNG EXIF placed after the image data is not seen)."""
    if image.format == "PNG" and "exif" not in image.info:
        return Image.Exif()  # PngImageFile.getexif would decode the whole image to look further
    try:
        return image.getexif()
    except Exception:  # broken EXIF is common; the picture is still a picture
        return Image.Exif()
