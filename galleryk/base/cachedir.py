"""Where galleryk keeps what it caches on disk: one folder, the same rule for every kind of file.

``$GALLERYK_CACHE_DIR``, else ``$XDG_CACHE_HOME/galleryk`` (when it is an absolute path, as the
XDG spec asks), else ``~/.cache/galleryk``; each kind of file in a folder of its own below it
(``tokens``, ``thumbs``, ``journals``, ``locks``, ``logins``).
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(kind: str | None = None) -> Path:
    """galleryk's cache folder, or its ``kind`` subfolder; read from the environment at each call."""
    root = os.environ.get("GALLERYK_CACHE_DIR")
    if root:
        base = Path(root).expanduser()
    else:
        xdg = os.path.expanduser(os.environ.get("XDG_CACHE_HOME") or "")
        base = (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "galleryk"
    return base / kind if kind else base
