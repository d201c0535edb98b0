"""The rows of a plan: what one row holds while the plan is made, what is known of a photo online, the table.

:data:`COLUMNS` are the plan's columns, with honest dtypes (:func:`table`): ``action`` a
categorical of :data:`ACTIONS`, ids and counts ``Int64``, texts ``string``, ``in_album``
``boolean``, ``tags`` and ``candidates`` lists. The readers turn a listing's cells into plain
values, telling "not said" (None) from "empty".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from .items import Item

ACTIONS = ["create_album", "upload", "skip", "update", "delete", "conflict", "impossible"]
"""What a plan row does; ``conflict`` and ``impossible`` rows are never applied."""
MATCHES = ["journal", "marker", "digest", "perceptual", "id", "none"]
"""How a row's photo was recognised online (``id``: the row is that online photo, from a listing of the service)."""
COLUMNS = [
    "action",
    "reason",
    "kind",
    "row",
    "path",
    "source_id",
    "title",
    "description",
    "tags",
    "remote_id",
    "match",
    "distance",
    "candidates",
    "changes",
    "position",
    "in_album",
    "digest",
    "bytes",
]
EDITABLE = ("title", "description", "tags")


@dataclass
class Row:
    """One row of a plan while it is being made (see :data:`COLUMNS`)."""

    action: str
    reason: str
    kind: str = "photo"
    row: Any = None
    path: str | None = None
    source_id: str | None = None
    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    remote_id: int | None = None
    match: str | None = None
    distance: int | None = None
    candidates: list[int] | None = None
    changes: str | None = None
    position: int | None = None
    in_album: bool | None = None
    digest: str | None = None
    bytes: int | None = None
    item: Item | None = field(default=None, repr=False)


@dataclass
class Online:
    """What a plan knows of one photo online: from a listing, and details when they were read."""

    id: int
    title: str | None
    description: str | None
    tags: list[str] | None
    in_album: bool
    place: int | None
    row: pd.Series = field(repr=False)
    detailed: bool = False
    """Whether description and tags were read from the photo's details (else from a listing, or unknown)."""


def table(rows: list[Row]) -> pd.DataFrame:
    """The plan's table of ``rows``, with :data:`COLUMNS` in their dtypes."""
    names = [f.name for f in fields(Row) if f.name != "item"]
    data = {name: [getattr(r, name) for r in rows] for name in names}
    out = pd.DataFrame(data, columns=COLUMNS)
    out["action"] = pd.Categorical(out["action"], categories=ACTIONS)
    for name in ("reason", "kind", "path", "source_id", "title", "description", "match", "changes", "digest"):
        out[name] = out[name].astype("string")
    for name in ("remote_id", "distance", "position", "bytes"):
        out[name] = pd.array([None if v is None else int(v) for v in data[name]], dtype="Int64")
    out["in_album"] = pd.array(data["in_album"], dtype="boolean")
    return out


# -- readers of a listing's cells ---------------------------------------------------------------------
def int_of(value: Any) -> int | None:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def text_of(value: Any) -> str | None:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    return str(value)


def tag_list(value: Any) -> list[str] | None:
    """A tags cell as a list; None when it says nothing (not read)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return [t for t in value.split() if t]
    if hasattr(value, "tolist"):
        value = value.tolist()
    return [str(t) for t in value if str(t)]


def said_value(value: Any) -> bool:
    return tag_list(value) is not None


def said(df: pd.DataFrame, column: str, index: Any) -> bool:
    if column not in df.columns or not df.index.is_unique:
        return False
    return said_value(df.at[index, column])


__all__ = [
    "ACTIONS",
    "COLUMNS",
    "EDITABLE",
    "MATCHES",
    "Online",
    "Row",
    "int_of",
    "said",
    "table",
    "tag_list",
    "text_of",
]
