"""HTTP/1.1 keep-alive for the sandbox's werkzeug server, and a count of connections and requests.

Werkzeug's development server sends ``Connection: close`` on every reply and, after each one,
reads whatever else the client has sent (which, on a kept-alive connection, would be the next
request). :class:`KeepAliveHandler` runs the WSGI application itself instead: the reply goes
out with its ``Content-Length`` (or chunked when the application streams without one), what
is left of the request body is read up to its declared length and no further, and the
connection stays open for the client's next request unless the client, the application
(``Connection: close``, as the ``cut`` fault sends) or an error asks to close it. A kept-alive
connection that stays idle for ``timeout`` seconds is closed without a word: a client keeping
connections in its pool is no error (``make app`` printed "Request timed out" for every idle
one); a request that stops half-way still reaches ``log_error``.

:class:`Traffic` counts what the server saw, so tests can check that connections are reused,
and holds the open connections so that stopping the sandbox closes them (a kept-alive
connection must not outlive its server).
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import WSGIRequestHandler

IDLE_SECONDS = 120.0
"""How long a kept-alive connection may wait for its next request before the server closes it."""
_CHUNK = 1 << 16


@dataclass(frozen=True)
class TrafficCounts:
    """What a sandbox has served so far: TCP connections accepted, HTTP requests answered, connections open."""

    connections: int
    requests: int
    open: int


class Traffic:
    """Thread-safe counters of connections and requests, and the set of open connections."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._connections = 0
        self._requests = 0
        self._open: set[socket.socket] = set()

    def opened(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections += 1
            self._open.add(conn)

    def closed(self, conn: socket.socket) -> None:
        with self._lock:
            self._open.discard(conn)
            self._lock.notify_all()

    def request(self) -> None:
        with self._lock:
            self._requests += 1

    def counts(self) -> TrafficCounts:
        with self._lock:
            return TrafficCounts(self._connections, self._requests, len(self._open))

    def close_all(self, wait: float = 5.0) -> None:
        """Shut every open connection, so their handler threads end and clients see the server gone;
        wait up to ``wait`` seconds for those threads to finish."""
        with self._lock:
            conns = list(self._open)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._lock.wait_for(lambda: not self._open, timeout=wait)


class _CountingInput:
    """The request body stream, counting the bytes the application read (so the rest can be drained)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.consumed = 0

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read(size) if size is not None and size >= 0 else self._raw.read()
        self.consumed += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = self._raw.readline(size if size is not None else -1)
        self.consumed += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self.consumed += n
        return n

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


class KeepAliveHandler(WSGIRequestHandler):
    """A werkzeug request handler that keeps HTTP/1.1 connections open between requests.

    The server it serves must have a ``traffic`` attribute (a :class:`Traffic`).
    """

    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS  # per socket read: an idle kept-alive connection is closed after this
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def setup(self) -> None:
        super().setup()
        self.server.traffic.opened(self.connection)  # type: ignore[attr-defined]

    def handle_one_request(self) -> None:
        if not self._next_request_comes():
            self.close_connection = True
            return
        super().handle_one_request()

    def _next_request_comes(self) -> bool:
        """Wait up to ``timeout`` for the first byte of the next request (or the client's close); False when idle."""
        try:
            self.rfile.peek(1)  # type: ignore[attr-defined]  # a BufferedReader: the byte stays for the request
        except TimeoutError:
            return False
        return True

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.traffic.closed(self.connection)  # type: ignore[attr-defined]

    def run_wsgi(self) -> None:
        self.server.traffic.request()  # type: ignore[attr-defined]
        self.environ = environ = self.make_environ()
        chunked_request = bool(environ.get("wsgi.input_terminated"))
        body = _CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = body
        declared = _content_length(environ)
        if self.request_version != "HTTP/1.1":
            self.close_connection = True  # HTTP/1.0 clients get one request per connection
        state: dict[str, Any] = {"status": None, "headers": None, "sent": False, "chunked": False}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if exc_info is not None and state["sent"]:
                raise exc_info[1].with_traceback(exc_info[2])
            state["status"], state["headers"] = status, headers
            return write

        def send_headers() -> None:
            code, _, reason = state["status"].partition(" ")
            self.send_response(int(code), reason or None)
            names = set()
            for name, value in state["headers"]:
                lower = name.lower()
                names.add(lower)
                if lower == "connection":
                    if value.strip().lower() == "close":
                        self.close_connection = True
                    continue  # said once below
                self.send_header(name, value)
            if "content-length" not in names and not _bodyless(int(code), self.command):
                if self.request_version == "HTTP/1.1":
                    state["chunked"] = True
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.close_connection = True
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            state["sent"] = True

        def write(data: bytes) -> None:
            if not state["sent"]:
                send_headers()
            if data:
                if state["chunked"]:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    self.wfile.write(data)

        try:
            result = self.server.app(environ, start_response)
            try:
                for data in result:
                    write(data)
                if not state["sent"]:
                    send_headers()
                if state["chunked"]:
                    self.wfile.write(b"0\r\n\r\n")
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except (TimeoutError, ConnectionError) as exc:
            self.close_connection = True
            self.connection_dropped(exc, environ)
            return
        except Exception:
            self.close_connection = True
            if not state["sent"]:
                self._internal_error()
            self.log_error("error on request %s:\n%s", self.requestline, _traceback())
            return
        if chunked_request or declared is None:
            self.close_connection = True  # where that body ends is not known here
        else:
            self._drain(body, declared)

    def _drain(self, body: _CountingInput, declared: int) -> None:
        """Read what the application left of the request body, up to its length, so the next request starts clean."""
        left = declared - body.consumed
        try:
            while left > 0:
                data = body.read(min(left, _CHUNK))
                if not data:
                    self.close_connection = True
                    return
                left -= len(data)
        except (OSError, ValueError):
            self.close_connection = True

    def _internal_error(self) -> None:
        text = b"Internal Server Error"
        try:
            self.send_response(500)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(text)
        except OSError:
            pass


def _content_length(environ: dict[str, Any]) -> int | None:
    try:
        value = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return value if value >= 0 else None


def _bodyless(code: int, method: str) -> bool:
    return method == "HEAD" or 100 <= code < 200 or code in (204, 304)


def _traceback() -> str:
    import traceback

    return "".join(traceback.format_exception(*sys.exc_info()))
