"""scan(): a folder of photos as a DataFrame, with unreadable files reported, not dropped."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import warnings
import zlib
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from galleryk.media import COLUMNS, ScanWarning, empty_frame, scan
from galleryk.sandbox.demo_images import DemoPicture, demo_catalog, render_jpeg

CATALOG = demo_catalog(4)
FILE_TIME = datetime(2021, 3, 4, 5, 6, 7)


def write(path: Path, data: bytes, mtime: datetime = FILE_TIME) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def with_exif(jpeg: bytes, changes: dict[int, object]) -> bytes:
    """The same picture re-saved with some EXIF tags of the main IFD changed."""
    im = Image.open(io.BytesIO(jpeg))
    exif = im.getexif()
    for tag, value in changes.items():
        exif[tag] = value
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    return out.getvalue()


def huge_png(path: Path, width: int, height: int) -> Path:
    """A real, valid 1-bit PNG of the given size, made without ever holding its pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return write(path, b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A holiday folder with the awkward cases a real one has."""
    root = tmp_path_factory.mktemp("photos")
    first = render_jpeg(CATALOG[0])
    write(root / "a_harbour.jpg", first)
    write(root / "copy of harbour.jpg", first)  # duplicate bytes under another name
    write(root / "day2" / "IMG_0002.JPG", render_jpeg(CATALOG[1]))
    write(root / "day2" / "deeper" / "Café été.jpeg", render_jpeg(CATALOG[2]))
    write(root / "rotated.jpg", with_exif(render_jpeg(CATALOG[3]), {0x0112: 6}))
    png = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 200, 30)).save(png, "PNG")
    write(root / "drawing.png", png.getvalue())
    write(root / "empty.jpg", b"")
    write(root / "cut.jpg", render_jpeg(CATALOG[1])[:3000])
    write(root / "notes.jpg", b"shopping list: bread, milk\n")
    write(root / "readme.txt", b"not a picture")
    write(root / ".hidden.jpg", first)
    write(root / ".thumbs" / "t.jpg", first)
    return root


@pytest.fixture(scope="module")
def scanned(photos: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScanWarning)
        return scan(photos)


def row(df: pd.DataFrame, name: str) -> pd.Series:
    found = df[df.name == name]
    assert len(found) == 1, f"{name} not in {list(df.name)}"
    return found.iloc[0]


def test_every_image_file_is_a_row_sorted_by_path_hidden_and_non_images_left_out(scanned: pd.DataFrame) -> None:
    assert sorted(scanned.name) == sorted(
        [
            "a_harbour.jpg",
            "copy of harbour.jpg",
            "IMG_0002.JPG",
            "Café été.jpeg",
            "rotated.jpg",
            "drawing.png",
            "empty.jpg",
            "cut.jpg",
            "notes.jpg",
        ]
    )
    assert list(scanned.path) == sorted(scanned.path)


def test_columns_and_dtypes_are_the_documented_ones(scanned: pd.DataFrame) -> None:
    assert list(scanned.columns) == list(COLUMNS)
    dtypes = scanned.dtypes.astype(str).to_dict()
    assert dtypes["bytes"] == dtypes["width"] == dtypes["orientation"] == "Int64"
    assert dtypes["taken"] == "datetime64[s]"
    assert dtypes["format"] == dtypes["taken_source"] == "string"
    assert dtypes["camera_make"] == dtypes["digest"] == dtypes["error"] == "string"


def test_exif_date_taken_and_camera_are_read(scanned: pd.DataFrame) -> None:
    r = row(scanned, "IMG_0002.JPG")
    assert (r.taken, r.taken_source) == (pd.Timestamp(CATALOG[1].taken), "exif")
    assert (r.camera_make, r.camera_model) == (CATALOG[1].make, CATALOG[1].model)
    assert (r.width, r.height, r.format) == (CATALOG[1].width, CATALOG[1].height, "JPEG")


def test_a_picture_without_exif_is_dated_by_its_file(scanned: pd.DataFrame) -> None:
    r = row(scanned, "drawing.png")
    assert (r.taken, r.taken_source, r.format) == (pd.Timestamp(FILE_TIME), "file", "PNG")
    assert pd.isna(r.camera_make) and pd.isna(r.error)


def test_orientation_is_reported_and_size_is_as_stored(scanned: pd.DataFrame) -> None:
    r = row(scanned, "rotated.jpg")
    assert r.orientation == 6
    assert (r.width, r.height) == (CATALOG[3].width, CATALOG[3].height)
    assert row(scanned, "a_harbour.jpg").orientation == 1


def test_non_ascii_names_are_scanned_like_any_other(scanned: pd.DataFrame) -> None:
    r = row(scanned, "Café été.jpeg")
    assert pd.isna(r.error) and r.camera_model == CATALOG[2].model
    assert r.path.endswith(os.path.join("day2", "deeper", "Café été.jpeg"))


def test_same_bytes_under_two_names_share_the_sha256_digest(photos: Path, scanned: pd.DataFrame) -> None:
    expected = hashlib.sha256((photos / "a_harbour.jpg").read_bytes()).hexdigest()
    assert row(scanned, "a_harbour.jpg").digest == row(scanned, "copy of harbour.jpg").digest == expected
    assert set(scanned[scanned.digest.duplicated(keep=False)].name) == {"a_harbour.jpg", "copy of harbour.jpg"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [("empty.jpg", "empty file"), ("cut.jpg", "truncated"), ("notes.jpg", "not an image")],
)
def test_unreadable_files_keep_their_row_with_the_reason(
    photos: Path, scanned: pd.DataFrame, name: str, reason: str
) -> None:
    r = row(scanned, name)
    assert reason in r.error
    assert r.bytes == (photos / name).stat().st_size


def test_readable_rows_have_no_error(scanned: pd.DataFrame) -> None:
    good = scanned[scanned.error.isna()]
    assert set(good.name) == {
        "a_harbour.jpg",
        "copy of harbour.jpg",
        "IMG_0002.JPG",
        "Café été.jpeg",
        "rotated.jpg",
        "drawing.png",
    }


def test_a_warning_says_how_many_files_could_not_be_read(photos: Path) -> None:
    with pytest.warns(ScanWarning, match="3 of 9 files"):
        scan(photos)


def test_not_recursive_stays_in_the_top_folder(photos: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScanWarning)
        df = scan(photos, recursive=False)
    assert "IMG_0002.JPG" not in set(df.name) and "a_harbour.jpg" in set(df.name)


def test_parallel_and_sequential_scans_agree(photos: Path, tmp_path: Path) -> None:
    for i, pic in enumerate(demo_catalog(20, seed=3)):
        write(
            tmp_path / f"p{i:02d}.jpg", render_jpeg(DemoPicture(pic.seed, 64, 48, pic.taken, pic.make, pic.model, "x"))
        )
    pd.testing.assert_frame_equal(scan(tmp_path, workers=1), scan(tmp_path, workers=4))


def test_missing_folder_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no-such-trip"):
        scan(tmp_path / "no-such-trip")


def test_a_file_instead_of_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="single.jpg"):
        scan(write(tmp_path / "single.jpg", render_jpeg(CATALOG[0])))


def test_tilde_means_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / "Pictures" / "one.jpg", render_jpeg(CATALOG[0]))
    assert list(scan("~/Pictures").name) == ["one.jpg"]


def test_empty_folder_gives_an_empty_frame_with_the_columns_and_dtypes(tmp_path: Path) -> None:
    df = scan(tmp_path)
    assert len(df) == 0 and list(df.columns) == list(COLUMNS)
    assert df.dtypes.astype(str).to_dict() == empty_frame().dtypes.astype(str).to_dict()
    assert str(df.taken.dtype) == "datetime64[s]" and str(df.bytes.dtype) == "Int64"


def test_a_30000_pixel_square_is_a_row_with_its_size_and_a_too_large_error(tmp_path: Path) -> None:
    huge_png(tmp_path / "bomb.png", 30000, 30000)
    with pytest.warns(ScanWarning):
        r = scan(tmp_path).iloc[0]
    assert (r.width, r.height, r.format) == (30000, 30000, "PNG")
    assert "too large" in r.error and "30000x30000" in r.error


def test_max_pixels_can_be_lowered(tmp_path: Path) -> None:
    write(tmp_path / "big.jpg", render_jpeg(CATALOG[0]))
    with pytest.warns(ScanWarning):
        r = scan(tmp_path, max_pixels=1000).iloc[0]
    assert "too large" in r.error


def test_broken_exif_is_tolerated(tmp_path: Path) -> None:
    jpeg = render_jpeg(CATALOG[0])
    exif_start = jpeg.index(b"Exif\x00\x00")
    broken = jpeg[: exif_start + 6] + b"\xde\xad\xbe\xef" * 8 + jpeg[exif_start + 6 + 32 :]
    write(tmp_path / "broken.jpg", broken)
    r = scan(tmp_path).iloc[0]
    assert pd.isna(r.error) and r.taken_source == "file" and r.width == CATALOG[0].width


def test_datetime_is_used_when_datetimeoriginal_is_missing(tmp_path: Path) -> None:
    im = Image.new("RGB", (40, 30))
    exif = Image.Exif()
    exif[0x0132] = "2019:12:24 18:30:00"
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    write(tmp_path / "xmas.jpg", out.getvalue())
    r = scan(tmp_path).iloc[0]
    assert (r.taken, r.taken_source) == (pd.Timestamp(2019, 12, 24, 18, 30), "exif")


def test_a_broken_link_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.jpg").symlink_to(tmp_path / "deleted.jpg")
    with pytest.warns(ScanWarning):
        r = scan(tmp_path).iloc[0]
    assert r["name"] == "gone.jpg" and "not found" in r.error


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_reported_as_permission_denied(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.jpg", render_jpeg(CATALOG[0]))
    locked.chmod(0)
    with pytest.warns(ScanWarning):
        r = scan(tmp_path).iloc[0]
    assert r.error == "permission denied"


def test_progress_bar_on_request_and_not_for_small_folders(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    write(tmp_path / "one.jpg", render_jpeg(CATALOG[0]))
    scan(tmp_path)
    assert "scan" not in capsys.readouterr().err
    scan(tmp_path, progress=True)
    assert "scan" in capsys.readouterr().err


def test_data_after_the_end_of_a_jpeg_is_not_mistaken_for_truncation(tmp_path: Path) -> None:
    write(tmp_path / "trailer.jpg", render_jpeg(CATALOG[0]) + b"\x00VENDOR-TRAILER" * 10_000)
    assert pd.isna(scan(tmp_path).iloc[0].error)


def test_a_png_cut_short_is_reported_as_truncated(tmp_path: Path) -> None:
    png = io.BytesIO()
    Image.effect_noise((200, 200), 50).save(png, "PNG")
    write(tmp_path / "cut.png", png.getvalue()[:-2000])
    with pytest.warns(ScanWarning):
        assert "truncated" in scan(tmp_path).iloc[0].error


def test_threads_and_reading_ahead_change_nothing_in_the_table(tmp_path: Path) -> None:
    for i, pic in enumerate(demo_catalog(24, seed=5)):
        data = render_jpeg(DemoPicture(pic.seed, 96, 64, pic.taken, pic.make, pic.model, "x"))
        write(tmp_path / f"p{i:02d}.jpg", data[: len(data) // 2] if i % 5 == 0 else data)  # some cut short
    write(tmp_path / "notes.jpg", b"not a picture")
    write(tmp_path / "empty.jpg", b"")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScanWarning)
        one, four, default = scan(tmp_path, workers=1), scan(tmp_path, workers=4), scan(tmp_path)
    assert int(one["error"].notna().sum()) == 7
    pd.testing.assert_frame_equal(one, four)
    pd.testing.assert_frame_equal(one, default)


def test_a_95_megapixel_picture_is_scanned_without_a_raw_library_warning(tmp_path: Path) -> None:
    big = tmp_path / "panorama.png"
    Image.new("1", (10_000, 9_500)).save(big)  # 95 MP: past Pillow's warning limit, within galleryk's own
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning at all fails the test
        df = scan(tmp_path, progress=False)
    row = df.iloc[0]
    assert (row["width"], row["height"]) == (10_000, 9_500) and pd.isna(row["error"])
