"""A signed-in session on a stock Coppermine gallery (1.4 to 1.7), driven through its ordinary web pages.

What lives here: the login dance (two GETs so the session cookie exists, then the POST,
then a check that the pages really show a signed-in user), the never-retry-a-rejected-password
rule (each failure counts toward an IP ban), form tokens (cached, refreshed when stale or
rejected), the upload (through whichever form the gallery serves: :mod:`.uploads`) and album
creation through the album manager. Each reply is judged by its structure first (a login form
again means "refused"; a redirect, 1.4's refreshing welcome page or a logout link means
"accepted"; a message page without a form is a ban or something galleryk does not know), its
words only where nothing else tells (:mod:`.texts`). What differs between versions is learned
from the gallery's own pages (:mod:`.dialect`). Every page is read through :mod:`.pages`; every
request through the client's transport.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import lxml.html
import requests

from ..base.errors import BadReply, HttpStatusError, Reason, RedirectRefused, mask_secrets
from ..transport.redirects import same_origin
from . import dialect, pages, uploads
from .errors import Code, CoppermineBanned, CoppermineError
from .gate import SignInGate
from .uploads import code_for

Send = Callable[..., requests.Response]
"""``send(method, url, **requests_kwargs) -> Response``: the client's transport."""

TOKEN_MAX_AGE = 10 * 60.0
"""Seconds a cached form token is used before fetching a fresh one (1.5 keeps them 15 minutes, 1.6 and 1.7 an hour)."""
MAX_REDIRECTS = 10
"""Redirects a page may go through, all within the gallery's origin."""
_REDIRECTS = (301, 302, 303, 307, 308)
DEFAULT_LANGUAGE = "english"
"""The language galleryk asks a gallery to speak on its first page (``lang=english``); the gallery may not."""

_TOKEN_TROUBLE = re.compile(r"form.?token|timestamp|token.*(invalid|expired|stale)|(invalid|expired).*token", re.I)


def _digest(username: str, password: str) -> str:
    return hashlib.sha256(f"{username}\0{password}".encode()).hexdigest()


def banned(where: str, message: str) -> CoppermineBanned:
    """The error for a page that says this address is banned (``where``: what was asked, for the message)."""
    minutes = CoppermineBanned.DEFAULT_MINUTES
    return CoppermineBanned(
        f"{where}: the gallery refuses this address: {message} (after failed logins; by default a ban lasts "
        f"{minutes} minutes from the last one). Wait, then sign in again with the right password",
        minutes=minutes,
    )


class WebSession:
    """One user's session on the stock pages; thread-safe, logs in once, on first use.

    ``rejected``: the client's memory of the passwords the gallery rejected (digests of user and
    password), shared with the sessions that follow this one, so no rejected password is sent again.
    """

    def __init__(
        self,
        base_url: str,
        username: str | None,
        password: str | None,
        send: Send,
        rejected: set[str] | None = None,
        *,
        language: str | None = DEFAULT_LANGUAGE,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.language = language
        """The language asked for on the first page (None: whatever the gallery speaks)."""
        self._asked = language is None
        self.dialect = dialect.Dialect()
        """What this gallery's pages have shown of its version's ways (upload form, tokens, separator)."""
        self.username = username or None
        self._password = password or ""
        self._raw_send = send
        self._gate = SignInGate()
        self._lock = threading.RLock()
        self._logged_in = False
        self._rejected: set[str] = rejected if rejected is not None else set()
        self._token: pages.FormToken | None = None
        self._token_at = 0.0
        self.token_max_age = TOKEN_MAX_AGE
        self._personal: int | None = None
        self._signins = 0

    def __repr__(self) -> str:
        who = self.username or "guest"
        return f"<WebSession {self.base_url} as {who} {'signed in' if self._logged_in else 'not signed in'}>"

    # -- rejected passwords (shared with the cpgAPI side of the client) -----------------------
    @property
    def rejected(self) -> bool:
        """Whether the gallery has rejected the current password (it is then never sent again)."""
        return self.username is not None and _digest(self.username, self._password) in self._rejected

    def set_password(self, password: str) -> None:
        """Use a corrected password from now on (a rejected one stays rejected)."""
        with self._lock:
            self._password = password or ""

    def mark_rejected(self) -> None:
        """Remember that the gallery rejected the current password (by either protocol)."""
        if self.username is not None:
            self._rejected.add(_digest(self.username, self._password))

    # -- plumbing ----------------------------------------------------------------------
    def _send(self, method: str, url: str, **kw: Any) -> requests.Response:
        with self._gate.request():
            return self._raw_send(method, url, **kw)

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    @property
    def keyword_separator(self) -> str | None:
        """The gallery's keyword separator, once a form has named it (1.4: a blank, always)."""
        return self.dialect.separator

    def get(
        self, path: str, params: dict | None = None, *, allow_redirects: bool = True, **kw: Any
    ) -> requests.Response:
        """GET a page; redirects are followed within the gallery's origin only (an http to https upgrade included).

        The session's first page asks for :attr:`language` (1.4 to 1.6 keep it in a cookie for every page
        after; 1.7 speaks English unless a page's own URL asks otherwise).
        """
        if not self._asked:
            self._asked = True
            params = {**(params or {}), "lang": self.language}
        resp = self._send("GET", self.url(path), params=params, allow_redirects=False, **kw)
        hops = 0
        while allow_redirects and resp.status_code in _REDIRECTS and resp.headers.get("Location"):
            target = urljoin(resp.url or self.base_url, resp.headers["Location"])
            if not same_origin(self.base_url, target):
                raise RedirectRefused(
                    f"{_strip_query(mask_secrets(resp.url or path))}: the gallery redirected this page to another "
                    f"host ({_strip_query(mask_secrets(target))}); galleryk follows redirects within the gallery's "
                    "own address only. If the gallery has moved, use its new address",
                    url=resp.url,
                    status=resp.status_code,
                    location=target,
                )
            hops += 1
            if hops > MAX_REDIRECTS:
                raise BadReply(
                    f"{_strip_query(mask_secrets(resp.url or path))}: more than {MAX_REDIRECTS} redirects",
                    url=resp.url,
                    status=resp.status_code,
                )
            resp = self._send("GET", target, allow_redirects=False, **kw)
        return resp

    def post(self, path: str, **kw: Any) -> requests.Response:
        """POST a form once: never repeated by the transport, never redirected (the caller reads the reply)."""
        return self._send("POST", self.url(path), allow_redirects=False, retry=False, **kw)

    @staticmethod
    def html(resp: requests.Response) -> str:
        """A reply's body as text, in the charset the gallery declares."""
        return html(resp)

    @staticmethod
    def body_text(resp: requests.Response) -> str:
        """What a reply says, for an error message (its messages, or its text)."""
        return _body_text(resp)

    @staticmethod
    def banned(where: str, message: str) -> CoppermineBanned:
        """The error for a page that says this address is banned."""
        return banned(where, message)

    def page(self, path: str, params: dict | None = None) -> requests.Response:
        """GET a page as the signed-in user (logging in first); a page that shows a guest is re-fetched after login."""
        self.ensure_login()
        signed = self._signins
        resp = self.get(path, params)
        if self.username and resp.status_code == 200 and _looks_like_guest(resp):
            with self._lock:
                if self._signins == signed:  # no other thread has signed in again meanwhile
                    self._logged_in = False
                    self._token = None
                self.ensure_login()
            resp = self.get(path, params)
        return resp

    # -- login -------------------------------------------------------------------------
    @property
    def logged_in(self) -> bool:
        return self._logged_in

    def ensure_login(self) -> None:
        """Log in once per session when there are credentials; guests need nothing."""
        if self.username is None or self._logged_in:
            return
        self.login()

    def login(self, password: str | None = None) -> None:
        """Sign in; a password the gallery rejected once is never sent again by this session."""
        with self._lock:
            if self.username is None:
                return
            if password is not None:
                self._password = password
            key = _digest(self.username, self._password)
            if key in self._rejected:
                raise CoppermineError(
                    Code.AUTHENTICATION,
                    f"the gallery {self.base_url} already rejected this password for {self.username!r}; galleryk will not "
                    "send it again (each failed login counts toward a ban of your address). Sign in again with the "
                    "right password (in Python: login(password=...), or a new client)",
                )
            with self._gate.signing_in():
                self._sign_in(key)

    def _sign_in(self, key: str) -> None:
        """The login dance (under the gate: no other request is answered meanwhile).

        The reply to the password is judged by its structure: a redirect (1.5 to 1.7) or a page that
        refreshes itself onward without the login form (1.4's "Welcome") is "accepted", and the index
        page must then show the user signed in; the login form again is "refused" (never sent again);
        a page that is only a message is a ban (by its words) or a reply galleryk does not know, and
        then too the password is not sent again by this client.
        """
        for attempt in (0, 1):
            # 1) login.php sets the <prefix>_data cookie; 2) a second page creates the session cookie.
            form = self.get("login.php")
            first = self.get("index.php")
            first_text = html(first)
            if first.status_code == 200 and pages.is_logged_in(first_text):
                self._signed_in(first)
                return
            form_text = html(form)
            ban = pages.ban_message(form_text) or pages.ban_message(first_text)
            if ban:  # the gallery refuses this address: sending the password would only prolong the ban
                raise banned(f"login to {self.base_url}", ban)
            if form.status_code == 200 and pages.is_gallery_page(form_text) and not pages.login_form(form_text):
                raise CoppermineError(
                    Code.NONE,
                    f"login to {self.base_url}: the gallery's login page shows no login form, so galleryk did not "
                    f"send the password: {pages.error_text(form_text)}",
                    reason=Reason.UNRECOGNISED,
                )
            resp = self._send(
                "POST",
                self.url("login.php"),
                params={"referer": "index.php"},
                data={"username": self.username, "password": self._password, "submitted": "1"},
                allow_redirects=False,
                retry=False,
            )
            text = html(resp)
            if resp.status_code in _REDIRECTS:
                self._check_login_redirect(resp)
                landing = self.get(resp.headers.get("Location") or "index.php")
            elif resp.status_code == 200 and pages.is_logged_in(text):
                self._signed_in(resp)
                return
            elif resp.status_code == 200 and pages.meta_refresh(text) and not pages.login_form(text):
                landing = self.get("index.php")  # 1.4's "Welcome <user>" page, which refreshes on to the index
            else:
                break
            if not pages.is_logged_in(html(landing)):
                landing = self.get("index.php")
            if pages.is_logged_in(html(landing)):
                self._signed_in(landing)
                return
            if not pages.is_gallery_page(html(landing)):
                said = pages.error_text(html(landing))
                raise BadReply(
                    f"login to {self.base_url}: after the login the gallery answered a page that is "
                    f"not one of its own: {said}",
                    url=self.url("index.php"),
                    status=landing.status_code,
                    junk=said,
                )
            # The password was accepted, but the session cookie did not exist yet when it was posted
            # (a page of the dance failed): once more, which cannot count toward a ban.
            if attempt == 1:
                raise CoppermineError(
                    Code.AUTHENTICATION,
                    f"the gallery {self.base_url} accepted the login of {self.username!r} but its pages still show a "
                    "guest: the session cookie was not kept (it depends on the User-Agent and the site URL; use the "
                    "gallery's canonical URL and do not change the User-Agent during a session)",
                )
        failure = pages.login_failure(text) if resp.status_code == 200 else None
        if failure is not None:
            self._rejected.add(key)
            raise CoppermineError(
                Code.AUTHENTICATION,
                f"login to {self.base_url} as {self.username!r} failed: {failure.rstrip('.')}. galleryk will not send "
                "this password again (each failure counts toward a ban of your address): sign in again with the right "
                "password (in Python: login(password=...))",
            )
        if resp.status_code != 200 or not pages.is_gallery_page(text):
            # Not the login form's answer (a PHP error page, a 5xx): the password was not judged.
            raise BadReply(
                f"login to {self.base_url}: the gallery answered HTTP {resp.status_code} with "
                f"{'a page that is not its login form' if resp.status_code < 400 else 'an error'}: "
                f"{pages.error_text(text)}",
                url=self.url("login.php"),
                status=resp.status_code,
                junk=pages.error_text(text),
            )
        ban = pages.ban_message(text)
        if ban is not None:
            raise banned(f"login to {self.base_url} as {self.username!r}", ban)
        # A page that is only a message: not the login form, not a welcome. Whatever it says, the password
        # may have counted toward a ban: it is not sent again by this client.
        self._rejected.add(key)
        raise CoppermineError(
            Code.AUTHENTICATION,
            f"login to {self.base_url} as {self.username!r}: galleryk does not recognise the gallery's reply, and "
            f"will not send this password again: {pages.error_text(text)}",
            reason=Reason.UNRECOGNISED,
        )

    def _check_login_redirect(self, resp: requests.Response) -> None:
        """Refuse a sign-in answered by a redirect elsewhere, or by a 307/308 (which asks for the form again)."""
        location = urljoin(resp.url or self.url("login.php"), resp.headers.get("Location") or "index.php")
        where = _strip_query(mask_secrets(location))
        if not same_origin(self.base_url, location):
            raise RedirectRefused(
                f"login to {self.base_url}: the gallery redirected the sign-in to another host ({where}, HTTP "
                f"{resp.status_code}); galleryk did not follow it, and your password was not sent there. Use the "
                "gallery's own address",
                url=self.url("login.php"),
                status=resp.status_code,
                location=location,
            )
        if resp.status_code in (307, 308):
            raise RedirectRefused(
                f"login to {self.base_url}: the gallery answered the sign-in with HTTP {resp.status_code}, asking for "
                f"it to be sent again to {where}; galleryk does not send a password twice. If that is the gallery's "
                "address (https, say), use it as the gallery's URL",
                url=self.url("login.php"),
                status=resp.status_code,
                location=location,
            )

    def _signed_in(self, resp: requests.Response) -> None:
        self._logged_in = True
        self._signins += 1
        token = pages.form_token(html(resp))
        if token is not None:
            self._set_token(token)

    # -- form tokens -------------------------------------------------------------------
    def _set_token(self, token: pages.FormToken) -> None:
        self._token = token
        self._token_at = time.monotonic()

    @property
    def cached_token(self) -> pages.FormToken | None:
        """The form token this session holds now, if any."""
        return self._token

    def keep_token(self, token: pages.FormToken, *, age: float = 0.0) -> None:
        """Hold ``token`` as if it had been read ``age`` seconds ago."""
        with self._lock:
            self._token = token
            self._token_at = time.monotonic() - age

    @property
    def uses_tokens(self) -> bool:
        """Whether the gallery's forms carry form tokens (1.5 and later); False once it has shown it has none (1.4)."""
        return self.dialect.tokens is not False

    def form_token(self, *, fresh: bool = False) -> pages.FormToken:
        """A form token for this user: the cached one while young, else one from ``upload.php?single`` or a page."""
        self.ensure_login()
        with self._lock:
            if not fresh and self._token is not None and time.monotonic() - self._token_at < self.token_max_age:
                return self._token
            said = ""
            for path in ("upload.php?single", "index.php"):
                resp = self.page(path)
                text = html(resp)
                self.dialect.learn(text)
                token = pages.form_token(text)
                if token is not None:
                    self._read_form(text)
                    return token
                said = said or " | ".join(pages.messages(text))
                if pages.is_logged_in(text) and self.dialect.tokens is None:
                    self.dialect.tokens = False  # signed in, and the logout link carries no token: 1.4
            who = repr(self.username) if self.username else "a guest"
            if not self.uses_tokens:
                raise CoppermineError(
                    Code.NONE, f"the gallery {self.base_url} has no form tokens (Coppermine 1.4): none is needed"
                )
            raise CoppermineError(
                code_for(said) or Code.PERMISSION,
                f"the gallery {self.base_url} offers no form to {who}"
                + (f": {said}" if said else " (not signed in, or the theme hides the logout link and the upload form)"),
            )

    def _token_if_any(self, *, fresh: bool = False) -> pages.FormToken | None:
        """A form token, or None on a gallery whose pages carry none (1.4)."""
        if not self.uses_tokens:
            return None
        try:
            return self.form_token(fresh=fresh)
        except CoppermineError:
            if not self.uses_tokens:  # the pages have just shown that there are none
                return None
            raise

    def upload_albums(self) -> list[pages.UploadAlbum] | None:
        """Albums the upload form offers this user (None: no upload form, e.g. the group may not upload).

        1.4's form names the albums only once a file has been sent: there it gives the albums its last
        placement form offered, or None before any (see :attr:`dialect`).
        """
        resp = self.page("upload.php?single")
        if resp.status_code >= 500:
            raise HttpStatusError(f"upload.php?single: HTTP {resp.status_code}", url=resp.url, status=resp.status_code)
        text = html(resp)
        self._read_form(text)
        ban = pages.ban_message(text)
        if ban:
            raise banned("upload.php?single", ban)
        if resp.status_code != 200:
            return None
        if self.dialect.legacy_upload:
            return self.dialect.placement
        return pages.upload_albums(text)

    def upload_form_offered(self) -> bool:
        """Whether the gallery offers this user an upload form at all (read on ``upload.php?single``)."""
        if self.dialect.upload is None:
            self.upload_albums()
        return self.dialect.upload is not None

    def _read_form(self, text: str) -> None:
        """Keep what an upload form tells: its form token, its upload form, the gallery's keyword separator."""
        self.dialect.learn(text)
        token = pages.form_token(text)
        if token is not None and self.username:
            with self._lock:
                self._set_token(token)

    def personal_category(self) -> int | None:
        """The signed-in user's own category (10000 + user id), from the "My gallery" link, else the user id that the
        profile page links (1.5 and later); None for a guest."""
        if self.username is None:
            return None
        if self._personal is None:
            self._personal = pages.personal_category(html(self.page("index.php")), self.username)
        if self._personal is None:
            uid = pages.profile_uid(html(self.page("profile.php", {"op": "edit_profile"})))
            self._personal = None if uid is None else 10000 + uid
        return self._personal

    # -- a session that the gallery forgot ------------------------------------------------
    def session_lost(self) -> bool:
        """After a refusal that may mean it: whether our session is gone (the index page shows a guest).

        If so, sign in again (once) so the caller can retry once; a password refused now is
        refused for good, as always.
        """
        if self.username is None or not self._logged_in:
            return False
        page = self.get("index.php")
        if page.status_code != 200 or pages.is_logged_in(html(page)) or not _looks_like_guest(page):
            return False
        with self._lock:
            self._logged_in = False
            self._token = None
            self.ensure_login()
        return True

    # -- changes -----------------------------------------------------------------------
    def upload(
        self,
        make_body: uploads.MakeBody,
        album: int,
        *,
        title: str,
        caption: str,
        keywords: str,
        filename: str,
        find: Callable[[str], int | None],
    ) -> tuple[int | None, str]:
        """Send one picture through the upload form the gallery serves (:mod:`.uploads`).

        ``make_body(fields, file_field)`` is a context giving the request kwargs (a fresh body each
        try); ``find(filename)`` looks for the new picture's pid where the reply does not name it (1.4).
        Returns (pid, status): (N, "uploaded") or (None, "pending_approval"). A 5xx or a cut reply
        raises a TransportError: the picture may or may not have been stored, so the caller must look
        before sending it again. A stale form token, or a session the gallery forgot (a guest again),
        is repaired once and the upload sent once more; those refusals come before anything is stored.
        """
        self.ensure_login()
        if not self.upload_form_offered():
            text = _body_text(self.page("upload.php?single"))
            raise uploads.refused(f"upload to album {album}", text or "the gallery offers no upload form")
        fields = {"album": str(album), "title": title, "caption": caption, "keywords": keywords}
        fresh = relogged = False
        while True:
            kind = self.dialect.upload
            if kind == dialect.PHASES:
                out = uploads.phases(self, make_body, {**fields, "filename": filename}, find)
            else:
                send = uploads.db_input if kind == dialect.DB_INPUT else uploads.uniload
                out = send(self, make_body, fields, self._token_if_any(fresh=fresh), fresh)
            if out.retry is None:
                return out.pid, out.status
            if out.retry == "token" and not fresh:
                fresh = True
                continue
            if out.retry == "session" and not relogged and self.session_lost():
                relogged = True
                continue
            assert out.error is not None
            raise out.error

    def create_album(self, category: int, title: str, position: int) -> int | None:
        """Create an album through the album manager; return its id, or None when the reply does not name it (1.4).

        1.5 and later: ``delete.php?what=albmgr&op=add`` answers JSON with the new id. 1.4: the album
        manager's own form post (``to[]`` = ``album_no=0,album_nm='<title>',...,action=1``) answers a page
        that does not; the caller then finds the album by its title. One creation: a stale form token or
        a session the gallery forgot is repaired and the request sent again (those refusals come before
        anything is made). A reply that is lost, cut or an error page raises a TransportError: the album
        may or may not exist, and the caller looks before asking again (:func:`galleryk.services.once.make_once`).
        """
        self.ensure_login()
        fresh_token = relogged = False
        while True:
            token = None if self.dialect.legacy_upload else self._token_if_any(fresh=fresh_token)
            if token is None:
                self._create_album_14(category, title, position)
                return None
            params = {
                "what": "albmgr",
                "op": "add",
                "cat": str(category),
                "name": title,
                "position": str(position),
                "form_token": token.form_token,
                "timestamp": token.timestamp,
            }
            resp = self._send("GET", self.url("delete.php"), params=params, allow_redirects=False, retry=False)
            data = _json(resp)
            if data is None and (resp.status_code >= 500 or not pages.is_gallery_page(html(resp))):
                raise BadReply(
                    f"creating album {title!r}: the gallery answered HTTP {resp.status_code} with "
                    f"neither JSON nor one of its pages: {_body_text(resp)}",
                    url=self.url("delete.php"),
                    status=resp.status_code,
                )
            if (
                data is not None
                and str(data.get("message")).lower() == "true"
                and str(data.get("newAid", "")).isdigit()
            ):
                return int(data["newAid"])
            if data is not None:
                text = str(data.get("description") or data.get("error") or data.get("message") or data)
            else:
                text = pages.die_message(html(resp)) or _body_text(resp)
            said = uploads.reading(text)
            if not fresh_token and (said == uploads.TOKEN or _TOKEN_TROUBLE.search(text)):
                fresh_token = True
                continue
            if said in (None, "perm_denied", "access_denied") and not relogged and self.session_lost():
                relogged = True
                continue
            code = (
                Code.INVALID_ALBUM
                if re.search(r"need(s)? (to have )?a name|categor.*(missing|not exist)", text, re.I)
                else Code.PERMISSION
            )
            raise CoppermineError(code, f"creating album {title!r} in category {category} failed: {text}")

    def _create_album_14(self, category: int, title: str, position: int) -> None:
        """1.4's album manager: the whole form posted to ``delete.php``; its page names no album id."""
        if "',album_sort=" in title:
            raise ValueError("1.4's album manager cannot take a title holding \"',album_sort=\"")
        data = {
            "what": "albmgr",
            "cat": str(category),
            "sort_order": "",
            "delete_album": "",
            "to[]": f"album_no=0,album_nm='{title}',album_sort={int(position)},action=1",
        }
        resp = self.submit("delete.php", data=data)
        text = html(resp)
        if resp.status_code >= 400 or not pages.is_gallery_page(text):
            raise BadReply(
                f"creating album {title!r}: the gallery answered HTTP {resp.status_code}: {pages.error_text(text)}",
                url=self.url("delete.php"),
                status=resp.status_code,
            )
        problem = pages.die_message(text)
        if problem is not None:
            raise uploads.refused(f"creating album {title!r} in category {category}", problem)

    def submit(
        self, path: str, data: dict | None = None, params: dict | None = None, *, method: str = "POST"
    ) -> requests.Response:
        """Send a form as the signed-in user: a POST, or a GET link that carries a form token (a delete link).

        Never repeated by the transport and never redirected: the caller reads the reply, a redirect
        included. A reply that shows a guest (the gallery forgot the session) is sent once more after
        signing in again: the stock pages refuse a guest's form before they change anything.
        """
        self.ensure_login()
        signed = self._signins
        resp = self._send(method, self.url(path), params=params, data=data, allow_redirects=False, retry=False)
        if self.username and resp.status_code == 200 and _looks_like_guest(resp):
            with self._lock:
                if self._signins == signed:  # no other thread has signed in again meanwhile
                    self._logged_in = False
                    self._token = None
                self.ensure_login()
            resp = self._send(method, self.url(path), params=params, data=data, allow_redirects=False, retry=False)
        return resp


_PARSED = "_galleryk_page"
"""The attribute a response keeps its decoded text and parsed document in (each page is parsed once)."""


def html(resp: requests.Response) -> str:
    """A response's body as text, in the charset the gallery declares (header, then ``<meta>``)."""
    kept = getattr(resp, _PARSED, None)
    if kept is not None:
        return kept[0]
    return pages.decode(resp.content or b"", resp.headers.get("Content-Type"))


def document(resp: requests.Response) -> lxml.html.HtmlElement:
    """A response's page parsed, once: later calls get the same document (read it, do not change it)."""
    kept = getattr(resp, _PARSED, None)
    if kept is None:
        text = html(resp)
        kept = (text, pages.parse(text))
        setattr(resp, _PARSED, kept)
    return kept[1]


def _strip_query(url: str) -> str:
    return url.split("?", 1)[0]


def _looks_like_guest(resp: requests.Response) -> bool:
    """An HTML page with a login link and no logout link: our session is gone."""
    if "html" not in resp.headers.get("Content-Type", ""):
        return False
    hrefs = [a.get("href") or "" for a in document(resp).iter("a")]
    return not any(pages.LOGOUT_LINK in h for h in hrefs) and any(pages.LOGIN_LINK in h for h in hrefs)


def _body_text(resp: requests.Response) -> str:
    ctype = resp.headers.get("Content-Type", "")
    raw = resp.content or b""
    if "html" in ctype or raw.lstrip()[:1] == b"<":
        text = pages.error_text(html(resp))
    else:
        text = " ".join(pages.decode(raw, ctype).split())[:500]
    return text or f"HTTP {resp.status_code} with an empty body"


def _json(resp: requests.Response) -> dict | None:
    try:
        data = json.loads(resp.content.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
