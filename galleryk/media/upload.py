"""Optional preparation of a photo before upload: shrink it, drop its metadata, or leave it alone.

With nothing asked, or nothing to do, the original path comes back untouched (no re-encoding).
Otherwise the picture is decoded once (JPEG draft mode when shrinking), turned upright, and
written straight to a JPEG in its own temporary folder under the original file name, since
gallery services keep the uploaded name. ``discard_prepared`` removes such a file and folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from PIL import Image

from .errors import MAX_PIXELS
from .exif import ORIENTATION, read_exif
from .opening import open_header
from .thumbnails import decode_reduced

TEMP_PREFIX = "galleryk-upload-"


def prepare_for_upload(
    path: str | os.PathLike,
    resize: int | None = None,
    strip_metadata: bool = False,
    quality: int = 90,
    max_pixels: int = MAX_PIXELS,
) -> Path:
    """The file to upload for ``path``: itself, or a JPEG shrunk to ``resize`` on its longest side and/or stripped.

    Stripping drops EXIF (camera, GPS, dates), XMP and comments but keeps the colour profile;
    the pixels are turned upright first, so the picture still shows the right way up.
    """
    source = Path(path)
    if resize is not None and resize < 1:
        raise ValueError(f"resize must be a positive number of pixels (longest side), got {resize}")
    if not resize and not strip_metadata:
        return source
    label = str(source)
    with open(source.expanduser(), "rb") as fh:
        im = open_header(fh, label)
        width, height = im.size
        shrink = resize is not None and max(width, height) > resize
        if not shrink and not strip_metadata:
            return source
        box = resize if shrink and resize is not None else max(width, height)
        exif = None if strip_metadata else read_exif(im)
        icc = im.info.get("icc_profile")
        picture = decode_reduced(im, box, label, max_pixels)
    if shrink:
        picture.thumbnail((box, box), Image.Resampling.LANCZOS, reducing_gap=None)
    options: dict = {"quality": quality}
    if icc:
        options["icc_profile"] = icc
    if exif is not None:
        exif[ORIENTATION] = 1  # the pixels are upright now
        options["exif"] = exif
    return _write_jpeg(picture, source.stem, options)


def discard_prepared(path: str | os.PathLike) -> None:
    """Delete a file made by ``prepare_for_upload`` and its temporary folder; leave any other file alone."""
    target = Path(path)
    folder = target.parent
    if folder.name.startswith(TEMP_PREFIX) and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)


def _write_jpeg(picture: Image.Image, stem: str, options: dict) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    target = folder / f"{stem}.jpg"
    try:
        with open(target, "wb") as out:
            picture.save(out, "JPEG", **options)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return target
