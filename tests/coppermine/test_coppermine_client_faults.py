"""The Coppermine client when things go wrong: rejected passwords, bans, broken servers, and secrets kept."""

from __future__ import annotations

import logging
import warnings

import pytest

from galleryk.base.errors import BadReply, TransportError
from galleryk.coppermine import Coppermine, InsecureGalleryWarning
from galleryk.coppermine.errors import CoppermineError
from galleryk.sandbox.demo_images import demo_catalog, render_jpeg

JPEG = render_jpeg(demo_catalog(1, seed=9)[0])
WRONG = "Wrong-Secret-42"


@pytest.fixture(params=["api", "web"])
def gallery(request, sandbox):
    """The sandbox gallery with the cpgAPI add-on (api) or as a stock 1.6 gallery (web)."""
    sandbox.settings.coppermine_api = request.param == "api"
    sandbox.mode = request.param
    return sandbox


def client(sandbox, user: str = "alice", password: str | None = None, **options) -> Coppermine:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureGalleryWarning)
        return Coppermine(sandbox.coppermine_url, user, password or sandbox.users[user], **options)


def password_posts(cpg: Coppermine) -> list[str]:
    """A list that grows by one for each request that carries the password (login POSTs, cpgAPI calls)."""
    sent: list[str] = []

    def hook(resp, *args, **kwargs):
        req = resp.request
        if req.method == "POST" and ("login.php" in req.url or "/api/" in req.url):
            body = req.body if isinstance(req.body, (bytes, str)) else b""
            if "/api/" not in req.url or b"galleryk.probe" not in (body if isinstance(body, bytes) else body.encode()):
                sent.append(req.url)

    cpg.transport.session.hooks["response"].append(hook)
    return sent


def failures(sandbox) -> int:
    """Failed logins counted so far (1.6 stores the threshold at the first one, then counts down)."""
    threshold = int(sandbox.coppermine_gallery.config("login_threshold"))
    with sandbox.store.read() as conn:
        row = conn.execute("SELECT brute_force FROM cpg_web_bans").fetchone()
    return 0 if row is None else threshold - row["brute_force"] + 1


def test_wrong_password_is_error_18(gallery):
    with pytest.raises(CoppermineError) as info:
        client(gallery, password=WRONG).albums()
    assert info.value.code == 18


def test_a_rejected_password_is_never_sent_again(gallery):
    cpg = client(gallery, password=WRONG)
    sent = password_posts(cpg)
    for call in (cpg.albums, lambda: cpg.photos(6), lambda: cpg.upload(JPEG, album=5, filename="x.jpg")):
        with pytest.raises(CoppermineError, match="will not send"):
            call()
    assert len(sent) == 1


def test_a_rejected_web_login_counts_once_toward_the_ban(sandbox):
    sandbox.settings.coppermine_api = False
    cpg = client(sandbox, password=WRONG)
    for _ in range(3):
        with pytest.raises(CoppermineError):
            cpg.albums()
    assert failures(sandbox) == 1


def test_a_corrected_password_may_be_given_to_login(gallery):
    cpg = client(gallery, password=WRONG)
    with pytest.raises(CoppermineError):
        cpg.login()
    cpg.login(password=gallery.users["alice"])
    assert 6 in set(cpg.albums()["id"])


def test_a_banned_address_is_told_so_without_sending_the_password(sandbox):
    sandbox.settings.coppermine_api = False
    sandbox.configure_coppermine(login_threshold=1)  # banned after the second failure
    for _ in range(2):
        with pytest.raises(CoppermineError):
            client(sandbox, password=WRONG).login()
    cpg = client(sandbox)
    sent = password_posts(cpg)
    with pytest.raises(CoppermineError, match="banned") as info:
        cpg.albums()
    assert info.value.code == 18 and sent == []


def test_php_notices_before_the_answer_are_survived(gallery):
    gallery.faults.set("coppermine", php_notice=1.0)
    cpg = client(gallery)
    assert 1 in set(cpg.albums()["id"])
    assert len(cpg.photos(1)) == 4
    assert cpg.upload(JPEG, album=5, filename="noisy.jpg").status == "uploaded"


def test_a_php_fatal_error_page_with_status_200_is_a_bad_reply(gallery):
    gallery.faults.set("coppermine", html_200=1.0, only="catList|index")
    with pytest.raises(BadReply, match="Allowed memory size"):
        client(gallery).albums()


def test_a_php_fatal_error_page_instead_of_an_album_page_is_not_an_empty_album(gallery):
    gallery.faults.set("coppermine", html_200=1.0, only="thumbnails")
    with pytest.raises(BadReply):
        client(gallery).photos(1)


def test_a_truncated_answer_is_a_transport_error_not_a_shorter_list(gallery):
    gallery.faults.set("coppermine", truncate=1.0, only="catList|index")
    with pytest.raises(TransportError, match="cut short"):
        client(gallery).albums()


def test_a_cut_connection_is_a_transport_error(gallery):
    gallery.faults.set("coppermine", cut=1.0, only="catList|index")
    with pytest.raises(TransportError):
        client(gallery).albums()


def test_a_cut_upload_reply_says_the_picture_may_have_been_stored(sandbox):
    sandbox.faults.set("coppermine", truncate=1.0, only="cpgAPI.upload")
    with pytest.raises(TransportError, match="may or may not"):
        client(sandbox).upload(JPEG, album=5, filename="cut.jpg")


def test_a_fatal_error_page_from_uniload_is_a_bad_reply(sandbox):
    sandbox.settings.coppermine_api = False
    sandbox.faults.set("coppermine", html_200=1.0, only="uniload")
    with pytest.raises(BadReply, match="may or may not"):
        client(sandbox).upload(JPEG, album=5, filename="x.jpg")


def test_a_login_answered_by_an_error_page_does_not_burn_the_password(sandbox):
    sandbox.settings.coppermine_api = False
    cpg = client(sandbox)
    sandbox.faults.set("coppermine", html_200=1.0, only="login", limit=2)  # the GET of login.php, then the POST
    with pytest.raises(BadReply):
        cpg.albums()
    sandbox.faults.clear()
    assert 6 in set(cpg.albums()["id"])
    assert failures(sandbox) == 0


def test_a_broken_first_page_of_the_login_dance_is_survived(sandbox):
    sandbox.settings.coppermine_api = False
    sandbox.faults.set("coppermine", html_200=1.0, only="login", limit=1)  # no data cookie from login.php
    assert 6 in set(client(sandbox).albums()["id"])


def test_secrets_stay_out_of_repr_errors_and_logs(gallery, caplog):
    caplog.set_level(logging.DEBUG)
    cpg = client(gallery, password=WRONG)
    texts = [repr(cpg)]
    with pytest.raises(CoppermineError) as info:
        cpg.albums()
    texts.append(str(info.value))
    gallery.faults.set("coppermine", html_200=1.0)
    good = client(gallery)
    with pytest.raises(TransportError) as info2:
        good.upload(JPEG, album=5, filename="x.jpg")
    texts += [str(info2.value), repr(good), caplog.text]
    joined = "\n".join(texts)
    assert WRONG not in joined and gallery.users["alice"] not in joined
