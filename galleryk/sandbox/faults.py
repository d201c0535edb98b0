"""Fault injection: make a sandbox service misbehave the way real servers do, on purpose.

Off by default. Each service (``fotki``, ``coppermine``) has its own settings, changed from
Python (``sandbox.faults.set("coppermine", error_500=0.2)``), from the command line, or
over HTTP (``POST /_sandbox/faults`` with the same fields as JSON). Every request a service
receives is counted by method (Fotki), page (Coppermine) or ``api`` (the cpgAPI), so a test can
count a client's calls on the server's side: ``sandbox.faults.requests("fotki")``.

Slow servers: ``store_delay`` holds a request *before* the service handles it (a server slow
to store: a client that stops waiting has its upload stored all the same, later);
``reply_delay`` holds the reply *after* the service has handled it (stored, answered late).
``delay_share`` is the share of requests held (below 1: latency spikes), ``delay_only`` a
regular expression, like ``only``, choosing which (``"upload|uniload"``). ``stored_500`` lets
the service handle the request, then answers HTTP 500 instead of its reply.

When a fault strikes matters, because it decides whether the request took effect:

- ``error_500`` and ``html_200`` answer *instead of* the service: nothing was done.
- ``php_error`` answers *instead of* the service with what real Coppermine 1.6.26 on PHP 8
  sometimes answers to concurrent uploads into an album that needs approval: HTTP 430 and its
  error handler's text for a PHP error in its own code. Nothing was stored.
- ``cut``, ``truncate`` and ``php_notice`` damage the answer *after* the service has
  handled the request: an upload was stored, but the client cannot read the reply. This is
  the ambiguous outcome that resumable pushes have to resolve.
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
from dataclasses import asdict, dataclass, field, fields
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

NETWORK_KINDS = ("redirect_307", "redirect_308", "endless", "silent", "drip")
KINDS = ("error_500", "html_200", "php_error", "cut", "truncate", "php_notice", *NETWORK_KINDS)
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

    def validate(self) -> None:
        self._validate_slow()
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


@dataclass
class _ServiceState:
    settings: FaultSettings = field(default_factory=FaultSettings)
    injected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    slow: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SLOW_KINDS, 0))


class FaultInjector:
    """Per-service fault settings and counters, safe to change while the server runs."""

    def __init__(self, services: tuple[str, ...] = ("fotki", "coppermine"), seed: int | None = None) -> None:
        self._requests: dict[str, dict[str, int]] = {name: {} for name in services}
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._state = {name: _ServiceState() for name in services}
        self._stopping = threading.Event()

    def release(self) -> None:
        """End every endless, silent or dripping answer still running (the sandbox is stopping)."""
        self._stopping.set()

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
                self._state[name] = _ServiceState(settings=FaultSettings(**asdict(settings)))

    def clear(self, service: str | None = None) -> None:
        """Turn every fault off."""
        self.set(service)

    def settings(self, service: str) -> FaultSettings:
        with self._lock:
            return FaultSettings(**asdict(self._state[self._names(service)[0]].settings))

    def injected(self, service: str) -> dict[str, int]:
        """How many faults of each kind this service has injected since its settings were set."""
        with self._lock:
            state = self._state[self._names(service)[0]]
            return {**state.injected, **state.slow}

    def requests(self, service: str) -> dict[str, int]:
        """How many requests this service has received, by method, cpgAPI function or page, since the start
        (or the last :meth:`reset_requests`)."""
        with self._lock:
            return dict(self._requests[self._names(service)[0]])

    def reset_requests(self, service: str | None = None) -> None:
        """Start counting requests from zero."""
        with self._lock:
            for name in self._names(service):
                self._requests[name].clear()

    def snapshot(self) -> dict[str, dict[str, object]]:
        with self._lock:
            return {
                name: {"settings": asdict(state.settings), "injected": dict(state.injected)}
                for name, state in self._state.items()
            }

    def _names(self, service: str | None) -> list[str]:
        if service is None:
            return list(self._state)
        if service not in self._state:
            raise ValueError(f"unknown service {service!r}; known: {', '.join(self._state)}")
        return [service]

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

    def latency(self, service: str) -> float:
        with self._lock:
            return self._state[service].settings.latency

    def _hold(self, service: str, request: Request, kind: str) -> None:
        """Sleep for ``kind`` (store_delay or reply_delay) when this request is one to hold."""
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
        threading.Event().wait(seconds)

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

    def _count(self, service: str, request: Request) -> None:
        """Count the request under its method or page name, without reading its body."""
        label = request.args.get("method") or request.path.rstrip("/").rsplit("/", 1)[-1] or "/"
        label = label.replace("_", ".") if label.startswith("flickr_") else label
        with self._lock:
            counts = self._requests[service]
            counts[label] = counts.get(label, 0) + 1

    def before(self, service: str, request: Request) -> Response | None:
        """A fault answer that replaces the service's, or None to let the service answer."""
        self._count(service, request)
        self._hold(service, request, "store_delay")
        kind = self._draw(service, request, ("error_500", "html_200", "php_error"))
        if kind == "php_error":
            return Response(PHP_ERROR_430, status=430, content_type="text/html; charset=utf-8")
        if kind == "error_500":
            return Response(
                "<html><body><h1>500 Internal Server Error</h1></body></html>",
                status=500,
                content_type="text/html; charset=utf-8",
            )
        if kind == "html_200":
            return Response(HTML_ERROR_PAGE, status=200, content_type="text/html; charset=utf-8")
        return self._network_before(service, request)

    def _network_before(self, service: str, request: Request) -> Response | None:
        kind = self._draw(service, request, ("redirect_307", "redirect_308", "endless", "silent"))
        if kind is None:
            return None
        s = self.settings(service)
        if kind in ("redirect_307", "redirect_308"):
            return _redirect(int(kind[-3:]), s.redirect_to or DEFAULT_REDIRECT_TARGET, request)
        if kind == "endless":
            return _endless(service, self._stopping)
        return _silent(request, s.silent_seconds, self._stopping)

    def after(self, service: str, request: Request, response: Response) -> Response:
        """Damage the service's answer (cut, truncate, PHP notices) when a fault strikes."""
        self._hold(service, request, "reply_delay")
        if self._stored_fault(service, request):
            return Response(
                "<html><body><h1>500 Internal Server Error</h1></body></html>",
                status=500,
                content_type="text/html; charset=utf-8",
            )
        candidates = ("cut", "truncate", "php_notice") if service == "coppermine" else ("cut", "truncate")
        if response.is_streamed or response.status_code in (301, 302, 303, 304):
            candidates = ("cut",) if not response.is_streamed else ()
        if not response.is_streamed:
            candidates += ("drip",)
        kind = self._draw(service, request, candidates)
        if kind is None:
            return response
        if kind == "drip":
            return _drip(response, self.settings(service).drip_seconds, self._stopping)
        body = response.get_data()
        if kind == "php_notice":
            response.set_data(PHP_NOTICE.encode("ascii") + body)
        elif kind == "truncate":
            response.set_data(body[: max(1, len(body) // 2)])
        elif kind == "cut":
            return _cut_response(request, response, body)
        return response


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
