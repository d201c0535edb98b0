"""The Fotki auth host (``{base}/api_auth``): frob and token calls, and the browser approval pages.

With a ``method`` parameter it answers API-style (XML, or JSON with ``format=json``):
``flickr.auth.getFrob``, ``flickr.auth.getToken`` (frob) and ``flickr.auth.checkToken``
(auth_token), dotted or underscored, all signed. Without one it is the page a user's browser
opens with ``api_key``, ``perms``, ``frob`` and ``api_sig`` (signed over the first three):
a sign-in form when the browser has no session (sessions are cookies backed by the
database), then "Allow <app> to <perms> your photos?" with Yes and No.

Choices where the doc is silent, following Flickr: replies are ``<frob>`` and
``<auth><token/><perms/><user nsid username fullname/></auth>``; a frob belongs to the
api_key that asked for it, lives ``settings.fotki_frob_lifetime`` seconds from getFrob and
is exchanged once; getToken before approval, after denial, after expiry, a second time, or
with another api_key fails with 108 "Invalid frob"; tokens never expire and are tied to
(api_key, user, perms).
"""

from __future__ import annotations

import hmac
import html
import sqlite3
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

from ..settings import SandboxSettings
from ..store import Store
from ..users import authenticate, get_user
from . import db
from .call import FotkiError, check_app, format_of, params_of
from .reply import Node, fail, ok
from .sign import signature_matches

COOKIE = "fotki_session"
_BROWSER_FIELDS = ("api_key", "perms", "frob")
_HIDDEN_FIELDS = (*_BROWSER_FIELDS, "api_sig")


class FotkiAuth:
    """The auth host of one sandbox."""

    def __init__(self, store: Store, settings: SandboxSettings, base_url: str) -> None:
        self.store = store
        self.settings = settings
        self.base_path = urlsplit(base_url).path.rstrip("/")

    def handle(self, request: Request) -> Response:
        params = params_of(request)
        if "method" in params:
            return self._method(params)
        return self._browser(request, params)

    # -- background calls ---------------------------------------------------------------------
    def _method(self, params: dict[str, str]) -> Response:
        fmt = format_of(params)
        given = params["method"]
        name = given.replace("_", ".")
        try:
            with self.store.read() as conn:
                app = check_app(conn, params)
            api_key = app["api_key"]
            if name == "flickr.auth.getFrob":
                with self.store.write() as conn:
                    return ok(Node("frob", text=db.new_frob(conn, api_key)), fmt)
            if name == "flickr.auth.getToken":
                frob = params.get("frob", "")
                if not frob:
                    raise FotkiError(108, "Invalid frob: missing parameter frob")
                with self.store.write() as conn:
                    token = db.exchange_frob(conn, api_key, frob, self.settings.fotki_frob_lifetime)
                    if token is None:
                        raise FotkiError(108, "Invalid frob")
                    info = db.token_info(conn, token)
                    assert info is not None  # the token was made just now
                    return ok(_auth_node(info), fmt)
            if name == "flickr.auth.checkToken":
                token = params.get("auth_token", "")
                with self.store.read() as conn:
                    row = db.token_info(conn, token) if token else None
                if row is None or row["api_key"] != api_key:
                    raise FotkiError(98, "Invalid auth token")
                return ok(_auth_node(row), fmt)
            raise FotkiError(112, f'Method "{given}" not found')
        except FotkiError as exc:
            return fail(exc.code, exc.message, fmt)

    # -- approval -----------------------------------------------------------------------------
    def approve(self, frob: str, user: str, perms: str) -> None:
        """Grant ``perms`` on ``frob`` as ``user``; ValueError for an unknown frob, user or perms."""
        if perms not in db.PERMS:
            raise ValueError(f"perms must be one of {', '.join(db.PERMS)}, not {perms!r}")
        with self.store.write() as conn:
            row = get_user(conn, name=user)
            if row is None:
                raise ValueError(f"unknown user {user!r}")
            self._decide(conn, frob, None, int(row["id"]), perms)

    def _decide(
        self, conn: sqlite3.Connection, frob: str, api_key: str | None, user_id: int, perms: str | None
    ) -> None:
        row = db.live_frob(conn, frob, self.settings.fotki_frob_lifetime)
        if row is None or row["state"] != "new" or (api_key is not None and row["api_key"] != api_key):
            raise ValueError("unknown, expired or already answered frob")
        db.decide_frob(conn, frob, user_id, perms)

    # -- browser pages ------------------------------------------------------------------------
    def _browser(self, request: Request, params: dict[str, str]) -> Response:
        fields = {name: params.get(name, "") for name in _HIDDEN_FIELDS}
        with self.store.read() as conn:
            problem = self._request_problem(conn, fields)
            app = db.get_app(conn, fields["api_key"])
            sid = request.cookies.get(COOKIE, "")
            signed_in = db.session(conn, sid) if sid else None
        if problem or app is None:
            why = problem or "Unknown application"
            return _page("Cannot authorise", f"<h1 id='error'>{html.escape(why)}</h1>", status=400)
        action = params.get("action", "") if request.method == "POST" else ""
        if action == "login":
            return self._login(params, fields, app)
        if action == "logout":
            if signed_in is not None:
                with self.store.write() as conn:
                    db.end_session(conn, sid)
            response = self._login_form(fields, app, None)
            response.delete_cookie(COOKIE, path=self.base_path or "/")
            return response
        if signed_in is None:
            return self._login_form(fields, app, None)
        decision = params.get("decision", "") if request.method == "POST" else ""
        if decision in ("yes", "no"):
            if not hmac.compare_digest(params.get("csrf", ""), signed_in["csrf"]):
                return _page("Cannot authorise", "<h1 id='error'>This form has expired: reload the page.</h1>", 400)
            return self._answer(fields, app, signed_in, decision == "yes")
        return self._consent(fields, app, signed_in)

    def _request_problem(self, conn: sqlite3.Connection, fields: dict[str, str]) -> str | None:
        """Why the approval URL is unusable, or None."""
        app = db.get_app(conn, fields["api_key"]) if fields["api_key"] else None
        if app is None:
            return "Invalid API Key"
        if not fields["api_sig"]:
            return "Missing signature"
        signed = {name: fields[name] for name in _BROWSER_FIELDS}
        if not signature_matches(app["secret"], signed, fields["api_sig"]):
            return "Invalid signature"
        if fields["perms"] not in db.PERMS:
            return "Invalid perms: ask for read, write or delete"
        frob = db.live_frob(conn, fields["frob"], self.settings.fotki_frob_lifetime) if fields["frob"] else None
        if frob is None or frob["api_key"] != app["api_key"]:
            return "Invalid frob: this request is unknown or has expired"
        if frob["state"] != "new":
            return "This request has already been answered: go back to the application"
        return None

    def _login(self, params: dict[str, str], fields: dict[str, str], app: sqlite3.Row) -> Response:
        with self.store.write() as conn:
            user = authenticate(conn, params.get("username", ""), params.get("password", ""))
            if user is None:
                return self._login_form(fields, app, "Wrong user name or password.", params.get("username", ""))
            sid = db.new_session(conn, int(user["id"]))
            signed_in = db.session(conn, sid)
        assert signed_in is not None  # the session was made just now
        response = self._consent(fields, app, signed_in)
        response.set_cookie(COOKIE, sid, path=self.base_path or "/", httponly=True, samesite="Lax")
        return response

    def _answer(self, fields: dict[str, str], app: sqlite3.Row, signed_in: sqlite3.Row, yes: bool) -> Response:
        try:
            with self.store.write() as conn:
                perms = fields["perms"] if yes else None
                self._decide(conn, fields["frob"], app["api_key"], int(signed_in["user_id"]), perms)
        except ValueError:
            return _page("Cannot authorise", "<h1 id='error'>This request is no longer valid.</h1>", status=400)
        name = html.escape(app["name"])
        if yes:
            body = (
                "<h1 id='result'>Success!</h1>"
                f"<p id='message'>You have allowed {name} to {fields['perms']} your photos. "
                "Go back to the application to finish.</p>"
            )
        else:
            body = (
                "<h1 id='result'>Not allowed</h1>"
                f"<p id='message'>You did not allow {name} to use your account. "
                "You can go back to the application.</p>"
            )
        return _page("Fotki authorisation", body)

    def _hidden(self, fields: dict[str, str]) -> str:
        return "".join(
            f"<input type='hidden' name='{name}' value='{html.escape(fields[name], quote=True)}'>"
            for name in _HIDDEN_FIELDS
        )

    def _login_form(self, fields: dict[str, str], app: sqlite3.Row, error: str | None, username: str = "") -> Response:
        err = f"<p id='error' role='alert'>{html.escape(error)}</p>" if error else ""
        body = (
            "<h1 id='heading'>Sign in to Fotki</h1>"
            f"<p id='context'>{html.escape(app['name'])} wants to {html.escape(fields['perms'])} your photos. "
            "Sign in to continue.</p>"
            f"{err}"
            f"<form id='login-form' method='post' action='{self.base_path}/api_auth'>{self._hidden(fields)}"
            "<input type='hidden' name='action' value='login'>"
            "<p><label for='username'>User name</label> "
            f"<input id='username' name='username' type='text' value='{html.escape(username, quote=True)}' "
            "autocomplete='username' autofocus></p>"
            "<p><label for='password'>Password</label> "
            "<input id='password' name='password' type='password' autocomplete='current-password'></p>"
            "<p><button id='sign-in' type='submit'>Sign in</button></p></form>"
        )
        return _page("Sign in", body)

    def _consent(self, fields: dict[str, str], app: sqlite3.Row, signed_in: sqlite3.Row) -> Response:
        question = f"Allow {app['name']} to {fields['perms']} your photos?"
        user = html.escape(signed_in["username"])
        action = f"{self.base_path}/api_auth"
        body = (
            f"<h1 id='question'>{html.escape(question)}</h1>"
            f"<p id='meaning'>{_PERMS_MEANING[fields['perms']]}</p>"
            f"<p>You are signed in as <strong id='signed-in-user'>{user}</strong>.</p>"
            f"<form id='consent-form' method='post' action='{action}'>{self._hidden(fields)}"
            f"<input type='hidden' name='csrf' value='{html.escape(signed_in['csrf'], quote=True)}'>"
            "<button id='yes' type='submit' name='decision' value='yes'>Yes</button> "
            "<button id='no' type='submit' name='decision' value='no'>No</button></form>"
            f"<form id='logout-form' method='post' action='{action}'>{self._hidden(fields)}"
            "<input type='hidden' name='action' value='logout'>"
            f"<p><button id='sign-out' type='submit'>Not {user}? Sign out</button></p></form>"
        )
        return _page(question, body)


def _auth_node(row: sqlite3.Row) -> Node:
    auth = Node("auth")
    auth.add(Node("token", text=row["token"]))
    auth.add(Node("perms", text=row["perms"]))
    auth.add(Node("user", {"nsid": row["user_id"], "username": row["username"], "fullname": row["fullname"]}))
    return auth


_PERMS_MEANING = {
    "read": "read: see all your photos, including private ones; change nothing.",
    "write": "write: see all your photos and add or change them; it cannot delete them.",
    "delete": "delete: see, add, change and also delete your photos and sets.",
}
_STYLE = (
    "body{font-family:sans-serif;max-width:34em;margin:2em auto;padding:0 1em;line-height:1.4}"
    "button{padding:.4em 1.2em;font-size:1em;margin-right:.5em}#yes{font-weight:bold}"
    "#sign-out{font-size:.85em;padding:.2em .6em}#error{color:#b00020;font-weight:bold}"
    "#meaning{color:#444}label{display:inline-block;min-width:6em}"
)


def _page(title: str, body: str, status: int = 200) -> Response:
    text = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>{_STYLE}</style>"
        f"<title>{html.escape(title)} - Fotki sandbox</title></head><body>{body}</body></html>"
    )
    return Response(text, status=status, content_type="text/html; charset=utf-8")
