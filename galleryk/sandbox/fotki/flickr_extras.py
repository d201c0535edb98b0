"""Flickr's calls that Fotki's documentation lacks, for a sandbox that plays a Flickr-family service answering them.

Fotki's documented API cannot change or delete a photo; Flickr's has ``flickr.photos.setMeta``
(title and description), ``flickr.photos.setTags`` (every tag at once) and
``flickr.photos.delete``. A client asks whether a service answers them before it relies on them
(a service without them answers 112, "Method not found"). With
``settings.fotki_flickr_photo_calls`` the sandbox answers them as Flickr does: only the owner's
photos (1, "Photo not found", otherwise), setMeta needs a title, delete needs the ``delete``
permission and takes the photo out of its photosets (a set whose primary it was gets its next
photo as primary; a set left empty goes).
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

from . import db
from .call import FotkiError
from .upload import parse_tags

if TYPE_CHECKING:
    from .api import Call, FotkiApi


def _own_photo(conn: sqlite3.Connection, call: Call) -> int:
    text = (call.params.get("photo_id") or "").strip()
    photo = db.get_photo(conn, int(text), call.user_id) if text.isdigit() else None
    if photo is None or photo["owner_id"] != call.user_id:
        raise FotkiError(1, "Photo not found")
    return int(photo["id"])


def set_meta(api: FotkiApi, call: Call) -> None:
    title = call.params.get("title", "")
    with api.store.write() as conn:
        photo_id = _own_photo(conn, call)
        if not title.strip():
            raise FotkiError(2, "No title specified: missing parameter title")
        conn.execute(
            "UPDATE fotki_photos SET title = ?, description = ?, lastupdate = ? WHERE id = ?",
            (title, call.params.get("description", ""), int(time.time()), photo_id),
        )


def set_tags(api: FotkiApi, call: Call) -> None:
    with api.store.write() as conn:
        photo_id = _own_photo(conn, call)
        conn.execute("DELETE FROM fotki_tags WHERE photo_id = ?", (photo_id,))
        seen: set[str] = set()
        for raw in parse_tags(call.params.get("tags", "")):
            tag = db.normalize_tag(raw)
            if tag and tag not in seen:
                seen.add(tag)
                conn.execute(
                    "INSERT INTO fotki_tags (photo_id, author_id, raw, tag) VALUES (?, ?, ?, ?)",
                    (photo_id, call.owner_id, raw, tag),
                )
        conn.execute("UPDATE fotki_photos SET lastupdate = ? WHERE id = ?", (int(time.time()), photo_id))


def delete(api: FotkiApi, call: Call) -> None:
    with api.store.write() as conn:
        photo_id = _own_photo(conn, call)
        sets = [
            r["set_id"] for r in conn.execute("SELECT set_id FROM fotki_set_photos WHERE photo_id = ?", (photo_id,))
        ]
        conn.execute("DELETE FROM fotki_set_photos WHERE photo_id = ?", (photo_id,))
        for set_id in sets:
            nxt = conn.execute(
                "SELECT photo_id FROM fotki_set_photos WHERE set_id = ? ORDER BY pos LIMIT 1", (set_id,)
            ).fetchone()
            if nxt is None:
                db.delete_photoset(conn, set_id)
            else:
                conn.execute(
                    "UPDATE fotki_photosets SET primary_photo_id = ? WHERE id = ? AND primary_photo_id = ?",
                    (nxt["photo_id"], set_id, photo_id),
                )
        conn.execute("DELETE FROM fotki_tags WHERE photo_id = ?", (photo_id,))
        conn.execute("DELETE FROM fotki_photos WHERE id = ?", (photo_id,))
