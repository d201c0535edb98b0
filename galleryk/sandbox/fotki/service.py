"""The sandbox's Fotki service: the auth host, the API methods and the files, under ``/fotki``.

URL layout below the service's base (``http://127.0.0.1:PORT/fotki``):

- ``/api_auth``: getFrob, getToken, checkToken and the browser approval pages
  (:mod:`~galleryk.sandbox.fotki.auth`);
- ``/v2flkr/<method>``: the API methods (:mod:`~galleryk.sandbox.fotki.api`);
- ``/files/<id>_o.<ext>``, ``/files/<id>_t.jpg``, ``/photos/<user>/<id>/`` and
  ``/photos/<user>/sets/<id>/``: originals, thumbnails and pages (:mod:`~galleryk.sandbox.fotki.files`).

``revoke_tokens(user)`` withdraws a user's tokens (what a user does on the service's site when
they take an application's access away): calls that carry one then fail with 98.

The demo application's api_key and secret are made at random on the first start, kept in the
database, and written to ``<data dir>/credentials.json`` (mode 0600) on every start.
Files live in ``<data dir>/files/fotki/<user id>/``. There is no contacts model: ``isfriend``
and ``isfamily`` are kept and reported, but a non-public photo is seen by its owner only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from werkzeug.wrappers import Request, Response

from ..settings import SandboxSettings
from ..store import Store
from ..users import get_user
from .api import FotkiApi
from .auth import FotkiAuth
from .db import SCHEMA, ensure_demo_app, revoke_tokens
from .files import FotkiFiles
from .seed import seed_fotki


class FotkiService:
    """Everything under ``/fotki``; see the module docstring for the URL layout."""

    name = "fotki"

    def __init__(self, store: Store, settings: SandboxSettings, base_url: str) -> None:
        self.store = store
        self.settings = settings
        self.base_url = base_url.rstrip("/")
        self.files_dir = store.files / "fotki"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        store.apply_schema(SCHEMA)
        with store.write() as conn:
            app = ensure_demo_app(conn)
        self.api_key: str = app["api_key"]
        self._secret: str = app["secret"]
        _write_credentials(store.root / "credentials.json", self.api_key, self._secret)
        self.auth = FotkiAuth(store, settings, self.base_url)
        self.api = FotkiApi(store, settings, self.base_url, self.files_dir)
        self.files = FotkiFiles(store, self.files_dir, self.base_url)

    @property
    def secret(self) -> str:
        """The demo application's secret (a client signs with it; it never travels)."""
        return self._secret

    def handle(self, request: Request, path: str) -> Response:
        """Route a request; ``path`` is relative to the service's base."""
        if path.rstrip("/") == "/api_auth":
            return self.auth.handle(request)
        if path == "/v2flkr" or path.startswith("/v2flkr/"):
            return self.api.handle(request, path[len("/v2flkr") :])
        if self.files.handles(path):
            return self.files.handle(request, path)
        return Response("Not found", status=404, content_type="text/plain; charset=utf-8")

    def seed(self) -> None:
        """Create the demo photos and photosets (once, after the demo users)."""
        seed_fotki(self.store, self.files_dir, self.settings.fotki_max_upload_bytes)

    def approve(self, frob: str, user: str, perms: str) -> None:
        """What the approval page does when ``user`` says yes; ValueError for an unknown frob, user or perms."""
        self.auth.approve(frob, user, perms)

    def revoke_tokens(self, user: str | None) -> int:
        """Revoke the tokens of ``user`` (everyone's when None): calls with them then fail with 98. How many."""
        with self.store.write() as conn:
            user_id = None
            if user is not None:
                row = get_user(conn, name=user) if isinstance(user, str) else None
                if row is None:
                    raise ValueError(f"unknown user {user!r}")
                user_id = int(row["id"])
            return revoke_tokens(conn, user_id)

    def __repr__(self) -> str:
        return f"<FotkiService {self.base_url} api_key={self.api_key}>"


def _write_credentials(path: Path, api_key: str, secret: str) -> None:
    """Write the demo app's key and secret for tools that start a sandbox elsewhere; readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"api_key": api_key, "secret": secret}, out)
    os.chmod(path, 0o600)
