"""A small HTTP server on 127.0.0.1 that hands the browser what stock widgets would otherwise keep as state.

Where the widgets' JavaScript cannot load, stock ipywidgets show the grid and the sign-in
link, and everything a stock widget shows is model state, saved with the notebook. So the
stock views get addresses instead: a picture is published under a random name and the
``Image`` widget holds only ``http://127.0.0.1:<port>/p/<name>``; the approval link is
``/go/<name>``, which redirects to the service's page, so its one-time frob stays in the
kernel. Names are withdrawn when their view moves on, and the server stops with the last
widget that uses it. ``GALLERYK_LOCAL_URL`` gives another address for the browser to reach
it by (a Jupyter server proxy, say: ``https://hub.example.org/user/me/proxy/{port}/``).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger("galleryk.widgets")

URL_VARIABLE = "GALLERYK_LOCAL_URL"
"""The environment variable naming the address the browser reaches the server at; ``{port}`` is filled in."""


class LocalServer:
    """Pictures and redirects for the browser, each under a random name, while they are published."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pictures: dict[str, tuple[bytes, str]] = {}
        self._forwards: dict[str, str] = {}
        self._asked: set[str] = set()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.port: int = self._httpd.server_address[1]
        template = os.environ.get(URL_VARIABLE, "").strip() or "http://127.0.0.1:{port}/"
        self.base = template.replace("{port}", str(self.port)).rstrip("/") + "/"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="galleryk-local", daemon=True
        )
        self._thread.start()

    def publish(self, data: bytes, mime: str) -> str:
        """The address at which the browser gets ``data`` (served as ``mime``) until it is withdrawn."""
        name = secrets.token_urlsafe(16)
        with self._lock:
            self._pictures[name] = (bytes(data), mime)
        return f"{self.base}p/{name}"

    def forward(self, target: str) -> str:
        """An address that sends the browser on to ``target`` until it is withdrawn (``target`` itself stays here)."""
        name = secrets.token_urlsafe(16)
        with self._lock:
            self._forwards[name] = target
        return f"{self.base}go/{name}"

    def withdraw(self, url: str | None) -> None:
        """Stop serving ``url`` (an address :meth:`publish` or :meth:`forward` gave; None and unknown ones are ignored)."""
        if not url:
            return
        name = url.rsplit("/", 1)[-1]
        with self._lock:
            self._pictures.pop(name, None)
            self._forwards.pop(name, None)
            self._asked.discard(name)

    def asked(self, url: str) -> bool:
        """Whether a browser has asked for ``url`` (so the browser reaches this server)."""
        with self._lock:
            return url.rsplit("/", 1)[-1] in self._asked

    @property
    def published(self) -> int:
        """How many addresses are served now."""
        with self._lock:
            return len(self._pictures) + len(self._forwards)

    def _lookup(self, kind: str, name: str) -> Any:
        with self._lock:
            found = (self._pictures if kind == "p" else self._forwards if kind == "go" else {}).get(name)
            if found is not None:
                self._asked.add(name)
            return found

    def close(self) -> None:
        """Stop serving and free the port."""
        with self._lock:
            self._pictures.clear()
            self._forwards.clear()
        self._httpd.shutdown()
        self._httpd.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("galleryk local server: a connection ended early", exc_info=True)  # a tab closed mid-picture


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "galleryk"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        found = self.server.owner._lookup(parts[0], parts[1]) if len(parts) == 2 else None
        if isinstance(found, str):
            self.send_response(302)
            self.send_header("Location", found)
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if found is None:
            data, mime, status = b"gone: this picture or link is no longer shown\n", "text/plain; charset=utf-8", 404
        else:
            (data, mime), status = found, 200
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # private photos stay out of the browser's disk cache
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a quiet terminal: the browser's requests are not news


_shared: LocalServer | None = None
_users = 0
_shared_lock = threading.Lock()


def acquire() -> LocalServer:
    """The process's server (started on first use); each call is paired with a :func:`release`."""
    global _shared, _users
    with _shared_lock:
        if _shared is None:
            _shared = LocalServer()
        _users += 1
        return _shared


def release() -> None:
    """One user fewer; the server stops when none is left."""
    global _shared, _users
    with _shared_lock:
        _users = max(0, _users - 1)
        if _users or _shared is None:
            return
        server, _shared = _shared, None
    server.close()
