"""Servers that misbehave below HTTP, and one that records all it is sent, for the hostile-server tests.

- :class:`Recorder`: a loopback HTTP server that answers everything with a small fixed page
  and keeps every request (method, path, query, headers, body), so a test can show what a
  redirect made a client send to "another host".
- :class:`RawServer`: a loopback socket server that accepts connections and then does one bad
  thing: ``hold`` (never reads, never answers: the upload's send buffer fills up) or
  ``drip`` (sends a reply one byte at a time, headers included).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        """Everything of the request as one string, for "no secret in it" checks."""
        head = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.method} {self.path}?{self.query}\n{head}\n\n{self.body.decode('latin-1')}"


class Recorder:
    """A threaded loopback server that records every request and answers ``body`` with status 200."""

    def __init__(self, body: bytes = b"<rsp stat='ok'></rsp>", content_type: str = "text/xml") -> None:
        self.seen: list[Seen] = []
        self._body, self._type = body, content_type
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def _app(self, environ: dict, start_response):
        request = Request(environ)
        self.seen.append(
            Seen(
                request.method,
                request.path,
                request.query_string.decode("latin-1"),
                dict(request.headers),
                request.get_data(),
            )
        )
        return Response(self._body, content_type=self._type)(environ, start_response)

    def everything(self) -> str:
        return "\n\n".join(s.text() for s in self.seen)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class RawServer:
    """A loopback socket server doing one bad thing to every connection: ``hold`` or ``drip``."""

    def __init__(self, mode: str, interval: float = 0.5) -> None:
        assert mode in ("hold", "drip")
        self.mode, self.interval = mode, interval
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._held.append(conn)
            if self.mode == "drip":
                threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 20\r\n\r\n<rsp stat='ok'/>   "
        for i in range(len(reply)):
            if self._stop.wait(self.interval):
                return
            try:
                conn.sendall(reply[i : i + 1])
            except OSError:
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._listener.close()


def elapsed(call) -> tuple[float, BaseException | None]:
    """(seconds, the exception raised or None) of ``call()``."""
    started = time.monotonic()
    try:
        call()
    except BaseException as exc:  # the tests look at it
        return time.monotonic() - started, exc
    return time.monotonic() - started, None
