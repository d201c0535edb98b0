"""The marker each upload carries: what it looks like, where it goes, and what choosing none costs."""

from __future__ import annotations

import hashlib

import pytest

import galleryk as gk


def _sha16(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_the_default_marker_is_a_tag_a_person_can_read(photo_folder, fotki, tmp_path):
    report = (
        gk.scan(photo_folder, progress=False)
        .head(1)
        .galleryk.push(fotki, tags="harbour", journal=tmp_path / "j.sqlite", progress=False)
    )
    token = _sha16(photo_folder / "photo_000.jpg")
    raw = [
        t.get("raw")
        for t in fotki.call("flickr.photos.getInfo", photo_id=report["remote_id"].iloc[0]).iterfind("tags/tag")
    ]
    assert raw == ["harbour", f"galleryk:sha={token}"]
    assert report["marker"].iloc[0] == f"galleryk:sha={token}"
    assert "recognises it" in report.attrs["marker"]


def test_a_marker_in_the_description_instead_still_recognises_earlier_uploads(photo_folder, fotki, cpg, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(3)
    token = _sha16(photo_folder / "photo_000.jpg")
    first = df.galleryk.push(
        fotki, description="At dawn", marker="description", journal=tmp_path / "a.sqlite", progress=False
    )
    info = fotki.photo_info(first["remote_id"].iloc[0])
    assert info["description"] == f"At dawn\n\ngalleryk:sha={token}"
    assert not any(t.startswith("galleryk") for t in info["tags"])
    again = df.galleryk.push(
        fotki, description="At dawn", marker="description", journal=tmp_path / "b.sqlite", progress=False
    )
    assert again["status"].tolist() == ["skipped"] * 3
    pushed = df.galleryk.push(
        cpg, album="Alice's garden", marker="description", journal=tmp_path / "c.sqlite", progress=False
    )
    assert cpg.photo_info(int(pushed["remote_id"].iloc[0]))["description"] == f"galleryk:sha={token}"


def test_without_a_marker_nothing_is_added_and_a_lost_journal_means_uploading_again(
    photo_folder, fotki, tmp_path, fotki_titles
):
    df = gk.scan(photo_folder, progress=False).head(2)
    first = df.galleryk.push(fotki, marker=None, journal=tmp_path / "a.sqlite", progress=False)
    info = fotki.photo_info(first["remote_id"].iloc[0])
    assert info["tags"] == [] and not info["description"]
    assert first["marker"].isna().all() and "cannot recognise" in first.attrs["marker"]
    again = df.galleryk.push(fotki, marker=None, journal=tmp_path / "b.sqlite", progress=False)
    assert again["status"].tolist() == ["uploaded", "uploaded"]  # the documented price of marker=None
    assert fotki_titles(fotki)["photo_000"] == 2


def test_markers_of_earlier_releases_are_still_recognised(photo_folder, fotki, cpg, tmp_path):
    path = photo_folder / "photo_000.jpg"
    old = f"galleryk-{_sha16(path)}"
    fotki.upload(path, title="photo_000", tags=["sea", old])
    cpg.upload(path, album="Alice's garden", title="photo_000", tags=["sea", old])
    df = gk.scan(photo_folder, progress=False).head(1)
    on_fotki = df.galleryk.push(fotki, journal=tmp_path / "a.sqlite", progress=False)
    on_cpg = df.galleryk.push(cpg, album="Alice's garden", journal=tmp_path / "b.sqlite", progress=False)
    assert on_fotki["status"].tolist() == on_cpg["status"].tolist() == ["skipped"]
    assert on_fotki["note"].iloc[0] == "already on the service (found by its marker)"


def test_copies_between_services_leave_the_markers_behind(photo_folder, fotki, cpg, tmp_path):
    df = gk.scan(photo_folder, progress=False).head(1)
    df.galleryk.push(
        cpg,
        album="Alice's garden",
        description="Roses",
        marker="description",
        journal=tmp_path / "a.sqlite",
        progress=False,
    )
    listing = cpg.photos("Alice's garden")
    listing = listing[listing["title"] == "photo_000"]
    copied = listing.galleryk.push(fotki, source=cpg, journal=tmp_path / "b.sqlite", progress=False)
    info = fotki.photo_info(copied["remote_id"].iloc[0])
    token = copied["marker"].iloc[0].split("=")[1]
    assert info["description"] == "Roses"  # the source's marker stays behind
    assert [t for t in info["tags"] if t.startswith("galleryk")] == [f"galleryk:sha={token}"]  # its own, as a tag


def test_an_unknown_marker_choice_names_the_ones_there_are(photo_folder, fotki, tmp_path):
    with pytest.raises(ValueError, match="marker must be 'tag', 'description' or None, not 'caption'"):
        gk.scan(photo_folder, progress=False).galleryk.push(
            fotki, marker="caption", journal=tmp_path / "j.sqlite", progress=False
        )
