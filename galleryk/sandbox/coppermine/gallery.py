"""The Coppermine gallery model shared by the cpgAPI and the stock web pages of the sandbox.

One set of tables (groups, members, categories, albums, pictures) and the rules both
protocols apply: who may see and upload where, how stored file names are made safe and
unique, size and pixel limits, upload quotas and approval. Protocol modules only translate
requests and answers; they never decide these rules themselves.

Conventions copied from Coppermine 1.4-1.6:
- category 1 is "User galleries"; a user's personal category is ``10000 + user id`` (it has
  no row of its own), and albums whose category is that number belong to that user;
- groups 1 Administrators, 2 Registered, 3 Anonymous (guests), 4 Banned (here also 5 Viewers,
  who may look but not upload);
- an album's ``visibility`` is 0 for everyone, a group id for that group only, or
  ``10000 + user id`` for its owner only; ``uploads`` says whether others may upload into it;
- files go to ``albums/userpics/<10000 + uploader id>/<album id>/``; forbidden characters in
  names become ``_``; a clash gets ``name~0.ext``, ``name~1.ext``...;
- pictures in public albums from groups that need approval wait for it (``approved = 0``); until
  then the album pages and picture pages show them to administrators only, their owner included
  (1.6.26's ``get_pic_data``), and the newest-first meta album ``lastup`` to nobody;
- an album has an ``owner`` (who made it): the owner may upload into it wherever it is;
- the gallery's settings live in ``cpg_config`` (name, value), with 1.6.26's defaults: keyword
  separator ``;``, 4 x 3 thumbnails a page, 1024 KB per file, a ban after 5 + 1 failed logins
  for 10 minutes, form tokens valid an hour; the Registered group has a 1024 KB quota.

A page of an album costs O(page size), however long the album: the order of an album's pictures
(and of the newest ones) is kept in memory, checked against a version number that triggers bump
on every change to ``cpg_pictures`` (by the gallery or by hand), and rebuilt from an index only
when that changed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .. import upload_hooks
from ..settings import SandboxSettings
from ..store import Store, last_id
from ..users import authenticate, get_user

USER_GAL_CAT = 1
FIRST_USER_CAT = 10000
ADMIN_GROUP, REGISTERED_GROUP, ANONYMOUS_GROUP, BANNED_GROUP, VIEWERS_GROUP = 1, 2, 3, 4, 5
THUMB_MAX = 128
NORMAL_MAX = 800

# Coppermine's default ``forbiden_fname_char`` setting (sic), plus control characters.
FORBIDDEN_CHARS = set("$/\\:*?\"'<>|`&#@ ;") | {chr(c) for c in range(32)}

SCHEMA = """
CREATE TABLE IF NOT EXISTS cpg_groups (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT NOT NULL,
    can_upload            INTEGER NOT NULL DEFAULT 0,
    can_create_albums     INTEGER NOT NULL DEFAULT 0,
    pub_upl_need_approval INTEGER NOT NULL DEFAULT 1,
    priv_upl_need_approval INTEGER NOT NULL DEFAULT 0,
    quota_kb              INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cpg_members (
    user_id  INTEGER PRIMARY KEY REFERENCES users(id),
    group_id INTEGER NOT NULL REFERENCES cpg_groups(id)
);
CREATE TABLE IF NOT EXISTS cpg_categories (
    cid         INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    parent      INTEGER NOT NULL DEFAULT 0,
    pos         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cpg_albums (
    aid         INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category    INTEGER NOT NULL,
    visibility  INTEGER NOT NULL DEFAULT 0,
    uploads     INTEGER NOT NULL DEFAULT 0,
    pos         INTEGER NOT NULL DEFAULT 0,
    owner       INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cpg_config (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cpg_albums_category ON cpg_albums(category);
CREATE TABLE IF NOT EXISTS cpg_pictures (
    pid       INTEGER PRIMARY KEY,
    aid       INTEGER NOT NULL REFERENCES cpg_albums(aid),
    filepath  TEXT NOT NULL,
    filename  TEXT NOT NULL,
    filesize  INTEGER NOT NULL,
    pwidth    INTEGER NOT NULL,
    pheight   INTEGER NOT NULL,
    owner_id  INTEGER NOT NULL,
    title     TEXT NOT NULL DEFAULT '',
    caption   TEXT NOT NULL DEFAULT '',
    keywords  TEXT NOT NULL DEFAULT '',
    approved  INTEGER NOT NULL DEFAULT 1,
    ctime     INTEGER NOT NULL,
    UNIQUE (filepath, filename)
);
CREATE INDEX IF NOT EXISTS cpg_pictures_aid ON cpg_pictures(aid, pid);
CREATE INDEX IF NOT EXISTS cpg_pictures_by_name ON cpg_pictures(aid, filename, pid);
CREATE INDEX IF NOT EXISTS cpg_pictures_by_time ON cpg_pictures(aid, approved, ctime, pid);
CREATE TABLE IF NOT EXISTS cpg_picture_versions (
    aid     INTEGER PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER IF NOT EXISTS cpg_pictures_added AFTER INSERT ON cpg_pictures BEGIN
    INSERT OR IGNORE INTO cpg_picture_versions (aid, version) VALUES (NEW.aid, 0), (-1, 0);
    UPDATE cpg_picture_versions SET version = version + 1 WHERE aid IN (NEW.aid, -1);
END;
CREATE TRIGGER IF NOT EXISTS cpg_pictures_changed AFTER UPDATE ON cpg_pictures BEGIN
    INSERT OR IGNORE INTO cpg_picture_versions (aid, version) VALUES (OLD.aid, 0), (NEW.aid, 0), (-1, 0);
    UPDATE cpg_picture_versions SET version = version + 1 WHERE aid IN (OLD.aid, NEW.aid, -1);
END;
CREATE TRIGGER IF NOT EXISTS cpg_pictures_removed AFTER DELETE ON cpg_pictures BEGIN
    INSERT OR IGNORE INTO cpg_picture_versions (aid, version) VALUES (OLD.aid, 0), (-1, 0);
    UPDATE cpg_picture_versions SET version = version + 1 WHERE aid IN (OLD.aid, -1);
END;
"""
ALL_ALBUMS = -1
"""The ``cpg_picture_versions`` row bumped by every change to any picture."""


CONFIG_DEFAULTS: dict[str, str] = {
    "keyword_separator": ";",
    "thumbcols": "4",
    "thumbrows": "3",
    "max_upl_size": "1024",
    "login_threshold": "5",
    "login_expiry": "10",
    "form_token_lifetime": "3600",
    "album_uploads_default": "NO",
    "default_sort_order": "na",
    "users_can_edit_pics": "0",
    "lang": "english",
}
"""1.6.26's defaults for the settings the sandbox applies (names as in ``<prefix>config``); KB and minutes."""

SORT_ORDERS = {
    "na": "filename ASC, pid ASC",
    "nd": "filename DESC, pid DESC",
    "ta": "title ASC, pid ASC",
    "td": "title DESC, pid DESC",
    "da": "ctime ASC, pid ASC",
    "dd": "ctime DESC, pid DESC",
    "pa": "position ASC, pid ASC",
    "pd": "position DESC, pid DESC",
}
"""1.6.26's sort codes for album pages (``default_sort_order``, ``get_pic_data``) and the order each gives."""

# id, name, can_upload, can_create_albums, pub_upl_need_approval, priv_upl_need_approval, quota_kb (1.6.26's)
DEFAULT_GROUPS = [
    (1, "Administrators", 1, 1, 0, 0, 0),
    (2, "Registered", 1, 1, 1, 0, 1024),
    (3, "Anonymous", 0, 0, 1, 1, 0),
]


class GalleryError(Exception):
    """A rule of the gallery was broken; ``code`` is the cpgAPI error number for it."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user or a guest (``user_id`` None)."""

    user_id: int | None
    name: str
    is_admin: bool
    group_id: int
    can_upload: bool
    can_create_albums: bool
    pub_upl_need_approval: bool
    priv_upl_need_approval: bool
    quota_kb: int

    @property
    def personal_category(self) -> int | None:
        return FIRST_USER_CAT + self.user_id if self.user_id is not None else None


@dataclass(frozen=True)
class StoredPicture:
    pid: int
    aid: int
    filepath: str
    filename: str
    approved: bool
    width: int
    height: int
    filesize: int


class _Orderings:
    """Orders of pictures (lists of pids) kept while the pictures they cover have not changed (a small LRU)."""

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple, tuple[int, list[int]]] = OrderedDict()

    def get(self, key: tuple, version: int, build: Callable[[], list[int]]) -> list[int]:
        with self._lock:
            hit = self._kept.get(key)
            if hit is not None and hit[0] == version:
                self._kept.move_to_end(key)
                return hit[1]
        pids = build()
        with self._lock:
            self._kept[key] = (version, pids)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return pids


class Gallery:
    """The rules and records of one sandbox Coppermine gallery."""

    def __init__(self, store: Store, settings: SandboxSettings) -> None:
        self.store = store
        self.settings = settings
        self._orders = _Orderings()
        self.albums_dir = store.files / "coppermine" / "albums"
        self.albums_dir.mkdir(parents=True, exist_ok=True)
        store.apply_schema(SCHEMA)
        with store.write() as conn:
            _add_position_column(conn)
            conn.executemany("INSERT OR IGNORE INTO cpg_config (name, value) VALUES (?, ?)", CONFIG_DEFAULTS.items())
            conn.executemany("INSERT OR IGNORE INTO cpg_groups VALUES (?,?,?,?,?,?,?)", DEFAULT_GROUPS)

    # -- settings ------------------------------------------------------------------------
    def config(self, name: str) -> str:
        """A setting of the gallery (``keyword_separator``, ``max_upl_size``...), as its admin set it."""
        with self.store.read() as conn:
            row = conn.execute("SELECT value FROM cpg_config WHERE name = ?", (name,)).fetchone()
        if row is None:
            if name not in CONFIG_DEFAULTS:
                raise KeyError(f"no Coppermine setting {name!r}; known: {', '.join(CONFIG_DEFAULTS)}")
            return CONFIG_DEFAULTS[name]
        return row["value"]

    def config_int(self, name: str) -> int:
        return int(float(self.config(name)))

    def set_config(self, **values: object) -> None:
        """Change settings, as an admin does on ``admin.php``."""
        unknown = set(values) - set(CONFIG_DEFAULTS)
        if unknown:
            raise KeyError(
                f"unknown Coppermine setting(s) {', '.join(sorted(unknown))}; known: {', '.join(CONFIG_DEFAULTS)}"
            )
        with self.store.write() as conn:
            conn.executemany(
                "INSERT INTO cpg_config (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                [(k, str(v)) for k, v in values.items()],
            )

    @property
    def max_upload_bytes(self) -> int:
        return self.config_int("max_upl_size") * 1024

    # -- who ---------------------------------------------------------------------------
    def actor(self, conn: sqlite3.Connection, user_id: int | None) -> Actor:
        """The actor for a user id, or the guest when None."""
        if user_id is None:
            return self._actor_for(conn, None, "Guest", False, ANONYMOUS_GROUP)
        user = get_user(conn, user_id=user_id)
        if user is None:
            raise GalleryError(18, "Unknown user")
        return self._actor_for(conn, user["id"], user["name"], bool(user["is_admin"]), self._group_of(conn, user))

    def login(self, conn: sqlite3.Connection, username: str | None, password: str | None) -> Actor | None:
        """The actor for these credentials; empty ones mean the guest; None when they are wrong."""
        if not username and not password:
            return self.actor(conn, None)
        user = authenticate(conn, username or "", password or "")
        if user is None:
            return None
        return self._actor_for(conn, user["id"], user["name"], bool(user["is_admin"]), self._group_of(conn, user))

    def _group_of(self, conn: sqlite3.Connection, user: sqlite3.Row) -> int:
        row = conn.execute("SELECT group_id FROM cpg_members WHERE user_id = ?", (user["id"],)).fetchone()
        if row is not None:
            return int(row["group_id"])
        return ADMIN_GROUP if user["is_admin"] else REGISTERED_GROUP

    def _actor_for(self, conn: sqlite3.Connection, uid: int | None, name: str, is_admin: bool, gid: int) -> Actor:
        g = conn.execute("SELECT * FROM cpg_groups WHERE id = ?", (gid,)).fetchone()
        if g is None:
            if gid == ANONYMOUS_GROUP:
                raise GalleryError(21, "Could not find the Anonymous group")
            raise GalleryError(18, f"User group {gid} does not exist")
        return Actor(
            user_id=uid,
            name=name,
            is_admin=is_admin or gid == ADMIN_GROUP,
            group_id=gid,
            can_upload=bool(g["can_upload"]),
            can_create_albums=bool(g["can_create_albums"]),
            pub_upl_need_approval=bool(g["pub_upl_need_approval"]),
            priv_upl_need_approval=bool(g["priv_upl_need_approval"]),
            quota_kb=int(g["quota_kb"]),
        )

    # -- what they may see ---------------------------------------------------------------
    def can_see_album(self, actor: Actor, album: sqlite3.Row) -> bool:
        if actor.is_admin:
            return True
        vis = int(album["visibility"])
        if vis == 0:
            return True
        if vis >= FIRST_USER_CAT:
            return actor.user_id is not None and vis == FIRST_USER_CAT + actor.user_id
        return vis == actor.group_id

    def can_upload_to(self, actor: Actor, album: sqlite3.Row) -> bool:
        """Whether ``actor`` may upload into ``album`` (ignoring the group's upload right)."""
        if actor.is_admin:
            return True
        if not self.can_see_album(actor, album):
            return False
        own = actor.personal_category is not None and int(album["category"]) == actor.personal_category
        owner = actor.user_id is not None and int(album["owner"]) == actor.user_id
        return own or owner or bool(album["uploads"])

    def visible_albums(self, conn: sqlite3.Connection, actor: Actor) -> list[sqlite3.Row]:
        rows = conn.execute("SELECT * FROM cpg_albums ORDER BY category, pos, aid").fetchall()
        return [a for a in rows if self.can_see_album(actor, a)]

    def uploadable_albums(self, conn: sqlite3.Connection, actor: Actor) -> list[sqlite3.Row]:
        """Albums the actor may upload to right now (none when the group may not upload)."""
        if not (actor.is_admin or actor.can_upload):
            return []
        return [a for a in self.visible_albums(conn, actor) if self.can_upload_to(actor, a)]

    def categories(self, conn: sqlite3.Connection) -> list[sqlite3.Row]:
        return conn.execute("SELECT * FROM cpg_categories ORDER BY parent, pos, cid").fetchall()

    def user_categories(self, conn: sqlite3.Connection, actor: Actor) -> list[tuple[int, str]]:
        """Personal categories (10000 + uid, user name) the actor sees: all for an admin, else their own."""
        if actor.is_admin:
            users = conn.execute("SELECT id, name FROM users ORDER BY id").fetchall()
            return [(FIRST_USER_CAT + u["id"], u["name"]) for u in users]
        if actor.user_id is None:
            return []
        return [(FIRST_USER_CAT + actor.user_id, actor.name)]

    def category_name(self, conn: sqlite3.Connection, cid: int) -> str | None:
        if cid >= FIRST_USER_CAT:
            user = get_user(conn, user_id=cid - FIRST_USER_CAT)
            return user["name"] if user else None
        row = conn.execute("SELECT name FROM cpg_categories WHERE cid = ?", (cid,)).fetchone()
        return row["name"] if row else None

    def album(self, conn: sqlite3.Connection, aid: int) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM cpg_albums WHERE aid = ?", (aid,)).fetchone()

    def _version(self, conn: sqlite3.Connection, aid: int) -> int:
        row = conn.execute("SELECT version FROM cpg_picture_versions WHERE aid = ?", (aid,)).fetchone()
        return int(row["version"]) if row is not None else 0

    def album_sort(self) -> str:
        """The ``ORDER BY`` of album pages: the gallery's ``default_sort_order`` (an unknown code sorts as ``na``)."""
        return SORT_ORDERS.get(self.config("default_sort_order"), SORT_ORDERS["na"])

    def album_order(self, conn: sqlite3.Connection, actor: Actor, aid: int) -> list[int]:
        """The pids of an album the actor may see, in the gallery's order (``default_sort_order``: by file name
        unless its admin chose otherwise).

        Pictures awaiting approval only for an administrator (their owner does not see them either).
        """
        album = self.album(conn, aid)
        if album is None or not self.can_see_album(actor, album):
            raise GalleryError(19, f"Album {aid} does not exist or you may not see it")
        admin = actor.is_admin
        sort = self.album_sort()
        query = (
            "SELECT pid FROM cpg_pictures WHERE aid = ?" + ("" if admin else " AND approved = 1") + f" ORDER BY {sort}"
        )
        return self._orders.get(
            ("album", aid, admin, sort), self._version(conn, aid), lambda: [r[0] for r in conn.execute(query, (aid,))]
        )

    def recent_order(self, conn: sqlite3.Connection, aids: Sequence[int]) -> list[int]:
        """The approved pictures of ``aids`` newest first (by upload time, then pid), as the meta album ``lastup``."""
        aids = tuple(sorted(set(aids)))
        if not aids:
            return []
        version = self._version(conn, aids[0] if len(aids) == 1 else ALL_ALBUMS)
        marks = ",".join("?" * len(aids))
        query = f"SELECT pid FROM cpg_pictures WHERE aid IN ({marks}) AND approved = 1 ORDER BY ctime DESC, pid DESC"
        return self._orders.get(("recent", aids), version, lambda: [r[0] for r in conn.execute(query, aids)])

    def pictures_by_pid(self, conn: sqlite3.Connection, pids: Sequence[int]) -> list[sqlite3.Row]:
        """The rows of ``pids``, in that order (those gone meanwhile left out)."""
        if not pids:
            return []
        rows = conn.execute(
            f"SELECT * FROM cpg_pictures WHERE pid IN ({','.join('?' * len(pids))})", tuple(pids)
        ).fetchall()
        by_pid = {int(r["pid"]): r for r in rows}
        return [by_pid[p] for p in pids if p in by_pid]

    def album_pictures(
        self, conn: sqlite3.Connection, actor: Actor, aid: int, offset: int = 0, limit: int = -1
    ) -> tuple[int, list[sqlite3.Row]]:
        """(total, pictures) of an album the actor may see, ``limit`` of them from ``offset`` in 1.6's order."""
        order = self.album_order(conn, actor, aid)
        chosen = order[offset:] if limit < 0 else order[offset : offset + limit]
        return len(order), self.pictures_by_pid(conn, chosen)

    def picture(self, conn: sqlite3.Connection, actor: Actor, pid: int) -> sqlite3.Row:
        """A picture the actor may see on the album and picture pages (awaiting approval: administrators only)."""
        row = conn.execute("SELECT * FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone()
        if row is None:
            raise GalleryError(19, f"Picture {pid} does not exist")
        album = self.album(conn, row["aid"])
        visible = album is not None and self.can_see_album(actor, album)
        if not visible or not (row["approved"] or actor.is_admin):
            raise GalleryError(19, f"Picture {pid} does not exist or you may not see it")
        return row

    def picture_in_place(self, conn: sqlite3.Connection, actor: Actor, pid: int) -> sqlite3.Row | None:
        """What 1.6's ``displayimage.php?pid=N`` shows: picture N, or for one awaiting approval that a non-admin
        asks for, the approved picture at its position in the album (``get_pic_pos``), or None."""
        row = conn.execute("SELECT * FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone()
        if row is None:
            return None
        album = self.album(conn, row["aid"])
        if album is None or not self.can_see_album(actor, album):
            return None
        if row["approved"] or actor.is_admin:
            return row
        before = 0
        for other in conn.execute(
            f"SELECT pid, approved FROM cpg_pictures WHERE aid = ? ORDER BY {self.album_sort()}", (row["aid"],)
        ):
            if other["pid"] == row["pid"]:
                break
            before += int(bool(other["approved"]))
        order = self.album_order(conn, actor, int(row["aid"]))
        return self.pictures_by_pid(conn, order[before : before + 1])[0] if before < len(order) else None

    def file_visible(self, conn: sqlite3.Connection, actor: Actor, pid: int) -> bool:
        """Whether the sandbox serves a picture's files to the actor: in an album they see, and approved unless they
        own it or are an admin (stricter than a real gallery, whose web server hands ``albums/`` out to anyone)."""
        row = conn.execute("SELECT aid, approved, owner_id FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone()
        if row is None:
            return False
        album = self.album(conn, row["aid"])
        if album is None or not self.can_see_album(actor, album):
            return False
        return bool(row["approved"]) or actor.is_admin or row["owner_id"] == actor.user_id

    def other_picture(self, conn: sqlite3.Connection, uploader: int, exclude: int | None) -> StoredPicture | None:
        """An existing picture unrelated to an upload, for the ``wrong_id`` faults to name: the oldest approved
        one of ``uploader``, else the gallery's oldest approved one, else its oldest; None in an empty gallery."""
        row = conn.execute(
            "SELECT * FROM cpg_pictures WHERE pid IS NOT ? ORDER BY approved DESC, owner_id = ? DESC, pid LIMIT 1",
            (exclude, uploader),
        ).fetchone()
        if row is None:
            return None
        return StoredPicture(
            int(row["pid"]),
            int(row["aid"]),
            row["filepath"],
            row["filename"],
            bool(row["approved"]),
            int(row["pwidth"]),
            int(row["pheight"]),
            int(row["filesize"]),
        )

    def file_path(self, picture: sqlite3.Row, prefix: str = "") -> Path:
        """Where a stored picture (or its ``thumb_``/``normal_`` variant) lies on disk."""
        return self.albums_dir / picture["filepath"] / f"{prefix}{picture['filename']}"

    # -- changes -------------------------------------------------------------------------
    def create_album(
        self, conn: sqlite3.Connection, actor: Actor, category: int, title: str, position: int | None = None
    ) -> int:
        """Make an album (closed to uploads by others) and return its id."""
        title = title.strip()
        if not title:
            raise GalleryError(4, "Albums need to have a name!")
        # 1.6's album manager: anyone who may create albums may name any category id; nothing else is checked
        if not (actor.is_admin or (actor.user_id is not None and actor.can_create_albums)):
            raise GalleryError(20, "You don't have permission to access this page.")
        uploads = int(self.config("album_uploads_default").upper() == "YES")
        cur = conn.execute(
            "INSERT INTO cpg_albums (title, category, visibility, uploads, pos, owner) VALUES (?, ?, 0, ?, ?, ?)",
            (title, category, uploads, position or 0, actor.user_id or 0),
        )
        return last_id(cur)

    def add_picture(
        self,
        actor: Actor,
        aid: int,
        source: str | Path,
        original_name: str,
        *,
        title: str = "",
        caption: str = "",
        keywords: str = "",
    ) -> StoredPicture:
        """Check an uploaded file against every rule, store it under a safe unique name, record it.

        ``source`` is a temporary file the caller owns; it is copied, never moved.
        """
        s = self.settings
        if not original_name:
            raise GalleryError(3, "The file name is empty")
        safe = safe_filename(original_name)
        stem, _, ext = safe.rpartition(".")
        if not stem or ext.lower() not in s.coppermine_allowed_extensions:
            raise GalleryError(5, f"The file extension of {original_name!r} is not allowed")
        size = os.path.getsize(source)
        if size == 0:
            raise GalleryError(8, "The file is empty or corrupt")
        if size > self.max_upload_bytes:
            raise GalleryError(9, "Exceeded filesize permitted by CPG.")
        with self.store.read() as conn:
            album = self.album(conn, aid)
            if not (actor.is_admin or actor.can_upload):
                raise GalleryError(20, "Permission denied: your group may not upload")
            if album is None or not self.can_upload_to(actor, album):
                raise GalleryError(19, f"Album {aid} does not exist or you may not upload to it")
            if actor.quota_kb and actor.user_id is not None:
                used = conn.execute(
                    "SELECT COALESCE(SUM(filesize), 0) FROM cpg_pictures WHERE owner_id = ?", (actor.user_id,)
                ).fetchone()[0]
                if used + size > actor.quota_kb * 1024:
                    raise GalleryError(22, "Disk quota exceeded.")
        work = self._checked_image(Path(source), ext.lower())
        try:
            with Image.open(work) as im:
                width, height = im.size
            own = actor.personal_category is not None and int(album["category"]) == actor.personal_category
            need_approval = (
                False if actor.is_admin else (actor.priv_upl_need_approval if own else actor.pub_upl_need_approval)
            )
            uploader = actor.user_id if actor.user_id is not None else 0
            lie = upload_hooks.planned_lie()
            if lie is not None and lie.unstored:
                with self.store.read() as conn:
                    other = self.other_picture(conn, uploader, None)
                if lie.tell(other.pid if other else None, stored_id=None) and other is not None:
                    return other
            filepath = f"userpics/{FIRST_USER_CAT + uploader}/{aid}/"
            folder = self.albums_dir / filepath
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise GalleryError(11, f"Cannot create the user's directory: {exc.strerror}") from None
            filesize = os.path.getsize(work)
            with self.store.write() as conn:
                filename = self._unique_name(conn, folder, filepath, stem, ext)
                cur = conn.execute(
                    "INSERT INTO cpg_pictures (aid, filepath, filename, filesize, pwidth, pheight, owner_id,"
                    " title, caption, keywords, approved, ctime) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        aid,
                        filepath,
                        filename,
                        filesize,
                        width,
                        height,
                        uploader,
                        title,
                        caption,
                        keywords,
                        int(not need_approval),
                        int(time.time()),
                    ),
                )
                pid = last_id(cur)
                try:
                    shutil.copyfile(work, folder / filename)
                    self.make_variants(folder, filename)
                except OSError as exc:
                    for leftover in (filename, f"thumb_{filename}", f"normal_{filename}"):
                        with contextlib.suppress(OSError):
                            (folder / leftover).unlink(missing_ok=True)
                    raise GalleryError(12, f"Cannot move the file into the gallery: {exc.strerror}") from None
            upload_hooks.stored(pid)
            if lie is not None and not lie.unstored:
                with self.store.read() as conn:
                    other = self.other_picture(conn, uploader, pid)
                if lie.tell(other.pid if other else None, stored_id=pid) and other is not None:
                    return other
            return StoredPicture(pid, aid, filepath, filename, not need_approval, width, height, filesize)
        finally:
            if work != Path(source):
                work.unlink(missing_ok=True)

    def _checked_image(self, source: Path, ext: str) -> Path:
        """Verify the file is an image; resize it when it is over the pixel limit (or refuse)."""
        limit = self.settings.coppermine_max_pixels
        try:
            with Image.open(source) as im:
                im.verify()
            with Image.open(source) as im:
                width, height = im.size
                if max(width, height) <= limit:
                    return source
                if self.settings.coppermine_oversize == "refuse":
                    raise GalleryError(
                        9, f"The size of file you have uploaded is too large (maximum allowed is {limit} x {limit})!"
                    )
                im.draft("RGB", (limit, limit))
                im = ImageOps.exif_transpose(im)
                im.thumbnail((limit, limit))
                fd, tmp = tempfile.mkstemp(suffix="." + ext)
                os.close(fd)
                im.save(tmp, format=im.format or ("PNG" if ext == "png" else "JPEG"))
                return Path(tmp)
        except GalleryError:
            raise
        except Image.DecompressionBombError:
            raise GalleryError(13, "The file is not an image or is corrupt (too many pixels to decode)") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise GalleryError(13, "The file is not an image or is corrupt") from None

    def _unique_name(self, conn: sqlite3.Connection, folder: Path, filepath: str, stem: str, ext: str) -> str:
        def taken(name: str) -> bool:
            row = conn.execute(
                "SELECT 1 FROM cpg_pictures WHERE filepath = ? AND filename = ?", (filepath, name)
            ).fetchone()
            return row is not None or (folder / name).exists()

        name = f"{stem}.{ext}"
        n = 0
        while taken(name):
            name = f"{stem}~{n}.{ext}"
            n += 1
        return name

    def make_variants(self, folder: Path, filename: str) -> None:
        with Image.open(folder / filename) as im:
            keep_png = im.format == "PNG"
            im = ImageOps.exif_transpose(im)
            if not keep_png and im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            fmt = "PNG" if keep_png else "JPEG"
            if max(im.size) > NORMAL_MAX:
                normal = im.copy()
                normal.thumbnail((NORMAL_MAX, NORMAL_MAX))
                normal.save(folder / f"normal_{filename}", fmt)
            im.thumbnail((THUMB_MAX, THUMB_MAX))
            im.save(folder / f"thumb_{filename}", fmt)


def safe_filename(name: str) -> str:
    """The file name Coppermine stores: the last path part, forbidden characters replaced by ``_``."""
    base = re.split(r"[\\/]", name)[-1]
    return "".join("_" if ch in FORBIDDEN_CHARS else ch for ch in base)


def _add_position_column(conn: sqlite3.Connection) -> None:
    """Pictures' ``position`` (the picture manager's order; 0 for a new upload, as in 1.6), added to a gallery
    made before the sandbox kept it."""
    if "position" not in {row[1] for row in conn.execute("PRAGMA table_info(cpg_pictures)")}:
        conn.execute("ALTER TABLE cpg_pictures ADD COLUMN position INTEGER NOT NULL DEFAULT 0")
    conn.execute("CREATE INDEX IF NOT EXISTS cpg_pictures_by_position ON cpg_pictures(aid, position, pid)")
