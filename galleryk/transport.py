"""HTTP for every galleryk client: one pooled session, timeouts always, retries only when safe.

A :class:`Transport` wraps one ``requests.Session`` with:

- a (connect, read) timeout on every request, unless the caller passes its own;
- urllib3 retries with backoff for safe requests only (GET and HEAD, on connection errors and
  status 429/500/502/503/504); ``retry=False`` turns them off for one request, ``retry=True``
  turns them on for a request the caller knows is idempotent (a POST probe);
- multipart bodies streamed from disk (requests_toolbelt), with a ``progress(bytes_sent,
  total)`` callback, so a 1 GB file costs no more memory than a small one;
- an optional rate limit in calls per hour; a stable ``User-Agent: galleryk/<version>``;
- failures turned into :class:`~galleryk.errors.TransportError` subclasses that name the URL
  with every secret masked; logging through ``galleryk.transport`` with the same masking.

It knows nothing of Fotki or Coppermine: status codes the protocols use (430, 302...) are
returned as responses; :meth:`Transport.check_status` raises for the ones that mean failure.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor
from urllib3.util.retry import Retry

from .errors import (
    ConnectionFailed,
    HttpStatusError,
    RequestTimeout,
    ResponseCut,
    TransportError,
    mask_secrets,
)

log = logging.getLogger("galleryk.transport")

Source = Union[str, os.PathLike, bytes, bytearray, IO[bytes]]
"""Something to upload: a path, the bytes themselves, or a binary file object."""
Progress = Callable[[int, int], Any]
"""``progress(bytes_sent, total)``, called from the sending thread as the body goes out."""

DEFAULT_TIMEOUT = (10.0, 60.0)
RETRY_STATUSES = (429, 500, 502, 503, 504)
SAFE_METHODS = frozenset({"GET", "HEAD"})
_retry_override: contextvars.ContextVar[bool | None] = contextvars.ContextVar("galleryk_retry", default=None)


def default_user_agent() -> str:
    """galleryk's User-Agent: ``galleryk/<version>``, the same for every request of a session."""
    try:
        from . import __version__
    except ImportError:  # pragma: no cover - only while the package is half imported
        __version__ = "0"
    return f"galleryk/{__version__}"


def mask_url(url: str, params: Any = None) -> str:
    """``url`` (plus ``params`` when given as a mapping) with secret values replaced by ``***``."""
    if params and isinstance(params, dict):
        parts = urlsplit(url)
        query = "&".join(p for p in (parts.query, urlencode(params, doseq=True)) if p)
        url = urlunsplit(parts._replace(query=query))
    return mask_secrets(url)


class _SafeRetry(Retry):
    """urllib3 Retry that a Transport can switch off or on for one request (through a context variable)."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        override = _retry_override.get()
        if override is False:
            return False
        if override is True:
            return bool(self.status_forcelist) and status_code in self.status_forcelist and self.total != 0
        return super().is_retry(method, status_code, has_retry_after)

    def _is_method_retryable(self, method: str) -> bool:
        override = _retry_override.get()
        if override is not None:
            return override
        return super()._is_method_retryable(method)

    def increment(self, *args: Any, **kwargs: Any) -> Retry:  # type: ignore[override]
        if _retry_override.get() is False:
            # give up at once, exactly as an exhausted Retry would
            return Retry.increment(self.new(total=0, connect=0, read=0, redirect=0, status=0, other=0), *args, **kwargs)
        return super().increment(*args, **kwargs)


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


@dataclass(frozen=True)
class Upload:
    """An opened upload source: its file name, a readable binary stream and its size in bytes."""

    filename: str
    stream: IO[bytes]
    size: int


@contextlib.contextmanager
def open_source(source: Source, filename: str | None = None) -> Iterator[Upload]:
    """Open a path, bytes or binary file object for streaming; files opened here are closed afterwards.

    Bytes are wrapped, never copied; a file object is read from its current position.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source) if not isinstance(source, bytes) else source
        yield Upload(filename or "upload.jpg", io.BytesIO(data), len(data))
        return
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"no such file to upload: {path}")
        with open(path, "rb") as stream:
            yield Upload(filename or path.name, stream, os.fstat(stream.fileno()).st_size)
        return
    if hasattr(source, "read"):
        name = filename or os.path.basename(str(getattr(source, "name", "") or "")) or "upload.jpg"
        yield Upload(name, source, _remaining_size(source))
        return
    raise TypeError(f"cannot upload a {type(source).__name__}: give a path, bytes or a binary file object")


def _remaining_size(stream: IO[bytes]) -> int:
    try:
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
        return end - here
    except (OSError, AttributeError, ValueError):
        try:
            return os.fstat(stream.fileno()).st_size
        except (OSError, AttributeError, ValueError):
            return -1


class Transport:
    """One pooled HTTP session with timeouts, safe retries, streaming uploads and masked errors.

    ``timeout``: seconds, or a (connect, read) pair, used for every request.
    ``retries``: how many times a safe request is repeated; ``backoff``: urllib3's backoff factor.
    ``pool_size``: connections kept per host (match the thread pools that share this transport).
    ``calls_per_hour``: optional rate limit for careful clients (the Flickr family allows ~3600).
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
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.user_agent = user_agent or default_user_agent()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        retry = _SafeRetry(
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
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.limiter = RateLimiter(calls_per_hour) if calls_per_hour else None

    # -- requests ----------------------------------------------------------------------------
    def request(
        self, method: str, url: str, *, retry: bool | None = None, what: str | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send one request and return the response, whatever its status; raise TransportError when none came.

        ``retry``: None retries safe methods only; False never; True also a non-GET the caller
        knows to be idempotent. ``what`` names the call in error messages. Other keyword
        arguments go to ``requests`` (params, data, files, headers, stream, allow_redirects...).
        """
        method = method.upper()
        kwargs.setdefault("timeout", self.timeout)
        masked = mask_url(url, kwargs.get("params"))
        label = what or f"{method} {masked}"
        if self.limiter is not None:
            self.limiter.wait()
        token = _retry_override.set(retry)
        started = time.monotonic()
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout as exc:
            raise RequestTimeout(f"{label}: could not connect within the timeout ({_reason(exc)})", url=masked) from None
        except requests.exceptions.ReadTimeout as exc:
            raise RequestTimeout(f"{label}: no answer within the timeout ({_reason(exc)})", url=masked) from None
        except requests.exceptions.Timeout as exc:
            raise RequestTimeout(f"{label}: timed out ({_reason(exc)})", url=masked) from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            raise ResponseCut(f"{label}: the reply was cut short ({_reason(exc)})", url=masked) from None
        except requests.exceptions.ConnectionError as exc:
            if _is_timeout(exc):  # a read timeout after the retries ran out comes wrapped as a connection error
                raise RequestTimeout(f"{label}: no answer within the timeout ({_reason(exc)})", url=masked) from None
            raise ConnectionFailed(f"{label}: connection failed ({_reason(exc)})", url=masked) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(f"{label}: {_reason(exc)}", url=masked) from None
        finally:
            _retry_override.reset(token)
        log.debug("%s %s -> %s in %.3fs", method, masked, response.status_code, time.monotonic() - started)
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
    ) -> dict[str, Any]:
        """Request keyword arguments (``data``, ``headers``) for a multipart body that streams ``file``.

        ``file`` is (field name, file name, binary stream[, content type]); the stream is read in
        chunks while sending, never all at once. ``progress(bytes_sent, total)`` follows the body.
        """
        parts: dict[str, Any] = {name: str(value) for name, value in fields.items()}
        if file is not None:
            field, filename, stream, *ctype = file
            parts[field] = (filename, stream, ctype[0] if ctype else content_type_for(filename))
        encoder = MultipartEncoder(fields=parts)
        if progress is not None:
            monitor = MultipartEncoderMonitor(encoder, lambda m: progress(m.bytes_read, m.len))
            body: Any = monitor
        else:
            body = encoder
        return {"data": ChunkedBody(body), "headers": {"Content-Type": encoder.content_type}}

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
        body = self.multipart(fields, file, progress)
        headers = {**kwargs.pop("headers", {}), **body["headers"]}
        return self.request("POST", url, data=body["data"], headers=headers, retry=retry, **kwargs)

    # -- downloads ---------------------------------------------------------------------------
    def download(self, url: str, target: str | os.PathLike, *, chunk_size: int = 1 << 20, **kwargs: Any) -> Path:
        """Stream ``url`` into ``target`` through a temporary file, so a failure leaves nothing half-written."""
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
        return f"<galleryk Transport timeout={self.timeout} retries={self.retries}{limit}>"


class ChunkedBody:
    """Hands a multipart encoder to http.client in big reads (1 MiB), not its default 16 KiB ones."""

    def __init__(self, body: Any, size: int = 1 << 20) -> None:
        self._body = body
        self._size = size
        self.len = body.len

    def __len__(self) -> int:
        return self.len

    def read(self, size: int = -1) -> bytes:
        return self._body.read(self._size if size is None or size < 0 or size < self._size else size)


def content_type_for(filename: str) -> str:
    """The MIME type a file part is sent with, guessed from its name."""
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


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
        seen = getattr(seen, "reason", None) or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
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
