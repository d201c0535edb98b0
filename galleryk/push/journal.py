"""The push journal: a small SQLite file that remembers, per item, what was intended and what happened.

A push writes an item's *intent* before it uploads and its *outcome* after, each in its own
committed transaction. So after a crash, a Ctrl-C or a lost reply, a rerun knows exactly which
items are done (skip them), which never started (upload them), and which are *in doubt*:
started, with no outcome recorded. An item in doubt is looked for on the service before it is
tried again, so nothing is uploaded twice. An apply (:mod:`.apply`) also writes each change it
makes beside its uploads (an update with the values it overwrites, a delete, a new album), each
under the apply's run id, before it is sent: that is what :mod:`.undo` reads.

A damaged file (a disk that filled up, a copy cut short) raises :class:`JournalCorrupt`, which
names the file and the way out: move it aside and push again; the photos already uploaded are
recognised on the service by their markers.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..base.errors import GallerykError

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
    lost_at    REAL,
    took       REAL,
    PRIMARY KEY (target, key)
);
CREATE TABLE IF NOT EXISTS albums (
    target   TEXT PRIMARY KEY,
    album_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    run        TEXT NOT NULL,
    target     TEXT NOT NULL,
    action     TEXT NOT NULL,
    remote_id  TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('started', 'done', 'failed', 'undone')),
    old        TEXT NOT NULL DEFAULT '{}',
    new        TEXT NOT NULL DEFAULT '{}',
    key        TEXT,
    updated_at REAL NOT NULL,
    PRIMARY KEY (run, target, action, remote_id)
);
"""


_ADDED_COLUMNS = {"lost_at": "REAL", "took": "REAL"}  # columns newer than the first journals
_COLUMNS = "state, remote_id, in_album, attempts, started_at, error, info, lost_at, took"

F = TypeVar("F", bound=Callable[..., Any])


class JournalError(GallerykError):
    """The push journal cannot be used; ``path`` names the file."""

    def __init__(self, message: str, *, path: Path) -> None:
        self.path = path
        super().__init__(message)


class JournalCorrupt(JournalError):
    """The journal file is damaged or is not a journal at all."""


def _corrupt(path: Path, exc: BaseException) -> JournalCorrupt:
    aside = path.with_name(path.name + ".damaged")
    return JournalCorrupt(
        f"the push journal {path} is damaged ({exc}). Move it aside (for example: mv '{path}' '{aside}') and push "
        "again: the new journal starts empty, and the photos uploaded earlier are recognised on the service by "
        "their markers and skipped (pushes made with marker=None cannot be recognised).",
        path=path,
    )


def _guarded(method: F) -> F:
    """Turn sqlite errors into JournalCorrupt / JournalError naming the file."""

    @functools.wraps(method)
    def wrapper(self: Journal, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            raise JournalError(f"cannot use the push journal {self.path}: {exc}", path=self.path) from None
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from None

    return wrapper  # type: ignore[return-value]


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
    lost_at: float | None = None
    """When the reply of the last attempt was lost (unix time), if it was lost while a push ran."""
    took: float | None = None
    """How long that attempt had run when its reply was lost, in seconds."""

    @property
    def in_doubt(self) -> bool:
        """Started, with no outcome written: the reply may have been lost."""
        return self.state == "started"


@dataclass(frozen=True)
class Change:
    """One change an apply made (or began): which run, where, what, on which photo or album, and the values."""

    run: str
    target: str
    action: str
    remote_id: str
    state: str
    old: dict
    new: dict
    key: str | None = None
    """The journal key of the item an upload was for (a file's digest, a copied photo's id)."""


class Journal:
    """Intent and outcome of every pushed item, keyed by (target, item key). Safe across threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise JournalError(f"cannot open the push journal {self.path}: {exc}", path=self.path) from None
        try:
            self._open()
        except BaseException:
            self._conn.close()
            raise

    @_guarded
    def _open(self) -> None:
        conn = self._conn
        problem = conn.execute("PRAGMA quick_check").fetchone()
        if problem is None or problem[0] != "ok":
            raise sqlite3.DatabaseError(problem[0] if problem else "the integrity check answered nothing")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        self._durable = True
        conn.executescript(_SCHEMA)
        have = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
        for name, kind in _ADDED_COLUMNS.items():
            if name not in have:
                conn.execute(f"ALTER TABLE items ADD COLUMN {name} {kind}")
        row = conn.execute("SELECT MAX(updated_at) FROM items").fetchone()
        self.last_activity: float | None = row[0] if row else None
        """When this journal was last written before it was opened (unix time): a dead push's last sign of life."""

    @contextmanager
    def _tx(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction. ``durable=False`` for records that a crash may lose at no cost (an upload's result
        is then in doubt and found by its marker; an album add is repeated and told "already there"): their
        commit skips the disk flush, and the next durable commit flushes them too (WAL)."""
        with self._lock:
            if durable != self._durable:
                self._conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
                self._durable = durable
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @_guarded
    def get(self, target: str, key: str) -> Entry | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM items WHERE target = ? AND key = ?", (target, key)
            ).fetchone()
        return None if row is None else _entry(row)

    @_guarded
    def start(self, target: str, key: str, info: dict | None = None) -> None:
        """Write the intent to upload (before any byte is sent); what an earlier attempt left is cleared."""
        now = time.time()
        with self._tx() as c:
            c.execute(
                "INSERT INTO items (target, key, state, attempts, started_at, updated_at, info)"
                " VALUES (?, ?, 'started', 1, ?, ?, ?)"
                " ON CONFLICT(target, key) DO UPDATE SET state = 'started', attempts = attempts + 1,"
                " started_at = excluded.started_at, updated_at = excluded.updated_at, error = NULL,"
                " info = excluded.info, remote_id = NULL, in_album = 0, lost_at = NULL, took = NULL",
                (target, key, now, now, json.dumps(info or {})),
            )

    @_guarded
    def lost(self, target: str, key: str, lost_at: float, took: float) -> None:
        """The reply of the started attempt was lost at ``lost_at`` after ``took`` seconds: it stays in doubt."""
        with self._tx() as c:
            c.execute(
                "UPDATE items SET lost_at = ?, took = ?, updated_at = ? WHERE target = ? AND key = ?",
                (lost_at, took, time.time(), target, key),
            )

    @_guarded
    def found(self, target: str, key: str, remote_id: str, info: dict | None = None) -> None:
        """Record as uploaded a photo found on the service (no attempt of this journal, or a lost reply)."""
        now = time.time()
        with self._tx() as c:
            c.execute(
                "INSERT INTO items (target, key, state, remote_id, attempts, updated_at, info)"
                " VALUES (?, ?, 'uploaded', ?, 0, ?, ?)"
                " ON CONFLICT(target, key) DO UPDATE SET state = 'uploaded', remote_id = excluded.remote_id,"
                " in_album = 0, updated_at = excluded.updated_at, error = NULL",
                (target, key, str(remote_id), now, json.dumps(info or {})),
            )

    @_guarded
    def started_since(self, target: str, since: float) -> int:
        """How many of this target's items were started at or after ``since`` (unix time)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM items WHERE target = ? AND started_at >= ?", (target, since)
            ).fetchone()
        return int(row[0])

    @_guarded
    def uploaded_unheld(self, target: str) -> bool:
        """Whether an upload of this journal into the target came back with the photo's id (was not held for an
        admin's approval): the album took uploads without approval then."""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM items WHERE target = ? AND state = 'uploaded' AND attempts > 0"
                " AND COALESCE(remote_id, '') != '' LIMIT 1",
                (target,),
            ).fetchone()
        return row is not None

    @_guarded
    def uploaded(self, target: str, key: str, remote_id: str) -> None:
        with self._tx(durable=False) as c:
            c.execute(
                "UPDATE items SET state = 'uploaded', remote_id = ?, updated_at = ?, error = NULL"
                " WHERE target = ? AND key = ?",
                (str(remote_id), time.time(), target, key),
            )

    @_guarded
    def failed(self, target: str, key: str, error: str) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE items SET state = 'failed', updated_at = ?, error = ? WHERE target = ? AND key = ?",
                (time.time(), error, target, key),
            )

    @_guarded
    def added_to_album(self, target: str, *keys: str) -> None:
        """Record that the photos of ``keys`` are in the album (one transaction for them all)."""
        now = time.time()
        with self._tx(durable=False) as c:
            c.executemany(
                "UPDATE items SET in_album = 1, updated_at = ? WHERE target = ? AND key = ?",
                [(now, target, key) for key in keys],
            )

    @_guarded
    def album(self, target: str) -> str | None:
        """The remote album (photoset) id this target's push created or found earlier."""
        with self._lock:
            row = self._conn.execute("SELECT album_id FROM albums WHERE target = ?", (target,)).fetchone()
        return row[0] if row else None

    @_guarded
    def set_album(self, target: str, album_id: str) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO albums (target, album_id) VALUES (?, ?)"
                " ON CONFLICT(target) DO UPDATE SET album_id = excluded.album_id",
                (target, str(album_id)),
            )

    @_guarded
    def entries(self, target: str) -> dict[str, Entry]:
        with self._lock:
            rows = self._conn.execute(f"SELECT key, {_COLUMNS} FROM items WHERE target = ?", (target,)).fetchall()
        return {r[0]: _entry(r[1:]) for r in rows}

    # -- changes an apply made beside its uploads (what undo needs) --------------------------------
    @_guarded
    def change(
        self,
        run: str,
        target: str,
        action: str,
        remote_id: str,
        *,
        old: dict | None = None,
        new: dict | None = None,
        key: str | None = None,
    ) -> None:
        """Write, before it is sent, a change of run ``run`` (an update, a delete, a new album, an upload) with the
        values it overwrites (``old``), so that the run can be undone."""
        with self._tx() as c:
            c.execute(
                "INSERT INTO changes (run, target, action, remote_id, state, old, new, key, updated_at)"
                " VALUES (?, ?, ?, ?, 'started', ?, ?, ?, ?)"
                " ON CONFLICT(run, target, action, remote_id) DO UPDATE SET state = 'started', old = excluded.old,"
                " new = excluded.new, key = excluded.key, updated_at = excluded.updated_at",
                (run, target, action, str(remote_id), json.dumps(old or {}), json.dumps(new or {}), key, time.time()),
            )

    @_guarded
    def change_state(self, run: str, target: str, action: str, remote_id: str, state: str) -> None:
        """A change's outcome: "done", "failed", or "undone" (by undo)."""
        with self._tx() as c:
            c.execute(
                "UPDATE changes SET state = ?, updated_at = ? WHERE run = ? AND target = ? AND action = ?"
                " AND remote_id = ?",
                (state, time.time(), run, target, action, str(remote_id)),
            )

    @_guarded
    def changes(self, run: str) -> list[Change]:
        """The changes of run ``run``, in the order they were written."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT run, target, action, remote_id, state, old, new, key FROM changes WHERE run = ? ORDER BY rowid",
                (run,),
            ).fetchall()
        return [
            Change(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}"), json.loads(r[6] or "{}"), r[7]) for r in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<galleryk Journal {self.path}>"


def _entry(row: tuple) -> Entry:
    return Entry(row[0], row[1], bool(row[2]), row[3], row[4], row[5], json.loads(row[6] or "{}"), row[7], row[8])
