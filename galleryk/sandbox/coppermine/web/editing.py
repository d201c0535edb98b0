"""The sandbox's pages that change pictures: ``edit_one_pic.php``, ``delete.php?what=picture``, ``picmgr.php`` and
``delete.php?what=picmgr``, answered as 1.6.26 answers them.

Each page checks what 1.6.26 checks, in its order, and draws refusals as its ``cpg_die`` boxes
("Error" for a refusal, "Critical error" for a missing picture or bad data). The rules themselves
are in :mod:`..changes`; the markup in :mod:`.edit_pages`. The picture manager's save, like
1.6.26's, applies the posted ``sort_order`` before it checks the form token, then answers with a
redirect back to the manager, whose page shows what moved.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from .. import changes
from ..gallery import FIRST_USER_CAT, Actor, Gallery
from . import edit_pages
from .browse import PageError, int_arg
from .upload import BAD_TOKEN

if TYPE_CHECKING:
    from .app import Ctx


class Editing:
    """The pages of one gallery that edit, delete and order pictures.

    ``html(ctx, title, body)`` draws a page in the gallery's frame; ``token_ok(ctx, values)`` checks
    a form token; ``remember(text, kind)`` keeps a message for the page a redirect leads to and
    ``recall(key)`` gives it back once; ``form_token(user_id)`` makes a fresh token.
    """

    def __init__(
        self,
        gallery: Gallery,
        *,
        html: Callable[..., Response],
        token_ok: Callable[[Ctx, Any], bool],
        remember: Callable[[str, str], str],
        recall: Callable[[str | None], tuple[str, str] | None],
        form_token: Callable[[int | None], tuple[str, str]],
    ) -> None:
        self.gallery = gallery
        self._html = html
        self._token_ok = token_ok
        self._remember = remember
        self._recall = recall
        self._form_token = form_token

    # -- edit_one_pic.php ----------------------------------------------------------------------
    def edit_one_pic(self, ctx: Ctx) -> Response:
        """The edit form of one picture; a POST with ``apply_changes`` stores it first."""
        req, actor = ctx.request, ctx.actor
        form = req.form if req.method == "POST" else {}
        shown = int_arg(req.args.get("id")) if "id" in req.args else int_arg(form.get("id"))
        saved = "apply_changes" in form
        if saved:
            if not self._token_ok(ctx, form):
                raise PageError(BAD_TOKEN, "Error", "warning")
            edit = changes.PictureEdit(
                aid=form.get("aid"),
                title=form.get("title"),
                caption=form.get("caption"),
                keywords=form.get("keywords"),
                filename=form.get("filename"),
                approved=form.get("approved"),
            )
            try:
                with self.gallery.store.write() as conn:
                    late = changes.edit_picture(self.gallery, conn, actor, int_arg(form.get("id")), edit)
            except changes.Refused as exc:
                raise _die(exc) from None
            if late is not None:
                raise _die(late)
        with self.gallery.store.read() as conn:
            found = changes.picture_with_album(conn, shown)
            if found is None and actor.is_admin:
                return Response(edit_pages.PHP_FATAL, content_type="text/html; charset=utf-8")
            if found is None or not changes.may_edit(self.gallery, actor, *found):
                raise PageError(changes.ACCESS_DENIED, "Error", "warning")
            picture, album = found
            albums = self._choices(conn, actor, uploads_too=True)
        view = edit_pages.EditView(
            pid=int(picture["pid"]),
            aid=int(picture["aid"]),
            filepath=picture["filepath"],
            filename=picture["filename"],
            title=picture["title"],
            caption=picture["caption"],
            keywords=picture["keywords"],
            width=int(picture["pwidth"]),
            height=int(picture["pheight"]),
            filesize=int(picture["filesize"]),
            approved=bool(picture["approved"]),
            public=int(album["category"]) < FIRST_USER_CAT,
        )
        token, stamp = self._form_token(actor.user_id)
        separator = self.gallery.config("keyword_separator")
        body = edit_pages.edit_form_body(view, albums, token, stamp, separator, actor.is_admin, saved)
        return self._html(ctx, "Edit file", body)

    # -- delete.php?what=picture ----------------------------------------------------------------
    def delete_picture(self, ctx: Ctx) -> Response:
        """The picture page's delete link: the token first, then the picture, then the report."""
        values = ctx.request.values
        if not self._token_ok(ctx, values):
            raise PageError(BAD_TOKEN, "Error", "warning")
        pid = int_arg(values.get("id"))
        try:
            with self.gallery.store.write() as conn:
                row = conn.execute("SELECT filename FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone()
                aid, removed = changes.delete_picture(self.gallery, conn, ctx.actor, pid)
        except changes.Refused as exc:
            raise _die(exc) from None
        return self._html(ctx, "Delete file", edit_pages.deleted_body(row["filename"], aid, removed))

    # -- picmgr.php and delete.php?what=picmgr -------------------------------------------------------
    def picmgr(self, ctx: Ctx) -> Response:
        """The picture manager of one album (any album: 1.6.26 lists whichever ``aid`` it is given)."""
        actor = ctx.actor
        if not changes.may_manage_albums(actor):
            raise PageError(changes.ACCESS_DENIED, "Error", "warning")
        aid = int_arg(ctx.request.args.get("aid")) or 0
        with self.gallery.store.read() as conn:
            rows = [(int(r["pid"]), r["title"], r["filepath"], r["filename"]) for r in changes.positions(conn, aid)]
            albums = self._choices(conn, actor, uploads_too=False)
        token, stamp = self._form_token(actor.user_id)
        body = edit_pages.picmgr_body(aid, rows, albums, token, stamp)
        message = self._recall(ctx.request.args.get("message_id"))
        if message is not None:
            body = edit_pages.moved_box(message[0].split("\n")) + body
        return self._html(ctx, "Picture Manager", body)

    def save_picture_order(self, ctx: Ctx) -> Response:
        """``delete.php?what=picmgr``: ``sort_order`` at once, then (with a good token) ``picture_order``."""
        actor, form = ctx.actor, ctx.request.form
        if not changes.may_manage_albums(actor):
            raise PageError(changes.ACCESS_DENIED, "Error", "warning")
        try:
            with self.gallery.store.write() as conn:
                changes.apply_sort_order(conn, form.get("sort_order"))
            aid = int_arg(form.get("album_id")) or 0
            said: list[str] = []
            if "picture_order" in form:
                if not self._token_ok(ctx, form):
                    raise PageError(BAD_TOKEN, "Error", "warning")
                with self.gallery.store.write() as conn:
                    said = changes.apply_picture_order(conn, aid, form.get("picture_order", ""))
        except changes.Refused as exc:
            raise _die(exc) from None
        key = self._remember("\n".join(said), "info")
        location = f"picmgr.php?aid={aid}&message_id={key}&message_icon=info#cpgMessageBlock"
        return Response("", status=302, headers={"Location": location}, content_type="text/html")

    # -- helpers --------------------------------------------------------------------------------
    def _choices(self, conn: sqlite3.Connection, actor: Actor, uploads_too: bool) -> list[tuple[int, str, str]]:
        """An album list's (aid, title, group): personal albums under their user's name, others under their category."""
        out = []
        for a in changes.album_choices(conn, actor, uploads_too):
            cat = int(a["category"])
            group = self.gallery.category_name(conn, cat) if cat else None
            out.append((int(a["aid"]), a["title"], group or "Albums with no category"))
        return sorted(out, key=lambda item: item[2])


def _die(exc: changes.Refused) -> PageError:
    if exc.critical:
        return PageError(exc.message, "Critical error", "error")
    return PageError(exc.message, "Error", "warning")
