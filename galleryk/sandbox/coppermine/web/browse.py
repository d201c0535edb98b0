"""Browsing the sandbox's stock Coppermine 1.6 pages: the tree, album pages, picture pages and stored files.

Every answer asks the gallery model what the viewer may see; nothing here decides a rule.
Pages return ``(title, body)`` for the frame in :mod:`.cpg_web_pages`, or raise
:class:`PageError`, which the router draws as a ``cpg_die`` page (status 200, as PHP does).
Files under ``albums/`` are served from the gallery's folder only, with the content type
their bytes have, and unapproved pictures only to their owner or an administrator.
"""

from __future__ import annotations

import math
import mimetypes
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from . import pages
from ..gallery import FIRST_USER_CAT, USER_GAL_CAT, Actor, Gallery, GalleryError

NO_SUCH_ALBUM = "The selected album/file does not exist!"
NO_SUCH_CATEGORY = "The selected category does not exist"
_VARIANTS = ("thumb_", "normal_")
_SNIFF = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


class PageError(Exception):
    """A ``cpg_die``: the page shows ``message`` under ``title``."""

    def __init__(self, message: str, title: str = "Error", kind: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.title = title
        self.kind = kind


def int_arg(value: str | None) -> int | None:
    """A query value as an int, or None when absent or not a number."""
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


class Browse:
    """The read-only pages of one gallery."""

    def __init__(self, gallery: Gallery) -> None:
        self.gallery = gallery

    # -- the tree ------------------------------------------------------------------------------
    def tree(self, conn: sqlite3.Connection, actor: Actor) -> list[pages.TreeNode]:
        """Categories with the albums the actor may see; user galleries (10000 + uid) under category 1."""
        g = self.gallery
        albums: dict[int, list[pages.TreeNode]] = defaultdict(list)
        for a in g.visible_albums(conn, actor):
            albums[int(a["category"])].append(pages.TreeNode("album", int(a["aid"]), a["title"]))
        cats = g.categories(conn)
        nodes = {int(c["cid"]): pages.TreeNode("cat", int(c["cid"]), c["name"]) for c in cats}
        top: list[pages.TreeNode] = []
        for c in cats:
            parent = nodes.get(int(c["parent"]))
            (parent.children if parent is not None else top).append(nodes[int(c["cid"])])
        user_home = nodes.get(USER_GAL_CAT)
        for cid in sorted(k for k in albums if k >= FIRST_USER_CAT):
            node = pages.TreeNode("cat", cid, g.category_name(conn, cid) or f"User {cid - FIRST_USER_CAT}", albums[cid])
            (user_home.children if user_home is not None else top).append(node)
        for cid, node in nodes.items():
            node.children.extend(albums.get(cid, []))
        top.extend(albums.get(0, []))
        return top

    def index(
        self, conn: sqlite3.Connection, actor: Actor, cat: int | None
    ) -> tuple[str, list[pages.TreeNode], list[tuple[int, str]]]:
        """The title, the items and the breadcrumb chain of ``index.php`` (the top, or one category)."""
        top = self.tree(conn, actor)
        if cat is None or cat == 0:
            return pages.GALLERY_NAME, top, []
        path = _path(top, cat)
        if path is None and cat >= FIRST_USER_CAT:
            return pages.GALLERY_NAME, [], []  # 1.6.26: the (empty) gallery of a user it does not know
        if path is None:
            raise PageError(NO_SUCH_CATEGORY, "Critical error")
        return path[-1].name, path[-1].children, [(n.id, n.name) for n in path]

    def album_chain(self, conn: sqlite3.Connection, actor: Actor, aid: int) -> list[tuple[int, str]]:
        """The categories above an album, outermost first (its breadcrumb)."""
        def search(nodes: list[pages.TreeNode], above: list[tuple[int, str]]) -> list[tuple[int, str]] | None:
            for node in nodes:
                if node.kind == "album" and node.id == aid:
                    return above
                if node.kind == "cat":
                    found = search(node.children, [*above, (node.id, node.name)])
                    if found is not None:
                        return found
            return None

        return search(self.tree(conn, actor), []) or []

    # -- album and picture pages -------------------------------------------------------------------
    def thumbnails(
        self, conn: sqlite3.Connection, actor: Actor, album: str | None, page: str | None, per_page: int = 12
    ) -> tuple[str, str]:
        """``thumbnails.php?album=N&page=P``: (title, body); ``per_page`` is the gallery's thumbcols x thumbrows."""
        aid = int_arg(album)
        row = self.gallery.album(conn, aid) if aid is not None else None
        if row is None:
            raise PageError(NO_SUCH_ALBUM, "Error", "warning")
        if not self.gallery.can_see_album(actor, row):
            # 1.6.26 draws the album page of an album you may not see, with none of its pictures
            return row["title"], pages.thumbnails_body(row["title"], aid, [], 1, 0, 0, [])
        per = max(1, int(per_page))
        total, _ = self.gallery.album_pictures(conn, actor, aid, 0, 0)
        pages_count = math.ceil(total / per)
        page_no = min(max(1, int_arg(page) or 1), max(1, pages_count))
        _, rows = self.gallery.album_pictures(conn, actor, aid, (page_no - 1) * per, per)
        thumbs = [
            pages.Thumb(
                int(r["pid"]), aid, r["filepath"], r["filename"], r["title"], r["caption"],
                int(r["filesize"]), int(r["pwidth"]), int(r["pheight"]), bool(r["approved"]),
            )
            for r in rows
        ]
        chain = self.album_chain(conn, actor, aid)
        return row["title"], pages.thumbnails_body(row["title"], aid, thumbs, page_no, pages_count, total, chain)

    def picture_view(self, conn: sqlite3.Connection, actor: Actor, pid_arg: str | None) -> pages.PictureView:
        """What ``displayimage.php`` shows of one picture the actor may see."""
        pid = int_arg(pid_arg)
        if pid is None:
            raise PageError(NO_SUCH_ALBUM, "Error", "warning")
        try:
            r = self.gallery.picture(conn, actor, pid)
        except GalleryError:
            raise PageError(NO_SUCH_ALBUM, "Error", "warning") from None
        album = self.gallery.album(conn, int(r["aid"]))
        return pages.PictureView(
            pid=pid,
            aid=int(r["aid"]),
            album_title=album["title"] if album is not None else "",
            filepath=r["filepath"],
            filename=r["filename"],
            title=r["title"],
            caption=r["caption"],
            keywords=r["keywords"],
            filesize=int(r["filesize"]),
            width=int(r["pwidth"]),
            height=int(r["pheight"]),
            date_added=time.strftime("%b %d, %Y", time.localtime(int(r["ctime"]))),
            has_normal=self.gallery.file_path(r, "normal_").is_file(),
            approved=bool(r["approved"]),
        )

    # -- stored files --------------------------------------------------------------------------
    def file(self, request: Request, actor: Actor, relative: str) -> Response:
        """A file under ``albums/``: only a stored picture (or its variants) the actor may see."""
        root = self.gallery.albums_dir.resolve()
        parts = [p for p in relative.split("/") if p]
        if not parts or any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
            return _plain(pages.FORBIDDEN, 403)
        target = root.joinpath(*parts).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return _plain(pages.NOT_FOUND, 404)
        filepath = "/".join(parts[:-1]) + "/"
        name = parts[-1]
        candidates = [name] + [name[len(v):] for v in _VARIANTS if name.startswith(v)]
        with self.gallery.store.read() as conn:
            row = None
            for candidate in candidates:
                row = conn.execute(
                    "SELECT pid FROM cpg_pictures WHERE filepath = ? AND filename = ?", (filepath, candidate)
                ).fetchone()
                if row is not None:
                    break
            if row is None:
                return _plain(pages.NOT_FOUND, 404)
            try:
                self.gallery.picture(conn, actor, int(row["pid"]))
            except GalleryError:
                return _plain(pages.FORBIDDEN, 403)
        return send_file(target, request.environ, mimetype=_content_type(target), max_age=0)


def _path(nodes: list[pages.TreeNode], cid: int) -> list[pages.TreeNode] | None:
    """The categories from the top down to ``cid``, or None when the viewer has no such category."""
    for node in nodes:
        if node.kind != "cat":
            continue
        if node.id == cid:
            return [node]
        found = _path(node.children, cid)
        if found is not None:
            return [node, *found]
    return None


def _content_type(path: Path) -> str:
    """The type the file's bytes say (variants are JPEG whatever their name), else the name's."""
    with path.open("rb") as fh:
        head = fh.read(8)
    for magic, kind in _SNIFF:
        if head.startswith(magic):
            return kind
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _plain(html: str, status: int) -> Response:
    return Response(html, status=status, content_type="text/html; charset=iso-8859-1")
