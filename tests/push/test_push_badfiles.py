"""Bad files get a clear status of their own and never stop the rest of a push."""

from __future__ import annotations

import struct
import zlib

import pytest

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki


def _huge_png(path, width, height):
    """A valid PNG header claiming width x height (its pixel data is a token, never decoded)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.fixture
def messy_folder(tmp_path, make_photos):
    folder = tmp_path / "messy"
    make_photos(folder, 2, prefix="good")
    (folder / "empty.jpg").write_bytes(b"")
    whole = (folder / "good_000.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (folder / "notes.jpg").write_text("this is a text file, not a photo")
    _huge_png(folder / "huge.png", 30000, 30000)
    good = (folder / "good_001.jpg").read_bytes()
    (folder / "café ünïcode.jpg").write_bytes(good[:-2] + b"\x00\x00\xff\xd9")  # other bytes, same picture
    (folder / "a;b$c'd.jpg").write_bytes(good[:-2] + b"\x01\x01\xff\xd9")
    return folder


def _status(report, name):
    row = report[report["item"].str.endswith(name)]
    assert len(row) == 1, name
    return row.iloc[0]


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_each_bad_file_has_its_reason_and_the_good_ones_arrive(service, messy_folder, sandbox, tmp_path):
    if service == "fotki":
        client, album = sandbox_fotki(sandbox, "alice"), None
    else:
        sandbox.settings.coppermine_api = False
        client = sandbox_coppermine(sandbox, "alice")
        album = "Alice's garden"
    with pytest.warns(gk.ScanWarning):
        df = gk.scan(messy_folder, progress=False)
    report = df.galleryk.push(client, album=album, journal=tmp_path / "j.sqlite", progress=False)
    assert _status(report, "empty.jpg")["error"].startswith("not uploaded")
    assert "empty" in _status(report, "empty.jpg")["error"]
    assert "truncated" in _status(report, "truncated.jpg")["error"].lower()
    assert "not an image" in _status(report, "notes.jpg")["error"]
    assert "30000x30000" in _status(report, "huge.png")["error"]
    for name in ("empty.jpg", "truncated.jpg", "notes.jpg", "huge.png"):
        assert _status(report, name)["status"] == "failed"
    for name in ("good_000.jpg", "good_001.jpg", "café ünïcode.jpg", "a;b$c'd.jpg"):
        assert _status(report, name)["status"] == "uploaded", report.to_string()


def test_names_with_forbidden_characters_are_stored_under_a_safe_name(messy_folder, sandbox, tmp_path):
    sandbox.settings.coppermine_api = False
    cpg = sandbox_coppermine(sandbox, "alice")
    with pytest.warns(gk.ScanWarning):
        df = gk.scan(messy_folder, progress=False)
    df = df[df["name"].isin(["café ünïcode.jpg", "a;b$c'd.jpg"])]
    df.galleryk.push(cpg, album=6, journal=tmp_path / "j.sqlite", progress=False)
    listed = cpg.photos(6)
    assert {"café ünïcode", "a;b$c'd"} <= set(listed["title"])
    assert not listed["filename"].str.contains("[;$']", regex=True).any()


def test_a_file_that_vanished_after_the_scan_fails_alone(photo_folder, sandbox, tmp_path):
    df = gk.scan(photo_folder, progress=False)
    (photo_folder / "photo_002.jpg").unlink()
    report = df.galleryk.push(sandbox_fotki(sandbox, "alice"), journal=tmp_path / "j.sqlite", progress=False)
    assert _status(report, "photo_002.jpg")["error"].startswith("no such file")
    assert (report["status"] == "uploaded").sum() == 5


def test_a_frame_without_paths_is_refused_with_the_columns_named(sandbox, tmp_path):
    import pandas as pd

    with pytest.raises(ValueError, match="'path' column.*columns are: name"):
        gk.push.push(
            pd.DataFrame({"name": ["x.jpg"]}), sandbox_fotki(sandbox, "alice"), journal=tmp_path / "j", progress=False
        )
