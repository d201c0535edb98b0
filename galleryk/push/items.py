"""Turn the rows of a selection DataFrame into push items: where the bytes come from, and the metadata.

A row is either a local file (a ``path`` column, as ``galleryk.scan`` gives) or a picture on a
service (a listing from a client's ``photos()``, pushed with ``source=``).
Title, description and tags may be given literally, named as a column, or computed by a function.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..base.names import check_rows
from .markers import is_marker, marker_text, without_markers

MetaSpec = str | list | Callable[[pd.Series], Any] | None


@dataclass
class Item:
    """One thing to push."""

    index: Any
    label: str
    path: Path | None = None
    remote_id: str | None = None
    digest: str | None = None
    title: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    bytes: int | None = None
    problem: str | None = None
    """Why the row cannot be pushed (a scan error), if it cannot."""

    @property
    def key(self) -> str:
        """Identity in the journal: the content digest of a file, the source id of a remote picture."""
        if self.remote_id is not None:
            return f"remote:{self.remote_id}"
        return f"sha256:{self.digest}"

    @property
    def token(self) -> str:
        """16 hex digits of the content's sha256: what the item's marker carries (see :mod:`.markers`)."""
        return (self.digest or hashlib.sha256(self.key.encode()).hexdigest())[:16]

    @property
    def marker(self) -> str:
        """The item's marker tag, ``galleryk:sha=<token>`` (see :mod:`.markers`)."""
        return marker_text(self.token)


def _value(row: pd.Series, spec: MetaSpec, column: str) -> Any:
    if callable(spec):
        return spec(row)
    if isinstance(spec, str) and spec in row.index:
        return row[spec]
    if spec is not None:
        return spec
    return row[column] if column in row.index else None


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    return str(value)


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t for t in value.replace(",", " ").split() if t]
    if isinstance(value, (list, tuple, set)) or hasattr(value, "tolist"):
        return [str(t) for t in (value.tolist() if hasattr(value, "tolist") else value) if str(t)]
    return [] if pd.isna(value) else [str(value)]


def build_items(
    df: pd.DataFrame,
    *,
    remote: bool,
    title: MetaSpec = None,
    description: MetaSpec = None,
    tags: MetaSpec = None,
) -> list[Item]:
    """One Item per row; a local row without a readable ``path`` raises a ValueError naming it."""
    if not remote and "path" not in df.columns:
        raise ValueError(
            "push needs a 'path' column (as galleryk.scan gives) or source= for a listing from a service; "
            f"columns are: {', '.join(map(str, df.columns))}"
        )
    if remote and "id" not in df.columns:
        raise ValueError("a listing pushed with source= needs the 'id' column its photos() gave")
    items = []
    for index, row in df.iterrows():
        item = Item(index=index, label="")
        if remote:
            rid = row["id"]
            item.remote_id = str(rid)
            item.label = f"#{rid}"
        else:
            item.path = Path(str(row["path"])).expanduser()
            item.label = str(item.path)
            if "digest" in row.index and isinstance(row["digest"], str) and len(row["digest"]) == 64:
                item.digest = row["digest"]
            if "error" in row.index and isinstance(row["error"], str) and row["error"]:
                item.problem = row["error"]
        item.title = _text(_value(row, title, "title"))
        item.description = _text(_value(row, description, "description"))
        item.tags = _tags(_value(row, tags, "tags"))
        if remote:  # a listing's own markers belong to the copy on the source, not to the new one
            item.description = without_markers(item.description) or None
            item.tags = [t for t in item.tags if not is_marker(t)]
        items.append(item)
    return items


def check_items(items: list[Item]) -> None:
    """Refuse, before anything is sent, items whose title, description or tags hold control characters
    (:class:`~galleryk.base.names.BadName` naming each row and field)."""
    check_rows(
        (
            f"row {item.index!r} ({Path(item.label).name if item.path is not None else item.label})",
            {"title": item.title, "description": item.description, "tags": item.tags},
        )
        for item in items
    )
