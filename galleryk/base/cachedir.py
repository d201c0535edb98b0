"""Where galleryk keeps what it caches on disk: one folder, the same rule for every kind of file.

``$GALLERYK_CACHE_DIR``, else ``$XDG_CACHE_HOME/galleryk`` (when it is an absolute path, as the
XDG spec asks), else ``~/.cache/galleryk``; each kind of file in a folder of its own below it
(``tokens``, ``thumbs``, ``journals``, ``locks``, ``logins``, ``pending``). :func:`check_writable`
says, before anything is sent, when the folder cannot be written, and what moves it.

A sandbox's files go with the sandbox. A running sandbox registers its address and its own
cache folder (inside its data folder) in the cache folder's ``scopes.json``
(:func:`register_scope`); what is kept for an address under a scope (a token, a push's journal
and lock, thumbnails) is kept in the scope's folder, and so disappears with the sandbox. Other
processes (``galleryk login`` in another terminal, the kernels of ``galleryk lab``) read the
same file. A scope whose folder is gone no longer counts (``galleryk cache --clean`` drops it).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from .errors import GallerykError

SCOPES = "scopes.json"
"""The file, in the cache folder, that maps a sandbox's address to its own cache folder."""

_lock = threading.Lock()
_read: dict[str, tuple[int, dict[str, str]]] = {}  # scopes file -> (its mtime_ns, its content), read once per change


def cache_root() -> Path:
    """galleryk's cache folder (see the module docstring); read from the environment at each call."""
    root = os.environ.get("GALLERYK_CACHE_DIR")
    if root:
        return Path(root).expanduser()
    xdg = os.path.expanduser(os.environ.get("XDG_CACHE_HOME") or "")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "galleryk"


def cache_dir(kind: str | None = None, *, url: str | None = None) -> Path:
    """galleryk's cache folder, or its ``kind`` subfolder; for ``url`` under a sandbox's scope, that sandbox's."""
    base = scope_for(url) if url else None
    if base is None:
        base = cache_root()
    return base / kind if kind else base


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url`` (the key of a scope)."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def scopes() -> dict[str, Path]:
    """The registered scopes: a sandbox's address (its origin) -> its cache folder, whether the folder is there or not."""
    return {key: Path(folder) for key, folder in _load(cache_root() / SCOPES).items()}


def scope_for(url: str) -> Path | None:
    """The cache folder of the sandbox serving ``url``, or None (no sandbox there, or its data folder is gone)."""
    folder = _load(cache_root() / SCOPES).get(origin(url))
    if folder is None or not Path(folder).parent.is_dir():
        return None
    return Path(folder)


def register_scope(url: str, folder: str | os.PathLike) -> Callable[[], None]:
    """From now on, what is cached for ``url``'s address lives in ``folder`` (a sandbox's, gone with it).

    Returns the function that ends the scope (when the sandbox stops), in the cache folder it was made in.
    """
    root, key, value = cache_root(), origin(url), str(Path(folder).resolve())
    # records of sandboxes whose folder is gone (a process killed outright) are dropped on the way
    _update(root, lambda found: {**{k: v for k, v in found.items() if Path(v).parent.is_dir()}, key: value})
    return lambda: _update(root, lambda found: {k: v for k, v in found.items() if k != key or v != value})


def drop_scopes(keys: list[str]) -> None:
    """Remove the scopes of these origins from the register (``galleryk cache --clean``)."""
    _update(cache_root(), lambda found: {k: v for k, v in found.items() if k not in keys})


def _load(path: Path) -> dict[str, str]:
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    with _lock:
        known = _read.get(str(path))
        if known is not None and known[0] == stamp:
            return known[1]
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = {}
    found = {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}
    with _lock:
        _read[str(path)] = (stamp, found)
    return found


def _update(root: Path, change: Callable[[dict], dict]) -> None:
    """Read, change and write ``root``'s scopes file under an OS lock (other processes register too)."""
    path = root / SCOPES
    try:
        root.mkdir(parents=True, exist_ok=True)
        from filelock import FileLock  # here: only a sandbox starting or stopping needs it

        with FileLock(str(root / (SCOPES + ".lock"))):
            try:
                found = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = {}
            new = change(found if isinstance(found, dict) else {})
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".scopes-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(new, out, indent=1, sort_keys=True)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except OSError:
        pass  # a read-only home: the sandbox's files then go where the others go
    with _lock:
        _read.pop(str(path), None)


class CacheDirError(GallerykError, PermissionError):
    """galleryk cannot write its cache folder (``folder``); the message names it and the variable that moves it."""

    def __init__(self, message: str, *, folder: Path) -> None:
        self.folder = folder
        super().__init__(message)


def check_writable(*kinds: str) -> Path:
    """Make sure the cache folder's ``kinds`` subfolders (the folder itself without any) exist and take files.

    Raises :class:`CacheDirError` naming the folder and ``GALLERYK_CACHE_DIR``, before anything
    is done that would need them (a push writes its journal and lock there).
    """
    folders = [cache_dir(kind) for kind in kinds] or [cache_dir()]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".galleryk-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            raise CacheDirError(
                f"galleryk cannot write its cache folder {folder} ({why}); it keeps push journals and locks "
                "there: set GALLERYK_CACHE_DIR to a folder you can write",
                folder=folder,
            ) from None
    return folders[0]
