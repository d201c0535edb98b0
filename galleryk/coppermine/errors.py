"""Coppermine's failures: the cpgAPI's error codes by name, and the exceptions that carry them.

The cpgAPI add-on numbers its failures (:class:`Code`); the stock web pages carry no numbers, so
the web side of the client gives each refusal it recognises the cpgAPI code of the same failure,
and code 0 when the gallery gave none. :func:`reason` turns a code into the shared
:class:`~galleryk.base.errors.Reason`.
"""

from __future__ import annotations

import enum

from ..base.errors import Reason, ServiceError


class Code(enum.IntEnum):
    """The cpgAPI add-on's error codes (the seed document's list, as the real add-on on 1.4 sends them)."""

    NONE = 0
    """No code: the gallery said no in words only (a web page), or galleryk could not read which."""
    NO_ALBUM_ID = 1
    NO_FILE = 2
    EMPTY_FILE_NAME = 3
    INVALID_ALBUM = 4
    FORBIDDEN_EXTENSION = 5
    PHP_UPLOAD_ERROR = 6
    """Over PHP's ``upload_max_filesize`` (the real add-on sends it with an empty message), partial, none."""
    NO_TEMP_FILE = 7
    EMPTY_OR_CORRUPT = 8
    TOO_LARGE = 9
    NOT_A_POST_UPLOAD = 10
    CANNOT_MAKE_FOLDER = 11
    CANNOT_MOVE_FILE = 12
    NOT_AN_IMAGE = 13
    TYPE_NOT_ALLOWED = 14
    NO_IMAGE_LIBRARY = 15
    WRONG_IMAGE_LIBRARY = 16
    INSERT_FAILED = 17
    """Inserting or resizing failed; the real 1.4 add-on also answers 17 for a file that is not an image."""
    AUTHENTICATION = 18
    ALBUM_REFUSED = 19
    """No such album (or picture), or not one this user may upload to (see)."""
    PERMISSION = 20
    NO_ANONYMOUS_GROUP = 21
    QUOTA = 22
    NO_CATEGORIES = 23
    INVALID_FUNCTION = 100
    """An unknown ``function``, or a body over PHP's ``post_max_size`` (PHP dropped the whole form)."""


_REASONS: dict[int, Reason] = {
    Code.NO_FILE: Reason.FILE,
    Code.EMPTY_FILE_NAME: Reason.FILE,
    Code.FORBIDDEN_EXTENSION: Reason.FILE,
    Code.PHP_UPLOAD_ERROR: Reason.FILE,
    Code.EMPTY_OR_CORRUPT: Reason.FILE,
    Code.TOO_LARGE: Reason.FILE,
    Code.NOT_AN_IMAGE: Reason.FILE,
    Code.TYPE_NOT_ALLOWED: Reason.FILE,
    Code.INSERT_FAILED: Reason.FILE,  # what the real add-on answers a file that is not an image
    Code.AUTHENTICATION: Reason.PASSWORD,
    Code.ALBUM_REFUSED: Reason.NOT_FOUND,
    Code.PERMISSION: Reason.PERMISSION,
    Code.QUOTA: Reason.QUOTA,
    Code.NO_ALBUM_ID: Reason.INVALID,
    Code.INVALID_ALBUM: Reason.INVALID,
    Code.INVALID_FUNCTION: Reason.INVALID,
}


def reason(code: int) -> Reason:
    """What a cpgAPI ``code`` means, in shared words."""
    return _REASONS.get(code, Reason.OTHER)


class CoppermineError(ServiceError):
    """A Coppermine gallery refused a call: cpgAPI error ``code`` (0 when the gallery gave none) and text."""

    service = "coppermine"

    def reason_for(self, code: int) -> Reason:
        return reason(code)


class CoppermineServerError(CoppermineError):
    """The gallery's own code failed while handling the call (a PHP error it reported), not a refusal.

    Seen on real 1.6.26 under PHP 8 when several uploads into an album that needs approval run at
    once: one of them may answer ``Cannot use object of type CPG_DbaseResult as array uniload.php
    line:489``. The picture was not stored; trying again later may pass.
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message, reason=Reason.TEMPORARY)


class CoppermineBanned(CoppermineError):
    """The gallery refuses this address after failed logins ("You are currently banned"): code 18, like a wrong
    password, but no password was judged; signing in works again once the ban expires.

    ``minutes``: how long 1.6 and 1.7 ban by default (their ``login_expiry`` setting, counted from the last failed
    login); the gallery's pages do not show its own setting.
    """

    DEFAULT_MINUTES = 10

    def __init__(self, message: str, *, minutes: int | None = DEFAULT_MINUTES) -> None:
        super().__init__(Code.AUTHENTICATION, message, reason=Reason.BANNED)
        self.minutes = minutes


__all__ = ["Code", "CoppermineBanned", "CoppermineError", "CoppermineServerError", "reason"]
