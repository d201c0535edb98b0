"""Fotki request signing, as the server checks it: pure functions, no I/O.

The signature is the hex md5 of the application secret followed by every parameter's name
and value, sorted by name, with ``api_sig`` itself (and an upload's file body) left out.
Values are signed as UTF-8 text, before any URL encoding.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping

UNSIGNED = frozenset({"api_sig"})
"""Parameter names never part of a signature."""


def sign(secret: str, params: Mapping[str, str], exclude: Iterable[str] = ()) -> str:
    """The ``api_sig`` for ``params`` under ``secret`` (names in ``exclude`` are left out)."""
    skip = UNSIGNED | frozenset(exclude)
    text = secret + "".join(name + str(params[name]) for name in sorted(params) if name not in skip)
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def signature_matches(secret: str, params: Mapping[str, str], given: str, exclude: Iterable[str] = ()) -> bool:
    """Whether ``given`` is the right signature for ``params`` (compared in constant time)."""
    expected = sign(secret, params, exclude)
    return hmac.compare_digest(expected, given.strip().lower())
