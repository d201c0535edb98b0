"""DataFrames of a Coppermine gallery: its album tree and the pictures of an album, with honest dtypes.

Rows come from the client as plain dicts; the columns are built by :mod:`.columns`, so an
empty listing is an empty frame with the same columns and dtypes as a full one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .columns import build_frame

USER_GALLERIES = 1
FIRST_USER_CATEGORY = 10000

ALBUM_KINDS = {
    "id": "int",
    "title": "string",
    "description": "string",
    "photos": "int",
    "can_upload": "bool",
    "category_id": "int",
    "category": "string",
    "category_path": "string",
    "is_user_gallery": "bool",
}
PHOTO_KINDS = {
    "id": "int",
    "album_id": "int",
    "title": "string",
    "description": "string",
    "tags": "list",
    "taken": "taken",
    "filename": "string",
    "thumb_url": "string",
    "url": "string",
    "page_url": "string",
}
ALBUM_COLUMNS = list(ALBUM_KINDS)
PHOTO_COLUMNS = list(PHOTO_KINDS)


def album_row(
    aid: int,
    title: str,
    categories: Iterable[tuple[int, str]],
    can_upload: bool | None = None,
) -> dict[str, Any]:
    """One row of the albums table from an album and its category chain (outermost first, no "Parent")."""
    chain = list(categories)
    cid, name = chain[-1] if chain else (None, None)
    ids = [c for c, _ in chain]
    return {
        "id": aid,
        "title": title,
        "category_id": cid,
        "category": name,
        "category_path": " / ".join(n for _, n in chain),
        "is_user_gallery": (cid is not None and cid >= FIRST_USER_CATEGORY) or USER_GALLERIES in ids,
        "can_upload": can_upload,
    }


def _frame(rows: Iterable[Mapping[str, Any]], kinds: Mapping[str, str], source: str) -> pd.DataFrame:
    rows = list(rows)
    names = list(kinds) + [k for k in dict.fromkeys(k for r in rows for k in r) if k not in kinds]
    columns = {name: [r.get(name) for r in rows] for name in names}
    df = build_frame(columns, kinds)
    df.attrs["source"] = source
    return df


def albums_frame(rows: Iterable[Mapping[str, Any]], source: str) -> pd.DataFrame:
    """The albums table: ids Int64, text ``string``, is_user_gallery and can_upload nullable ``boolean``."""
    return _frame(rows, ALBUM_KINDS, source)


def photos_frame(rows: Iterable[Mapping[str, Any]], source: str) -> pd.DataFrame:
    """The pictures table: id and album_id Int64, text ``string``, tags (None: the page does not say), taken;
    extra keys become extra (string) columns. The picture's caption is its ``description``."""
    return _frame(rows, PHOTO_KINDS, source)
