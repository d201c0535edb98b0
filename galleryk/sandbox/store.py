"""The sandbox's storage: one SQLite database and a folder of files under a data directory.

Connections are lent from a small pool, one at a time, so the threaded HTTP server never
shares one between threads at once, and a request does not pay for opening a database and
reading its schema (most of a trivial call's cost before). Every write runs in a ``BEGIN
IMMEDIATE`` transaction so that concurrent writers (threads or processes) queue on SQLite's
lock instead of failing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_CORE_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
_POOL_SIZE = 32
"""Idle connections kept for reuse; more are opened when more requests run at once."""


class Store:
    """A data directory: ``sandbox.sqlite3`` plus ``files/`` for stored pictures."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.files = self.root / "files"
        self.files.mkdir(exist_ok=True)
        self.db_path = self.root / "sandbox.sqlite3"
        self._idle: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        self.apply_schema(_CORE_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=60000")
        return conn

    def apply_schema(self, ddl: str) -> None:
        """Create tables that do not exist yet (each service brings its own DDL)."""
        conn = self._connect()
        try:
            conn.executescript(ddl)
        finally:
            conn.close()

    def _borrow(self) -> sqlite3.Connection:
        with self._pool_lock:
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _give_back(self, conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:  # a reader that began one and failed: never lend it out mid-transaction
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            conn.close()
            return
        with self._pool_lock:
            if len(self._idle) < _POOL_SIZE:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close the idle pooled connections (the sandbox calls this when it stops)."""
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (from the pool, returned afterwards)."""
        conn = self._borrow()
        try:
            yield conn
        finally:
            self._give_back(conn)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside an immediate transaction, committed on success, rolled back on error."""
        conn = self._borrow()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            self._give_back(conn)

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def last_id(cur: sqlite3.Cursor) -> int:
    """The id SQLite gave the row an INSERT just made."""
    if cur.lastrowid is None:
        raise RuntimeError("the INSERT made no row")
    return int(cur.lastrowid)
