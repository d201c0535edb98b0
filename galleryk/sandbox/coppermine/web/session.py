"""Sessions, login bans and form tokens of the sandbox's stock Coppermine 1.6 web pages.

How 1.6 does it, and so how this does it:

- the first page sets ``<prefix>_data`` (the visitor's preferences); only a request that
  already carries it gets a session, so the session cookie appears with the second request;
- the session cookie's *name* is ``md5(User-Agent + site URL)`` and its value a random id;
  the database keys the session by ``md5(value + name)``, so a request with another
  User-Agent looks for another cookie and finds no session;
- a login binds the user to the session the request *arrived with*: a client that skipped
  the second GET gets the "success" redirect yet stays a guest;
- failed logins are counted per client address as 1.6 does: the first failure stores a
  counter of ``login_threshold`` (5) that expires ``login_expiry`` (10) minutes later, each
  later failure counts it down, and a failure that finds it at 0 bans the address until then
  (so the sixth failure is the last one answered "Login failed");
- a form token is ``md5(user id . site token . timestamp)`` (0 for a guest), valid for every
  form of that user for ``form_token_lifetime`` seconds, and for no other user.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from ...settings import SandboxSettings
from ...store import Store

COOKIE_PREFIX = "cpg16x"
SESSION_LIFETIME = 3600.0
"""Seconds an idle session lasts (1.6: one hour)..."""
REMEMBER_LIFETIME = 14 * 24 * 3600.0
"""...or two weeks with ``remember_me``."""
DATA_COOKIE_LIFETIME = 365 * 24 * 3600

SCHEMA = """
CREATE TABLE IF NOT EXISTS cpg_web_sessions (
    session_id TEXT PRIMARY KEY,
    user_id    INTEGER,
    time       REAL NOT NULL,
    remember   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cpg_web_bans (
    ip          TEXT PRIMARY KEY,
    until       REAL NOT NULL,
    brute_force INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cpg_web_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass
class SessionState:
    """What one request knows about its session, and which cookies its answer must set."""

    client_id: str
    """The session cookie's name for this User-Agent."""
    cookie_value: str | None
    """The session cookie's value, when the request has a (now) valid session."""
    arrived: bool
    """Whether the request came with a valid session (only then can a login bind to it)."""
    user_id: int | None
    remember: bool = False
    set_data_cookie: bool = False
    set_session_cookie: bool = False
    session_max_age: int | None = int(REMEMBER_LIFETIME)


class WebSessions:
    """The session, ban and form token store of one sandbox gallery."""

    def __init__(
        self, store: Store, settings: SandboxSettings, site_url: str, cookie_path: str, config: Callable[[str], str]
    ) -> None:
        self.store = store
        self.settings = settings
        self.config = config
        self.site_url = site_url
        self.cookie_path = cookie_path
        self.data_cookie = f"{COOKIE_PREFIX}_data"
        store.apply_schema(SCHEMA)
        self._secret = self._load_secret()

    def _load_secret(self) -> bytes:
        with self.store.write() as conn:
            row = conn.execute("SELECT value FROM cpg_web_secrets WHERE name = 'form_token'").fetchone()
            if row is None:
                value = secrets.token_hex(32)
                conn.execute("INSERT INTO cpg_web_secrets (name, value) VALUES ('form_token', ?)", (value,))
            else:
                value = row["value"]
        return bytes.fromhex(value)

    # -- sessions ----------------------------------------------------------------------
    def client_id(self, request: Request) -> str:
        """The session cookie's name: md5 of the User-Agent and the site URL."""
        agent = request.headers.get("User-Agent", "")
        return hashlib.md5((agent + self.site_url).encode("utf-8", "surrogateescape")).hexdigest()

    def _key(self, value: str, client_id: str) -> str:
        return hashlib.md5((value + client_id).encode("utf-8", "surrogateescape")).hexdigest()

    def resolve(self, request: Request, create: bool = True) -> SessionState:
        """Find the request's session; start a guest session when it has the data cookie but no session.

        ``create=False`` only looks (for the files under ``albums/``, which PHP never sees).
        """
        cid = self.client_id(request)
        state = SessionState(cid, None, False, None, set_data_cookie=create and self.data_cookie not in request.cookies)
        value = request.cookies.get(cid)
        now = time.time()
        with self.store.write() as conn:
            if value:
                row = conn.execute(
                    "SELECT user_id, time, remember FROM cpg_web_sessions WHERE session_id = ?",
                    (self._key(value, cid),),
                ).fetchone()
                if row is not None:
                    life = REMEMBER_LIFETIME if row["remember"] else SESSION_LIFETIME
                    if row["time"] >= now - life:
                        conn.execute(
                            "UPDATE cpg_web_sessions SET time = ? WHERE session_id = ?", (now, self._key(value, cid))
                        )
                        state.cookie_value, state.arrived = value, True
                        state.user_id = row["user_id"]
                        state.remember = bool(row["remember"])
                        return state
                    conn.execute("DELETE FROM cpg_web_sessions WHERE session_id = ?", (self._key(value, cid),))
            if create and self.data_cookie in request.cookies:
                value = secrets.token_hex(16)
                conn.execute(
                    "INSERT INTO cpg_web_sessions (session_id, user_id, time, remember) VALUES (?, NULL, ?, 0)",
                    (self._key(value, cid), now),
                )
                state.cookie_value, state.set_session_cookie = value, True
        return state

    def bind(self, state: SessionState, user_id: int, remember: bool) -> bool:
        """Make the session the request arrived with belong to ``user_id``; False when it had none."""
        if not state.arrived or state.cookie_value is None:
            return False
        with self.store.write() as conn:
            conn.execute(
                "UPDATE cpg_web_sessions SET user_id = ?, remember = ?, time = ? WHERE session_id = ?",
                (user_id, int(remember), time.time(), self._key(state.cookie_value, state.client_id)),
            )
        state.user_id, state.remember = user_id, remember
        state.set_session_cookie = True
        state.session_max_age = int(REMEMBER_LIFETIME) if remember else None
        return True

    def unbind(self, state: SessionState) -> None:
        """Turn the session back into a guest session (logout)."""
        if state.cookie_value is None:
            return
        with self.store.write() as conn:
            conn.execute(
                "UPDATE cpg_web_sessions SET user_id = NULL, remember = 0 WHERE session_id = ?",
                (self._key(state.cookie_value, state.client_id),),
            )
        state.user_id, state.remember = None, False

    def set_cookies(self, state: SessionState, response: Response) -> None:
        """Add the cookies this request's answer must set."""
        if state.set_data_cookie:
            data = {"ID": secrets.token_hex(16), "am": 1, "lang": "english"}
            value = base64.b64encode(json.dumps(data).encode()).decode()
            response.set_cookie(self.data_cookie, value, max_age=DATA_COOKIE_LIFETIME, path=self.cookie_path)
        if state.set_session_cookie and state.cookie_value is not None:
            response.set_cookie(
                state.client_id, state.cookie_value, max_age=state.session_max_age, path=self.cookie_path
            )

    # -- login failures and bans -------------------------------------------------------------
    def banned(self, ip: str) -> bool:
        """Whether this client address is banned right now."""
        with self.store.read() as conn:
            row = conn.execute("SELECT until, brute_force FROM cpg_web_bans WHERE ip = ?", (ip,)).fetchone()
        return row is not None and row["until"] > time.time() and row["brute_force"] <= 0

    def record_failure(self, ip: str) -> bool:
        """Count a failed login from ``ip``; True when this failure got it banned."""
        now = time.time()
        with self.store.write() as conn:
            conn.execute("DELETE FROM cpg_web_bans WHERE until <= ?", (now,))
            row = conn.execute("SELECT brute_force FROM cpg_web_bans WHERE ip = ?", (ip,)).fetchone()
            if row is None:
                expiry = now + 60 * float(self.config("login_expiry"))
                conn.execute(
                    "INSERT INTO cpg_web_bans (ip, until, brute_force) VALUES (?, ?, ?)",
                    (ip, expiry, int(self.config("login_threshold"))),
                )
                return False
            conn.execute("UPDATE cpg_web_bans SET brute_force = MAX(brute_force - 1, 0) WHERE ip = ?", (ip,))
            return int(row["brute_force"]) <= 1

    # -- form tokens -------------------------------------------------------------------------
    def _token_for(self, user_id: int | None, timestamp: int) -> str:
        return hashlib.md5(f"{user_id or 0}{self._secret.hex()}{timestamp}".encode()).hexdigest()

    def form_token(self, user_id: int | None) -> tuple[str, str]:
        """A fresh (form_token, timestamp) pair for this user."""
        stamp = int(time.time())
        return self._token_for(user_id, stamp), str(stamp)

    def check_token(self, user_id: int | None, token: str | None, timestamp: str | None) -> bool:
        """Whether a posted form token is this user's and still fresh."""
        if not token or not timestamp:
            return False
        try:
            stamp = int(timestamp)
        except ValueError:
            return False
        if stamp + float(self.config("form_token_lifetime")) < time.time():
            return False
        return hmac.compare_digest(self._token_for(user_id, stamp), token)
