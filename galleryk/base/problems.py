"""An error in plain words and what would fix it: the one translator, for the CLI, the widgets and the app.

:func:`explain` reads an exception by its class and attributes (``reason``, ``service``,
``album``, ``choices``, ``can_create``, ``status``, ``url``), never by its message's words, and
says in one or two sentences what happened. What the reader should *do* depends on where they
are: a terminal user runs a command or sets a variable, a notebook user presses a button. So the
remedy is worded by a :class:`Phrasebook`: the CLI's says "run `galleryk login fotki`", the
widgets' say "press Sign in". ``Problem.usage`` tells "what you gave is wrong" (fix a setting,
a name, a flag) from "it failed on the way" (trying again may help).
"""

from __future__ import annotations

import errno
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .cachedir import CacheDirError
from .errors import (
    AlbumNotFound,
    AmbiguousAlbum,
    BadReply,
    BadValue,
    Cancelled,
    ConnectionFailed,
    FileChanged,
    GallerykError,
    HttpStatusError,
    NotSignedIn,
    RateLimited,
    Reason,
    RedirectRefused,
    ReplyTooLarge,
    RequestTimeout,
    ResponseCut,
    ServiceError,
    TransportError,
    Unsupported,
    mask_secrets,
)
from .names import BadName
from .settings import ConfigError

NAMES = {"fotki": "Fotki", "coppermine": "Coppermine"}
NOUNS = {"fotki": "photoset", "coppermine": "album"}
SHOWN_CHOICES = 10


def with_article(noun: str) -> str:
    """``noun`` with its indefinite article: "an album", "a photoset"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def service_name(service: str | None) -> str:
    """A service's name for people: "Fotki", "Coppermine", or "the service"."""
    return NAMES.get(service or "", service or "the service")


@dataclass(frozen=True)
class Context:
    """What the failing action was about, so that a remedy can name the right flag or button."""

    command: str | None = None
    """The action: a CLI command ("push", "albums", "photos", "login"...) or a widget's ("push", "browse")."""
    service: str | None = None
    create: bool = False
    """Whether the action asked for the album to be created."""


@dataclass(frozen=True)
class Problem:
    """``text``: what happened and what to do, masked of secrets; ``usage``: the input was wrong, not the way."""

    text: str
    usage: bool


class Phrasebook:
    """How a front end says what to do. These plain defaults suit a library user; front ends override them."""

    def not_signed_in(self, service: str | None, how: str | None) -> str:
        """``how``: the way the service signs people in ("approval", "password"), when known."""
        return f"you are not signed in to {service_name(service)}: sign in first"

    def sign_in_again(self, service: str | None) -> str:
        return f"sign in to {service_name(service)} again"

    def more_permission(self, service: str | None) -> str:
        return f"sign in to {service_name(service)} again, allowing galleryk to write (or delete)"

    def new_approval(self, service: str | None) -> str:
        return "open the approval page, say yes there, then continue; or start the sign-in again for a new link"

    def check(self, service: str | None, *keys: str) -> str:
        """Where the user fixes the settings ``keys`` of ``service``."""
        return f"check the {' and '.join(keys)} given for {service_name(service)}"

    def token_given(self, service: str | None) -> str | None:
        """When the user gave a token in their settings: what to do about it (None: they did not)."""
        return None

    def create(self, context: Context) -> str:
        return "ask for it to be created (create=True)"

    def album_option(self) -> str:
        """How the reader names the album to push to."""
        return "album="

    def create_from_title(self, noun: str) -> str:
        """Why asking to create an album named by an id cannot work."""
        return f"create=True makes {with_article(noun)} from a title, not from an id"

    def cannot_create(self, service: str | None, noun: str) -> str:
        """That this service does not let galleryk make albums."""
        return f"galleryk cannot make {noun}s on this {service_name(service)}"

    def by_id(self, service: str | None, noun: str) -> str:
        return f"name the {noun} you mean by its id"

    def more_choices(self, service: str | None, noun: str, more: int) -> str:
        return f"and {more} more"

    def try_again(self) -> str:
        return "try again (a push resumes where it stopped)"

    def details(self) -> str:
        """Where the full details are (the CLI's --debug); empty when there is nowhere to point."""
        return ""

    def address(self, service: str | None) -> str:
        """Where the service's address is set, as a hint after a failed connection (may be empty)."""
        return ""

    def unexpected(self, exc: BaseException) -> str:
        return f"Something went wrong ({type(exc).__name__}: {exc})."


FIXED_ONLY_BY_A_CHANGE = frozenset(
    {
        Reason.FILE,
        Reason.QUOTA,
        Reason.PERMISSION,
        Reason.INVALID,
        Reason.NOT_FOUND,
        Reason.KEYS,
        Reason.PASSWORD,
        Reason.SCOPE,
        Reason.SIGNED_OUT,
        Reason.NOT_APPROVED,
    }
)
"""Service refusals that the same request, sent again, meets again: the file, the rights or the sign-in must change."""


def retryable(exc: BaseException) -> bool:
    """Whether trying the same thing again (later) may get past ``exc``: a failure on the way or a service's
    passing trouble, not one that only a change (to the file, a name, a right, a setting) can fix."""
    if isinstance(exc, (BadName, AlbumNotFound, NotSignedIn, ConfigError, Unsupported, CacheDirError)):
        return False
    if isinstance(exc, ServiceError):
        return exc.reason not in FIXED_ONLY_BY_A_CHANGE
    if isinstance(exc, (RedirectRefused, ReplyTooLarge, BadValue)):
        return False  # the same request would meet the same reply
    if isinstance(exc, (TransportError, FileChanged, Cancelled)):
        return True
    return not isinstance(exc, (OSError, ValueError, TypeError, LookupError))


def explain(exc: BaseException, book: Phrasebook | None = None, context: Context | None = None) -> Problem:
    """``exc`` in plain words for the front end whose :class:`Phrasebook` is ``book`` (see the module)."""
    book = book or Phrasebook()
    ctx = context or Context()
    text, usage = _explain(exc, book, ctx)
    return Problem(mask_secrets(" ".join(text.split())), usage)


def _explain(exc: BaseException, book: Phrasebook, ctx: Context) -> tuple[str, bool]:
    if isinstance(exc, NotSignedIn):
        return book.not_signed_in(exc.service or ctx.service, exc.how), True
    if isinstance(exc, AlbumNotFound):
        return _album_not_found(exc, book, ctx), True
    if isinstance(exc, (ConfigError, BadName, CacheDirError)):
        return str(exc), True
    if isinstance(exc, Cancelled):
        return "cancelled: nothing more was sent; run it again to go on where it stopped", False
    if isinstance(exc, ServiceError):
        return _service_error(exc, book, ctx)
    if isinstance(exc, TransportError):
        return _transport(exc, book, ctx), False
    if isinstance(exc, (Unsupported, FileChanged, GallerykError)):
        return str(exc), False
    if isinstance(exc, OSError):
        return _os_error(exc), False
    if isinstance(exc, (ValueError, KeyError, LookupError, TypeError)):
        return f"{type(exc).__name__}: {exc}", True
    return book.unexpected(exc), False


def _album_not_found(exc: AlbumNotFound, book: Phrasebook, ctx: Context) -> str:
    service = exc.service or ctx.service
    name = service_name(service)
    noun = NOUNS.get(service or "", "album")
    if isinstance(exc, AmbiguousAlbum):
        ids = ", ".join(map(str, exc.ids))
        return f"{len(exc.ids)} {noun}s on {name} are titled {exc.album!r} (ids {ids}): {book.by_id(service, noun)}"
    if exc.refused:
        return str(exc)
    choices = [str(c) for c in exc.choices]
    shown = ", ".join(repr(c) for c in choices[:SHOWN_CHOICES])
    if len(choices) > SHOWN_CHOICES:
        shown += " " + book.more_choices(service, noun, len(choices) - SHOWN_CHOICES)
    if ctx.command == "push":
        listed = f"{noun}s you may upload to: {shown}" if choices else f"there is no {noun} you may upload to"
    else:
        listed = f"{noun}s you can see: {shown}" if choices else f"you can see no {noun}"
    if exc.album is None:
        return f"pushing to {name} needs {book.album_option()} (an id or a title); {listed}"
    album = str(exc.album)
    line = f"no {noun} {album!r} on {name}; {listed}"
    if ctx.command == "push" and exc.can_create and not ctx.create:
        line += f"; {book.create(ctx)}"
    elif ctx.command == "push" and ctx.create and not exc.can_create:
        line += "; " + (book.create_from_title(noun) if album.strip().isdigit() else book.cannot_create(service, noun))
    return line


def _service_error(exc: ServiceError, book: Phrasebook, ctx: Context) -> tuple[str, bool]:
    service = exc.service or ctx.service
    name = service_name(service)
    why = exc.reason
    code = exc.code
    if why is Reason.KEYS:
        if code in (96, 97):
            return (
                f"{name} rejected the request signature: the secret does not belong to the api_key; "
                f"{book.check(service, 'secret')}",
                True,
            )
        return f"{name} does not know this api_key: {book.check(service, 'api_key')}", True
    if why is Reason.SIGNED_OUT:
        given = book.token_given(service)
        after = (
            "; the push stopped, and once you are signed in, the same push goes on where it stopped "
            "(nothing is uploaded twice)"
            if ctx.command == "push"
            else ""
        )
        if given is not None:
            return f"{name} does not accept the token in your settings: {given}{after}", True
        return f"{name} no longer accepts your saved sign-in: {book.sign_in_again(service)}{after}", True
    if why is Reason.SCOPE:
        return f"your {name} sign-in lacks the permission for this: {book.more_permission(service)}", True
    if why is Reason.NOT_APPROVED:
        return (f"{name} has not been told yes yet (or the approval link expired): {book.new_approval(service)}"), False
    if why is Reason.BANNED:
        minutes = getattr(exc, "minutes", None)
        how_long = f"for {minutes} minutes by default" if minutes else "for a while"
        return (
            f"the {name} gallery has banned this address after failed logins ({how_long}): wait, then sign in "
            f"again with the right password; {book.check(service, 'username', 'password')}"
        ), True
    if why is Reason.PASSWORD:
        return (
            f"the {name} gallery refused to sign you in: it did not accept that user name and password (or it "
            f"bans this address after failed logins); {book.check(service, 'username', 'password')}. galleryk "
            "never sends a refused password twice, and each failed login counts toward a ban"
        ), True
    what = getattr(exc, "method", None)
    line = f"{name} refused{' ' + what if what else ''}: {exc.message or 'no reason given'} (error {code})"
    if exc.temporary:
        line += "; try again later"
    return line, False


def _where(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url.split("?")[0]


def _transport(exc: TransportError, book: Phrasebook, ctx: Context) -> str:
    name = service_name(ctx.service)
    where = _where(exc.url) or f"the {name} server"
    hint = book.address(ctx.service)
    hint = f" {hint}" if hint else ""
    details = book.details()
    details = f" ({details})" if details else ""
    if isinstance(exc, RateLimited):
        when = f" until {time.strftime('%H:%M:%S', time.localtime(exc.until))}" if exc.until else ""
        return (
            f"{name} refuses requests for now (too many requests) and asks to wait{when}: nothing more was sent; "
            f"{book.try_again()} after that"
        )
    if isinstance(exc, ConnectionFailed):
        return f"cannot connect to {where}: is the server running, and is the address right?{hint}"
    if isinstance(exc, RequestTimeout):
        return f"{where} did not answer in time; try again later{details}"
    if isinstance(exc, ResponseCut):
        return f"the connection to {where} broke in the middle of a reply; {book.try_again()}"
    if isinstance(exc, HttpStatusError) and exc.status is not None:
        if exc.status >= 500:
            return f"{where} failed with HTTP {exc.status}; try again later"
        return f"{where} answered HTTP {exc.status}: is the address right?{hint}"
    if isinstance(exc, BadReply):
        return (
            f"{where} did not answer the way {name} does (an error page, a broken reply, or none at all): is the "
            f"server running, and is the address right?{hint}"
        )
    return f"the request to {where} failed; {book.try_again()}{details}"


def _os_error(exc: OSError) -> str:
    target = exc.filename if exc.filename is not None else ""
    if exc.errno == errno.EADDRINUSE:
        return "that port is in use already: choose another port (or leave it out to get a free one)"
    if isinstance(exc, FileNotFoundError):
        return f"no such file or folder: {target}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {target}"
    if isinstance(exc, IsADirectoryError):
        return f"{target} is a folder, not a file"
    return f"{exc.strerror or exc}{': ' + str(target) if target else ''}"


__all__ = ["NAMES", "Context", "Phrasebook", "Problem", "explain", "retryable", "service_name", "with_article"]
