"""The Fotki API methods at ``{base}/v2flkr/<method>``: one function per documented method.

Method names are accepted with underscores (``flickr_photosets_getList``, the doc's form)
or dots (``flickr.photosets.getList``); ``{base}/v2flkr/`` with a ``method`` parameter works
too. Choices where the doc is silent, following Flickr:

- paging uses ``page`` (from 1) and ``per_page`` (getNotInSet 100, getPhotos 500, getList
  all up to the limit); a bad or missing value falls back to the default, a per_page over
  ``settings.fotki_max_per_page`` is cut to it, and a page past the end comes back empty
  with the true ``pages`` and ``total``; ``pages`` is 0 when there is nothing;
- getNotInSet lists newest first; getPhotos in set order (a set's primary first);
  getList oldest set first;
- ``photosets_create`` takes ``btitle`` (the doc) or ``title``; ``editMeta`` without a
  ``description`` keeps the old one;
- addPhoto, create and delete/editMeta work only on the caller's own photos and sets; someone
  else's photoset or photo answers "not found", like a missing one;
- ``getInfo`` reports ``taken`` as "YYYY-MM-DD HH:MM:SS" (Flickr's form; the Fotki doc shows
  "20090625 15:22:19", and clients parse both) and always includes ``permissions``;
  ``editability`` reflects the viewer (owner 1/1, other signed-in user 1/0, anonymous 0/0);
  ``urls`` has the ``photopage`` plus this sandbox's ``original`` and ``thumbnail`` file URLs
  (see :mod:`galleryk.sandbox.fotki.files`);
- uploads take ``is_public``/``is_friend``/``is_family`` (default public); tags are split
  on spaces and commas with "double quotes" around multi-word tags; ``taken`` comes from
  EXIF DateTimeOriginal, else the upload time (UTC); ``rotation`` from EXIF orientation;
- no undocumented method is answered (112, "Method not found"), unless
  ``settings.fotki_flickr_photo_calls`` asks for Flickr's setMeta, setTags and delete
  (:mod:`.flickr_extras`).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from werkzeug.wrappers import Request, Response

from .. import upload_hooks
from ..settings import SandboxSettings
from ..store import Store
from ..users import get_user
from . import db, flickr_extras
from .call import FotkiError, check_app, check_token, format_of, params_of
from .files import original_url, photo_page_url, photoset_url, thumbnail_url
from .paging import IdIndex
from .reply import Node, Rows, fail, ok
from .upload import UploadError, inspect, parse_tags, receive, upload_time_taken


@dataclass
class Call:
    """One API call after the common checks: its parameters, caller and request."""

    params: dict[str, str]
    user: sqlite3.Row | None
    """The token row (user_id, username, fullname, perms) or None for an anonymous caller."""
    request: Request

    @property
    def user_id(self) -> int | None:
        return None if self.user is None else int(self.user["user_id"])

    @property
    def owner_id(self) -> int:
        """The signed-in caller's user id (methods that need a token are checked for one before they run)."""
        if self.user is None:
            raise FotkiError(99, "Insufficient permissions: this method needs a signed-in user")
        return int(self.user["user_id"])


@dataclass(frozen=True)
class Method:
    run: Callable[[FotkiApi, Call], Node | None]
    needs: str | None
    """The permission the method needs: None, "read", "write" or "delete"."""


def canonical_method(name: str) -> str:
    """``flickr_photos_getInfo`` -> ``flickr.photos.getInfo`` (documented names hold no other underscore)."""
    return name.replace("_", ".")


class FotkiApi:
    """Runs API calls against the store."""

    def __init__(self, store: Store, settings: SandboxSettings, base_url: str, files_dir: Path) -> None:
        self.store = store
        self.settings = settings
        self.base_url = base_url
        self.files_dir = files_dir
        self.pages = IdIndex()
        """The order of recently walked listings, so each page costs O(page size)."""

    def handle(self, request: Request, path: str) -> Response:
        params = params_of(request)
        fmt = format_of(params)
        given = path.strip("/") or params.get("method", "")
        name = canonical_method(given)
        if name == "upload" and request.method == "POST":
            upload_hooks.reached()
        try:
            with self.store.read() as conn:
                app = check_app(conn, params, exclude=("photo",) if name == "upload" else ())
                method = METHODS.get(name)
                if method is None and self.settings.fotki_flickr_photo_calls:
                    method = FLICKR_EXTRAS.get(name)
                if method is None:
                    raise FotkiError(112, f'Method "{given}" not found')
                user = check_token(conn, params, app["api_key"], method.needs)
            return ok(method.run(self, Call(params, user, request)), fmt)
        except FotkiError as exc:
            return fail(exc.code, exc.message, fmt)

    # -- helpers shared by methods ------------------------------------------------------------
    def paging(self, params: dict[str, str], default: int) -> tuple[int, int]:
        """(page, per_page) clamped like Flickr: bad values -> defaults, per_page at most the limit."""
        limit = max(1, int(self.settings.fotki_max_per_page))
        page = _int(params.get("page"))
        per_page = _int(params.get("per_page"))
        page = page if page is not None and page >= 1 else 1
        per_page = per_page if per_page is not None and per_page >= 1 else default
        return page, min(per_page, limit)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _required_id(params: dict[str, str], name: str, code: int, what: str) -> int:
    """An id parameter; a missing or malformed one fails with the method's not-found ``code``."""
    value = params.get(name, "").strip()
    if not value:
        raise FotkiError(code, f"{what} not found: missing parameter {name}")
    number = _int(value)
    if number is None or number < 1:
        raise FotkiError(code, f"{what} not found: {name} must be a number")
    return number


def _page_attrs(page: int, per_page: int, total: int) -> dict[str, object]:
    return {"page": page, "pages": (total + per_page - 1) // per_page, "perpage": per_page, "total": total}


def _flag(params: dict[str, str], name: str, default: bool) -> bool:
    value = params.get(name, "").strip()
    return default if value == "" else value not in ("0", "false", "no")


# -- methods ----------------------------------------------------------------------------------
def get_info(api: FotkiApi, call: Call) -> Node:
    photo_id = _required_id(call.params, "photo_id", 1, "Photo")
    with api.store.read() as conn:
        photo = db.get_photo(conn, photo_id, call.user_id)
        if photo is None:
            raise FotkiError(1, "Photo not found")
        tags = db.photo_tags(conn, photo_id)
    is_owner = call.user_id == photo["owner_id"]
    signed_in = call.user_id is not None
    node = Node(
        "photo",
        {
            "id": photo["id"],
            "license": photo["license"],
            "rotation": photo["rotation"],
            "originalformat": photo["originalformat"],
        },
    )
    node.add(
        Node(
            "owner",
            {"nsid": photo["owner_id"], "username": photo["username"], "realname": photo["fullname"], "location": ""},
        )
    )
    node.add(Node("title", text=photo["title"]))
    node.add(Node("description", text=photo["description"]))
    node.add(
        Node(
            "visibility", {"ispublic": photo["ispublic"], "isfriend": photo["isfriend"], "isfamily": photo["isfamily"]}
        )
    )
    node.add(
        Node(
            "dates",
            {
                "posted": photo["posted"],
                "taken": photo["taken"],
                "takengranularity": 0,
                "lastupdate": photo["lastupdate"],
            },
        )
    )
    node.add(Node("permissions", {"permcomment": 3, "permaddmeta": 2}))
    node.add(Node("editability", {"cancomment": int(signed_in), "canaddmeta": int(is_owner)}))
    node.add(Node("comments", text="0"))
    tag_list = node.add(Node("tags", lists=("tag",)))
    for tag in tags:
        tag_list.add(Node("tag", {"id": tag["id"], "author": tag["author_id"], "raw": tag["raw"]}, text=tag["tag"]))
    urls = node.add(Node("urls", lists=("url",)))
    urls.add(Node("url", {"type": "photopage"}, text=photo_page_url(api.base_url, photo["username"], photo_id)))
    urls.add(Node("url", {"type": "original"}, text=original_url(api.base_url, photo_id, photo["originalformat"])))
    urls.add(Node("url", {"type": "thumbnail"}, text=thumbnail_url(api.base_url, photo_id)))
    return node


def get_not_in_set(api: FotkiApi, call: Call) -> Node:
    page, per_page = api.paging(call.params, 100)
    with api.store.read() as conn:
        total, rows = db.photos_not_in_set(conn, call.owner_id, (page - 1) * per_page, per_page, api.pages)
    node = Node("photos", _page_attrs(page, per_page, total), lists=("photo",))
    node.children = (
        [
            Rows(
                "photo",
                ("id", "owner", "title", "ispublic", "isfriend", "isfamily"),
                [(r["id"], r["owner_id"], r["title"], r["ispublic"], r["isfriend"], r["isfamily"]) for r in rows],
                frozenset({"title"}),
            )
        ]
        if rows
        else []
    )
    return node


def _own_photoset(conn: sqlite3.Connection, call: Call) -> sqlite3.Row:
    set_id = _required_id(call.params, "photoset_id", 1, "Photoset")
    photoset = db.get_photoset(conn, set_id)
    if photoset is None or photoset["owner_id"] != call.user_id:
        raise FotkiError(1, "Photoset not found")
    return photoset


def _own_photo(conn: sqlite3.Connection, call: Call, name: str) -> sqlite3.Row:
    photo_id = _required_id(call.params, name, 2, "Photo")
    photo = db.get_photo(conn, photo_id, call.user_id)
    if photo is None or photo["owner_id"] != call.user_id:
        raise FotkiError(2, "Photo not found")
    return photo


def add_photo(api: FotkiApi, call: Call) -> None:
    with api.store.write() as conn:
        photoset = _own_photoset(conn, call)
        photo = _own_photo(conn, call, "photo_id")
        if db.in_photoset(conn, photoset["id"], photo["id"]):
            raise FotkiError(3, "Photo already in set")
        db.add_to_photoset(conn, photoset["id"], photo["id"])
    return None


def create(api: FotkiApi, call: Call) -> Node:
    title = (call.params.get("btitle") or call.params.get("title") or "").strip()
    if not title:
        raise FotkiError(1, "No title specified: missing parameter btitle (or title)")
    with api.store.write() as conn:
        photo = _own_photo(conn, call, "primary_photo_id")
        set_id = db.create_photoset(conn, call.owner_id, title, call.params.get("description", ""), photo["id"])
    username = call.user["username"] if call.user is not None else ""
    return Node("photoset", {"id": set_id, "url": photoset_url(api.base_url, username, set_id)})


def delete(api: FotkiApi, call: Call) -> None:
    with api.store.write() as conn:
        db.delete_photoset(conn, _own_photoset(conn, call)["id"])
    return None


def edit_meta(api: FotkiApi, call: Call) -> None:
    with api.store.write() as conn:
        photoset = _own_photoset(conn, call)
        title = call.params.get("title", "").strip()
        if not title:
            raise FotkiError(2, "No title specified: missing parameter title")
        db.edit_photoset(conn, photoset["id"], title, call.params.get("description"))
    return None


def get_list(api: FotkiApi, call: Call) -> Node:
    page, per_page = api.paging(call.params, api.settings.fotki_max_per_page)
    with api.store.read() as conn:
        given = call.params.get("user_id", "").strip()
        if given:
            number = _int(given)
            owner = get_user(conn, user_id=number) if number is not None else None
        elif call.user_id is not None:
            owner = get_user(conn, user_id=call.user_id)
        else:
            raise FotkiError(1, "User not found: missing parameter user_id (and no auth_token)")
        if owner is None:
            raise FotkiError(1, "User not found")
        total, rows = db.list_photosets(conn, owner["id"], call.user_id, (page - 1) * per_page, per_page)
    attrs = {"cancreate": int(call.user_id == owner["id"]), **_page_attrs(page, per_page, total)}
    node = Node("photosets", attrs, lists=("photoset",))
    for r in rows:
        item = node.add(
            Node("photoset", {"id": r["id"], "primary": r["primary_photo_id"], "photos": r["photos"], "farm": 1})
        )
        item.add(Node("title", text=r["title"]))
        item.add(Node("description", text=r["description"]))
    return node


def get_photos(api: FotkiApi, call: Call) -> Node:
    set_id = _required_id(call.params, "photoset_id", 1, "Photoset")
    page, per_page = api.paging(call.params, 500)
    with api.store.read() as conn:
        photoset = db.get_photoset(conn, set_id)
        if photoset is None:
            raise FotkiError(1, "Photoset not found")
        total, rows = db.photoset_photos(conn, set_id, call.user_id, (page - 1) * per_page, per_page, api.pages)
    primary = photoset["primary_photo_id"]
    attrs = {
        "id": set_id,
        "primary": primary,
        "owner": photoset["owner_id"],
        "ownername": photoset["username"],
        **_page_attrs(page, per_page, total),
    }
    node = Node("photoset", attrs, lists=("photo",))
    node.children = (
        [
            Rows(
                "photo",
                ("id", "title", "isprimary", "ispublic", "isfriend", "isfamily"),
                [
                    (r["id"], r["title"], int(r["id"] == primary), r["ispublic"], r["isfriend"], r["isfamily"])
                    for r in rows
                ],
                frozenset({"title"}),
            )
        ]
        if rows
        else []
    )
    return node


def upload(api: FotkiApi, call: Call) -> Node:
    file = call.request.files.get("photo") if call.request.method == "POST" else None
    if file is None:
        raise FotkiError(2, "No photo specified: send the file as multipart field photo")
    try:
        photo_id = save_photo(
            api.store,
            api.files_dir,
            api.settings.fotki_max_upload_bytes,
            file.stream,  # type: ignore[arg-type]  # werkzeug's spooled file is a binary stream
            owner_id=call.owner_id,
            title=call.params.get("title", ""),
            description=call.params.get("description", ""),
            tags=parse_tags(call.params.get("tags", "")),
            ispublic=_flag(call.params, "is_public", True),
            isfriend=_flag(call.params, "is_friend", False),
            isfamily=_flag(call.params, "is_family", False),
        )
    except UploadError as exc:
        raise FotkiError(exc.code, exc.message) from None
    finally:
        file.close()
    return Node("photoid", text=str(photo_id))


def save_photo(
    store: Store,
    files_dir: Path,
    max_bytes: int,
    stream: BinaryIO,
    *,
    owner_id: int,
    title: str,
    description: str,
    tags: list[str],
    ispublic: bool = True,
    isfriend: bool = False,
    isfamily: bool = False,
) -> int:
    """Store an uploaded file and its record in one step; the new photo id (or the one a ``wrong_id`` fault
    names instead, see :mod:`~galleryk.sandbox.upload_hooks`). Raises UploadError."""
    try:
        tmp, size = receive(stream, files_dir / str(owner_id), max_bytes)
    except OSError as exc:
        raise UploadError(3, f"General upload failure ({type(exc).__name__})") from None
    final: Path | None = None
    try:
        facts = inspect(tmp)
        record = db.NewPhoto(
            owner_id=owner_id,
            title=title,
            description=description,
            ispublic=ispublic,
            isfriend=isfriend,
            isfamily=isfamily,
            rotation=facts.rotation,
            originalformat=facts.originalformat,
            width=facts.width,
            height=facts.height,
            filesize=size,
            taken=facts.taken or upload_time_taken(time.time()),
            tags=tags,
        )
        lie = upload_hooks.planned_lie()
        if lie is not None and lie.unstored:
            with store.read() as conn:
                other = db.other_photo_id(conn, owner_id, None)
            if lie.tell(other, stored_id=None) and other is not None:
                return other
        with store.write() as conn:
            photo_id = db.next_photo_id(conn)
            relative = f"{owner_id}/{photo_id}_o.{facts.originalformat}"
            final = files_dir / relative
            os.replace(tmp, final)
            db.insert_photo(conn, photo_id, record, relative)
        upload_hooks.stored(photo_id)
        if lie is not None and not lie.unstored:
            with store.read() as conn:
                other = db.other_photo_id(conn, owner_id, photo_id)
            if lie.tell(other, stored_id=photo_id) and other is not None:
                return other
        return photo_id
    except (OSError, sqlite3.Error) as exc:
        if final is not None:
            final.unlink(missing_ok=True)
        raise UploadError(3, f"General upload failure ({type(exc).__name__})") from None
    finally:
        tmp.unlink(missing_ok=True)


METHODS: dict[str, Method] = {
    "flickr.photos.getInfo": Method(get_info, None),
    "flickr.photos.getNotInSet": Method(get_not_in_set, "read"),
    "flickr.photosets.addPhoto": Method(add_photo, "write"),
    "flickr.photosets.create": Method(create, "write"),
    "flickr.photosets.delete": Method(delete, "write"),
    "flickr.photosets.editMeta": Method(edit_meta, "write"),
    "flickr.photosets.getList": Method(get_list, None),
    "flickr.photosets.getPhotos": Method(get_photos, None),
    "upload": Method(upload, "write"),
}
FLICKR_EXTRAS: dict[str, Method] = {
    "flickr.photos.setMeta": Method(flickr_extras.set_meta, "write"),
    "flickr.photos.setTags": Method(flickr_extras.set_tags, "write"),
    "flickr.photos.delete": Method(flickr_extras.delete, "delete"),
}
"""Flickr's calls beyond Fotki's documentation, answered only with ``settings.fotki_flickr_photo_calls``."""
