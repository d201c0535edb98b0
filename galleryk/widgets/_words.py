"""Errors in words a person understands, for the status line of a widget (Voilà hides tracebacks)."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from ..errors import (
    AlbumNotFound,
    ConnectionFailed,
    CoppermineError,
    FotkiAuthError,
    GallerykError,
    NotSignedIn,
    RequestTimeout,
    ServiceError,
    TransportError,
    mask_secrets,
)


def describe(exc: BaseException) -> str:
    """One or two plain sentences about ``exc``, with no secret in them."""
    if isinstance(exc, NotSignedIn):
        where = "Fotki" if exc.service == "fotki" else "the gallery"
        return f"You are not signed in to {where} yet: sign in first, then try again."
    if isinstance(exc, FotkiAuthError):
        if exc.code == 108:
            return (
                "Fotki has not been told yes yet: open the approval page, say yes there, then press "
                "Continue. If the page says the link expired, press Sign in again for a new one."
            )
        if exc.code in (98, 99):
            return "Fotki no longer accepts this sign-in (or it lacks the permission needed): sign in again."
        return f"Fotki refused the sign-in ({exc.code}: {exc.message}). Check the application's key and secret."
    if isinstance(exc, AlbumNotFound):
        return str(exc)
    if isinstance(exc, CoppermineError) and exc.code == 18:
        return (
            "The gallery did not accept that user name and password. Check them and try again "
            "(galleryk never sends a rejected password twice)."
        )
    if isinstance(exc, ConnectionFailed):
        return f"Could not reach {_host(exc.url)}: is the service running, and is this machine online?"
    if isinstance(exc, RequestTimeout):
        return f"{_host(exc.url)} did not answer in time. Try again in a moment."
    if isinstance(exc, TransportError):
        return f"The service answered something unexpected: {exc}"
    if isinstance(exc, ServiceError):
        return f"The service said no: {exc.message or exc.code}"
    if isinstance(exc, GallerykError):
        return str(exc)
    if isinstance(exc, (OSError, ValueError, KeyError, LookupError, TypeError)):
        return f"{type(exc).__name__}: {exc}"
    return f"Something went wrong ({type(exc).__name__}: {exc})."


def _host(url: str | None) -> str:
    host = urlsplit(url).netloc if url else ""
    return host or "the service"


def status_html(text: str, kind: str = "info") -> str:
    """A status line: ``kind`` is info, ok, busy, warn or error; the text is escaped and masked."""
    colours = {"info": "inherit", "ok": "#1a7f37", "busy": "#0550ae", "warn": "#9a6700", "error": "#cf222e"}
    icon = {"ok": "✔ ", "busy": "⏳ ", "warn": "⚠ ", "error": "✖ "}.get(kind, "")
    safe = html.escape(mask_secrets(text))
    return (
        f'<div class="galleryk-status galleryk-status-{kind}" role="status" '
        f'style="color:{colours.get(kind, "inherit")}">{icon}{safe}</div>'
    )
