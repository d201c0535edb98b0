"""Pages of big Fotki listings in O(page size): each listing's order is worked out once, then sliced.

``LIMIT ? OFFSET ?`` makes SQLite step over every row before the page, and the ``total``
every page carries is a count of the whole listing, so a listing walked page by page cost
O(n²) on the server (10 s for 100,000 photos). Here the ordered photo ids of a listing
(one photoset as one viewer sees it, or one owner's photos in no set) are read once into an
:class:`IdIndex` entry; a page is then a slice of that array plus one primary-key lookup of
its own rows.

An entry is good as long as the database's change counter has not moved. Triggers (in
:data:`SCHEMA`) bump that counter on every change that can alter a listing's membership,
order or visibility, whoever makes it: the API, the seed, a test or another process
writing to the same data folder.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

SCHEMA = """
CREATE TABLE IF NOT EXISTS fotki_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT OR IGNORE INTO fotki_changes (id, n) VALUES (1, 0);
CREATE TRIGGER IF NOT EXISTS fotki_set_photos_added AFTER INSERT ON fotki_set_photos
BEGIN UPDATE fotki_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS fotki_set_photos_removed AFTER DELETE ON fotki_set_photos
BEGIN UPDATE fotki_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS fotki_set_photos_moved AFTER UPDATE ON fotki_set_photos
BEGIN UPDATE fotki_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS fotki_photos_added AFTER INSERT ON fotki_photos
BEGIN UPDATE fotki_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS fotki_photos_removed AFTER DELETE ON fotki_photos
BEGIN UPDATE fotki_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS fotki_photos_changed AFTER UPDATE OF id, owner_id, ispublic ON fotki_photos
BEGIN UPDATE fotki_changes SET n = n + 1 WHERE id = 1; END;
"""

MAX_ENTRIES = 32
"""Listings whose order is kept (least recently used dropped first)."""


def changes(conn: sqlite3.Connection) -> int:
    """The database's change counter (see the module docstring)."""
    row = conn.execute("SELECT n FROM fotki_changes WHERE id = 1").fetchone()
    return int(row[0]) if row is not None else -1


class IdIndex:
    """The ordered photo ids of recently walked listings, each tagged with the change counter it was read at."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[int, array]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def ids(self, conn: sqlite3.Connection, key: Hashable, load: Callable[[], Sequence[int]]) -> array:
        """The ids of listing ``key``, from memory when nothing changed since they were read, else from ``load()``.

        Call inside a read transaction, so that the counter and the rows read with it agree.
        """
        version = changes(conn)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(key)
                return entry[1]
        ids = array("q", load())
        with self._lock:
            self._entries[key] = (version, ids)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return ids


def page_rows(conn: sqlite3.Connection, columns: str, ids: Sequence[int], chunk: int = 500) -> list[sqlite3.Row]:
    """The ``fotki_photos`` rows (as ``p``) of ``ids``, in that order, by primary key (``chunk`` ids per query)."""
    found: dict[int, sqlite3.Row] = {}
    for start in range(0, len(ids), chunk):
        part = list(ids[start : start + chunk])
        marks = ",".join("?" * len(part))
        for row in conn.execute(f"SELECT {columns} FROM fotki_photos p WHERE p.id IN ({marks})", part):
            found[row["id"]] = row
    return [found[i] for i in ids if i in found]
