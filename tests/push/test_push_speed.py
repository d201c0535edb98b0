"""What a push costs in requests, counted on the sandbox: O(1) per item whatever the titles."""

from __future__ import annotations

import pytest

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_a_rerun_without_the_journal_of_same_titled_photos_costs_one_lookup_each(
    service, sandbox, tmp_path, make_photos
):
    make_photos(tmp_path / "photos", 30)
    if service == "fotki":
        client, album, info_call = sandbox_fotki(sandbox, "alice"), "Same names", "flickr.photos.getInfo"
    else:
        sandbox.settings.coppermine_api = False
        client, album, info_call = sandbox_coppermine(sandbox, "alice"), "Alice's garden", "displayimage.php"
    df = gk.scan(tmp_path / "photos", progress=False)
    df.galleryk.push(client, album=album, create=True, title="IMG_0001", journal=tmp_path / "a.sqlite", progress=False)
    sandbox.faults.reset_requests(service)
    again = df.galleryk.push(
        client, album=album, create=True, title="IMG_0001", journal=tmp_path / "b.sqlite", progress=False
    )
    assert again["status"].tolist() == ["skipped"] * 30
    calls = sandbox.faults.requests(service)
    assert calls[info_call] <= 30  # each listed photo looked at once at most (it was 465 for 30)
    assert sum(calls.values()) <= 30 + 15  # and a few per push: the album tree (one page per category), the listing


def test_a_push_into_a_photoset_lists_no_photos_outside_it(sandbox, fotki, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 3)
    sandbox.faults.reset_requests("fotki")
    gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        fotki, album="Harbour walk", journal=tmp_path / "j.sqlite", progress=False
    )
    assert sandbox.faults.requests("fotki").get("flickr.photos.getNotInSet", 0) == 0
