"""Editing, deleting and ordering pictures in the sandbox gallery: the rules 1.6.26's pages apply, in their order.

What 1.6.26 does, and so what this does (seen against the running gallery; 1.7.02 is the same):

- who may edit or delete a picture: an admin; a signed-in user for a picture in their own gallery
  (category 10000 + their id); its uploader elsewhere only when ``users_can_edit_pics`` is on;
- an edit stores every field as posted, in one ``UPDATE``: the album (an existing one; moving a
  picture into a public album by a non-admin waits for approval again), title, caption,
  keywords (each trimmed, empty ones dropped) and, for an admin, the approval (``YES``/``NO``,
  anything else is a database error and nothing is stored); *then* a changed file name renames
  the files, and a name with no known extension fails with "Forbidden file extension." after the
  rest was stored (a client that leaves ``filename`` out meets exactly that);
- the picture manager orders the pictures of any album by their ``position``; its ``sort_order``
  (``pid@pos,...``) is applied before the form token is checked, to any picture of any album, for
  anyone who may create albums (1.6.26 restricts nothing there), then ``picture_order`` (``pid,...``)
  gives the pictures of ``album_id`` the positions of the album's rows in that order;
- album pages sort by the gallery's ``default_sort_order`` (``na`` by default: file name, then pid;
  ``pa``/``pd``: position; ``ta``/``td``: title; ``da``/``dd``: upload time); a new upload has position 0.

Refusals carry the page's words and whether 1.6 draws them as a critical error; nothing here draws a page.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass

from .gallery import FIRST_USER_CAT, Actor, Gallery, safe_filename

ACCESS_DENIED = "You don't have permission to access this page."
PERM_DENIED = "You don't have permission to perform this operation."
NO_SUCH_PICTURE = "The selected album/file does not exist!"
DB_ERROR = "There was an error while processing a database query"
FORBIDDEN_EXTENSION = "Forbidden file extension."
FILE_EXISTS = "Destination file '{}' already exists."
INVALID_DATA = "Invalid data received in '{}'"
MOVED = "Moved picture {} to position {}"
NO_CHANGE = "You did not make any change!"
_SORT_ORDER_FIELD = re.compile(r"^[0-9@,]+$")
_POSITION_ITEM = re.compile(r"(\d+)@(\d+)")


class Refused(Exception):
    """The page refuses: ``message`` in its words; ``critical`` when 1.6 draws it as a "Critical error"."""

    def __init__(self, message: str, critical: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.critical = critical


@dataclass(frozen=True)
class PictureEdit:
    """The fields of ``edit_one_pic.php``'s form as posted (None: the field was not sent)."""

    aid: str | None
    title: str | None
    caption: str | None
    keywords: str | None
    filename: str | None
    approved: str | None


# -- who may ------------------------------------------------------------------------------------------
def may_edit(gallery: Gallery, actor: Actor, picture: sqlite3.Row, album: sqlite3.Row) -> bool:
    """1.6.26's rule for editing and deleting one picture (its edit page, its delete link)."""
    if actor.user_id is None:
        return False
    if actor.is_admin or int(album["category"]) == actor.personal_category:
        return True
    return gallery.config("users_can_edit_pics") == "1" and int(picture["owner_id"]) == actor.user_id


def may_manage_albums(actor: Actor) -> bool:
    """Who reaches the picture manager: an admin, or a signed-in user whose group may create albums."""
    return actor.is_admin or (actor.user_id is not None and actor.can_create_albums)


def album_choices(conn: sqlite3.Connection, actor: Actor, uploads_too: bool) -> list[sqlite3.Row]:
    """The albums a page's album list offers (1.6.26's ``album_selection_options``): every album for an admin,
    else those in the user's gallery or made by them, and with ``uploads_too`` (the edit page) those open to
    uploads."""
    rows = conn.execute("SELECT * FROM cpg_albums ORDER BY pos, aid").fetchall()
    if actor.is_admin:
        return rows
    if actor.user_id is None:
        return [a for a in rows if uploads_too and a["uploads"]]
    return [
        a
        for a in rows
        if int(a["category"]) == actor.personal_category
        or int(a["owner"]) == actor.user_id
        or (uploads_too and a["uploads"])
    ]


def picture_with_album(conn: sqlite3.Connection, pid: int | None) -> tuple[sqlite3.Row, sqlite3.Row] | None:
    """A picture and its album (1.6 joins them: a picture whose album is gone does not exist)."""
    if pid is None:
        return None
    picture = conn.execute("SELECT * FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone()
    if picture is None:
        return None
    album = conn.execute("SELECT * FROM cpg_albums WHERE aid = ?", (picture["aid"],)).fetchone()
    return None if album is None else (picture, album)


# -- editing ------------------------------------------------------------------------------------------
def edit_picture(
    gallery: Gallery, conn: sqlite3.Connection, actor: Actor, pid: int | None, edit: PictureEdit
) -> Refused | None:
    """Apply a posted edit form, as 1.6.26's ``process_post_data`` does (the form token was checked already).

    Raises :class:`Refused` when nothing is stored. A refusal that comes after the ``UPDATE`` (a file
    name with no known extension, a name already taken) is returned instead: the other fields are
    stored, as in 1.6.26, and the page still says so.
    """
    found = picture_with_album(conn, pid)
    if found is None:
        raise Refused(NO_SUCH_PICTURE, critical=True)
    picture, album = found
    aid = _int(edit.aid)
    free = actor.is_admin or gallery.config("users_can_edit_pics") == "1" or may_manage_albums(actor)
    if not free and not _allowed_by_album(gallery, conn, actor, aid):
        own = {int(a["aid"]) for a in album_choices(conn, actor, uploads_too=True)}
        if int(album["category"]) != actor.personal_category or aid not in own:
            raise Refused(PERM_DENIED)
    if not may_edit(gallery, actor, picture, album):
        raise Refused(ACCESS_DENIED)
    target = gallery.album(conn, aid) if aid is not None else None
    if target is None:
        raise Refused(NO_SUCH_PICTURE, critical=True)
    approved = int(picture["approved"])
    if actor.is_admin:
        if edit.approved not in ("YES", "NO"):
            raise Refused(DB_ERROR, critical=True)  # an enum column in strict SQL mode: nothing stored
        approved = int(edit.approved == "YES")
    elif aid != int(picture["aid"]) and int(target["category"]) < FIRST_USER_CAT:
        approved = int(not actor.pub_upl_need_approval)
    elif aid != int(picture["aid"]) and int(album["category"]) < FIRST_USER_CAT:
        approved = int(not actor.priv_upl_need_approval)
    conn.execute(
        "UPDATE cpg_pictures SET aid = ?, title = ?, caption = ?, keywords = ?, approved = ? WHERE pid = ?",
        (
            aid,
            edit.title or "",
            edit.caption or "",
            trim_keywords(edit.keywords or "", gallery.config("keyword_separator")),
            approved,
            int(picture["pid"]),
        ),
    )
    if edit.filename != picture["filename"]:
        try:
            _rename(gallery, conn, picture, edit.filename or "")
        except Refused as late:
            return late
    return None


def trim_keywords(keywords: str, separator: str) -> str:
    """1.6's ``cpg_trim_keywords``: split on the separator, trim each, drop the empty ones, join again."""
    return separator.join(w.strip() for w in keywords.split(separator) if w.strip())


def _allowed_by_album(gallery: Gallery, conn: sqlite3.Connection, actor: Actor, aid: int | None) -> bool:
    """1.6's ``user_is_allowed()`` for the posted album: one the user made, or a public one open to their uploads."""
    album = gallery.album(conn, aid) if aid is not None else None
    if album is None or actor.user_id is None:
        return False
    if int(album["owner"]) == actor.user_id:
        return True
    return int(album["category"]) < FIRST_USER_CAT and bool(album["uploads"]) and gallery.can_see_album(actor, album)


def _rename(gallery: Gallery, conn: sqlite3.Connection, picture: sqlite3.Row, wanted: str) -> None:
    """Rename a picture's files (original, ``thumb_``, ``normal_``) to ``wanted`` made safe, as 1.6 does."""
    new = safe_filename(wanted)
    old_ext = picture["filename"].rpartition(".")[2].lower()
    stem, dot, ext = new.rpartition(".")
    if not dot or not stem or ext.lower() not in gallery.settings.coppermine_allowed_extensions:
        raise Refused(FORBIDDEN_EXTENSION, critical=True)
    if ext.lower() != old_ext:
        raise Refused(f"Cannot convert file from '{old_ext}' to '{ext.lower()}'", critical=True)
    folder = gallery.albums_dir / picture["filepath"]
    taken = conn.execute(
        "SELECT 1 FROM cpg_pictures WHERE filepath = ? AND filename = ?", (picture["filepath"], new)
    ).fetchone()
    if taken is not None or (folder / new).exists():
        raise Refused(FILE_EXISTS.format(f"albums/{picture['filepath']}{new}"), critical=True)
    conn.execute("UPDATE cpg_pictures SET filename = ? WHERE pid = ?", (new, int(picture["pid"])))
    for prefix in ("", "thumb_", "normal_"):
        source = folder / f"{prefix}{picture['filename']}"
        if source.exists():
            source.rename(folder / f"{prefix}{new}")


# -- deleting ------------------------------------------------------------------------------------------
def delete_picture(gallery: Gallery, conn: sqlite3.Connection, actor: Actor, pid: int | None) -> tuple[int, list[bool]]:
    """Delete a picture and its files as 1.6.26's ``delete_picture`` does: (its album, which of the files
    full size, normal size, original, thumbnail were there and removed)."""
    if actor.is_admin:  # 1.6.26 asks an admin's picture without its album
        picture = conn.execute("SELECT * FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone() if pid else None
        if picture is None:
            raise Refused(NO_SUCH_PICTURE, critical=True)
    else:
        found = picture_with_album(conn, pid)
        if found is None:
            raise Refused(NO_SUCH_PICTURE, critical=True)
        picture, album = found
        if not may_edit(gallery, actor, picture, album):
            raise Refused(ACCESS_DENIED)
    folder = gallery.albums_dir / picture["filepath"]
    removed = []
    for prefix in ("", "normal_", "orig_", "thumb_"):
        path = folder / f"{prefix}{picture['filename']}"
        removed.append(path.is_file())
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    conn.execute("DELETE FROM cpg_pictures WHERE pid = ?", (int(picture["pid"]),))
    return int(picture["aid"]), removed


# -- ordering ------------------------------------------------------------------------------------------
def positions(conn: sqlite3.Connection, aid: int) -> list[sqlite3.Row]:
    """An album's pictures as the picture manager lists them: by position, then pid (awaiting approval too)."""
    return conn.execute(
        "SELECT pid, title, filename, filepath, position FROM cpg_pictures WHERE aid = ? ORDER BY position, pid",
        (aid,),
    ).fetchall()


def apply_sort_order(conn: sqlite3.Connection, field: str | None) -> None:
    """``sort_order`` (``pid@position,...``): each picture named gets that position, whichever album it is in
    (1.6.26 does this before it checks the form token). A field with other characters is ignored."""
    if not field or not _SORT_ORDER_FIELD.match(field):
        return
    for item in (i for i in field.split(",") if i):
        m = _POSITION_ITEM.search(item)
        if m is None:
            raise Refused(INVALID_DATA.format(field), critical=True)
        conn.execute("UPDATE cpg_pictures SET position = ? WHERE pid = ?", (int(m.group(2)), int(m.group(1))))


def apply_picture_order(conn: sqlite3.Connection, aid: int, field: str) -> list[str]:
    """``picture_order`` (``pid,pid,...,``): the n-th picture named gets the position of the album's n-th row;
    returns the messages 1.6.26 shows ("Moved picture P to position N", or that nothing changed)."""
    rows = positions(conn, aid)
    moved: list[str] = []
    for key, item in enumerate(i for i in field.split(",") if i):
        pid = _int(item.strip()) or 0
        if key >= len(rows):
            raise Refused(DB_ERROR, critical=True)  # 1.6.26 writes an empty position: a database error
        if pid == int(rows[key]["pid"]):
            continue
        conn.execute("UPDATE cpg_pictures SET position = ? WHERE pid = ?", (int(rows[key]["position"]), pid))
        moved.append(MOVED.format(pid, rows[key]["position"]))
    return moved or [NO_CHANGE]


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip()) if value is not None and str(value).strip() else None
    except ValueError:
        return None
