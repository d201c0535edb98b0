"""Library errors in command-line words: one line that names the flag, setting or command that fixes it.

Errors are told apart by their class and attributes (``service``, ``album``, ``choices``,
``can_create``, ``code``, ``status``, ``url``), never by their message text. Exit status 2
means "what you gave galleryk is wrong: fix the flag, name or setting"; 1 means "something
failed on the way or at the service; rerunning may help".
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..config import ConfigError, config_path, env_name
from ..errors import (
    AlbumNotFound,
    BadReply,
    ConnectionFailed,
    CoppermineBanned,
    CoppermineError,
    FotkiAuthError,
    FotkiError,
    GallerykError,
    HttpStatusError,
    NotSignedIn,
    RequestTimeout,
    ResponseCut,
    ServiceError,
    TransportError,
    mask_secrets,
)

USAGE = 2
FAILURE = 1
NAMES = {"fotki": "Fotki", "coppermine": "Coppermine"}
_SHOWN_CHOICES = 10


class UsageError(GallerykError):
    """The command line asks for something that cannot be done; ``galleryk`` exits 2 with the message."""


class CommandFailed(GallerykError):
    """The command could not do its job (the message says why and what next); ``galleryk`` exits 1."""


@dataclass(frozen=True)
class Context:
    """What the failing command was about, so that a message can name the right flag."""

    command: str
    service: str | None = None
    create: bool = False


def explain(exc: BaseException, ctx: Context) -> tuple[str, int]:
    """The one line to print for ``exc`` and the exit status."""
    message, status = _explain(exc, ctx)
    return mask_secrets(" ".join(message.split())), status


def _explain(exc: BaseException, ctx: Context) -> tuple[str, int]:
    if isinstance(exc, UsageError):
        return str(exc), USAGE
    if isinstance(exc, CommandFailed):
        return str(exc), FAILURE
    if isinstance(exc, NotSignedIn):
        return _not_signed_in(exc.service or ctx.service), USAGE
    if isinstance(exc, AlbumNotFound):
        return _album_not_found(exc, ctx), USAGE
    if isinstance(exc, ConfigError):
        if not config_path().exists():
            return (
                f"{exc}. To try galleryk without an account: run `galleryk sandbox --seed` and export the "
                "GALLERYK_CONFIG it prints"
            ), USAGE
        return str(exc), USAGE
    if isinstance(exc, FotkiAuthError):
        return _fotki_auth(exc, ctx)
    if isinstance(exc, CoppermineBanned):
        how_long = f"for {exc.minutes} minutes by default" if exc.minutes else "for a while"
        return (
            f"the Coppermine gallery has banned this address after failed logins ({how_long}): wait, then "
            f"sign in again with the right password; check {setting_hint('coppermine', 'username', 'password')}"
        ), USAGE
    if isinstance(exc, CoppermineError) and exc.code == 18:
        return (
            f"the Coppermine gallery refused to sign you in (or it bans this address after failed logins): "
            f"check {setting_hint('coppermine', 'username', 'password')}; "
            "each failed login counts toward a ban"
        ), USAGE
    if isinstance(exc, ServiceError):
        return _service_error(exc, ctx), FAILURE
    if isinstance(exc, TransportError):
        return _transport(exc, ctx), FAILURE
    if isinstance(exc, GallerykError):
        return str(exc), FAILURE
    if isinstance(exc, OSError):
        return _os_error(exc), FAILURE
    return (
        f"unexpected {type(exc).__name__}: {exc}. Rerun with --debug for the traceback, and please report it"
    ), FAILURE


def _name(service: str | None) -> str:
    return NAMES.get(service or "", service or "the service")


def setting_hint(service: str, *keys: str) -> str:
    """Where a user sets ``keys`` of ``service``: "GALLERYK_X and GALLERYK_Y (or x and y under [service] in FILE)"."""
    names = " and ".join(env_name(service, k) for k in keys)
    return f"{names} (or {' and '.join(keys)} under [{service}] in {config_path()})"


def _not_signed_in(service: str | None) -> str:
    if service == "coppermine":
        return f"not signed in to Coppermine: set {setting_hint('coppermine', 'username', 'password')}"
    return f"not signed in to {_name(service)}: run `galleryk login {service or 'fotki'}`"


def _album_not_found(exc: AlbumNotFound, ctx: Context) -> str:
    service = ctx.service
    kind = "photoset" if service == "fotki" else "album"
    choices = [str(c) for c in exc.choices]
    if service == "fotki":
        listed = f"yours are: {_listing(choices, service)}" if choices else "you have none yet"
    elif ctx.command == "push":
        listed = (
            f"albums you may upload to: {_listing(choices, service)}" if choices else "there is none you may upload to"
        )
    else:
        listed = f"albums you can see: {_listing(choices, service)}" if choices else "you can see none"
    if exc.album is None:
        return f"pushing to {_name(service)} needs --album (an id or a title); {listed}"
    album = str(exc.album)
    if choices.count(album) > 1:
        return (
            f"{choices.count(album)} {kind}s on {_name(service)} are titled {album!r}: pass the id of the one you "
            f"mean with --album (`galleryk albums --service {service}` lists the ids)"
        )
    line = f"no {kind} {album!r} on {_name(service)}; {listed}"
    if ctx.command == "push" and exc.can_create and not ctx.create:
        line += "; add --create to make it"
    elif ctx.command == "push" and ctx.create and not exc.can_create:
        line += (
            "; --create makes an album from a title, not from an id"
            if album.strip().isdigit()
            else f"; --create cannot make albums on this {_name(service)}"
        )
    return line


def _listing(choices: list[str], service: str | None) -> str:
    shown = ", ".join(repr(c) for c in choices[:_SHOWN_CHOICES])
    if len(choices) > _SHOWN_CHOICES:
        shown += f" and {len(choices) - _SHOWN_CHOICES} more (see `galleryk albums --service {service}`)"
    return shown


def _fotki_auth(exc: FotkiAuthError, ctx: Context) -> tuple[str, int]:
    if exc.code in (96, 97):
        return (
            f"Fotki rejected the request signature: the secret does not belong to the api_key; "
            f"check {setting_hint('fotki', 'secret')}"
        ), USAGE
    if exc.code == 100:
        return f"Fotki does not know this api_key: check {setting_hint('fotki', 'api_key')}", USAGE
    if exc.code == 98:
        from ..config import settings

        try:
            given = "token" in settings("fotki")
        except ConfigError:
            given = False
        if given:
            return (
                f"Fotki does not accept the token in {setting_hint('fotki', 'token')}: remove it, then run "
                "`galleryk login fotki`"
            ), USAGE
        return "Fotki no longer accepts your saved sign-in: run `galleryk login fotki`", USAGE
    if exc.code == 99:
        return (
            "your Fotki sign-in lacks the permission for this: run `galleryk login fotki --perms write` "
            "(or --perms delete)"
        ), USAGE
    if exc.code == 108:
        return (
            "the Fotki approval link was not approved, or it expired: run `galleryk login fotki` for a new one"
        ), FAILURE
    return _service_error(exc, ctx), FAILURE


def _service_error(exc: ServiceError, ctx: Context) -> str:
    service = (
        "fotki" if isinstance(exc, FotkiError) else "coppermine" if isinstance(exc, CoppermineError) else ctx.service
    )
    what = getattr(exc, "method", None)
    line = (
        f"{_name(service)} refused{' ' + what if what else ''}: {exc.message or 'no reason given'} (error {exc.code})"
    )
    if exc.temporary:
        line += "; try again later"
    return line


def _transport(exc: TransportError, ctx: Context) -> str:
    where = _where(exc.url) or f"the {_name(ctx.service)} server"
    hint = _url_hint(ctx.service)
    if isinstance(exc, ConnectionFailed):
        return f"cannot connect to {where}: is the server running, and is the address right?{hint}"
    if isinstance(exc, RequestTimeout):
        return f"{where} did not answer in time; try again later (--debug shows the details)"
    if isinstance(exc, ResponseCut):
        return f"the connection to {where} broke in the middle of a reply; try again (a push resumes where it stopped)"
    if isinstance(exc, HttpStatusError) and exc.status is not None:
        if exc.status >= 500:
            return f"{where} failed with HTTP {exc.status}; try again later"
        return f"{where} answered HTTP {exc.status}: is the address right?{hint}"
    if isinstance(exc, BadReply):
        return (
            f"{where} did not answer the way {_name(ctx.service)} does (an error page, a broken reply, or none at "
            f"all): is the server running, and is the address right?{hint}"
        )
    return f"the request to {where} failed; try again (--debug shows the details)"


def _where(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url.split("?")[0]


def _url_hint(service: str | None) -> str:
    if service == "fotki":
        return f" Check {setting_hint('fotki', 'api_url', 'auth_url')}."
    if service == "coppermine":
        return f" Check {setting_hint('coppermine', 'url')}."
    return ""


def _os_error(exc: OSError) -> str:
    target = exc.filename if exc.filename is not None else ""
    if exc.errno == errno.EADDRINUSE:
        return "that port is in use already: choose another --port (or leave it out to get a free one)"
    if isinstance(exc, FileNotFoundError):
        return f"no such file or folder: {target}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {target}"
    if isinstance(exc, IsADirectoryError):
        return f"{target} is a folder, not a file"
    return f"{exc.strerror or exc}{': ' + str(target) if target else ''}"
