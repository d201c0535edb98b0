"""The Coppermine client's listings when one page fails, its limits, and how it tells sign-in trouble apart.

The sandbox's fault injector breaks one page on purpose (``limit=``) or all of them; pages
read are counted on the server's side (its request counter). A small server of the test's own
plays a gallery whose sign-in redirects elsewhere.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator

import pytest
from support.hostile import Recorder, elapsed
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from galleryk.base.errors import BadReply, RedirectRefused, ReplyTooLarge, RequestTimeout
from galleryk.cli.errors import Context, explain
from galleryk.coppermine import Coppermine, InsecureGalleryWarning
from galleryk.coppermine.errors import CoppermineBanned, CoppermineError

WRONG = "Wrong-Secret-42"


def client(sandbox, user: str | None = "alice", password: str | None = None, **options) -> Coppermine:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureGalleryWarning)
        if user is None:
            return Coppermine(sandbox.coppermine_url, **options)
        return Coppermine(sandbox.coppermine_url, user, password or sandbox.users[user], **options)


@pytest.fixture
def stock(sandbox):
    sandbox.settings.coppermine_api = False
    return sandbox


def pages_read(sandbox) -> int:
    return sandbox.faults.requests("coppermine").get("thumbnails.php", 0)


LISTINGS = {"photos": lambda cpg: cpg.photos(1), "recent_photos": lambda cpg: cpg.recent_photos(1)}


# -- one bad page ---------------------------------------------------------------------------------
@pytest.mark.parametrize("listing", sorted(LISTINGS))
@pytest.mark.parametrize("fault", ["html_200", "truncate", "cut"])
def test_one_bad_page_is_read_again_and_the_listing_is_whole(stock, fault, listing):
    cpg = client(stock)
    cpg.login()
    stock.faults.set("coppermine", **{fault: 1.0}, only="thumbnails", limit=1)
    stock.faults.reset_requests("coppermine")
    assert sorted(LISTINGS[listing](cpg)["id"]) == [1, 2, 3, 4]
    assert pages_read(stock) == 2


def test_a_5xx_that_outlasts_the_transports_own_retries_is_read_again(stock):
    cpg = client(stock)
    cpg.login()
    stock.faults.set("coppermine", error_500=1.0, only="thumbnails", limit=4)  # urllib3 tries a GET 4 times itself
    stock.faults.reset_requests("coppermine")
    assert len(cpg.photos(1)) == 4
    assert pages_read(stock) == 5


def test_a_page_that_keeps_failing_fails_the_listing_after_three_reads(stock):
    cpg = client(stock)
    cpg.login()
    stock.faults.set("coppermine", html_200=1.0, only="thumbnails")
    stock.faults.reset_requests("coppermine")
    with pytest.raises(BadReply, match="not one of its own"):
        cpg.photos(1)
    assert pages_read(stock) == 3


def test_a_page_over_the_reply_cap_is_not_read_again(stock):
    cpg = client(stock, max_reply=256 * 1024)
    cpg.login()
    stock.faults.set("coppermine", endless=1.0, only="thumbnails")
    stock.faults.reset_requests("coppermine")
    with pytest.raises(ReplyTooLarge):
        cpg.photos(1)
    assert pages_read(stock) == 1


@pytest.fixture
def other_host() -> Iterator[Recorder]:
    recorder = Recorder(b"<html><body>elsewhere</body></html>", "text/html")
    try:
        yield recorder
    finally:
        recorder.stop()


def test_a_page_redirected_to_another_host_is_neither_followed_nor_read_again(stock, other_host):
    cpg = client(stock)
    cpg.login()
    elsewhere = other_host.url.replace("127.0.0.1", "localhost")  # the same machine, another origin
    stock.faults.set("coppermine", redirect_307=1.0, redirect_to=elsewhere, only="thumbnails")
    stock.faults.reset_requests("coppermine")
    with pytest.raises(RedirectRefused, match="another host"):
        cpg.photos(1)
    assert pages_read(stock) == 1 and other_host.seen == []


# -- limits ---------------------------------------------------------------------------------------
def test_the_deadline_bounds_a_page_that_drips(stock):
    cpg = client(stock, deadline=1.0)
    cpg.login()
    stock.faults.set("coppermine", drip=1.0, drip_seconds=0.2, only="thumbnails")
    took, exc = elapsed(lambda: cpg.photos(1))
    assert isinstance(exc, RequestTimeout) and took < 20


# -- signing in -------------------------------------------------------------------------------------
def test_in_api_mode_a_successful_login_signs_in(sandbox):
    cpg = client(sandbox, mode="api")
    assert not cpg.signed_in
    cpg.login()
    assert cpg.signed_in and cpg.mode == "api"
    wrong = client(sandbox, password=WRONG, mode="api")
    with pytest.raises(CoppermineError):
        wrong.login()
    assert not wrong.signed_in


def test_switching_accounts_keeps_the_rejected_passwords_rejected(stock):
    cpg = client(stock, None)
    cpg.use_account("alice", WRONG)
    with pytest.raises(CoppermineError) as first:
        cpg.login()
    cpg.use_account("alice", WRONG)
    with pytest.raises(CoppermineError, match="will not send") as again:
        cpg.login()
    assert first.value.code == again.value.code == 18
    with stock.store.read() as conn:  # one failed login counted by the gallery, not two
        assert conn.execute("SELECT brute_force FROM cpg_web_bans").fetchone()[0] == 5
    cpg.use_account("alice", stock.users["alice"])
    cpg.login()
    assert cpg.signed_in and 6 in set(cpg.albums()["id"])


def test_a_ban_is_its_own_error_and_the_command_line_says_to_wait(stock):
    stock.configure_coppermine(login_threshold=1)  # banned after the second failure
    for _ in range(2):
        with pytest.raises(CoppermineError):
            client(stock, password=WRONG).login()
    with pytest.raises(CoppermineBanned) as info:
        client(stock).albums()
    assert info.value.code == 18 and info.value.minutes == 10 and "sign in again" in str(info.value)
    line, status = explain(info.value, Context("albums", "coppermine"))
    assert "banned" in line and "10 minutes" in line and "wait" in line and "wrong password" not in line
    assert status == 2


class _RedirectingGallery:
    """A gallery whose pages show a guest and a login form, and whose login POST answers ``status`` to ``target``."""

    PAGE = (
        b'<html><body><a href="login.php?referer=index.php">Login</a>'
        b'<form name="loginbox" method="post" action="login.php?referer=index.php">'
        b'<input name="username" /><input type="password" name="password" /></form></body></html>'
    )

    def __init__(self, status: int, target: str) -> None:
        self.status, self.target = status, target
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def _app(self, environ, start_response):
        request = Request(environ)
        if request.method == "POST" and request.path == "/login.php":
            resp = Response("", status=self.status, headers={"Location": self.target + "/login.php"})
        else:
            resp = Response(self.PAGE, content_type="text/html; charset=utf-8")
        return resp(environ, start_response)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.mark.parametrize("status", [302, 307, 308])
def test_a_sign_in_redirected_to_another_host_says_so_and_sends_nothing_there(other_host, status):
    gallery = _RedirectingGallery(status, other_host.url.replace("127.0.0.1", "localhost"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureGalleryWarning)
            cpg = Coppermine(gallery.url, "alice", "Secret-Password-1", mode="web")
        with pytest.raises(RedirectRefused) as info:
            cpg.login()
    finally:
        gallery.stop()
    message = str(info.value)
    assert "redirected the sign-in to another host" in message and "password was not sent there" in message
    assert "still show a guest" not in message and other_host.seen == []
