"""Pushing a scanned folder to Fotki: photosets made on demand, metadata, reruns that skip."""

from __future__ import annotations

import pytest

import galleryk as gk


def test_push_creates_the_photoset_with_the_first_upload_as_primary(photo_folder, fotki, tmp_path):
    report = gk.scan(photo_folder, progress=False).galleryk.push(
        fotki, album="Trip", create=True, journal=tmp_path / "j.sqlite", progress=False
    )
    assert report["status"].tolist() == ["uploaded"] * 6
    sets = fotki.photosets()
    trip = sets[sets["title"] == "Trip"].iloc[0]
    assert trip["photos"] == 6
    in_set = fotki.photos("Trip")
    assert set(in_set["id"].astype(str)) == set(report["remote_id"])
    assert str(trip["primary"]) in set(report["remote_id"])
    assert (report["album"].iloc[0], report["album_id"].iloc[0]) == ("Trip", str(trip["id"]))


def test_rerun_skips_everything_and_uploads_nothing(photo_folder, fotki, tmp_path, fotki_titles):
    df = gk.scan(photo_folder, progress=False)
    journal = tmp_path / "j.sqlite"
    first = df.galleryk.push(fotki, album="Trip", create=True, journal=journal, progress=False)
    again = df.galleryk.push(fotki, album="Trip", create=True, journal=journal, progress=False)
    assert again["status"].tolist() == ["skipped"] * 6
    assert again["remote_id"].tolist() == first["remote_id"].tolist()
    assert all(n == 1 for title, n in fotki_titles(fotki).items() if title.startswith("photo_"))


def test_without_the_journal_a_rerun_finds_the_photos_by_their_marker(photo_folder, fotki, tmp_path):
    df = gk.scan(photo_folder, progress=False)
    df.galleryk.push(fotki, album="Trip", create=True, journal=tmp_path / "a.sqlite", progress=False)
    # A second push with a fresh journal (another machine) finds the set by title and the photos by marker.
    again = df.galleryk.push(fotki, album="Trip", create=True, journal=tmp_path / "b.sqlite", progress=False)
    assert (fotki.photosets()["title"] == "Trip").sum() == 1
    assert again["status"].tolist() == ["skipped"] * 6
    assert again["note"].str.contains("already on the service").all()
    assert len(fotki.photos("Trip")) == 6


def test_title_description_and_tags_from_columns_literals_and_functions(photo_folder, fotki, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(2)
    df["caption"] = ["first caption", "second caption"]
    report = df.galleryk.push(
        fotki,
        title=lambda row: row["name"].upper(),
        description="caption",
        tags=["holiday", "sea side"],
        journal=tmp_path / "j.sqlite",
        progress=False,
    )
    info = fotki.photo_info(report["remote_id"].iloc[1])
    assert info["title"] == "PHOTO_001.JPG"
    assert info["description"] == "second caption"
    assert {"holiday"} <= set(info["tags"])
    assert any(t.startswith("galleryk") for t in info["tags"])  # the marker that makes reruns safe


def test_without_an_album_photos_stay_in_no_set(photo_folder, fotki, tmp_path):
    report = gk.scan(photo_folder, progress=False).galleryk.push(fotki, journal=tmp_path / "j.sqlite", progress=False)
    not_in_set = set(fotki.photos()["id"].astype(str))
    assert set(report["remote_id"]) <= not_in_set


def test_a_missing_photoset_without_create_names_the_existing_ones(photo_folder, fotki, tmp_path):
    with pytest.raises(gk.AlbumNotFound) as info:
        gk.scan(photo_folder, progress=False).galleryk.push(fotki, album="Nope", journal=tmp_path / "j", progress=False)
    assert "'Nope'" in str(info.value) and "Harbour walk" in str(info.value) and "create=True" in str(info.value)


def test_resize_and_strip_metadata_upload_a_smaller_clean_copy(tmp_path, fotki):
    from PIL import Image

    (tmp_path / "big").mkdir()
    exif = Image.Exif()
    exif[0x0110] = "Galleryk Cam"  # Model
    Image.new("RGB", (1600, 1200), "teal").save(tmp_path / "big" / "photo_000.jpg", exif=exif)
    report = gk.scan(tmp_path / "big", progress=False).galleryk.push(
        fotki, resize=400, strip_metadata=True, journal=tmp_path / "j.sqlite", progress=False
    )
    saved = fotki.download(report["remote_id"].iloc[0], tmp_path / "back.jpg")
    with Image.open(saved) as im:
        assert max(im.size) == 400
        assert not im.getexif()
    assert (tmp_path / "big" / "photo_000.jpg").exists()  # the original is untouched


def test_report_has_one_row_per_input_with_its_index(photo_folder, fotki, tmp_path):
    df = gk.scan(photo_folder, progress=False)
    df.index = [f"row{i}" for i in range(len(df))]
    report = gk.push.push(df, fotki, journal=tmp_path / "j.sqlite", progress=False)
    assert list(report.index) == list(df.index)
    assert list(report.columns) == [
        "item",
        "status",
        "remote_id",
        "album",
        "album_id",
        "error",
        "note",
        "bytes",
        "seconds",
        "attempts",
        "marker",
        "retry",
    ]
    assert report["bytes"].tolist() == df["bytes"].tolist()


def test_a_repeated_index_still_gives_one_report_row_per_input(photo_folder, fotki, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(3)
    df.index = [7, 7, 7]
    report = df.galleryk.push(fotki, journal=tmp_path / "j.sqlite", progress=False)
    assert list(report.index) == [7, 7, 7]
    assert report["status"].tolist() == ["uploaded"] * 3
    assert report["remote_id"].nunique() == 3
