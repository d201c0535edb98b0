"""The Coppermine client in web mode, one suite against every server: the sandbox, the real 1.4.27, 1.5.21, 1.6.26
and 1.7.02, a live one.

Each test runs once per server of the ``cpg_server`` fixture with the same assertions; where a
release cannot hold one, the test says why next to what it expects there. Tests assert on what
they made themselves (their own uploads, a fresh album), since each real gallery is shared by the
whole session.
"""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from support.cpg_fixtures import VERSIONS

from galleryk.coppermine.errors import CoppermineBanned, CoppermineError
from galleryk.coppermine.pages import FormToken

WRONG = "Wrong-Secret-42"


def jpeg(seed: int = 1, size: tuple[int, int] = (160, 120), noise: bool = False) -> bytes:
    """A small JPEG with its own pixels (``noise`` for one that does not compress: about 3 bytes a pixel)."""
    if noise:
        im = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        im = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 13 + 60) % 256))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95)
    return out.getvalue()


def posts(cpg, script: str) -> list[str]:
    """A list that grows by one for each POST the client sends to ``script``."""
    sent: list[str] = []

    def hook(resp, *args, **kwargs):
        if resp.request.method == "POST" and script in resp.request.url:
            sent.append(resp.request.url)

    cpg.transport.session.hooks["response"].append(hook)
    return sent


def code_of(call) -> int:
    with pytest.raises(CoppermineError) as info:
        call()
    return info.value.code


# -- mode, sign-in ------------------------------------------------------------------------------
def test_auto_mode_finds_web_mode_on_a_stock_gallery(cpg_server):
    cpg = cpg_server.client(mode="auto")
    # the 1.4.27 tree carries the cpgAPI add-on in api/, which auto mode finds and prefers
    assert cpg.mode == ("api" if cpg_server.version == "1.4.27" else "web") and cpg.mode_reason


def test_signing_in_shows_the_users_own_albums(cpg_server):
    cpg = cpg_server.client()
    cpg.login()
    assert cpg_server.album("own") in set(cpg.albums()["id"])


def test_a_wrong_password_is_error_18_and_is_sent_once(cpg_server):
    cpg_server.need("a wrong password sent on purpose (it counts toward a ban of your address)")
    cpg = cpg_server.client(password=WRONG)
    sent = posts(cpg, "login.php")
    for _ in range(2):
        assert code_of(cpg.albums) == 18
    assert len(sent) == 1


def test_the_ban_is_told_without_sending_the_password(cpg_server):
    cpg_server.need("banning this machine's address")
    try:
        for _ in range(6):  # 1.6.26 bans after the sixth failure (login_threshold 5)
            with pytest.raises(CoppermineError):
                cpg_server.client(password=WRONG).login()
        cpg = cpg_server.client()
        sent = posts(cpg, "login.php")
        with pytest.raises(CoppermineBanned, match="banned") as info:
            cpg.albums()
        assert info.value.code == 18 and sent == []
    finally:
        cpg_server.clear_bans()


# -- albums ---------------------------------------------------------------------------------------
def test_albums_give_the_tree_with_categories_and_can_upload(cpg_server):
    cpg = cpg_server.client()
    if cpg_server.version == "1.4.27":
        # 1.4's upload form names the albums open to the user only once a file was sent (its placement form):
        # before that only the user's own albums are known to be open
        before = cpg.albums().set_index("id")["can_upload"]
        assert bool(before[cpg_server.album("own")]) and before.isna()[cpg_server.album("open")]
        cpg.upload(jpeg(1), album=cpg_server.album("own"), filename="first.jpg")
    df = cpg.albums().set_index("id")
    nested = df.loc[cpg_server.album("nested")]
    assert nested["title"] == "Harbour & Beach"
    assert nested["category"] == "Europe & Asia" and nested["category_path"] == "Travel / Europe & Asia"
    own = df.loc[cpg_server.album("own")]
    assert bool(own["is_user_gallery"]) and bool(own["can_upload"])
    assert own["category_id"] == cpg_server.user_category
    assert bool(df.loc[cpg_server.album("open"), "can_upload"])
    assert not bool(df.loc[cpg_server.album("closed"), "can_upload"])


def test_albums_hide_what_the_user_may_not_see(cpg_server):
    ids = set(cpg_server.client().albums()["id"])
    assert cpg_server.album("hidden") not in ids
    assert cpg_server.album("private") in ids
    assert cpg_server.album("private") not in set(cpg_server.client("other").albums()["id"])


@pytest.mark.parametrize("version", VERSIONS)
def test_albums_read_twice_by_one_client_list_every_page_of_the_users_gallery(real_servers, version):
    # 1.4's index.php shows a visitor the album page they saw last when the address names none
    server = real_servers(version)
    mine = {server.fresh_album() for _ in range(3)}
    old = server.real.config("albums_per_page")
    server.real.set_config(albums_per_page=2)
    try:
        cpg = server.client()
        first, second = set(cpg.albums()["id"]), set(cpg.albums()["id"])
    finally:
        server.real.set_config(albums_per_page=old)
    assert mine <= first and second == first


def test_a_guest_sees_public_albums_and_none_open_to_uploads(cpg_server):
    df = cpg_server.client(None).albums().set_index("id")
    assert cpg_server.album("nested") in df.index and cpg_server.album("private") not in df.index
    assert not df["can_upload"].any()


def test_an_album_title_resolves_to_its_id(cpg_server):
    cpg_server.need_uploads()
    title = "Straße & Ünïcode 'quoted'"
    aid = cpg_server.fresh_album(title)
    cpg = cpg_server.client()
    pid = int(cpg.upload(jpeg(3), album=aid, filename="t.jpg").id)
    assert pid in set(cpg.photos(aid)["id"])
    titled = cpg.albums().set_index("id").loc[aid, "title"]
    assert titled == title


# -- photos ------------------------------------------------------------------------------------------
def test_an_empty_album_is_an_empty_frame_with_the_columns(cpg_server):
    cpg_server.need_uploads()
    df = cpg_server.client().photos(cpg_server.fresh_album())
    assert len(df) == 0
    assert list(df.columns[:6]) == ["id", "album_id", "title", "description", "tags", "taken"]
    assert str(df["id"].dtype) == "Int64"


def test_an_unknown_album_is_error_19(cpg_server):
    assert code_of(lambda: cpg_server.client().photos(987654)) == 19


def test_a_guest_sees_none_of_the_pictures_of_a_private_album(cpg_server):
    cpg_server.need_uploads()
    aid = cpg_server.album("private")
    pid = int(cpg_server.client().upload(jpeg(2), album=aid, filename="secret.jpg").id)
    assert pid in set(cpg_server.client().photos(aid)["id"])
    assert pid not in set(cpg_server.client(None).photos(aid)["id"])  # 1.6.26 shows the album page, empty


def test_photos_read_every_page_of_a_long_album(cpg_server):
    cpg_server.need_uploads()
    aid = cpg_server.fresh_album()
    cpg = cpg_server.client()
    pids = [int(cpg.upload(jpeg(i), album=aid, filename=f"p{i:02d}.jpg", title=f"P {i}").id) for i in range(5)]
    with cpg_server.set_thumbs_per_page(2):
        df = cpg.photos(aid)
        assert sorted(df["id"]) == sorted(pids)
        assert len(cpg.photos(aid, limit=3)) == 3


# -- uploads ---------------------------------------------------------------------------------------
def test_an_upload_keeps_a_non_ascii_title_and_multi_word_tags(cpg_server):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    result = cpg.upload(
        jpeg(5),
        album=cpg_server.album("own"),
        title="Crème brûlée à l'aube",
        description="Dès l'aube",
        tags=["sea", "harbour walk", "galleryk-0123456789abcdef"],
        filename="dessert.jpg",
    )
    assert result.status == "uploaded" and result.id is not None
    info = cpg.photo_info(int(result.id))
    assert info["title"] == "Crème brûlée à l'aube" and info["description"] == "Dès l'aube"
    # 1.4 splits keywords on blanks (no separator setting): the words of a tag are joined by "_" there
    walk = "harbour_walk" if cpg_server.version == "1.4.27" else "harbour walk"
    assert info["tags"] == ["sea", walk, "galleryk-0123456789abcdef"]


def test_the_keyword_separator_is_read_off_the_upload_form(cpg_server):
    cpg = cpg_server.client()
    cpg.albums()
    assert cpg.keyword_separator == (" " if cpg_server.version == "1.4.27" else ";")  # 1.4 splits on blanks


def test_an_upload_into_an_album_that_needs_approval_is_pending(cpg_server):
    cpg_server.need_uploads()
    result = cpg_server.client().upload(jpeg(6), album=cpg_server.album("open"), filename="club.jpg")
    assert result.status == "pending_approval" and result.id is None


def test_the_uploaded_original_downloads_byte_for_byte(cpg_server, tmp_path):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    data = jpeg(7)
    pid = int(cpg.upload(data, album=cpg_server.album("own"), filename="same.jpg").id)
    path = cpg.download(pid, tmp_path)
    assert path.read_bytes() == data
    if cpg_server.kind != "live":
        assert cpg_server.stored_bytes(pid) == data


def test_stored_files_lie_in_the_users_folder_under_the_album(cpg_server):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    aid = cpg_server.album("own")
    pid = int(cpg.upload(jpeg(8), album=aid, filename="where.jpg").id)
    url = cpg.photos(aid).set_index("id").loc[pid, "url"]
    # 1.4 and 1.5 keep a user's files in one folder; 1.6 and later give each album a folder in it
    folder = f"{cpg_server.user_category}/" if cpg_server.below("1.6") else f"{cpg_server.user_category}/{aid}/"
    assert f"/albums/userpics/{folder}where" in url


def test_an_album_closed_to_the_user_is_error_19(cpg_server):
    cpg_server.need_uploads()
    assert (
        code_of(lambda: cpg_server.client().upload(jpeg(9), album=cpg_server.album("closed"), filename="x.jpg")) == 19
    )


def test_a_group_that_may_not_upload_is_error_20(cpg_server):
    assert (
        code_of(lambda: cpg_server.client("viewer").upload(jpeg(9), album=cpg_server.album("open"), filename="x.jpg"))
        == 20
    )


def test_a_file_over_the_size_limit_is_error_9(cpg_server):
    cpg_server.need_uploads()
    with cpg_server.set_size_limit_kb(20), pytest.raises(CoppermineError) as info:
        cpg_server.client().upload(jpeg(size=(200, 200), noise=True), album=cpg_server.album("own"), filename="big.jpg")
    assert info.value.code == 9


def test_a_non_image_is_error_13(cpg_server):
    cpg_server.need_uploads()
    assert (
        code_of(
            lambda: cpg_server.client().upload(
                b"not a picture at all" * 10, album=cpg_server.album("own"), filename="x.jpg"
            )
        )
        == 13
    )


def test_a_forbidden_extension_is_error_5(cpg_server):
    cpg_server.need_uploads()
    assert code_of(lambda: cpg_server.client().upload(jpeg(10), album=cpg_server.album("own"), filename="x.exe")) == 5


def test_the_disk_quota_is_error_22(cpg_server):
    cpg_server.need("a user whose group quota the suite may fill")
    role = cpg_server.quota_role()
    cpg = cpg_server.client(role)
    aid = cpg_server.fresh_album(owner=role)
    codes = []
    for i in range(6):  # about 350 KB each: the 1024 KB quota is met by the third or fourth
        try:
            cpg.upload(jpeg(size=(600, 480), noise=True), album=aid, filename=f"q{i}.jpg")
        except CoppermineError as exc:
            codes.append(exc.code)
    assert codes and set(codes) == {22}


# -- form tokens and sessions -------------------------------------------------------------------------
def test_a_stale_form_token_is_refreshed_and_the_upload_sent_again(cpg_server):
    cpg_server.need_uploads()
    if cpg_server.version == "1.4.27":
        pytest.skip("1.4 has no form tokens")
    cpg = cpg_server.client()
    cpg.albums()  # signs in and caches a token
    cached = cpg.form_token
    # older than 1.5's 15 minutes and 1.6's hour
    cpg.keep_form_token(FormToken(cached.form_token, str(int(cached.timestamp) - 7200)))
    sent = posts(cpg, cpg_server.upload_script)
    assert cpg.upload(jpeg(11), album=cpg_server.album("own"), filename="late.jpg").status == "uploaded"
    assert len(sent) == 2


def test_a_lost_session_signs_in_once_again_and_retries_once(cpg_server):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    cpg.albums()
    cpg_server.forget_sessions("user")
    logins, uploads = posts(cpg, "login.php"), posts(cpg, cpg_server.upload_script)
    result = cpg.upload(jpeg(12), album=cpg_server.album("own"), filename="again.jpg")
    assert result.status == "uploaded"
    assert len(logins) == 1 and len(uploads) == 1 + cpg_server.upload_posts  # refused once, then sent whole


def test_a_lost_session_while_listing_signs_in_again(cpg_server):
    cpg = cpg_server.client()
    cpg.albums()
    cpg_server.forget_sessions("user")
    logins = posts(cpg, "login.php")
    assert cpg_server.album("private") in set(cpg.albums()["id"])
    assert len(logins) == 1


def test_a_guest_page_answered_during_the_sign_in_does_not_undo_it(cpg_server):
    # Two listings at once find the session gone. One signs in; the other's guest page, answered with a fresh guest
    # session cookie, must not be stored in the middle of that sign-in, replacing the session the password went to.
    import threading

    cpg = cpg_server.client()
    cpg.albums()
    cpg_server.forget_sessions("user")
    logins = posts(cpg, "login.php")
    session = cpg.transport.session
    held_thread: list[int] = []
    first_answer, posted, held_stored = threading.Event(), threading.Event(), threading.Event()
    login_answered = threading.local()

    def hook(resp, *args, **kwargs):  # requests runs it before it stores the answer's cookies
        if resp.request.method == "POST" and "login.php" in resp.request.url:
            login_answered.pending = True
        elif not held_thread:  # the first answer after the session was lost: a guest page with a new session
            held_thread.append(threading.get_ident())
            first_answer.set()
            posted.wait(timeout=1.5)  # held until the other thread's password is posted, or for a while

    real_extract = session.cookies.extract_cookies

    def extract(response, request):
        real_extract(response, request)
        if getattr(login_answered, "pending", False):
            login_answered.pending = False
            posted.set()
            held_stored.wait(timeout=5)  # the held answer's cookie lands right after the sign-in's own
        elif held_thread and threading.get_ident() == held_thread[0]:
            held_stored.set()

    session.hooks["response"].insert(0, hook)
    session.cookies.extract_cookies = extract
    other: dict = {}
    worker = threading.Thread(target=lambda: other.setdefault("albums", cpg.albums()))
    worker.start()
    assert first_answer.wait(timeout=10)
    mine = cpg.albums()
    worker.join(timeout=30)
    assert cpg_server.album("private") in set(mine["id"]) and cpg_server.album("private") in set(other["albums"]["id"])
    assert len(logins) == 1


# -- albums made by the client -----------------------------------------------------------------------------
def test_create_album_as_a_user_makes_it_in_their_own_gallery(cpg_server):
    cpg_server.need_uploads()
    from support.cpg_servers import unique

    title = unique("Trip & Co")
    cpg = cpg_server.client()
    aid = cpg.create_album(title)
    row = cpg.albums().set_index("id").loc[aid]
    assert row["title"] == title and row["category_id"] == cpg_server.user_category and bool(row["can_upload"])
    assert cpg.upload(jpeg(13), album=title, filename="t.jpg").status == "uploaded"


def test_create_album_as_the_admin_in_a_category(cpg_server):
    from support.cpg_servers import unique

    title = unique("Club night")
    admin = cpg_server.client("admin")
    aid = admin.create_album(title, category=cpg_server.public_category)
    assert admin.albums().set_index("id").loc[aid, "category_id"] == cpg_server.public_category
    assert aid in set(cpg_server.client(None).albums()["id"])
