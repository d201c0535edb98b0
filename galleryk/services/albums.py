"""Resolving "an album by id or by title", once for every service and every caller.

An int (or digits) is an id and is taken as it is (a Fotki user may name someone else's public
photoset; whether the user may upload there is the caller's question). A title must match
exactly one album of the listing, compared with runs of white space made one (galleries store
names that way); none is :class:`~galleryk.base.errors.AlbumNotFound` listing the titles there
are, several is :class:`~galleryk.base.errors.AmbiguousAlbum` listing the ids to choose from.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import pandas as pd

from ..base.errors import AlbumNotFound, AmbiguousAlbum

SHOWN = 12
"""Titles named in a message at most; ``choices`` holds them all."""


def album_id(album: object) -> int | None:
    """``album`` as an id when it is one (an int, or a string of digits), else None (a title)."""
    if isinstance(album, bool):
        raise TypeError("an album is an id or a title, not a bool")
    if isinstance(album, numbers.Integral):
        return int(album)
    if isinstance(album, str) and album.strip().isdigit():
        return int(album.strip())
    if isinstance(album, str):
        return None
    raise TypeError(f"an album is an id or a title, not {type(album).__name__}")


def normalise(title: object) -> str:
    """A title with runs of white space made one space, for comparing names the way galleries store them."""
    return " ".join(str(title).split())


def titled(albums: pd.DataFrame, title: str) -> pd.DataFrame:
    """The rows of ``albums`` whose title is ``title`` (exactly, else white space normalised)."""
    titles = albums["title"].astype("string")
    hits = albums[titles == title]
    if hits.empty:
        hits = albums[titles.map(normalise, na_action="ignore") == normalise(title)]
    return hits


def listing(titles: list[str], limit: int = SHOWN) -> str:
    """``'A', 'B' and 3 more``, or "none"."""
    shown = ", ".join(repr(t) for t in titles[:limit])
    more = f" and {len(titles) - limit} more" if len(titles) > limit else ""
    return (shown + more) if titles else "none"


def resolve(
    album: object,
    albums: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    service: str = "",
    noun: str = "album",
    can_create: bool = False,
) -> int:
    """The id of ``album`` (see the module docstring); ``albums`` is the listing, or a function that reads it."""
    found = album_id(album)
    if found is not None:
        return found
    table = albums() if callable(albums) else albums
    title = str(album)
    hits = titled(table, title)
    if len(hits) == 1:
        return int(hits["id"].iloc[0])
    if len(hits) > 1:
        ids = [int(i) for i in hits["id"]]
        raise AmbiguousAlbum(
            f"{len(ids)} {noun}s are titled {title!r} (ids {', '.join(map(str, ids))}): name the one you mean by "
            "its id",
            album=title,
            ids=ids,
            service=service,
        )
    titles = [str(t) for t in table["title"].dropna()]
    hint = " (create=True makes it)" if can_create else ""
    raise AlbumNotFound(
        f"no {noun} titled {title!r}; there are: {listing(titles)}{hint}",
        album=title,
        choices=titles,
        can_create=can_create,
        service=service,
    )


__all__ = ["album_id", "listing", "normalise", "resolve", "titled"]
