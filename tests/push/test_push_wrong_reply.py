"""An upload whose reply names another photo: never put in the album, reported as such, and settled by its marker.

The sandbox's ``wrong_id`` fault stores the upload and names an existing, unrelated photo in the
reply; ``wrong_id_unstored`` names one without storing anything. Counted on the server: which
photos the album holds, and how many copies of each title there are.
"""

from __future__ import annotations

import pytest

import galleryk as gk
from galleryk.access import sandbox_coppermine


def _unrelated_ids(sandbox, service: str) -> set[int]:
    """The ids the lying replies named (not the ones stored)."""
    return {
        hit.named_id
        for hit in sandbox.request_log(service).hits
        if hit.named_id is not None and hit.named_id != hit.stored_id
    }


@pytest.mark.parametrize("fault", ["wrong_id", "wrong_id_unstored"])
def test_a_fotki_reply_naming_another_photo_does_not_put_that_photo_in_the_set(
    sandbox, fotki, tmp_path, make_photos, fotki_titles, fault
):
    make_photos(tmp_path / "photos", 4)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.reset_requests("fotki")
    sandbox.faults.set("fotki", **{fault: 1.0}, only="upload", limit=1)
    report = photos.galleryk.push(fotki, album="Told the truth", create=True, settle=0.2, progress=False)
    named = _unrelated_ids(sandbox, "fotki")
    sandbox.faults.clear()
    assert len(named) == 1
    in_set = {int(i) for i in fotki.photos("Told the truth")["id"]}
    assert not (named & in_set)  # the unrelated photo was not added
    assert report["status"].tolist() == ["uploaded"] * 4, report[["status", "error", "note"]]
    assert report["note"].fillna("").str.contains("another photo").sum() == 1
    assert {int(i) for i in report["remote_id"]} == in_set and len(in_set) == 4
    titles = fotki_titles(fotki)
    assert [titles[f"photo_{i:03d}"] for i in range(4)] == [1] * 4


def test_a_coppermine_reply_naming_another_picture_is_looked_up_and_settled(
    stock_sandbox, tmp_path, make_photos, coppermine_titles
):
    sandbox = stock_sandbox
    cpg = sandbox_coppermine(sandbox, "alice")
    make_photos(tmp_path / "photos", 3)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.reset_requests("coppermine")
    sandbox.faults.set("coppermine", wrong_id=1.0, only="uniload", limit=1)
    report = photos.galleryk.push(cpg, album="Alice's garden", settle=0.2, progress=False)
    named = _unrelated_ids(sandbox, "coppermine")
    sandbox.faults.clear()
    assert len(named) == 1 and not (named & {int(i) for i in report["remote_id"]})
    assert report["status"].tolist() == ["uploaded"] * 3, report[["status", "error", "note"]]
    titles = coppermine_titles(cpg, "Alice's garden")
    assert [titles[f"photo_{i:03d}"] for i in range(3)] == [1] * 3


def test_a_service_that_always_names_another_photo_fails_the_items_and_adds_nothing(
    sandbox, fotki, tmp_path, make_photos
):
    make_photos(tmp_path / "photos", 2)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.set("fotki", wrong_id_unstored=1.0, only="upload")
    report = photos.galleryk.push(fotki, album="Never true", create=True, settle=0.1, retries=1, progress=False)
    sandbox.faults.clear()
    assert report["status"].tolist() == ["failed"] * 2
    assert report["error"].str.contains("another photo").all()
    assert "Never true" not in fotki.albums()["title"].tolist()  # no photoset made around a stranger's photo
