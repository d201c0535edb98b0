"""The sandbox HTTP server: one loopback port that serves Fotki, Coppermine and a control API.

Layout of URLs under ``http://127.0.0.1:<port>``:

- ``/fotki/api_auth`` the Fotki auth host (getFrob, approval page, getToken)
- ``/fotki/v2flkr/<method>`` Fotki API methods
- ``/cpg/`` the Coppermine gallery (``/cpg/api/`` for the cpgAPI, the rest for its web pages)
- ``/_sandbox/faults`` and ``/_sandbox/settings`` (GET to read, POST JSON to change) for tests
  that drive a sandbox started in another process; ``/_sandbox/log?service=...`` (a service's
  request log; POST ``{"reset": true}`` empties it), ``/_sandbox/held`` (requests held by the
  delay faults; POST ``{"release": true}`` ends the holds) and ``/_sandbox/revoke_tokens``
  (POST ``{"user": "alice"}``, or ``{}`` for everyone's Fotki tokens).

Requests are bounded like a real server's (see :class:`BoundedRequest`): a body larger than
the server takes, too many multipart parts or a too large text field get ``413`` with a short
body, before any service runs, and never sit in memory.

It imports nothing from galleryk's clients: it is the other side of the wire. While it runs, what
galleryk caches for its address (tokens, push journals and locks, thumbnails) is kept in its
data folder's ``cache`` (:func:`galleryk.base.cachedir.register_scope`), and goes with it.
"""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import asdict, fields
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from ..base.cachedir import register_scope
from . import users as users_mod
from .coppermine import CoppermineService
from .faults import FaultInjector
from .fotki import FotkiService
from .keepalive import KeepAliveHandler, Traffic, TrafficCounts
from .request_log import RequestLog
from .scratch import ScratchFolder
from .seed import DEMO_USERS, seed_users
from .settings import SandboxSettings
from .store import Store

log = logging.getLogger("galleryk.sandbox")

_SECRET_FIELDS = re.compile(r"((?:auth_token|api_sig|password|frob|token|form_token)=)[^&\s\"]*", re.I)


def mask_secrets(text: str) -> str:
    """Replace the values of secret-bearing query fields with ``***``."""
    return _SECRET_FIELDS.sub(r"\1***", text)


class Service(Protocol):
    name: str

    def handle(self, request: Request, path: str) -> Response: ...

    def seed(self) -> None: ...


FORM_BODY_LIMIT = 2 * 1024 * 1024
"""Bytes a body that is not multipart may have (url-encoded forms, JSON to the control API): it is read whole."""
FIELD_LIMIT = 1024 * 1024
"""Bytes one text field of a multipart body may have (it is kept in memory; files stream to disk)."""
PARTS_LIMIT = 1000
"""Parts a multipart body may have (PHP's ``max_input_vars`` default)."""
UPLOAD_SLACK = 1024 * 1024
"""Bytes a multipart body may have beyond the largest file a service accepts, for its other fields."""
CLIENT_TIMEOUT = 60.0
"""Seconds the server waits for a client that stopped sending (a real server's client body timeout)."""


class BoundedRequest(Request):
    """A werkzeug request with a real server's limits; ``max_content_length`` is set per request by the server."""

    max_form_memory_size = FIELD_LIMIT
    max_form_parts = PARTS_LIMIT


def body_limit(request: Request, settings: SandboxSettings) -> int:
    """The largest body this request may have: room for the largest upload when multipart, else a form's."""
    if request.mimetype == "multipart/form-data":
        return max(settings.fotki_max_upload_bytes, settings.coppermine_php_upload_max_bytes) + UPLOAD_SLACK
    return FORM_BODY_LIMIT


class _CappedInput(io.RawIOBase):
    """A chunked request body that refuses (413) to be read past ``limit`` bytes.

    werkzeug only truncates a body without Content-Length at ``max_content_length``; a
    service would then act on the first part of an oversized form.
    """

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream, self._limit, self._seen = stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._stream.readinto(b) or 0
        self._seen += n
        if self._seen > self._limit:
            raise RequestEntityTooLarge()
        return n


def _limit_text(limit: int) -> str:
    return f"{limit / (1 << 20):g} MiB" if limit >= 1 << 20 else f"{limit} bytes"


def too_large(what: str) -> Response:
    """``413`` with a short plain-text body; the connection is closed after it (the rest of the body is not wanted)."""
    return Response(
        f"413 Request Entity Too Large: {what}\n",
        status=413,
        content_type="text/plain; charset=utf-8",
        headers={"Connection": "close"},
    )


class _QuietHandler(KeepAliveHandler):
    """Werkzeug's request handler (with keep-alive), logging through ``galleryk.sandbox`` with secrets masked.

    A client that stops sending is hung up on after :data:`CLIENT_TIMEOUT` (the rest of a
    refused body is read and dropped, so a client that announces 2 GB and stalls would
    otherwise hold a thread for ever); so is a kept-alive connection idle that long.
    """

    timeout = CLIENT_TIMEOUT

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.info("%s %s %s", self.address_string(), mask_secrets(self.requestline), code)

    def log_error(self, format: str, *args: Any) -> None:
        log.warning(mask_secrets(format % args))

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(mask_secrets(format % args))


class Sandbox:
    """A running sandbox. Use ``start()`` to make one; stop it with ``stop()`` or a ``with`` block."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        seed: bool = True,
        port: int = 0,
        host: str = "127.0.0.1",
        settings: SandboxSettings | None = None,
        fault_seed: int | None = None,
    ) -> None:
        self._scratch: ScratchFolder | None = None
        if data_dir is None:
            # removed by stop(), at exit, or when this process dies (a notebook kernel killed outright)
            self._scratch = ScratchFolder("galleryk-sandbox-")
            data_dir = self._scratch.path
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.settings = settings or SandboxSettings()
        self.settings.validate()
        self.faults = FaultInjector(seed=fault_seed)
        self.store = Store(self.data_dir)
        self.store.apply_schema(users_mod.SCHEMA)

        try:
            self._server = make_server(host, port, self._wsgi, threaded=True, request_handler=_QuietHandler)
        except SystemExit:  # werkzeug prints "Address already in use" and exits; a notebook must not
            self.store.close()
            raise OSError(
                f"the sandbox cannot listen on {host}:{port}: the port is in use; choose another port, "
                "or port=0 for a free one"
            ) from None
        self._server.daemon_threads = True  # type: ignore[attr-defined]  # werkzeug's threaded server has it
        self._server.traffic = Traffic()  # type: ignore[attr-defined]
        self.host = host
        self.port = int(self._server.server_port)
        self.url = f"http://{host}:{self.port}"
        self.fotki_auth_url = f"{self.url}/fotki/api_auth"
        self.fotki_api_url = f"{self.url}/fotki/v2flkr"
        self.coppermine_url = f"{self.url}/cpg"

        self._fotki = FotkiService(self.store, self.settings, f"{self.url}/fotki")
        self._coppermine = CoppermineService(self.store, self.settings, self.coppermine_url)
        self._services: dict[str, Service] = {"/fotki": self._fotki, "/cpg": self._coppermine}

        if seed and self.store.get_meta("seeded") is None:
            seed_users(self.store)
            self._fotki.seed()
            self._coppermine.seed()
            self.store.set_meta("seeded", str(int(time.time())))
        elif self.store.get_meta("seeded") is None:
            seed_users(self.store)

        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="galleryk-sandbox", daemon=True
        )
        self._thread.start()
        self._stopped = False
        self._end_scope = register_scope(self.url, self.data_dir / "cache")  # clients' files for it live here

    # -- what tests and clients need -------------------------------------------------
    @property
    def api_key(self) -> str:
        """The demo application's Fotki API key."""
        return self._fotki.api_key

    @property
    def secret(self) -> str:
        """The demo application's Fotki API secret (never sent over the wire by a client)."""
        return self._fotki.secret

    @property
    def users(self) -> dict[str, str]:
        """Demo user name -> password, valid on both services."""
        return {name: password for name, (password, _, _) in DEMO_USERS.items()}

    def approve(self, frob: str, user: str, perms: str = "write") -> None:
        """Do what the Fotki approval page does when ``user`` signs in and grants ``perms``."""
        self._fotki.approve(frob, user, perms)

    def configure_coppermine(self, **values: object) -> None:
        """Change the gallery's settings (``max_upl_size=1024``, ``keyword_separator=" "``...), as its admin page does."""
        self._coppermine.gallery.set_config(**values)

    @property
    def coppermine_gallery(self) -> Any:
        """The sandbox gallery's records and rules (its settings, where a picture's files lie), as its admin sees them."""
        return self._coppermine.gallery

    def revoke_tokens(self, user: str | None = None) -> int:
        """Revoke the Fotki tokens of ``user`` (every user's when None), as when they withdraw an app's access.

        Calls that carry a revoked token then fail with code 98, as the Flickr family answers.
        Returns how many tokens were revoked; ValueError for an unknown user.
        """
        return self._fotki.revoke_tokens(user)

    def request_log(self, service: str) -> RequestLog:
        """What ``service`` ("fotki" or "coppermine") was asked and answered since the start (or
        ``faults.reset_requests()``): each request with its status and fault, requests refused by the
        rate limit, uploads that reached the upload handler, and requests handled per second."""
        return self.faults.log(service)

    def traffic(self) -> TrafficCounts:
        """Connections accepted, requests answered and connections open so far (keep-alive reuses connections)."""
        return self._server.traffic.counts()  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Stop serving and wait for the server thread; remove the data folder if it was temporary."""
        if self._stopped:
            return
        self._stopped = True
        self.faults.release()
        self._server.shutdown()
        self._server.server_close()
        self._server.traffic.close_all()  # type: ignore[attr-defined]  # kept-alive connections end with the server
        self._thread.join(timeout=10)
        self.store.close()
        self._end_scope()
        if self._scratch is not None:
            self._scratch.remove()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<galleryk Sandbox {self.url} {state} data={self.data_dir}>"

    # -- WSGI -------------------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Any):
        request = BoundedRequest(environ)
        limit = body_limit(request, self.settings)
        if "wsgi.input_terminated" in environ:  # chunked: no length to check up front
            environ["wsgi.input"] = _CappedInput(environ["wsgi.input"], limit)
        else:
            request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            response = too_large(f"the body ({request.content_length:,} bytes) is larger than {_limit_text(limit)}")
        else:
            try:
                response = self._dispatch(request)
            except RequestEntityTooLarge:
                response = too_large(
                    f"the body is larger than {_limit_text(limit)}, has more than {PARTS_LIMIT} "
                    f"parts, or a text field larger than {_limit_text(FIELD_LIMIT)}"
                )
            except HTTPException as exc:  # a service's werkzeug error: answer it as such, not as a 500
                response = exc.get_response(environ)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_sandbox/"):
            return self._control(request, path[len("/_sandbox/") :])
        if path in ("", "/"):
            return self._index()
        for prefix, service in self._services.items():
            if path == prefix or path.startswith(prefix + "/"):
                below = path[len(prefix) :] or "/"
                return self.faults.serve(service.name, request, partial(service.handle, request, below))
        return Response("not found", status=404, content_type="text/plain")

    def _index(self) -> Response:
        html = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>galleryk sandbox</title></head><body>"
            "<h1>galleryk sandbox</h1><ul>"
            f"<li>Fotki API: <code>{self.fotki_api_url}/&lt;method&gt;</code></li>"
            f"<li>Fotki auth: <code>{self.fotki_auth_url}</code></li>"
            f"<li>Coppermine gallery: <a href='{self.coppermine_url}/'>{self.coppermine_url}/</a></li>"
            "</ul></body></html>"
        )
        return Response(html, content_type="text/html; charset=utf-8")

    def _control(self, request: Request, what: str) -> Response:
        try:
            if what == "faults":
                if request.method == "POST":
                    body = request.get_json(force=True) or {}
                    service = body.pop("service", None)
                    self.faults.set(service, **body)
                return _json(self.faults.snapshot())
            if what == "log":
                return self._control_log(request)
            if what == "held":
                if request.method == "POST":
                    body = request.get_json(force=True) or {}
                    if body.get("release") is not True:
                        raise ValueError('POST {"release": true} to end every hold')
                    return _json({"released": self.faults.release_held()})
                return _json({name: self.faults.held(name) for name in ("fotki", "coppermine")})
            if what == "revoke_tokens" and request.method == "POST":
                body = request.get_json(force=True) or {}
                return _json({"revoked": self.revoke_tokens(body.get("user"))})
            if what == "settings":
                if request.method == "POST":
                    body = request.get_json(force=True) or {}
                    known = {f.name for f in fields(SandboxSettings)}
                    unknown = set(body) - known
                    if unknown:
                        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
                    for key, value in body.items():
                        setattr(self.settings, key, tuple(value) if isinstance(value, list) else value)
                    self.settings.validate()
                return _json(asdict(self.settings))
        except (ValueError, TypeError) as exc:
            return _json({"error": str(exc)}, status=400)
        return _json({"error": f"unknown control {what!r}"}, status=404)

    def _control_log(self, request: Request) -> Response:
        """GET ``?service=fotki``: that service's request log; POST ``{"reset": true}`` (and a service) empties it."""
        if request.method == "POST":
            body = request.get_json(force=True) or {}
            if body.get("reset") is not True:
                raise ValueError('POST {"reset": true} (and "service") to empty the log')
            self.faults.reset_requests(body.get("service"))
            return _json({"reset": True})
        service = request.args.get("service", "")
        if not service:
            raise ValueError("name the service: /_sandbox/log?service=fotki or coppermine")
        return _json(self.faults.log(service).as_json())


def _json(data: object, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def start(
    data_dir: str | Path | None = None,
    seed: bool = True,
    port: int = 0,
    *,
    settings: SandboxSettings | None = None,
    fault_seed: int | None = None,
) -> Sandbox:
    """Start a sandbox on 127.0.0.1 in a background thread and return it.

    ``data_dir=None`` uses a temporary folder, removed at ``stop()`` or else when the interpreter exits
    (a script that raised, a restarted kernel); ``port=0`` picks a free port;
    ``seed=True`` creates the demo users, photosets, albums and photos on first start.
    """
    return Sandbox(data_dir, seed=seed, port=port, settings=settings, fault_seed=fault_seed)


def new_api_secret() -> str:
    return secrets.token_hex(8)
