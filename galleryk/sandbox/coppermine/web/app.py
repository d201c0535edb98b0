"""The stock Coppermine 1.6 web side of the sandbox gallery: the pages real galleries serve today.

:class:`CpgWeb` routes each ``*.php`` page (and the files under ``albums/``) of the gallery
base. Each request first finds its session (:mod:`.cpg_web_session`), refuses banned
addresses, then runs the page. Pages that change things live here (login, logout, the
upload form, ``uniload.php``, ``db_input.php``, album creation via ``delete.php``); the
read-only pages are in :mod:`.cpg_web_browse`, all markup in :mod:`.cpg_web_pages`, the
upload checks in :mod:`.cpg_web_upload`, the pages that edit, delete and order pictures in
:mod:`.editing`.

Answers follow 1.6.26, word for word where a client reads them: ``cpg_die`` errors are pages
with status 200 (a banned address gets one on every page, ``uniload.php`` included);
``uniload.php`` refuses with status 430 and the message as the body; ``delete.php?what=albmgr``
answers JSON as ``text/plain``.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

from ... import upload_hooks
from ...settings import SandboxSettings
from ..gallery import FIRST_USER_CAT, Actor, Gallery, GalleryError, StoredPicture
from . import album_editor, pages, words
from .browse import Browse, PageError, int_arg
from .editing import Editing
from .session import SessionState, WebSessions
from .upload import ACCESS_DENIED, BAD_TOKEN, NO_ALBUMS, PERM_DENIED, UploadRefused, store_upload

LOGIN_FAILED = "Login failed. Try again."
BANNED = "You are currently banned from using this site."
ALREADY_IN = "You are already logged in."
NOT_LOGGED_IN = "You are not logged in."
UNKNOWN_ACTION = "This action is not supported."
_SAFE_REFERER = re.compile(r"^[A-Za-z0-9_]+\.php(\?[^\s<>\"'\\]*)?$")
_MAX_MESSAGES = 500


@dataclass
class Ctx:
    """One request to a page: the request, its session, who is asking, from where."""

    request: Request
    state: SessionState
    actor: Actor
    ip: str


class CpgWeb:
    """The stock 1.6 pages of one sandbox gallery."""

    def __init__(self, gallery: Gallery, settings: SandboxSettings, base_url: str) -> None:
        self.gallery = gallery
        self.settings = settings
        self.base_url = base_url.rstrip("/")
        site_url = self.base_url + "/"
        self.sessions = WebSessions(gallery.store, settings, site_url, urlsplit(site_url).path or "/", gallery.config)
        self.browse = Browse(gallery)
        self.editing = Editing(
            gallery,
            html=self._html,
            token_ok=self._token_ok,
            remember=self._remember,
            recall=self._recall,
            form_token=self.sessions.form_token,
        )
        self._messages: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._messages_lock = threading.Lock()
        self._routes = {
            "/": self._index,
            "/index.php": self._index,
            "/sidebar.php": self._sidebar,
            "/thumbnails.php": self._thumbnails,
            "/displayimage.php": self._displayimage,
            "/login.php": self._login,
            "/logout.php": self._logout,
            "/upload.php": self._upload_form,
            "/uniload.php": self._uniload,
            "/db_input.php": self._db_input,
            "/delete.php": self._delete,
            "/edit_one_pic.php": self.editing.edit_one_pic,
            "/picmgr.php": self.editing.picmgr,
            "/editpics.php": self._editpics,
        }

    def handle(self, request: Request, path: str) -> Response:
        """Answer one request for ``path`` under the gallery base (``/login.php``, ``/albums/...``)."""
        if path.startswith("/albums/"):
            state = self.sessions.resolve(request, create=False)
            return self.browse.file(request, self._actor(state), path[len("/albums/") :])
        route = self._routes.get(path)
        if route is None:
            return Response(pages.NOT_FOUND, status=404, content_type="text/html; charset=iso-8859-1")
        try:
            state = self.sessions.resolve(request)
            ctx = Ctx(request, state, self._actor(state), request.remote_addr or "")
            if self.sessions.banned(ctx.ip):
                response = self._refuse_banned(ctx, path)
            else:
                try:
                    response = route(ctx)
                except PageError as exc:
                    response = self._die(ctx, exc.message, exc.title, exc.kind)
            self.sessions.set_cookies(state, response)
            return response
        finally:
            for upload in request.files.values() if request.method == "POST" else ():
                upload.close()

    # -- helpers -------------------------------------------------------------------------------
    def _actor(self, state: SessionState) -> Actor:
        with self.gallery.store.read() as conn:
            if state.user_id is not None:
                try:
                    return self.gallery.actor(conn, state.user_id)
                except GalleryError:
                    pass
            return self.gallery.actor(conn, None)

    def _viewer(self, ctx: Ctx) -> pages.Viewer:
        if ctx.actor.user_id is None:
            return pages.Viewer(None)
        token, stamp = self.sessions.form_token(ctx.actor.user_id)
        return pages.Viewer(ctx.actor.name, token, stamp, ctx.actor.personal_category)

    def _html(self, ctx: Ctx, title: str, body: str, status: int = 200) -> Response:
        charset = self.settings.coppermine_charset
        text = words.translate(pages.page(title, body, self._viewer(ctx), charset), self.gallery.config("lang"))
        return Response(
            text.encode(charset, "xmlcharrefreplace"), status=status, content_type=f"text/html; charset={charset}"
        )

    def _die(self, ctx: Ctx, message: str, title: str = "Error", kind: str = "error") -> Response:
        return self._html(ctx, title, pages.die_body(title, message, kind))

    def _editpics(self, ctx: Ctx) -> Response:
        return album_editor.editpics(self.gallery, ctx, self._html, self.sessions.form_token, self.base_url)

    def _sep(self) -> str:
        return self.gallery.config("keyword_separator")

    def _redirect(self, location: str) -> Response:
        return Response("", status=302, headers={"Location": location}, content_type="text/html")

    def _token_ok(self, ctx: Ctx, values: dict) -> bool:
        return self.sessions.check_token(ctx.actor.user_id, values.get("form_token"), values.get("timestamp"))

    def _remember(self, text: str, kind: str) -> str:
        """Keep a message for the page a redirect leads to (1.6's ``message_id``)."""
        key = secrets.token_hex(16)
        with self._messages_lock:
            self._messages[key] = (text, kind)
            while len(self._messages) > _MAX_MESSAGES:
                self._messages.popitem(last=False)
        return key

    def _recall(self, key: str | None) -> tuple[str, str] | None:
        """The message a redirect left for this page, once."""
        with self._messages_lock:
            return self._messages.pop(key or "", None)

    def _refuse_banned(self, ctx: Ctx, path: str) -> Response:
        """1.6 answers every page of a banned address, uniload.php too, with a bare information box (status 200)."""
        return self._html(ctx, "Information", pages.info_box(BANNED))

    # -- browsing ----------------------------------------------------------------------------------
    def _index(self, ctx: Ctx) -> Response:
        args = ctx.request.args
        with self.gallery.store.read() as conn:
            cat = int_arg(args.get("cat"))
            title, nodes, chain = self.browse.index(conn, ctx.actor, cat)
            blocks = self.browse.front_blocks(conn, ctx.actor, self.gallery.config_int("thumbcols"), cat, title)
        message = self._recall(args.get("message_id"))
        text, kind = message if message is not None else (None, "info")
        return self._html(ctx, title, pages.index_body(title, nodes, text, kind, chain, blocks))

    def _sidebar(self, ctx: Ctx) -> Response:
        """1.6's ``sidebar.php``: a bare template with the tree, no menu, no login link, no messages."""
        with self.gallery.store.read() as conn:
            nodes = self.browse.tree(conn, ctx.actor)
        charset = self.settings.coppermine_charset
        text = pages.sidebar_page(nodes, charset)
        return Response(text.encode(charset, "xmlcharrefreplace"), content_type=f"text/html; charset={charset.upper()}")

    def _thumbnails(self, ctx: Ctx) -> Response:
        args = ctx.request.args
        with self.gallery.store.read() as conn:
            title, body = self.browse.thumbnails(
                conn,
                ctx.actor,
                args.get("album"),
                args.get("page"),
                self.gallery.config_int("thumbcols") * self.gallery.config_int("thumbrows"),
                args.get("cat"),
            )
        message = self._recall(args.get("message_id"))
        if message is not None:
            body = pages.message_box(*message) + body
        return self._html(ctx, title, body)

    def _displayimage(self, ctx: Ctx) -> Response:
        args = ctx.request.args
        with self.gallery.store.read() as conn:
            view = self.browse.picture_view(conn, ctx.actor, args.get("pid"))
        if args.get("fullsize"):
            charset = self.settings.coppermine_charset
            text = pages.fullsize_page(view, charset).encode(charset, "xmlcharrefreplace")
            return Response(text, content_type=f"text/html; charset={charset}")
        body = pages.displayimage_body(view, self._sep())
        message = self._recall(args.get("message_id"))
        if message is not None:
            body = pages.message_box(*message) + body
        return self._html(ctx, view.title or view.filename, body)

    # -- signing in and out ----------------------------------------------------------------------
    def _login(self, ctx: Ctx) -> Response:
        referer = ctx.request.args.get("referer", "index.php")
        if not _SAFE_REFERER.match(referer):
            referer = "index.php"
        if ctx.actor.user_id is not None:
            raise PageError(ALREADY_IN)
        if ctx.request.method == "GET" and ctx.state.set_data_cookie and "reload_once" not in ctx.request.args:
            # 1.6.26 reloads login.php once for a visitor without its data cookie
            return self._redirect(
                f"login.php?reload_once&message_id={secrets.token_hex(16)}&message_icon=info#cpgMessageBlock"
            )
        form = ctx.request.form
        if ctx.request.method != "POST" or not form.get("submitted"):
            return self._html(ctx, "Login", pages.login_body(referer))
        username, password = form.get("username", ""), form.get("password", "")
        actor = None
        if username and password:
            with self.gallery.store.read() as conn:
                actor = self.gallery.login(conn, username, password)
        if actor is None or actor.user_id is None:
            self.sessions.record_failure(ctx.ip)
            return self._html(ctx, "Login", pages.login_body(referer, LOGIN_FAILED))
        # Binds only a session the request came with: without one the login "works" yet changes nothing.
        self.sessions.bind(ctx.state, actor.user_id, bool(form.get("remember_me")))
        key = self._remember(f"Welcome {actor.name}!", "success")
        glue = "&" if "?" in referer else "?"
        return self._redirect(f"{referer}{glue}message_id={key}&message_icon=success#cpgMessageBlock")

    def _logout(self, ctx: Ctx) -> Response:
        if ctx.actor.user_id is None:
            raise PageError(NOT_LOGGED_IN)
        if not self._token_ok(ctx, ctx.request.args):
            raise PageError(BAD_TOKEN)
        name = ctx.actor.name
        self.sessions.unbind(ctx.state)
        key = self._remember(f"Goodbye {name}: you are logged out.", "info")
        return self._redirect(f"index.php?message_id={key}&message_icon=info#cpgMessageBlock")

    # -- uploading --------------------------------------------------------------------------------
    def _upload_form(self, ctx: Ctx) -> Response:
        actor = ctx.actor
        if not (actor.is_admin or actor.can_upload or actor.can_create_albums):
            raise PageError(PERM_DENIED)
        with self.gallery.store.read() as conn:
            albums = self.gallery.uploadable_albums(conn, actor)
            groups = self._album_groups(conn, actor, albums)
        if not albums:
            raise PageError(NO_ALBUMS)
        token, stamp = self.sessions.form_token(actor.user_id)
        return self._html(ctx, "Upload file", pages.upload_body(groups, token, stamp, self._sep()))

    def _album_groups(
        self, conn: sqlite3.Connection, actor: Actor, albums: list[sqlite3.Row]
    ) -> list[tuple[str | None, list[tuple[int, str]]]]:
        """The upload list's groups, as 1.6 labels them: "* Personal albums" around the user's own (labelled
        with their name padded by non-breaking spaces), then category names, then other users' names."""
        own: list[tuple[int, str]] = []
        public: OrderedDict[str | None, list[tuple[int, str]]] = OrderedDict()
        users: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()
        for a in albums:
            cat, item = int(a["category"]), (int(a["aid"]), a["title"])
            if cat == actor.personal_category:
                own.append(item)
            elif cat >= FIRST_USER_CAT:
                users.setdefault(self.gallery.category_name(conn, cat) or f"User {cat - FIRST_USER_CAT}", []).append(
                    item
                )
            else:
                label = self.gallery.category_name(conn, cat) if cat else None
                public.setdefault(label, []).append(item)
        groups: list[tuple[str | None, list[tuple[int, str]]]] = []
        if own:
            groups.append((pages.PERSONAL_GROUP + actor.name, own))
        groups.extend(public.items())
        groups.extend(users.items())
        return groups

    def _receive(self, ctx: Ctx, file_field: str) -> StoredPicture:
        form = ctx.request.form
        return store_upload(
            self.gallery,
            ctx.actor,
            token_ok=self._token_ok(ctx, form),
            album_field=form.get("album"),
            upload=ctx.request.files.get(file_field),
            title=form.get("title", ""),
            caption=form.get("caption", ""),
            keywords=form.get("keywords", ""),
        )

    def _uniload(self, ctx: Ctx) -> Response:
        if ctx.request.method == "POST":
            upload_hooks.reached()
        try:
            stored = self._receive(ctx, "Filedata")
        except UploadRefused as exc:
            return _refusal(words.translate(exc.message, self.gallery.config("lang")))
        key = secrets.token_hex(16)  # 1.6.26 names a message the page it leads to does not show
        if stored.approved:
            return self._redirect(
                f"displayimage.php?pid={stored.pid}&message_id={key}&message_icon=info#cpgMessageBlock"
            )
        return self._redirect(f"thumbnails.php?album={stored.aid}&message_id={key}&message_icon=info#cpgMessageBlock")

    def _db_input(self, ctx: Ctx) -> Response:
        if ctx.request.form.get("event") != "picture":
            raise PageError(UNKNOWN_ACTION, "Critical error")
        if ctx.request.method == "POST":
            upload_hooks.reached()
        try:
            stored = self._receive(ctx, "userpicture")
        except UploadRefused as exc:
            raise PageError(exc.message, "Warning", "warning") from None
        if stored.approved:
            return self._redirect(f"displayimage.php?pid={stored.pid}")
        text = "Your file was added; it will be shown after an administrator approves it."
        return self._html(
            ctx,
            "Information",
            pages.message_box(text, "info")
            + f'<p><a href="{pages.link("thumbnails.php", album=stored.aid)}">Continue</a></p>',
        )

    # -- album manager -------------------------------------------------------------------------------
    def _delete(self, ctx: Ctx) -> Response:
        """``delete.php?what=albmgr&op=add``: 1.6's album manager call, answered as JSON in ``text/plain``
        (``what=picture`` and ``what=picmgr`` are :class:`.Editing`'s).

        Who may not manage albums gets an HTML error page; a bad form token or a missing name a
        JSON failure; anyone who may create albums may name any category (1.6 checks nothing more).
        """
        args = ctx.request.values
        if args.get("what") == "picture":
            return self.editing.delete_picture(ctx)
        if args.get("what") == "picmgr":
            return self.editing.save_picture_order(ctx)
        if args.get("what") != "albmgr":
            raise PageError(UNKNOWN_ACTION, "Critical error")
        actor = ctx.actor
        if actor.user_id is None or not (actor.is_admin or actor.can_create_albums):
            raise PageError(ACCESS_DENIED)
        if args.get("op") != "add":
            return _json_error(UNKNOWN_ACTION)
        if not self._token_ok(ctx, args):
            return _json_error(BAD_TOKEN)
        name = args.get("name", "")
        try:
            with self.gallery.store.write() as conn:
                aid = self.gallery.create_album(
                    conn, actor, int_arg(args.get("cat")) or 0, name, int_arg(args.get("position"))
                )
        except GalleryError as exc:
            return _json_error(exc.message)
        return _json({"message": "true", "newAid": aid, "album_name": html.escape(name.strip(), quote=True)})


def _refusal(message: str) -> Response:
    """``uniload.php``'s failure: status 430 with the message (quoted) as reason and as body."""
    reason = message.encode("ascii", "replace").decode().replace('"', "'")
    return Response(message, status=f'430 "{reason}"', content_type="text/html; charset=utf-8")


def _json(data: dict, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="text/plain;charset=UTF-8")


def _json_error(message: str) -> Response:
    return _json({"message": "false", "title": "Error", "description": message})
