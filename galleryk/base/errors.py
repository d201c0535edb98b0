"""galleryk's exception family, shared by every layer, and the masking that keeps secrets out of it.

    GallerykError
    ├── Cancelled                  Ctrl-C, a Cancel button or a cancel event stopped the work
    ├── NotSignedIn                the call needs a signed-in client
    ├── AlbumNotFound              no such album (photoset); lists the ones there are
    │   └── AmbiguousAlbum         a title that names several albums; lists their ids
    ├── Unsupported                the service has no way to do this (no call, no page)
    ├── FileChanged                a file grew or shrank while it was being uploaded (nothing was stored)
    ├── TransportError             the request or its reply failed on the way (names the masked URL)
    │   ├── ConnectionFailed       refused, reset, DNS: nothing (or not all) reached the server
    │   ├── RequestTimeout         no answer within the (connect, read) timeout, or the call's deadline
    │   │   └── UploadStalled      an upload made no progress for ``stall`` seconds
    │   ├── ResponseCut            the reply stopped before its announced end
    │   ├── HttpStatusError        an HTTP error status (5xx, or a 4xx the protocol does not use)
    │   │   └── RateLimited        429/503: the service asks to wait longer than galleryk waits (nothing was done)
    │   ├── ReplyTooLarge          the reply is larger than the client's cap (``max_reply``)
    │   ├── RedirectRefused        a redirect that would carry the body (and its secrets) elsewhere
    │   └── BadReply               a reply that is not what the protocol sends (HTML page, broken XML/JSON)
    │       └── BadValue           a field whose value does not parse (an id of ``1e400``, a bad date)
    └── ServiceError(code, message)   the service answered and said no: FotkiError, CoppermineError
                                      (in :mod:`galleryk.fotki.errors`, :mod:`galleryk.coppermine.errors`)

A service error carries the service's own ``code`` and ``message``, and a :class:`Reason`: what
kind of "no" it is, the same words for every service, so that code above the clients (push,
widgets, CLI) decides by the reason and never by a service's numbers. ``temporary`` says whether
trying again later may help. No message ever holds a secret: URLs and texts go through
:func:`mask_secrets` first.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

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


class Cancelled(GallerykError):
    """The work was cancelled (Ctrl-C, a Cancel button, a cancel event) while it waited or sent."""


class NotSignedIn(GallerykError):
    """The call needs a signed-in client; ``service`` names the service ("fotki", "coppermine"), ``how`` the way
    it signs people in ("approval" on its own page, or a "password"), when known."""

    def __init__(self, message: str, *, service: str, how: str | None = None) -> None:
        self.service = service
        self.how = how
        super().__init__(message)


class AlbumNotFound(GallerykError, LookupError):
    """The album (photoset) asked for does not exist or cannot be used; the message lists the ones that do.

    ``album``: what was asked for. ``choices``: titles of the albums the user may upload to (or
    sees). ``can_create``: whether asking for creation (``create=True``, ``--create``) would make
    it. ``service``: which service. ``refused``: the album exists but this user may not upload to it.
    """

    def __init__(
        self,
        message: str,
        *,
        album: object = None,
        choices: Sequence[str] = (),
        can_create: bool = False,
        service: str = "",
        refused: bool = False,
    ) -> None:
        self.album = album
        self.choices = tuple(choices)
        self.can_create = can_create
        self.service = service
        self.refused = refused
        super().__init__(message)


class AmbiguousAlbum(AlbumNotFound):
    """A title names several albums; ``ids`` are theirs (plain ints), to name the one meant by its id."""

    def __init__(self, message: str, *, album: object, ids: Sequence[int], service: str = "") -> None:
        super().__init__(message, album=album, service=service)
        self.ids = tuple(int(i) for i in ids)


class Unsupported(GallerykError, NotImplementedError):
    """The service offers no way to do ``operation`` (no API call, no page): not an error of the caller's data."""

    def __init__(self, message: str, *, service: str, operation: str) -> None:
        self.service = service
        self.operation = operation
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


class Reason(str, enum.Enum):
    """What kind of "no" a service said, in words every layer above the clients shares."""

    SIGNED_OUT = "signed_out"
    """The sign-in is no longer accepted (a revoked or expired token, a session the gallery forgot)."""
    KEYS = "keys"
    """The application's key or secret is wrong (Fotki's api_key, or a signature made with the wrong secret)."""
    PASSWORD = "password"
    """The user name and password were refused."""
    BANNED = "banned"
    """The service refuses this address for a while (after failed logins)."""
    NOT_APPROVED = "not_approved"
    """A sign-in was not approved (yet), or its approval link expired."""
    PERMISSION = "permission"
    """This user may not do this (upload, upload to this album)."""
    SCOPE = "scope"
    """The sign-in lacks the permission this needs (it was approved for reading only, say): sign in asking for more."""
    NOT_FOUND = "not_found"
    """No such photo or album, or not one this user may see."""
    ALREADY = "already"
    """It is done already (a photo already in the photoset)."""
    FILE = "file"
    """The service refused this file: too large, not an image, a type or extension it does not take, empty."""
    QUOTA = "quota"
    """The user's space or upload allowance is used up."""
    TEMPORARY = "temporary"
    """The service is unavailable or failed on its side for now; the same call may pass later."""
    RATE_LIMITED = "rate_limited"
    """Too many requests: the service asks to wait."""
    INVALID = "invalid"
    """The request was not what the service accepts (a bad parameter, a name it refuses)."""
    UNRECOGNISED = "unrecognised"
    """The service answered something galleryk cannot read as success or as a known failure."""
    OTHER = "other"


class RateLimited(HttpStatusError):
    """The service refused the request for now (HTTP 429 or 503) and asks to wait longer than galleryk waits.

    Nothing was done: the request may be sent again from ``until`` (a ``time.time()`` value), when
    known; ``retry_after`` is the wait asked for, in seconds (None: the service did not say).
    Shorter waits never reach the caller: the transport pauses and sends the request again.
    """

    reason = Reason.RATE_LIMITED

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        until: float | None = None,
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after
        self.until = until


class ServiceError(GallerykError):
    """The service answered with a failure: its ``code`` and ``message``, and the ``reason`` in shared words."""

    service: str = ""
    """Which service answered ("fotki", "coppermine")."""

    def __init__(self, code: int, message: str, *, reason: Reason | None = None) -> None:
        self.code = int(code)
        self.message = mask_secrets(str(message))
        self.reason = reason if reason is not None else self.reason_for(self.code)
        super().__init__(f"{self.code}: {self.message}" if self.message else str(self.code))

    def reason_for(self, code: int) -> Reason:
        """The reason a bare ``code`` means for this service (subclasses know their numbers)."""
        return Reason.OTHER

    @property
    def temporary(self) -> bool:
        """Whether the same call may succeed later (the service was unavailable, or asked to wait)."""
        return self.reason in (Reason.TEMPORARY, Reason.RATE_LIMITED)
