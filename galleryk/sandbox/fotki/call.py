"""What every Fotki call goes through before its method runs, on both the auth host and the API.

The order is the real service's: the api_key must be present and known (100), the api_sig
present (97) and right (96); the method must exist (112, checked by the caller); an
auth_token, when given or needed, must be valid for this api_key (98) and carry enough
permission (99). A method that needs a token and gets none fails with 99 ("user not logged
in"), as Flickr does. Parameters come from the query string and the form body alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from werkzeug.wrappers import Request

from .db import get_app, perm_level, token_info
from .sign import signature_matches


class FotkiError(Exception):
    """A failed call: Flickr's error ``code`` and message (never holds a secret)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def params_of(request: Request) -> dict[str, str]:
    """All parameters, form fields over query ones; file parts are not parameters."""
    params = {key: request.args.get(key, "") for key in request.args}
    if request.method == "POST":
        params.update({key: request.form.get(key, "") for key in request.form})
    return params


def format_of(params: dict[str, str]) -> str:
    """ "json" when ``format=json`` was asked for, else "xml"."""
    return "json" if params.get("format", "").lower() == "json" else "xml"


def check_app(conn: sqlite3.Connection, params: dict[str, str], exclude: Iterable[str] = ()) -> sqlite3.Row:
    """The calling application, once its key and the request's signature are right."""
    api_key = params.get("api_key", "")
    app = get_app(conn, api_key) if api_key else None
    if app is None:
        raise FotkiError(100, "Invalid API Key (Key not found)")
    given = params.get("api_sig", "")
    if not given:
        raise FotkiError(97, "Missing signature")
    if not signature_matches(app["secret"], params, given, exclude):
        raise FotkiError(96, "Invalid signature")
    return app


def check_token(
    conn: sqlite3.Connection, params: dict[str, str], api_key: str, needs: str | None
) -> sqlite3.Row | None:
    """The caller's token row (None when anonymous and allowed), checked against the ``needs`` permission."""
    token = params.get("auth_token", "")
    row = None
    if token:
        row = token_info(conn, token)
        if row is None or row["api_key"] != api_key:
            raise FotkiError(98, "Invalid auth token")
    if needs is not None:
        if row is None:
            raise FotkiError(99, f"User not logged in / Insufficient permissions: method requires {needs} privileges")
        if perm_level(row["perms"]) < perm_level(needs):
            raise FotkiError(
                99, f"Insufficient permissions: method requires {needs} privileges; {row['perms']} granted"
            )
    return row
