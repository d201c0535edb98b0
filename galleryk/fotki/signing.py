"""Fotki request signing (Flickr's scheme): a pure function, tested with the documents' own examples.

The signature is the hex md5 of the application secret followed by every parameter's name and
value, sorted by name, leaving out ``api_sig`` itself and an upload's file (``photo``). Values
are signed as UTF-8 text before any URL encoding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

UNSIGNED = frozenset({"api_sig", "photo"})
"""Parameter names never part of a signature."""


def sign(secret: str, params: Mapping[str, Any], exclude: Iterable[str] = ()) -> str:
    """The ``api_sig`` of ``params`` under ``secret`` (names in ``exclude`` are left out as well)."""
    skip = UNSIGNED.union(exclude)
    text = secret + "".join(f"{name}{_text(params[name])}" for name in sorted(params) if name not in skip)
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def signed(secret: str, params: Mapping[str, Any]) -> dict[str, str]:
    """``params`` as text, with their ``api_sig`` added (None values are dropped first)."""
    out = {name: _text(value) for name, value in params.items() if value is not None and name not in UNSIGNED}
    out["api_sig"] = sign(secret, out)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)
