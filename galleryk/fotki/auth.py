"""The Fotki frob flow in two steps that never block a notebook kernel, and the pieces it is made of.

1. ``login()`` gets a frob and returns a :class:`PendingLogin`: its ``url`` is the approval
   page (a clickable link in Jupyter through ``_repr_html_``).
2. After the user says yes in the browser, ``pending.finish()`` (one try) or
   ``pending.wait()`` (polls until approved) trades the frob for a token, which the client
   keeps and caches.

No local redirect server is needed, so it works on remote kernels too. Replies follow
Flickr: ``<frob>`` and ``<auth><token/><perms/><user nsid username fullname/></auth>``.
"""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Callable
from urllib.parse import urlencode

from lxml import etree

from ..base.errors import BadReply
from .errors import Code, FotkiAuthError
from .signing import signed
from .tokencache import CachedToken

PERMS = ("read", "write", "delete")


def perm_level(perms: str | None) -> int:
    """0 for none, then read < write < delete."""
    return PERMS.index(perms) + 1 if perms in PERMS else 0


def check_perms(perms: str) -> str:
    """``perms`` if it is read, write or delete; ValueError otherwise."""
    if perms not in PERMS:
        raise ValueError(f"perms must be one of {', '.join(PERMS)}, not {perms!r}")
    return perms


def approval_url(auth_url: str, api_key: str, secret: str, frob: str, perms: str) -> str:
    """The page a user opens to approve: ``auth_url`` with api_key, perms, frob and their api_sig."""
    params = signed(secret, {"api_key": api_key, "perms": check_perms(perms), "frob": frob})
    return f"{auth_url}?{urlencode(params)}"


def frob_from(body: etree._Element | None) -> str:
    """The frob of a getFrob reply (``<frob>`` text)."""
    text = (body.text or "").strip() if body is not None and body.tag == "frob" else ""
    if not text:
        raise BadReply("flickr.auth.getFrob: the reply holds no <frob>")
    return text


def token_from(body: etree._Element | None, method: str = "flickr.auth.getToken") -> CachedToken:
    """The token and its user from an ``<auth>`` reply (getToken, checkToken)."""
    if body is None or body.tag != "auth":
        raise BadReply(f"{method}: the reply holds no <auth>")
    token = (body.findtext("token") or "").strip()
    user = body.find("user")
    get = (lambda name: user.get(name) or "") if user is not None else (lambda name: "")
    return CachedToken(
        token=token,
        perms=(body.findtext("perms") or "").strip(),
        user_id=get("nsid"),
        username=get("username"),
        fullname=get("fullname"),
    )


def in_ipython() -> bool:
    """Whether we run inside IPython/Jupyter (where nothing may wait for console input)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        return shell.get_ipython() is not None
    except AttributeError:
        return False


class PendingLogin:
    """A login waiting for the user's approval in a browser (or already done, when ``done`` is True).

    ``url``: the approval page. ``finish()``: exchange the frob now. ``wait()``: poll until approved.
    """

    def __init__(
        self,
        exchange: Callable[[str], CachedToken] | None,
        frob: str | None,
        url: str | None,
        perms: str,
        token: CachedToken | None = None,
    ) -> None:
        self._exchange = exchange
        self._frob = frob
        self.url = url
        self.perms = perms
        self._token = token

    @property
    def done(self) -> bool:
        """Whether the client holds a token from this login."""
        return self._token is not None

    @property
    def user(self) -> str | None:
        """The signed-in user's name, once done."""
        return self._token.username or None if self._token else None

    def finish(self) -> CachedToken:
        """Trade the frob for the token (once the user has approved); FotkiAuthError when not approved yet."""
        if self._token is not None:
            return self._token
        assert self._exchange is not None and self._frob is not None
        try:
            self._token = self._exchange(self._frob)
        except FotkiAuthError as exc:
            if exc.code == Code.INVALID_FROB:
                raise FotkiAuthError(
                    exc.code,
                    f"{exc.message}: not approved yet (or expired/denied). Open {self.url} , say yes, then "
                    "call finish() again, or call login() for a new link",
                    exc.method,
                ) from None
            raise
        return self._token

    def wait(self, timeout: float | None = 300.0, poll: float = 2.0) -> CachedToken:
        """Poll until the user has approved (or ``timeout`` seconds pass, then FotkiAuthError)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                return self.finish()
            except FotkiAuthError as exc:
                if exc.code != Code.INVALID_FROB or (deadline is not None and time.monotonic() + poll > deadline):
                    raise
            time.sleep(poll)

    def open_browser(self) -> bool:
        """Open the approval page in the local browser; False when there is none."""
        if not self.url:
            return False
        import webbrowser

        try:
            return webbrowser.open(self.url)
        except webbrowser.Error:
            return False

    def __repr__(self) -> str:
        if self.done:
            return f"<Fotki login: signed in as {self.user or '?'} ({self._token.perms if self._token else ''})>"
        return f"<Fotki login pending: open {self.url} , approve, then call .finish() (or .wait())>"

    def _repr_html_(self) -> str:
        if self.done:
            who = html.escape(self.user or "?")
            perms = html.escape(self._token.perms if self._token else "")
            return f"<p>Fotki: signed in as <b>{who}</b> ({perms}).</p>"
        url = html.escape(self.url or "", quote=True)
        return (
            f'<p>Fotki: <a href="{url}" target="_blank" rel="noopener">approve galleryk '
            f"({html.escape(self.perms)} access)</a>, then run <code>.finish()</code> on this login "
            "(or <code>fotki.finish_login()</code>).</p>"
        )
