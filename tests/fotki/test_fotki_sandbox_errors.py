"""Every service error the Fotki client can meet, in XML and JSON: the right exception, code and message."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from galleryk.access import sandbox_fotki
from galleryk.base.errors import BadReply, HttpStatusError, ResponseCut, TransportError
from galleryk.fotki import Fotki
from galleryk.fotki.errors import FotkiAuthError, FotkiError, FotkiNotFound
from galleryk.fotki.tokencache import FileTokenCache

MISSING_SET = 72_157_999_999
MISSING_PHOTO = 4_999_999_999


def _jpeg(size: tuple[int, int] = (32, 32)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "green").save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture(params=["xml", "json"])
def alice(request, sandbox) -> Fotki:
    return sandbox_fotki(sandbox, "alice", format=request.param)


def _own_set(client: Fotki) -> int:
    return int(client.photosets()["id"].iloc[0])


def test_zero_byte_upload_fails_with_code_4(alice: Fotki) -> None:
    with pytest.raises(FotkiError) as info:
        alice.upload(b"", filename="empty.jpg")
    assert info.value.code == 4 and info.value.method == "upload" and "zero" in info.value.message.lower()


def test_upload_over_the_size_limit_fails_with_code_8(alice: Fotki, sandbox) -> None:
    sandbox.settings.fotki_max_upload_bytes = 100
    with pytest.raises(FotkiError) as info:
        alice.upload(_jpeg(), filename="big.jpg")
    assert info.value.code == 8 and "too large" in info.value.message


def test_upload_without_a_file_fails_with_code_2(alice: Fotki) -> None:
    with pytest.raises(FotkiError) as info:
        alice.call("upload", title="nothing")
    assert info.value.code == 2


def test_unknown_frob_fails_with_108(alice: Fotki) -> None:
    with pytest.raises(FotkiAuthError) as info:
        alice.get_token("not-a-frob")
    assert info.value.code == 108 and "not-a-frob" not in str(info.value)


def test_deleting_a_missing_photoset_is_not_found(alice: Fotki) -> None:
    with pytest.raises(FotkiNotFound) as info:
        alice.delete_photoset(MISSING_SET)
    assert info.value.code == 1 and info.value.method == "flickr.photosets.delete"


def test_editing_a_missing_photoset_is_not_found(alice: Fotki) -> None:
    with pytest.raises(FotkiNotFound) as info:
        alice.edit_photoset(MISSING_SET, "New title")
    assert info.value.code == 1


def test_editing_with_an_empty_title_fails_with_code_2(alice: Fotki) -> None:
    with pytest.raises(FotkiError) as info:
        alice.edit_photoset(_own_set(alice), "")
    assert info.value.code == 2 and not isinstance(info.value, FotkiNotFound)


def test_adding_a_missing_photo_is_not_found(alice: Fotki) -> None:
    with pytest.raises(FotkiNotFound) as info:
        alice.add_to_photoset(_own_set(alice), MISSING_PHOTO)
    assert info.value.code == 2


def test_creating_a_set_around_a_missing_photo_is_not_found(alice: Fotki) -> None:
    with pytest.raises(FotkiNotFound) as info:
        alice.create_photoset("Ghost", MISSING_PHOTO)
    assert info.value.code == 2


def test_photosets_of_an_unknown_user_are_not_found(alice: Fotki) -> None:
    with pytest.raises(FotkiNotFound) as info:
        alice.photosets(user_id=987654)
    assert info.value.code == 1


def test_photos_of_a_missing_set_are_not_found(alice: Fotki) -> None:
    with pytest.raises(FotkiNotFound):
        alice.photos(MISSING_SET)


def test_an_empty_listing_has_typed_columns(alice: Fotki) -> None:
    loose = alice.photos()["id"].tolist()
    set_id = alice.create_photoset("Everything", loose[0])
    for photo in loose[1:]:
        alice.add_to_photoset(set_id, photo)
    empty = alice.photos()
    assert empty.empty and list(empty.columns[:7]) == [
        "id",
        "album_id",
        "title",
        "description",
        "tags",
        "taken",
        "owner",
    ]
    assert str(empty["id"].dtype) == "Int64" and str(empty["ispublic"].dtype) == "boolean"


def test_error_carries_code_message_and_method_but_no_secret(alice: Fotki, sandbox) -> None:
    with pytest.raises(FotkiNotFound) as info:
        alice.photo_info(MISSING_PHOTO)
    err = info.value
    assert (err.code, err.method) == (1, "flickr.photos.getInfo") and err.message
    assert sandbox.secret not in str(err) and "auth_token" not in str(err)


# -- the real-server quirks, through fault injection ----------------------------------------------
def test_a_500_on_a_later_page_is_retried_and_the_listing_is_whole(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", per_page=2, workers=3)
    expected = client.photos("Harbour walk")["id"].tolist()
    sandbox.faults.set("fotki", error_500=1.0, limit=2, only="getPhotos")
    assert client.photos("Harbour walk")["id"].tolist() == expected
    assert sandbox.faults.injected("fotki")["error_500"] == 2


def test_reads_give_up_after_their_retries_naming_the_masked_url(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", retries=1)
    sandbox.faults.set("fotki", error_500=1.0)
    with pytest.raises(HttpStatusError) as info:
        client.photosets()
    text = str(info.value)
    assert info.value.status == 500 and "flickr_photosets_getList" in text and "api_sig=***" in text
    assert sandbox.secret not in text


def test_an_upload_cut_after_it_was_stored_is_reported_and_not_sent_again(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    before = len(client.photos())
    sandbox.faults.set("fotki", cut=1.0, limit=1, only="upload")
    with pytest.raises(TransportError) as info:
        client.upload(_jpeg(), title="maybe")
    assert isinstance(info.value, (ResponseCut, BadReply))
    assert len(client.photos()) == before + 1  # it arrived exactly once: the ambiguous outcome is the caller's


def test_an_html_page_instead_of_an_upload_reply_is_a_bad_reply(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", format="json")
    sandbox.faults.set("fotki", html_200=1.0, limit=1, only="upload")
    with pytest.raises(BadReply, match="HTML"):
        client.upload(_jpeg(), title="lost")


# -- the token cache on disk ------------------------------------------------------------------------
def test_a_login_writes_a_private_token_file(sandbox, tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path / "tokens")
    client = sandbox_fotki(sandbox, "alice", token_cache=cache)
    files = list(cache.folder.glob("*.json"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(os.stat(cache.folder).st_mode) == 0o700 and client.username == "alice"


def test_the_default_cache_for_a_sandbox_writes_nothing_to_disk(sandbox, _private_token_cache: Path) -> None:
    sandbox_fotki(sandbox, "alice").photos()
    # the only file is the register of running sandboxes (their own folders hold what is kept for them)
    assert [p.name for p in _private_token_cache.rglob("*.json")] in ([], ["scopes.json"])
    assert not any(p for p in _private_token_cache.rglob("*") if p.is_file() and "token" in str(p))
