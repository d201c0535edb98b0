"""Small previews of photos, fast on big JPEGs and the right way up.

JPEG draft mode asks libjpeg to decode at 1/2, 1/4 or 1/8 scale directly, so a 4000x3000 photo
is never expanded to 12 million pixels just to be shrunk to 256. EXIF orientation is applied,
transparency is flattened onto white, and the result is always RGB.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from .errors import MAX_PIXELS, ImageTooLarge, UnreadableImage, too_large_message
from .opening import Source, as_binary_file, open_header, source_label

BACKGROUND = (255, 255, 255)


def thumbnail(source: Source, size: int = 256, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """An RGB preview of ``source`` (path, bytes or binary file) fitting in ``size`` x ``size``, upright."""
    if size < 1:
        raise ValueError(f"thumbnail size must be at least 1 pixel, got {size}")
    label = source_label(source)
    fh, owned = as_binary_file(source)
    try:
        # not closed: the preview may be this very image object; the file itself is closed below
        im = open_header(fh, label)
        return _render(im, size, label, max_pixels)
    finally:
        if owned:
            fh.close()


def thumbnail_bytes(
    source: Source, size: int = 256, format: str = "JPEG", quality: int = 85, max_pixels: int = MAX_PIXELS
) -> bytes:
    """The preview of ``source`` encoded as ``format`` (JPEG by default), for HTML or a widget."""
    preview = thumbnail(source, size, max_pixels)
    out = io.BytesIO()
    options = {"quality": quality} if format.upper() in ("JPEG", "WEBP") else {}
    preview.save(out, format, **options)
    return out.getvalue()


def decode_reduced(im: Image.Image, box: int, label: str, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode ``im`` at the smallest JPEG scale still at least ``box`` on a side, upright, flattened to RGB."""
    im.draft("RGB", (box, box))  # no-op for formats other than JPEG
    width, height = im.size
    if width * height > max_pixels:
        raise ImageTooLarge(f"{label}: {too_large_message(width, height, max_pixels)}")
    try:
        im.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        reason = "truncated" if "truncated" in str(exc) else f"cannot decode ({exc})"
        raise UnreadableImage(f"{label}: {reason}") from None
    ImageOps.exif_transpose(im, in_place=True)
    return _to_rgb(im)


def _render(im: Image.Image, size: int, label: str, max_pixels: int) -> Image.Image:
    rgb = decode_reduced(im, size, label, max_pixels)
    rgb.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=None)
    return rgb


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if im.mode.startswith("I"):  # 16-bit greyscale: scale to 8 bits rather than clip
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return im.convert("RGB")
