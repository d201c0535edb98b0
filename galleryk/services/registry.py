"""A listing's link to the client it was read with, so ``df.galleryk`` can fetch thumbnails and copy from it.

A DataFrame cannot hold its client (pandas deep-copies ``attrs``), so a client registers itself
under a short name (:func:`client_ref`) kept in ``df.attrs["galleryk_client"]``; :func:`client_for`
finds the live client again, for as long as it exists.
"""

from __future__ import annotations

import itertools
import os
import threading
import weakref
from typing import Any

ATTR = "galleryk_client"

_clients: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()
_names: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_counter = itertools.count(1)
_clients_lock = threading.Lock()


def client_ref(client: Any) -> str:
    """A short name for ``client`` that a DataFrame's ``attrs`` can carry (the same name for the same client)."""
    with _clients_lock:
        name = _names.get(client)
        if name is None:
            name = f"{type(client).__name__.lower()}-{os.getpid()}-{next(_counter)}"
            _names[client] = name
            _clients[name] = client
        return name


def tag_listing(df: Any, client: Any) -> Any:
    """Mark a listing DataFrame as coming from ``client`` (so ``df.galleryk.thumbnails()`` can fetch); returns it."""
    df.attrs[ATTR] = client_ref(client)
    return df


def client_for(df: Any, attr: str = ATTR) -> Any | None:
    """The live client a listing came from (or the one another ``attrs`` entry, ``attr``, names), or None (not a
    listing, or the client is gone)."""
    name = getattr(df, "attrs", {}).get(attr)
    if not name:
        return None
    with _clients_lock:
        return _clients.get(name)
