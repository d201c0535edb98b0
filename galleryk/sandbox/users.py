"""The people of the sandbox, shared by both services: one account works on Fotki and Coppermine.

Passwords are stored as salted PBKDF2 hashes, as a real service would; each service keeps
its own per-user details (Coppermine groups, Fotki tokens) in its own tables.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import time

from .store import last_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    fullname      TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL
);
"""

_ITERATIONS = 20_000


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def _verify(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest)


def create_user(
    conn: sqlite3.Connection, name: str, password: str, *, fullname: str = "", is_admin: bool = False
) -> int:
    """Add a user and return the new id."""
    cur = conn.execute(
        "INSERT INTO users (name, password_hash, fullname, email, is_admin, created) VALUES (?, ?, ?, ?, ?, ?)",
        (
            name,
            hash_password(password),
            fullname or name.title(),
            f"{name}@example.org",
            int(is_admin),
            int(time.time()),
        ),
    )
    return last_id(cur)


def authenticate(conn: sqlite3.Connection, name: str, password: str) -> sqlite3.Row | None:
    """The user's row when name and password match, else None."""
    row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    if row is None or not _verify(password, row["password_hash"]):
        return None
    return row


def get_user(conn: sqlite3.Connection, *, name: str | None = None, user_id: int | None = None) -> sqlite3.Row | None:
    if name is not None:
        return conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
