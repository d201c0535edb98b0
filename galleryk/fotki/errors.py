"""Fotki's failures: the Flickr family's error codes by name, and the exceptions that carry them.

Flickr-style services number their errors per method: ``1`` is "not found" for most reads,
``3`` from ``photosets.addPhoto`` means the photo is in the set already, and the codes from 96
up are the same for every method. :class:`Code` names the shared ones; :func:`reason` turns a
method's code into the shared :class:`~galleryk.base.errors.Reason`.
"""

from __future__ import annotations

import enum

from ..base.errors import Reason, ServiceError


class Code(enum.IntEnum):
    """The Flickr family's error codes that mean the same for every method."""

    INVALID_SIGNATURE = 96
    MISSING_SIGNATURE = 97
    INVALID_TOKEN = 98
    """"Login failed / invalid auth token": the token is unknown, revoked or expired."""
    INSUFFICIENT_PERMISSIONS = 99
    INVALID_API_KEY = 100
    SERVICE_UNAVAILABLE = 105
    WRITE_FAILED = 106
    """"Write operation failed": temporary."""
    INVALID_FROB = 108
    """The frob was not approved (yet), expired, or is unknown."""
    METHOD_NOT_FOUND = 112
    """The service has no method of that name."""
    TOO_MANY_REQUESTS = 429
    """What galleryk reports for an HTTP 429 without a service code."""


class UploadCode(enum.IntEnum):
    """The upload endpoint's own codes (Flickr's numbering)."""

    NO_PHOTO = 2
    GENERAL_FAILURE = 3
    ZERO_SIZE = 4
    TYPE_NOT_RECOGNISED = 5
    LIMIT_REACHED = 6
    TOO_LARGE = 8


NOT_FOUND_CODES: dict[str, frozenset[int]] = {
    "flickr.photos.getInfo": frozenset({1}),
    "flickr.photosets.getPhotos": frozenset({1}),
    "flickr.photosets.getList": frozenset({1}),
    "flickr.photosets.delete": frozenset({1}),
    "flickr.photosets.editMeta": frozenset({1}),
    "flickr.photosets.addPhoto": frozenset({1, 2}),
    "flickr.photosets.create": frozenset({2}),
}
"""Per method, the codes that mean "no such photo / photoset / user"."""
ALREADY_IN_SET = ("flickr.photosets.addPhoto", 3)
"""addPhoto's code for a photo that is in the photoset already."""

_SHARED: dict[int, Reason] = {
    Code.INVALID_SIGNATURE: Reason.KEYS,
    Code.MISSING_SIGNATURE: Reason.KEYS,
    Code.INVALID_TOKEN: Reason.SIGNED_OUT,
    Code.INSUFFICIENT_PERMISSIONS: Reason.SCOPE,
    Code.INVALID_API_KEY: Reason.KEYS,
    Code.SERVICE_UNAVAILABLE: Reason.TEMPORARY,
    Code.WRITE_FAILED: Reason.TEMPORARY,
    Code.INVALID_FROB: Reason.NOT_APPROVED,
    Code.TOO_MANY_REQUESTS: Reason.RATE_LIMITED,
}
_UPLOAD: dict[int, Reason] = {
    UploadCode.NO_PHOTO: Reason.FILE,
    UploadCode.ZERO_SIZE: Reason.FILE,
    UploadCode.TYPE_NOT_RECOGNISED: Reason.FILE,
    UploadCode.TOO_LARGE: Reason.FILE,
    UploadCode.LIMIT_REACHED: Reason.QUOTA,
}


def reason(code: int, method: str | None = None) -> Reason:
    """What ``code`` from ``method`` (its name, dotted or underscored, or "upload") means, in shared words."""
    method = method.replace("_", ".") if method else method
    if code in _SHARED:
        return _SHARED[code]
    if method == "upload" and code in _UPLOAD:
        return _UPLOAD[code]
    if method is not None and code in NOT_FOUND_CODES.get(method, ()):
        return Reason.NOT_FOUND
    if method is not None and (method, code) == ALREADY_IN_SET:
        return Reason.ALREADY
    return Reason.OTHER


class FotkiError(ServiceError):
    """A Fotki call failed with Flickr-style ``code`` and ``message``; ``method`` names the call."""

    service = "fotki"

    def __init__(self, code: int, message: str, method: str | None = None, *, reason: Reason | None = None) -> None:
        self.method = method
        super().__init__(code, message, reason=reason)
        if method:
            self.args = (f"{method} failed: {self.args[0]}",)

    def reason_for(self, code: int) -> Reason:
        return reason(code, self.method)

    @staticmethod
    def from_reply(code: int, message: str, method: str | None = None) -> FotkiError:
        """The most specific FotkiError subclass for a failure reply of ``method``."""
        why = reason(int(code), method)
        kind = _KINDS.get(why, FotkiError)
        return kind(int(code), message, method, reason=why)


class FotkiAuthError(FotkiError):
    """Signature, API key, token, permission or frob trouble: sign in again, or fix the keys."""


class FotkiNotFound(FotkiError, LookupError):
    """The photo, photoset or user asked for does not exist (or is not yours to see)."""


class FotkiUnavailable(FotkiError):
    """The service is unavailable for now, or asks to wait: worth trying again later."""


_KINDS: dict[Reason, type[FotkiError]] = {
    Reason.KEYS: FotkiAuthError,
    Reason.SIGNED_OUT: FotkiAuthError,
    Reason.SCOPE: FotkiAuthError,
    Reason.NOT_APPROVED: FotkiAuthError,
    Reason.NOT_FOUND: FotkiNotFound,
    Reason.TEMPORARY: FotkiUnavailable,
    Reason.RATE_LIMITED: FotkiUnavailable,
}

__all__ = [
    "Code",
    "FotkiAuthError",
    "FotkiError",
    "FotkiNotFound",
    "FotkiUnavailable",
    "UploadCode",
    "reason",
]
