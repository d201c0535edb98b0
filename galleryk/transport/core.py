"""The Transport: one pooled requests session with every limit a hostile or broken server needs.

It knows nothing of Fotki or Coppermine: status codes the protocols use (430, 302...) are
returned as responses; :meth:`Transport.check_status` raises for the ones that mean failure.
"""

from __future__ import annotations

import codecs
import logging
import os
import threading
import time
import uuid
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
import urllib3
from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor

from ..base.errors import (
    ConnectionFailed,
    HttpStatusError,
    RateLimited,
    ReplyTooLarge,
    RequestTimeout,
    ResponseCut,
    TransportError,
    UploadStalled,
    mask_secrets,
)
from . import calls
from .bodies import ChunkedBody, Progress, checked_file, content_type_for, start_of
from .logs import redact_logs
from .ratelimit import MAX_PAUSED, MAX_RETRY_AFTER, REFUSAL_STATUSES, Closed, RateGate, parse_retry_after, rounded_up
from .redirects import check_redirect

log = logging.getLogger("galleryk.transport")

DEFAULT_TIMEOUT = (10.0, 60.0)
"""(connect, read) seconds: the longest wait for a connection, and for each next byte of a reply."""
DEFAULT_DEADLINE = 60.0
"""Seconds one API call or page may take in all, retries and their waits included."""
DEFAULT_STALL = 60.0
"""Seconds an upload may go without sending anything before it is given up."""
DEFAULT_MAX_REPLY = 64 * 1024 * 1024
"""Bytes an API reply or page may have (downloads stream to disk and are not capped)."""
MAX_REDIRECTS = 10
REDIRECT_BODY_LIMIT = 1024 * 1024
RETRY_STATUSES = (500, 502, 504)
"""Statuses a safe request is repeated for at once by urllib3; 429 and 503 pause the whole client instead
(:mod:`galleryk.transport.ratelimit`)."""
SAFE_METHODS = frozenset({"GET", "HEAD"})
_READ_CHUNK = 128 * 1024
_UNSET: Any = object()


def default_user_agent() -> str:
    """galleryk's User-Agent: ``galleryk/<version>``, the same for every request of a session."""
    from .._version import __version__

    return f"galleryk/{__version__}"


def mask_url(url: str, params: Any = None) -> str:
    """``url`` (plus ``params`` when given as a mapping) with secret values replaced by ``***``."""
    if params and isinstance(params, dict):
        parts = urlsplit(url)
        query = "&".join(p for p in (parts.query, urlencode(params, doseq=True)) if p)
        url = urlunsplit(parts._replace(query=query))
    return mask_secrets(url)


class RateLimiter:
    """At most ``calls_per_hour`` calls, spaced evenly; ``wait()`` blocks until the next call may go."""

    def __init__(self, calls_per_hour: float) -> None:
        if calls_per_hour <= 0:
            raise ValueError(f"calls_per_hour must be positive, not {calls_per_hour!r}")
        self.interval = 3600.0 / float(calls_per_hour)
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Sleep until this call's slot; returns the seconds slept."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)


def _seconds(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds or None, not {value!r}")
    return float(value)


class Transport:
    """One pooled HTTP session with timeouts, deadlines, safe retries, capped replies and streaming uploads.

    ``timeout``: seconds, or a (connect, read) pair, for each wait on the network.
    ``deadline``: seconds one call (an API call, a page) may take in all, retries included;
    for an upload the clock starts once its body is sent. ``stall``: seconds an upload may go
    without progress. ``max_reply``: bytes a reply may have (not downloads). None turns a limit off.
    ``retries``: how many times a safe request is repeated; ``backoff``: urllib3's backoff factor.
    ``pool_size``: connections kept per host (match the thread pools that share this transport).
    ``calls_per_hour``: optional rate limit for careful clients (the Flickr family allows ~3600).

    A request the server refuses with 429 or 503 was not acted on: every request of this
    transport waits (``Retry-After``, or a growing default), then it is sent again, an upload's
    body too; the pace the server keeps to is learned (:attr:`gate`, a
    :class:`~galleryk.transport.ratelimit.RateGate`). A server that asks for more than
    ``max_retry_after`` seconds raises :class:`~galleryk.base.errors.RateLimited` instead.
    """

    def __init__(
        self,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 3,
        backoff: float = 0.3,
        pool_size: int = 16,
        calls_per_hour: float | None = None,
        user_agent: str | None = None,
        session: requests.Session | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        stall: float | None = DEFAULT_STALL,
        max_reply: int | None = DEFAULT_MAX_REPLY,
        max_retry_after: float | None = None,
    ) -> None:
        if max_reply is not None and max_reply < 0:
            raise ValueError(f"max_reply must be a number of bytes or None, not {max_reply!r}")
        self.timeout = timeout
        self.retries = retries
        self.deadline = _seconds(deadline, "deadline")
        self.stall = _seconds(stall, "stall")
        self.max_reply = max_reply
        self.user_agent = user_agent or default_user_agent()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        retry = calls.CallRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            redirect=None,
            backoff_factor=backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=SAFE_METHODS,
            raise_on_status=False,
            respect_retry_after_header=False,  # 429/503 are the gate's: one pause for every thread, not one each
        )
        adapter = calls.WatchedAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.gate = RateGate(calls_per_hour, max_retry_after=max_retry_after or MAX_RETRY_AFTER)
        """The one pause and pace of this transport's requests (see :mod:`galleryk.transport.ratelimit`)."""
        redact_logs()

    @property
    def limiter(self) -> RateGate | None:
        """The gate when it paces requests now (a budget given, or a pace learned from refusals), else None."""
        return self.gate if self.gate.interval > 0 else None

    # -- requests ----------------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        retry: bool | None = None,
        what: str | None = None,
        deadline: float | None = _UNSET,
        stall: float | None = _UNSET,
        max_reply: int | None = _UNSET,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request and return the response, whatever its status; raise TransportError when none came.

        ``retry``: None retries safe methods only; False never; True also a non-GET the caller
        knows to be idempotent. ``what`` names the call in error messages. ``deadline``,
        ``stall`` and ``max_reply`` override the transport's for this call. With
        ``stream=True`` the body is left to the caller (no cap; the deadline ends with the
        headers). Redirects are followed only when nothing of the request leaves its origin
        (see :mod:`galleryk.transport.redirects`). Other keyword arguments go to ``requests``.
        """
        method = method.upper()
        kwargs.setdefault("timeout", self.timeout)
        masked = mask_url(url, kwargs.get("params"))
        label = what or f"{method} {masked}"
        kind = f"{method} {urlsplit(url).path}"
        paused = 0.0
        while True:
            try:
                self.gate.wait(kind)
            except Closed as closed:
                raise self._closed(label, masked, closed, None) from None
            sent = self.gate.now()
            response = self._request_once(
                method,
                url,
                retry=retry,
                label=label,
                masked=masked,
                deadline=deadline,
                stall=stall,
                max_reply=max_reply,
                **kwargs,
            )
            if response.status_code not in REFUSAL_STATUSES:
                self.gate.admitted(sent, kind)
                return response
            asked = parse_retry_after(response.headers.get("Retry-After"))
            response.close()
            try:
                paused += self.gate.refused(asked, sent, kind)
            except Closed as closed:
                raise self._closed(label, masked, closed, response.status_code) from None
            log.info(
                "%s: HTTP %s, the service asks to wait %s; every request of this client waits",
                label,
                response.status_code,
                f"{asked:g} s" if asked is not None else "(not said how long)",
            )
            if _has_stream(kwargs.get("files")):  # requests read those files: a second send would be empty
                raise self._refused(label, masked, response.status_code, asked, "its files cannot be sent again")
            body = kwargs.get("data")
            if hasattr(body, "read"):
                fresh = body.rewound() if isinstance(body, ChunkedBody) else None
                if fresh is None:
                    raise self._refused(label, masked, response.status_code, asked, "its body cannot be sent again")
                kwargs["data"] = fresh
            if paused > MAX_PAUSED:
                raise self._refused(
                    label, masked, response.status_code, asked, f"it was refused for {rounded_up(paused)} s in all"
                )

    def _closed(self, label: str, masked: str, closed: Closed, status: int | None) -> RateLimited:
        same_day = time.localtime(closed.until)[:3] == time.localtime()[:3]
        when = time.strftime("%H:%M:%S" if same_day else "%Y-%m-%d %H:%M:%S", time.localtime(closed.until))
        return RateLimited(
            f"{label}: the service refuses requests for now and asks to wait {rounded_up(closed.seconds)} s, "
            f"until {when}, longer than galleryk waits ({self.gate.max_retry_after:g} s); nothing was done: "
            "try again then",
            url=masked,
            status=status,
            retry_after=closed.seconds,
            until=closed.until,
        )

    def _refused(self, label: str, masked: str, status: int, asked: float | None, why: str) -> RateLimited:
        return RateLimited(
            f"{label}: HTTP {status}: the service refuses requests for now (too many requests), and {why}; "
            "nothing was done: try again later",
            url=masked,
            status=status,
            retry_after=asked,
        )

    def _request_once(
        self,
        method: str,
        url: str,
        *,
        retry: bool | None,
        label: str,
        masked: str,
        deadline: float | None,
        stall: float | None,
        max_reply: int | None,
        **kwargs: Any,
    ) -> requests.Response:
        """One try of :meth:`request`, under one :class:`~galleryk.transport.calls.Call`."""
        stream = bool(kwargs.pop("stream", False))
        follow = kwargs.pop("allow_redirects", True)
        limit = self.max_reply if max_reply is _UNSET else max_reply
        streamed_body = hasattr(kwargs.get("data"), "read")
        call = calls.Call(
            label,
            deadline=self.deadline if deadline is _UNSET else _seconds(deadline, "deadline"),
            stall=(self.stall if stall is _UNSET else _seconds(stall, "stall")) if streamed_body else None,
            retry=retry,
            deadline_after_body=streamed_body,
        )
        token = calls.current.set(call)
        started = time.monotonic()
        try:
            call.start()
            response = self.session.request(method, url, stream=True, allow_redirects=False, **kwargs)
            if follow:
                response = self._follow(response, call, kwargs)
            if not stream:
                _read_capped(response, limit, label, masked)
        except (TransportError, requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise _failure(exc, call, masked) from None
        finally:
            call.finish()
            calls.current.reset(token)
        log.debug("%s %s -> %s in %.3fs", method, masked, response.status_code, time.monotonic() - started)
        return response

    def _follow(self, response: requests.Response, call: calls.Call, kwargs: dict[str, Any]) -> requests.Response:
        """Follow the redirects that :func:`check_redirect` allows, each reply read under the call's limits."""
        hops: list[requests.Response] = []
        while response.is_redirect:
            if len(hops) >= MAX_REDIRECTS:
                response.close()
                raise TransportError(
                    f"{call.label}: more than {MAX_REDIRECTS} redirects", url=mask_secrets(response.url)
                )
            _read_capped(response, REDIRECT_BODY_LIMIT, call.label, mask_secrets(response.url))
            following = next(self.session.resolve_redirects(response, response.request, yield_requests=True))
            check_redirect(response, following, call.label)
            hops.append(response)
            send: dict[str, Any] = {k: kwargs[k] for k in ("verify", "cert", "proxies") if kwargs.get(k) is not None}
            response = self.session.send(
                following, stream=True, allow_redirects=False, timeout=kwargs["timeout"], **send
            )
        response.history = hops
        return response

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        """A GET (retried when it fails in a retryable way)."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        """A POST (never retried unless ``retry=True``)."""
        return self.request("POST", url, **kwargs)

    @staticmethod
    def check_status(response: requests.Response, what: str | None = None, ok: tuple[int, ...] = ()) -> None:
        """Raise HttpStatusError for a 4xx/5xx status not listed in ``ok``."""
        status = response.status_code
        if status < 400 or status in ok:
            return
        masked = mask_secrets(response.url or "")
        reason = response.reason or ""
        label = what or f"{response.request.method if response.request else 'request'} {masked}"
        raise HttpStatusError(f"{label}: HTTP {status} {reason}".rstrip(), url=masked, status=status)

    # -- multipart uploads -------------------------------------------------------------------
    def multipart(
        self,
        fields: dict[str, str],
        file: tuple[str, str, IO[bytes]] | tuple[str, str, IO[bytes], str] | None = None,
        progress: Progress | None = None,
        charset: str = "utf-8",
    ) -> dict[str, Any]:
        """Request keyword arguments (``data``, ``headers``) for a multipart body that streams ``file``.

        ``file`` is (field name, file name, binary stream[, content type]); the stream is read in
        chunks while sending, never all at once, and checked against the size it had when the
        body was made (:class:`~galleryk.errors.FileChanged` if it grew or shrank).
        ``progress(bytes_sent, total)`` follows the body. Text fields go out in ``charset``
        (characters outside it as ``&#N;``, as browsers do).
        """
        if codecs.lookup(charset).name == "utf-8":
            texts: dict[str, Any] = {name: str(value) for name, value in fields.items()}
        else:
            texts = {name: (None, str(value).encode(charset, "xmlcharrefreplace")) for name, value in fields.items()}
        start = start_of(file[2]) if file is not None else None
        boundary = uuid.uuid4().hex  # the same for a body built again, so the headers still hold

        def build() -> Any:
            parts = dict(texts)
            if file is not None:
                field, filename, stream, *ctype = file
                if start is not None:
                    stream.seek(start)
                kind = ctype[0] if ctype else content_type_for(filename)
                parts[field] = (filename, checked_file(stream, filename), kind)
            encoder = MultipartEncoder(fields=parts, boundary=boundary)
            if progress is None:
                return encoder
            return MultipartEncoderMonitor(encoder, lambda m: progress(m.bytes_read, m.len))

        first = build()
        rebuild = build if file is None or start is not None else None
        content_type = first.content_type if hasattr(first, "content_type") else first.encoder.content_type
        return {"data": ChunkedBody(first, rebuild=rebuild), "headers": {"Content-Type": content_type}}

    def post_multipart(
        self,
        url: str,
        fields: dict[str, str],
        file: tuple[str, str, IO[bytes]] | None = None,
        *,
        progress: Progress | None = None,
        retry: bool | None = False,
        **kwargs: Any,
    ) -> requests.Response:
        """POST a streamed multipart body (never retried by default: an upload is not safe to repeat)."""
        if file is not None:
            kwargs["what"] = f"{kwargs.get('what') or 'upload'} of {file[1]}"
        body = self.multipart(fields, file, progress)
        headers = {**kwargs.pop("headers", {}), **body["headers"]}
        return self.request("POST", url, data=body["data"], headers=headers, retry=retry, **kwargs)

    # -- downloads ---------------------------------------------------------------------------
    def download(self, url: str, target: str | os.PathLike, *, chunk_size: int = 1 << 20, **kwargs: Any) -> Path:
        """Stream ``url`` into ``target`` through a temporary file, so a failure leaves nothing half-written.

        Not capped: the file goes to disk as it comes, however large; each wait for bytes is
        bounded by the read timeout.
        """
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        response = self.request("GET", url, stream=True, **kwargs)
        masked = mask_url(url, kwargs.get("params"))
        try:
            self.check_status(response, f"download {masked}")
            expected = response.headers.get("Content-Length")
            written = 0
            with open(partial, "wb") as out:
                for chunk in response.iter_content(chunk_size):
                    out.write(chunk)
                    written += len(chunk)
            if expected is not None and expected.isdigit() and written != int(expected):
                raise ResponseCut(f"download {masked}: got {written} of {expected} bytes", url=masked)
            os.replace(partial, target)
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
            raise ResponseCut(f"download {masked}: the transfer broke off ({_reason(exc)})", url=masked) from None
        finally:
            response.close()
            partial.unlink(missing_ok=True)
        return target

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        limit = f", {3600 / self.limiter.interval:g} calls/hour" if self.limiter else ""
        return (
            f"<galleryk Transport timeout={self.timeout} deadline={self.deadline} stall={self.stall} "
            f"max_reply={self.max_reply} retries={self.retries}{limit}>"
        )


def _has_stream(files: Any) -> bool:
    """Whether requests' ``files=`` holds a file object anywhere (read by the first send), not only text parts."""
    if hasattr(files, "read"):
        return True
    if isinstance(files, dict):
        return any(_has_stream(value) for value in files.values())
    if isinstance(files, (list, tuple)):
        return any(_has_stream(value) for value in files)
    return False


def _read_capped(response: requests.Response, limit: int | None, label: str, masked: str) -> None:
    """Read the body into ``response.content``, giving up (ReplyTooLarge) past ``limit`` bytes."""
    if limit is None:
        response.content  # noqa: B018 - reads the body
        return
    declared = response.headers.get("Content-Length", "")
    head = response.request is not None and response.request.method == "HEAD"  # the length of a body not sent
    if declared.isdigit() and int(declared) > limit and not head:
        response.close()
        raise ReplyTooLarge(_too_large(label, limit, f"it announces {int(declared):,} bytes"), url=masked, limit=limit)
    chunks = []
    size = 0
    for chunk in response.iter_content(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            response.close()
            raise ReplyTooLarge(_too_large(label, limit, "it goes on past that"), url=masked, limit=limit)
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what requests' own .content does, with the cap on the way
    response._content_consumed = True  # type: ignore[attr-defined]


def _too_large(label: str, limit: int, why: str) -> str:
    return (
        f"{label}: the reply is larger than the limit of {_size(limit)} ({why}); not read further. "
        "Raise max_reply if this server's replies really are that big."
    )


def _size(n: int) -> str:
    for unit, step in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= step:
            return f"{n / step:g} {unit}"
    return f"{n} bytes"


def _failure(exc: BaseException, call: calls.Call, masked: str) -> TransportError:
    """The TransportError a user should see for a failed call (the deadline and stalls named as such)."""
    label = call.label
    if call.stalled:
        return UploadStalled(
            f"{label}: the upload made no progress for {call.stall:g} s and was given up "
            "(the service did not get it whole)",
            url=masked,
        )
    if call.expired:
        return RequestTimeout(
            f"{label}: no complete reply within the deadline of {call.deadline:g} s (retries included)", url=masked
        )
    if isinstance(exc, TransportError):
        return exc
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return RequestTimeout(f"{label}: could not connect within the timeout ({_reason(exc)})", url=masked)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return RequestTimeout(f"{label}: no answer within the timeout ({_reason(exc)})", url=masked)
    if isinstance(exc, requests.exceptions.Timeout):
        return RequestTimeout(f"{label}: timed out ({_reason(exc)})", url=masked)
    if isinstance(
        exc,
        (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
            urllib3.exceptions.ProtocolError,
        ),
    ):
        return ResponseCut(f"{label}: the reply was cut short ({_reason(exc)})", url=masked)
    if isinstance(exc, requests.exceptions.ConnectionError):
        if _is_timeout(exc):  # a read timeout after the retries ran out comes wrapped as a connection error
            return RequestTimeout(f"{label}: no answer within the timeout ({_reason(exc)})", url=masked)
        return ConnectionFailed(f"{label}: connection failed ({_reason(exc)})", url=masked)
    return TransportError(f"{label}: {_reason(exc)}", url=masked)


def _is_timeout(exc: BaseException) -> bool:
    """Whether a (possibly wrapped) failure is a timeout."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, urllib3.exceptions.NewConnectionError):  # subclasses ConnectTimeoutError, but is not one
            return False
        if isinstance(seen, (TimeoutError, urllib3.exceptions.TimeoutError, requests.exceptions.Timeout)):
            return True
        seen = getattr(seen, "reason", None) or (
            seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        )
    return False


def _reason(exc: BaseException) -> str:
    """A short, secret-free description of a requests/urllib3 failure."""
    inner: BaseException = exc
    for _ in range(4):
        nxt = inner.args[0] if inner.args and isinstance(inner.args[0], BaseException) else None
        nxt = nxt or getattr(inner, "reason", None)
        if not isinstance(nxt, BaseException):
            break
        inner = nxt
    text = str(inner) or type(inner).__name__
    return mask_secrets(f"{type(inner).__name__}: {text}" if type(inner).__name__ not in text else text)
