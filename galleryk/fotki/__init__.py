"""The Fotki client (a Flickr-style API): signing, the frob login, a token cache, every documented method.

from galleryk.fotki import Fotki
fotki = Fotki(api_key, secret)
"""

from .auth import PendingLogin
from .client import DEFAULT_API_URL, DEFAULT_AUTH_URL, Fotki
from .signing import sign
from .tokencache import CachedToken, CacheKey, FileTokenCache, MemoryTokenCache, TokenCache

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_AUTH_URL",
    "CacheKey",
    "CachedToken",
    "FileTokenCache",
    "Fotki",
    "MemoryTokenCache",
    "PendingLogin",
    "TokenCache",
    "sign",
]
