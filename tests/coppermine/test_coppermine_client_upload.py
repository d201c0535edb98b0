"""Uploading and creating albums with the Coppermine client against the sandbox, in api and web mode."""

from __future__ import annotations

import io
import warnings

import pytest

from galleryk.access import sandbox_coppermine
from galleryk.base.errors import Reason
from galleryk.base.results import UploadResult
from galleryk.coppermine import Coppermine, InsecureGalleryWarning
from galleryk.coppermine.errors import CoppermineError
from galleryk.coppermine.pages import FormToken
from galleryk.sandbox.demo_images import demo_catalog, render_jpeg

JPEG = render_jpeg(demo_catalog(1, seed=7)[0])


@pytest.fixture(params=["api", "web"])
def gallery(request, sandbox):
    """The sandbox gallery with the cpgAPI add-on (api) or as a stock 1.6 gallery (web)."""
    sandbox.settings.coppermine_api = request.param == "api"
    sandbox.mode = request.param
    return sandbox


@pytest.fixture
def stock(sandbox):
    sandbox.settings.coppermine_api = False
    return sandbox


def client(sandbox, user: str = "alice", **options) -> Coppermine:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureGalleryWarning)
        return sandbox_coppermine(sandbox, user, **options)


def count_posts(cpg: Coppermine, script: str) -> list[str]:
    """A list that grows by one for each POST the client sends to ``script``."""
    posts: list[str] = []

    def hook(resp, *args, **kwargs):
        if resp.request.method == "POST" and script in resp.request.url:
            posts.append(resp.request.url)

    cpg.transport.session.hooks["response"].append(hook)
    return posts


def code_of(call) -> int:
    with pytest.raises(CoppermineError) as info:
        call()
    return info.value.code


def test_upload_returns_the_new_pid_that_photos_then_list(gallery, tmp_path):
    path = tmp_path / "boat.jpg"
    path.write_bytes(JPEG)
    cpg = client(gallery)
    result = cpg.upload(path, album=5, title="Boat", description="At dawn", tags=["sea", "boat"])
    assert isinstance(result, UploadResult)
    assert result.status == "uploaded" and result.id is not None and result.service == "coppermine"
    row = cpg.photos(5).set_index("id").loc[int(result.id)]
    assert row["title"] == "Boat" and row["description"] == "At dawn" and row["filename"] == "boat.jpg"
    assert {"sea", "boat"} <= set(cpg.photo_info(int(result.id))["tags"])


def test_upload_from_bytes_and_from_a_file_object(gallery):
    cpg = client(gallery)
    a = cpg.upload(JPEG, album=5)
    b = cpg.upload(io.BytesIO(JPEG), album=5, filename="fromfile.jpg")
    names = cpg.photos(5).set_index("id")["filename"]
    assert names[int(a.id)].endswith(".jpg") and names[int(b.id)] == "fromfile.jpg"


def test_upload_reports_progress_to_the_end(gallery):
    seen = []
    client(gallery).upload(JPEG, album=5, progress=lambda sent, total: seen.append((sent, total)))
    assert seen and seen[-1][0] == seen[-1][1] and seen[-1][1] > len(JPEG)


def test_upload_by_album_title(gallery):
    result = client(gallery).upload(JPEG, album="Alice's garden", filename="rose.jpg")
    assert result.album_id == "6"


def test_uploaded_original_downloads_byte_for_byte(gallery, tmp_path):
    cpg = client(gallery)
    pid = int(cpg.upload(JPEG, album=5, filename="same.jpg").id)
    assert cpg.download(pid, tmp_path).read_bytes() == JPEG


def test_forbidden_characters_become_underscores_and_clashes_get_tilde_numbers(gallery):
    cpg = client(gallery)
    first = cpg.upload(JPEG, album=5, filename="my boat&me.jpg")
    second = cpg.upload(JPEG, album=5, filename="my boat&me.jpg")
    names = cpg.photos(5).set_index("id")["filename"]
    assert names[int(first.id)] == "my_boat_me.jpg"
    assert names[int(second.id)] == "my_boat_me~0.jpg"


def test_web_upload_into_an_album_needing_approval_is_pending(stock):
    result = client(stock).upload(JPEG, album="Members' corner", filename="club.jpg")
    assert result.status == "pending_approval" and result.id is None


def test_api_upload_into_an_album_needing_approval_still_gets_a_pid(sandbox):
    # The add-on answers a pid even for a picture held for approval; only the web pages say "pending".
    result = client(sandbox).upload(JPEG, album=3, filename="club.jpg")
    assert result.status == "uploaded" and result.id is not None
    guest = Coppermine(sandbox.coppermine_url)
    assert int(result.id) not in set(guest.photos(3)["id"])


def test_album_the_user_may_not_upload_to_is_error_19(gallery):
    assert code_of(lambda: client(gallery).upload(JPEG, album=2, filename="x.jpg")) == 19


def test_forbidden_extension_is_error_5(gallery):
    assert code_of(lambda: client(gallery).upload(JPEG, album=5, filename="x.exe")) == 5


def test_file_too_large_is_error_9(gallery):
    gallery.configure_coppermine(max_upl_size=1)
    assert code_of(lambda: client(gallery).upload(JPEG, album=5, filename="x.jpg")) == 9


def test_not_an_image_is_a_file_refusal_13_on_the_pages_and_17_from_the_add_on(gallery):
    with pytest.raises(CoppermineError) as info:
        client(gallery).upload(b"not a picture at all", album=5, filename="x.jpg")
    assert info.value.code == (17 if client(gallery).mode == "api" else 13) and info.value.reason is Reason.FILE


def test_group_that_may_not_upload_is_error_20(gallery):
    assert code_of(lambda: client(gallery, "carol").upload(JPEG, album=3, filename="x.jpg")) == 20


def test_errors_carry_the_gallery_message(gallery):
    with pytest.raises(CoppermineError) as info:
        client(gallery).upload(JPEG, album=5, filename="x.exe")
    assert "extension" in str(info.value).lower()


def test_a_missing_file_is_refused_before_anything_is_sent(gallery, tmp_path):
    with pytest.raises(FileNotFoundError):
        client(gallery).upload(tmp_path / "nope.jpg", album=5)


def test_create_album_in_web_mode_makes_an_album_in_the_personal_gallery(stock):
    cpg = client(stock)
    aid = cpg.create_album("Trip 2024")
    row = cpg.albums().set_index("id").loc[aid]
    assert row["title"] == "Trip 2024" and row["category"] == "alice" and bool(row["is_user_gallery"])
    assert cpg.upload(JPEG, album=aid, filename="t.jpg").status == "uploaded"


def test_create_album_by_a_group_that_may_not_is_error_20(stock):
    assert code_of(lambda: client(stock, "carol").create_album("Not mine", category=10004)) == 20


def test_create_album_in_api_mode_uses_the_gallerys_album_manager(sandbox):
    cpg = client(sandbox)
    assert cpg.mode == "api"
    aid = cpg.create_album("Made beside the API")
    row = cpg.albums().set_index("id").loc[aid]
    assert row["title"] == "Made beside the API" and row["category"] == "alice" and bool(row["can_upload"])
    assert cpg.upload(JPEG, album=aid, filename="t.jpg").status == "uploaded"


def test_a_stale_cached_form_token_is_refreshed(stock):
    cpg = client(stock)
    cpg.albums()  # signs in and caches a token
    cached = cpg.form_token
    cpg.keep_form_token(FormToken(cached.form_token, str(int(cached.timestamp) - 7200)))
    posts = count_posts(cpg, "uniload.php")
    assert cpg.upload(JPEG, album=5, filename="late.jpg").status == "uploaded"
    assert len(posts) == 2  # refused once for the stale token, then sent again with a fresh one


def test_an_old_cached_form_token_is_replaced_before_use(stock):
    cpg = client(stock)
    cpg.albums()
    cpg.keep_form_token(FormToken("0" * 32, "1"), age=cpg.form_token_max_age + 1)
    posts = count_posts(cpg, "uniload.php")
    assert cpg.upload(JPEG, album=5, filename="old.jpg").status == "uploaded"
    assert len(posts) == 1


def test_a_gallery_that_refuses_every_token_gives_a_clear_error(stock):
    stock.configure_coppermine(form_token_lifetime=-10)
    cpg = client(stock)
    posts = count_posts(cpg, "uniload.php")
    with pytest.raises(CoppermineError, match="form token"):
        cpg.upload(JPEG, album=5, filename="never.jpg")
    assert len(posts) == 2


def test_iso_8859_1_gallery_keeps_accented_titles(gallery):
    gallery.settings.coppermine_charset = "iso-8859-1"
    cpg = client(gallery)
    pid = int(cpg.upload(JPEG, album=5, title="Crème brûlée", filename="dessert.jpg").id)
    assert cpg.photos(5).set_index("id").loc[pid, "title"] == "Crème brûlée"
