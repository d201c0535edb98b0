"""Sample photos for trying galleryk: real JPEGs with EXIF dates and camera models, made on the spot.

    folder = galleryk.sandbox.sample_photos("my-photos", 12, broken=True)
    local = galleryk.scan(folder)

The same arguments always give the same bytes (so the same digests), which keeps notebooks
and tests reproducible. Needs Pillow only; no network, no sandbox server.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from .demo_images import demo_catalog, render_jpeg

BROKEN_NAME = "notes_not_a_photo.jpg"
"""The file ``broken=True`` adds: text with a ``.jpg`` name, which ``scan`` keeps with an ``error``."""


def sample_photos(
    folder: str | os.PathLike,
    n: int = 12,
    *,
    broken: bool = False,
    start: datetime = datetime(2025, 7, 5, 8, 30),
    seed: int = 23,
    quality: int = 85,
) -> Path:
    """Write ``n`` JPEGs into ``folder`` (made if needed) and return the folder.

    Each photo is a gradient with shapes and its title, from 480 to 2048 pixels wide, with an
    EXIF date (a few hours apart from ``start`` on) and one of six camera makes and models.
    Files are named ``YYYYmmdd_HHMMSS_<place>_<i>.jpg``. ``broken=True`` adds one text file
    with a ``.jpg`` name, to see how unreadable files are reported.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"sample_photos: n must be a whole number of photos (0 or more), not {n!r}")
    if not 1 <= quality <= 95:
        raise ValueError(f"sample_photos: quality must be from 1 to 95, not {quality!r}")
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"sample_photos: not a folder: {target}")
    target.mkdir(parents=True, exist_ok=True)
    for picture in demo_catalog(n, start=start, seed=seed):
        name = f"{picture.taken:%Y%m%d_%H%M%S}_{picture.title.replace(' ', '_').lower()}.jpg"
        (target / name).write_bytes(render_jpeg(picture, quality=quality))
    if broken:
        (target / BROKEN_NAME).write_text("a text file with a .jpg name\n", encoding="utf-8")
    return target
