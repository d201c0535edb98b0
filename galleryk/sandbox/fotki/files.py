"""The Fotki side's web pages and files: originals, thumbnails, photo and photoset pages.

An extension of the sandbox (the real API documents only the ``photopage`` URL): getInfo
also names ``{base}/files/<id>_o.<ext>`` (the original, byte for byte) and
``{base}/files/<id>_t.jpg`` (a thumbnail, at most 100 pixels a side, made on first request).
A private photo's files and page are served only when the query carries
``auth_token=<a valid token of the owner>``; anyone else gets 404, as if it did not exist.
"""

from __future__ import annotations

import html
import mimetypes
import os
import re
import tempfile
from pathlib import Path

from PIL import Image, ImageOps
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from ..store import Store
from .db import get_photo, get_photoset, photoset_photos, token_info

THUMB_SIZE = 100
_FILE = re.compile(r"^/files/(\d+)_([ot])\.(\w+)$")
_PHOTO_PAGE = re.compile(r"^/photos/([^/]+)/(\d+)/?$")
_SET_PAGE = re.compile(r"^/photos/([^/]+)/sets/(\d+)/?$")


def photo_page_url(base: str, username: str, photo_id: int) -> str:
    return f"{base}/photos/{username}/{photo_id}/"


def photoset_url(base: str, username: str, set_id: int) -> str:
    return f"{base}/photos/{username}/sets/{set_id}/"


def original_url(base: str, photo_id: int, fmt: str) -> str:
    return f"{base}/files/{photo_id}_o.{fmt}"


def thumbnail_url(base: str, photo_id: int) -> str:
    return f"{base}/files/{photo_id}_t.jpg"


class FotkiFiles:
    """Serves files and pages under ``{base}/files/`` and ``{base}/photos/``."""

    def __init__(self, store: Store, files_dir: Path, base_url: str) -> None:
        self.store = store
        self.files_dir = files_dir
        self.base_url = base_url

    def handles(self, path: str) -> bool:
        return path.startswith("/files/") or path.startswith("/photos/")

    def handle(self, request: Request, path: str) -> Response:
        if m := _FILE.match(path):
            return self._file(request, int(m.group(1)), m.group(2), m.group(3))
        if m := _PHOTO_PAGE.match(path):
            return self._photo_page(request, int(m.group(2)))
        if m := _SET_PAGE.match(path):
            return self._set_page(request, int(m.group(2)))
        return _not_found()

    def _viewer(self, request: Request) -> int | None:
        token = request.args.get("auth_token", "")
        if not token:
            return None
        with self.store.read() as conn:
            row = token_info(conn, token)
        return None if row is None else int(row["user_id"])

    def _file(self, request: Request, photo_id: int, kind: str, ext: str) -> Response:
        with self.store.read() as conn:
            photo = get_photo(conn, photo_id, self._viewer(request))
        if photo is None:
            return _not_found()
        original = self.files_dir / photo["filename"]
        if kind == "o":
            if ext != photo["originalformat"]:
                return _not_found()
            mimetype = mimetypes.guess_type(f"x.{ext}")[0] or "application/octet-stream"
            return send_file(original, request.environ, mimetype=mimetype, max_age=0)
        if ext != "jpg":
            return _not_found()
        thumb = original.with_name(f"{photo_id}_t.jpg")
        if not thumb.exists():
            _make_thumbnail(original, thumb)
        return send_file(thumb, request.environ, mimetype="image/jpeg", max_age=0)

    def _photo_page(self, request: Request, photo_id: int) -> Response:
        with self.store.read() as conn:
            photo = get_photo(conn, photo_id, self._viewer(request))
        if photo is None:
            return _not_found()
        token = request.args.get("auth_token", "")
        suffix = f"?auth_token={token}" if token else ""
        body = (
            f"<h1 id='title'>{html.escape(photo['title'])}</h1>"
            f"<p>by <span id='owner'>{html.escape(photo['username'])}</span></p>"
            f"<p id='description'>{html.escape(photo['description'])}</p>"
            f"<p><a id='original' href='{original_url(self.base_url, photo_id, photo['originalformat'])}{suffix}'>"
            f"<img src='{thumbnail_url(self.base_url, photo_id)}{suffix}' alt='thumbnail'></a></p>"
        )
        return _page(photo["title"], body)

    def _set_page(self, request: Request, set_id: int) -> Response:
        viewer = self._viewer(request)
        with self.store.read() as conn:
            photoset = get_photoset(conn, set_id)
            if photoset is None:
                return _not_found()
            _, photos = photoset_photos(conn, set_id, viewer, 0, -1)
        items = "".join(
            f"<li><a href='{photo_page_url(self.base_url, photoset['username'], p['id'])}'>"
            f"{html.escape(p['title'])}</a></li>"
            for p in photos
        )
        body = f"<h1 id='title'>{html.escape(photoset['title'])}</h1><ul id='photos'>{items}</ul>"
        return _page(photoset["title"], body)


def _make_thumbnail(original: Path, thumb: Path) -> None:
    """Write a small JPEG next to the original, atomically (two requests may race to make it)."""
    with Image.open(original) as image:
        small = ImageOps.exif_transpose(image).convert("RGB")
        small.thumbnail((THUMB_SIZE, THUMB_SIZE))
    fd, tmp = tempfile.mkstemp(dir=thumb.parent, prefix=".thumb-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            small.save(out, "JPEG", quality=80)
        os.replace(tmp, thumb)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _page(title: str, body: str) -> Response:
    text = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} - Fotki sandbox</title>"
        f"</head><body>{body}</body></html>"
    )
    return Response(text, content_type="text/html; charset=utf-8")


def _not_found() -> Response:
    return Response("Not found", status=404, content_type="text/plain; charset=utf-8")
