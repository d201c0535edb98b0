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

import pandas as pd
from lxml import etree

from .columns import build_frame, empty_frame, parse_taken

PHOTOSET_KINDS: dict[str, str] = {
    "id": "int",
    "title": "string",
    "description": "string",
    "photos": "int",
    "primary": "int",
    "farm": "int",
}
PHOTO_KINDS: dict[str, str] = {
    "id": "int",
    "title": "string",
    "owner": "int",
    "ispublic": "bool",
    "isfriend": "bool",
    "isfamily": "bool",
    "isprimary": "bool",
    "photoset": "int",
}
INFO_KINDS: dict[str, str] = {
    "id": "int",
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
    "url": "string",
    "original_url": "string",
}


def photosets_frame(photosets: Iterable[etree._Element]) -> pd.DataFrame:
    """The photosets table from ``<photoset>`` elements (children of getList's ``<photosets>``)."""
    rows = []
    for el in photosets:
        row = dict(el.attrib)
        for child in el:
            if isinstance(child.tag, str) and not len(child):
                row[child.tag] = child.text or ""
        rows.append(row)
    return _frame(rows, PHOTOSET_KINDS)


def photos_frame(pages: Iterable[etree._Element], photoset: int | str | None = None) -> pd.DataFrame:
    """The photos table from listing pages (getPhotos' ``<photoset>`` or getNotInSet's ``<photos>``).

    ``photoset`` fills the column of that name (the set the listing came from; <NA> otherwise).
    Read column by column: each attribute of a page's photos comes out of lxml in one XPath
    call, so no Python dict is made per row.
    """
    return columns_frame((page_columns(page) for page in pages), photoset=photoset)


def columns_frame(pages: Iterable[dict[str, list[Any]] | None], photoset: int | str | None = None) -> pd.DataFrame:
    """The photos table from the :func:`page_columns` of each page (None for an empty page)."""
    columns: dict[str, list[Any]] = {}
    n = 0
    for page in pages:
        if not page:
            continue
        size = len(next(iter(page.values())))
        for name, values in page.items():
            columns.setdefault(name, [None] * n).extend(values)
        n += size
        for values in columns.values():
            if len(values) < n:  # a column this page lacks
                values.extend([None] * (n - len(values)))
    if not n:
        return empty_frame(PHOTO_KINDS)
    if photoset is not None:
        columns["photoset"] = [str(photoset)] * n
    return _typed(columns, PHOTO_KINDS)


def page_columns(page: etree._Element) -> dict[str, list[Any]]:
    """The attributes of one page's ``<photo>`` elements as lists of equal length, one per attribute name."""
    photos = page.findall("photo")
    if not photos:
        return {}
    out = {name: _attribute(page, photos, name) for name in photos[0].keys()}
    present = sum(len(v) - v.count(None) for v in out.values())
    if present != int(_COUNT_ATTRIBUTES(page)):  # some photo has a name the first lacks: gather every name
        names = dict.fromkeys(key for el in photos for key in el.keys())
        out = {name: _attribute(page, photos, name) for name in names}
    owner = page.get("owner")
    if owner is not None and "owner" not in out:  # getPhotos names the owner once, on the set
        out["owner"] = [owner] * len(photos)
    return out


_COUNT_ATTRIBUTES = etree.XPath("count(photo/@*)")
_XPATHS: dict[str, etree.XPath] = {}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _attribute(page: etree._Element, photos: list[etree._Element], name: str) -> list[Any]:
    """Attribute ``name`` of every photo (None where missing): one XPath call when all have it."""
    if _NAME.match(name):
        path = _XPATHS.get(name)
        if path is None:
            path = _XPATHS[name] = etree.XPath(f"photo/@{name}", smart_strings=False)
        values = path(page)
        if len(values) == len(photos):
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
    for tag, names in (("visibility", ("ispublic", "isfriend", "isfamily")),
                       ("dates", ("posted", "taken", "takengranularity", "lastupdate"))):
        child = photo.find(tag)
        if child is not None:
            row.update({name: child.get(name) for name in names})
    tags = photo.find("tags")
    row["tags"] = [] if tags is None else [t.text or t.get("raw") or "" for t in tags.iterchildren("tag")]
    urls = {u.get("type") or "": (u.text or "").strip() for u in photo.iterfind("urls/url")}
    row["url"] = urls.get("photopage")
    row["original_url"] = urls.get("original")
    return row


def info_values(photo: etree._Element) -> dict[str, Any]:
    """One getInfo ``<photo>`` as typed Python values (int, bool, Timestamp, list; None when absent), without a
    DataFrame: the same values a row of :func:`infos_frame` holds, for callers that read one photo at a time."""
    row = info_row(photo)
    out: dict[str, Any] = {}
    for name, kind in INFO_KINDS.items():
        out[name] = _value(row.get(name), kind)
    owner = row.get("owner")
    if owner not in (None, "") and out["owner"] is None:
        out["owner"] = str(owner)  # Flickr's 123@N01 form stays text
    return out


_TRUE_TEXT = frozenset({"1", "true", "yes", "on", "y", "t"})


def _value(value: Any, kind: str) -> Any:
    if kind == "list":
        return list(value or [])
    if value is None:
        return None
    if kind == "string":
        return str(value)
    text = str(value).strip()
    if kind == "int":
        try:
            return int(text) if text else None
        except ValueError:
            return None
    if kind == "bool":
        return text.lower() in _TRUE_TEXT if text else None
    if kind == "unix":
        try:
            seconds = int(float(text)) if text else 0
        except ValueError:
            return None
        return pd.Timestamp(seconds, unit="s", tz="UTC") if seconds else None
    if kind == "taken":
        taken = parse_taken(text)
        return None if taken is pd.NaT else taken
    return value


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
