"""Undoing a push or an apply against the sandbox: what it uploaded goes, what it overwrote comes back, and
what cannot be undone says why."""

from __future__ import annotations

import pytest
from support.plan_photos import files, folder, other_tool, scan, titled


@pytest.fixture
def photos(tmp_path):
    return folder(tmp_path, 4)


def test_undoing_an_apply_removes_its_uploads_and_restores_the_titles_it_changed(cpg, photos):
    theirs = other_tool(cpg, files(photos)[:2], "Half")
    before = cpg.photos("Half")[["id", "title"]]
    report = titled(scan(photos)).galleryk.plan(cpg, album="Half").galleryk.apply(progress=False)
    undone = report.galleryk.undo()
    assert sorted(undone["action"]) == ["delete", "delete", "restore", "restore"]
    assert set(undone["status"]) == {"undone"}
    after = cpg.photos("Half")[["id", "title"]]
    assert after["id"].tolist() == theirs and after["title"].tolist() == before["title"].tolist()


def test_undoing_twice_finds_everything_undone_already(cpg, photos):
    other_tool(cpg, files(photos)[:2], "Half")
    report = titled(scan(photos)).galleryk.plan(cpg, album="Half").galleryk.apply(progress=False)
    report.galleryk.undo()
    assert set(report.galleryk.undo()["status"]) == {"already"}


def test_undoing_a_push_removes_what_it_uploaded_and_a_push_again_uploads_it_again(cpg, photos, tmp_path):
    df = scan(photos)
    report = df.galleryk.push(cpg, album="Mine", create=True, journal=tmp_path / "j.sqlite", progress=False)
    undone = report.galleryk.undo()
    deleted = undone[undone["action"] == "delete"]
    assert deleted["status"].tolist() == ["undone"] * 4 and len(cpg.photos("Mine")) == 0
    again = df.galleryk.push(cpg, album="Mine", journal=tmp_path / "j.sqlite", progress=False)
    assert again["status"].tolist() == ["uploaded"] * 4


def test_the_album_a_coppermine_push_made_is_left_and_the_row_says_why(cpg, photos):
    report = scan(photos).galleryk.push(cpg, album="Mine", create=True, progress=False)
    row = report.galleryk.undo().iloc[-1]
    assert (row["action"], row["status"]) == ("delete_album", "impossible")
    assert "delete it in the gallery's album manager" in row["note"]


def test_on_fotki_uploads_stay_saying_why_and_the_photoset_the_push_made_is_deleted(fotki, photos):
    report = scan(photos).galleryk.push(fotki, album="Made", create=True, progress=False)
    undone = report.galleryk.undo()
    assert undone["status"].tolist() == ["impossible"] * 4 + ["undone"]
    assert "no call to delete a photo" in undone["note"].iloc[0]
    assert "Made" not in set(fotki.albums()["title"])


def test_a_deleted_photo_cannot_be_brought_back_and_the_row_says_so(cpg, photos):
    theirs = other_tool(cpg, files(photos)[:2], "Half")
    listing = cpg.photos("Half")
    report = listing[listing["id"] == theirs[0]].galleryk.plan(cpg, delete=True).galleryk.apply(progress=False)
    row = report.galleryk.undo().iloc[0]
    assert (row["status"], row["remote_id"]) == ("impossible", str(theirs[1]))
    assert "cannot be brought back" in row["note"]


def test_undoing_a_photoset_edit_restores_its_title(fotki):
    sets = fotki.albums()
    title = sets["title"].iloc[0]
    sets.loc[0, "title"] = "Renamed"
    sets.galleryk.plan(fotki).galleryk.apply(progress=False).galleryk.undo()
    assert fotki.albums()["title"].iloc[0] == title


def test_a_table_that_is_not_a_report_is_refused(photos):
    with pytest.raises(ValueError, match="needs the report of a push or an apply"):
        scan(photos).galleryk.undo()


def test_on_a_service_that_answers_flickrs_delete_call_the_uploads_go(fotki, sandbox, photos):
    sandbox.settings.fotki_flickr_photo_calls = True
    report = scan(photos).galleryk.push(fotki, album="Made", create=True, progress=False)
    undone = report.galleryk.undo()
    assert undone["status"].tolist() == ["undone"] * 4 + ["already"]  # the photoset went with its last photo
    assert not set(report["remote_id"]) & set(fotki.photos()["id"].astype(str))
