"""The Coppermine client against the sandbox, in api and web mode: albums, photos, downloads, mode detection.

The web-mode behaviours that a real gallery shares are also in ``test_coppermine_servers.py``,
run against the real 1.6.26 gallery; these stay on the sandbox because they need the cpgAPI
add-on (no released Coppermine has it), an iso-8859-1 gallery, or the demo gallery's content.
"""

from __future__ import annotations

import warnings

import pytest

from galleryk.access import sandbox_coppermine
from galleryk.base.errors import AlbumNotFound
from galleryk.coppermine import Coppermine, InsecureGalleryWarning
from galleryk.coppermine.errors import CoppermineError


@pytest.fixture(params=["api", "web"])
def gallery(request, sandbox):
    """The sandbox gallery with the cpgAPI add-on (api) or as a stock 1.6 gallery (web)."""
    sandbox.settings.coppermine_api = request.param == "api"
    sandbox.mode = request.param
    return sandbox


def client(sandbox, user: str | None = "alice", **options) -> Coppermine:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureGalleryWarning)
        if user is None:
            return Coppermine(sandbox.coppermine_url, **options)
        return sandbox_coppermine(sandbox, user, **options)


def test_auto_mode_finds_the_protocol_the_gallery_speaks(gallery):
    cpg = client(gallery)
    assert cpg.mode == gallery.mode
    assert cpg.mode_reason


def test_albums_have_typed_columns(gallery):
    df = client(gallery).albums()
    assert list(df.columns) == [
        "id",
        "title",
        "description",
        "photos",
        "can_upload",
        "category_id",
        "category",
        "category_path",
        "is_user_gallery",
    ]
    assert str(df["id"].dtype) == "Int64" and str(df["category_id"].dtype) == "Int64"
    assert str(df["is_user_gallery"].dtype) == "boolean" and str(df["can_upload"].dtype) == "boolean"
    assert str(df["title"].dtype) == "string" and str(df["photos"].dtype) == "Int64"


def test_album_category_path_keeps_an_unescaped_ampersand(gallery):
    df = client(gallery).albums().set_index("id")
    assert df.loc[1, "title"] == "Harbour & Beach"
    assert df.loc[1, "category"] == "Europe & Asia"
    assert df.loc[1, "category_path"] == "Travel / Europe & Asia"
    assert df.loc[1, "category_id"] == 3


def test_personal_albums_are_user_galleries(gallery):
    df = client(gallery).albums().set_index("id")
    assert bool(df.loc[6, "is_user_gallery"]) and df.loc[6, "category"] == "alice"
    assert not bool(df.loc[2, "is_user_gallery"])


def test_albums_hide_what_the_user_may_not_see(gallery):
    ids = set(client(gallery).albums()["id"])
    assert 4 not in ids  # "Staff only"
    assert {1, 5, 6} <= ids


def test_web_mode_says_which_albums_take_uploads(sandbox):
    sandbox.settings.coppermine_api = False
    df = client(sandbox).albums().set_index("id")
    assert df.loc[[1, 3, 5, 6], "can_upload"].tolist() == [True, True, True, True]
    assert df.loc[2, "can_upload"] == False  # noqa: E712 - a closed public album
    assert df.loc[7, "can_upload"] == False  # noqa: E712 - Bob's album


def test_api_mode_asks_the_upload_form_which_albums_take_uploads(sandbox):
    api_mode = client(sandbox).albums().set_index("id")["can_upload"]
    sandbox.settings.coppermine_api = False
    web_mode = client(sandbox).albums().set_index("id")["can_upload"]
    both = api_mode.index.intersection(web_mode.index)  # catList shows a user no other user's gallery
    assert api_mode.notna().all() and len(both) >= 5
    assert api_mode[both].to_dict() == web_mode[both].to_dict()


def test_api_mode_says_when_it_cannot_tell_which_albums_take_uploads(sandbox):
    sandbox.faults.set("coppermine", error_500=1.0, only="upload.php")
    df = client(sandbox).albums()
    assert df["can_upload"].isna().all() and df.attrs["can_upload"].startswith("unknown")


def test_photos_of_an_album(gallery):
    df = client(gallery).photos(1)
    assert sorted(df["id"]) == [1, 2, 3, 4]  # in 1.6's default order, by file name
    assert str(df["id"].dtype) == "Int64" and str(df["title"].dtype) == "string"
    first = df.iloc[0]
    assert first["title"] == "Harbour 1" and first["description"].startswith("Taken with a")
    assert first["thumb_url"].endswith("/thumb_harbour_1.jpg")
    assert first["url"].endswith("/albums/userpics/10001/1/harbour_1.jpg")
    assert "source" in df.attrs


def test_photos_by_album_title(gallery):
    assert sorted(client(gallery).photos("Harbour & Beach")["id"]) == [1, 2, 3, 4]


def test_photos_read_every_page_of_a_long_album(gallery):
    gallery.configure_coppermine(thumbcols=3, thumbrows=1)
    df = client(gallery).photos(1)
    assert sorted(df["id"]) == [1, 2, 3, 4]


def test_photos_stop_at_the_limit(gallery):
    gallery.configure_coppermine(thumbcols=3, thumbrows=1)
    assert len(client(gallery).photos(1, limit=2)) == 2
    assert sorted(client(gallery).photos(1, limit=4)["id"]) == [1, 2, 3, 4]


def test_private_album_is_listed_for_its_owner(gallery):
    assert len(client(gallery).photos("Alice's garden")) == 1


def test_an_empty_album_is_an_empty_frame_with_the_columns(gallery):
    with gallery.store.write() as conn:
        conn.execute("INSERT INTO cpg_albums (aid, title, category, visibility, uploads) VALUES (50, 'Empty', 2, 0, 0)")
    df = client(gallery).photos(50)
    assert len(df) == 0
    assert list(df.columns[:6]) == ["id", "album_id", "title", "description", "tags", "taken"]
    assert str(df["id"].dtype) == "Int64"


def test_an_unknown_album_is_error_19(gallery):
    with pytest.raises(CoppermineError) as info:
        client(gallery).photos(999)
    assert info.value.code == 19


def test_an_unknown_album_title_names_the_albums_there_are(gallery):
    with pytest.raises(AlbumNotFound, match="Harbour & Beach"):
        client(gallery).photos("No such album")


def test_download_saves_the_stored_original(gallery, tmp_path):
    path = client(gallery).download(2, tmp_path)
    stored = gallery.coppermine_gallery.albums_dir / "userpics" / "10001" / "1" / "old_town_2.jpg"
    assert path == tmp_path / "old_town_2.jpg"
    assert path.read_bytes() == stored.read_bytes()


def test_photo_info_reads_title_keywords_and_album(gallery):
    info = client(gallery).photo_info(1)
    assert info["title"] == "Harbour 1" and info["album_id"] == 1
    assert "demo" in info["tags"]


def test_a_guest_lists_public_albums_and_photos(gallery):
    guest = client(gallery, user=None)
    ids = set(guest.albums()["id"])
    assert {1, 2, 3} <= ids and 6 not in ids
    assert sorted(guest.photos(1)["id"]) == [1, 2, 3, 4]


def test_a_guest_sees_no_picture_of_a_private_album(gallery):
    assert len(client(gallery, user=None).photos(6)) == 0  # 1.6.26 shows the album page, empty


def test_iso_8859_1_gallery_names_come_out_right(gallery):
    gallery.settings.coppermine_charset = "iso-8859-1"
    with gallery.store.write() as conn:
        conn.execute("UPDATE cpg_albums SET title = 'Café Ærø & Co' WHERE aid = 1")
    cpg = client(gallery)
    df = cpg.albums().set_index("id")
    assert df.loc[1, "title"] == "Café Ærø & Co"
    assert df.loc[1, "category_path"] == "Travel / Europe & Asia"
    assert sorted(cpg.photos("Café Ærø & Co")["id"]) == [1, 2, 3, 4]


def test_api_mode_on_a_stock_gallery_says_to_use_web_mode(sandbox):
    sandbox.settings.coppermine_api = False
    cpg = client(sandbox, mode="api")
    with pytest.raises(CoppermineError, match="mode='web'") as info:
        cpg.albums()
    assert "cpgAPI" in str(info.value)


def test_auto_mode_on_a_stock_gallery_chooses_web(sandbox):
    sandbox.settings.coppermine_api = False
    cpg = client(sandbox)
    assert cpg.mode == "web"
    assert "404" in cpg.mode_reason


def test_web_mode_is_used_when_asked_even_with_the_add_on(sandbox):
    cpg = client(sandbox, mode="web")
    assert cpg.mode == "web"
    assert cpg.albums()["can_upload"].notna().all()


def test_plain_http_warns_once():
    url = "http://gallery.example.org/cpg"  # a client makes no request until it is used
    with pytest.warns(InsecureGalleryWarning, match="plain http"):
        Coppermine(url, "alice", "pw")
    with warnings.catch_warnings():
        warnings.simplefilter("error", InsecureGalleryWarning)
        Coppermine(url, "alice", "pw")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_on_this_machine_does_not_warn(host):
    with warnings.catch_warnings():
        warnings.simplefilter("error", InsecureGalleryWarning)
        Coppermine(f"http://{host}:8080/cpg", "alice", "pw")


def test_the_session_keeps_one_user_agent(gallery):
    cpg = client(gallery)
    agents = []
    cpg.transport.session.hooks["response"].append(lambda r, *a, **k: agents.append(r.request.headers["User-Agent"]))
    cpg.albums()
    cpg.photos(6)
    assert len(agents) > 2 and len(set(agents)) == 1


def test_the_client_logs_in_once_per_session(sandbox):
    sandbox.settings.coppermine_api = False
    cpg = client(sandbox)
    posts = []
    cpg.transport.session.hooks["response"].append(
        lambda r, *a, **k: (
            posts.append(r.request.url) if "login.php" in r.request.url and r.request.method == "POST" else None
        )
    )
    cpg.albums()
    cpg.photos(6)
    cpg.photos(5)
    assert len(posts) == 1
