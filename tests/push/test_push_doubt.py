"""Uploads whose replies are lost, under every timing: looked for on the service first, never sent twice.

The server holds the uploads it is told to (``store_delay``: before it stores them; ``reply_delay``:
after) until the test lets them go, so the client's short timeout always strikes first. The test
lets them go when the push says it is waiting for lost replies, and holds that wait until the
server has stored them: the push then finds each by its marker, whatever the machine's load.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

import galleryk as gk
import galleryk.sandbox as gks
from galleryk.access import sandbox_coppermine, sandbox_fotki

HOLD = 600.0
"""Longer than any test: a held upload goes on only when the test releases it."""


def _client(sandbox, service: str, timeout: float):
    if service == "fotki":
        return sandbox_fotki(sandbox, "alice", timeout=(5.0, timeout)), None
    sandbox.settings.coppermine_api = False
    return sandbox_coppermine(sandbox, "alice", timeout=timeout), "Alice's holidays"


def release_when_waiting(sandbox, service: str, said: list[str]) -> Callable[[str], None]:
    """An ``on_status`` that, once the push waits for lost replies, releases the held uploads and returns only
    when the server has stored them (a slow server that stores within the push's ``settle``)."""

    def on_status(text: str) -> None:
        said.append(text)
        if not (text.startswith("waiting for") and "reply was lost" in text):
            return
        stored = sandbox.faults.log(service).stored
        released = sandbox.faults.release_held()
        deadline = time.monotonic() + 60
        while sandbox.faults.log(service).stored < stored + released and time.monotonic() < deadline:
            time.sleep(0.01)

    return on_status


@pytest.fixture
def titles_of(fotki_titles, coppermine_titles):
    """How many times each title is on the service: all of Fotki, or the Coppermine album."""
    return lambda client, service, album: (
        fotki_titles(client) if service == "fotki" else coppermine_titles(client, album)
    )


UPLOAD = {"fotki": "upload", "coppermine": "uniload"}


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_an_upload_stored_after_its_reply_was_lost_is_found_not_sent_again(
    service, sandbox, tmp_path, make_photos, titles_of
):
    make_photos(tmp_path / "photos", 3)
    client, album = _client(sandbox, service, timeout=0.6)
    sandbox.faults.set(service, store_delay=HOLD, delay_only=UPLOAD[service], limit=1)  # stored once released
    said: list[str] = []
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        client,
        album=album,
        journal=tmp_path / "j.sqlite",
        workers=1,
        settle=0.5,
        progress=False,
        on_status=release_when_waiting(sandbox, service, said),
    )
    assert sandbox.faults.injected(service)["store_delay"] == 1
    assert "waiting for 1 upload(s) whose reply was lost" in said
    titles = titles_of(client, service, album)
    assert [titles[f"photo_{i:03d}"] for i in range(3)] == [1, 1, 1]
    assert report["status"].tolist() == ["uploaded"] * 3
    found = report[report["note"].fillna("").str.contains("reply was lost")]
    assert len(found) == 1 and "found on the service by its marker" in found["note"].iloc[0]


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_an_upload_whose_reply_never_comes_is_found_not_sent_again(service, sandbox, tmp_path, make_photos, titles_of):
    make_photos(tmp_path / "photos", 3)
    client, album = _client(sandbox, service, timeout=0.6)
    sandbox.faults.set(service, reply_delay=HOLD, delay_only=UPLOAD[service], limit=1)  # stored, never answered
    try:
        report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
            client, album=album, journal=tmp_path / "j.sqlite", workers=1, settle=0.5, progress=False
        )
        assert sandbox.faults.held(service) == 1  # the reply is still held: the push did not wait for it
    finally:
        sandbox.faults.release_held()
    titles = titles_of(client, service, album)
    assert [titles[f"photo_{i:03d}"] for i in range(3)] == [1, 1, 1]
    assert report["status"].tolist() == ["uploaded"] * 3
    found = report[report["note"].fillna("").str.contains("reply was lost")]
    assert len(found) == 1 and "found on the service by its marker" in found["note"].iloc[0]


def test_latency_spikes_on_uploads_make_no_duplicates(sandbox_data, tmp_path, make_photos, fotki_titles):
    sandbox = gks.start(sandbox_data, seed=True, port=0, fault_seed=7)  # the same spikes on every run
    try:
        make_photos(tmp_path / "photos", 16)
        fotki = sandbox_fotki(sandbox, "alice", timeout=(5.0, 0.5))
        sandbox.faults.set("fotki", store_delay=HOLD, delay_share=0.3, delay_only="upload")
        report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
            fotki,
            album="Spiky",
            create=True,
            journal=tmp_path / "j.sqlite",
            retries=8,
            settle=0.3,
            progress=False,
            on_status=release_when_waiting(sandbox, "fotki", []),
        )
        spikes = sandbox.faults.injected("fotki")["store_delay"]
        sandbox.faults.clear()
        assert spikes > 0
        assert report["status"].tolist() == ["uploaded"] * 16, report[["status", "error"]]
        titles = fotki_titles(fotki)
        assert [titles[f"photo_{i:03d}"] for i in range(16)] == [1] * 16
        assert len(fotki.photos("Spiky")) == 16
    finally:
        sandbox.stop()


def test_a_lost_photoset_create_reply_makes_one_photoset(sandbox, fotki, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 4)
    sandbox.faults.set("fotki", cut=1.0, only="photosets_create", limit=1)
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        fotki, album="Once only", create=True, journal=tmp_path / "j.sqlite", progress=False
    )
    assert sandbox.faults.injected("fotki")["cut"] == 1
    assert report["status"].tolist() == ["uploaded"] * 4
    sets = fotki.photosets()
    assert (sets["title"] == "Once only").sum() == 1
    assert len(fotki.photos("Once only")) == 4


def test_a_garbled_reply_to_album_creation_still_gives_a_report_and_one_album(
    stock_sandbox, cpg, tmp_path, make_photos
):
    make_photos(tmp_path / "photos", 2)
    stock_sandbox.faults.set("coppermine", truncate=1.0, only="delete.php", limit=1)
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        cpg, album="Made once", create=True, journal=tmp_path / "j.sqlite", progress=False
    )
    assert stock_sandbox.faults.injected("coppermine")["truncate"] == 1
    assert report["status"].tolist() == ["uploaded"] * 2
    assert (cpg.albums()["title"] == "Made once").sum() == 1
    assert len(cpg.photos("Made once")) == 2


def test_checking_lost_replies_reads_only_the_newest_photos_not_the_whole_album(sandbox, fotki, tmp_path, make_photos):
    sandbox.settings.fotki_max_per_page = 5  # 30 photos: 6 pages
    make_photos(tmp_path / "old", 30, prefix="old")
    gk.scan(tmp_path / "old", progress=False).galleryk.push(
        fotki, album="Big", create=True, journal=tmp_path / "j.sqlite", progress=False
    )
    make_photos(tmp_path / "new", 4, prefix="new", size=(300, 200))  # other pixels than the old ones
    sandbox.faults.set("fotki", cut=1.0, only="upload", limit=3)  # three replies lost, the uploads stored
    sandbox.faults.reset_requests("fotki")
    report = gk.scan(tmp_path / "new", progress=False).galleryk.push(
        fotki, album="Big", journal=tmp_path / "j.sqlite", settle=0.2, progress=False
    )
    assert report["status"].tolist() == ["uploaded"] * 4
    calls = sandbox.faults.requests("fotki")
    assert calls["flickr.photosets.getPhotos"] <= 6  # the album, read once for the push
    assert calls.get("flickr.photos.getNotInSet", 0) <= 2  # the newest photos, once for the three lost replies
    assert len(fotki.photos("Big")) == 34


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_a_bad_listing_page_is_read_again_not_fatal(service, sandbox, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 5)
    client, album = _client(sandbox, service, timeout=10.0)
    album = album or "Paged"
    df = gk.scan(tmp_path / "photos", progress=False)
    df.galleryk.push(client, album=album, create=True, journal=tmp_path / "a.sqlite", progress=False)
    page = "getPhotos" if service == "fotki" else "thumbnails.php"
    sandbox.faults.set(service, truncate=1.0, cut=0.0, only=page, limit=1)
    again = df.galleryk.push(client, album=album, journal=tmp_path / "b.sqlite", progress=False)  # journal lost
    assert sum(sandbox.faults.injected(service).values()) == 1
    assert again["status"].tolist() == ["skipped"] * 5, again[["status", "error"]]
