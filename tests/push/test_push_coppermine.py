"""Pushing to a Coppermine gallery: stock galleries make albums, API-only ones say what they offer."""

from __future__ import annotations

import pytest

import galleryk as gk


def test_push_to_an_existing_album_by_title(photo_folder, cpg, tmp_path, coppermine_titles):
    report = gk.scan(photo_folder, progress=False).galleryk.push(
        cpg, album="Alice's garden", journal=tmp_path / "j.sqlite", progress=False
    )
    assert report["status"].tolist() == ["uploaded"] * 6
    assert (report["album"].iloc[0], report["album_id"].iloc[0]) == ("Alice's garden", "6")
    titles = coppermine_titles(cpg, 6)
    assert all(titles[f"photo_{i:03d}"] == 1 for i in range(6))


def test_create_makes_the_album_on_a_stock_gallery_once(photo_folder, cpg, tmp_path):
    df = gk.scan(photo_folder, progress=False)
    df.galleryk.push(cpg, album="New from galleryk", create=True, journal=tmp_path / "a.sqlite", progress=False)
    df.galleryk.push(cpg, album="New from galleryk", create=True, journal=tmp_path / "b.sqlite", progress=False)
    albums = cpg.albums()
    assert (albums["title"] == "New from galleryk").sum() == 1
    assert len(cpg.photos("New from galleryk")) == 6


def test_keywords_carry_tags_and_the_marker(photo_folder, cpg, tmp_path):
    report = (
        gk.scan(photo_folder, progress=False)
        .head(1)
        .galleryk.push(
            cpg, album=6, tags="harbour boats", description="At dawn", journal=tmp_path / "j.sqlite", progress=False
        )
    )
    info = cpg.photo_info(int(report["remote_id"].iloc[0]))
    assert info["description"] == "At dawn"
    assert {"harbour", "boats"} <= set(info["tags"])
    assert f"galleryk:sha={report['marker'].iloc[0].split('=')[1]}" in info["tags"]


def test_in_api_mode_create_makes_the_album_on_the_gallerys_own_page(photo_folder, cpg_api, tmp_path):
    assert cpg_api.mode == "api"
    report = gk.scan(photo_folder, progress=False).galleryk.push(
        cpg_api, album="Brand new", create=True, journal=tmp_path / "j.sqlite", progress=False
    )
    assert set(report["status"].astype(str)) == {"uploaded"}
    albums = cpg_api.albums()
    assert (albums["title"] == "Brand new").sum() == 1
    assert len(cpg_api.photos("Brand new")) == len(report)


def test_an_album_is_created_from_a_title_not_an_id(photo_folder, cpg_api, tmp_path):
    with pytest.raises(gk.AlbumNotFound) as info:
        gk.scan(photo_folder, progress=False).galleryk.push(
            cpg_api, album=77, create=True, journal=tmp_path / "j.sqlite", progress=False
        )
    message = str(info.value)
    assert "created from a title, not from an id" in message and "Alice's holidays (5)" in message


def test_coppermine_needs_an_album(photo_folder, cpg, tmp_path):
    with pytest.raises(gk.AlbumNotFound, match="needs album=.*Alice's garden"):
        gk.scan(photo_folder, progress=False).galleryk.push(cpg, journal=tmp_path / "j.sqlite", progress=False)


def test_pictures_waiting_for_approval_are_reported_as_such(photo_folder, cpg, tmp_path):
    report = (
        gk.scan(photo_folder, progress=False)
        .head(2)
        .galleryk.push(cpg, album="Members' corner", journal=tmp_path / "j.sqlite", progress=False)
    )
    assert report["status"].tolist() == ["uploaded", "uploaded"]
    assert report["remote_id"].isna().all()
    assert report["note"].str.contains("approval").all()
    again = (
        gk.scan(photo_folder, progress=False)
        .head(2)
        .galleryk.push(cpg, album="Members' corner", journal=tmp_path / "j.sqlite", progress=False)
    )
    assert again["status"].tolist() == ["skipped", "skipped"]


def test_an_album_closed_to_the_user_fails_at_once_listing_the_open_ones(photo_folder, stock_sandbox, cpg, tmp_path):
    stock_sandbox.faults.reset_requests("coppermine")
    with pytest.raises(gk.AlbumNotFound) as info:
        gk.scan(photo_folder, progress=False).galleryk.push(
            cpg, album="City walks", journal=tmp_path / "j.sqlite", progress=False
        )
    assert "may not upload" in str(info.value) and "'City walks'" in str(info.value)
    assert "Alice's garden (6)" in str(info.value) and "Alice's garden" in info.value.choices
    assert "City walks" not in info.value.choices
    assert stock_sandbox.faults.requests("coppermine").get("uniload.php", 0) == 0


def test_in_api_mode_an_album_closed_to_the_user_fails_at_once_too(photo_folder, sandbox, cpg_api, tmp_path):
    assert not cpg_api.albums().set_index("title").loc["City walks", "can_upload"]  # from the upload form's pages
    sandbox.faults.reset_requests("coppermine")
    with pytest.raises(gk.AlbumNotFound) as info:
        gk.scan(photo_folder, progress=False).galleryk.push(
            cpg_api, album="City walks", journal=tmp_path / "j.sqlite", progress=False
        )
    assert "may not upload" in str(info.value) and "Alice's garden" in info.value.choices
    assert sandbox.faults.requests("coppermine").get("api", 0) <= 2  # the mode probe and the album list, no upload


def test_in_api_mode_a_refused_album_stops_the_push_at_the_first_refusal_and_says_rights_are_unknown(
    photo_folder, sandbox, cpg_api, tmp_path, coppermine_titles
):
    before = len(cpg_api.photos("City walks"))
    sandbox.faults.set("coppermine", error_500=1.0, only=r"upload\.php")  # the upload form's page fails: rights unknown
    assert cpg_api.albums()["can_upload"].isna().all()  # the cpgAPI itself does not say
    sandbox.faults.reset_requests("coppermine")
    with pytest.raises(gk.AlbumNotFound) as info:
        gk.scan(photo_folder, progress=False).galleryk.push(
            cpg_api, album="City walks", workers=1, journal=tmp_path / "j.sqlite", progress=False
        )
    message = str(info.value)
    assert "may not upload to the album City walks" in message and "had not said which albums accept" in message
    assert "Alice's garden" in info.value.choices
    assert sandbox.faults.requests("coppermine")["api"] <= 3  # mode probe, album list, one refused upload
    assert len(cpg_api.photos("City walks")) == before


def _fill(sandbox, aid: int, count: int) -> None:
    """``count`` more pictures in album ``aid``, written straight into the gallery's table (fast)."""
    with sandbox.store.write() as conn:
        conn.executemany(
            "INSERT INTO cpg_pictures (aid, filepath, filename, filesize, pwidth, pheight, owner_id, title, ctime)"
            " VALUES (?, 'userpics/10002/5/', ?, 1000, 160, 120, 2, ?, 1)",
            [(aid, f"filler_{aid}_{i:04d}.jpg", f"Filler {i}") for i in range(count)],
        )


def _listing_pages(caplog) -> dict[str, int]:
    """Album pages and "Last additions" pages the sandbox served, from its request log."""
    lines = [
        r.getMessage() for r in caplog.records if r.name == "galleryk.sandbox" and "thumbnails.php" in r.getMessage()
    ]
    recent = sum("album=lastup" in line for line in lines)
    return {"album": len(lines) - recent, "recent": recent}


@pytest.mark.parametrize("size", [150, 600])
def test_a_lost_reply_in_a_large_album_is_settled_from_a_few_pages_of_its_newest_pictures(
    stock_sandbox, cpg, tmp_path, make_photos, caplog, size
):
    # the album is read once for the push; the lost upload is looked for among its newest pictures only, at a
    # cost that does not grow with the album (it read the whole album again before: 13 and 51 pages here)
    _fill(stock_sandbox, 5, size)
    make_photos(tmp_path / "p", 1, prefix="lost")
    caplog.set_level("INFO", logger="galleryk.sandbox")
    stock_sandbox.faults.set("coppermine", stored_500=1.0, only="uniload", limit=1)  # stored, then answered 500
    report = gk.scan(tmp_path / "p", progress=False).galleryk.push(
        cpg, album=5, journal=tmp_path / "j.sqlite", settle=0.2, progress=False
    )
    assert report["status"].tolist() == ["uploaded"] and "not sent again" in report["note"].iloc[0]
    assert stock_sandbox.faults.requests("coppermine")["uniload.php"] == 1
    served = _listing_pages(caplog)
    assert served["album"] == -(-(size + 4) // 12)  # the album once (with its 4 demo pictures), 12 a page
    assert 1 <= served["recent"] <= 10 < served["album"]  # the newest 101 (its upload and 100 more), 12 a page
