"""galleryk's exception family, shared by every layer, and the masking that keeps secrets out of it.

    GallerykError
    ├── NotSignedIn                the call needs a signed-in client (Fotki: a token; Coppermine: a user)
    ├── AlbumNotFound              no such album or photoset (and not created); lists the ones there are
    ├── FileChanged                a file grew or shrank while it was being uploaded (nothing was stored)
    ├── TransportError             the request or its reply failed on the way (names the masked URL)
    │   ├── ConnectionFailed       refused, reset, DNS: nothing (or not all) reached the server
    │   ├── RequestTimeout         no answer within the (connect, read) timeout, or the call's deadline
    │   │   └── UploadStalled      an upload made no progress for ``stall`` seconds
    │   ├── ResponseCut            the reply stopped before its announced end
    │   ├── HttpStatusError        an HTTP error status (5xx, or a 4xx the protocol does not use)
    │   ├── ReplyTooLarge          the reply is larger than the client's cap (``max_reply``)
    │   ├── RedirectRefused        a redirect that would carry the body (and its secrets) elsewhere
    │   └── BadReply               a reply that is not what the protocol sends (HTML page, broken XML/JSON)
    │       └── BadValue           a field whose value does not parse (an id of ``1e400``, a bad date)
    └── ServiceError(code, message)   the service answered and said no
        ├── FotkiError             with FotkiAuthError, FotkiNotFound, FotkiUnavailable
        └── CoppermineError        with CoppermineServerError (a PHP error of the gallery: temporary)
                                   and CoppermineBanned (the gallery bans this address: code 18, wait)

Service errors carry the service's ``code`` and ``message``; ``temporary`` says whether trying
again later may help. No message ever holds a secret: URLs and texts go through
:func:`mask_secrets` first.
"""

from __future__ import annotations

import re

SECRET_FIELDS = ("api_sig", "auth_token", "password", "token", "frob", "secret", "form_token")
_SECRET_RE = re.compile(
    r"(?P<name>\b(?:" + "|".join(SECRET_FIELDS) + r"))(?P<sep>=|\"\s*:\s*\"|'\s*:\s*')(?P<value>[^&\s\"'<>,;]*)",
    re.IGNORECASE,
)


def mask_secrets(text: str) -> str:
    """``text`` with the values of secret-bearing fields (api_sig=..., "auth_token": "...") replaced by ``***``."""
    if not text:
        return text
    return _SECRET_RE.sub(lambda m: f"{m['name']}{m['sep']}***" if m["value"] else m[0], text)


class GallerykError(Exception):
    """Base of every error galleryk raises on purpose."""


class NotSignedIn(GallerykError):
    """The call needs a signed-in client; ``service`` is "fotki" or "coppermine"."""

    def __init__(self, message: str, *, service: str) -> None:
        self.service = service
        super().__init__(message)


class AlbumNotFound(GallerykError, LookupError):
    """The album (photoset) asked for does not exist or cannot be created; the message lists the ones that do.

    ``album``: what was asked for. ``choices``: titles of the albums the user may upload to.
    ``can_create``: whether asking for creation (``create=True``, ``--create``) would make it.
    """

    def __init__(
        self, message: str, *, album: object = None, choices: tuple[str, ...] | list[str] = (), can_create: bool = False
    ) -> None:
        self.album = album
        self.choices = tuple(choices)
        self.can_create = can_create
        super().__init__(message)


class TransportError(GallerykError):
    """A request failed on the way: the message says what happened and names the URL, secrets masked."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        self.url = mask_secrets(url) if url else None
        self.status = status
        text = mask_secrets(message)
        if self.url and self.url not in text:
            text = f"{text} ({self.url})"
        super().__init__(text)


class ConnectionFailed(TransportError):
    """The connection could not be made or broke while sending."""


class RequestTimeout(TransportError):
    """The server did not answer within the timeout, or the whole call (with its retries) overran its deadline."""


class UploadStalled(RequestTimeout):
    """An upload's body made no progress for ``stall`` seconds and was given up (the service did not get it whole)."""


class ResponseCut(TransportError):
    """The reply ended before its announced length: the request may or may not have taken effect."""


class HttpStatusError(TransportError):
    """The server answered with an HTTP error status."""


class ReplyTooLarge(TransportError):
    """The reply is larger than ``limit`` bytes (the client's ``max_reply``): it was not read further."""

    def __init__(self, message: str, *, url: str | None = None, limit: int = 0) -> None:
        super().__init__(message, url=url)
        self.limit = limit


class RedirectRefused(TransportError):
    """The server redirected a request in a way that would send its body or credentials elsewhere: not followed."""

    def __init__(
        self, message: str, *, url: str | None = None, status: int | None = None, location: str | None = None
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.location = mask_secrets(location) if location else None


class BadReply(TransportError):
    """The reply is not in the protocol's format (an HTML error page, XML or JSON that does not parse)."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None, junk: str = "") -> None:
        super().__init__(message, url=url, status=status)
        self.junk = mask_secrets(junk)
        """Whatever the server printed that was not the reply (PHP notices, an HTML page), for diagnosis."""


class BadValue(BadReply, ValueError):
    """A field of a reply holds a value that does not parse as what the protocol says (``field``, ``value``)."""

    def __init__(self, message: str, *, field: str, value: object = None, url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.field = field
        self.value = mask_secrets(str(value)) if value is not None else None


class FileChanged(GallerykError):
    """A file grew or shrank while it was being uploaded; the upload was stopped before its end.

    ``path`` names the file, ``expected`` is the size announced to the server, ``seen`` how many
    bytes were there in the end (at least ``expected + 1`` when it grew).
    """

    def __init__(self, message: str, *, path: str, expected: int, seen: int) -> None:
        super().__init__(message)
        self.path = path
        self.expected = expected
        self.seen = seen


class ServiceError(GallerykError):
    """The service answered with a failure: its ``code`` and ``message``."""

    temporary: bool = False
    """Whether the same call may succeed later (service unavailable, rate limited)."""

    def __init__(self, code: int, message: str) -> None:
        self.code = int(code)
        self.message = mask_secrets(str(message))
        super().__init__(f"{self.code}: {self.message}" if self.message else str(self.code))


class FotkiError(ServiceError):
    """A Fotki call failed with Flickr-style ``code`` and ``message``; ``method`` names the call."""

    def __init__(self, code: int, message: str, method: str | None = None) -> None:
        self.method = method
        super().__init__(code, message)
        if method:
            self.args = (f"{method} failed: {self.args[0]}",)

    @staticmethod
    def from_reply(code: int, message: str, method: str | None = None) -> FotkiError:
        """The most specific FotkiError subclass for a failure reply of ``method``."""
        code = int(code)
        if code in AUTH_CODES:
            return FotkiAuthError(code, message, method)
        if code in TEMPORARY_CODES:
            return FotkiUnavailable(code, message, method)
        if method is not None and code in NOT_FOUND_CODES.get(_dotted(method), ()):
            return FotkiNotFound(code, message, method)
        return FotkiError(code, message, method)


class FotkiAuthError(FotkiError):
    """Signature, API key, token, permission or frob trouble (codes 96-100, 108): sign in again or fix the keys."""


class FotkiNotFound(FotkiError, LookupError):
    """The photo, photoset or user asked for does not exist (or is not yours to see)."""


class FotkiUnavailable(FotkiError):
    """The service is temporarily unavailable (105, 106): worth trying again later."""

    temporary = True


class CoppermineError(ServiceError):
    """A Coppermine gallery refused a call: cpgAPI error ``code`` (0 when the gallery gave none) and text."""


class CoppermineServerError(CoppermineError):
    """The gallery's own code failed while handling the call (a PHP error it reported), not a refusal.

    Seen on real 1.6.26 under PHP 8 when several uploads into an album that needs approval run at
    once: one of them may answer ``Cannot use object of type CPG_DbaseResult as array uniload.php
    line:489``. The picture was not stored; trying again later may pass.
    """

    temporary = True


class CoppermineBanned(CoppermineError):
    """The gallery refuses this address after failed logins ("You are currently banned"): code 18, like a wrong
    password, but no password was judged; signing in works again once the ban expires.

    ``minutes``: how long 1.6 and 1.7 ban by default (their ``login_expiry`` setting, counted from the last failed
    login); the gallery's pages do not show its own setting.
    """

    DEFAULT_MINUTES = 10

    def __init__(self, message: str, *, minutes: int | None = DEFAULT_MINUTES) -> None:
        super().__init__(18, message)
        self.minutes = minutes


AUTH_CODES = frozenset({96, 97, 98, 99, 100, 108})
"""Flickr-family codes: 96 invalid signature, 97 missing signature, 98 invalid token, 99 insufficient
permissions, 100 invalid API key, 108 invalid frob."""
TEMPORARY_CODES = frozenset({105, 106})
NOT_FOUND_CODES: dict[str, frozenset[int]] = {
    "flickr.photos.getInfo": frozenset({1}),
    "flickr.photosets.getPhotos": frozenset({1}),
    "flickr.photosets.getList": frozenset({1}),
    "flickr.photosets.delete": frozenset({1}),
    "flickr.photosets.editMeta": frozenset({1}),
    "flickr.photosets.addPhoto": frozenset({1, 2}),
    "flickr.photosets.create": frozenset({2}),
}
"""Per method, the codes that mean "no such photo / photoset / user" (Flickr's numbering)."""


def _dotted(method: str) -> str:
    return method.replace("_", ".")
