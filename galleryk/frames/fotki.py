"""DataFrames of Fotki listings, built straight from reply elements (XML, or JSON turned into elements).

Pure functions: pages of ``<photosets>``, ``<photoset>``/``<photos>`` and ``<photo>`` (getInfo)
elements in, typed DataFrames out. Attributes are read off each element once, then every
column is converted in one go (see :mod:`.columns`), so a 20,000-photo set costs milliseconds.
Known columns come first with fixed dtypes; attributes a server adds beyond the doc become
extra ``string`` columns. Ids are nullable ``Int64`` (``owner`` falls back to ``string``
when a server uses Flickr's ``123@N01`` form), flags ``boolean``, ``posted``/``lastupdate``
UTC datetimes, ``taken`` a naive datetime in the camera's time, ``tags`` a list per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from ..base.errors import BadValue
from .columns import build_frame, column, empty_frame, missing_column, scalar

PHOTOSET_KINDS: dict[str, str] = {
    "id": "int",
    "title": "string",
    "description": "string",
    "photos": "int",
    "can_upload": "bool",
    "primary": "int",
    "farm": "int",
}
PHOTO_KINDS: dict[str, str] = {
    "id": "int",
    "album_id": "int",
    "title": "string",
    "description": "string",
    "tags": "list",
    "taken": "taken",
    "owner": "int",
    "ispublic": "bool",
    "isfriend": "bool",
    "isfamily": "bool",
    "isprimary": "bool",
}
INFO_KINDS: dict[str, str] = {
    "id": "int",
    "album_id": "int",
    "title": "string",
    "description": "string",
    "owner": "int",
    "owner_username": "string",
    "owner_realname": "string",
    "ispublic": "bool",
    "isfriend": "bool",
    "isfamily": "bool",
    "taken": "taken",
    "takengranularity": "int",
    "posted": "unix",
    "lastupdate": "unix",
    "license": "int",
    "rotation": "int",
    "originalformat": "string",
    "comments": "int",
    "tags": "list",
    "page_url": "string",
    "original_url": "string",
}


def photosets_frame(photosets: Iterable[etree._Element]) -> pd.DataFrame:
    """The photosets table from ``<photoset>`` elements (children of getList's ``<photosets>``)."""
    return photosets_frame_of_rows(photoset_row(el) for el in photosets)


def photosets_frame_of_rows(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """The photosets table from :func:`photoset_row` dicts."""
    return _frame(list(rows), PHOTOSET_KINDS)


def photoset_rows(page: etree._Element) -> list[dict[str, Any]]:
    """The rows of one getList page (``<photosets>``), read off so the page's tree can go."""
    return [photoset_row(el) for el in page.iterchildren("photoset")]


def photoset_row(el: etree._Element) -> dict[str, Any]:
    """One ``<photoset>``: its attributes, plus the text of its leaf children (title, description)."""
    row: dict[str, Any] = {str(k): v for k, v in el.attrib.items()}
    for child in el:
        if isinstance(child.tag, str) and not len(child):
            row[child.tag] = child.text or ""
    return row


def photos_frame(pages: Iterable[etree._Element], album_id: int | str | None = None) -> pd.DataFrame:
    """The photos table from listing pages (getPhotos' ``<photoset>`` or getNotInSet's ``<photos>``).

    ``album_id`` fills that column (the photoset the listing came from; <NA> otherwise); a
    listing does not say description, tags or taken: they are <NA>, None and NaT.
    Read column by column: each attribute of a page's photos comes out of lxml in one XPath
    call, so no Python dict is made per row.
    """
    return chunks_frame((page_chunk(page) for page in pages), album_id=album_id)


PageChunk = tuple[int, dict[str, Any]]
"""One page of a listing, read: its row count, and per attribute either a NumPy array (ids, flags
already converted) or the raw list of values."""


def page_chunk(page: etree._Element) -> PageChunk:
    """One page's photos, read and made compact at once, so the page's tree (and its text) can go.

    Ids become int64 and "0"/"1" flags bool arrays right here, in the thread that fetched the
    page: a 100,000-photo listing then never holds 100,000 id strings. Anything else (text,
    unusual values) stays raw and is converted with the whole column in :func:`chunks_frame`.
    """
    columns = page_columns(page)
    if not columns:
        return 0, {}
    n = len(next(iter(columns.values())))
    return n, {name: _compact(values, PHOTO_KINDS.get(name)) for name, values in columns.items()}


def _compact(values: list[Any], kind: str | None) -> Any:
    """``values`` as a NumPy array when they are plain ints or "0"/"1" flags; else the list unchanged."""
    if kind == "int":
        first = values[0]
        try:
            if isinstance(first, str) and values.count(first) == len(values):  # getPhotos' owner, on every row
                return np.full(len(values), int(first), dtype=np.int64)
            return np.array(values, dtype=np.int64)
        except (ValueError, TypeError, OverflowError):
            return values  # gaps or junk: column() decides
    if kind == "bool":
        try:
            text = "".join(values)
        except TypeError:  # a gap (None)
            return values
        if len(text) == len(values) and not text.strip("01"):
            return np.frombuffer(text.encode("ascii"), dtype=np.uint8) == ord("1")
    return values


def chunks_frame(chunks: Iterable[PageChunk | None], album_id: int | str | None = None) -> pd.DataFrame:
    """The photos table from the :func:`page_chunk` of each page (None or an empty chunk for an empty page)."""
    parts: dict[str, list[tuple[int, Any]]] = {}
    n = 0
    for chunk in chunks:
        if not chunk or not chunk[0]:
            continue
        size, columns = chunk
        for name, values in columns.items():
            parts.setdefault(name, []).append((n, values))
        n += size
    if not n:
        return empty_frame(PHOTO_KINDS)
    data = {name: _joined(pieces, n, PHOTO_KINDS.get(name)) for name, pieces in parts.items()}
    if album_id is not None:
        data["album_id"] = _album_column(album_id, n)
    try:
        return _listing_frame(data, PHOTO_KINDS, n)
    except BadValue as exc:
        if exc.field != "owner":
            raise
        return _listing_frame(data, {**PHOTO_KINDS, "owner": "string"}, n)  # non-numeric owner ids (Flickr's 123@N01)


def _listing_frame(data: dict[str, Any], kinds: dict[str, str], n: int) -> pd.DataFrame:
    """Like :func:`~.columns.build_frame`, but columns already typed by :func:`_joined` are taken as they are."""
    out = {name: _as_column(data.get(name), kind, n, name) for name, kind in kinds.items()}
    out.update({name: _as_column(values, "string", n, name) for name, values in data.items() if name not in kinds})
    return pd.DataFrame(out, index=pd.RangeIndex(n))


_READY = {"int": "Int64", "bool": "boolean"}


def _as_column(values: Any, kind: str, n: int, name: str) -> Any:
    """The column ``name`` as ``kind``; a value that does not parse raises BadValue naming the field."""
    if values is None:
        return missing_column(kind, n)
    if isinstance(values, pd.api.extensions.ExtensionArray):
        if _READY.get(kind) == str(values.dtype):
            return values
        values = [None if v is pd.NA else v for v in values]
    return column(values, kind, name)


def _joined(pieces: list[tuple[int, Any]], n: int, kind: str | None) -> Any:
    """One column from its per-page pieces (each at a row offset): a typed array when every page was
    compacted to the same kind, else one list of raw values (None where a page lacked the column)."""
    if len(pieces) > 1 or pieces[0][0] != 0 or len(pieces[0][1]) != n:
        covered = sum(len(values) for _, values in pieces) == n
    else:
        covered = True
    arrays = [values for _, values in pieces if isinstance(values, np.ndarray)]
    if covered and len(arrays) == len(pieces):
        joined = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
        if kind == "int" and joined.dtype == np.int64:
            return pd.arrays.IntegerArray(joined, np.zeros(n, dtype=bool))
        if kind == "bool" and joined.dtype == np.bool_:
            return pd.arrays.BooleanArray(joined, np.zeros(n, dtype=bool))
    out: list[Any] = [None] * n
    for start, values in pieces:
        out[start : start + len(values)] = values.tolist() if isinstance(values, np.ndarray) else values
    return out


def _album_column(album_id: int | str, n: int) -> Any:
    try:
        number = int(str(album_id).strip())
    except ValueError:
        return [str(album_id)] * n
    return pd.arrays.IntegerArray(np.full(n, number, dtype=np.int64), np.zeros(n, dtype=bool))


def page_columns(page: etree._Element) -> dict[str, list[Any]]:
    """The attributes of one page's ``<photo>`` elements as lists of equal length, one per attribute name."""
    n = _count(_COUNT_PHOTOS(page))
    first = page.find("photo")
    if not n or first is None:
        return {}
    names = [str(k) for k in first.keys()]  # noqa: SIM118 - an lxml element iterates its children, not its attributes
    out: dict[str, list[Any]] = {}
    for name in names:
        values = _fast_attribute(page, name)
        if values is None or len(values) != n:
            break
        out[name] = values
    else:
        if _count(_COUNT_ATTRIBUTES(page)) != n * len(names):
            out = {}  # some photo has a name the first lacks
    if len(out) != len(names) or not out:
        photos = page.findall("photo")
        every = dict.fromkeys(str(key) for el in photos for key in el.keys())  # noqa: SIM118 - attributes, not children
        out = {name: _attribute(page, photos, name) for name in every}
    owner = page.get("owner")
    if owner is not None and "owner" not in out:  # getPhotos names the owner once, on the set
        out["owner"] = [owner] * n
    return out


_COUNT_PHOTOS = etree.XPath("count(photo)")
_COUNT_ATTRIBUTES = etree.XPath("count(photo/@*)")
_XPATHS: dict[str, etree.XPath] = {}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _fast_attribute(page: etree._Element, name: str) -> list[Any] | None:
    """Attribute ``name`` of the page's photos that have it, in one XPath call (None for an odd name)."""
    if not _NAME.match(name):
        return None
    path = _XPATHS.get(name)
    if path is None:
        path = _XPATHS[name] = etree.XPath(f"photo/@{name}", smart_strings=False)
    found = path(page)
    return found if isinstance(found, list) else None


def _count(result: object) -> int:
    """An XPath ``count()`` result as an int."""
    return int(result) if isinstance(result, (int, float)) else 0


def _attribute(page: etree._Element, photos: list[etree._Element], name: str) -> list[Any]:
    """Attribute ``name`` of every photo (None where missing): one XPath call when all have it."""
    values = _fast_attribute(page, name)
    if values is not None and len(values) == len(photos):
        return values
    return [el.get(name) for el in photos]


def info_row(photo: etree._Element) -> dict[str, Any]:
    """One getInfo ``<photo>`` flattened to raw values (text, and a list of tags)."""
    row: dict[str, Any] = {key: photo.get(key) for key in ("id", "license", "rotation", "originalformat")}
    owner = photo.find("owner")
    if owner is not None:
        row["owner"] = owner.get("nsid")
        row["owner_username"] = owner.get("username")
        row["owner_realname"] = owner.get("realname")
    for tag in ("title", "description", "comments"):
        child = photo.find(tag)
        row[tag] = None if child is None else (child.text or "")
    for tag, names in (
        ("visibility", ("ispublic", "isfriend", "isfamily")),
        ("dates", ("posted", "taken", "takengranularity", "lastupdate")),
    ):
        child = photo.find(tag)
        if child is not None:
            row.update({name: child.get(name) for name in names})
    tags = photo.find("tags")
    # the tag as its owner typed it ("Old town"), not the service's normalised form ("oldtown")
    row["tags"] = [] if tags is None else [t.get("raw") or t.text or "" for t in tags.iterchildren("tag")]
    urls = {u.get("type") or "": (u.text or "").strip() for u in photo.iterfind("urls/url")}
    row["page_url"] = urls.get("photopage")
    row["original_url"] = urls.get("original")
    return row


def info_values(photo: etree._Element) -> dict[str, Any]:
    """One getInfo ``<photo>`` as typed Python values (int, bool, Timestamp, list; None when absent), without a
    DataFrame: the same values a row of :func:`infos_frame` holds, for callers that read one photo at a time."""
    row = info_row(photo)
    out: dict[str, Any] = {}
    for name, kind in INFO_KINDS.items():
        if name == "owner":
            continue
        out[name] = scalar(row.get(name), kind, name)
    owner = row.get("owner")
    try:
        out["owner"] = scalar(owner, "int", "owner")
    except BadValue:
        out["owner"] = str(owner)  # Flickr's 123@N01 form stays text
    return {name: out[name] for name in INFO_KINDS}


def infos_frame(photos: Iterable[etree._Element]) -> pd.DataFrame:
    """A table of getInfo replies, one row per ``<photo>``."""
    return _frame([info_row(p) for p in photos], INFO_KINDS)


def _frame(rows: list[dict[str, Any]], kinds: dict[str, str]) -> pd.DataFrame:
    if not rows:
        return empty_frame(kinds)
    names = list(kinds) + [k for k in dict.fromkeys(k for row in rows for k in row) if k not in kinds]
    return _typed({name: [row.get(name) for row in rows] for name in names}, kinds)


def _typed(columns: dict[str, list[Any]], kinds: dict[str, str]) -> pd.DataFrame:
    try:
        return build_frame(columns, kinds)
    except ValueError:
        if "owner" not in kinds:
            raise
        return build_frame(columns, {**kinds, "owner": "string"})  # non-numeric owner ids (Flickr's 123@N01)
