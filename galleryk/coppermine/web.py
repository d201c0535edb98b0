"""A signed-in session on a stock Coppermine 1.6/1.7 gallery, driven through its ordinary web pages.

What lives here: the login dance (two GETs so the session cookie exists, then the POST,
then a check that the pages really show a signed-in user), the never-retry-a-rejected-password
rule (each failure counts toward an IP ban), form tokens (cached, refreshed when stale or
rejected), the single-file upload to ``uniload.php`` and album creation via ``delete.php``.
Every page is read through :mod:`.pages`; every request through the client's transport.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from ..errors import BadReply, CoppermineError
from . import pages

Send = Callable[..., requests.Response]
"""``send(method, url, **requests_kwargs) -> Response``: the client's transport."""

TOKEN_MAX_AGE = 50 * 60.0
"""Seconds a cached form token is used before fetching a fresh one (the gallery keeps them an hour)."""

_TOKEN_TROUBLE = re.compile(r"form.?token|timestamp|token.*(invalid|expired|stale)|(invalid|expired).*token", re.I)

# Messages of the stock pages, mapped to the cpgAPI code for the same failure, so that code
# that handles errors works alike in both modes (the web pages themselves carry no codes).
_CODES: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"login failed|wrong password|incorrect|authenticat|banned|not logged in", re.I), 18),
    (re.compile(r"upload_max_filesize|post_max_size|partially uploaded", re.I), 6),
    (re.compile(r"extension|file type|not allowed.*(format|type)", re.I), 5),
    (re.compile(r"quota", re.I), 22),
    (re.compile(r"too (large|big)|exceeds|maximum (file )?size|size.*limit|at most \d+ on a side", re.I), 9),
    (re.compile(r"file ?name is empty", re.I), 3),
    (re.compile(r"no file was (uploaded|posted)", re.I), 2),
    (re.compile(r"empty", re.I), 8),
    (re.compile(r"not an image|corrupt|unknown image|not a valid image", re.I), 13),
    (re.compile(r"user'?s directory", re.I), 11),
    (re.compile(r"move the file", re.I), 12),
    (re.compile(r"album.*(not exist|may not|not allowed|cannot)|no album|unknown album", re.I), 19),
    (re.compile(r"(no|not have|don'?t have) permission|may not upload|not allowed to upload|"
                r"upload.*(not allowed|denied)|permission|denied", re.I), 20),
    (re.compile(r"album", re.I), 19),
]


def code_for(message: str) -> int:
    """The cpgAPI error code matching a stock page's message, or 0 when none does."""
    for pattern, code in _CODES:
        if pattern.search(message):
            return code
    return 0


def _digest(username: str, password: str) -> str:
    return hashlib.sha256(f"{username}\0{password}".encode()).hexdigest()


class WebSession:
    """One user's session on the stock pages; thread-safe, logs in once, on first use."""

    def __init__(self, base_url: str, username: str | None, password: str | None, send: Send) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.username = username or None
        self._password = password or ""
        self._send = send
        self._lock = threading.RLock()
        self._logged_in = False
        self._rejected: set[str] = set()
        self._token: pages.FormToken | None = None
        self._token_at = 0.0
        self.token_max_age = TOKEN_MAX_AGE

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
    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def get(self, path: str, params: dict | None = None, *, allow_redirects: bool = True, **kw: Any) -> requests.Response:
        return self._send("GET", self.url(path), params=params, allow_redirects=allow_redirects, **kw)

    def page(self, path: str, params: dict | None = None) -> requests.Response:
        """GET a page as the signed-in user (logging in first); a page that shows a guest is re-fetched after login."""
        self.ensure_login()
        resp = self.get(path, params)
        if self.username and self._logged_in and resp.status_code == 200 and _looks_like_guest(resp):
            with self._lock:
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
                    18,
                    f"the gallery {self.base_url} already rejected this password for {self.username!r}; galleryk will not "
                    "send it again (each failed login counts toward a ban of your address). Call login() with the "
                    "corrected password, or make a new client.",
                )
            for attempt in (0, 1):
                # 1) login.php sets the <prefix>_data cookie; 2) a second page creates the session cookie.
                form = self.get("login.php")
                first = self.get("index.php")
                first_text = html(first)
                if first.status_code == 200 and pages.is_logged_in(first_text):
                    self._signed_in(first)
                    return
                banned = pages.ban_message(html(form)) or pages.ban_message(first_text)
                if banned:  # the gallery refuses this address: sending the password would only prolong the ban
                    raise CoppermineError(18, f"the gallery {self.base_url} refuses this address: {banned}")
                resp = self._send(
                    "POST",
                    self.url("login.php"),
                    params={"referer": "index.php"},
                    data={"username": self.username, "password": self._password, "submitted": "1"},
                    allow_redirects=False,
                    retry=False,
                )
                if resp.status_code not in (301, 302, 303, 307):
                    break
                landing = self.get(resp.headers.get("Location") or "index.php")
                if not pages.is_logged_in(html(landing)):
                    landing = self.get("index.php")
                if pages.is_logged_in(html(landing)):
                    self._signed_in(landing)
                    return
                # The password was accepted (a redirect), but the session cookie did not exist yet when it
                # was posted (a page of the dance failed): once more, which cannot count toward a ban.
                if attempt == 1:
                    raise CoppermineError(
                        18,
                        f"the gallery {self.base_url} accepted the login of {self.username!r} but its pages still show a "
                        "guest: the session cookie was not kept (it depends on the User-Agent and the site URL; use the "
                        "gallery's canonical URL and do not change the User-Agent during a session)",
                    )
            text = html(resp)
            if resp.status_code == 200 and pages.is_logged_in(text):
                self._signed_in(resp)
                return
            failure = pages.login_failure(text) if resp.status_code == 200 else None
            if failure is None:
                # Not the login form's answer (a PHP error page, a 5xx): the password was not judged.
                raise BadReply(
                    f"login to {self.base_url}: the gallery answered HTTP {resp.status_code} with "
                    f"{'a page that is not its login form' if resp.status_code < 400 else 'an error'}: "
                    f"{pages.error_text(text)}",
                    url=self.url("login.php"),
                    status=resp.status_code,
                    junk=pages.error_text(text),
                )
            if pages.ban_message(text) is None:
                self._rejected.add(key)
            raise CoppermineError(
                18,
                f"login to {self.base_url} as {self.username!r} failed: {failure.rstrip('.')}. galleryk will not send "
                "this password again (each failure counts toward a ban of your address)",
            )

    def _signed_in(self, resp: requests.Response) -> None:
        self._logged_in = True
        token = pages.form_token(html(resp))
        if token is not None:
            self._set_token(token)

    # -- form tokens -------------------------------------------------------------------
    def _set_token(self, token: pages.FormToken) -> None:
        self._token = token
        self._token_at = time.monotonic()

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
                token = pages.form_token(text)
                if token is not None:
                    self._set_token(token)
                    return token
                said = said or " | ".join(pages.messages(text))
            who = repr(self.username) if self.username else "a guest"
            raise CoppermineError(
                code_for(said) or 20,
                f"the gallery {self.base_url} offers no form to {who}" + (f": {said}" if said else
                " (not signed in, or the theme hides the logout link and the upload form)"),
            )

    def upload_albums(self) -> list[pages.UploadAlbum] | None:
        """Albums the upload form offers this user (None: no upload form, e.g. the group may not upload)."""
        resp = self.page("upload.php?single")
        text = html(resp)
        token = pages.form_token(text)
        if token is not None and self.username:
            with self._lock:
                self._set_token(token)
        if resp.status_code != 200:
            return None
        return pages.upload_albums(text)

    # -- changes -----------------------------------------------------------------------
    def upload(
        self, make_body: Callable[[pages.FormToken], AbstractContextManager[dict]], album: int
    ) -> tuple[int | None, str]:
        """POST ``uniload.php``; ``make_body(token)`` is a context giving the request kwargs (a fresh body each try).

        Returns (pid, status): (N, "uploaded") or (None, "pending_approval").
        """
        for attempt in (0, 1):
            token = self.form_token(fresh=attempt > 0)
            with make_body(token) as body:
                resp = self._send("POST", self.url("uniload.php"), allow_redirects=False, retry=False, **body)
            if resp.status_code in (301, 302, 303, 307):
                location = resp.headers.get("Location") or ""
                q = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
                if "displayimage.php" in location and q.get("pid", "").isdigit():
                    return int(q["pid"]), "uploaded"
                if "thumbnails.php" in location:
                    return None, "pending_approval"
                if "login.php" in location:
                    raise CoppermineError(18, f"upload to album {album}: the gallery sent us to the login page")
                raise CoppermineError(0, f"upload to album {album}: unexpected redirect to {_strip_query(location)}")
            text = _body_text(resp)
            if attempt == 0 and _TOKEN_TROUBLE.search(text):
                continue
            if resp.status_code < 400 and not pages.messages(html(resp)):
                # uniload.php answers a redirect or a 430; anything else is a broken server (a PHP fatal error page)
                raise BadReply(
                    f"upload to album {album}: the gallery answered HTTP {resp.status_code} with a page instead of a "
                    f"redirect (the picture may or may not have been stored): {text}",
                    url=self.url("uniload.php"),
                    status=resp.status_code,
                    junk=text,
                )
            raise CoppermineError(code_for(text), f"upload to album {album} failed (HTTP {resp.status_code}): {text}")
        raise AssertionError("unreachable")

    def create_album(self, category: int, title: str, position: int) -> int:
        """Create an album through the album manager's ``delete.php?what=albmgr&op=add``; return its id."""
        for attempt in (0, 1):
            token = self.form_token(fresh=attempt > 0)
            params = {
                "what": "albmgr", "op": "add", "cat": str(category), "name": title, "position": str(position),
                "form_token": token.form_token, "timestamp": token.timestamp,
            }
            resp = self._send("GET", self.url("delete.php"), params=params, allow_redirects=False, retry=False)
            data = _json(resp)
            if data is not None and str(data.get("message")).lower() == "true" and str(data.get("newAid", "")).isdigit():
                return int(data["newAid"])
            if data is not None:
                text = str(data.get("message") or data.get("error") or data)
            else:
                text = _body_text(resp)
            if attempt == 0 and _TOKEN_TROUBLE.search(text):
                continue
            code = 4 if re.search(r"needs a name|categor.*(missing|not exist)", text, re.I) else 20
            raise CoppermineError(code, f"creating album {title!r} in category {category} failed: {text}")
        raise AssertionError("unreachable")


def html(resp: requests.Response) -> str:
    """A response's body as text, in the charset the gallery declares (header, then ``<meta>``)."""
    return pages.decode(resp.content or b"", resp.headers.get("Content-Type"))


def _strip_query(url: str) -> str:
    return url.split("?", 1)[0]


def _looks_like_guest(resp: requests.Response) -> bool:
    """An HTML page with a login link and no logout link: our session is gone."""
    if "html" not in resp.headers.get("Content-Type", ""):
        return False
    doc = pages.parse(html(resp))
    hrefs = [a.get("href") or "" for a in doc.iter("a")]
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
