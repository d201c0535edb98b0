"""The push journal: a small SQLite file that remembers, per item, what was intended and what happened.

A push writes an item's *intent* before it uploads and its *outcome* after, each in its own
committed transaction. So after a crash, a Ctrl-C or a lost reply, a rerun knows exactly which
items are done (skip them), which never started (upload them), and which are *in doubt*:
started, with no outcome recorded. An item in doubt is looked for on the service before it is
tried again, so nothing is uploaded twice.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    target     TEXT NOT NULL,
    key        TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('started', 'uploaded', 'failed')),
    remote_id  TEXT,
    in_album   INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    started_at REAL,
    updated_at REAL NOT NULL,
    error      TEXT,
    info       TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (target, key)
);
CREATE TABLE IF NOT EXISTS albums (
    target   TEXT PRIMARY KEY,
    album_id TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Entry:
    """What the journal knows of one item."""

    state: str
    remote_id: str | None
    in_album: bool
    attempts: int
    started_at: float | None
    error: str | None
    info: dict

    @property
    def in_doubt(self) -> bool:
        """Started, with no outcome written: the reply may have been lost."""
        return self.state == "started"


class Journal:
    """Intent and outcome of every pushed item, keyed by (target, item key). Safe across threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def get(self, target: str, key: str) -> Entry | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT state, remote_id, in_album, attempts, started_at, error, info FROM items"
                " WHERE target = ? AND key = ?",
                (target, key),
            ).fetchone()
        if row is None:
            return None
        return Entry(row[0], row[1], bool(row[2]), row[3], row[4], row[5], json.loads(row[6]))

    def start(self, target: str, key: str, info: dict | None = None) -> None:
        """Write the intent to upload (before any byte is sent)."""
        now = time.time()
        with self._tx() as c:
            c.execute(
                "INSERT INTO items (target, key, state, attempts, started_at, updated_at, info)"
                " VALUES (?, ?, 'started', 1, ?, ?, ?)"
                " ON CONFLICT(target, key) DO UPDATE SET state = 'started', attempts = attempts + 1,"
                " started_at = excluded.started_at, updated_at = excluded.updated_at, error = NULL,"
                " info = excluded.info",
                (target, key, now, now, json.dumps(info or {})),
            )

    def uploaded(self, target: str, key: str, remote_id: str) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE items SET state = 'uploaded', remote_id = ?, updated_at = ?, error = NULL"
                " WHERE target = ? AND key = ?",
                (str(remote_id), time.time(), target, key),
            )

    def failed(self, target: str, key: str, error: str) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE items SET state = 'failed', updated_at = ?, error = ? WHERE target = ? AND key = ?",
                (time.time(), error, target, key),
            )

    def added_to_album(self, target: str, key: str) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE items SET in_album = 1, updated_at = ? WHERE target = ? AND key = ?",
                (time.time(), target, key),
            )

    def album(self, target: str) -> str | None:
        """The remote album (photoset) id this target's push created or found earlier."""
        with self._lock:
            row = self._conn.execute("SELECT album_id FROM albums WHERE target = ?", (target,)).fetchone()
        return row[0] if row else None

    def set_album(self, target: str, album_id: str) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO albums (target, album_id) VALUES (?, ?)"
                " ON CONFLICT(target) DO UPDATE SET album_id = excluded.album_id",
                (target, str(album_id)),
            )

    def entries(self, target: str) -> dict[str, Entry]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, state, remote_id, in_album, attempts, started_at, error, info FROM items WHERE target = ?",
                (target,),
            ).fetchall()
        return {r[0]: Entry(r[1], r[2], bool(r[3]), r[4], r[5], r[6], json.loads(r[7])) for r in rows}

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<galleryk Journal {self.path}>"
