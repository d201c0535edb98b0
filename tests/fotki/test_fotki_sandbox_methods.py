"""Every Fotki method against the sandbox, in XML and in JSON, with the same results."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

import galleryk.sandbox as gks
from galleryk.access import sandbox_fotki
from galleryk.base.errors import AlbumNotFound
from galleryk.base.results import UploadResult
from galleryk.fotki import Fotki
from galleryk.fotki.errors import FotkiError, FotkiNotFound


@pytest.fixture(scope="module")
def shared_sandbox(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[gks.Sandbox]:
    """One sandbox for the tests of this module that only read (they never change what others see)."""
    data = tmp_path_factory.mktemp("fotki-read") / "data"
    shutil.copytree(seeded_template, data)
    sb = gks.start(data, seed=True, port=0)
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(params=["xml", "json"])
def reader(request, shared_sandbox: gks.Sandbox) -> Fotki:
    """Alice, on the shared sandbox, in each reply format: for tests that change nothing."""
    return sandbox_fotki(shared_sandbox, "alice", format=request.param)


@pytest.fixture(params=["xml", "json"])
def alice(request, sandbox) -> Fotki:
    """Alice on a sandbox of her own, in each reply format: for tests that change things."""
    return sandbox_fotki(sandbox, "alice", format=request.param)


def _jpeg(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def test_photosets_lists_alices_three_sets(reader: Fotki) -> None:
    sets = reader.photosets()
    assert sets["title"].tolist() == ["Harbour walk", "Old town weekend", "Garden days"]
    assert sets["photos"].tolist() == [8, 8, 8] and str(sets["id"].dtype) == "Int64"


def test_albums_is_photosets(reader: Fotki) -> None:
    pd.testing.assert_frame_equal(reader.albums(), reader.photosets())


def test_photosets_of_another_user_show_only_public_photos(reader: Fotki) -> None:
    bob_sets = reader.photosets(user_id=3)
    assert bob_sets["title"].tolist() == ["Bike trip"] and bob_sets["photos"].tolist() == [4]


def test_photos_of_a_set_by_id_and_by_title_agree(reader: Fotki) -> None:
    sets = reader.photosets()
    by_id = reader.photos(sets["id"].iloc[0])
    by_title = reader.photos("Harbour walk")
    pd.testing.assert_frame_equal(by_id, by_title)
    assert len(by_id) == 8 and by_id["isprimary"].sum() == 1 and (by_id["owner"] == 2).all()


def test_photos_without_a_set_are_the_ones_in_no_set(reader: Fotki) -> None:
    loose = reader.photos()
    assert len(loose) == 4 and loose["ispublic"].tolist().count(False) == 2


def test_limit_stops_early(reader: Fotki) -> None:
    assert len(reader.photos("Garden days", limit=3)) == 3


def test_photo_info_is_typed(reader: Fotki) -> None:
    pid = int(reader.photos("Harbour walk")["id"].iloc[0])
    info = reader.photo_info(pid)
    assert info["id"] == pid and info["owner_username"] == "alice"
    assert isinstance(info["taken"], pd.Timestamp) and "demo" in info["tags"]
    assert info["original_url"] and info["ispublic"] is True


def test_photo_infos_gives_a_frame_with_a_tags_list_column(reader: Fotki) -> None:
    ids = reader.photos("Harbour walk")["id"].tolist()[:3]
    df = reader.photo_infos(ids)
    assert df["id"].tolist() == ids and all(isinstance(t, list) for t in df["tags"])


def test_missing_photo_is_not_found(reader: Fotki) -> None:
    with pytest.raises(FotkiNotFound) as info:
        reader.photo_info(1)
    assert info.value.code == 1


def test_missing_photoset_title_is_not_found(reader: Fotki) -> None:
    with pytest.raises(AlbumNotFound, match="no photoset titled"):
        reader.photos("No such set")


def test_create_edit_add_delete_a_photoset(alice: Fotki) -> None:
    loose = alice.photos()["id"].tolist()
    set_id = alice.create_photoset("Fresh", loose[0], description="new")
    alice.add_to_photoset(set_id, loose[1])
    alice.edit_photoset(set_id, "Renamed", "changed")
    row = alice.photosets().set_index("id").loc[set_id]
    assert (row["title"], row["description"], row["photos"]) == ("Renamed", "changed", 2)
    alice.delete_photoset(set_id)
    assert set_id not in alice.photosets()["id"].tolist()


def test_adding_a_photo_twice_is_a_service_error(reader: Fotki) -> None:
    sets = reader.photosets()
    with pytest.raises(FotkiError) as info:
        reader.add_to_photoset(sets["id"].iloc[0], sets["primary"].iloc[0])
    assert info.value.code == 3


def test_upload_returns_an_upload_result(alice: Fotki, tmp_path: Path) -> None:
    path = tmp_path / "red.jpg"
    path.write_bytes(_jpeg())
    result = alice.upload(path, title="Red", description="a red square", tags=["red", "old town"])
    assert isinstance(result, UploadResult) and result.status == "uploaded" and result.service == "fotki"
    info = alice.photo_info(result.id)
    assert info["title"] == "Red" and "old town" in info["tags"] and result.bytes == path.stat().st_size


def test_upload_into_an_album_by_title(alice: Fotki) -> None:
    result = alice.upload(_jpeg("blue"), album="Garden days", title="Blue")
    assert result.album_id is not None
    assert int(result.id) in alice.photos("Garden days")["id"].tolist()


def test_upload_can_create_the_album(alice: Fotki) -> None:
    result = alice.upload(io.BytesIO(_jpeg("green")), album="Brand new", create_album=True, filename="g.jpg")
    sets = alice.photosets().set_index("title")
    assert int(sets.loc["Brand new", "primary"]) == int(result.id)


def test_upload_of_a_non_image_fails_with_code_5(reader: Fotki) -> None:
    with pytest.raises(FotkiError) as info:
        reader.upload(b"this is not a picture", filename="fake.jpg")
    assert info.value.code == 5


def test_download_saves_the_original(alice: Fotki, tmp_path: Path) -> None:
    result = alice.upload(_jpeg("yellow"), title="Y", is_public=False)
    target = alice.download(result.id, tmp_path)
    assert target.parent == tmp_path and target.read_bytes() == _jpeg("yellow")


def test_raw_call_returns_the_reply_element(reader: Fotki) -> None:
    body = reader.call("flickr_photosets_getList")
    assert body is not None and body.tag == "photosets" and len(body.findall("photoset")) == 3


def test_raw_call_of_an_unknown_method_raises_with_code(reader: Fotki) -> None:
    with pytest.raises(FotkiError) as info:
        reader.call("flickr.photos.nope")
    assert info.value.code == 112
