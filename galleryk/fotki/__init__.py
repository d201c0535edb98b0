"""The Fotki client (a Flickr-style API): signing, the frob login, a token cache, every documented method.

from galleryk.fotki import Fotki
fotki = Fotki(api_key, secret)
"""

from .auth import PendingLogin
from .client import DEFAULT_API_URL, DEFAULT_AUTH_URL, Fotki
from .errors import Code, FotkiAuthError, FotkiError, FotkiNotFound, FotkiUnavailable
from .signing import sign
from .tokencache import CachedToken, CacheKey, FileTokenCache, MemoryTokenCache, TokenCache

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_AUTH_URL",
    "CacheKey",
    "CachedToken",
    "Code",
    "FileTokenCache",
    "Fotki",
    "FotkiAuthError",
    "FotkiError",
    "FotkiNotFound",
    "FotkiUnavailable",
    "MemoryTokenCache",
    "PendingLogin",
    "TokenCache",
    "sign",
]
