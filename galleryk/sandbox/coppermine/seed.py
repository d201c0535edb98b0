"""Demo content of the sandbox Coppermine gallery: groups, categories, albums and pictures."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime

from .gallery import (
    ADMIN_GROUP,
    ANONYMOUS_GROUP,
    BANNED_GROUP,
    FIRST_USER_CAT,
    REGISTERED_GROUP,
    USER_GAL_CAT,
    VIEWERS_GROUP,
    Gallery,
)
from ..demo_images import demo_catalog, render_jpeg
from ..users import get_user

# id, name, can_upload, can_create_albums, pub_upl_need_approval, priv_upl_need_approval, quota_kb
GROUPS = [
    (ADMIN_GROUP, "Administrators", 1, 1, 0, 0, 0),
    (REGISTERED_GROUP, "Registered", 1, 1, 1, 0, 256 * 1024),
    (ANONYMOUS_GROUP, "Anonymous", 0, 0, 1, 1, 0),
    (BANNED_GROUP, "Banned", 0, 0, 1, 1, 0),
    (VIEWERS_GROUP, "Viewers", 0, 0, 1, 1, 0),
]
MEMBERS = {"admin": ADMIN_GROUP, "alice": REGISTERED_GROUP, "bob": REGISTERED_GROUP, "carol": VIEWERS_GROUP}
# cid, name, description, parent
CATEGORIES = [
    (USER_GAL_CAT, "User galleries", "Albums of the gallery's members", 0),
    (2, "Travel", "Trips near and far", 0),
    (3, "Europe & Asia", "Cities and coasts", 2),
    (4, "Club events", "What the photo club did", 0),
]


def seed_gallery(gallery: Gallery) -> dict[str, int]:
    """Create the demo gallery; returns album ids by a short key, for tests and docs."""
    with gallery.store.write() as conn:
        conn.executemany("INSERT OR IGNORE INTO cpg_groups VALUES (?,?,?,?,?,?,?)", GROUPS)
        ids = {}
        for name, gid in MEMBERS.items():
            user = get_user(conn, name=name)
            if user is not None:
                ids[name] = int(user["id"])
                conn.execute("INSERT OR REPLACE INTO cpg_members VALUES (?, ?)", (user["id"], gid))
        conn.executemany(
            "INSERT OR IGNORE INTO cpg_categories (cid, name, description, parent, pos) VALUES (?,?,?,?,?)",
            [(cid, name, desc, parent, i) for i, (cid, name, desc, parent) in enumerate(CATEGORIES)],
        )
        # aid, title, description, category, visibility, uploads
        albums = [
            (1, "Harbour & Beach", "Boats, sand and the lighthouse", 3, 0, 1),
            (2, "City walks", "Streets and squares", 2, 0, 0),
            (3, "Members' corner", "Anyone registered may add pictures here (they wait for approval)", 4, 0, 1),
            (4, "Staff only", "Seen by administrators only", 4, ADMIN_GROUP, 0),
            (5, "Alice's holidays", "", FIRST_USER_CAT + ids["alice"], 0, 0),
            (6, "Alice's garden", "Private: only Alice sees it", FIRST_USER_CAT + ids["alice"], FIRST_USER_CAT + ids["alice"], 0),
            (7, "Bob's bikes", "", FIRST_USER_CAT + ids["bob"], 0, 0),
        ]
        conn.executemany(
            "INSERT OR IGNORE INTO cpg_albums (aid, title, description, category, visibility, uploads, pos)"
            " VALUES (?,?,?,?,?,?,?)",
            [(*a, i) for i, a in enumerate(albums)],
        )
        actors = {name: gallery.actor(conn, uid) for name, uid in ids.items()}
    # (album, uploader) for each demo picture, in order
    plan = [(1, "admin")] * 4 + [(2, "admin")] * 3 + [(5, "alice")] * 4 + [(6, "alice")] + [(7, "bob")] * 2 + [(3, "bob")]
    catalog = demo_catalog(len(plan), start=datetime(2023, 8, 2, 10, 0, 0), seed=101)
    for (aid, who), picture in zip(plan, catalog):
        fd, tmp = tempfile.mkstemp(suffix=".jpg")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(render_jpeg(picture))
            name = picture.title.lower().replace(" ", "_") + ".jpg"
            gallery.add_picture(
                actors[who], aid, tmp, name,
                title=picture.title, caption=f"Taken with a {picture.model}", keywords=f"demo {picture.make.split()[0].lower()}",
            )
        finally:
            os.unlink(tmp)
    return {"harbour": 1, "city": 2, "members": 3, "staff": 4, "alice_holidays": 5, "alice_garden": 6, "bob_bikes": 7}
