"""Demo pictures made with Pillow: varied sizes, EXIF dates and camera names, no files needed.

The same ``seed`` always gives the same bytes, so seeded sandboxes are reproducible.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from PIL import Image, ImageDraw

CAMERAS = [
    ("Canon", "Canon EOS 5D Mark IV"),
    ("NIKON CORPORATION", "NIKON D750"),
    ("FUJIFILM", "X-T3"),
    ("Apple", "iPhone 13"),
    ("SONY", "ILCE-7M3"),
    ("OLYMPUS IMAGING CORP.", "E-M10"),
]

SIZES = [(640, 480), (800, 600), (1024, 768), (1200, 900), (480, 640), (1600, 1200), (2048, 1365), (900, 900)]

# EXIF tag numbers (see the EXIF 2.3 specification)
_MAKE, _MODEL, _ORIENTATION, _DATETIME, _EXIF_IFD, _DATETIME_ORIGINAL = 0x010F, 0x0110, 0x0112, 0x0132, 0x8769, 0x9003


@dataclass(frozen=True)
class DemoPicture:
    seed: int
    width: int
    height: int
    taken: datetime
    make: str
    model: str
    title: str


def demo_catalog(count: int, start: datetime = datetime(2024, 5, 18, 9, 0, 0), seed: int = 7) -> list[DemoPicture]:
    """Descriptions of ``count`` demo pictures, a few hours apart, from a handful of cameras."""
    rng = random.Random(seed)
    places = ["Harbour", "Old town", "Market", "Lighthouse", "Beach", "Hills", "Bridge", "Garden", "Station", "Café"]
    out = []
    taken = start
    for i in range(count):
        taken = taken + timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        make, model = CAMERAS[rng.randrange(len(CAMERAS))]
        width, height = SIZES[rng.randrange(len(SIZES))]
        out.append(DemoPicture(seed + i, width, height, taken, make, model, f"{places[i % len(places)]} {i + 1}"))
    return out


def render_jpeg(picture: DemoPicture, quality: int = 85) -> bytes:
    """A JPEG for ``picture``: a colour gradient with a few shapes, and its EXIF."""
    rng = random.Random(picture.seed)
    w, h = picture.width, picture.height
    top = tuple(rng.randrange(40, 220) for _ in range(3))
    bottom = tuple(rng.randrange(20, 200) for _ in range(3))
    gradient = Image.linear_gradient("L").resize((w, h))
    image = Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), gradient)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(max(8, min(w, h) // 20), max(9, min(w, h) // 5))
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    draw.text((12, 12), picture.title, fill=(255, 255, 255))
    exif = Image.Exif()
    stamp = picture.taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[_MAKE] = picture.make
    exif[_MODEL] = picture.model
    exif[_ORIENTATION] = 1
    exif[_DATETIME] = stamp
    exif.get_ifd(_EXIF_IFD)[_DATETIME_ORIGINAL] = stamp
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, exif=exif)
    return buf.getvalue()
