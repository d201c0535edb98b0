"""The album pickers' choices, made once for the browser, the uploader and the app, from the albums table.

Labels follow what the table holds, not which service it came from: ``Travel / Europe › Harbour`` when
the albums sit in categories (``category_path``), ``Harbour walk (12 photos)`` when the service counts
them (``photos``). A service that keeps photos outside albums gets a "no album" choice, and one
where the user may make albums a "New album…" choice, each named with the service's own noun.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..services.contract import Service

NEW_ALBUM = "+new"
NO_ALBUM = "+none"


def label(row: Any) -> str:
    """An album's label in a picker (see the module docstring)."""
    title = str(row.get("title") if row.get("title") is not None else row.get("id"))
    path = row.get("category_path")
    count = row.get("photos")
    text = f"{path} › {title}" if isinstance(path, str) and path else title
    if count is not None and not pd.isna(count):
        text += f" ({int(count)} photo{'s' if int(count) != 1 else ''})"
    return text


def short_label(row: Any) -> str:
    """The label without the photo count, for messages ("Opening Harbour walk…")."""
    title = str(row.get("title") if row.get("title") is not None else row.get("id"))
    path = row.get("category_path")
    return f"{path} › {title}" if isinstance(path, str) and path else title


def choices(albums: pd.DataFrame, *, uploadable: bool = False) -> list[tuple[str, int]]:
    """(label, id) for every album of the table; only those the user may upload to with ``uploadable``
    (an unknown right counts as yes: the service will say)."""
    table = albums
    if uploadable and "can_upload" in table.columns:
        table = table[table["can_upload"].fillna(True).astype(bool)]
    if "category_path" in table.columns:
        table = table.assign(_path=table["category_path"].fillna("")).sort_values(["_path", "title"], kind="stable")
    return [(label(row), int(row["id"])) for _, row in table.iterrows()]


def extra_choices(client: Service, *, new: bool) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The choices before and after the albums: "(no photoset)" where photos may be in none, "New album…"."""
    noun = client.album_noun
    before = [(f"(no {noun})", NO_ALBUM)] if client.capabilities.loose_photos else []
    after = [(f"New {noun}…", NEW_ALBUM)] if new and client.capabilities.create_albums else []
    return before, after


__all__ = ["NEW_ALBUM", "NO_ALBUM", "choices", "extra_choices", "label", "short_label"]
