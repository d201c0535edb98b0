"""The public Coppermine client: finds out which protocol a gallery speaks and serves both alike.

``mode="auto"`` probes ``<url>/api/`` with an unknown function: a cpgAPI ``<cpg>`` failure
(code 100) means the add-on is installed and uploads and the album tree go through it;
anything else (404, an HTML page) means a stock gallery, spoken to through its web pages.
Listings of pictures always come from the web pages, since the cpgAPI has no such call.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import pandas as pd
import requests

from .. import thumbcache
from ..errors import (
    BadReply,
    BadValue,
    ConnectionFailed,
    CoppermineError,
    HttpStatusError,
    RedirectRefused,
    ReplyTooLarge,
    ResponseCut,
    TransportError,
)
from ..frames.coppermine import album_row, albums_frame, photos_frame
from ..results import UploadResult
from ..transport import DEFAULT_DEADLINE, DEFAULT_MAX_REPLY, DEFAULT_STALL
from . import api, pages, tree
from .http import DEFAULT_TIMEOUT, Http
from .web import WebSession, banned, html

Source = str | os.PathLike | bytes | IO[bytes]
Progress = Callable[[int, int], Any]

MODES = ("auto", "api", "web")
DEFAULT_SEPARATOR = ";"
PROBE_ATTEMPTS = 3
PROBE_PAUSE = 0.5
PAGE_ATTEMPTS = 3
"""Reads of one listing page before a transient failure (cut, error page, 5xx) fails the listing."""
PAGE_PAUSE = 0.5
"""Seconds before the second read of a failed page (then twice that)."""
RECENT = "lastup"
"""The meta album of the newest pictures, newest first (``thumbnails.php?album=lastup``)."""
DEFAULT_RECENT = 50
_TRANSIENT = (ResponseCut, BadReply, HttpStatusError, ConnectionFailed)
log = logging.getLogger("galleryk.coppermine")
T = TypeVar("T")
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


class Coppermine:
    """A Coppermine gallery, through the cpgAPI add-on where it exists and the stock web pages otherwise.

    ``mode``: ``"auto"`` (probe ``api/`` once, on first use, and remember the answer in
    ``client.mode``), ``"api"`` (the cpgAPI add-on; raises if the gallery has none) or
    ``"web"`` (the pages of a stock Coppermine 1.5/1.6/1.7).

    Security: the cpgAPI sends the password with every call, and the known cpgAPI server code
    writes every posted field, the password included, to a debug file on the server; the
    web pages send it once per session. Give galleryk an account that can do little more
    than upload. Over plain http the password travels in the clear (a warning says so once).

    Listings (``photos``, ``photo_info``, ``download``) read the gallery's web pages in both
    modes, because the cpgAPI has no call that lists pictures.

    ``keyword_separator``: how the gallery separates keywords (its ``keyword_separator``
    setting); by default read off its upload form, else ``;``.

    Limits on what a broken or hostile server can cost: ``timeout`` (seconds to connect, and
    for each next byte: 30), ``deadline`` (seconds one page or call may take in all, retries
    included: 60), ``stall`` (seconds an upload may send nothing: 60) and ``max_reply``
    (bytes a page or reply may have: 64 MiB; downloads stream to disk uncapped). None turns
    one off. Sign-in and cpgAPI calls never follow redirects; pages follow them within the
    gallery's own address only.
    """

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
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.url = _gallery_root(url)
        self.username = username or None
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
        self._web = WebSession(self.url, self.username, self._password, self._http.send, self._rejected)
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
                    0,
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
            self.username = username or None
            self._password = password or ""
            self._api_signed_in = False
            self._http.transport.session.cookies.clear()  # the previous user's session ends here
            self._web = WebSession(self.url, self.username, self._password, self._http.send, self._rejected)
        if password and urlsplit(self.url).scheme == "http":
            _warn_plain_http(self.url)

    @property
    def signed_in(self) -> bool:
        """Whether the gallery has accepted this client's user and password: its pages show them signed in, or (api
        mode) a cpgAPI call with them succeeded (the cpgAPI checks the password on every call)."""
        return self._web.logged_in or self._api_signed_in

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
            allowed, why = self._upload_permissions()
            rows = [
                album_row(a.aid, a.title, a.categories, can_upload=None if allowed is None else a.aid in allowed)
                for a in listed
            ]
            df = albums_frame(
                rows,
                source="cpgAPI cpgAPI.catList"
                + ("" if allowed is None else "; can_upload: web page upload.php?single"),
            )
            df.attrs["can_upload"] = why
            return df
        return self._web_albums()

    def _upload_permissions(self) -> tuple[set[int] | None, str]:
        """The ids the upload form offers this user (api mode asks the web pages), or None and why not."""
        try:
            offered = self._web.upload_albums()
        except (CoppermineError, TransportError) as exc:
            return None, f"unknown: the gallery's upload form did not answer ({exc})"
        if offered is None:
            return set(), "from upload.php?single: no album is open to this user"
        return {a.aid for a in offered}, "from upload.php?single"

    def _category_page(self, cid: int, page: int = 1) -> pages.CategoryPage | None:
        params = {"cat": str(cid)} if page == 1 else {"cat": str(cid), "page": str(page)}
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
        offered = self._web.upload_albums()  # None: no upload form for this user (a guest, a viewers' group)
        allowed = {a.aid for a in offered} if offered is not None else set()
        rows = [album_row(a.aid, a.title, a.categories, can_upload=a.aid in allowed) for a in found]
        known = {a.aid for a in found}
        for a in offered or []:
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
        return albums_frame(
            rows, source="web pages: index.php?cat=N (tree), upload.php?single (albums open to uploads)"
        )

    def _album_id(self, album: int | str) -> int:
        if isinstance(album, bool):
            raise TypeError("album must be an album id or its exact title")
        if isinstance(album, int) or (hasattr(album, "__index__") and not isinstance(album, str)):
            return int(album)
        if isinstance(album, str) and album.strip().isdigit():
            return int(album)
        df = self.albums()
        hits = df[df["title"] == album]
        if len(hits) == 1:
            return int(hits["id"].iloc[0])
        if len(hits) > 1:
            raise CoppermineError(
                0,
                f"{len(hits)} albums are titled {album!r} (ids {', '.join(map(str, hits['id']))}); name the album "
                "by its id instead",
            )
        titles = ", ".join(repr(t) for t in df["title"].head(12))
        raise CoppermineError(19, f"no album titled {album!r} among the albums you see: {titles}")

    def photos(self, album: int | str, limit: int | None = None) -> pd.DataFrame:
        """The pictures of an album, read from its ``thumbnails.php`` pages (the cpgAPI cannot list them).

        Columns: pid, album, title, caption, filename, thumb_url, url (full size), page_url.
        Pages after the first are fetched concurrently; ``limit`` stops early. A page that fails
        on the way (cut short, an error page, a 5xx) is read again twice before the listing fails.
        """
        aid = self._album_id(album)
        what = f"thumbnails.php?album={aid}"
        found = self._listing(lambda page: self._thumb_page({"album": str(aid)}, page, what, aid), limit)
        df = photos_frame(found, source=f"web pages: {what} (the cpgAPI has no listing call)")
        return thumbcache.tag_listing(df, self)  # so df.galleryk.thumbnails() can fetch through this client

    def recent_photos(
        self, album: int | str | None = None, limit: int = DEFAULT_RECENT, *, category: int | None = None
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
        aid = self._album_id(album) if album is not None else None
        params = {"album": RECENT}
        if aid is not None:
            params["cat"] = str(-aid)
        elif category is not None:
            params["cat"] = str(int(category))
        what = "thumbnails.php?" + "&".join(f"{k}={v}" for k, v in params.items())
        found = self._listing(lambda page: self._thumb_page(params, page, what, aid, recent=True), limit)
        df = photos_frame(found, source=f"web pages: {what} (newest first, approved pictures only)")
        return thumbcache.tag_listing(df, self)

    def _listing(self, fetch: Callable[[int], pages.ThumbPage], limit: int | None) -> list[dict]:
        """The rows of a paged listing: page 1, then (concurrently) the pages up to ``limit`` or the last one."""
        first = fetch(1)
        found = list(first.photos)
        if limit is None or len(found) < limit:
            per_page = max(len(first.photos), 1)
            last = first.pages
            if limit is not None:
                last = min(last, -(-limit // per_page))
            rest = list(range(2, last + 1))
            if rest:
                with ThreadPoolExecutor(max_workers=min(self.workers, len(rest))) as pool:
                    for page in pool.map(fetch, rest):
                        found.extend(page.photos)
        seen: set[int] = set()
        unique = [p for p in found if not (p["pid"] in seen or seen.add(p["pid"]))]
        return unique if limit is None else unique[:limit]

    def _thumb_page(
        self, params: dict[str, str], page: int, what: str, aid: int | None, recent: bool = False
    ) -> pages.ThumbPage:
        """One ``thumbnails.php`` page, read again after a transient failure."""
        label = f"{what}&page={page}"

        def read() -> pages.ThumbPage:
            resp = self._web.page("thumbnails.php", {**params, "page": str(page)})
            _check_page(resp, label, listing=True)
            text = html(resp)
            doc = pages.parse(text)
            result = pages.thumbnails(doc, resp.url, album=aid)
            if not result.photos:
                ban = pages.ban_message(doc)
                if ban:
                    raise banned(label, ban)
                problem = pages.die_message(doc)
                if problem is not None:  # an error box; a bare notice ("No image to display") is an empty album
                    raise CoppermineError(19, f"{label}: {problem}")
                if recent and aid is not None and not pages.links_album(doc, aid):
                    # 1.6 draws "No image to display" for an unknown album too, but links none in the breadcrumb
                    raise CoppermineError(19, f"{label}: the gallery has no album {aid}")
            if recent:
                for row in result.photos:
                    row["album"] = aid  # the meta album's links name "lastup", not the picture's album
            return result

        return self._read_again(label, read)

    def _read_again(self, what: str, read: Callable[[], T]) -> T:
        """``read()``, tried up to PAGE_ATTEMPTS times when it fails in a way that may pass (never for a reply
        over the size cap or a refused redirect, which would fail the same way)."""
        for attempt in range(PAGE_ATTEMPTS):
            try:
                return read()
            except (ReplyTooLarge, RedirectRefused, BadValue):
                raise
            except _TRANSIENT as exc:
                if attempt == PAGE_ATTEMPTS - 1:
                    raise
                log.info("%s failed (%s); reading it again", what, exc)
            time.sleep(PAGE_PAUSE * (attempt + 1))
        raise AssertionError("unreachable")

    def photo_info(self, pid: int) -> dict:
        """Title, caption, keywords (list), filename, url (full size) and more of one picture, from displayimage.php."""
        resp = self._web.page("displayimage.php", {"pid": str(int(pid))})
        _check_page(resp, f"displayimage.php?pid={pid}")
        info = pages.picture(html(resp), resp.url, pid=int(pid))
        if info["filename"] is None and info["url"] is None:
            raise CoppermineError(19, f"picture {pid}: {_page_problem(resp) or 'the page shows no picture'}")
        shown = info.pop("shown_pid", None)
        if shown is not None and shown != int(pid):
            # 1.6 answers a picture it does not show you (awaiting approval) with the one at its place in the album
            raise CoppermineError(
                19,
                f"picture {pid}: the gallery shows another picture ({shown}) in its place; "
                f"{pid} is not visible to you (it may await an admin's approval, or be gone)",
            )
        if info["url"] is None and info["fullsize_page"]:
            full = self._web.page(info["fullsize_page"])
            info["url"] = pages.fullsize_image(html(full), full.url)
        info["source"] = f"web page: displayimage.php?pid={pid}"
        return info

    def download(self, pid: int, dest: str | os.PathLike | None = None) -> Path:
        """Save the full-size original of a picture; ``dest`` is a folder or a file path (default: current folder)."""
        info = self.photo_info(pid)
        url = info["url"]
        if not url:
            raise CoppermineError(19, f"picture {pid}: no link to the original on its page")
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
        pid = thumbcache.photo_field(photo, "pid", "id")
        if pid is None or isinstance(pid, bool) or not str(pid).strip().isdigit():
            raise ValueError(f"thumbnail needs a picture id (pid) or a row of photos(), not {pid!r}")
        pid = int(pid)
        given = thumbcache.photo_field(photo, "thumb_url") if thumbcache.is_row(photo) else None
        key = thumbcache.ThumbKey(f"coppermine {self.url}", self.username or "", str(pid), size)
        return thumbcache.default_cache().fetch(key, lambda: self._fetch_thumbnail(pid, given, size))

    def _fetch_thumbnail(self, pid: int, thumb_url: str | None, size: int) -> bytes:
        full = None
        if not thumb_url:
            full = self.photo_info(pid)["url"]
            if not full:
                raise CoppermineError(19, f"picture {pid}: its page links no image")
            folder, _, name = full.rpartition("/")
            thumb_url = f"{folder}/{pages.THUMB_PREFIX}{name}"
        self._web.ensure_login()
        resp = self._http.send("GET", thumb_url, retry=True)
        if resp.status_code == 404 and full is None:
            full = self.photo_info(pid)["url"]
        if resp.status_code == 404 and full:  # no thumb_ file (a gallery made without them): the picture itself
            resp = self._http.send("GET", full, retry=True)
        if resp.status_code >= 400:
            raise CoppermineError(
                19 if resp.status_code in (403, 404) else 0,
                f"picture {pid}: its thumbnail answered HTTP {resp.status_code}",
            )
        try:
            return thumbcache.downscale(resp.content, size)
        except ValueError as exc:
            raise CoppermineError(0, f"picture {pid}: its thumbnail is {exc}") from None

    # -- changes -------------------------------------------------------------------------
    def create_album(self, title: str, category: int | None = None) -> int:
        """Create an album in ``category`` (default: your personal gallery); return its id.

        In both modes this is the gallery's own album manager page: the cpgAPI has no call for it,
        and sits on a stock gallery whose pages are there.
        """
        if not self.username:
            raise CoppermineError(
                18,
                "creating an album needs a signed-in user: sign in with a user name and password "
                "(in Python: Coppermine(url, username, password))",
            )
        if category is None:
            category = self._web.personal_category()
            if category is None:
                raise CoppermineError(
                    0,
                    "cannot find your personal gallery's category on the pages; name the category "
                    "to create the album in (in Python: category=)",
                )
        category = int(category)
        before = self._albums_titled(title, category)

        def lookup() -> int | None:
            """After a lost or cut reply: the album the gallery made, if it made one."""
            new = sorted(set(self._albums_titled(title, category)) - set(before))
            return new[-1] if new else None

        return self._web.create_album(category, title, len(before), lookup)

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
        album: int | str,
        title: str | None = None,
        description: str | None = None,
        tags: list[str] | str | None = None,
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
        aid = self._album_id(album)
        opener, name, size = _opener(source, filename)
        keywords = self._keywords(tags)
        started = time.monotonic()
        if self.mode == "api":
            fields = {"aid": str(aid), "title": title or "", "description": description or "", "keywords": keywords}
            with opener() as fh:
                reply = self._api("cpgAPI.upload", fields, file=("file", name, fh), progress=progress)
            pid: int | None = api.upload_pid(reply)
            status = "uploaded"
        else:

            @contextlib.contextmanager
            def body(token: pages.FormToken) -> Iterator[dict]:
                fields = {
                    "method": "upload_sgl",
                    "album": str(aid),
                    "form_token": token.form_token,
                    "timestamp": token.timestamp,
                    "title": title or "",
                    "caption": description or "",
                    "keywords": keywords,
                }
                with opener() as fh:
                    yield self._http.multipart(fields, ("Filedata", name, fh), progress)

            pid, status = self._web.upload(body, aid)
        return UploadResult(
            id=str(pid) if pid is not None else None,
            status=status,
            service="coppermine",
            album=str(aid),
            title=title or None,
            filename=name,
            bytes=size,
            seconds=time.monotonic() - started,
            url=f"{self.url}displayimage.php?pid={pid}" if pid is not None else None,
        )

    @property
    def keyword_separator(self) -> str:
        """The gallery's keyword separator: as its upload form names it once seen, else ``;`` (1.6's default)."""
        return self._separator or self._web.keyword_separator or DEFAULT_SEPARATOR

    def _keywords(self, tags: list[str] | str | None) -> str:
        sep = self.keyword_separator
        words = tags.split() if isinstance(tags, str) else [str(t) for t in tags or []]
        # a tag holding the separator itself would be split: the separator becomes "_" there
        joined = ["_".join(" ".join(t.split()).split(sep)) if sep != " " else "_".join(t.split()) for t in words]
        return sep.join(t for t in joined if t)

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
                18,
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
                0, f"{self.url} has no cpgAPI add-on (api/ answered 404); use web or auto mode (mode='web' or 'auto')"
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
        if reply.failed and reply.code == 18 and self.username:
            self._web.mark_rejected()
            self._api_signed_in = False
            raise CoppermineError(
                18,
                f"{function}: {reply.verbose or 'authentication failed'} for {self.username!r}; galleryk will not "
                "send this password again (failed logins can get your address banned): sign in again with the right "
                "password (in Python: login(password=...))",
            )
        self._api_signed_in = bool(self.username)  # the add-on checks the password first: it let this call through
        if reply.failed and reply.code == 23 and allow_empty:
            return None
        api.raise_for_failure(reply, function)
        return reply


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
    text = html(resp)
    if resp.status_code >= 500:
        raise HttpStatusError(
            f"{what}: HTTP {resp.status_code}: {pages.error_text(text)}", url=resp.url, status=resp.status_code
        )
    if resp.status_code >= 400:
        code = 19 if resp.status_code in (403, 404) else 0
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


_MAGIC = [(b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF8", "gif"), (b"RIFF", "webp")]


def _sniff(head: bytes) -> str:
    for magic, ext in _MAGIC:
        if head.startswith(magic):
            return ext
    return "bin"


def _opener(source: Source, filename: str | None) -> tuple[Callable[[], IO[bytes]], str, int | None]:
    """A function giving a fresh readable stream of ``source`` (for a retry), the file name to send, and its size.

    Paths are opened lazily and streamed; nothing is read into memory here.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"no such file to upload: {path}")
        return (lambda: open(path, "rb")), filename or path.name, path.stat().st_size
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = source if isinstance(source, bytes) else bytes(source)
        return (lambda: io.BytesIO(data)), filename or f"upload.{_sniff(data[:16])}", len(data)
    if hasattr(source, "read"):
        fh = source
        if not _seekable(fh):
            # the multipart body announces its length, and a refused form token means sending it twice
            raise ValueError("upload needs a path, bytes or a seekable binary file object; this one cannot seek")
        start = fh.tell()
        name = filename or os.path.basename(str(getattr(fh, "name", "") or "")) or None
        if name is None:
            head = fh.read(16)
            fh.seek(start)
            name = f"upload.{_sniff(head)}"
        size = fh.seek(0, os.SEEK_END) - start
        fh.seek(start)

        def reopen() -> IO[bytes]:
            fh.seek(start)
            return _Unclosing(fh, size)

        return reopen, name, size
    raise TypeError(f"source must be a path, bytes or a binary file object, not {type(source).__name__}")


def _seekable(fh: Any) -> bool:
    try:
        return bool(fh.seekable())
    except (AttributeError, ValueError):
        return False


class _Unclosing(io.RawIOBase):
    """The caller's file object from its current position, which our ``with`` blocks do not close.

    ``len`` (the bytes to send) and ``tell`` (the bytes sent) are what the multipart encoder asks.
    """

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self._fh = fh
        self.len = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._pos += len(data)
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)
