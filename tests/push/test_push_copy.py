"""A listing from one service pushed to the other: the original bytes, title, description and tags travel."""

from __future__ import annotations

import hashlib

import galleryk  # noqa: F401  (registers the df.galleryk accessor)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_fotki_set_copied_into_a_new_coppermine_album_keeps_its_metadata(sandbox, fotki, cpg, tmp_path):
    source = fotki.photos("Harbour walk")
    report = source.galleryk.push(
        cpg, album="From Fotki", create=True, source=fotki, journal=tmp_path / "j.sqlite", progress=False
    )
    assert report["status"].tolist() == ["uploaded"] * len(source)
    for fotki_id, pid in zip(source["id"].astype(str), report["remote_id"]):
        original = fotki.photo_info(fotki_id)
        copy = cpg.photo_info(int(pid))
        assert copy["title"] == original["title"]
        assert copy["description"] == (original["description"] or "")
        raw_tags = [t.get("raw") for t in fotki.call("flickr.photos.getInfo", photo_id=fotki_id).iterfind("tags/tag")]
        # each Fotki tag stays one Coppermine keyword, multi-word ones too ("Old town")
        assert [k for k in copy["tags"] if not k.startswith("galleryk")] == raw_tags
        a = fotki.download(fotki_id, tmp_path / f"f{fotki_id}.jpg")
        b = cpg.download(int(pid), tmp_path / f"c{pid}.jpg")
        assert _sha(a) == _sha(b)


def test_copying_again_downloads_nothing_and_uploads_nothing(sandbox, fotki, cpg, tmp_path):
    source = fotki.photos("Harbour walk")
    journal = tmp_path / "j.sqlite"
    source.galleryk.push(cpg, album="From Fotki", create=True, source=fotki, journal=journal, progress=False)
    requests_before = len(cpg.photos("From Fotki"))
    again = source.galleryk.push(cpg, album="From Fotki", create=True, source=fotki, journal=journal, progress=False)
    assert again["status"].tolist() == ["skipped"] * len(source)
    assert len(cpg.photos("From Fotki")) == requests_before


def test_a_coppermine_album_copied_into_a_fotki_photoset(sandbox, fotki, cpg, tmp_path):
    album = cpg.photos("Harbour & Beach")
    report = album.galleryk.push(
        fotki, album="From the gallery", create=True, source=cpg, journal=tmp_path / "j.sqlite", progress=False
    )
    assert set(report["status"]) == {"uploaded"}
    copied = fotki.photos("From the gallery")
    assert sorted(copied["title"]) == sorted(album["title"].fillna(""))
    first = cpg.photo_info(int(album["id"].iloc[0]))
    twin = copied[copied["title"] == first["title"]]["id"].iloc[0]
    info = fotki.photo_info(twin)
    assert first["description"] and info["description"] == first["description"]
    assert set(first["tags"]) <= set(info["tags"])


def test_a_copy_whose_upload_failed_on_the_way_is_fetched_again_and_arrives_once(
    sandbox, fotki, cpg, tmp_path, coppermine_titles
):
    source = fotki.photos("Harbour walk")
    # an error page instead of the reply, nothing stored: looked for, not found, fetched and sent again
    sandbox.faults.set("coppermine", html_200=1.0, only="uniload", limit=1)
    report = source.galleryk.push(
        cpg, album="From Fotki", create=True, source=fotki, journal=tmp_path / "j.sqlite", settle=0.2, progress=False
    )
    assert sandbox.faults.injected("coppermine")["html_200"] == 1
    assert report["note"].str.contains("had not arrived: uploaded again").sum() == 1
    assert report["status"].tolist() == ["uploaded"] * len(source)
    titles = coppermine_titles(cpg, "From Fotki")
    assert sorted(titles.values()) == [1] * len(source)
