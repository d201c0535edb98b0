"""thumbnail() and thumbnail_bytes(): small, upright, RGB previews from paths, bytes or files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from galleryk.media import ImageTooLarge, UnreadableImage, thumbnail, thumbnail_bytes
from galleryk.media.thumbnails import decode_reduced
from galleryk.sandbox.demo_images import DemoPicture, demo_catalog, render_jpeg

PIC = demo_catalog(1)[0]


def jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    data = render_jpeg(DemoPicture(PIC.seed, width, height, PIC.taken, PIC.make, PIC.model, "t"))
    if orientation == 1:
        return data
    im = Image.open(io.BytesIO(data))
    exif = im.getexif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_thumbnail_fits_the_box_keeps_the_aspect_and_is_rgb() -> None:
    t = thumbnail(jpeg(800, 600), size=200)
    assert (t.size, t.mode) == ((200, 150), "RGB")


def test_path_bytes_and_file_object_give_the_same_preview(tmp_path: Path) -> None:
    data = jpeg(640, 480)
    path = tmp_path / "p.jpg"
    path.write_bytes(data)
    previews = [thumbnail(path, 64), thumbnail(str(path), 64), thumbnail(data, 64), thumbnail(io.BytesIO(data), 64)]
    assert len({p.tobytes() for p in previews}) == 1


def test_exif_orientation_6_turns_a_landscape_file_into_a_portrait_preview() -> None:
    t = thumbnail(jpeg(640, 480, orientation=6), size=128)
    assert t.size == (96, 128)


def test_a_small_picture_is_not_enlarged() -> None:
    assert thumbnail(jpeg(100, 80), size=256).size == (100, 80)


def test_large_jpegs_are_decoded_at_a_reduced_scale() -> None:
    im = Image.open(io.BytesIO(jpeg(4000, 3000)))
    assert decode_reduced(im, 256, "big.jpg").size == (500, 375)  # 1/8 scale, not 4000x3000


def test_transparent_areas_become_white() -> None:
    im = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    out = io.BytesIO()
    im.save(out, "PNG")
    t = thumbnail(out.getvalue(), 20)
    assert t.mode == "RGB" and t.getpixel((10, 10)) == (255, 255, 255)


def test_thumbnail_bytes_are_an_encoded_image_of_the_asked_format() -> None:
    as_jpeg = thumbnail_bytes(jpeg(800, 600), 100)
    as_png = thumbnail_bytes(jpeg(800, 600), 100, format="PNG")
    assert as_jpeg[:2] == b"\xff\xd8" and as_png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(as_png)).size == (100, 75)


def test_text_named_jpg_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("not a picture")
    with pytest.raises(UnreadableImage, match="notes.jpg.*not an image"):
        thumbnail(path)


def test_truncated_jpeg_is_reported_as_truncated() -> None:
    with pytest.raises(UnreadableImage, match="truncated"):
        thumbnail(jpeg(800, 600)[:4000])


def test_empty_input_is_unreadable() -> None:
    with pytest.raises(UnreadableImage):
        thumbnail(b"")


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.jpg"):
        thumbnail(tmp_path / "nowhere.jpg")


def test_too_many_pixels_is_refused_before_decoding() -> None:
    with pytest.raises(ImageTooLarge, match="too large"):
        thumbnail(png_bytes(2000, 2000), max_pixels=1_000_000)


def png_bytes(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


def test_a_huge_jpeg_still_previews_thanks_to_draft_mode() -> None:
    # 2400x2400 = 5.8M pixels, over a 1M limit; at 1/8 scale it is 300x300, well under it
    assert thumbnail(jpeg(2400, 2400), 128, max_pixels=1_000_000).size == (128, 128)
