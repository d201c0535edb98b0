"""Push markers: the short text on each uploaded photo that lets a later push recognise it without the journal.

A marker is ``galleryk:sha=`` and the first 16 hex digits of the file's sha256 (for a copy between
services, of the copied original). It is put where the service keeps it and shows it back:

- ``"tag"`` (the default): a tag on Fotki, a keyword on Coppermine. Fotki-style services keep the
  raw form (``galleryk:sha=0123456789abcdef``) and show a normalised one (Flickr keeps machine
  tags as they are; stricter ones drop the punctuation: ``galleryksha0123...``); Coppermine
  splits keywords on its separator (``;`` since 1.6, a space before), which the marker never holds.
- ``"description"``: a last line of the description (Fotki) or caption (Coppermine).
- ``None``: no marker. A push whose journal is lost can then no longer tell its earlier uploads
  from new photos.

Markers of earlier releases, ``galleryk-<16 hex>``, are recognised too, in either place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

STYLES = ("tag", "description")
TAG_PREFIX = "galleryk:sha="
EXPLANATION = (
    "each uploaded photo carries a marker, galleryk:sha= and the start of the file's sha256, so that a later "
    "push recognises it (and does not upload it again) even without this journal"
)

_CLEAN_TAG = re.compile(r"^galleryk(?:sha)?([0-9a-f]{16})$")
_IN_TEXT = re.compile(r"galleryk(?::sha=|-)([0-9a-fA-F]{16})(?![0-9a-fA-F])")
_MARKER_LINE = re.compile(r"(?:\r?\n)*[ \t]*galleryk(?::sha=|-)[0-9a-fA-F]{16}[ \t]*(?=\r?\n|$)")


def check_style(marker: Any) -> str | None:
    """The marker style asked for: "tag", "description" or None (no marker); anything else is a ValueError."""
    if marker is None or marker is False:
        return None
    if marker in STYLES:
        return str(marker)
    raise ValueError(f"marker must be 'tag', 'description' or None, not {marker!r}")


def marker_text(token: str) -> str:
    """The marker for a 16-hex-digit token: ``galleryk:sha=<token>``."""
    return f"{TAG_PREFIX}{token}"


def _clean(tag: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", str(tag).lower())


def tag_token(tag: Any) -> str | None:
    """The token of a marker tag or keyword (new or old form, raw or normalised), else None."""
    m = _CLEAN_TAG.match(_clean(tag))
    return m.group(1) if m else None


def is_marker(tag: Any) -> bool:
    """Whether a tag or keyword is a galleryk push marker."""
    return tag_token(tag) is not None


def tokens(tags: Iterable[Any] | None = None, text: str | None = None) -> set[str]:
    """Every marker token found among ``tags`` and in ``text`` (a description or caption)."""
    found = {t for t in map(tag_token, tags or ()) if t}
    if text:
        found.update(m.lower() for m in _IN_TEXT.findall(str(text)))
    return found


def with_marker(description: str | None, token: str) -> str:
    """``description`` with the marker as its last line."""
    marker = marker_text(token)
    return f"{description.rstrip()}\n\n{marker}" if description and description.strip() else marker


def without_markers(description: str | None) -> str | None:
    """``description`` without marker lines (for a copy to another service); None when nothing is left."""
    if not description:
        return description
    text = _MARKER_LINE.sub("", str(description)).strip()
    return text or None
