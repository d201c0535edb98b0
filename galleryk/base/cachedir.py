"""Where galleryk keeps what it caches on disk: one folder, the same rule for every kind of file.

``$GALLERYK_CACHE_DIR``, else ``$XDG_CACHE_HOME/galleryk`` (when it is an absolute path, as the
XDG spec asks), else ``~/.cache/galleryk``; each kind of file in a folder of its own below it
(``tokens``, ``thumbs``, ``journals``, ``locks``, ``logins``, ``pending``). :func:`check_writable`
says, before anything is sent, when the folder cannot be written, and what moves it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import GallerykError


def cache_dir(kind: str | None = None) -> Path:
    """galleryk's cache folder, or its ``kind`` subfolder; read from the environment at each call."""
    root = os.environ.get("GALLERYK_CACHE_DIR")
    if root:
        base = Path(root).expanduser()
    else:
        xdg = os.path.expanduser(os.environ.get("XDG_CACHE_HOME") or "")
        base = (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "galleryk"
    return base / kind if kind else base


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
