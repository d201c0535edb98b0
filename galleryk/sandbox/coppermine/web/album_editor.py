"""The sandbox's album editor, ``editpics.php?album=<aid>``, as 1.6.26 shows it to whoever may edit the album.

It is where an uploader sees their own pictures of an album, those awaiting approval included
(album pages and "Last additions" never show those to them). 1.6.26's rules, in its order: a guest,
or a user whose group may not upload, gets "You don't have permission to access this page."; an
album that does not exist "The selected album/file does not exist!" (critical); an album the user
may not edit (not theirs, not in their gallery, not a public album open to their uploads)
"You don't have permission to perform this operation.". Then the list, newest first (``ORDER BY
pid DESC``), paged by ``start`` and ``count``: every picture of an album of theirs; in a public
album open to uploads only their own, and only those uploaded in the last five form-token
lifetimes (5 hours) unless the admin lets users keep control of their files
(``users_can_edit_pics``); every picture for an admin. Nothing to show: the information box
"Album is empty". Each picture: its file's URL in ``<tt>``, ``pid[]``, ``title<pid>``,
``caption<pid>``, ``keywords<pid>`` (raw, joined by the separator), and for one awaiting approval
the red "Unapproved" under its thumbnail. The sandbox's editor saves nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.wrappers import Response

from .. import changes
from ..gallery import FIRST_USER_CAT, Gallery
from .browse import NO_SUCH_ALBUM, PageError, int_arg
from .pages import SEPARATOR_NAMES, file_url, h, link

if TYPE_CHECKING:
    from .app import Ctx

ALBUM_EMPTY = "Album is empty"
UNAPPROVED = "Unapproved"
DEFAULT_COUNT = 25
WINDOW_LIFETIMES = 5
"""A public album's uploader sees their uploads of the last ``form_token_lifetime`` x 5 seconds."""


def editpics(gallery: Gallery, ctx: Ctx, html: Callable[..., Response], form_token: Callable, base: str) -> Response:
    """``GET editpics.php?album=<aid>[&start=S&count=C]``; ``base`` is the gallery's URL (the file URLs are whole)."""
    actor, args = ctx.actor, ctx.request.args
    if ctx.request.method != "GET":
        raise PageError("The sandbox's album editor shows pictures; it saves nothing.", "Critical error", "error")
    if actor.user_id is None or not (actor.is_admin or actor.can_upload):
        raise PageError(changes.ACCESS_DENIED, "Error", "warning")
    aid = int_arg(args.get("album")) or 0
    start = max(0, int_arg(args.get("start")) or 0)
    count = max(1, int_arg(args.get("count")) or DEFAULT_COUNT)
    with gallery.store.read() as conn:
        album = conn.execute("SELECT * FROM cpg_albums WHERE aid = ?", (aid,)).fetchone()
        if album is None:
            raise PageError(NO_SUCH_ALBUM, "Critical error", "error")
        own = int(album["owner"]) == actor.user_id or int(album["category"]) == actor.personal_category
        public = (
            int(album["category"]) < FIRST_USER_CAT and bool(album["uploads"]) and gallery.can_see_album(actor, album)
        )
        if not (actor.is_admin or own or public):
            raise PageError(changes.PERM_DENIED, "Error", "warning")
        query, params = "SELECT * FROM cpg_pictures WHERE aid = ?", [aid]
        if public and not actor.is_admin and not own:
            query += " AND owner_id = ?"
            params.append(actor.user_id)
            if gallery.config("users_can_edit_pics") != "1":
                query += " AND ctime > ?"
                params.append(int(time.time()) - WINDOW_LIFETIMES * int(gallery.config("form_token_lifetime")))
        rows = conn.execute(query + " ORDER BY pid DESC LIMIT ? OFFSET ?", (*params, count, start)).fetchall()
    if not rows:
        raise PageError(ALBUM_EMPTY, "Information", "info")
    token, stamp = form_token(actor.user_id)
    body = _body(aid, rows, token, stamp, gallery.config("keyword_separator"), start, count, base)
    return html(ctx, "Edit files", body)


def _body(aid: int, rows, token: str, stamp: str, separator: str, start: int, count: int, base: str) -> str:
    label = f"Keywords (separate with {SEPARATOR_NAMES.get(separator, 'semicolon')})"
    action = link("editpics.php", album=aid, start=start, count=count)
    out = [f'<form method="post" name="editForm" id="cpgform" action="{action}">', '<table class="maintable">']
    for r in rows:
        pid = int(r["pid"])
        url = base.rstrip("/") + "/" + file_url(r["filepath"], r["filename"])
        thumb = file_url(r["filepath"], r["filename"], "thumb_")
        held = "" if r["approved"] else f'<br /><span style="color:red;background-color:white">{UNAPPROVED}</span>'
        out.append(
            f'<tr><td class="tableb" colspan="3">Filename: <tt>{h(url)}</tt></td></tr>\n'
            f'<tr><td class="tableb"><input type="hidden" name="pid[]" value="{pid}" /></td>'
            f'<td class="tableb"><img src="{thumb}" class="image" border="0" alt="" />{held}</td></tr>\n'
            f'<tr><td class="tableb">Title</td><td class="tableb">'
            f'<input type="text" name="title{pid}" value="{h(r["title"])}" class="textinput" /></td></tr>\n'
            f'<tr><td class="tableb">Description</td><td class="tableb">'
            f'<textarea name="caption{pid}" class="textinput">{h(r["caption"])}</textarea></td></tr>\n'
            f'<tr><td class="tableb">{h(label)}</td><td class="tableb">'
            f'<input type="text" name="keywords{pid}" value="{h(r["keywords"])}" class="textinput" /></td></tr>'
        )
    out.append(
        '<tr><td class="tablef" colspan="3"><button type="submit" class="button" name="go" value="Apply changes">'
        "Apply changes</button>"
        f'<input type="hidden" name="form_token" value="{h(token)}" />'
        f'<input type="hidden" name="timestamp" value="{h(stamp)}" /></td></tr></table></form>'
    )
    return "\n".join(out) + "\n"
