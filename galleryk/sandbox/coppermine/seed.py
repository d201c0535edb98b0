"""Demo content of the sandbox Coppermine gallery: groups, categories, albums and pictures.

The demo gallery is configured as its admin would for a photo club that shares full-size
pictures: 8 MB per file (1.6.26's default is 1 MB) and a 256 MB quota for Registered members
(default 1 MB), so the notebooks and the push tests have room. Everything else keeps 1.6.26's
defaults (see :data:`~galleryk.sandbox.coppermine.gallery.CONFIG_DEFAULTS`).
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime

from ..demo_images import demo_catalog, render_jpeg
from ..users import get_user
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

# id, name, can_upload, can_create_albums, pub_upl_need_approval, priv_upl_need_approval, quota_kb
GROUPS = [
    (ADMIN_GROUP, "Administrators", 1, 1, 0, 0, 0),
    (REGISTERED_GROUP, "Registered", 1, 1, 1, 0, 256 * 1024),
    (ANONYMOUS_GROUP, "Anonymous", 0, 0, 1, 1, 0),  # groups 1-3 as 1.6.26 makes them, but the demo's quota
    (BANNED_GROUP, "Banned", 0, 0, 1, 1, 0),
    (VIEWERS_GROUP, "Viewers", 0, 0, 1, 1, 0),
]
DEMO_CONFIG = {"max_upl_size": "8192"}
"""Settings the demo's admin changed from 1.6.26's defaults (KB)."""
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
        conn.executemany("INSERT OR REPLACE INTO cpg_groups VALUES (?,?,?,?,?,?,?)", GROUPS)
        conn.executemany("INSERT OR REPLACE INTO cpg_config (name, value) VALUES (?, ?)", DEMO_CONFIG.items())
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
        # aid, title, description, category, visibility, uploads, owner
        admin, alice, bob = ids["admin"], ids["alice"], ids["bob"]
        albums = [
            (1, "Harbour & Beach", "Boats, sand and the lighthouse", 3, 0, 1, admin),
            (2, "City walks", "Streets and squares", 2, 0, 0, admin),
            (3, "Members' corner", "Anyone registered may add pictures here (they wait for approval)", 4, 0, 1, admin),
            (4, "Staff only", "Seen by administrators only", 4, ADMIN_GROUP, 0, admin),
            (5, "Alice's holidays", "", FIRST_USER_CAT + alice, 0, 0, alice),
            (
                6,
                "Alice's garden",
                "Private: only Alice sees it",
                FIRST_USER_CAT + alice,
                FIRST_USER_CAT + alice,
                0,
                alice,
            ),
            (7, "Bob's bikes", "", FIRST_USER_CAT + bob, 0, 0, bob),
        ]
        conn.executemany(
            "INSERT OR IGNORE INTO cpg_albums (aid, title, description, category, visibility, uploads, owner, pos)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [(*a, i) for i, a in enumerate(albums)],
        )
        actors = {name: gallery.actor(conn, uid) for name, uid in ids.items()}
    # (album, uploader) for each demo picture, in order
    plan = (
        [(1, "admin")] * 4 + [(2, "admin")] * 3 + [(5, "alice")] * 4 + [(6, "alice")] + [(7, "bob")] * 2 + [(3, "bob")]
    )
    catalog = demo_catalog(len(plan), start=datetime(2023, 8, 2, 10, 0, 0), seed=101)
    for (aid, who), picture in zip(plan, catalog):
        fd, tmp = tempfile.mkstemp(suffix=".jpg")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(render_jpeg(picture))
            name = picture.title.lower().replace(" ", "_") + ".jpg"
            gallery.add_picture(
                actors[who],
                aid,
                tmp,
                name,
                title=picture.title,
                caption=f"Taken with a {picture.model}",
                keywords=f"demo;{picture.make.split()[0].lower()}",
            )
        finally:
            os.unlink(tmp)
    return {"harbour": 1, "city": 2, "members": 3, "staff": 4, "alice_holidays": 5, "alice_garden": 6, "bob_bikes": 7}
