"""client.thumbnail() on both services, its cache, and df.galleryk.thumbnails() on remote listings."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from galleryk.access import sandbox_coppermine, sandbox_fotki
from galleryk.media import thumbcache


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG"
        return im.size


def test_fotki_thumbnail_of_a_private_photo_comes_through_the_owners_session(sandbox):
    fotki = sandbox_fotki(sandbox, "alice")
    private = fotki.photos()
    private = private[~private["ispublic"]].iloc[0]
    data = fotki.thumbnail(private, size=64)
    assert max(size_of(data)) <= 64


def test_fotki_thumbnail_is_fetched_once_then_served_from_memory_and_disk(sandbox, tmp_path):
    fotki = sandbox_fotki(sandbox, "alice")
    photo_id = int(fotki.photos("Harbour walk")["id"].iloc[0])
    first = fotki.thumbnail(photo_id)
    sandbox.faults.set("fotki", error_500=1.0)  # the service is down now
    try:
        assert fotki.thumbnail(photo_id) == first
        thumbcache.default_cache().clear_memory()
        assert fotki.thumbnail(photo_id) == first  # from the disk cache
        folder = thumbcache.cache_dir(sandbox.fotki_api_url)
        assert folder.is_relative_to(sandbox.data_dir)  # a sandbox's thumbnails go with it
        files = list(folder.rglob("*.jpg"))
        assert files and all(re.fullmatch(r"[0-9a-f]{40}\.jpg", f.name) for f in files)
    finally:
        sandbox.faults.clear("fotki")


def test_coppermine_thumbnail_is_its_thumb_file(sandbox):
    cpg = sandbox_coppermine(sandbox, "alice")
    row = cpg.photos("Harbour & Beach").iloc[0]
    raw = cpg.transport.get(row["thumb_url"]).content
    assert cpg.thumbnail(row, size=200) == raw  # serves that size: sent as the gallery made it
    assert max(size_of(cpg.thumbnail(row, size=1024))) > max(size_of(raw))  # a large view: from the picture
    assert max(size_of(cpg.thumbnail(int(row["id"]), size=40))) <= 40  # from a bare id, downscaled


def test_a_bad_size_is_refused_with_the_range():
    with pytest.raises(ValueError, match="from 16 to 1024"):
        thumbcache.check_size(4)


def test_thumbnails_of_a_remote_listing_render_through_its_client(sandbox):
    fotki = sandbox_fotki(sandbox, "alice")
    listing = fotki.photos("Garden days")
    html = listing[listing["title"].notna()].head(3).galleryk.thumbnails(size=48).data
    assert html.count('src="data:image/jpeg;base64,') == 3


def test_a_listing_that_lost_its_client_says_to_pass_one(sandbox):
    fotki = sandbox_fotki(sandbox, "alice")
    listing = fotki.photos("Garden days")
    listing.attrs.clear()
    with pytest.raises(KeyError, match="pass client="):
        listing.galleryk.thumbnails()
    assert "base64" in listing.head(1).galleryk.thumbnails(client=fotki).data


def test_coppermine_large_preview_is_made_from_the_picture_on_the_sandbox_and_the_real_gallery(cpg_server, tmp_path):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    aid = cpg_server.fresh_album("Large previews")
    picture = Image.new("RGB", (1600, 1200), (30, 120, 200))
    picture.save(tmp_path / "big.jpg", "JPEG", quality=85)
    pid = int(cpg.upload(tmp_path / "big.jpg", album=aid, title="Big").id)
    row = cpg.photos(aid).iloc[0]
    assert int(row["id"]) == pid
    tile, large = cpg.thumbnail(row, size=120), cpg.thumbnail(row, size=800)
    assert max(size_of(tile)) <= 120
    assert max(size_of(large)) == 800  # the gallery's thumb_ file is far smaller: the picture, downscaled
