"""Coppermine DataFrames: typed columns, category chains, and empty listings that keep their columns."""

from __future__ import annotations

from galleryk.frames.coppermine import ALBUM_COLUMNS, PHOTO_COLUMNS, album_row, albums_frame, photos_frame


def test_album_row_gives_the_category_path_below_parent():
    row = album_row(1, "Harbour & Beach", [(2, "Travel"), (3, "Europe & Asia")], can_upload=True)
    assert row["category_id"] == 3 and row["category"] == "Europe & Asia"
    assert row["category_path"] == "Travel / Europe & Asia"
    assert row["is_user_gallery"] is False


def test_personal_albums_are_user_galleries():
    assert album_row(5, "Holidays", [(1, "User galleries"), (10002, "alice")])["is_user_gallery"] is True
    assert album_row(5, "Holidays", [(10002, "alice")])["is_user_gallery"] is True


def test_an_album_outside_any_category_has_no_category_id():
    df = albums_frame([album_row(9, "Loose", [])], source="test")
    assert df["category_id"].isna().all() and df["category_path"].tolist() == [""]


def test_albums_frame_dtypes_and_unknown_upload_right():
    df = albums_frame([album_row(1, "A", [(2, "Travel")])], source="cpgAPI")
    assert list(df.columns) == ALBUM_COLUMNS
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        "id": "Int64",
        "title": "string",
        "description": "string",
        "photos": "Int64",
        "category_id": "Int64",
        "category": "string",
        "category_path": "string",
        "is_user_gallery": "boolean",
        "can_upload": "boolean",
    }
    assert df["can_upload"].isna().all() and df.attrs["source"] == "cpgAPI"


def test_empty_listings_keep_columns_and_dtypes():
    albums, photos = albums_frame([], source="x"), photos_frame([], source="y")
    assert len(albums) == 0 and list(albums.columns) == ALBUM_COLUMNS and str(albums["id"].dtype) == "Int64"
    assert len(photos) == 0 and list(photos.columns) == PHOTO_COLUMNS and str(photos["id"].dtype) == "Int64"
    assert str(photos["title"].dtype) == "string"


def test_photos_frame_keeps_extra_keys_as_extra_columns():
    df = photos_frame([{"id": "7", "album_id": 1, "title": "T", "url": None, "width": "640"}], source="z")
    assert df["id"].tolist() == [7] and df["url"].isna().all()
    assert list(df.columns) == [*PHOTO_COLUMNS, "width"]
