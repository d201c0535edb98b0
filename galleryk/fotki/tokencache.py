"""Where Fotki tokens are kept between runs: a tiny interface (get, set, forget), in memory or in files.

A token is cached per (endpoint, api_key, user) so that a notebook does not ask for approval on
every run. :class:`FileTokenCache` writes one small JSON file per key under
``$GALLERYK_CACHE_DIR/tokens``, else ``$XDG_CACHE_HOME/galleryk/tokens``, else
``~/.cache/galleryk/tokens`` (tests and CI point either variable at a temporary folder), in a directory of mode
0700 with files of mode 0600, named by a hash of the key so no file name reveals anything. A
sandbox's tokens go to its own cache folder, and with it (:mod:`galleryk.base.cachedir`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from ..base.cachedir import cache_dir, scope_for


@dataclass(frozen=True)
class CacheKey:
    """Which token: the auth endpoint, the application's api_key, and a user label ("" = the default one)."""

    endpoint: str
    api_key: str
    user: str = ""

    def digest(self) -> str:
        text = "\n".join((self.endpoint.rstrip("/"), self.api_key, self.user))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class CachedToken:
    """A token with what the service said about it."""

    token: str
    perms: str = ""
    user_id: str = ""
    username: str = ""
    fullname: str = ""

    def __repr__(self) -> str:
        return f"CachedToken(token=***, perms={self.perms!r}, user_id={self.user_id!r}, username={self.username!r})"


class TokenCache(Protocol):
    """What a Fotki client needs from a token store."""

    def get(self, key: CacheKey) -> CachedToken | None: ...

    def set(self, key: CacheKey, token: CachedToken) -> None: ...

    def forget(self, key: CacheKey) -> None: ...


class MemoryTokenCache:
    """Tokens kept for the life of the process only."""

    def __init__(self) -> None:
        self._tokens: dict[CacheKey, CachedToken] = {}
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> CachedToken | None:
        with self._lock:
            return self._tokens.get(key)

    def set(self, key: CacheKey, token: CachedToken) -> None:
        with self._lock:
            self._tokens[key] = token

    def forget(self, key: CacheKey) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def __repr__(self) -> str:
        return f"<MemoryTokenCache {len(self._tokens)} token(s)>"


def default_cache_dir() -> Path:
    """``$GALLERYK_CACHE_DIR/tokens``, else ``$XDG_CACHE_HOME/galleryk/tokens``, else ``~/.cache/galleryk/tokens``."""
    return cache_dir("tokens")


class FileTokenCache:
    """One JSON file per key, mode 0600, in a 0700 directory (``folder`` or :func:`default_cache_dir`)."""

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        self._given = folder is not None
        self.folder = Path(folder).expanduser() if folder is not None else default_cache_dir()

    def folder_for(self, key: CacheKey) -> Path:
        """The folder of ``key``'s token: the one given, else the cache's (a sandbox's own, for its endpoint)."""
        scope = None if self._given else scope_for(key.endpoint)
        return self.folder if scope is None else scope / "tokens"

    def path(self, key: CacheKey) -> Path:
        """The file that holds ``key``'s token."""
        return self.folder_for(key) / f"{key.digest()}.json"

    def get(self, key: CacheKey) -> CachedToken | None:
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            if (
                data.get("endpoint") != key.endpoint
                or data.get("api_key") != key.api_key
                or data.get("user") != key.user
            ):
                return None
            fields = data["token"]
            return CachedToken(**{name: str(fields.get(name, "")) for name in CachedToken.__dataclass_fields__})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def set(self, key: CacheKey, token: CachedToken) -> None:
        folder = self.folder_for(key)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        data = {**asdict(key), "token": asdict(token)}
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".token-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def forget(self, key: CacheKey) -> None:
        self.path(key).unlink(missing_ok=True)

    def __repr__(self) -> str:
        return f"<FileTokenCache {self.folder}>"
