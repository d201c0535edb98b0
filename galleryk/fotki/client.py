"""The Fotki client: every documented method under a Pythonic name, listings as DataFrames.

    fotki = Fotki(api_key, secret)            # endpoints default to api.fotki.com / secure.fotki.com
    fotki.login()                             # a link to approve; then fotki.finish_login()
    sets = fotki.albums()                     # the photosets, as a DataFrame
    photos = fotki.photos(sets.id[0])
    fotki.upload("IMG_0001.jpg", album="Trip", tags=["sea", "boats"])

How it talks to the service: method URLs are ``{api_url}/{method_with_underscores}``; auth
calls go to ``auth_url`` with ``method=flickr.auth.*``; every call is signed and carries the
token when there is one. Reads are GET (retried on 5xx and connection errors), writes and
uploads are POST (never retried). Paged listings ask for ``page``/``per_page`` (500), fetch
page 1 then the rest concurrently, and stop at ``pages`` or at the first empty page.
Any other Flickr-style service works by passing its endpoints.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pandas as pd
import requests
from lxml import etree

from ..base.errors import AlbumNotFound, AmbiguousAlbum, BadValue, HttpStatusError, NotSignedIn, Reason
from ..base.names import check_album_name, check_text
from ..base.numbers import whole_number
from ..base.results import UploadResult
from ..frames.fotki import chunks_frame, info_values, infos_frame, page_chunk, photoset_rows, photosets_frame_of_rows
from ..media import thumbcache
from ..services import paging
from ..services.contract import AlbumRef, Capabilities, PhotoRef, Progress, Service, Source, photo_id
from ..services.once import make_once
from ..services.registry import tag_listing
from ..transport import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_REPLY,
    DEFAULT_STALL,
    DEFAULT_TIMEOUT,
    Transport,
    UploadSource,
    mask_url,
)
from . import auth
from .errors import Code, FotkiAuthError, FotkiError, FotkiNotFound
from .replies import parse_reply, upload_id
from .signing import signed
from .tags import tags_text
from .tokencache import CachedToken, CacheKey, FileTokenCache, MemoryTokenCache, TokenCache

DEFAULT_API_URL = "https://api.fotki.com/v2flkr"
DEFAULT_AUTH_URL = "https://secure.fotki.com/api_auth"
MAX_PER_PAGE = 500
MAX_WORKERS = 16
"""Pages of one listing fetched at once, at most (fewer when the listing is short or a rate limit is set)."""
FORMATS = ("xml", "json")
_NOT_RETRIED = frozenset({"flickr.auth.getToken"})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})
_T = TypeVar("_T")
DEFAULT_RECENT = 50
FLICKR_CALLS_PER_HOUR = 3600.0
"""What the Flickr family allows one api key (about 3,600 calls an hour)."""
_FLICKR_CALLS = {
    "edit_photo": ("flickr.photos.setMeta", "flickr.photos.setTags"),
    "delete_photo": ("flickr.photos.delete",),
}
"""Flickr's calls for what Fotki's documented API cannot do; asked for once per client before they are used."""


def dotted(method: str) -> str:
    """``flickr_photos_getInfo`` -> ``flickr.photos.getInfo`` (documented names hold no other underscore)."""
    return method.replace("_", ".")


def _is_read(method: str) -> bool:
    last = method.rsplit(".", 1)[-1]
    return last.startswith(("get", "check", "search"))


class Fotki(Service):
    """A Fotki account (or any Flickr-style service) through its public API.

    ``format``: "xml" (default) or "json"; both give the same results. ``token``: a token you
    already have. ``user``: which cached identity to use (tokens are cached per endpoint,
    api_key and user). ``token_cache``: a :class:`~galleryk.fotki.tokencache.TokenCache`,
    "file" (``$GALLERYK_CACHE_DIR/tokens``, ``$XDG_CACHE_HOME/galleryk/tokens`` or
    ``~/.cache/galleryk/tokens``; the default) or "memory" (the default for loopback endpoints
    such as a sandbox, so tests and demos never write tokens into a home directory). ``timeout``:
    seconds or (connect, read). ``max_workers``: the most pages a listing fetches at once; after
    page 1 a listing uses one thread a page up to that, fewer when ``calls_per_hour`` paces the
    calls (stay under a rate: Flickr-style services allow ~3600). ``workers``: threads for
    batches of single-photo calls (:meth:`photo_infos`). ``deadline`` (seconds per call,
    retries included), ``stall`` (seconds an upload may make no progress) and ``max_reply``
    (bytes per reply) bound what a broken server can cost; see
    :class:`~galleryk.transport.Transport` for the defaults.

    Extras beyond the service contract: the frob flow (``login``, ``get_frob``, ``auth_url``,
    ``get_token``, ``check_token``, ``finish_login``, ``logout``), ``photosets(user_id=)`` (anyone's
    photosets), ``create_photoset``, ``add_to_photoset``, ``edit_photoset``, ``delete_photoset``
    and ``call()`` for any other method.
    """

    service = "fotki"
    name = "Fotki"
    album_noun = "photoset"
    capabilities = Capabilities(
        sign_in="approval",
        loose_photos=True,
        album_needs_photo=True,
        adds_to_album=True,
        edit_albums=True,
        delete_albums=True,
        keeps_add_order=True,
    )

    def __init__(
        self,
        api_key: str,
        secret: str,
        token: str | None = None,
        api_url: str = DEFAULT_API_URL,
        auth_url: str = DEFAULT_AUTH_URL,
        *,
        format: str = "xml",
        user: str | None = None,
        token_cache: TokenCache | str | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 3,
        workers: int = 4,
        per_page: int = MAX_PER_PAGE,
        calls_per_hour: float | None = None,
        transport: Transport | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        stall: float | None = DEFAULT_STALL,
        max_reply: int | None = DEFAULT_MAX_REPLY,
        max_workers: int = MAX_WORKERS,
    ) -> None:
        if not api_key or not secret:
            raise ValueError("Fotki needs an api_key and a secret")
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
        self.api_key = api_key
        self._secret = secret
        self.api_url = api_url.rstrip("/")
        self.auth_endpoint = auth_url.rstrip("/")
        self.format = format
        self.user = user
        self.workers = max(1, int(workers))
        self.max_workers = max(1, int(max_workers))
        self.per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        self.transport = transport or Transport(
            timeout=timeout,
            retries=retries,
            pool_size=max(self.workers * 2, self.max_workers, 8),
            calls_per_hour=calls_per_hour,
            deadline=deadline,
            stall=stall,
            max_reply=max_reply,
        )
        self.token_cache = _make_cache(token_cache, self.auth_endpoint)
        self._token: CachedToken | None = CachedToken(token) if token else None
        self._token_from_cache = False
        self._cache_checked = token is not None
        self._pending: auth.PendingLogin | None = None
        self._lock = threading.RLock()
        self._set_urls: dict[int, str] = {}  # photoset id -> its page, as photosets.create named it
        self._answers: dict[str, bool] = {}  # operation -> whether the service answers its Flickr calls

    # -- identity --------------------------------------------------------------------------------
    def __repr__(self) -> str:
        token = self._token
        who = f"{token.username or 'token'} ({token.perms or 'perms unknown'})" if token else "not signed in"
        key = self.api_key if len(self.api_key) <= 10 else f"{self.api_key[:4]}…{self.api_key[-4:]}"
        return f"<galleryk Fotki {self.api_url} api_key={key} {who}>"

    @property
    def signed_in(self) -> bool:
        """Whether the client holds a token (given, cached or from a login); :meth:`check_token` asks the service."""
        return self._current_token() is not None

    @property
    def endpoint(self) -> str:
        """The API's base URL."""
        return self.api_url

    def whoami(self) -> str | None:
        """The signed-in user's name; a token given without one is checked with the service once."""
        if self.username is None and self.signed_in:
            return self.check_token().username or None
        return self.username

    def sign_out(self) -> None:
        """Forget the token here and in the token cache (as :meth:`logout`)."""
        self.logout()

    @property
    def username(self) -> str | None:
        """The signed-in user's name, when the service told us."""
        token = self._current_token()
        return (token.username or None) if token else None

    @property
    def perms(self) -> str | None:
        """The permission the token carries (read, write, delete), when known."""
        token = self._current_token()
        return (token.perms or None) if token else None

    def _key(self, user: str | None = None) -> CacheKey:
        return CacheKey(self.auth_endpoint, self.api_key, (self.user or "") if user is None else user)

    def _current_token(self) -> CachedToken | None:
        with self._lock:
            if self._token is None and not self._cache_checked:
                self._cache_checked = True
                cached = self.token_cache.get(self._key())
                if cached is not None and cached.token:
                    self._token, self._token_from_cache = cached, True
            return self._token

    def _keep(self, token: CachedToken) -> None:
        with self._lock:
            self._token, self._token_from_cache, self._cache_checked = token, False, True
            self.token_cache.set(self._key(), token)
            if token.username and token.username != (self.user or ""):
                self.token_cache.set(self._key(token.username), token)

    def _forget(self) -> None:
        with self._lock:
            token = self._current_token()  # read from the cache if not yet, so its per-user copy goes too
            self.token_cache.forget(self._key())
            if token is not None and token.username:
                self.token_cache.forget(self._key(token.username))
            self._token, self._token_from_cache, self._cache_checked = None, False, True

    def _require_token(self, what: str) -> None:
        if not self.signed_in:
            raise NotSignedIn(
                f"{what} needs a signed-in client: call login() (or pass a token) first",
                service=self.service,
                how=self.capabilities.sign_in,
            )

    # -- raw calls ---------------------------------------------------------------------------------
    def call(self, method: str, **params: Any) -> etree._Element | None:
        """Call any method by name (dotted or underscored) and return the reply's body element (None if empty).

        Reads (``get*``, ``check*``) go as GET, everything else as POST. Raises FotkiError
        (with the service's code and message) or TransportError.
        """
        return self._call(method, params)

    def _call(self, method: str, params: dict[str, Any], *, http_method: str | None = None) -> etree._Element | None:
        return self._receive(self._send(method, params, http_method=http_method))

    def _send(self, method: str, params: dict[str, Any], *, http_method: str | None = None) -> _Sent:
        """Sign and send one call; :meth:`_receive` reads the reply (a listing may read it in another thread)."""
        name = dotted(method)
        full: dict[str, Any] = {"api_key": self.api_key, **params}
        if name.startswith("flickr.auth."):
            url = self.auth_endpoint
            full["method"] = name
        else:
            url = f"{self.api_url}/{name.replace('.', '_')}"
        if self.format == "json":
            full["format"] = "json"
        token = self._current_token() if "auth_token" not in params else None
        if token is not None and name not in ("flickr.auth.getFrob", "flickr.auth.getToken"):
            full["auth_token"] = token.token
        elif (
            token is None and "auth_token" not in params and not name.startswith("flickr.auth.") and not _is_read(name)
        ):
            self._require_token(name)  # a write without a token is refused (99): never sent unsigned, say so here
        query = signed(self._secret, full)
        verb = (http_method or ("GET" if _is_read(name) else "POST")).upper()
        retry = False if name in _NOT_RETRIED else None
        if verb == "GET":
            resp = self.transport.request("GET", url, params=query, retry=retry, what=name)
        else:
            resp = self.transport.request(verb, url, data=query, retry=retry, what=name)
        return _Sent(resp, name, url, query if verb == "GET" else None, "auth_token" in full)

    def _receive(self, sent: _Sent) -> etree._Element | None:
        try:
            return self._read(sent.response, sent.name, mask_url(sent.url, sent.query))
        except FotkiAuthError as exc:
            if exc.code == Code.INVALID_TOKEN and sent.with_token and self._token_from_cache:
                self._forget()
                raise FotkiAuthError(
                    exc.code, f"{exc.message} (the cached token was dropped; call login())", sent.name
                ) from None
            raise

    def _read(self, resp: requests.Response, method: str, masked: str) -> etree._Element | None:
        if resp.status_code >= 500:
            Transport.check_status(resp, f"{method}: the server failed")
        try:
            return parse_reply(resp.content, self.format, method=method, url=masked)
        except FotkiError as exc:
            if exc.reason is Reason.RATE_LIMITED:  # the service's own "too many requests": the client's one pause
                gate = self.transport.gate
                gate.refused(None, gate.now(), f"{resp.request.method if resp.request else 'POST'} {method}")
            raise
        except Exception:
            if resp.status_code >= 400:
                raise HttpStatusError(
                    f"{method}: HTTP {resp.status_code} {resp.reason or ''}".rstrip(),
                    url=masked,
                    status=resp.status_code,
                ) from None
            raise

    # -- auth ----------------------------------------------------------------------------------------
    def get_frob(self) -> str:
        """Step 1 of the frob flow: a new frob (flickr.auth.getFrob)."""
        return auth.frob_from(self._call("flickr.auth.getFrob", {}))

    def auth_url(self, frob: str, perms: str = "write") -> str:
        """Step 2: the approval page for ``frob`` with ``perms`` (read, write or delete)."""
        return auth.approval_url(self.auth_endpoint, self.api_key, self._secret, frob, perms)

    def get_token(self, frob: str) -> CachedToken:
        """Step 3: trade an approved frob for a token; the client keeps it (and caches it)."""
        token = auth.token_from(self._call("flickr.auth.getToken", {"frob": frob}))
        if not token.token:
            raise FotkiAuthError(
                Code.INVALID_TOKEN, "flickr.auth.getToken returned an empty token", "flickr.auth.getToken"
            )
        self._keep(token)
        return token

    def check_token(self) -> CachedToken:
        """The current token as the service sees it (flickr.auth.checkToken); FotkiAuthError if invalid."""
        token = self._current_token()
        if token is None:
            raise FotkiAuthError(Code.INVALID_TOKEN, "not signed in: call login() first", "flickr.auth.checkToken")
        checked = auth.token_from(self._call("flickr.auth.checkToken", {}), "flickr.auth.checkToken")
        checked = CachedToken(token.token, checked.perms, checked.user_id, checked.username, checked.fullname)
        with self._lock:
            self._token = checked
        return checked

    def login(self, perms: str = "write", *, open_browser: bool = False) -> auth.PendingLogin:
        """Start signing in: returns a PendingLogin whose ``url`` the user opens to approve.

        A valid cached token with enough permission is used at once (the result is then
        ``done``). In a terminal, ``open_browser=True`` opens the page and waits for Enter; in
        Jupyter it only opens the page. Finish with ``.finish()``, ``.wait()`` or
        :meth:`finish_login`.
        """
        auth.check_perms(perms)
        if self._current_token() is not None:
            try:
                token = self.check_token()
            except FotkiAuthError:
                self._forget()
            else:
                if auth.perm_level(token.perms) >= auth.perm_level(perms):
                    self._keep(token)
                    self._pending = auth.PendingLogin(None, None, None, perms, token)
                    return self._pending
        frob = self.get_frob()
        pending = auth.PendingLogin(self.get_token, frob, self.auth_url(frob, perms), perms)
        self._pending = pending
        if open_browser:
            pending.open_browser()
            if not auth.in_ipython():
                print(f"Approve galleryk in your browser: {pending.url}")
                input("Press Enter once you have said yes... ")
                pending.finish()
        return pending

    def finish_login(self) -> CachedToken:
        """Finish the login started by :meth:`login` (after the user approved it)."""
        if self._pending is None:
            raise FotkiAuthError(Code.INVALID_FROB, "no login in progress: call login() first", "flickr.auth.getToken")
        return self._pending.finish()

    def logout(self) -> None:
        """Forget the token here and in the token cache (the service keeps it valid until revoked there)."""
        self._forget()
        self._pending = None

    # -- listings ------------------------------------------------------------------------------------
    def photosets(self, user_id: int | str | None = None) -> pd.DataFrame:
        """The photosets of ``user_id`` (default: yours) as a DataFrame: id, title, description, photos,
        can_upload (True for your own, <NA> for another user's), primary, farm."""
        if user_id is None:
            self._require_token("listing your photosets")
        params = {} if user_id is None else {"user_id": user_id}
        pages = self._walk("flickr.photosets.getList", params, None, read=photoset_rows)
        df = photosets_frame_of_rows(row for rows in pages for row in rows)
        if user_id is None:
            df["can_upload"] = pd.array([True] * len(df), dtype="boolean")  # a user may add photos to their own sets
        df.attrs["source"] = "fotki flickr.photosets.getList"
        return df

    def albums(self) -> pd.DataFrame:
        """Your photosets: the same table as :meth:`photosets` (linked to this client, so it can be planned)."""
        return tag_listing(self.photosets(), self)

    def photos(self, album: AlbumRef | None = None, limit: int | None = None, *, details: bool = False) -> pd.DataFrame:
        """The photos of a photoset (id or exact title), or with none given your photos in no set (getNotInSet).

        Columns: id, album_id, title, description, tags, taken (<NA>, None and NaT: the listing does
        not say them; ``details=True`` reads them with getInfo, one call per photo), owner, ispublic,
        isfriend, isfamily, isprimary, plus any attribute the service adds. ``limit`` stops after
        that many rows.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must not be negative, not {limit}")
        if album is None:
            self._require_token("listing your photos that are in no set")
            method, params, set_id = "flickr.photos.getNotInSet", {}, None
            source = "fotki flickr.photos.getNotInSet"
        else:
            set_id = self.resolve_album(album)
            method, params = "flickr.photosets.getPhotos", {"photoset_id": set_id}
            source = f"fotki flickr.photosets.getPhotos photoset_id={set_id}"
        # each page becomes compact columns as it comes in, while other pages are on the way
        pages = self._walk(method, params, limit, read=page_chunk, size=_chunk_rows)
        df = chunks_frame(pages, album_id=set_id)
        if limit is not None and len(df) > limit:
            df = df.iloc[:limit]
        if details and len(df):
            infos = self.photo_infos(df["id"].tolist())
            for column in ("description", "tags", "taken"):
                df[column] = infos[column].to_numpy()
        df.attrs["source"] = source + (" + flickr.photos.getInfo" if details else "")
        tag_listing(df, self)  # so df.galleryk.thumbnails() can fetch through this client
        return df

    def recent_photos(self, album: AlbumRef | None = None, limit: int = DEFAULT_RECENT) -> pd.DataFrame:
        """The newest photos first: without ``album`` your photos in no set (where an upload is before it is put
        in a set; getNotInSet lists newest first), else the photos last added to the photoset (its last pages,
        newest first). Reads only the pages ``limit`` needs."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive number of photos, not {limit!r}")
        if album is None:
            return self.photos(None, limit=limit)
        set_id = self.resolve_album(album)
        per_page = min(self.per_page, max(limit, 1))
        params = {"photoset_id": set_id, "per_page": per_page}
        first = self._call("flickr.photosets.getPhotos", {**params, "page": 1})
        pages = _paging_int({"pages": first.get("pages") if first is not None else None}, "pages", "getPhotos") or 1
        chunks = []
        for number in range(pages, 0, -1):  # the set's order is the order photos were added: newest last
            body = first if number == 1 else self._call("flickr.photosets.getPhotos", {**params, "page": number})
            if body is not None:
                chunks.append(page_chunk(body))
            if sum(c[0] for c in chunks) >= limit:
                break
        df = chunks_frame(reversed(chunks), album_id=set_id).iloc[::-1].head(limit).reset_index(drop=True)
        df.attrs["source"] = f"fotki flickr.photosets.getPhotos photoset_id={set_id}, last pages first"
        return tag_listing(df, self)

    def _walk(
        self,
        method: str,
        params: dict[str, Any],
        limit: int | None,
        read: Callable[[etree._Element], _T],
        size: Callable[[_T], int] = len,  # type: ignore[assignment]  # _T is sized for the callers that omit it
    ) -> list[_T]:
        """A paged listing through the one pager (:func:`galleryk.services.paging.walk`): page 1, then the rest
        concurrently; stops at ``pages``, an empty page or ``limit``. ``read(page)`` for each page that holds
        rows (``size`` of it: how many), parsed in the fetching threads (or two parsing ones, when many fetch)."""
        per_page = self.per_page if limit is None else max(1, min(self.per_page, limit))

        def read_page(sent: _Sent) -> paging.Page[_T]:
            body = self._receive(sent)
            if body is None:
                return paging.Page(None, 0)
            value = read(body)
            got = size(value)
            pages = _paging_int({"pages": body.get("pages")}, "pages", method)
            perpage = _paging_int({"perpage": body.get("perpage")}, "perpage", method) or per_page
            return paging.Page(value if got else None, got, pages, perpage)

        def send(page: int) -> _Sent:
            return self._send(method, {**params, "page": page, "per_page": per_page})

        return paging.walk(
            send, read_page, limit=limit, per_page=per_page, workers=self.page_workers, thread_name="galleryk-fotki"
        )

    def page_workers(self, pages: int, round_trip: float) -> int:
        """Threads a listing uses for ``pages`` more pages, given page 1's round trip: one a page up to
        ``max_workers``; with a rate limit, only as many as keep its pace (more would wait on the limiter)."""
        workers = min(self.max_workers, pages)
        limiter = self.transport.limiter
        if limiter is not None:
            workers = min(workers, math.ceil(round_trip / limiter.interval) + 1)
        return max(1, workers)

    def photo_info(self, photo: PhotoRef) -> dict[str, Any]:
        """Everything getInfo says about one photo, typed: id, album_id (None: getInfo does not say), title,
        description, tags (list), taken, page_url (the photo's page), original_url, owner, visibility flags,
        posted/lastupdate, and the raw ``urls``."""
        pid = photo_id(photo)
        body = self._call("flickr.photos.getInfo", {"photo_id": str(pid)})
        if body is None or body.tag != "photo":
            raise FotkiNotFound(1, f"no photo in the reply for {pid}", "flickr.photos.getInfo")
        row = info_values(body)  # one photo: typed values straight from the element, no DataFrame
        row["urls"] = {u.get("type") or "": (u.text or "").strip() for u in body.iterfind("urls/url")}
        return row

    def photo_infos(self, photos: Iterable[PhotoRef], workers: int | None = None) -> pd.DataFrame:
        """getInfo for many photos at once (``workers`` at a time, default the client's) as a DataFrame."""
        ids = [str(photo_id(p)) for p in photos]

        def fetch(pid: str) -> etree._Element | None:
            return self._call("flickr.photos.getInfo", {"photo_id": pid})

        threads = max(1, min(workers or self.workers, len(ids) or 1))
        with ThreadPoolExecutor(threads, thread_name_prefix="galleryk-fotki") as pool:
            bodies = list(pool.map(fetch, ids))
        df = infos_frame(b for b in bodies if b is not None)
        df.attrs["source"] = "fotki flickr.photos.getInfo"
        return df

    # -- photosets -------------------------------------------------------------------------------------
    def create_photoset(self, title: str, primary_photo_id: int | str, description: str | None = None) -> int:
        """Create a photoset holding ``primary_photo_id``; return its id. Sends ``btitle`` (the doc) and ``title``."""
        if not title or not str(title).strip():
            raise ValueError("a photoset needs a title")
        check_album_name(title, "title")
        check_text("description", description)
        params = {"btitle": title, "title": title, "primary_photo_id": _id_text(primary_photo_id, "primary_photo_id")}
        if description is not None:
            params["description"] = description
        body = self._call("flickr.photosets.create", params)
        set_id = whole_number(body.get("id")) if body is not None else None
        if set_id is None:
            raise FotkiError(0, "the reply names no photoset id", "flickr.photosets.create")
        if body is not None and body.get("url"):
            self._set_urls[set_id] = str(body.get("url"))
        return set_id

    def create_album(self, title: str, *, photo: PhotoRef | None = None) -> int:
        """Make a photoset holding ``photo`` (a Fotki photoset cannot exist without its primary photo).

        Exactly once: when the reply is lost, the photoset whose primary is ``photo`` (or a new one
        of that title) is looked for before photosets.create is sent again.
        """
        check_album_name(title, "title")
        if photo is None:
            raise ValueError("a Fotki photoset is made with its first photo: pass photo= (an uploaded photo's id)")
        self._require_token("creating a photoset")
        primary = photo_id(photo)
        before = set(self.photosets()["id"].dropna().astype(int))

        def made(new_only: bool = True) -> int | None:
            sets = self.photosets()
            mine = sets[sets["primary"].astype("Int64") == primary]
            if not len(mine):
                titled = sets["title"] == title
                mine = sets[titled & ~sets["id"].isin(before)] if new_only else sets[titled]
            return int(mine["id"].max()) if len(mine) else None

        return make_once(
            lambda: self.create_photoset(title, primary),
            made,
            what=f"creating the photoset {title!r}",
            key=f"{self.account}|photoset|{title}",
            existing=lambda: made(new_only=False),
        )

    def add_to_album(self, album: AlbumRef, photo: PhotoRef) -> None:
        """Append an uploaded photo to a photoset of yours (id or exact title)."""
        self.add_to_photoset(self.resolve_album(album), photo_id(photo))

    def album_url(self, album: AlbumRef) -> str | None:
        """The photoset's page, when photosets.create named it in this session; else None (getList does not say)."""
        return self._set_urls.get(self.resolve_album(album))

    def add_to_photoset(self, photoset_id: int | str, photo_id: int | str) -> None:
        """Append a photo to one of your photosets."""
        self._call(
            "flickr.photosets.addPhoto",
            {"photoset_id": _id_text(photoset_id, "photoset_id"), "photo_id": _id_text(photo_id, "photo_id")},
        )

    def edit_photoset(self, photoset_id: int | str, title: str, description: str | None = None) -> None:
        """Change a photoset's title (and description, when given)."""
        params = {"photoset_id": _id_text(photoset_id, "photoset_id"), "title": title}
        if description is not None:
            params["description"] = description
        self._call("flickr.photosets.editMeta", params)

    def delete_photoset(self, photoset_id: int | str) -> None:
        """Delete a photoset (its photos stay)."""
        self._call("flickr.photosets.delete", {"photoset_id": _id_text(photoset_id, "photoset_id")})

    # -- changing what is online (the contract) ---------------------------------------------------------
    def edit_album(self, album: AlbumRef, *, title: str | None = None, description: str | None = None) -> None:
        """Change a photoset's title or description through photosets.editMeta (which needs the title, and is
        always sent the description too: a service may clear one left out)."""
        set_id = self.resolve_album(album)
        if title is None or description is None:
            sets = self.photosets()
            row = sets[sets["id"] == set_id]
            if not len(row):
                raise FotkiNotFound(1, f"no photoset {set_id} of yours", "flickr.photosets.editMeta")
            current = row.iloc[0]
            title = title if title is not None else str(current["title"] or "")
            if description is None:
                description = "" if pd.isna(current["description"]) else str(current["description"])
        self.edit_photoset(set_id, title, description)

    def delete_album(self, album: AlbumRef) -> None:
        """Delete a photoset (photosets.delete); its photos stay in the photostream."""
        self.delete_photoset(self.resolve_album(album))

    def order_album(self, album: AlbumRef, photos: Iterable[PhotoRef]) -> Any:
        """Unsupported: a photoset lists its photos in the order they were added, and no documented call changes it."""
        raise self._unsupported(
            "order_album",
            "Fotki's documented API has no call to reorder a photoset: it lists its photos in the order they "
            "were added (galleryk adds a push's photos in the selection's order)",
        )

    def unsupported(self, operation: str) -> Any:
        """As :meth:`Service.unsupported`; for a photo's edit or delete, which Fotki's documented API lacks, the
        service is asked once whether it answers the Flickr call anyway (flickr.photos.setMeta and setTags,
        flickr.photos.delete), with no photo named, so nothing changes."""
        if operation not in _FLICKR_CALLS:
            return super().unsupported(operation)
        with self._lock:
            if operation not in self._answers:
                self._answers[operation] = all(self._answers_call(m) for m in _FLICKR_CALLS[operation])
            answered = self._answers[operation]
        if answered:
            return None
        verb = "edit" if operation == "edit_photo" else "delete"
        calls = " and ".join(_FLICKR_CALLS[operation])
        return self._unsupported(
            operation,
            f"Fotki's documented API has no call to {verb} a photo, and this service does not answer the Flickr "
            f"call for it ({calls}): {verb} it on the service's website",
        )

    def _answers_call(self, method: str) -> bool:
        """Whether the service knows ``method``: anything but "method not found" to a call that names no photo."""
        try:
            self._call(method, {})
        except FotkiError as exc:
            return exc.code != Code.METHOD_NOT_FOUND
        return True

    def edit_photo(
        self,
        photo: PhotoRef,
        *,
        title: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Change a photo's title, description or tags through the Flickr calls (flickr.photos.setMeta, setTags),
        where the service answers them; Unsupported otherwise (Fotki's documented API has none)."""
        refusal = self.unsupported("edit_photo")
        if refusal is not None:
            raise refusal
        pid = str(photo_id(photo))
        if title is not None or description is not None:
            current = self.photo_info(pid) if title is None or description is None else {}
            self._call(
                "flickr.photos.setMeta",
                {
                    "photo_id": pid,
                    "title": title if title is not None else current.get("title") or "",
                    "description": description if description is not None else current.get("description") or "",
                },
            )
        if tags is not None:
            self._call("flickr.photos.setTags", {"photo_id": pid, "tags": tags_text(list(tags)) or ""})
        return self.photo_info(pid)

    def delete_photo(self, photo: PhotoRef) -> None:
        """Delete a photo through flickr.photos.delete, where the service answers it; Unsupported otherwise."""
        refusal = self.unsupported("delete_photo")
        if refusal is not None:
            raise refusal
        self._call("flickr.photos.delete", {"photo_id": str(photo_id(photo))})

    @property
    def calls_per_hour(self) -> float | None:
        """This client's own limit (``calls_per_hour=``), else the Flickr family's documented ~3,600 an hour."""
        limiter = self.transport.limiter
        return 3600.0 / limiter.interval if limiter is not None else FLICKR_CALLS_PER_HOUR

    # -- files ---------------------------------------------------------------------------------------------
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
        is_public: bool | None = None,
        is_friend: bool | None = None,
        is_family: bool | None = None,
        create_album: bool = False,
    ) -> UploadResult:
        """Upload one photo (a path, bytes or binary file object, streamed from disk) and return an UploadResult.

        ``album``: a photoset id or exact title to put it in (with ``create_album=True`` a
        missing title is created with this photo as its primary). ``tags``: a list, or a
        space-separated string. ``progress(bytes_sent, total)`` follows the request body.
        Never retried: an upload that fails on the way may still have arrived.
        """
        check_text("title", title)
        check_text("description", description)
        check_text("tags", [tags] if isinstance(tags, str) else tags)
        if album is not None:
            check_album_name(album)
        self._require_token("upload")  # never sent unsigned: the service would refuse it (99) after the bytes went
        set_id = None
        new_album = None
        up = UploadSource(source, filename)
        if album is not None:
            try:
                set_id = self.resolve_album(album)
            except AlbumNotFound as exc:
                if not create_album or isinstance(exc, AmbiguousAlbum):
                    raise
                new_album = str(album)
        fields: dict[str, Any] = {
            "api_key": self.api_key,
            "title": title,
            "description": description,
            "tags": tags_text(tags),
            "is_public": is_public,
            "is_friend": is_friend,
            "is_family": is_family,
        }
        token = self._current_token()
        if token is not None:
            fields["auth_token"] = token.token
        if self.format == "json":
            fields["format"] = "json"
        query = signed(self._secret, fields)
        url = f"{self.api_url}/upload"
        started = time.monotonic()
        with up.opened() as opened:
            resp = self.transport.post_multipart(
                url, query, ("photo", up.filename, opened.stream), progress=progress, retry=False, what="upload"
            )
        new_id = upload_id(self._read(resp, "upload", mask_url(url)))
        if new_album is not None:
            set_id = self.create_photoset(new_album, new_id)
        elif set_id is not None:
            self.add_to_photoset(set_id, new_id)
        return UploadResult(
            service=self.service,
            id=new_id,
            status="uploaded",
            album_id=None if set_id is None else str(set_id),
            title=title,
            filename=up.filename,
            bytes=up.size,
            seconds=round(time.monotonic() - started, 3),
        )

    def download(self, photo: PhotoRef, dest: str | os.PathLike | None = None) -> Path:
        """Save a photo's original file (getInfo's ``url type="original"``); ``dest`` is a folder or a file path."""
        pid = photo_id(photo)
        info = self.photo_info(pid)
        url = info["urls"].get("original")
        if not url:
            raise FotkiNotFound(1, f"photo {pid}: the service gives no original file URL", "flickr.photos.getInfo")
        name = os.path.basename(urlsplit(url).path) or f"{pid}.{info.get('originalformat') or 'jpg'}"
        target = Path(dest).expanduser() if dest is not None else Path.cwd()
        if target.is_dir() or (dest is not None and str(dest).endswith(os.sep)):
            target = target / name
        params = {}
        token = self._current_token()
        if token is not None and self._same_service(url):
            params["auth_token"] = token.token  # private originals are served to their owner only
        return self.transport.download(url, target, params=params or None)

    def thumbnail(self, photo: Any, size: int = thumbcache.DEFAULT_SIZE) -> bytes:
        """JPEG bytes of a small preview of ``photo`` (an id or a listing row), at most ``size`` pixels a side.

        The service's own thumbnail (getInfo's ``thumbnail`` URL) when it names one that serves
        ``size`` (a large view, 800 px say, is made from the original), else the original downscaled once; fetched through this client's session (private photos get
        the token) and cached in memory and on disk by service, viewer, photo and size.
        """
        size = thumbcache.check_size(size)
        pid = str(photo_id(photo))
        key = thumbcache.ThumbKey(f"fotki {self.api_url}", self.username or "", pid, size)
        return thumbcache.default_cache().fetch(key, lambda: self._fetch_thumbnail(pid, size))

    def _fetch_thumbnail(self, pid: str, size: int) -> bytes:
        previews = (("thumbnail", 100), ("small", 240))  # Flickr's sizes of its named previews
        urls = self.photo_info(pid)["urls"]
        # the smallest preview that serves the size asked, else the original (a large view), else any preview
        serving = [name for name, pixels in previews if thumbcache.enough(pixels, size)]
        names = [*serving, "original", *(name for name, _ in reversed(previews) if name not in serving)]
        url = next((urls[name] for name in names if urls.get(name)), None)
        if not url:
            raise FotkiNotFound(1, f"photo {pid}: the service gives no image URL", "flickr.photos.getInfo")
        params = {}
        token = self._current_token()
        if token is not None and self._same_service(url):
            params["auth_token"] = token.token  # private files are served to their owner only
        resp = self.transport.request("GET", url, params=params or None, what=f"thumbnail of photo {pid}")
        Transport.check_status(resp, f"thumbnail of photo {pid}")
        try:
            return thumbcache.downscale(resp.content, size)
        except ValueError as exc:
            raise FotkiError(0, f"photo {pid}: its image is {exc}", "thumbnail") from None

    def _same_service(self, url: str) -> bool:
        host = urlsplit(url).hostname
        return host is not None and host in {urlsplit(self.api_url).hostname, urlsplit(self.auth_endpoint).hostname}

    def close(self) -> None:
        """Close the client's pooled connections."""
        self.transport.close()


@dataclass(frozen=True)
class _Sent:
    """A call on its way back: the response, and what reading it needs (never shown: ``query`` holds secrets)."""

    response: requests.Response = field(repr=False)
    name: str
    url: str
    query: dict[str, str] | None = field(repr=False)
    with_token: bool


def _make_cache(cache: TokenCache | str | None, endpoint: str) -> TokenCache:
    if cache is None:
        host = urlsplit(endpoint).hostname or ""
        return MemoryTokenCache() if host in _LOOPBACK else FileTokenCache()
    if cache == "file":
        return FileTokenCache()
    if cache == "memory":
        return MemoryTokenCache()
    if isinstance(cache, str):
        raise ValueError(f"token_cache must be 'file', 'memory' or a TokenCache, not {cache!r}")
    return cache


def _chunk_rows(chunk: tuple[int, Any]) -> int:
    return chunk[0]


def _paging_int(paging: dict[str, str | None], name: str, method: str) -> int | None:
    """A paging attribute of a listing page: None when absent, BadValue when it is not a whole number."""
    value = paging.get(name)
    if value is None or not str(value).strip():
        return None
    number = whole_number(value)
    if number is None or number < 0:
        raise BadValue(
            f"{method}: the reply's {name!r} attribute holds {str(value)[:40]!r}, which is not a page count",
            field=name,
            value=value,
        )
    return number


def _id_text(value: Any, name: str) -> str:
    text = str(value).strip()
    if not text or isinstance(value, bool):
        raise ValueError(f"{name} must be an id, not {value!r}")
    return text
