"""Fault injection: make a sandbox service misbehave the way real servers do, on purpose.

Off by default. Each service (``fotki``, ``coppermine``) has its own settings, changed from
Python (``sandbox.faults.set("coppermine", error_500=0.2)``), from the command line, or
over HTTP (``POST /_sandbox/faults`` with the same fields as JSON). Every request a service
receives is counted by method (Fotki), page (Coppermine) or ``api`` (the cpgAPI), so a test can
count a client's calls on the server's side: ``sandbox.faults.requests("fotki")``; and logged
with its answer (:mod:`~galleryk.sandbox.request_log`): ``sandbox.faults.log("fotki")``.

Slow servers: ``store_delay`` holds a request *before* the service handles it (a server slow
to store: a client that stops waiting has its upload stored all the same, later);
``reply_delay`` holds the reply *after* the service has handled it (stored, answered late).
``delay_share`` is the share of requests held (below 1: latency spikes), ``delay_only`` a
regular expression, like ``only``, choosing which (``"upload|uniload"``). ``stored_500`` lets
the service handle the request, then answers HTTP 500 instead of its reply. ``held(service)``
says how many requests are being held right now and ``release_held()`` ends every hold at once,
so a test can act while a request is held (kill its client) without guessing at times.

Rate limits: ``rate_limit`` requests in any ``rate_window`` seconds (a sliding window) among
the requests ``rate_only`` picks (all when None); beyond that, the request is answered
``rate_status`` (429, or 503 as nginx's ``limit_req`` answers) with ``Retry-After: <whole
seconds until the window has room>`` (at least 1; left out with ``rate_retry_after=False``),
*instead of* the service: an upload refused so stores nothing. Refused requests do not spend
the budget. They are counted apart from the other faults (``limit`` does not stop them).
While ``only``, ``delay_only`` or ``rate_only`` is set, each request's form is read before
anything else (so the filters can see a cpgAPI ``function``), a refused upload's body too.

When a fault strikes matters, because it decides whether the request took effect:

- ``error_500`` and ``html_200`` answer *instead of* the service: nothing was done.
- ``php_error`` answers *instead of* the service with what real Coppermine 1.6.26 on PHP 8
  sometimes answers to concurrent uploads into an album that needs approval: HTTP 430 and its
  error handler's text for a PHP error in its own code. Nothing was stored.
- ``cut``, ``truncate`` and ``php_notice`` damage the answer *after* the service has
  handled the request: an upload was stored, but the client cannot read the reply. This is
  the ambiguous outcome that resumable pushes have to resolve.
- ``stored_then_cut`` lets the service handle the request, then closes the connection without
  sending a byte of the reply: the upload, photoset, album or addPhoto took effect and the
  client sees only a dropped connection. Aim it with ``only`` and ``limit``
  (``set("fotki", stored_then_cut=1.0, only="upload", limit=1)``).
- ``wrong_id`` stores an upload that passed every check, then names an existing, unrelated
  photo's id in the reply (Fotki's ``photoid``, the cpgAPI's ``pid``, ``uniload.php``'s and
  ``db_input.php``'s redirect); ``wrong_id_unstored`` names one *without storing* the upload.
  The id named is the uploader's oldest other photo, else the service's oldest (on Coppermine
  approved pictures first: :func:`~galleryk.sandbox.fotki.db.other_photo_id`,
  :meth:`~galleryk.sandbox.coppermine.gallery.Gallery.other_picture`); with no other photo at
  all the upload is answered truly and the fault not counted. They strike only uploads, and
  :class:`~galleryk.sandbox.request_log.Hit` records both ids.
- ``latency`` delays every answer by that many seconds.

Network faults, for clients that must survive hostile or broken servers:

- ``redirect_307`` / ``redirect_308`` answer *instead of* the service with a redirect to
  ``redirect_to`` (a base URL; the request's path and query are appended, as a server's
  ``Redirect`` rule does). Without ``redirect_to`` it points at port 9 of this machine, where
  nothing listens.
- ``endless`` answers *instead of* the service with a 200 reply that never ends (until the
  client hangs up or the sandbox stops).
- ``silent`` accepts the request and never answers, for up to ``silent_seconds``; then the
  connection is closed without a byte.
- ``drip`` sends the service's real answer (*after* it handled the request) one byte every
  ``drip_seconds``.
"""

from __future__ import annotations

import contextlib
import random
import re
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from . import upload_hooks
from .rate_limit import SlidingWindow, retry_after
from .request_log import RATE_LIMITED, Hit, Recorder, RequestLog

NETWORK_KINDS = ("redirect_307", "redirect_308", "endless", "silent", "drip")
LYING_KINDS = ("stored_then_cut", upload_hooks.WRONG_ID, upload_hooks.WRONG_ID_UNSTORED)
KINDS = ("error_500", "html_200", "php_error", "cut", "truncate", "php_notice", *NETWORK_KINDS, *LYING_KINDS)
RATE_STATUSES = (429, 503)
DEFAULT_REDIRECT_TARGET = "http://127.0.0.1:9"

PHP_ERROR_430 = "Cannot use object of type CPG_DbaseResult as arrayuniload.php line:489"
"""The body real 1.6.26 sent (seen in this project's tests against it) when its own code failed mid-upload."""

PHP_NOTICE = (
    "<br />\n<b>Notice</b>:  Undefined index:  keywords in <b>/var/www/html/cpg/api/index.php</b>"
    " on line <b>137</b><br />\n<br />\n<b>Warning</b>:  Cannot modify header information - headers"
    " already sent in <b>/var/www/html/cpg/include/functions.inc.php</b> on line <b>201</b><br />\n"
)

HTML_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Error</title></head><body>\n"
    "<br />\n<b>Fatal error</b>:  Allowed memory size of 134217728 bytes exhausted (tried to allocate"
    " 20480 bytes) in <b>/var/www/html/include/picmgmt.inc.php</b> on line <b>312</b><br />\n"
    "</body></html>\n"
)


SLOW_KINDS = ("store_delay", "reply_delay", "stored_500")
"""Faults of slow or lying servers, counted with the others in ``injected``."""


@dataclass
class FaultSettings:
    """Shares (0..1) of requests hit by each fault, plus added latency in seconds.

    ``only`` restricts faults to requests whose path or ``function``/``method`` field
    matches that regular expression; ``limit`` stops injecting after that many faults.
    ``rate_limit`` (requests per ``rate_window`` seconds) is off when None; ``rate_only`` aims it.
    """

    store_delay: float = 0.0
    reply_delay: float = 0.0
    delay_share: float = 1.0
    delay_only: str | None = None
    stored_500: float = 0.0
    latency: float = 0.0
    error_500: float = 0.0
    html_200: float = 0.0
    php_error: float = 0.0
    cut: float = 0.0
    truncate: float = 0.0
    php_notice: float = 0.0
    only: str | None = None
    limit: int | None = None
    redirect_307: float = 0.0
    redirect_308: float = 0.0
    redirect_to: str | None = None
    endless: float = 0.0
    silent: float = 0.0
    silent_seconds: float = 600.0
    drip: float = 0.0
    drip_seconds: float = 1.0
    stored_then_cut: float = 0.0
    wrong_id: float = 0.0
    wrong_id_unstored: float = 0.0
    rate_limit: int | None = None
    rate_window: float = 1.0
    rate_status: int = 429
    rate_only: str | None = None
    rate_retry_after: bool = True

    def validate(self) -> None:
        self._validate_slow()
        self._validate_rate()
        for kind in KINDS:
            value = getattr(self, kind)
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"fault share {kind}={value!r} must be between 0 and 1")
        if self.latency < 0:
            raise ValueError(f"latency={self.latency!r} must not be negative")
        if self.only is not None:
            re.compile(self.only)
        for name in ("silent_seconds", "drip_seconds"):
            if not float(getattr(self, name)) > 0:
                raise ValueError(f"{name}={getattr(self, name)!r} must be a positive number of seconds")
        if self.redirect_to is not None and urlsplit(self.redirect_to).scheme not in ("http", "https"):
            raise ValueError(f"redirect_to={self.redirect_to!r} must be an http:// or https:// URL")

    def _validate_slow(self) -> None:
        for name in ("store_delay", "reply_delay"):
            if float(getattr(self, name)) < 0:
                raise ValueError(f"{name}={getattr(self, name)!r} must not be negative")
        for name in ("delay_share", "stored_500"):
            if not 0.0 <= float(getattr(self, name)) <= 1.0:
                raise ValueError(f"{name}={getattr(self, name)!r} must be between 0 and 1")
        if self.delay_only is not None:
            re.compile(self.delay_only)

    def _validate_rate(self) -> None:
        if self.rate_limit is not None:
            if isinstance(self.rate_limit, bool) or not isinstance(self.rate_limit, int):
                raise ValueError(f"rate_limit={self.rate_limit!r} must be a whole number of requests")
            SlidingWindow(self.rate_limit, self.rate_window)  # raises on a budget below 1 or a window not above 0
        elif not float(self.rate_window) > 0:
            raise ValueError(f"rate_window={self.rate_window!r} must be a positive number of seconds")
        if self.rate_status not in RATE_STATUSES:
            raise ValueError(f"rate_status={self.rate_status!r} must be 429 or 503")
        if self.rate_only is not None:
            re.compile(self.rate_only)


@dataclass
class _ServiceState:
    settings: FaultSettings = field(default_factory=FaultSettings)
    injected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    slow: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SLOW_KINDS, 0))
    refused: int = 0
    window: SlidingWindow | None = None


_NO_REPLY = ("silent", "stored_then_cut")
"""Faults after which the client gets no status line at all (logged as status 0)."""


class FaultInjector:
    """Per-service fault settings and counters, safe to change while the server runs."""

    def __init__(self, services: tuple[str, ...] = ("fotki", "coppermine"), seed: int | None = None) -> None:
        self._requests: dict[str, dict[str, int]] = {name: {} for name in services}
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._state = {name: _ServiceState() for name in services}
        self._stopping = threading.Event()
        self._log = Recorder(services)
        self._holds = threading.Condition()
        self._holding = dict.fromkeys(services, 0)
        self._release_round = 0

    def release(self) -> None:
        """End every endless, silent, dripping or held answer still running (the sandbox is stopping)."""
        self._stopping.set()
        self.release_held()

    def set(self, service: str | None = None, **values: object) -> None:
        """Replace the settings of one service (or all, when ``service`` is None)."""
        known = {f.name for f in fields(FaultSettings)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(
                f"unknown fault setting(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        settings = FaultSettings(**values)  # type: ignore[arg-type]
        settings.validate()
        with self._lock:
            for name in self._names(service):
                own = FaultSettings(**asdict(settings))
                window = None if own.rate_limit is None else SlidingWindow(own.rate_limit, own.rate_window)
                self._state[name] = _ServiceState(settings=own, window=window)

    def clear(self, service: str | None = None) -> None:
        """Turn every fault off."""
        self.set(service)

    def settings(self, service: str) -> FaultSettings:
        with self._lock:
            return FaultSettings(**asdict(self._state[self._names(service)[0]].settings))

    def injected(self, service: str) -> dict[str, int]:
        """How many faults of each kind this service has injected since its settings were set
        (``rate_limit``: requests the rate limit refused)."""
        with self._lock:
            return self._injected(self._state[self._names(service)[0]])

    @staticmethod
    def _injected(state: _ServiceState) -> dict[str, int]:
        return {**state.injected, **state.slow, RATE_LIMITED: state.refused}

    def requests(self, service: str) -> dict[str, int]:
        """How many requests this service has received, by method, cpgAPI function or page, since the start
        (or the last :meth:`reset_requests`)."""
        with self._lock:
            return dict(self._requests[self._names(service)[0]])

    def log(self, service: str) -> RequestLog:
        """Every request this service received since the start (or the last :meth:`reset_requests`), with its answer."""
        return self._log.snapshot(self._names(service)[0])

    def reset_requests(self, service: str | None = None) -> None:
        """Start counting requests from zero, and empty the log."""
        with self._lock:
            for name in self._names(service):
                self._requests[name].clear()
                self._log.reset(name)

    def snapshot(self) -> dict[str, dict[str, object]]:
        with self._lock:
            return {
                name: {"settings": asdict(state.settings), "injected": self._injected(state)}
                for name, state in self._state.items()
            }

    # -- held requests ----------------------------------------------------------------
    def held(self, service: str | None = None) -> int:
        """How many requests ``store_delay`` or ``reply_delay`` are holding right now (of one service, or all)."""
        with self._holds:
            return sum(self._holding[name] for name in self._names(service))

    def wait_held(self, service: str | None = None, count: int = 1, timeout: float = 30.0) -> bool:
        """Wait until at least ``count`` requests are held; False if ``timeout`` seconds pass first."""
        names = self._names(service)
        with self._holds:
            return self._holds.wait_for(lambda: sum(self._holding[n] for n in names) >= count, timeout)

    def release_held(self) -> int:
        """End every hold now: each held request goes on at once (to the service, or its reply to the client).

        Holds that start later wait their full time again. Returns how many requests were released.
        """
        with self._holds:
            released = sum(self._holding.values())
            self._release_round += 1
            self._holds.notify_all()
        return released

    def _wait(self, service: str, seconds: float) -> None:
        end = time.monotonic() + seconds
        with self._holds:
            self._holding[service] += 1
            self._holds.notify_all()
            round_ = self._release_round
            try:
                while round_ == self._release_round and not self._stopping.is_set():
                    left = end - time.monotonic()
                    if left <= 0:
                        break
                    self._holds.wait(left)
            finally:
                self._holding[service] -= 1
                self._holds.notify_all()

    # -- serving ------------------------------------------------------------------------
    def serve(self, service: str, request: Request, handle: Callable[[], Response]) -> Response:
        """Answer one request for ``service``: the faults before it, the service (``handle``), the faults after.

        The request is counted and logged with its answer, and the service's upload hooks
        (:mod:`~galleryk.sandbox.upload_hooks`) report to this injector while it runs.
        """
        delay = self.latency(service)
        if delay:
            time.sleep(delay)
        now = time.monotonic()
        label = _label(request)
        self._count(service, label)
        if self._aimed(service):
            request.values  # noqa: B018 - the form is read now, before the service reads the body, so faults can aim
        watch = upload_hooks.UploadWatch(
            draw=lambda: self._draw(service, request, (upload_hooks.WRONG_ID, upload_hooks.WRONG_ID_UNSTORED)),
            undraw=lambda kind: self._undraw(service, kind),
        )
        try:
            fault, response = self._serve(service, request, now, handle, watch)
        except BaseException as exc:  # the server answers it: a werkzeug error with its status, anything else 500
            status = exc.code if isinstance(exc, HTTPException) and exc.code else 500
            hit = Hit(now, request.method, request.path, label, status, None, watch.stored_id, watch.named_id)
            self._log.add(service, hit, upload=watch.reached)
            raise
        status = 0 if fault in _NO_REPLY else response.status_code
        hit = Hit(now, request.method, request.path, label, status, fault or watch.lie, watch.stored_id, watch.named_id)
        self._log.add(service, hit, upload=watch.reached)
        return response

    def _serve(
        self,
        service: str,
        request: Request,
        now: float,
        handle: Callable[[], Response],
        watch: upload_hooks.UploadWatch,
    ) -> tuple[str | None, Response]:
        refusal = self._rate_limited(service, request, now)
        if refusal is not None:
            return RATE_LIMITED, refusal
        kind, fault = self._before(service, request)
        if fault is not None:
            return kind, fault
        with upload_hooks.watching(watch):
            response = handle()
        return self._after(service, request, response)

    def _aimed(self, service: str) -> bool:
        with self._lock:
            s = self._state[service].settings
            return any(pattern is not None for pattern in (s.only, s.delay_only, s.rate_only))

    def _names(self, service: str | None) -> list[str]:
        if service is None:
            return list(self._state)
        if service not in self._state:
            raise ValueError(f"unknown service {service!r}; known: {', '.join(self._state)}")
        return [service]

    def _rate_limited(self, service: str, request: Request, now: float) -> Response | None:
        """The rate limit's refusal of this request, or None when the budget admits it (or there is no limit)."""
        with self._lock:
            state = self._state[service]
            s, window = state.settings, state.window
            if window is None or (s.rate_only is not None and not _matches(s.rate_only, request)):
                return None
            wait = window.admit(now)
            if wait is None:
                return None
            state.refused += 1
        return _too_many(s.rate_status, wait if s.rate_retry_after else None)

    def _draw(self, service: str, request: Request, candidates: tuple[str, ...]) -> str | None:
        """Pick at most one fault among ``candidates`` for this request, and count it."""
        with self._lock:
            state = self._state[service]
            s = state.settings
            if s.limit is not None and sum(state.injected.values()) >= s.limit:
                return None
            if s.only is not None:
                target = " ".join([request.path, request.values.get("function", ""), request.values.get("method", "")])
                if not re.search(s.only, target):
                    return None
            for kind in candidates:
                share = getattr(s, kind)
                if share and self._rng.random() < share:
                    state.injected[kind] += 1
                    return kind
        return None

    def _undraw(self, service: str, kind: str) -> None:
        """Take back a drawn fault that could not strike after all."""
        with self._lock:
            injected = self._state[service].injected
            injected[kind] = max(0, injected[kind] - 1)

    def latency(self, service: str) -> float:
        with self._lock:
            return self._state[service].settings.latency

    def _hold(self, service: str, request: Request, kind: str) -> None:
        """Hold the request for ``kind`` (store_delay or reply_delay) when it is one to hold."""
        with self._lock:
            state = self._state[service]
            s = state.settings
            seconds = float(getattr(s, kind))
            if not seconds:
                return
            if s.limit is not None and sum(state.injected.values()) + sum(state.slow.values()) >= s.limit:
                return
            if s.delay_only is not None and not _matches(s.delay_only, request):
                return
            if s.delay_share < 1.0 and self._rng.random() >= s.delay_share:
                return
            state.slow[kind] += 1
        self._wait(service, seconds)

    def _stored_fault(self, service: str, request: Request) -> bool:
        """Whether ``stored_500`` strikes this request (``only`` and ``limit`` apply as to the other faults)."""
        with self._lock:
            state = self._state[service]
            s = state.settings
            if not s.stored_500:
                return False
            if s.limit is not None and sum(state.injected.values()) + sum(state.slow.values()) >= s.limit:
                return False
            if s.only is not None and not _matches(s.only, request):
                return False
            if self._rng.random() >= s.stored_500:
                return False
            state.slow["stored_500"] += 1
            return True

    def _count(self, service: str, label: str) -> None:
        with self._lock:
            counts = self._requests[service]
            counts[label] = counts.get(label, 0) + 1

    def _before(self, service: str, request: Request) -> tuple[str | None, Response | None]:
        """A fault answer that replaces the service's (with its kind), or (None, None) to let the service answer."""
        self._hold(service, request, "store_delay")
        kind = self._draw(service, request, ("error_500", "html_200", "php_error"))
        if kind == "php_error":
            return kind, Response(PHP_ERROR_430, status=430, content_type="text/html; charset=utf-8")
        if kind == "error_500":
            return kind, _error_500()
        if kind == "html_200":
            return kind, Response(HTML_ERROR_PAGE, status=200, content_type="text/html; charset=utf-8")
        return self._network_before(service, request)

    def _network_before(self, service: str, request: Request) -> tuple[str | None, Response | None]:
        kind = self._draw(service, request, ("redirect_307", "redirect_308", "endless", "silent"))
        if kind is None:
            return None, None
        s = self.settings(service)
        if kind in ("redirect_307", "redirect_308"):
            return kind, _redirect(int(kind[-3:]), s.redirect_to or DEFAULT_REDIRECT_TARGET, request)
        if kind == "endless":
            return kind, _endless(service, self._stopping)
        return kind, _silent(request, s.silent_seconds, self._stopping)

    def _after(self, service: str, request: Request, response: Response) -> tuple[str | None, Response]:
        """Damage the service's answer (500, hang-up, cut, truncate, PHP notices, drip) when a fault strikes."""
        self._hold(service, request, "reply_delay")
        if self._stored_fault(service, request):
            return "stored_500", _error_500()
        if self._draw(service, request, ("stored_then_cut",)):
            return "stored_then_cut", _hang_up(request)
        candidates: tuple[str, ...] = (
            ("cut", "truncate", "php_notice") if service == "coppermine" else ("cut", "truncate")
        )
        if response.is_streamed or response.status_code in (301, 302, 303, 304):
            candidates = ("cut",) if not response.is_streamed else ()
        if not response.is_streamed:
            candidates += ("drip",)
        kind = self._draw(service, request, candidates)
        if kind is None:
            return None, response
        if kind == "drip":
            return kind, _drip(response, self.settings(service).drip_seconds, self._stopping)
        body = response.get_data()
        if kind == "php_notice":
            response.set_data(PHP_NOTICE.encode("ascii") + body)
        elif kind == "truncate":
            response.set_data(body[: max(1, len(body) // 2)])
        elif kind == "cut":
            return kind, _cut_response(request, response, body)
        return kind, response


def _label(request: Request) -> str:
    """The name a request is counted under: its Fotki method, else the last part of its path (page or ``api``)."""
    label = request.args.get("method") or request.path.rstrip("/").rsplit("/", 1)[-1] or "/"
    return label.replace("_", ".") if label.startswith("flickr_") else label


def _error_500() -> Response:
    return Response(
        "<html><body><h1>500 Internal Server Error</h1></body></html>",
        status=500,
        content_type="text/html; charset=utf-8",
    )


_TOO_MANY = {429: "429 Too Many Requests", 503: "503 Service Temporarily Unavailable"}


def _too_many(status: int, wait: float | None) -> Response:
    """A rate limit's refusal, as a front web server sends it; ``Retry-After`` when ``wait`` is given."""
    title = _TOO_MANY[status]
    body = f"<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{title}</h1></center>\n</body>\n</html>\n"
    headers = {} if wait is None else {"Retry-After": str(retry_after(wait))}
    return Response(body, status=status, headers=headers, content_type="text/html; charset=utf-8")


def _hang_up(request: Request) -> Response:
    """Close the connection without a byte of the reply (the service has already done its work)."""
    sock = request.environ.get("werkzeug.socket")

    def stream():
        if sock is not None:  # the write of the headers that follows fails quietly
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        return
        yield b""  # a generator that yields nothing

    return Response(stream(), status=200, content_type="text/plain")


def _matches(pattern: str, request: Request) -> bool:
    """Whether ``pattern`` finds the request's path, or else its form's cpgAPI ``function`` or Fotki ``method``."""
    if re.search(pattern, request.path):
        return True
    fields = " ".join([request.values.get("function", ""), request.values.get("method", "")])
    return bool(re.search(pattern, fields))


def _cut_response(request: Request, response: Response, body: bytes) -> Response:
    """Announce the whole body, send half of it, then close the connection."""
    sock = request.environ.get("werkzeug.socket")

    def stream():
        yield body[: len(body) // 2]
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    cut = Response(stream(), status=response.status, headers=list(response.headers.items()))
    cut.headers["Content-Length"] = str(max(len(body), 1))
    cut.headers["Connection"] = "close"
    return cut


def _redirect(status: int, target: str, request: Request) -> Response:
    """A redirect to ``target`` with the request's path and query, as a server's ``Redirect`` rule sends."""
    query = request.query_string.decode("latin-1")
    location = target.rstrip("/") + request.path + (f"?{query}" if query else "")
    return Response(
        f"Moved to {location}\n",
        status=status,
        headers={"Location": location},
        content_type="text/plain; charset=utf-8",
    )


_ENDLESS = {
    "fotki": (
        b'<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="ok">\n<photos page="1" pages="1" perpage="500" '
        b'total="1">\n',
        b'<photo id="1" owner="1" title="again" ispublic="1" isfriend="0" isfamily="0"/>\n',
    ),
    "coppermine": (
        b"<!DOCTYPE html>\n<html><head><title>Gallery</title></head><body>\n",
        b'<p class="thumb"><a href="displayimage.php?pid=1">again</a></p>\n',
    ),
}


def _endless(service: str, stopping: threading.Event) -> Response:
    """A 200 reply that starts like a real one and never ends (chunked, no length)."""
    head, row = _ENDLESS.get(service, _ENDLESS["fotki"])
    block = row * (65536 // len(row))

    def stream():
        yield head
        while not stopping.is_set():
            yield block

    kind = "text/xml" if head.startswith(b"<?xml") else "text/html"
    return Response(stream(), status=200, content_type=f"{kind}; charset=utf-8")


def _silent(request: Request, seconds: float, stopping: threading.Event) -> Response:
    """Read the request, then say nothing until the client hangs up, ``seconds`` pass or the sandbox stops."""
    sock = request.environ.get("werkzeug.socket")
    try:
        while request.stream.read(65536):
            pass
    except (HTTPException, OSError, ValueError):
        pass

    def hung_up() -> bool:
        if sock is None:
            return False
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def stream():
        end = time.monotonic() + seconds
        while time.monotonic() < end and not hung_up() and not stopping.wait(0.05):
            pass
        if sock is not None:  # close without a byte: the write of the headers that follows fails quietly
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        return
        yield b""  # a generator that yields nothing

    return Response(stream(), status=200, content_type="text/plain")


def _drip(response: Response, seconds: float, stopping: threading.Event) -> Response:
    """The service's answer, its body sent one byte every ``seconds`` (with its true Content-Length)."""
    body = response.get_data()

    def stream():
        for i in range(len(body)):
            yield body[i : i + 1]
            if stopping.wait(seconds):
                return

    dripped = Response(stream(), status=response.status, headers=list(response.headers.items()))
    dripped.headers["Content-Length"] = str(len(body))
    return dripped
