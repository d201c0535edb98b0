"""The cpgAPI add-on of the sandbox Coppermine gallery (``<gallery>/api/``), as strict and quirky as 1.4's.

The add-on was one PHP script that read ``$_POST`` and dispatched on its ``function`` field.
This module plays that script: it reads the posted form the way PHP fills ``$_POST`` and
``$_FILES``, checks what PHP and the script check themselves, and leaves every rule of the
gallery (rights, albums, sizes, pixels, quotas, approval, file names) to
:class:`~galleryk.sandbox.coppermine.gallery.Gallery`, passing its :class:`GalleryError` codes through.

Requests and replies:

- Only a POST body counts (``multipart/form-data`` or urlencoded). A GET, a query string or
  any other body is an empty ``$_POST``: ``function`` is missing, error 100. The function is
  looked up before the credentials are checked, so an unknown one is always 100 (clients use
  that to probe for the add-on).
- Every call carries ``username`` and ``password``; both empty mean the guest. Wrong ones:
  18 ("invalid login details"). A guest when the Anonymous group is gone: 21.
- Every reply is status 200, ``text/xml`` in the gallery's charset, starting with
  ``<?xml version="1.0" encoding="<charset>" ?>``. With ``iso-8859-1``, characters that
  charset cannot hold are written as numeric character references (``&#1046;``), which is
  what a PHP gallery in that charset stores and prints. Incoming text fields are read in the
  gallery's charset too (as PHP keeps the bytes), unless a part declares its own.
- Failure, any call: ``<cpg><status>fail</status><error>N</error><verbose>text</verbose></cpg>``.
  The verbose text is escaped (it is our own message; the real one was a fixed English text).

``cpgAPI.upload`` (fields ``aid``, ``file``, ``title``, ``description``, ``keywords``) answers
``<uploader><status>ok</status><pid>N</pid></uploader>``. Checked here, in this order: 18/21
credentials, 1 ``aid`` not posted, 2 ``file`` not posted, 10 ``file`` posted as a plain field
(not an uploaded file), 6 PHP upload error (a part cut off before its end, or larger than
``coppermine_php_upload_max_bytes``: PHP stops keeping the data), 3 empty file name, 4 ``aid``
not a positive integer, 7 the temporary file cannot be written. Then the model: 5 extension,
8 empty, 9 too large (bytes, or pixels when ``coppermine_oversize`` is ``refuse``), 20 group
may not upload, 19 unknown album or not allowed, 22 quota, 17 "Error in inserting or resizing
image" for a file that is not an image (the real add-on never answers 13), 11 user folder,
12 moving the file. Anything else that goes wrong while storing is 17 ("error inserting or
resizing"). Codes 14, 15 and 16 cannot happen: they are GD / ImageMagick set-up errors and
the sandbox always has Pillow, which reads every allowed type. The file part is written
straight to a temporary file while the body is read, never held in memory, and removed
after the call.

``cpgAPI.catList`` (fields ``cat``, ``username``, ``password``; ``cat`` is ignored, as in the
known server code) answers ``<cpg>`` holding one ``<cat>`` with id 0 named "Parent"; every
``<cat>`` has ``<id>``, ``<name>``, its ``<album>`` children (``<id>``, ``<name>``) and then its
sub-categories (``<cat>``). Category 1 "User galleries" holds the personal categories (``10000 + uid``,
named after the user: all users for an admin, one's own for a user, none for the guest).
Albums the caller may not see are left out, and so is every category with no visible album
below it (so a reply never lists an empty category); when nothing is left: error 23.
Choices where the known code is silent: the success reply has no ``<status>`` element (a
client must not require one), and albums in a category that no longer exists are left out.

QUIRK, reproduced on purpose: album and category names are written into the XML unescaped,
as real servers did, so the seeded "Harbour & Beach" and "Europe & Asia" make every catList
reply that shows them malformed XML. Clients must parse with recovery. Control characters in
a name go out as they are too (the add-on printed the stored bytes); everything the sandbox
writes itself (the ``verbose`` text, ids) is escaped and XML-safe.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from werkzeug.datastructures import Headers
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData
from werkzeug.wrappers import Request, Response

from .. import upload_hooks
from ..settings import SandboxSettings
from ..xmltext import xml_safe
from .gallery import FIRST_USER_CAT, USER_GAL_CAT, Actor, Gallery, GalleryError

log = logging.getLogger("galleryk.sandbox")

_CHUNK = 64 * 1024
_FIELD_LIMIT = 1024 * 1024
"""Largest plain (non-file) field or urlencoded body read; above it the post counts as over PHP's post_max_size."""
_MAX_PARTS = 1000

_POST_TOO_LARGE = (
    "<br />\n<b>Warning</b>:  POST Content-Length of {n} bytes exceeds the limit of {limit} bytes"
    " in <b>Unknown</b> on line <b>0</b><br />\n"
)


NOT_AN_IMAGE = 13
NOT_AN_IMAGE_TEXT = "Error in inserting or resizing image"
"""What the real add-on answers a file that is not an image: 17, in these words (checked on 1.4.27's ``api/``)."""


class _Fail(Exception):
    """A request-level refusal with its cpgAPI code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _FilePart:
    """One file part of the post, as PHP's ``$_FILES`` entry: name, kept data and upload error."""

    filename: str
    path: Path | None = None
    size: int = 0
    error: str | None = None  # "partial" (cut off) or "ini_size" (over upload_max_filesize)


@dataclass
class _Post:
    """What PHP would put in ``$_POST`` and ``$_FILES`` (the last part of a name wins)."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, _FilePart] = field(default_factory=dict)
    too_large: bool = False

    def discard(self) -> None:
        """Remove every temporary file of this post."""
        for part in self.files.values():
            if part.path is not None:
                part.path.unlink(missing_ok=True)


class CpgApi:
    """The ``api/`` script: dispatches on ``function`` to upload and catList."""

    def __init__(self, gallery: Gallery, settings: SandboxSettings) -> None:
        self.gallery = gallery
        self.settings = settings

    def handle(self, request: Request) -> Response:
        """Answer one request to ``api/`` with the add-on's XML."""
        post = _read_post(request, self.settings)
        try:
            junk = ""
            if post.too_large:
                junk = _POST_TOO_LARGE.format(n=request.content_length or 0, limit=_FIELD_LIMIT)
            functions = {"cpgAPI.upload": self._upload, "cpgAPI.catList": self._cat_list}
            call = functions.get(post.fields.get("function", ""))
            try:
                if call is None:
                    raise _Fail(100, "Invalid function name passed")
                body = call(post)
            except (_Fail, GalleryError) as exc:
                body = _failure(exc.code, exc.message)
            return self._reply(junk + self._declaration() + body)
        finally:
            post.discard()

    # -- the functions ---------------------------------------------------------------
    def _upload(self, post: _Post) -> str:
        """cpgAPI.upload: check the request, store the picture through the gallery, answer its pid."""
        upload_hooks.reached()
        actor = self._login(post)
        fields = post.fields
        if "aid" not in fields:
            raise _Fail(1, "No album id was posted (field aid)")
        part = post.files.get("file")
        if part is None:
            if "file" in fields:
                raise _Fail(10, "The file was not sent as an HTTP POST upload (field file is not a file part)")
            raise _Fail(2, "No file was posted (field file)")
        if part.error == "partial":
            raise _Fail(6, "PHP upload error: the file was only partially uploaded")
        if part.error == "ini_size":
            limit = self.settings.coppermine_php_upload_max_bytes
            raise _Fail(6, f"PHP upload error: the file exceeds upload_max_filesize ({limit // 1024} KB)")
        if not part.filename:
            raise _Fail(3, "The file name is empty")
        aid = _positive_int(fields["aid"])
        if aid is None:
            raise _Fail(4, "Invalid album id: it must be a positive whole number")
        if part.path is None:
            raise _Fail(7, "PHP upload error: no temporary file")
        try:
            stored = self.gallery.add_picture(
                actor,
                aid,
                part.path,
                part.filename,
                title=fields.get("title", ""),
                caption=fields.get("description", ""),
                keywords=fields.get("keywords", ""),
            )
        except GalleryError as exc:
            if exc.code == NOT_AN_IMAGE:  # the real add-on (1.4.27's api/) never answers 13: resizing fails first
                raise _Fail(17, NOT_AN_IMAGE_TEXT) from None
            raise
        except Exception:  # what PHP reports as a failed INSERT or resize
            log.exception("cpgAPI.upload: storing the picture failed")
            raise _Fail(17, "Error while inserting the picture into the database or resizing it") from None
        return f"<uploader><status>ok</status><pid>{stored.pid}</pid></uploader>"

    def _cat_list(self, post: _Post) -> str:
        """cpgAPI.catList: the category tree down to every album the caller may see."""
        actor = self._login(post)
        tree = self._visible_tree(actor)
        if tree is None:
            raise _Fail(23, "There are no categories or albums you may see")
        return f"<cpg>\n{tree}</cpg>"

    # -- helpers ----------------------------------------------------------------------
    def _login(self, post: _Post) -> Actor:
        with self.gallery.store.read() as conn:
            actor = self.gallery.login(conn, post.fields.get("username", ""), post.fields.get("password", ""))
        if actor is None:
            raise _Fail(18, "invalid login details")
        return actor

    def _visible_tree(self, actor: Actor) -> str | None:
        """The ``<cat>`` tree from "Parent" down to every album the actor sees, or None when there is none."""
        g = self.gallery
        with g.store.read() as conn:
            categories = g.categories(conn)
            personal = g.user_categories(conn, actor)
            albums = g.visible_albums(conn, actor)
        names = {0: "Parent"}
        children: dict[int, list[int]] = {}
        for row in categories:
            cid = int(row["cid"])
            if cid == 0 or cid >= FIRST_USER_CAT:
                continue
            names[cid] = row["name"]
            children.setdefault(int(row["parent"]), []).append(cid)
        if personal and USER_GAL_CAT not in names:
            names[USER_GAL_CAT] = "User galleries"
            children.setdefault(0, []).append(USER_GAL_CAT)
        for cid, user_name in personal:
            names[cid] = user_name
            children.setdefault(USER_GAL_CAT, []).append(cid)
        in_cat: dict[int, list[tuple[int, str]]] = {}
        for a in albums:
            in_cat.setdefault(int(a["category"]), []).append((int(a["aid"]), a["title"]))

        def render(cid: int, depth: int, seen: frozenset[int]) -> str | None:
            pad = "  " * depth
            inner = [
                f"{pad}  <album><id>{aid}</id><name>{title}</name></album>\n" for aid, title in in_cat.get(cid, [])
            ]
            for sub in children.get(cid, []):
                if sub not in seen:
                    text = render(sub, depth + 1, seen | {sub})
                    if text is not None:
                        inner.append(text)
            if not inner:
                return None
            # The names go in unescaped on purpose: see the module docstring.
            head = f"{pad}<cat>\n{pad}  <id>{cid}</id>\n{pad}  <name>{names[cid]}</name>\n"
            return head + "".join(inner) + f"{pad}</cat>\n"

        return render(0, 1, frozenset({0}))

    def _declaration(self) -> str:
        return f'<?xml version="1.0" encoding="{self.settings.coppermine_charset}" ?>\n'

    def _reply(self, text: str) -> Response:
        charset = self.settings.coppermine_charset
        data = text.encode(charset, "xmlcharrefreplace")
        return Response(data, status=200, content_type=f"text/xml; charset={charset}")


def _failure(code: int, message: str) -> str:
    return f"<cpg><status>fail</status><error>{code}</error><verbose>{escape(xml_safe(message))}</verbose></cpg>"


def _positive_int(text: str) -> int | None:
    text = text.strip()
    if not text.isascii() or not text.isdigit() or int(text) <= 0:
        return None
    return int(text)


# -- reading the post the way PHP does ------------------------------------------------
def _read_post(request: Request, settings: SandboxSettings) -> _Post:
    """``$_POST`` and ``$_FILES`` of a request; empty for anything but a POST."""
    if request.method != "POST":
        return _Post()
    if "form" in request.__dict__:  # someone (fault targeting) has parsed the body already
        return _from_parsed(request, settings)
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    charset = _text_charset(settings)
    if mimetype == "application/x-www-form-urlencoded":
        body = request.stream.read(_FIELD_LIMIT + 1)
        if len(body) > _FIELD_LIMIT:
            return _Post(too_large=True)
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding=charset, errors="replace")
        return _Post(fields=dict(pairs))
    if mimetype == "multipart/form-data" and options.get("boundary"):
        return _read_multipart(request, options["boundary"].encode("latin-1"), settings)
    return _Post()


def _text_charset(settings: SandboxSettings) -> str:
    return "latin-1" if settings.coppermine_charset.lower() == "iso-8859-1" else "utf-8"


def _part_charset(headers: Headers, default: str) -> str:
    declared = parse_options_header(headers.get("Content-Type", ""))[1].get("charset", "").lower()
    return declared if declared in ("us-ascii", "ascii", "utf-8", "iso-8859-1") else default


def _read_multipart(request: Request, boundary: bytes, settings: SandboxSettings) -> _Post:
    """Stream a multipart body: fields into memory (bounded), file parts into temporary files."""
    reader = _MultipartReader(_text_charset(settings), settings.coppermine_php_upload_max_bytes)
    decoder = MultipartDecoder(boundary, max_form_memory_size=_FIELD_LIMIT, max_parts=_MAX_PARTS)
    try:
        while True:
            try:
                chunk = request.stream.read(_CHUNK)
            except ClientDisconnected:
                chunk = b""
            decoder.receive_data(chunk or None)
            event = decoder.next_event()
            while not isinstance(event, (NeedData, Epilogue)):
                reader.feed(event)
                event = decoder.next_event()
            if isinstance(event, Epilogue) or not chunk:
                break
    except ValueError:
        pass  # the body ended inside a part: what was complete counts, an open file part is partial
    except RequestEntityTooLarge:
        reader.abandon()
        return _Post(too_large=True)
    except BaseException:
        reader.abandon()
        raise
    return reader.finish()


class _MultipartReader:
    """Turns multipart events into a :class:`_Post`, as PHP fills ``$_POST`` and ``$_FILES``."""

    def __init__(self, charset: str, php_limit: int) -> None:
        self.post = _Post()
        self.charset = charset
        self.php_limit = php_limit
        self.current: Field | File | None = None
        self.buffer: list[bytes] = []
        self.size = 0
        self.part: _FilePart | None = None
        self.out = None

    def feed(self, event: object) -> None:
        if isinstance(event, Field):
            self.current, self.buffer, self.size = event, [], 0
        elif isinstance(event, File):
            self.current, self.part = event, _FilePart(event.filename)
            self.out = _new_temp_file(self.part)
        elif isinstance(event, Data) and isinstance(self.current, Field):
            self._field_data(self.current, event)
        elif isinstance(event, Data) and isinstance(self.current, File):
            self._file_data(self.current, event)

    def _field_data(self, current: Field, event: Data) -> None:
        self.buffer.append(event.data)
        self.size += len(event.data)
        if self.size > _FIELD_LIMIT:
            raise RequestEntityTooLarge()
        if not event.more_data:
            text = b"".join(self.buffer).decode(_part_charset(current.headers, self.charset), "replace")
            self.post.fields[current.name] = text
            self.current = None

    def _file_data(self, current: File, event: Data) -> None:
        part = self.part
        if part is None:
            return
        part.size += len(event.data)
        if part.size > self.php_limit:
            part.error = "ini_size"  # PHP stops keeping the data
        if self.out is not None and part.error is None:
            try:
                self.out.write(event.data)
            except OSError:  # the temporary file cannot take it: PHP's "no temp file"
                self._close_out()
                if part.path is not None:
                    part.path.unlink(missing_ok=True)
                part.path = None
        if not event.more_data:
            self._close_out()
            _keep_file(self.post, current.name, part)
            self.current, self.part = None, None

    def _close_out(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None

    def finish(self) -> _Post:
        """The post; a file part still open when the body ended counts as partially uploaded."""
        self._close_out()
        if isinstance(self.current, File) and self.part is not None:
            self.part.error = "partial"
            _keep_file(self.post, self.current.name, self.part)
        return self.post

    def abandon(self) -> None:
        """Drop everything read so far, temporary files included."""
        self._close_out()
        if self.part is not None and self.part.path is not None:
            self.part.path.unlink(missing_ok=True)
        self.post.discard()


def _new_temp_file(part: _FilePart):
    """Open a temporary file for a file part; on failure the part has no path (PHP's "no temp file")."""
    try:
        fh = tempfile.NamedTemporaryFile(  # noqa: SIM115 - handed to the caller, who closes it
            prefix="cpgapi-", suffix=".upload", delete=False
        )
    except OSError:
        return None
    part.path = Path(fh.name)
    return fh


def _keep_file(post: _Post, name: str, part: _FilePart) -> None:
    """Record a finished file part, dropping an earlier one of the same name (PHP keeps the last)."""
    old = post.files.get(name)
    if old is not None and old.path is not None:
        old.path.unlink(missing_ok=True)
    if part.error is not None and part.path is not None:
        part.path.unlink(missing_ok=True)
        part.path = None
    post.files[name] = part


def _from_parsed(request: Request, settings: SandboxSettings) -> _Post:
    """The post from a request werkzeug has already parsed (text decoded as UTF-8 by werkzeug)."""
    post = _Post(fields={k: v for k, v in request.form.items(multi=True)})
    limit = settings.coppermine_php_upload_max_bytes
    for name, storage in request.files.items(multi=True):
        part = _FilePart(storage.filename or "")
        out = _new_temp_file(part)
        if out is not None:
            with out:
                storage.save(out)
            part.size = os.path.getsize(out.name)
            if part.size > limit:
                part.error = "ini_size"
        _keep_file(post, name, part)
    return post
