"""Errors in words a person understands, for the status line of a widget or the app (Voilà hides tracebacks).

The words come from the one translator, :func:`galleryk.base.problems.explain`; this module is
its phrasebook for a notebook page (buttons to press, fields to fill), and the status line.
"""

from __future__ import annotations

import html

from ..base.errors import mask_secrets
from ..base.problems import Context, Phrasebook, explain, service_name


class Page(Phrasebook):
    """Remedies as a person on a notebook page carries them out: buttons and fields."""

    def not_signed_in(self, service: str | None, how: str | None) -> str:
        return f"You are not signed in to {service_name(service)} yet: sign in first, then try again."

    def sign_in_again(self, service: str | None) -> str:
        return "sign in again (Sign out, then Sign in)"

    def more_permission(self, service: str | None) -> str:
        return "sign in again and allow galleryk to write (or delete)"

    def new_approval(self, service: str | None) -> str:
        return (
            "open the approval page, say yes there, then press Continue. If the page says the link expired, "
            "press Sign in again for a new one"
        )

    def check(self, service: str | None, *keys: str) -> str:
        fields = " and ".join(k.replace("_", " ") for k in keys)
        return f"check the {fields} and try again"

    def create(self, context: Context) -> str:
        return "choose “New album…” to make it"

    def album_option(self) -> str:
        return "an album"

    def create_from_title(self, noun: str) -> str:
        return f"a new {noun} is made from a title: type one under “New {noun}…”"

    def by_id(self, service: str | None, noun: str) -> str:
        return f"choose the {noun} by its id"

    def try_again(self) -> str:
        return "try again (an upload goes on where it stopped)"

    def unexpected(self, exc: BaseException) -> str:
        return f"Something went wrong ({type(exc).__name__}: {exc})."


PAGE = Page()


def describe(exc: BaseException, context: Context | None = None) -> str:
    """One or two plain sentences about ``exc``, with no secret in them."""
    text = explain(exc, PAGE, context).text
    return text[:1].upper() + text[1:]


def status_html(text: str, kind: str = "info") -> str:
    """A status line: ``kind`` is info, ok, busy, warn or error; the text is escaped and masked."""
    colours = {"info": "inherit", "ok": "#1a7f37", "busy": "#0550ae", "warn": "#9a6700", "error": "#cf222e"}
    icon = {"ok": "✔ ", "busy": "⏳ ", "warn": "⚠ ", "error": "✖ "}.get(kind, "")
    safe = html.escape(mask_secrets(text))
    return (
        f'<div class="galleryk-status galleryk-status-{kind}" role="status" '
        f'style="color:{colours.get(kind, "inherit")}">{icon}{safe}</div>'
    )


__all__ = ["PAGE", "Page", "describe", "status_html"]
