"""Demo photos and photosets for the Fotki side, stored the way uploads are.

alice: 24 photos in three sets of 8, and 4 photos in no set (2 of them private);
bob: a set of 5 photos (1 private) and 3 photos in no set (1 private); carol and admin have none.
Pictures come from :mod:`galleryk.sandbox.demo_images`, so every seed gives the same files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..demo_images import DemoPicture, demo_catalog, render_jpeg
from ..store import Store
from ..users import get_user
from . import db
from .api import save_photo

# (owner, set title or None, set description, photo count, which photos (by index) are private)
_PLAN = [
    ("alice", "Harbour walk", "A morning along the quays.", 8, ()),
    ("alice", "Old town weekend", "Two days in the old streets.", 8, ()),
    ("alice", "Garden days", "Spring in the garden.", 8, ()),
    ("alice", None, "", 4, (1, 3)),
    ("bob", "Bike trip", "Riding along the coast.", 5, (2,)),
    ("bob", None, "", 3, (0,)),
]


def seed_fotki(store: Store, files_dir: Path, max_bytes: int) -> None:
    """Create the demo photos and sets; call once, after the demo users exist."""
    pictures = iter(demo_catalog(sum(plan[3] for plan in _PLAN), seed=41))
    with store.read() as conn:
        owners = {name: _user_id(conn, name) for name in {plan[0] for plan in _PLAN}}
    for owner, set_title, set_description, count, private in _PLAN:
        ids = [
            _seed_photo(store, files_dir, max_bytes, owners[owner], next(pictures), set_title, i in private)
            for i in range(count)
        ]
        if set_title is not None:
            with store.write() as conn:
                set_id = db.create_photoset(conn, owners[owner], set_title, set_description, ids[0])
                for photo_id in ids[1:]:
                    db.add_to_photoset(conn, set_id, photo_id)


def _seed_photo(
    store: Store,
    files_dir: Path,
    max_bytes: int,
    owner_id: int,
    picture: DemoPicture,
    album: str | None,
    private: bool,
) -> int:
    place = picture.title.rsplit(" ", 1)[0]
    tags = [place, picture.make.split()[0].lower(), "demo"]  # "Old town" is kept raw, cleaned to "oldtown"
    where = f" for {album}" if album else ""
    return save_photo(
        store,
        files_dir,
        max_bytes,
        io.BytesIO(render_jpeg(picture)),
        owner_id=owner_id,
        title=picture.title,
        description=f"{place}, taken with a {picture.model}{where}.",
        tags=tags,
        ispublic=not private,
    )


def _user_id(conn: Any, name: str) -> int:
    row = get_user(conn, name=name)
    if row is None:
        raise LookupError(f"seed_fotki: the demo user {name!r} does not exist yet (seed the users first)")
    return int(row["id"])
