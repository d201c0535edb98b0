"""The Fotki side's tables and the queries on them: apps, frobs, tokens, browser sessions,
photos, tags and photosets.

Each function takes an open connection from :class:`~galleryk.sandbox.store.Store`, so a
caller decides what runs in one transaction. Visibility lives here, in SQL: a photo with
``ispublic = 0`` is seen only by its owner (there is no contacts model, so ``isfriend`` and
``isfamily`` are stored and reported but grant nobody anything). Photo ids start at
4000000001 and photoset ids at 72157000001, as big as the real service's.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from . import paging

PERMS = ("read", "write", "delete")
FIRST_PHOTO_ID = 4_000_000_001
FIRST_PHOTOSET_ID = 72_157_000_001
DEMO_APP_NAME = "galleryk demo"

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS fotki_apps (
    api_key TEXT PRIMARY KEY,
    secret  TEXT NOT NULL,
    name    TEXT NOT NULL,
    is_demo INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fotki_frobs (
    frob     TEXT PRIMARY KEY,
    api_key  TEXT NOT NULL REFERENCES fotki_apps(api_key),
    created  REAL NOT NULL,
    user_id  INTEGER REFERENCES users(id),
    perms    TEXT,
    state    TEXT NOT NULL DEFAULT 'new'  -- new, approved, denied, used
);
CREATE TABLE IF NOT EXISTS fotki_tokens (
    token   TEXT PRIMARY KEY,
    api_key TEXT NOT NULL REFERENCES fotki_apps(api_key),
    user_id INTEGER NOT NULL REFERENCES users(id),
    perms   TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fotki_sessions (
    sid     TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf    TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fotki_photos (
    id             INTEGER PRIMARY KEY,
    owner_id       INTEGER NOT NULL REFERENCES users(id),
    title          TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    ispublic       INTEGER NOT NULL DEFAULT 1,
    isfriend       INTEGER NOT NULL DEFAULT 0,
    isfamily       INTEGER NOT NULL DEFAULT 0,
    license        INTEGER NOT NULL DEFAULT 0,
    rotation       INTEGER NOT NULL DEFAULT 0,
    originalformat TEXT NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    filesize       INTEGER NOT NULL,
    filename       TEXT NOT NULL,        -- relative to the Fotki files folder
    posted         INTEGER NOT NULL,
    taken          TEXT NOT NULL,        -- "YYYY-MM-DD HH:MM:SS"
    lastupdate     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fotki_photos_owner ON fotki_photos(owner_id, id);
CREATE TABLE IF NOT EXISTS fotki_tags (
    id        INTEGER PRIMARY KEY,
    photo_id  INTEGER NOT NULL REFERENCES fotki_photos(id),
    author_id INTEGER NOT NULL,
    raw       TEXT NOT NULL,
    tag       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fotki_tags_photo ON fotki_tags(photo_id);
CREATE TABLE IF NOT EXISTS fotki_photosets (
    id               INTEGER PRIMARY KEY,
    owner_id         INTEGER NOT NULL REFERENCES users(id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    primary_photo_id INTEGER NOT NULL,
    created          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fotki_photosets_owner ON fotki_photosets(owner_id, id);
CREATE TABLE IF NOT EXISTS fotki_set_photos (
    set_id   INTEGER NOT NULL REFERENCES fotki_photosets(id) ON DELETE CASCADE,
    photo_id INTEGER NOT NULL REFERENCES fotki_photos(id),
    pos      INTEGER NOT NULL,
    PRIMARY KEY (set_id, photo_id)
);
CREATE INDEX IF NOT EXISTS fotki_set_photos_pos ON fotki_set_photos(set_id, pos);
CREATE INDEX IF NOT EXISTS fotki_set_photos_photo ON fotki_set_photos(photo_id);
"""
    + paging.SCHEMA
)

_VISIBLE = "(p.ispublic = 1 OR p.owner_id = ?)"
_PHOTO_COLUMNS = "p.*, u.name AS username, u.fullname AS fullname"


def perm_level(perms: str | None) -> int:
    """0 for none, then read < write < delete."""
    return PERMS.index(perms) + 1 if perms in PERMS else 0


def viewer_key(viewer_id: int | None) -> int:
    """The id used in visibility checks: -1 (nobody's) for an anonymous viewer."""
    return -1 if viewer_id is None else viewer_id


# -- applications -------------------------------------------------------------------------
def ensure_demo_app(conn: sqlite3.Connection) -> sqlite3.Row:
    """The demo application, created with a random key and secret the first time."""
    row = conn.execute("SELECT * FROM fotki_apps WHERE is_demo = 1").fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO fotki_apps (api_key, secret, name, is_demo, created) VALUES (?, ?, ?, 1, ?)",
            (secrets.token_hex(16), secrets.token_hex(8), DEMO_APP_NAME, int(time.time())),
        )
        row = conn.execute("SELECT * FROM fotki_apps WHERE is_demo = 1").fetchone()
    return row


def get_app(conn: sqlite3.Connection, api_key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM fotki_apps WHERE api_key = ?", (api_key,)).fetchone()


# -- frobs and tokens -----------------------------------------------------------------------
def new_frob(conn: sqlite3.Connection, api_key: str) -> str:
    """A fresh frob for ``api_key``, waiting for a user's approval."""
    frob = secrets.token_hex(12)
    conn.execute("INSERT INTO fotki_frobs (frob, api_key, created) VALUES (?, ?, ?)", (frob, api_key, time.time()))
    return frob


def live_frob(conn: sqlite3.Connection, frob: str, lifetime: float) -> sqlite3.Row | None:
    """The frob's row if it exists, has not expired and was not exchanged yet."""
    row = conn.execute("SELECT * FROM fotki_frobs WHERE frob = ?", (frob,)).fetchone()
    if row is None or row["state"] == "used" or time.time() - row["created"] >= lifetime:
        return None
    return row


def decide_frob(conn: sqlite3.Connection, frob: str, user_id: int, perms: str | None) -> None:
    """Record the user's answer: approve with ``perms``, or deny when ``perms`` is None."""
    state = "denied" if perms is None else "approved"
    conn.execute(
        "UPDATE fotki_frobs SET user_id = ?, perms = ?, state = ? WHERE frob = ?", (user_id, perms, state, frob)
    )


def exchange_frob(conn: sqlite3.Connection, api_key: str, frob: str, lifetime: float) -> str | None:
    """Trade an approved frob of ``api_key`` for a new token; None when it cannot be (any reason)."""
    row = live_frob(conn, frob, lifetime)
    if row is None or row["api_key"] != api_key or row["state"] != "approved":
        return None
    conn.execute("UPDATE fotki_frobs SET state = 'used' WHERE frob = ?", (frob,))
    token = f"{secrets.token_hex(4)}-{secrets.token_hex(16)}"
    conn.execute(
        "INSERT INTO fotki_tokens (token, api_key, user_id, perms, created) VALUES (?, ?, ?, ?, ?)",
        (token, api_key, row["user_id"], row["perms"], int(time.time())),
    )
    return token


def token_info(conn: sqlite3.Connection, token: str) -> sqlite3.Row | None:
    """The token with its user's name and full name, or None."""
    return conn.execute(
        "SELECT t.*, u.name AS username, u.fullname AS fullname FROM fotki_tokens t "
        "JOIN users u ON u.id = t.user_id WHERE t.token = ?",
        (token,),
    ).fetchone()


def revoke_tokens(conn: sqlite3.Connection, user_id: int | None) -> int:
    """Forget every token of ``user_id`` (of everyone when None); how many there were."""
    if user_id is None:
        return conn.execute("DELETE FROM fotki_tokens").rowcount
    return conn.execute("DELETE FROM fotki_tokens WHERE user_id = ?", (user_id,)).rowcount


# -- browser sessions on the auth host ---------------------------------------------------------
def new_session(conn: sqlite3.Connection, user_id: int) -> str:
    sid = secrets.token_urlsafe(24)
    conn.execute(
        "INSERT INTO fotki_sessions (sid, user_id, csrf, created) VALUES (?, ?, ?, ?)",
        (sid, user_id, secrets.token_urlsafe(16), int(time.time())),
    )
    return sid


def session(conn: sqlite3.Connection, sid: str) -> sqlite3.Row | None:
    """The session with its user's name and full name, or None."""
    return conn.execute(
        "SELECT s.*, u.name AS username, u.fullname AS fullname FROM fotki_sessions s "
        "JOIN users u ON u.id = s.user_id WHERE s.sid = ?",
        (sid,),
    ).fetchone()


def end_session(conn: sqlite3.Connection, sid: str) -> None:
    conn.execute("DELETE FROM fotki_sessions WHERE sid = ?", (sid,))


# -- photos -----------------------------------------------------------------------------------
@dataclass
class NewPhoto:
    """What an upload (or the seed) stores about a photo; the file is already in place."""

    owner_id: int
    title: str
    description: str
    ispublic: bool
    isfriend: bool
    isfamily: bool
    rotation: int
    originalformat: str
    width: int
    height: int
    filesize: int
    taken: str
    tags: list[str]


def next_photo_id(conn: sqlite3.Connection) -> int:
    """The id the next photo gets; call inside the write transaction that inserts it."""
    row = conn.execute("SELECT MAX(id) AS top FROM fotki_photos").fetchone()
    return max(FIRST_PHOTO_ID, (row["top"] or 0) + 1)


def insert_photo(conn: sqlite3.Connection, photo_id: int, photo: NewPhoto, filename: str) -> None:
    """Insert a photo row with ``photo_id`` and its tags."""
    now = int(time.time())
    conn.execute(
        "INSERT INTO fotki_photos (id, owner_id, title, description, ispublic, isfriend, isfamily, rotation, "
        "originalformat, width, height, filesize, filename, posted, taken, lastupdate) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            photo_id,
            photo.owner_id,
            photo.title,
            photo.description,
            int(photo.ispublic),
            int(photo.isfriend),
            int(photo.isfamily),
            photo.rotation,
            photo.originalformat,
            photo.width,
            photo.height,
            photo.filesize,
            filename,
            now,
            photo.taken,
            now,
        ),
    )
    seen: set[str] = set()
    for raw in photo.tags:
        tag = normalize_tag(raw)
        if tag and tag not in seen:
            seen.add(tag)
            conn.execute(
                "INSERT INTO fotki_tags (photo_id, author_id, raw, tag) VALUES (?, ?, ?, ?)",
                (photo_id, photo.owner_id, raw, tag),
            )


def normalize_tag(raw: str) -> str:
    """Flickr's clean form of a tag: lower case, letters and digits only."""
    return "".join(c for c in raw.lower() if c.isalnum())


def other_photo_id(conn: sqlite3.Connection, owner_id: int, exclude: int | None) -> int | None:
    """An existing photo unrelated to an upload: the owner's oldest other photo, else anyone's oldest; None if none."""
    row = conn.execute(
        "SELECT id FROM fotki_photos WHERE id IS NOT ? ORDER BY owner_id = ? DESC, id LIMIT 1", (exclude, owner_id)
    ).fetchone()
    return None if row is None else int(row["id"])


def get_photo(conn: sqlite3.Connection, photo_id: int, viewer_id: int | None) -> sqlite3.Row | None:
    """The photo with its owner's names, if ``viewer_id`` may see it."""
    return conn.execute(
        f"SELECT {_PHOTO_COLUMNS} FROM fotki_photos p JOIN users u ON u.id = p.owner_id WHERE p.id = ? AND {_VISIBLE}",
        (photo_id, viewer_key(viewer_id)),
    ).fetchone()


def photo_tags(conn: sqlite3.Connection, photo_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM fotki_tags WHERE photo_id = ? ORDER BY id", (photo_id,)).fetchall()


def photos_not_in_set(
    conn: sqlite3.Connection, owner_id: int, offset: int, limit: int, index: paging.IdIndex | None = None
) -> tuple[int, list[sqlite3.Row]]:
    """(total, one page) of the owner's photos that are in no photoset, newest first.

    With an ``index`` the listing's order is read once and each page costs O(page size).
    """
    where = "p.owner_id = ? AND NOT EXISTS (SELECT 1 FROM fotki_set_photos s WHERE s.photo_id = p.id)"

    def load() -> list[int]:
        return [
            r[0] for r in conn.execute(f"SELECT p.id FROM fotki_photos p WHERE {where} ORDER BY p.id DESC", (owner_id,))
        ]

    with _snapshot(conn):
        ids = index.ids(conn, ("not in set", owner_id), load) if index is not None else load()
        rows = paging.page_rows(
            conn,
            "p.id, p.owner_id, p.title, p.ispublic, p.isfriend, p.isfamily",
            ids[offset : offset + limit] if limit >= 0 else ids[offset:],
        )
    return len(ids), rows


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so that a listing's order and its rows come from the same state of the database."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


# -- photosets ----------------------------------------------------------------------------------
def get_photoset(conn: sqlite3.Connection, set_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT s.*, u.name AS username FROM fotki_photosets s JOIN users u ON u.id = s.owner_id WHERE s.id = ?",
        (set_id,),
    ).fetchone()


def create_photoset(conn: sqlite3.Connection, owner_id: int, title: str, description: str, primary_id: int) -> int:
    """A new photoset holding its primary photo; returns its id."""
    top = conn.execute("SELECT MAX(id) FROM fotki_photosets").fetchone()[0]
    set_id = max(FIRST_PHOTOSET_ID, (top or 0) + 1)
    conn.execute(
        "INSERT INTO fotki_photosets (id, owner_id, title, description, primary_photo_id, created) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (set_id, owner_id, title, description, primary_id, int(time.time())),
    )
    conn.execute("INSERT INTO fotki_set_photos (set_id, photo_id, pos) VALUES (?, ?, 0)", (set_id, primary_id))
    return set_id


def in_photoset(conn: sqlite3.Connection, set_id: int, photo_id: int) -> bool:
    row = conn.execute("SELECT 1 FROM fotki_set_photos WHERE set_id = ? AND photo_id = ?", (set_id, photo_id))
    return row.fetchone() is not None


def add_to_photoset(conn: sqlite3.Connection, set_id: int, photo_id: int) -> None:
    """Append a photo at the end of a set."""
    conn.execute(
        "INSERT INTO fotki_set_photos (set_id, photo_id, pos) "
        "VALUES (?, ?, (SELECT COALESCE(MAX(pos), -1) + 1 FROM fotki_set_photos WHERE set_id = ?))",
        (set_id, photo_id, set_id),
    )


def delete_photoset(conn: sqlite3.Connection, set_id: int) -> None:
    """Remove the set and its memberships; the photos stay."""
    conn.execute("DELETE FROM fotki_set_photos WHERE set_id = ?", (set_id,))
    conn.execute("DELETE FROM fotki_photosets WHERE id = ?", (set_id,))


def edit_photoset(conn: sqlite3.Connection, set_id: int, title: str, description: str | None) -> None:
    if description is None:
        conn.execute("UPDATE fotki_photosets SET title = ? WHERE id = ?", (title, set_id))
    else:
        conn.execute("UPDATE fotki_photosets SET title = ?, description = ? WHERE id = ?", (title, description, set_id))


def list_photosets(
    conn: sqlite3.Connection, owner_id: int, viewer_id: int | None, offset: int, limit: int
) -> tuple[int, list[sqlite3.Row]]:
    """(total, one page) of the owner's sets, oldest first, each with the count of photos the viewer sees."""
    total = conn.execute("SELECT COUNT(*) FROM fotki_photosets WHERE owner_id = ?", (owner_id,)).fetchone()[0]
    rows = conn.execute(
        f"SELECT s.*, (SELECT COUNT(*) FROM fotki_set_photos m JOIN fotki_photos p ON p.id = m.photo_id "
        f"WHERE m.set_id = s.id AND {_VISIBLE}) AS photos "
        "FROM fotki_photosets s WHERE s.owner_id = ? ORDER BY s.id LIMIT ? OFFSET ?",
        (viewer_key(viewer_id), owner_id, limit, offset),
    ).fetchall()
    return int(total), rows


def photoset_photos(
    conn: sqlite3.Connection,
    set_id: int,
    viewer_id: int | None,
    offset: int,
    limit: int,
    index: paging.IdIndex | None = None,
) -> tuple[int, list[sqlite3.Row]]:
    """(total, one page) of the photos of a set the viewer may see, in set order (``limit`` -1: all).

    With an ``index`` the set's order is read once and each page costs O(page size).
    """
    key = viewer_key(viewer_id)

    def load() -> list[int]:
        return [
            r[0]
            for r in conn.execute(
                f"SELECT m.photo_id FROM fotki_set_photos m JOIN fotki_photos p ON p.id = m.photo_id "
                f"WHERE m.set_id = ? AND {_VISIBLE} ORDER BY m.pos",
                (set_id, key),
            )
        ]

    with _snapshot(conn):
        ids = index.ids(conn, ("set", set_id, key), load) if index is not None else load()
        rows = paging.page_rows(
            conn,
            "p.id, p.title, p.ispublic, p.isfriend, p.isfamily",
            ids[offset : offset + limit] if limit >= 0 else ids[offset:],
        )
    return len(ids), rows
