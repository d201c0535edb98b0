"""prepare_for_upload(): the original untouched, or a smaller / stripped JPEG the right way up."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from galleryk.media import discard_prepared, prepare_for_upload
from galleryk.sandbox.demo_images import DemoPicture, demo_catalog, render_jpeg

PIC = demo_catalog(1)[0]


def photo(tmp_path: Path, width: int = 1600, height: int = 1200, orientation: int = 1, name: str = "trip.jpg") -> Path:
    data = render_jpeg(DemoPicture(PIC.seed, width, height, PIC.taken, PIC.make, PIC.model, "u"))
    if orientation != 1:
        im = Image.open(io.BytesIO(data))
        exif = im.getexif()
        exif[0x0112] = orientation
        out = io.BytesIO()
        im.save(out, "JPEG", exif=exif)
        data = out.getvalue()
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def prepare(request: pytest.FixtureRequest):
    """prepare_for_upload, with every temporary file it makes discarded after the test (as the push engine does)."""

    def run(path: Path, **options) -> Path:
        out = prepare_for_upload(path, **options)
        request.addfinalizer(lambda: discard_prepared(out))
        return out

    return run


def test_nothing_asked_returns_the_original_file(tmp_path: Path) -> None:
    original = photo(tmp_path)
    assert prepare_for_upload(original) == original


def test_resize_gives_a_new_jpeg_with_the_asked_longest_side_and_leaves_the_original(tmp_path: Path, prepare) -> None:
    original = photo(tmp_path)
    before = sha(original)
    out = prepare(original, resize=800)
    with Image.open(out) as im:
        assert (im.format, im.size) == ("JPEG", (800, 600))
        assert im.getexif()[0x0110] == PIC.model  # metadata kept unless stripping is asked
    assert out != original and out.name == "trip.jpg" and sha(original) == before


def test_a_picture_already_small_enough_is_not_re_encoded(tmp_path: Path) -> None:
    original = photo(tmp_path, 640, 480)
    assert prepare_for_upload(original, resize=1024) == original


def test_strip_metadata_drops_camera_and_dates_but_keeps_the_picture_upright(tmp_path: Path, prepare) -> None:
    out = prepare(photo(tmp_path, 640, 480, orientation=6), strip_metadata=True)
    with Image.open(out) as im:
        exif = im.getexif()
        assert im.size == (480, 640)  # portrait, as the camera meant it
        assert 0x010F not in exif and 0x0112 not in exif and not exif.get_ifd(0x8769)


def test_resizing_a_rotated_photo_resets_its_orientation_tag(tmp_path: Path, prepare) -> None:
    out = prepare(photo(tmp_path, 1600, 1200, orientation=6), resize=400)
    with Image.open(out) as im:
        assert im.size == (300, 400) and im.getexif()[0x0112] == 1


def test_a_png_is_resized_into_a_jpeg(tmp_path: Path, prepare) -> None:
    path = tmp_path / "plan.png"
    Image.new("RGBA", (1000, 500), (0, 0, 255, 128)).save(path)
    out = prepare(path, resize=200)
    with Image.open(out) as im:
        assert (im.format, im.mode, im.size) == ("JPEG", "RGB", (200, 100))
    assert out.name == "plan.jpg"


def test_discard_prepared_removes_the_temporary_file_and_its_folder_only(tmp_path: Path) -> None:
    original = photo(tmp_path)
    out = prepare_for_upload(original, resize=300)
    discard_prepared(out)
    discard_prepared(original)
    assert not out.parent.exists() and original.exists()


def test_a_bad_resize_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="resize"):
        prepare_for_upload(photo(tmp_path), resize=0)
