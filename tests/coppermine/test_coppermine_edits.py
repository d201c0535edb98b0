"""Editing, deleting and ordering pictures through a stock gallery's pages, against the sandbox and the real galleries.

Each test runs once per ``cpg_server`` (the sandbox and the real 1.4.27, 1.5.21, 1.6.26 and 1.7.02)
with the same assertions, on pictures and albums it made itself; where 1.4 does otherwise (no
keyword separator but blanks, no approval on the edit form), the common test names the servers
that have the thing and a test of 1.4's own says what 1.4 does. The page layer takes a
:class:`~galleryk.coppermine.web.WebSession`; the client exposes none publicly, so the tests make
one the way ``Coppermine.__init__`` does (the gallery's URL, a user, a password, a transport's
``send``). A lost reply is played by a ``send`` that lets the request through and then raises, as
a connection cut after the gallery acted would. The last tests run calls of their own on the real
1.4.27 (its older pages) and 1.7.02 (whose ``edit_one_pic.php`` cannot save).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import pytest
from support.cpg_fixtures import LIVE, VERSIONS, server_for
from support.cpg_servers import RealServer, SandboxServer, unique

import galleryk as gk
from galleryk.base.errors import ResponseCut
from galleryk.coppermine import edits
from galleryk.coppermine.http import Http
from galleryk.coppermine.web import WebSession

from .test_coppermine_servers import code_of, jpeg

EDITORS = ("edit_one_pic.php", "editOnePic.php")
"""The one-picture editor's page: 1.5 to 1.7 and the sandbox, then 1.4's."""


@pytest.fixture(params=["sandbox", *(v for v in VERSIONS if v != "1.4.27"), *LIVE])
def separator_server(request):
    """The servers whose keyword separator is a setting named on their forms (1.4 splits on blanks: tested below)."""
    return server_for(request)


def session(server, role: str | None = "user", send=None) -> WebSession:
    """A web session as the client makes one (``role`` None: a guest)."""
    name, password = server.role(role) if role is not None else (None, None)
    return WebSession(server.url, name, password, send or Http().send)


def client(server, role: str | None = "user") -> gk.Coppermine:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.InsecureGalleryWarning)
        return server.client(role)


def picture(server, album: int | None = None, role: str = "user", **fields) -> int:
    """A new picture of the test's own, uploaded by ``role`` into ``album`` (a fresh album of theirs by default)."""
    server.need_uploads()
    aid = album if album is not None else server.fresh_album(owner=role)
    fields.setdefault("filename", f"{unique('pic').replace(' ', '-')}.jpg")
    result = client(server, role).upload(jpeg(len(fields["filename"])), album=aid, **fields)
    return int(result.id) if result.id is not None else pending_pid(server, aid)


def pending_pid(server, aid: int) -> int:
    """The newest picture of an album, as its admin sees it (an upload awaiting approval has no pid in its reply)."""
    return int(client(server, "admin").photos(aid)["id"].max())


@contextlib.contextmanager
def setting(server, name: str, value: str) -> Iterator[None]:
    """A gallery setting changed for one test, as its admin would on ``admin.php``."""
    server.need(f"the gallery's {name} setting")
    if isinstance(server, SandboxServer):
        old = server.gallery.config(name)
        server.sandbox.configure_coppermine(**{name: value})
        try:
            yield
        finally:
            server.sandbox.configure_coppermine(**{name: old})
        return
    old = server.real.config(name)
    server.real.set_config(**{name: value})
    try:
        yield
    finally:
        server.real.set_config(**{name: old})


def losing_reply(method: str, path: str | tuple[str, ...], what: str | None = None) -> tuple:
    """A ``send`` that lets the first ``method`` request for ``path`` (any of several; with ``what=`` in its query,
    when given) reach the gallery, then loses its reply; and the list of those requests it let through."""
    inner = Http().send
    sent: list[str] = []
    paths = (path,) if isinstance(path, str) else path

    def send(verb, url, **kw):
        resp = inner(verb, url, **kw)
        mine = any(p in url for p in paths)
        if verb == method and mine and (what is None or (kw.get("params") or {}).get("what") == what):
            sent.append(verb)
            if len(sent) == 1:
                raise ResponseCut(f"{path}: the reply was lost (test)", url=url)
        return resp

    return send, sent


# -- editing ---------------------------------------------------------------------------------------
def test_editing_the_title_leaves_the_caption_and_keywords_as_they_were(cpg_server):
    pid = picture(cpg_server, title="Before", description="At dawn", tags=["sea", "harbour walk"])
    before = client(cpg_server).photo_info(pid)
    edits.edit_picture(session(cpg_server), pid, title="After")
    info = client(cpg_server).photo_info(pid)
    assert (info["title"], info["description"], info["tags"]) == ("After", "At dawn", before["tags"])


def test_keywords_are_joined_with_the_galleries_separator(separator_server):
    pid = picture(separator_server, tags=["old"])
    edits.edit_picture(session(separator_server), pid, keywords=["boats", "harbour walk", "a;b"])
    assert client(separator_server).photo_info(pid)["tags"] == ["boats", "harbour walk", "a_b"]


def test_quotes_markup_and_line_breaks_come_back_as_written(cpg_server):
    pid = picture(cpg_server)
    title, caption = 'Say "hi" <b>&amp; é', "first line\nsecond </textarea> & <u>"
    edits.edit_picture(session(cpg_server), pid, title=title, caption=caption)
    form = edits.picture_form(session(cpg_server), pid)
    assert (form.title, form.caption) == (title, caption)


def test_an_admin_edit_leaves_a_picture_awaiting_approval_waiting(cpg_server):
    cpg_server.need("an admin account")
    aid = cpg_server.fresh_album(public=True)
    pid = picture(cpg_server, aid, title="waiting")
    edits.edit_picture(session(cpg_server, "admin"), pid, title="still waiting")
    assert pid not in set(client(cpg_server, None).photos(aid)["id"])  # guests see approved pictures only


def test_an_admin_edit_form_says_a_picture_awaits_approval(separator_server):
    separator_server.need("an admin account")
    aid = separator_server.fresh_album(public=True)
    pid = picture(separator_server, aid, title="waiting")
    edits.edit_picture(session(separator_server, "admin"), pid, title="still waiting")
    assert edits.picture_form(session(separator_server, "admin"), pid).approved is False


def test_another_users_picture_is_error_20_and_stays_as_it_was(cpg_server):
    pid = picture(cpg_server, title="Mine")
    assert code_of(lambda: edits.edit_picture(session(cpg_server, "other"), pid, title="Theirs")) == edits.NOT_ALLOWED
    assert client(cpg_server).photo_info(pid)["title"] == "Mine"


def test_a_picture_that_does_not_exist_is_error_19(cpg_server):
    assert code_of(lambda: edits.edit_picture(session(cpg_server), 987654, title="x")) == edits.NOT_FOUND


def test_a_guest_is_told_to_sign_in_with_error_18(cpg_server):
    assert code_of(lambda: edits.picture_form(session(cpg_server, None), 1)) == edits.NOT_SIGNED_IN


def test_an_uploader_edits_in_a_public_album_only_when_the_admin_allows_it(cpg_server):
    aid = cpg_server.fresh_album(public=True)
    pid = picture(cpg_server, aid, title="waiting")
    with setting(cpg_server, "users_can_edit_pics", "0"):
        assert code_of(lambda: edits.edit_picture(session(cpg_server), pid, title="x")) == edits.NOT_FOUND
    with setting(cpg_server, "users_can_edit_pics", "1"):
        assert edits.edit_picture(session(cpg_server), pid, title="retitled").title == "retitled"


def test_a_lost_edit_reply_is_sent_once_more_and_stores_the_same(cpg_server):
    pid = picture(cpg_server, title="Before")
    send, sent = losing_reply("POST", EDITORS)
    assert edits.edit_picture(session(cpg_server, send=send), pid, title="After").title == "After"
    assert len(sent) == 2


def test_an_edit_is_saved_when_the_gallery_forgot_the_session_just_before(cpg_server):
    pid = picture(cpg_server, title="Before")
    inner, forgot = Http().send, []

    def send(verb, url, **kw):
        if verb == "POST" and any(page in url for page in EDITORS) and not forgot:
            forgot.append(url)
            cpg_server.forget_sessions("user")  # as an expired session would, just before the form goes out
        return inner(verb, url, **kw)

    assert (edits.edit_picture(session(cpg_server, send=send), pid, title="After").title, len(forgot)) == ("After", 1)


# -- deleting --------------------------------------------------------------------------------------
def test_a_deleted_picture_is_gone_from_its_album(cpg_server):
    aid = cpg_server.fresh_album()
    pid = picture(cpg_server, aid)
    edits.delete_picture(session(cpg_server), pid)
    assert pid not in set(client(cpg_server).photos(aid)["id"])


def test_deleting_a_picture_again_is_error_19(cpg_server):
    pid = picture(cpg_server)
    edits.delete_picture(session(cpg_server), pid)
    assert code_of(lambda: edits.delete_picture(session(cpg_server), pid)) == edits.NOT_FOUND


def test_another_user_may_not_delete_a_picture(cpg_server):
    pid = picture(cpg_server)
    assert code_of(lambda: edits.delete_picture(session(cpg_server, "other"), pid)) == edits.NOT_ALLOWED
    assert edits.exists(session(cpg_server), pid)


def test_a_lost_delete_reply_is_settled_by_looking_and_not_sent_again(cpg_server):
    pid = picture(cpg_server)
    send, sent = losing_reply("GET", "delete.php", what="picture")
    edits.delete_picture(session(cpg_server, send=send), pid)
    assert (len(sent), edits.exists(session(cpg_server), pid)) == (1, False)


# -- ordering --------------------------------------------------------------------------------------
def album_of_four(server) -> tuple[int, list[int]]:
    """A fresh album with four pictures whose file names sort c, a, d, b in upload order."""
    aid = server.fresh_album()
    return aid, [picture(server, aid, filename=name) for name in ("c.jpg", "a.jpg", "d.jpg", "b.jpg")]


def test_the_picture_manager_keeps_the_order_asked_for_then_the_rest(cpg_server):
    aid, (c, a, d, b) = album_of_four(cpg_server)
    edits.order_album(session(cpg_server), aid, [d, c])
    assert edits.album_order(session(cpg_server), aid) == [d, c, a, b]


def test_by_default_the_album_pages_keep_sorting_by_file_name(cpg_server):
    aid, (c, a, d, b) = album_of_four(cpg_server)
    with setting(cpg_server, "default_sort_order", "na"):
        result = edits.order_album(session(cpg_server), aid, [d, c, b, a])
        assert (result.shown, list(client(cpg_server).photos(aid)["id"])) == (False, [a, b, c, d])


def test_an_order_that_is_the_reverse_of_the_file_names_is_kept_as_asked(cpg_server):
    aid, (c, a, d, b) = album_of_four(cpg_server)
    with setting(cpg_server, "default_sort_order", "na"):
        result = edits.order_album(session(cpg_server), aid, [d, c, b, a])
    assert (result.shown, edits.album_order(session(cpg_server), aid)) == (False, [d, c, b, a])


def test_a_gallery_sorting_by_position_shows_the_order(cpg_server):
    aid, (c, a, d, b) = album_of_four(cpg_server)
    with setting(cpg_server, "default_sort_order", "pa"):
        result = edits.order_album(session(cpg_server), aid, [d, c, b, a])
        assert (result.shown, list(client(cpg_server).photos(aid)["id"])) == (True, [d, c, b, a])


def test_a_gallery_sorting_by_position_descending_shows_the_order_too(cpg_server):
    aid, (c, a, d, b) = album_of_four(cpg_server)
    with setting(cpg_server, "default_sort_order", "pd"):
        result = edits.order_album(session(cpg_server), aid, [d, c, b, a])
        assert (result.shown, list(client(cpg_server).photos(aid)["id"])) == (True, [d, c, b, a])


def test_an_album_of_another_user_is_not_ordered(cpg_server):
    aid, pids = album_of_four(cpg_server)
    before = edits.album_order(session(cpg_server), aid)
    assert code_of(lambda: edits.order_album(session(cpg_server, "other"), aid, pids[::-1])) == edits.NOT_FOUND
    assert edits.album_order(session(cpg_server), aid) == before


def test_a_picture_of_another_album_is_error_19(cpg_server):
    aid, _ = album_of_four(cpg_server)
    stranger = picture(cpg_server)
    assert code_of(lambda: edits.order_album(session(cpg_server), aid, [stranger])) == edits.NOT_FOUND


# -- 1.7.02 ---------------------------------------------------------------------------------------------
@pytest.fixture
def gallery_17(real_servers) -> RealServer:
    """The session's real 1.7.02 gallery, seeded as the 1.6.26 one is, for this module's last tests."""
    return real_servers("1.7.02")


def test_on_1_7_an_edit_is_saved_through_the_album_editor(gallery_17):
    pid = picture(gallery_17, title="Before", description="At dawn")
    edits.edit_picture(session(gallery_17), pid, title="After", keywords=["sea"])
    info = client(gallery_17).photo_info(pid)
    assert (info["title"], info["description"], info["tags"]) == ("After", "At dawn", ["sea"])


def test_on_1_7_an_admin_edit_keeps_the_picture_approved(gallery_17):
    pid = picture(gallery_17)
    edits.edit_picture(session(gallery_17, "admin"), pid, title="by the admin")
    assert edits.picture_form(session(gallery_17, "admin"), pid).approved is True


def test_on_1_7_a_deleted_picture_is_gone(gallery_17):
    pid = picture(gallery_17)
    edits.delete_picture(session(gallery_17), pid)
    assert not edits.exists(session(gallery_17), pid)


def test_on_1_7_a_gallery_sorting_by_position_shows_the_order(gallery_17):
    aid, (c, a, d, b) = album_of_four(gallery_17)
    with setting(gallery_17, "default_sort_order", "pa"):
        assert edits.order_album(session(gallery_17), aid, [b, d, c, a]).shown


def test_on_1_7_another_users_edit_is_error_20(gallery_17):
    pid = picture(gallery_17, title="Mine")
    assert code_of(lambda: edits.edit_picture(session(gallery_17, "other"), pid, title="Theirs")) == edits.NOT_ALLOWED
    assert client(gallery_17).photo_info(pid)["title"] == "Mine"


# -- 1.4.27 ---------------------------------------------------------------------------------------------
@pytest.fixture
def gallery_14(real_servers) -> RealServer:
    """The session's real 1.4.27 gallery (editOnePic.php, no tokens, keywords split on blanks, position links)."""
    return real_servers("1.4.27")


def test_on_1_4_a_tag_of_two_words_is_kept_as_one_keyword_joined_by_an_underscore(gallery_14):
    pid = picture(gallery_14, tags=["old"])
    form = edits.edit_picture(session(gallery_14), pid, keywords=["boats", "harbour walk", "a;b"])
    assert (list(form.keywords), client(gallery_14).photo_info(pid)["tags"]) == (["boats", "harbour_walk", "a;b"],) * 2


def test_on_1_4_the_missing_edit_one_pic_php_is_asked_once_per_session(gallery_14):
    first, second = picture(gallery_14), picture(gallery_14)
    before = gallery_14.served("edit_one_pic.php")
    web = session(gallery_14)
    edits.edit_picture(web, first, title="one")
    edits.edit_picture(web, second, title="two")
    assert (gallery_14.served("edit_one_pic.php") - before, web.dialect.editor) == (1, "editOnePic.php")


def test_on_1_4_an_admin_edit_form_does_not_say_whether_a_picture_is_approved(gallery_14):
    aid = gallery_14.fresh_album(public=True)
    pid = picture(gallery_14, aid, title="waiting")
    assert edits.edit_picture(session(gallery_14, "admin"), pid, title="still waiting").approved is None


def test_on_1_4_an_admin_asking_for_a_picture_that_does_not_exist_is_error_19(gallery_14):
    assert code_of(lambda: edits.edit_picture(session(gallery_14, "admin"), 987654, title="x")) == edits.NOT_FOUND


def test_on_1_4_an_album_holding_two_files_of_one_name_shows_the_order_in_a_gallery_sorting_backwards(gallery_14):
    aid = gallery_14.fresh_album()
    mine = [picture(gallery_14, aid, filename=name) for name in ("same.jpg", "b.jpg")]
    theirs = picture(gallery_14, role="other", filename="same.jpg")
    gallery_14.real.sql(f"UPDATE cpg_pictures SET aid = {aid} WHERE pid = {theirs}")  # as the admin's move would
    wanted = [mine[1], theirs, mine[0]]
    with setting(gallery_14, "default_sort_order", "pd"):  # seen backwards, each picture must be known to turn it
        result = edits.order_album(session(gallery_14), aid, wanted)
        assert (result.shown, list(client(gallery_14).photos(aid)["id"])) == (True, wanted)
