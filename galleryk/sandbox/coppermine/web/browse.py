"""Browsing the sandbox's stock Coppermine 1.6 pages: the tree, album pages, picture pages and stored files.

Every answer asks the gallery model what the viewer may see; nothing here decides a rule.
Pages return ``(title, body)`` for the frame in :mod:`.cpg_web_pages`, or raise
:class:`PageError`, which the router draws as a ``cpg_die`` page (status 200, as PHP does).
Album pages and the newest-first meta album (``thumbnails.php?album=lastup``, for one album
with ``cat=-<aid>``, a category with ``cat=<cid>``, or the whole gallery) page as 1.6.26's SQL
does: a page just past the last is empty, one further fails with a database error box.
Files under ``albums/`` are served from the gallery's folder only, with the content type
their bytes have, and unapproved pictures only to their owner or an administrator.
"""

from __future__ import annotations

import math
import mimetypes
import random
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from ..gallery import FIRST_USER_CAT, USER_GAL_CAT, Actor, Gallery
from . import pages

NO_SUCH_ALBUM = "The selected album/file does not exist!"
NO_SUCH_CATEGORY = "The selected category does not exist"
DB_ERROR = "There was an error while processing a database query"
RECENT = "lastup"
RECENT_TITLE = "Last additions"
USER_GALLERIES = "User galleries"
_VARIANTS = ("thumb_", "normal_")
_SNIFF = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


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

    def front_blocks(
        self, conn: sqlite3.Connection, actor: Actor, cols: int, cat: int | None = None, name: str = "", rows: int = 2
    ) -> str:
        """An index page's blocks, as 1.6.26's default ``main_page_layout`` (``random,2/lastup,2``) has them:
        ``rows`` rows of random pictures, then of the newest ones, from the albums the viewer may see (in the
        category ``cat`` named ``name`` and those below it, as the meta album ``lastup`` scopes them)."""
        g = self.gallery
        count = max(1, cols) * rows
        aids = [
            int(a["aid"]) for a in g.visible_albums(conn, actor) if not cat or _in_scope(conn, int(a["category"]), cat)
        ]
        recent = g.recent_order(conn, aids)
        shuffled = random.sample(recent, min(count, len(recent)))
        suffix = f" - {name}" if cat else ""
        return pages.thumb_block(
            f"Random files{suffix}", [_thumb(r) for r in g.pictures_by_pid(conn, shuffled)], {}, cols
        ) + pages.thumb_block(
            f"{RECENT_TITLE}{suffix}",
            [_thumb(r) for r in g.pictures_by_pid(conn, recent[:count])],
            {"album": RECENT, "cat": cat or 0},
            cols,
            dated=True,
        )

    def category_chain(self, conn: sqlite3.Connection, cid: int) -> list[tuple[int, str]]:
        """The categories from the top down to ``cid`` (a user's gallery sits under "User galleries")."""
        g = self.gallery
        if cid >= FIRST_USER_CAT:
            home = g.category_name(conn, USER_GAL_CAT) or USER_GALLERIES
            return [(USER_GAL_CAT, home), (cid, g.category_name(conn, cid) or f"User {cid - FIRST_USER_CAT}")]
        chain: list[tuple[int, str]] = []
        seen: set[int] = set()
        while cid and cid not in seen:
            seen.add(cid)
            row = conn.execute("SELECT cid, name, parent FROM cpg_categories WHERE cid = ?", (cid,)).fetchone()
            if row is None:
                if cid == USER_GAL_CAT:  # 1.6 always has it
                    chain.insert(0, (USER_GAL_CAT, USER_GALLERIES))
                break
            chain.insert(0, (int(row["cid"]), row["name"]))
            cid = int(row["parent"])
        return chain

    # -- album and picture pages -------------------------------------------------------------------
    def thumbnails(
        self,
        conn: sqlite3.Connection,
        actor: Actor,
        album: str | None,
        page: str | None,
        per_page: int = 12,
        cat: str | None = None,
    ) -> tuple[str, str]:
        """``thumbnails.php?album=N&page=P`` (or the meta album ``lastup``): (title, body); ``per_page`` is the
        gallery's thumbcols x thumbrows."""
        if album == RECENT:
            return self.recent(conn, actor, cat, page, per_page)
        aid = int_arg(album)
        row = self.gallery.album(conn, aid) if aid is not None else None
        if row is None or aid is None:
            raise PageError(NO_SUCH_ALBUM, "Error", "warning")
        chain = self.category_chain(conn, int(row["category"]))
        crumbs = pages.breadcrumb(chain, (aid, row["title"]))
        if not self.gallery.can_see_album(actor, row):
            # 1.6.26 draws the album page of an album you may not see, with none of its pictures
            return row["title"], pages.thumbnails_body(row["title"], [], 1, 0, 0, crumbs, {"album": aid})
        order = self.gallery.album_order(conn, actor, aid)
        page_no, rows = self._page(conn, order, page, per_page)
        thumbs = [_thumb(r) for r in rows]
        pages_count = math.ceil(len(order) / max(1, per_page))
        return row["title"], pages.thumbnails_body(
            row["title"], thumbs, page_no, pages_count, len(order), crumbs, {"album": aid}
        )

    def recent(
        self, conn: sqlite3.Connection, actor: Actor, cat: str | None, page: str | None, per_page: int = 12
    ) -> tuple[str, str]:
        """``thumbnails.php?album=lastup[&cat=C]``: the newest approved pictures first, of one album (``cat=-<aid>``),
        one category and those below it (``cat=<cid>``; 1: every user gallery) or the whole gallery."""
        g = self.gallery
        cid = int_arg(cat)
        visible = {int(a["aid"]): a for a in g.visible_albums(conn, actor)}
        heading, crumbs = RECENT_TITLE, ""
        query: dict[str, object] = {"album": RECENT}
        if cid is not None and cid < 0:
            row = g.album(conn, -cid)
            if row is not None:  # 1.6.26 names and links the album, whether or not you may see it
                heading = f"{RECENT_TITLE} - {row['title']}"
                crumbs = pages.breadcrumb(self.category_chain(conn, int(row["category"])), (-cid, row["title"]))
            else:
                crumbs = pages.breadcrumb([])
            aids = [-cid] if -cid in visible else []
        elif cid:
            chain = self.category_chain(conn, cid)
            if not chain and cid < FIRST_USER_CAT:
                raise PageError(NO_SUCH_CATEGORY, "Critical error")
            heading, crumbs = f"{RECENT_TITLE} - {chain[-1][1] if chain else cid}", pages.breadcrumb(chain)
            aids = [aid for aid, a in visible.items() if _in_scope(conn, int(a["category"]), cid)]
        else:
            aids = list(visible)
        if cid is not None:
            query["cat"] = cid
        order = g.recent_order(conn, aids)
        page_no, rows = self._page(conn, order, page, per_page)
        pages_count = math.ceil(len(order) / max(1, per_page))
        body = pages.thumbnails_body(
            heading, [_thumb(r) for r in rows], page_no, pages_count, len(order), crumbs, query
        )
        return RECENT_TITLE, body

    def _page(
        self, conn: sqlite3.Connection, order: list[int], page: str | None, per_page: int
    ) -> tuple[int, list[sqlite3.Row]]:
        """(page number, rows) of one page of ``order``, as 1.6.26's LIMIT gives it: a page past the end is empty
        when it starts right after the last picture, and a database error further on."""
        per = max(1, int(per_page))
        page_no = max(1, int_arg(page) or 1)
        offset = (page_no - 1) * per
        if offset > len(order):
            raise PageError(DB_ERROR, "Critical error")
        return page_no, self.gallery.pictures_by_pid(conn, order[offset : offset + per])

    def picture_view(self, conn: sqlite3.Connection, actor: Actor, pid_arg: str | None) -> pages.PictureView:
        """What ``displayimage.php`` shows for a pid: that picture, or (1.6.26) another one in its place."""
        pid = int_arg(pid_arg)
        if pid is None:
            raise PageError(NO_SUCH_ALBUM, "Error", "warning")
        r = self.gallery.picture_in_place(conn, actor, pid)
        if r is None:
            raise PageError(NO_SUCH_ALBUM, "Error", "warning")
        album = self.gallery.album(conn, int(r["aid"]))
        return pages.PictureView(
            pid=int(r["pid"]),
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
        candidates = [name] + [name[len(v) :] for v in _VARIANTS if name.startswith(v)]
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
            if not self.gallery.file_visible(conn, actor, int(row["pid"])):
                return _plain(pages.FORBIDDEN, 403)
        return send_file(target, request.environ, mimetype=_content_type(target), max_age=0)


def _thumb(r: sqlite3.Row) -> pages.Thumb:
    return pages.Thumb(
        int(r["pid"]),
        int(r["aid"]),
        r["filepath"],
        r["filename"],
        r["title"],
        r["caption"],
        int(r["filesize"]),
        int(r["pwidth"]),
        int(r["pheight"]),
        bool(r["approved"]),
        float(r["ctime"] or 0),
    )


def _in_scope(conn: sqlite3.Connection, category: int, cid: int) -> bool:
    """Whether an album in ``category`` is in the scope of ``cat=<cid>`` of the meta albums (1.6's
    ``get_meta_album_set``): 1 is every user gallery, a user's gallery itself, else ``cid`` and the categories
    below it."""
    if cid == USER_GAL_CAT:
        return category > FIRST_USER_CAT
    if cid > FIRST_USER_CAT:
        return category == cid
    seen: set[int] = set()
    while category and category not in seen and category < FIRST_USER_CAT:
        if category == cid:
            return True
        seen.add(category)
        row = conn.execute("SELECT parent FROM cpg_categories WHERE cid = ?", (category,)).fetchone()
        category = int(row["parent"]) if row is not None else 0
    return False


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
