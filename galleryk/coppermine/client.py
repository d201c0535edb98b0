"""The public Coppermine client: finds out which protocol a gallery speaks and serves both alike.

``mode="auto"`` probes ``<url>/api/`` with an unknown function: a cpgAPI ``<cpg>`` failure
(code 100) means the add-on is installed and uploads and the album tree go through it;
anything else (404, an HTML page) means a stock gallery, spoken to through its web pages.
Listings of pictures always come from the web pages, since the cpgAPI has no such call.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import os
import re
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd
import requests

from ..base.errors import (
    AlbumNotFound,
    BadReply,
    HttpStatusError,
    Reason,
    RedirectRefused,
    ReplyTooLarge,
    ResponseCut,
    TransportError,
)
from ..base.names import check_album_name, check_text
from ..base.results import UploadResult
from ..frames.coppermine import album_row, albums_frame, photos_frame
from ..media import thumbcache
from ..services import paging
from ..services.contract import AlbumRef, Capabilities, Ordered, PhotoRef, Progress, Service, Source, photo_id
from ..services.once import make_once
from ..services.registry import tag_listing
from ..transport import DEFAULT_DEADLINE, DEFAULT_MAX_REPLY, DEFAULT_STALL, Transport, UploadSource
from ..transport.retry import RetryPolicy
from . import api, edits, pages, texts, tree
from .errors import Code, CoppermineError
from .http import DEFAULT_TIMEOUT, Http
from .web import DEFAULT_LANGUAGE, WebSession, banned, document, html

MODES = ("auto", "api", "web")
DEFAULT_SEPARATOR = ";"
PROBE_ATTEMPTS = 3
PROBE_PAUSE = 0.5
PAGES = RetryPolicy(retries=2, first_wait=0.5)
"""A listing page that fails on the way (cut, error page, 5xx) is read again twice, after 0.5 and 1 s."""
POSITION_TRIES = 12
"""Pages read to find a 1.4 picture by its position while pictures added meanwhile move it along."""
RECENT = "lastup"
"""The meta album of the newest pictures, newest first (``thumbnails.php?album=lastup``)."""
DEFAULT_RECENT = 50
EDITOR_PAGE = 100
"""Pictures asked of the album editor per page (its own list offers 25, 50, 75 and 100)."""
log = logging.getLogger("galleryk.coppermine")
_warned_urls: set[str] = set()
_warn_lock = threading.Lock()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class InsecureGalleryWarning(UserWarning):
    """The gallery URL is plain http: the password would travel in the clear."""


def _warn_plain_http(url: str) -> None:
    if _is_loopback(urlsplit(url).hostname or ""):
        return  # the password never leaves this machine
    with _warn_lock:
        if url in _warned_urls:
            return
        _warned_urls.add(url)
    warnings.warn(
        f"{url} is plain http: your Coppermine password travels in the clear. Use https:// if the gallery offers it.",
        InsecureGalleryWarning,
        stacklevel=3,
    )


class Coppermine(Service):
    """A Coppermine gallery, through the cpgAPI add-on where it exists and the stock web pages otherwise.

    ``mode``: ``"auto"`` (probe ``api/`` once, on first use, and remember the answer in
    ``client.mode``), ``"api"`` (the cpgAPI add-on; raises if the gallery has none) or
    ``"web"`` (the pages of a stock Coppermine 1.4 to 1.7).

    Security: the cpgAPI sends the password with every call, and the known cpgAPI server code
    writes every posted field, the password included, to a debug file on the server; the
    web pages send it once per session. Give galleryk an account that can do little more
    than upload. Over plain http the password travels in the clear (a warning says so once).

    Listings (``photos``, ``photo_info``, ``download``) read the gallery's web pages in both
    modes, because the cpgAPI has no call that lists pictures.

    ``keyword_separator``: how the gallery separates keywords (its ``keyword_separator``
    setting); by default read off its upload form (1.4: a blank, always), else ``;``.

    ``language``: asked of the gallery on the first page (``lang=english``: 1.4 to 1.6 then
    answer in it; None asks nothing). Nothing depends on it: pages are read by their structure,
    and messages in any language the releases ship.

    Limits on what a broken or hostile server can cost: ``timeout`` (seconds to connect, and
    for each next byte: 30), ``deadline`` (seconds one page or call may take in all, retries
    included: 60), ``stall`` (seconds an upload may send nothing: 60) and ``max_reply``
    (bytes a page or reply may have: 64 MiB; downloads stream to disk uncapped). None turns
    one off. Sign-in and cpgAPI calls never follow redirects; pages follow them within the
    gallery's own address only.

    Extras beyond the service contract: ``mode``, ``mode_reason``, ``login()``, ``use_account()``,
    ``keyword_separator``, ``recent_photos(category=)`` and ``create_album(category=)``.
    """

    service = "coppermine"
    name = "Coppermine"
    album_noun = "album"
    capabilities = Capabilities(
        sign_in="password",
        loose_photos=False,
        album_needs_photo=False,
        adds_to_album=False,
        guest_uploads=True,
        edit_photos=True,
        delete_photos=True,
        order_albums=True,
    )

    def __init__(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        *,
        mode: str = "auto",
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        workers: int = 4,
        user_agent: str | None = None,
        http: Http | None = None,
        keyword_separator: str | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        stall: float | None = DEFAULT_STALL,
        max_reply: int | None = DEFAULT_MAX_REPLY,
        language: str | None = DEFAULT_LANGUAGE,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.url = _gallery_root(url)
        self._username = username or None
        self._password = password or ""
        self.requested_mode = mode
        self._mode: str | None = None if mode == "auto" else mode
        self._probed = False
        self.mode_reason = "" if mode == "auto" else f"mode={mode!r} was asked for"
        self.workers = max(1, workers)
        self._http = http or Http(
            timeout=timeout, user_agent=user_agent, deadline=deadline, stall=stall, max_reply=max_reply
        )
        self._rejected: set[str] = set()  # digests of (user, password) the gallery rejected: never sent again
        self.language = language
        self._web = self._session()
        self._api_signed_in = False
        self._charset = "utf-8"  # of the cpgAPI's text fields: the gallery's, as its XML declares it
        self._separator = keyword_separator
        self._lock = threading.RLock()
        if password and urlsplit(self.url).scheme == "http":
            _warn_plain_http(self.url)

    def __repr__(self) -> str:
        who = self.username or "guest"
        return f"<galleryk Coppermine {self.url} as {who}, mode={self._mode or 'auto (not probed yet)'}>"

    # -- mode ----------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """``"api"`` or ``"web"``: the protocol in use (probed on first access when auto)."""
        self._ensure_mode()
        assert self._mode is not None
        return self._mode

    def _ensure_mode(self) -> None:
        with self._lock:
            if self._probed:
                return
            if self._mode == "web":
                self._probed = True
                return
            found, reason = self._probe()
            self._probed = True
            if self.requested_mode == "api" and found != "api":
                raise CoppermineError(
                    Code.NONE,
                    f"{self.url} has no cpgAPI add-on ({reason}); no released Coppermine ships one. "
                    "Use web mode (the stock web pages) or auto (in Python: mode='web' or mode='auto'; in the "
                    "settings: mode = web)",
                )
            self._mode = found
            if self.requested_mode == "auto":
                self.mode_reason = reason

    def _probe(self) -> tuple[str, str]:
        """Ask ``api/`` for an unknown function, without credentials; ("api"|"web", why).

        Transient failures (5xx, a cut or timed-out reply, an HTML error page that is not the
        gallery's) are tried again; if they persist, a TransportError says so and nothing is
        decided, so the next call probes afresh instead of keeping a wrong mode for good.
        """
        problem = ""
        for attempt in range(PROBE_ATTEMPTS):
            if attempt:
                time.sleep(PROBE_PAUSE * attempt)
            try:
                resp = self._http.send(
                    "POST",
                    self._api_url(),
                    files={"function": (None, api.PROBE_FUNCTION)},
                    allow_redirects=False,
                    retry=False,
                )
            except (ReplyTooLarge, RedirectRefused):
                raise  # not transient: asking again would only be refused the same way
            except TransportError as exc:
                problem = str(exc)
                continue
            decided = self._read_probe(resp)
            if decided is not None:
                return decided
            problem = f"HTTP {resp.status_code}: {pages.error_text(html(resp))}"
        raise BadReply(
            f"cannot tell whether {self.url} has the cpgAPI add-on: {PROBE_ATTEMPTS} probes of api/ failed "
            f"(last: {problem}); nothing was decided, the next call asks again. Use web mode to skip the probe (mode='web').",
            url=self._api_url(),
        )

    def _read_probe(self, resp: requests.Response) -> tuple[str, str] | None:
        """The mode a probe reply shows, or None when it shows nothing (a transient failure)."""
        status = resp.status_code
        if status >= 500:
            return None
        if status != 200:
            return "web", f"api/ answered HTTP {status}"
        self._charset = api.declared_charset(resp.content) or self._charset
        try:
            reply = api.read_reply(resp.content)
        except api.NotXmlReply:
            if pages.is_gallery_page(html(resp)):  # php -S answers unknown paths with index.php
                return "web", "api/ answered one of the gallery's HTML pages, not cpgAPI XML"
            return None  # an error page: it says nothing about the add-on
        if reply.root.tag == "cpg" and reply.failed:
            if not api.is_complete(resp.content):
                return None
            return "api", f"api/ answered a cpgAPI failure (code {reply.code}) to an unknown function"
        return "web", f"api/ answered XML that is not a cpgAPI reply (<{reply.root.tag}>)"

    def _api_url(self) -> str:
        return self.url + "api/"

    # -- sign-in -------------------------------------------------------------------------
    def login(self, password: str | None = None) -> None:
        """Sign in now (optional: the first call that needs it signs in), with a corrected ``password`` if given.

        A password the gallery rejected is never sent again by this client.
        """
        if password is not None:
            self._password = password
            self._web.set_password(password)
        if self.mode == "api":
            self._api("cpgAPI.catList", {"cat": "0"}, allow_empty=True)
        else:
            self._web.login()

    def use_account(self, username: str | None, password: str | None = None) -> None:
        """Switch to another account (``None``: a guest) for the calls that follow; sign in with :meth:`login`.

        For a sign-in form: the client made without credentials takes the ones typed in. The
        passwords the gallery rejected stay rejected.
        """
        with self._lock:
            self._username = username or None
            self._password = password or ""
            self._api_signed_in = False
            self._http.transport.session.cookies.clear()  # the previous user's session ends here
            self._web = self._session()
        if password and urlsplit(self.url).scheme == "http":
            _warn_plain_http(self.url)

    def _session(self) -> WebSession:
        return WebSession(
            self.url, self.username, self._password, self._http.send, self._rejected, language=self.language
        )

    @property
    def signed_in(self) -> bool:
        """Whether the gallery has accepted this client's user and password: its pages show them signed in, or (api
        mode) a cpgAPI call with them succeeded (the cpgAPI checks the password on every call)."""
        return self._web.logged_in or self._api_signed_in

    def personal_category(self) -> int | None:
        """The signed-in user's own gallery category (10000 + their user id), as the gallery's pages show it; None
        for a guest."""
        return self._web.personal_category()

    @property
    def form_token(self) -> pages.FormToken | None:
        """The form token the next upload or album creation will send (None before one was read)."""
        return self._web.cached_token

    def keep_form_token(self, token: pages.FormToken, *, age: float = 0.0) -> None:
        """Use ``token`` as if it had been read ``age`` seconds ago (a token carried over from another client);
        one the gallery refuses, or older than :attr:`form_token_max_age`, is replaced before it does harm."""
        self._web.keep_token(token, age=age)

    @property
    def form_token_max_age(self) -> float:
        """Seconds a form token read from the gallery is used before a fresh one is read."""
        return self._web.token_max_age

    def album_url(self, album: AlbumRef) -> str | None:
        """The album's page on the gallery (its thumbnails)."""
        return f"{self.url}thumbnails.php?album={self.resolve_album(album)}"

    @property
    def can_sign_in(self) -> bool:
        """Whether the client holds a user name and a password that the gallery has not refused."""
        return bool(self.username and self._password and not self._web.rejected)

    def sign_out(self) -> None:
        """Be a guest from now on (the gallery's session of this user ends here)."""
        self.use_account(None)

    @property
    def username(self) -> str | None:
        """The user this client signs in as (None: a guest)."""
        return self._username

    @property
    def endpoint(self) -> str:
        """The gallery's base URL (ending in ``/``)."""
        return self.url

    @property
    def label(self) -> str:
        """``Coppermine https://example.org/gallery/ (alice)``, for messages."""
        return f"{self.name} {self.url} ({self.username or 'guest'})"

    @property
    def transport(self) -> Transport:
        """The HTTP transport every request of this client goes through (its ``session`` takes requests' hooks)."""
        return self._http.transport

    def close(self) -> None:
        """Close the client's pooled connections."""
        self._http.transport.close()

    # -- listings ------------------------------------------------------------------------
    def albums(self) -> pd.DataFrame:
        """The albums this user sees, with their categories, as a DataFrame.

        Columns: id, title, category_id, category, category_path ("Travel / Europe & Asia"),
        is_user_gallery, can_upload. ``df.attrs["source"]`` names where the data came from. In
        api mode ``can_upload`` comes from the gallery's upload form (``upload.php?single``) when
        its web pages answer; otherwise it is NA and ``df.attrs["can_upload"]`` says why.
        """
        if self.mode == "api":
            reply = self._api("cpgAPI.catList", {"cat": "0"}, allow_empty=True)
            listed = [] if reply is None else api.catlist_albums(reply)
            rights, why, _ = self._upload_rights([(a.aid, a.categories) for a in listed])
            rows = [album_row(a.aid, a.title, a.categories, can_upload=rights.get(a.aid)) for a in listed]
            known = any(v is not None for v in rights.values())
            df = albums_frame(
                rows, source="cpgAPI cpgAPI.catList" + ("; can_upload: the gallery's upload pages" if known else "")
            )
            df.attrs["can_upload"] = why
            return tag_listing(df, self)
        return tag_listing(self._web_albums(), self)

    def _upload_rights(
        self, albums: list[tuple[int, tuple[tuple[int, str], ...]]]
    ) -> tuple[dict[int, bool | None], str, list[pages.UploadAlbum]]:
        """Whether this user may upload to each album (None: the pages do not say), where that comes from, and the
        albums the upload form offers.

        1.5 to 1.7: the albums of the upload form ``upload.php?single``. 1.4's form names albums only once a
        file was sent (its placement form): until then, the albums of the user's own gallery are open to a
        user the form is offered to, and the others unknown.
        """
        try:
            offered = self._web.upload_albums()
        except (CoppermineError, TransportError) as exc:
            return {aid: None for aid, _ in albums}, f"unknown: the gallery's upload form did not answer ({exc})", []
        if offered is not None:
            ids = {a.aid for a in offered}
            return {aid: aid in ids for aid, _ in albums}, "from upload.php?single", offered
        if self._web.dialect.legacy_upload:
            mine = self._web.personal_category()
            rights = {aid: (True if chain and chain[-1][0] == mine else None) for aid, chain in albums}
            why = (
                "Coppermine 1.4: your own gallery's albums are open to you; the upload form names the others only "
                "once a file was sent (known after your first upload)"
            )
            return rights, why, []
        return {aid: False for aid, _ in albums}, "from upload.php?single: no album is open to this user", []

    def _category_page(self, cid: int, page: int = 1) -> pages.CategoryPage | None:
        # the page is always named: 1.4's index.php shows a visitor the album page they saw last when none is
        params = {"cat": str(cid), "page": str(page)}
        resp = self._web.page("index.php", params)
        what = f"index.php?cat={cid}" + (f"&page={page}" if page > 1 else "")
        _check_page(resp, what, listing=True)
        text = html(resp)
        ban = pages.ban_message(text)
        if ban:
            raise banned(what, ban)
        if pages.die_message(text) is not None:
            return None  # a category this user may not see, or one that is gone
        return pages.category_page(text, cid)

    def _tree(self, within: int | None = None) -> list[tree.TreeAlbum]:
        """The albums of the category pages, walked from the top (and the user's own gallery) or within one category."""
        if within is not None:
            return tree.walk(self._category_page, [within], workers=self.workers, within=within)
        starts, names = [0, tree.USER_GALLERIES], {}
        mine = self._web.personal_category()
        if mine is not None and self.username:
            starts.append(mine)
            names[mine] = self.username
        return tree.walk(self._category_page, starts, workers=self.workers, names=names)

    def _web_albums(self) -> pd.DataFrame:
        found = self._tree()
        rights, why, offered = self._upload_rights([(a.aid, a.categories) for a in found])
        rows = [album_row(a.aid, a.title, a.categories, can_upload=rights.get(a.aid)) for a in found]
        known = {a.aid for a in found}
        for a in offered:
            if a.aid not in known:
                rows.append(
                    {
                        **album_row(a.aid, a.title, []),
                        "category_id": None,
                        "category": a.group,
                        "category_path": a.group or "",
                        "can_upload": True,
                    }
                )
        df = albums_frame(rows, source="web pages: index.php?cat=N (tree), upload.php?single (albums open to uploads)")
        df.attrs["can_upload"] = why
        return df

    def photos(self, album: AlbumRef | None = None, limit: int | None = None, *, details: bool = False) -> pd.DataFrame:
        """The pictures of an album, read from its ``thumbnails.php`` pages (the cpgAPI cannot list them).

        Columns: id, album_id, title, description (the caption), tags and taken (None and NaT: the
        album pages do not show them; ``details=True`` reads each picture's page for them), filename,
        thumb_url, url (full size), page_url. Pages after the first are fetched concurrently;
        ``limit`` stops early. A page that fails on the way (cut short, an error page, a 5xx) is
        read again twice before the listing fails. A Coppermine picture is always in an album:
        ``album`` is needed.
        """
        if album is None:
            raise AlbumNotFound(
                "a Coppermine picture is always in an album: name the album (an id or its title)", service=self.service
            )
        aid = self.resolve_album(album)
        what = f"thumbnails.php?album={aid}"
        found = self._listing(lambda page: self._thumb_page({"album": str(aid)}, page, what, aid), limit)
        if details:
            self._add_details(found)
        df = photos_frame(found, source=f"web pages: {what} (the cpgAPI has no listing call)")
        return tag_listing(df, self)  # so df.galleryk.thumbnails() can fetch through this client

    def _add_details(self, rows: list[dict]) -> None:
        """Fill tags, taken and the full caption of listed rows from each picture's page (``workers`` at a time)."""
        infos = self.photo_infos([r["id"] for r in rows], workers=self.workers)
        for row, (_, info) in zip(rows, infos.iterrows()):
            row["description"] = info["description"]
            row["tags"] = info["tags"]

    def pending_photos(self, album: AlbumRef | None = None, *, listed: Iterable[int] | None = None) -> pd.DataFrame:
        """This user's pictures of ``album`` that await an admin's approval, as the album editor shows them.

        Album pages and "Last additions" never show an uploader their pictures awaiting approval; the
        album editor ``editpics.php?album=<aid>`` does: every picture of an album of theirs, and in a
        public album open to their uploads their own of the last five hours (75 minutes on 1.5), or all
        of them when the admin lets users keep control of their files. Those it lists and the album's
        pages do not are the pending ones. Same columns as :meth:`photos` (``tags`` are the keywords).
        ``df.attrs["complete"]`` is False where the gallery shows the uploader nothing of them (1.4's
        editor takes only albums of the user's own gallery), with the reason in ``df.attrs["pending"]``.
        ``listed``: the album's ids as the caller has just listed them (the album is not listed again).
        """
        if album is None:
            raise AlbumNotFound("pictures await approval in an album: name the album", service=self.service)
        aid = self.resolve_album(album)
        rows, why = self._album_editor(aid)
        if rows:
            shown = set(self.photos(aid)["id"].dropna().astype(int)) if listed is None else {int(i) for i in listed}
            rows = [r for r in rows if r["id"] not in shown]
        sep = self.keyword_separator
        for row in rows:
            words = row.pop("keywords")
            row["tags"] = [w for w in (words.split() if sep == " " else words.split(sep)) if w.strip()]
            row["album_id"] = aid
        df = photos_frame(rows, source=f"web page: editpics.php?album={aid} (this user's pictures), less the album's")
        df.attrs["complete"] = why is None
        df.attrs["pending"] = why or "the album editor lists this user's pictures of the album"
        return tag_listing(df, self)

    def _album_editor(self, aid: int) -> tuple[list[dict], str | None]:
        """The pictures ``editpics.php?album=<aid>`` lists to this user, every page; (rows, why not) where it
        refuses to list them."""
        if not self.username:
            return [], "a guest has no album editor"
        self._learn_separator()
        rows: list[dict] = []
        seen: set[int] = set()
        start = 0
        while True:
            what = f"editpics.php?album={aid}&start={start}"
            resp = self._web.page("editpics.php", {"album": str(aid), "start": str(start), "count": str(EDITOR_PAGE)})
            _check_page(resp, what, listing=True)
            text = html(resp)
            found = pages.album_editor(text, resp.url)
            if not found:
                problem = pages.die_message(text)
                if problem is None or texts.says("editpics_empty", problem):
                    return rows, None
                ban = pages.ban_message(text)
                if ban:
                    raise banned(what, ban)
                return rows, f"the gallery's album editor does not list this album's pictures to you: {problem}"
            fresh = [r for r in found if r["id"] not in seen]
            seen.update(r["id"] for r in fresh)
            rows += fresh
            if len(found) < EDITOR_PAGE:
                return rows, None
            start += EDITOR_PAGE

    def recent_photos(
        self, album: AlbumRef | None = None, limit: int = DEFAULT_RECENT, *, category: int | None = None
    ) -> pd.DataFrame:
        """The newest pictures first, from the gallery's "Last additions" pages, reading only the pages ``limit`` needs.

        ``album`` (id or exact title): that album's newest; ``category``: those of a category and
        its sub-categories (``10000 + user id``: a user's gallery; 1: every user gallery); neither:
        the whole gallery's. Same columns as :meth:`photos`; ``album`` is NA outside one album (the
        pages do not say). Like the gallery's own page it lists approved pictures only, even to
        an administrator, ordered by upload time, then by id. Its captions are the album pages'
        (the gallery adds the upload date in a span of its own, left out). An album you may not
        see gives an empty frame, as :meth:`photos` does; one that does not exist, error 19.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive number of pictures, not {limit!r}")
        if album is not None and category is not None:
            raise ValueError("recent_photos takes an album or a category, not both")
        aid = self.resolve_album(album) if album is not None else None
        params = {"album": RECENT}
        if aid is not None:
            params["cat"] = str(-aid)
        elif category is not None:
            params["cat"] = str(int(category))
        what = "thumbnails.php?" + "&".join(f"{k}={v}" for k, v in params.items())
        found = self._listing(lambda page: self._thumb_page(params, page, what, aid, recent=True), limit)
        df = photos_frame(found, source=f"web pages: {what} (newest first, approved pictures only)")
        return tag_listing(df, self)

    def _listing(self, fetch: Any, limit: int | None) -> list[dict]:
        """The rows of a paged listing (the one pager: page 1, then the rest concurrently), each picture once."""

        def read(page: pages.ThumbPage) -> paging.Page[list[dict]]:
            return paging.Page(page.photos or None, len(page.photos), page.pages)

        found = [row for rows in paging.walk(fetch, read, limit=limit, workers=self.workers) for row in rows]
        key = [p["id"] if p["id"] is not None else p["page_url"] for p in found]
        unique = list({k: p for k, p in zip(reversed(key), reversed(found))}.values())[::-1]  # each once, in order
        unique = unique if limit is None else unique[:limit]
        self._pids_by_position(unique)
        return unique

    def _pids_by_position(self, rows: list[dict], only: list[dict] | None = None) -> None:
        """Give rows that 1.4 links by position (``displayimage.php?album=N&pos=K``) their pid, from each picture's
        page (its "Add to favorites" link): 1.4's album pages name no pid. ``workers`` pages at a time.

        Pictures added meanwhile move the others along: a page that shows another listed picture tells how
        far, and the position is corrected; one that shows a picture not listed sends the search onward.
        """
        todo = [r for r in (rows if only is None else only) if r["id"] is None and r.get("pos") is not None]
        listed = {_file_key(r.get("url")): int(r["pos"]) for r in rows if r.get("pos") is not None}
        for row in rows:
            row.setdefault("_pos", row.pop("pos", None))
        if not todo:
            for row in rows:
                row.pop("_pos", None)
            return

        def one(row: dict) -> None:
            link, want, home = str(row["page_url"]), _file_key(row.get("url")), int(row["_pos"])
            what = link.replace(self.url, "")
            pos, tried = home, set()
            for _ in range(POSITION_TRIES):
                tried.add(pos)
                url = re.sub(r"([?&]pos=)\d+", rf"\g<1>{pos}", link)
                resp = PAGES.call(functools.partial(self._web.page, url))
                _check_page(resp, what)
                text = html(resp)
                pid = pages.shown_pid(text)
                shown = _file_key(pages.picture(text, resp.url, pid=pid).get("original_url"))
                if pid is not None and (want is None or shown in (None, want)):
                    row["id"] = pid
                    row["page_url"] = f"{self.url}displayimage.php?pos=-{pid}"  # 1.4's own link to one picture
                    return
                moved = pos - listed[shown] if shown in listed else None
                guess = home + moved if moved is not None else pos + 1
                pos = guess if guess >= 0 and guess not in tried else max(tried) + 1
            raise CoppermineError(
                Code.NONE,
                f"{what}: the picture's pages do not show {row.get('filename') or 'it'} where the album lists it "
                f"(pictures were being added meanwhile; {_page_problem(resp) or 'another picture, or none'})",
                reason=Reason.UNRECOGNISED,
            )

        try:
            with ThreadPoolExecutor(max(1, min(self.workers, len(todo))), thread_name_prefix="galleryk-cpg") as pool:
                list(pool.map(one, todo))
        finally:
            for row in rows:
                row.pop("_pos", None)

    def _thumb_page(
        self, params: dict[str, str], page: int, what: str, aid: int | None, recent: bool = False
    ) -> pages.ThumbPage:
        """One ``thumbnails.php`` page, read again after a transient failure."""
        label = f"{what}&page={page}"

        def read() -> pages.ThumbPage:
            resp = self._web.page("thumbnails.php", {**params, "page": str(page)})
            _check_page(resp, label, listing=True)
            doc = document(resp)
            result = pages.thumbnails(doc, resp.url, album=aid, dated=recent)
            if not result.photos:
                ban = pages.ban_message(doc)
                if ban:
                    raise banned(label, ban)
                problem = pages.die_message(doc)
                if problem is not None:  # an error box; a bare notice ("No image to display") is an empty album
                    raise CoppermineError(Code.ALBUM_REFUSED, f"{label}: {problem}")
                if recent and aid is not None and not pages.links_album(doc, aid):
                    # 1.6 draws "No image to display" for an unknown album too, but links none in the breadcrumb
                    raise CoppermineError(Code.ALBUM_REFUSED, f"{label}: the gallery has no album {aid}")
            if recent:
                for row in result.photos:
                    row["album_id"] = aid  # the meta album's links name "lastup", not the picture's album
            return result

        return PAGES.call(read, on_retry=lambda _, exc, __: log.info("%s failed (%s); reading it again", label, exc))

    def photo_info(self, photo: PhotoRef) -> dict[str, Any]:
        """One picture's page (displayimage.php) read: id, album_id, title, description (the caption), tags (the
        keywords), original_url (full size), page_url, filename, width, height, filesize, date_added and more."""
        pid = photo_id(photo)
        info, resp, where = self._picture_page(pid)
        if info["filename"] is None and info["original_url"] is None:
            problem = _page_problem(resp) or "the page shows no picture"
            raise CoppermineError(Code.ALBUM_REFUSED, f"picture {pid}: {problem}", reason=Reason.NOT_FOUND)
        shown = info.pop("shown_pid", None)
        if shown is not None and shown != pid:
            # 1.6 answers a picture it does not show you (awaiting approval) with the one at its place in the album
            raise CoppermineError(
                Code.ALBUM_REFUSED,
                f"picture {pid}: the gallery shows another picture ({shown}) in its place; "
                f"{pid} is not visible to you (it may await an admin's approval, or be gone)",
                reason=Reason.NOT_FOUND,
            )
        if info["original_url"] is None and info["fullsize_page"]:
            full = self._web.page(info["fullsize_page"])
            info["original_url"] = pages.fullsize_image(html(full), full.url)
        info["source"] = f"web page: {where}"
        info["page_url"] = self.url + where
        return info

    def _picture_page(self, pid: int) -> tuple[dict[str, Any], requests.Response, str]:
        """A picture's page read: ``displayimage.php?pid=N`` (1.5 and later), else ``?pos=-N``, which 1.4 answers
        (its ``pid=`` page says the picture does not exist); the gallery's way is remembered."""
        ways = ["pos", "pid"] if self._web.dialect.picture_by_pos else ["pid", "pos"]
        for way in ways:
            where = f"displayimage.php?pid={pid}" if way == "pid" else f"displayimage.php?pos=-{pid}"
            resp = self._web.page(where)
            _check_page(resp, where)
            info = pages.picture(html(resp), resp.url, pid=pid)
            shown = info.get("shown_pid")
            if info["filename"] is not None or info["original_url"] is not None or shown is not None:
                if way == "pos" and shown == pid:
                    self._web.dialect.picture_by_pos = True
                return info, resp, where
            if way == "pos" or self._web.dialect.picture_by_pos is False:
                break
        return info, resp, where

    def download(self, photo: PhotoRef, dest: str | os.PathLike | None = None) -> Path:
        """Save the full-size original of a picture; ``dest`` is a folder or a file path (default: current folder)."""
        pid = photo_id(photo)
        info = self.photo_info(pid)
        url = info["original_url"]
        if not url:
            raise CoppermineError(Code.ALBUM_REFUSED, f"picture {pid}: no link to the original on its page")
        target = Path(dest) if dest is not None else Path.cwd()
        if target.is_dir() or (dest is not None and str(dest).endswith(os.sep)):
            target = target / (info["filename"] or f"{pid}.jpg")
        target.parent.mkdir(parents=True, exist_ok=True)
        self._web.ensure_login()
        self._http.download(url, target)
        return target

    def thumbnail(self, photo: Any, size: int = thumbcache.DEFAULT_SIZE) -> bytes:
        """JPEG bytes of a small preview of ``photo`` (a pid or a row of :meth:`photos`), at most ``size`` pixels a side.

        The gallery's own ``thumb_`` file (the row's ``thumb_url``, else found from the picture's
        page), downscaled only when larger; fetched as the signed-in user (private albums) and
        cached in memory and on disk by gallery, user, picture and size.
        """
        size = thumbcache.check_size(size)
        pid = photo_id(photo)
        given = thumbcache.photo_field(photo, "thumb_url") if thumbcache.is_row(photo) else None
        key = thumbcache.ThumbKey(f"coppermine {self.url}", self.username or "", str(pid), size)
        return thumbcache.default_cache().fetch(key, lambda: self._fetch_thumbnail(pid, given, size))

    def _fetch_thumbnail(self, pid: int, thumb_url: str | None, size: int) -> bytes:
        full = None
        if not thumb_url:
            full = self.photo_info(pid)["original_url"]
            if not full:
                raise CoppermineError(Code.ALBUM_REFUSED, f"picture {pid}: its page links no image")
            folder, _, name = full.rpartition("/")
            thumb_url = f"{folder}/{pages.THUMB_PREFIX}{name}"
        self._web.ensure_login()
        resp = self._http.send("GET", thumb_url, retry=True)
        if resp.status_code == 404 and full is None:
            full = self.photo_info(pid)["original_url"]
        if resp.status_code == 404 and full:  # no thumb_ file (a gallery made without them): the picture itself
            resp = self._http.send("GET", full, retry=True)
        if resp.status_code >= 400:
            raise CoppermineError(
                Code.ALBUM_REFUSED if resp.status_code in (403, 404) else Code.NONE,
                f"picture {pid}: its thumbnail answered HTTP {resp.status_code}",
            )
        if resp.url != full and not thumbcache.enough(thumbcache.longest_side(resp.content), size):
            full = full or self.photo_info(pid)["original_url"]  # a large view: made from the picture itself
            bigger = self._http.send("GET", full, retry=True) if full else None
            if bigger is not None and bigger.status_code < 400:
                resp = bigger
        try:
            return thumbcache.downscale(resp.content, size)
        except ValueError as exc:
            raise CoppermineError(Code.NONE, f"picture {pid}: its thumbnail is {exc}") from None

    # -- changes -------------------------------------------------------------------------
    def create_album(self, title: str, *, photo: PhotoRef | None = None, category: int | None = None) -> int:
        """Create an album in ``category`` (default: your personal gallery); return its id.

        In both modes this is the gallery's own album manager page: the cpgAPI has no call for it,
        and sits on a stock gallery whose pages are there. A Coppermine album starts empty:
        ``photo`` (the contract's first photo, for services that need one) is not taken.
        """
        check_album_name(title, "title")
        if photo is not None:
            raise ValueError("a Coppermine album starts empty: upload pictures into it after creating it")
        if not self.username:
            raise CoppermineError(
                Code.AUTHENTICATION,
                "creating an album needs a signed-in user: sign in with a user name and password "
                "(in Python: Coppermine(url, username, password))",
            )
        if category is None:
            category = self._web.personal_category()
            if category is None:
                raise CoppermineError(
                    Code.NONE,
                    "cannot find your personal gallery's category on the pages; name the category "
                    "to create the album in (in Python: category=)",
                )
        category = int(category)
        before = self._albums_titled(title, category)

        def made() -> int | None:
            """After a lost or cut reply: the album the gallery made, if it made one."""
            new = sorted(set(self._albums_titled(title, category)) - set(before))
            return new[-1] if new else None

        def existing() -> int | None:
            """After a process died while it asked: the album of that title, whoever made it."""
            titled = self._albums_titled(title, category)
            return titled[-1] if titled else None

        position = len(before)

        def create() -> int:
            aid = self._web.create_album(category, title, position)
            if aid is None:  # 1.4's album manager does not say the new id: look for the album
                aid = made()
            if aid is None:
                raise CoppermineError(
                    Code.NONE,
                    f"creating the album {title!r}: the album manager answered, but no new album of that title "
                    f"appears in category {category} (Coppermine 1.4 puts a user's albums in their own gallery)",
                    reason=Reason.UNRECOGNISED,
                )
            return aid

        return make_once(
            create,
            made,
            what=f"creating the album {title!r}",
            key=f"{self.account}|album|{category}|{' '.join(title.split())}",
            existing=existing,
        )

    def _albums_titled(self, title: str, category: int) -> list[int]:
        """Ids of the albums titled ``title`` in ``category`` (read from that category's pages)."""
        wanted = " ".join(title.split())
        return sorted(
            a.aid
            for a in self._tree(category)
            if a.title == wanted and a.categories and a.categories[-1][0] == category
        )

    def upload(
        self,
        source: Source,
        album: AlbumRef | None = None,
        title: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | str | None = None,
        progress: Progress | None = None,
        *,
        filename: str | None = None,
    ) -> UploadResult:
        """Upload one picture (a path, bytes or a binary file object, streamed) into ``album`` (id or exact title).

        ``tags`` (a list, or one string of space-separated words) become Coppermine keywords, joined
        by the gallery's keyword separator (``;`` unless the gallery says otherwise), so a tag of
        several words stays one keyword. Returns an UploadResult with the new
        picture id, or status "pending_approval" and id None when the gallery holds it for approval.
        """
        if album is None:
            raise AlbumNotFound(
                "a Coppermine picture is uploaded into an album: pass album= (an id or its title)", service=self.service
            )
        check_album_name(album)
        check_text("title", title)
        check_text("description", description)
        check_text("tags", [tags] if isinstance(tags, str) else tags)
        aid = self.resolve_album(album)
        up = UploadSource(source, filename)
        self._learn_separator()
        keywords = self._keywords(tags)
        started = time.monotonic()
        if self.mode == "api":
            fields = {"aid": str(aid), "title": title or "", "description": description or "", "keywords": keywords}
            with up.opened() as opened:
                reply = self._api("cpgAPI.upload", fields, file=("file", up.filename, opened.stream), progress=progress)
            assert reply is not None  # only catList may answer "nothing" (allow_empty)
            pid: int | None = api.upload_pid(reply)
            status = "uploaded"
        else:

            @contextlib.contextmanager
            def body(fields: dict, file_field: str) -> Iterator[dict]:
                with up.opened() as opened:
                    yield self._http.multipart(fields, (file_field, up.filename, opened.stream), progress)

            pid, status = self._web.upload(
                body,
                aid,
                title=title or "",
                caption=description or "",
                keywords=keywords,
                filename=up.filename,
                find=lambda name: self._newest_named(aid, name, title or ""),
            )
        return UploadResult(
            id=str(pid) if pid is not None else None,
            status=status,
            service=self.service,
            album_id=str(aid),
            title=title or None,
            filename=up.filename,
            bytes=up.size,
            seconds=time.monotonic() - started,
            url=self._picture_url(pid) if pid is not None else None,
        )

    def _picture_url(self, pid: int) -> str:
        by_pos = self._web.dialect.picture_by_pos or self._web.dialect.legacy_upload
        return f"{self.url}displayimage.php?pos=-{pid}" if by_pos else f"{self.url}displayimage.php?pid={pid}"

    def _newest_named(self, aid: int, filename: str, title: str) -> int | None:
        """The pid of the newest picture of album ``aid`` stored under ``filename`` (1.4 may add ``~N``), titled
        ``title``: where a 1.4 upload landed, since its reply does not say. None when the album's newest
        pictures hold none (it awaits approval, or another name was given)."""
        resp = self._web.page("thumbnails.php", {"album": RECENT, "cat": str(-aid)})
        _check_page(resp, f"thumbnails.php?album={RECENT}&cat=-{aid}", listing=True)
        rows = pages.thumbnails(html(resp), resp.url, aid, dated=True).photos
        wanted = [r for r in rows if _stored_as(r.get("filename") or "", filename)]
        titled = [r for r in wanted if not title or r["title"] == " ".join(title.split())]
        pick = (titled or wanted)[:1]
        if not pick:
            return None
        self._pids_by_position(rows, only=pick)  # the whole page: it tells how far later uploads moved the pick
        return int(pick[0]["id"]) if pick[0]["id"] is not None else None

    def _learn_separator(self) -> None:
        """Read the gallery's keyword separator off its upload page once, before the first keywords are joined (1.4
        splits on blanks)."""
        if self._separator is not None or self._web.keyword_separator is not None:
            return
        try:
            self._web.upload_albums()
        except (CoppermineError, TransportError) as exc:
            log.info("the upload page did not say the keyword separator (%s); using %r", exc, DEFAULT_SEPARATOR)

    @property
    def keyword_separator(self) -> str:
        """The gallery's keyword separator: as its upload form names it once seen, else ``;`` (1.6's default)."""
        return self._separator or self._web.keyword_separator or DEFAULT_SEPARATOR

    def _keywords(self, tags: Iterable[str] | str | None) -> str:
        return edits.join_keywords(tags or [], self.keyword_separator)

    # -- changing what is online: the gallery's own edit, delete and picture manager pages (both modes) --------
    def edit_photo(
        self,
        photo: PhotoRef,
        *,
        title: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Change a picture's title, caption (``description``) or keywords (``tags``) through its edit page
        (``edit_one_pic.php``, 1.4's ``editOnePic.php``; on 1.7.02 the album editor ``editpics.php``); returns id,
        album_id, title, description and tags as the gallery now stores them (1.4 splits keywords on blanks: a tag
        of several words is stored with ``_`` between them, as uploads do). Whoever may edit: the picture's owner
        in their own gallery, an admin (error 20 otherwise; 19 when the picture is gone)."""
        form = edits.edit_picture(
            self._web, photo_id(photo), title=title, caption=description, keywords=None if tags is None else list(tags)
        )
        return {
            "id": form.pid,
            "album_id": form.album,
            "title": form.title,
            "description": form.caption,
            "tags": list(form.keywords),
        }

    def delete_photo(self, photo: PhotoRef) -> None:
        """Delete a picture as its page's "Delete this file" link does (``delete.php``); error 19 when it is gone
        already, 20 when it is not the user's to delete."""
        edits.delete_picture(self._web, photo_id(photo))

    def edit_album(self, album: AlbumRef, *, title: str | None = None, description: str | None = None) -> None:
        """Unsupported: galleryk does not drive the gallery's album properties page (``modifyalb.php``) yet."""
        raise self._unsupported(
            "edit_album", "galleryk does not change Coppermine albums yet: use the album's properties page"
        )

    def delete_album(self, album: AlbumRef) -> None:
        """Unsupported: galleryk does not drive the gallery's album manager (``albmgr.php``) to delete albums yet."""
        raise self._unsupported(
            "delete_album", "galleryk does not delete Coppermine albums yet: delete it in the gallery's album manager"
        )

    def order_album(self, album: AlbumRef, photos: Iterable[PhotoRef]) -> Ordered:
        """Store the album's order in the picture manager (``picmgr.php``, 1.4's too): ``photos`` first, the others after.

        ``shown`` says whether the album pages show it: they do only when the gallery sorts them by
        position (its admin's "Default sort order for files"; by file name by default).
        """
        aid = self.resolve_album(album)
        done = edits.order_album(self._web, aid, [photo_id(p) for p in photos])
        return Ordered(done.album, done.order, done.shown, done.reason)

    # -- the cpgAPI ------------------------------------------------------------------------
    def _api(
        self,
        function: str,
        fields: dict,
        *,
        file: tuple | None = None,
        progress: Progress | None = None,
        allow_empty: bool = False,
    ) -> api.Reply | None:
        self._ensure_mode()
        if self._web.rejected:
            raise CoppermineError(
                Code.AUTHENTICATION,
                f"the gallery {self.url} already rejected the credentials of {self.username!r}; galleryk will not "
                "send them again (failed logins can get your address banned). Sign in again with the right password "
                "(in Python: login(password=...), or a new client)",
            )
        form = {"function": function, "username": self.username or "", "password": self._password, **fields}
        body = self._http.multipart(form, file, progress, charset=self._charset)
        resp = self._http.send("POST", self._api_url(), allow_redirects=False, retry=file is None, **body)
        self._charset = api.declared_charset(resp.content) or self._charset
        if resp.status_code == 404:
            raise CoppermineError(
                Code.NONE,
                f"{self.url} has no cpgAPI add-on (api/ answered 404); use web or auto mode (mode='web' or 'auto')",
            )
        maybe = " (the upload may or may not have been stored)" if file else ""
        try:
            reply = api.read_reply(resp.content)
        except api.NotXmlReply as exc:
            raise BadReply(
                f"{function}: {self.url}api/ answered HTTP {resp.status_code} with a page instead of cpgAPI XML{maybe}: "
                f"{exc.text}",
                url=self._api_url(),
                status=resp.status_code,
                junk=exc.text,
            ) from None
        if not api.is_complete(resp.content):
            raise ResponseCut(f"{function}: the reply from {self.url}api/ was cut short{maybe}", url=self._api_url())
        if reply.failed and reply.code == Code.AUTHENTICATION and self.username:
            self._web.mark_rejected()
            self._api_signed_in = False
            raise CoppermineError(
                Code.AUTHENTICATION,
                f"{function}: {reply.verbose or 'authentication failed'} for {self.username!r}; galleryk will not "
                "send this password again (failed logins can get your address banned): sign in again with the right "
                "password (in Python: login(password=...))",
            )
        self._api_signed_in = bool(self.username)  # the add-on checks the password first: it let this call through
        if reply.failed and reply.code == Code.NO_CATEGORIES and allow_empty:
            return None
        api.raise_for_failure(reply, function)
        return reply


def _file_key(url: object) -> str | None:
    """A stored picture's identity in its gallery: the path of its file (folder and name), unquoted."""
    if not isinstance(url, str) or not url:
        return None
    return unquote(urlsplit(url).path)


def _stored_as(stored: str, sent: str) -> bool:
    """Whether a gallery's file name ``stored`` may be the file sent as ``sent`` (characters it refuses become
    ``_``; a name already taken gets ``~N`` before the extension)."""

    def loose(name: str) -> tuple[str, str]:
        stem, dot, ext = name.rpartition(".")
        stem = stem if dot else name
        return re.sub(r"[^0-9a-z]", "_", stem.lower()), ext.lower() if dot else ""

    have, want = loose(stored), loose(sent)
    if have[1] != want[1]:
        return False
    return re.fullmatch(re.escape(want[0]) + r"(_\d+)?", have[0]) is not None


def _gallery_root(url: str) -> str:
    """The gallery's base URL ending in ``/``, without a trailing ``index.php``."""
    url = url.strip()
    if "://" not in url:
        raise ValueError(f"the gallery URL needs a scheme (https://...): {url!r}")
    parts = urlsplit(url)
    path = parts.path
    if path.endswith(".php"):
        path = path.rsplit("/", 1)[0] + "/"
    if not path.endswith("/"):
        path += "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_page(resp: requests.Response, what: str, *, listing: bool = False) -> None:
    """Raise for an error status, a page that is not the gallery's (a PHP fatal error with status 200),
    and a listing page cut short (which would silently drop rows)."""
    text = document(resp)
    if resp.status_code >= 500:
        raise HttpStatusError(
            f"{what}: HTTP {resp.status_code}: {pages.error_text(text)}", url=resp.url, status=resp.status_code
        )
    if resp.status_code >= 400:
        code = Code.ALBUM_REFUSED if resp.status_code in (403, 404) else Code.NONE
        raise CoppermineError(code, f"{what}: HTTP {resp.status_code}: {pages.error_text(text)}")
    cut = listing and b"</html>" not in resp.content[-2048:].lower()
    if cut and b"<html" in resp.content[:4096].lower():
        raise ResponseCut(f"{what}: the page was cut short (no </html>); not trusting a partial listing", url=resp.url)
    if not pages.is_gallery_page(text):
        said = pages.error_text(text)
        raise BadReply(
            f"{what}: the gallery answered a page that is not one of its own: {said}",
            url=resp.url,
            status=resp.status_code,
            junk=said,
        )
    if cut:
        raise ResponseCut(f"{what}: the page was cut short (no </html>); not trusting a partial listing", url=resp.url)


def _page_problem(resp: requests.Response) -> str | None:
    """The error message of a page that shows an error instead of content, if it says one."""
    msgs = pages.messages(html(resp))
    return " | ".join(msgs) if msgs else None
