"""Changing what is online on a stock Coppermine through its own pages: edit a picture, delete it, order an album.

Each function takes the client's :class:`~.web.WebSession` and does one thing, as a browser
would on the gallery's pages (facts checked against running 1.4.27, 1.5.21, 1.6.26 and 1.7.02
galleries; 1.4's differences are at the end):

- **edit**: ``edit_one_pic.php?id=<pid>`` shows ``form#cpgform_editonepic`` to whoever may edit the
  picture (an admin; its owner in their own gallery; its uploader in a public album only when the
  admin allows it, ``users_can_edit_pics``), "You don't have permission to access this page." to
  anyone else, a missing picture included. Posting the form back (with ``apply_changes``) stores
  *every* field as posted: a field left out is not "unchanged" (no ``filename``: the change is
  stored, then a rename to nothing fails; no ``aid``: "does not exist"; an admin without
  ``approved``: a database error), so galleryk posts the form as read, with only the asked fields
  changed. The answer is the form again, with the stored values. 1.7.02's ``edit_one_pic.php``
  cannot save (a PHP fatal error before it stores anything: HTTP 500 with an empty body, or the
  error's text for an admin); galleryk then posts the same picture's fields to the album editor,
  ``editpics.php?album=<aid>``, which works on both.
- **delete**: the picture page's link ``delete.php?id=<pid>&what=picture&form_token=..&timestamp=..``
  (a GET): the answer is a table of what was removed; "The selected album/file does not exist!"
  when it is gone; "You don't have permission to access this page." when it is not yours.
- **order**: the picture manager ``picmgr.php?aid=<aid>`` (rows ``tr#sort-<pid>`` by the ``position``
  column, the albums it offers in ``select[name=aid]``) posts ``delete.php?what=picmgr`` with the
  order as ``picture_order`` (``pid,pid,...,``); the answer is a redirect back. Album pages show
  that order only when the gallery's "Default sort order for files" (``default_sort_order``, an
  admin's setting) is by position; by default (``na``) they sort by file name, whatever the order.

1.4 has the same three pages in an older shape, and galleryk follows what each page holds, not
a version number: its editor is ``editOnePic.php`` (``edit_one_pic.php`` is a 404 there; learned
once per session, :attr:`.dialect.Dialect.editor`), a form ``editonepicform`` without tokens whose
submit button is ``submitDescription``; the reply is the form again with the stored values and no
"saved" line. It stores every field as posted too, and checks the album less: a post without
``aid`` moves the picture into album 0, out of every listing. Its keyword label names no
separator (1.4 splits keywords on blanks, always). The admin's form has no approval field, and an
admin's edit leaves the approval as it was. The delete link carries no token. Its picture manager
is the form ``picture_menu``: the album's pictures as options of ``select[name="to[]"]``
(``picture_no=<pid>,picture_nm='<file>',picture_sort=<n>,action=0``) that its script reorders and
marks ``action=2``; the reply is a page listing each picture moved, not a redirect. Its album
pages link pictures by position, so the order they show is read by file name (the manager names
each picture's file).

The stock pages let anyone who may create albums reorder any album, and (1.5 to 1.7) edit any
picture through ``editpics.php``; galleryk does neither: it orders only albums the picture manager
offers the user, and edits only pictures whose own edit page the gallery shows the user.

Errors are :class:`~galleryk.coppermine.errors.CoppermineError` with the cpgAPI codes of :mod:`.web`: 18 not
signed in, 19 the picture or album does not exist (or you may not see it), 20 it is not yours to change.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import lxml.html
import requests

from ..base.errors import BadReply, ConnectionFailed, HttpStatusError, RequestTimeout, ResponseCut
from . import pages
from .dialect import EDITOR, LEGACY_EDITOR
from .errors import Code, CoppermineError
from .web import WebSession, banned, code_for, html

NOT_SIGNED_IN = Code.AUTHENTICATION
"""The call needs a signed-in user."""
NOT_FOUND = Code.ALBUM_REFUSED
"""The picture or album does not exist, or this user may not see it."""
NOT_ALLOWED = Code.PERMISSION
"""The gallery does not let this user change it."""

EDIT_FORM = "editonepicform"
"""The one-picture editor's form, by name (1.4 to 1.7; 1.5 and later also give it the id ``cpgform_editonepic``)."""
PICMGR_FORMS = ("cpgformPic", "picture_menu")
"""The picture manager's form: by id on 1.5 to 1.7, by name on 1.4."""
DEFAULT_SEPARATOR = ";"
_LOST = (ConnectionFailed, RequestTimeout, ResponseCut)
"""A request whose reply was lost: the gallery may or may not have acted on it."""
_TOKEN_TROUBLE = re.compile(r"form.?token", re.I)
_MISSING = re.compile(r"does not exist|doesn't exist", re.I)
_DENIED = re.compile(r"permission|not allowed|denied", re.I)
_SORT_ROW = re.compile(r"^sort-(\d+)$")
_PICMGR_OPTION = re.compile(r"picture_no=(\d+),picture_nm='(.*)',picture_sort=\d+,action=\d$", re.S)
"""1.4's picture manager entry: the pid, the file name, its place, what its script did to it (0: nothing)."""
_LEGACY_POSITION = re.compile(r"(?:^|/)displayimage\.php\?(?:.*&)?pos=-(\d+)(?:&|$)")


@dataclass(frozen=True)
class PictureForm:
    """What a picture's edit page shows: its values, and the fields a browser would post back.

    ``approved`` is None unless the form shows it (an admin's, on 1.5 to 1.7). ``fields`` holds
    every field of the form as read, the form token left out (it is ``token``, None where the
    gallery has none: 1.4); ``action`` is the page it posts to and ``submit`` its button.
    """

    pid: int
    album: int
    title: str
    caption: str
    keywords: tuple[str, ...]
    filename: str
    approved: bool | None
    separator: str
    fields: dict[str, str] = field(repr=False)
    token: pages.FormToken | None = field(repr=False)
    charset: str = field(default="utf-8", repr=False)
    action: str = field(default=EDITOR, repr=False)
    submit: tuple[str, str] = field(default=("apply_changes", "Apply changes"), repr=False)


@dataclass(frozen=True)
class AlbumOrder:
    """What :func:`order_album` did: the order stored (every picture of the album), and whether its pages show it.

    ``shown`` is False when the gallery sorts its album pages otherwise (by file name, its default);
    ``reason`` then says so.
    """

    album: int
    order: tuple[int, ...]
    shown: bool
    reason: str = ""


# -- reading -------------------------------------------------------------------------------------
def picture_form(web: WebSession, pid: int) -> PictureForm:
    """The edit page of one picture, as the gallery shows it to this user (18, 19 or 20 when it does not)."""
    pid = int(pid)
    _need_user(web, f"editing picture {pid}")
    resp = _edit_page(web, pid)
    form = _picture_form(web, resp, pid)
    if form is not None:
        return form
    if _other_form(resp):  # 1.4 shows an admin an empty form for a picture that does not exist
        raise CoppermineError(NOT_FOUND, f"editing picture {pid}: the gallery's edit page shows no such picture")
    raise _refused(web, resp, f"editing picture {pid}", pid=pid)


def _edit_page(web: WebSession, pid: int) -> requests.Response:
    """The picture's edit page, from the editor the gallery has: ``edit_one_pic.php``, else 1.4's ``editOnePic.php``
    (where the other is a 404); which one is learned on the first call and kept in the session's dialect."""
    params = {"id": str(pid)}
    known = web.dialect.editor
    resp = web.page(known or EDITOR, params)
    if known is not None:
        return resp
    if resp.status_code == 404:
        legacy = web.page(LEGACY_EDITOR, params)
        if legacy.status_code == 404:
            raise BadReply(
                f"editing picture {pid}: the gallery has no picture editor (neither {EDITOR} nor {LEGACY_EDITOR} "
                "answers: HTTP 404)",
                url=legacy.url,
                status=404,
            )
        if legacy.status_code < 500 and pages.is_gallery_page(html(legacy)):
            web.dialect.editor = LEGACY_EDITOR
        return legacy
    if resp.status_code < 500 and pages.is_gallery_page(html(resp)):
        web.dialect.editor = EDITOR
    return resp


def album_order(web: WebSession, aid: int) -> list[int]:
    """The pictures of one of the user's albums in the order its picture manager keeps (``position``)."""
    return list(_picture_manager(web, int(aid)).pids)


def join_keywords(tags: Iterable[str] | str, separator: str) -> str:
    """Tags as one keyword field: a string is split on spaces; a separator inside a tag becomes ``_``."""
    words = tags.split() if isinstance(tags, str) else [str(t) for t in tags]
    if separator == " ":
        joined = ["_".join(t.split()) for t in words]
    else:
        joined = ["_".join(" ".join(t.split()).split(separator)) for t in words]
    return separator.join(t for t in joined if t)


# -- editing ---------------------------------------------------------------------------------------
def edit_picture(
    web: WebSession,
    pid: int,
    *,
    title: str | None = None,
    caption: str | None = None,
    keywords: Iterable[str] | str | None = None,
) -> PictureForm:
    """Change a picture's title, caption or keywords (only those given); returns the values the gallery now shows.

    ``keywords`` (a list, or a string of space-separated tags) are joined with the gallery's
    separator, as uploads do. Safe to call again after a lost reply: it sends the whole form, so
    repeating it stores the same values.
    """
    pid = int(pid)
    form = picture_form(web, pid)
    changes: dict[str, str] = {}
    if title is not None:
        changes["title"] = title
    if caption is not None:
        changes["caption"] = caption
    if keywords is not None:
        changes["keywords"] = join_keywords(keywords, form.separator)
    what = f"editing picture {pid}"
    fresh = False
    while True:
        button, label = form.submit
        data = _encoded({**form.fields, **changes, button: label, **_token(form.token)}, form.charset)
        resp = _again_if_lost(functools.partial(web.submit, form.action, data=data))
        if resp.status_code >= 500 or not pages.is_gallery_page(html(resp)):
            # 1.7.02: edit_one_pic.php fails with a PHP error before it stores anything; its album editor works
            return _edit_in_album(web, form, changes)
        message = _refusal(resp)
        after = _picture_form(web, resp, pid)
        if message is None and after is not None:
            return after
        if message is not None and _TOKEN_TROUBLE.search(message) and not fresh:
            fresh = True
            form = picture_form(web, pid)
            continue
        raise _refused(web, resp, what, pid=pid)


def _edit_in_album(web: WebSession, form: PictureForm, changes: dict[str, str]) -> PictureForm:
    """Save one picture's fields through the album editor ``editpics.php`` (1.7.02), then read them back."""
    pid = form.pid
    values = {**form.fields, **changes}
    data = {
        "pid[]": str(pid),
        f"aid{pid}": str(form.album),
        **{f"{name}{pid}": values.get(name, "") for name in ("title", "caption", "keywords")},
        **{f"user{n}{pid}": values.get(f"user{n}", "") for n in range(1, 5)},
        "go": "Apply changes",
        **_tokens(web),
    }
    if form.approved:  # an admin's form: the album editor stores an unticked box as "not approved"
        data[f"approved{pid}"] = "YES"
    resp = _again_if_lost(
        lambda: web.submit("editpics.php", data=_encoded(data, form.charset), params={"album": str(form.album)})
    )
    if resp.status_code >= 500 or not pages.is_gallery_page(html(resp)):
        raise HttpStatusError(
            f"editing picture {pid}: neither edit_one_pic.php nor editpics.php could save it (HTTP "
            f"{resp.status_code}: {pages.error_text(html(resp))}); nothing was changed",
            url=resp.url,
            status=resp.status_code,
        )
    message = _refusal(resp)
    after = picture_form(web, pid)
    shows = {"title": after.title, "caption": after.caption, "keywords": form.separator.join(after.keywords)}
    if all(_squash(shows[k]) == _squash(v) for k, v in changes.items()):
        return after
    if message is not None:
        raise _refused(web, resp, f"editing picture {pid}", pid=pid)
    raise CoppermineError(
        0, f"editing picture {pid}: the gallery's album editor answered, but the picture still shows its old values"
    )


# -- deleting --------------------------------------------------------------------------------------
def delete_picture(web: WebSession, pid: int) -> None:
    """Delete one picture, as its page's "Delete this file" link does. When the reply is lost, galleryk looks:
    the picture gone is success, still there means the link is followed once more."""
    pid = int(pid)
    what = f"deleting picture {pid}"
    _need_user(web, what)
    fresh = False
    while True:
        params = {"id": str(pid), "what": "picture", **_tokens(web, fresh=fresh)}
        try:
            resp = web.submit("delete.php", params=params, method="GET")
        except _LOST:
            if not exists(web, pid):
                return
            resp = web.submit("delete.php", params=params, method="GET")
        message = _refusal(resp)
        if message is not None and _TOKEN_TROUBLE.search(message) and not fresh:
            fresh = True
            continue
        if message is not None or resp.status_code >= 400 or not pages.is_gallery_page(html(resp)):
            if resp.status_code >= 500 and not exists(web, pid):
                return  # the gallery failed after it deleted the picture
            raise _refused(web, resp, what, pid=pid, look=False)
        if exists(web, pid):
            raise CoppermineError(Code.NONE, f"{what}: the gallery answered, but the picture is still there")
        return


def exists(web: WebSession, pid: int) -> bool:
    """Whether the picture is still in the gallery, as this user can tell: its edit page, else its own page."""
    pid = int(pid)
    if _picture_form(web, _edit_page(web, pid), pid) is not None:
        return True
    return _shown(web, pid)


def _shown(web: WebSession, pid: int) -> bool:
    """Whether the picture's own page shows it to this user: ``displayimage.php?pid=<pid>``, or 1.4's
    ``?pos=-<pid>`` (where ``?pid=`` says "does not exist"); the way that showed it is kept in the dialect."""
    ways = ("pos", "pid") if web.dialect.picture_by_pos else ("pid", "pos")
    for way in ways:
        params = {"pid": str(pid)} if way == "pid" else {"pos": str(-pid)}
        if pages.shown_pid(html(web.page("displayimage.php", params))) == pid:
            if way == "pos" and web.dialect.picture_by_pos is None:
                web.dialect.picture_by_pos = True
            return True
        if web.dialect.picture_by_pos is not None:
            break
    return False


# -- ordering --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Manager:
    """The picture manager's page for one album: its pictures in order, each one's file name, the form's fields.

    ``legacy``: 1.4's form, whose list ``to[]`` holds one entry per picture (``entries``, by pid:
    ``picture_no=..,picture_nm=..,picture_sort=..,action=0``); 1.5 to 1.7 take the order as one field.
    """

    aid: int
    pids: tuple[int, ...]
    fields: dict[str, str]
    charset: str
    names: dict[int, str] = field(default_factory=dict)
    entries: dict[int, str] = field(default_factory=dict)
    legacy: bool = False


def order_album(web: WebSession, aid: int, pids: Sequence[int]) -> AlbumOrder:
    """Show album ``aid``'s pictures in the order of ``pids`` (the album's other pictures follow, in their order).

    Stored through the picture manager (the ``position`` of each picture); the album's pages show it
    when the gallery sorts them by position. If they show the exact reverse (a gallery that sorts by
    position, descending), the order is stored reversed so that they show it. If they show another
    order, the result says so (``shown`` False): only the gallery's admin can change how it sorts.
    """
    aid = int(aid)
    wanted = [int(p) for p in pids]
    if len(set(wanted)) != len(wanted):
        raise ValueError(f"ordering album {aid}: a picture is named twice in {wanted}")
    manager = _picture_manager(web, aid)
    unknown = [p for p in wanted if p not in manager.pids]
    if unknown:
        raise CoppermineError(
            NOT_FOUND, f"ordering album {aid}: picture(s) {', '.join(map(str, unknown))} are not in that album"
        )
    order = wanted + [p for p in manager.pids if p not in wanted]
    _store_order(web, manager, order)
    shown = _shown_order(web, aid, manager.names)
    expected = [p for p in order if p in set(shown)]
    if shown == expected:
        return AlbumOrder(aid, tuple(order), True)
    if len(expected) > 1 and shown == expected[::-1]:
        _store_order(web, _picture_manager(web, aid), order[::-1])
        if _shown_order(web, aid, manager.names) == expected:
            return AlbumOrder(aid, tuple(order), True)
        _store_order(web, _picture_manager(web, aid), order)  # the pages sort otherwise, by chance the reverse
    return AlbumOrder(
        aid,
        tuple(order),
        False,
        "the order is stored (the picture manager's positions), but the gallery sorts its album pages otherwise "
        "(by file name by default): its admin can set 'Default sort order for files' to 'Position ascending'; "
        "until then visitors see it only when they sort the album by position",
    )


def _store_order(web: WebSession, manager: _Manager, order: list[int]) -> None:
    """Post the picture manager's form with ``order``; check that the manager now lists the pictures so.

    1.5 to 1.7 take the order as ``picture_order`` and answer with a redirect back to the manager;
    1.4 takes its list's entries, each with its new place and marked moved (as its script marks
    them), and answers with a page that lists what it moved.
    """
    what = f"ordering album {manager.aid}"
    for fresh in (False, True):
        data: dict[str, str | list[str]] = dict(manager.fields)
        if manager.legacy:
            data["to[]"] = [_moved(manager.entries[p], 100 + n) for n, p in enumerate(order)]
        else:
            data.update(picture_order="".join(f"{p}," for p in order), apply="Apply changes")
        body = _encoded(data, manager.charset)
        resp = _again_if_lost(functools.partial(web.submit, "delete.php", data=body, params={"what": "picmgr"}))
        if resp.status_code in (301, 302, 303) and "picmgr.php" in (resp.headers.get("Location") or ""):
            break  # back to the picture manager: stored
        message = _refusal(resp)
        if manager.legacy and resp.status_code == 200 and message is None and pages.is_gallery_page(html(resp)):
            break  # 1.4: the page of what was moved
        if message is not None and _TOKEN_TROUBLE.search(message) and not fresh:
            manager = _picture_manager(web, manager.aid)
            continue
        raise _refused(web, resp, what, look=False)
    stored = _picture_manager(web, manager.aid).pids
    if list(stored) != order:
        raise CoppermineError(Code.NONE, f"{what}: the gallery answered, but its picture manager lists {list(stored)}")


def _picture_manager(web: WebSession, aid: int) -> _Manager:
    _need_user(web, f"ordering album {aid}")
    resp = web.page("picmgr.php", {"aid": str(aid)})
    doc = pages.parse(html(resp))
    form = next((f for f in (_form(doc, ident) for ident in PICMGR_FORMS) if f is not None), None)
    if form is None:
        raise _refused(web, resp, f"ordering album {aid}", look=False)
    offered = {int(v) for v in form.xpath(".//select[@name='aid']//option/@value") if v.strip().isdigit()}
    if aid not in offered:
        raise CoppermineError(
            NOT_FOUND,
            f"ordering album {aid}: the gallery's picture manager does not offer this album to {web.username!r} "
            "(it does not exist, or it is not one of your albums)",
        )
    pids, names, entries = [], {}, {}
    for row in form.iter("tr"):
        m = _SORT_ROW.match(row.get("id") or "")
        if m:
            pids.append(int(m.group(1)))
    listing = form.xpath(".//select[@name='to[]']")  # 1.4
    for value in form.xpath(".//select[@name='to[]']/option/@value"):
        m = _PICMGR_OPTION.match(value)
        if m:
            pid = int(m.group(1))
            pids.append(pid)
            names[pid], entries[pid] = m.group(2), value
    values = {k: v for k, v in form.form_values() if k not in ("form_token", "timestamp")}
    token = pages.form_token(doc)
    fields = {**values, **(_token(token) if token is not None else _tokens(web))}
    return _Manager(aid, tuple(pids), fields, _charset(resp), names, entries, legacy=bool(listing))


def _moved(entry: str, place: int) -> str:
    """1.4's picture manager entry given a new place and marked moved (``action=2``), as its script does."""
    return re.sub(r"picture_sort=\d+,action=\d$", f"picture_sort={place},action=2", entry)


def _shown_order(web: WebSession, aid: int, names: dict[int, str]) -> list[int]:
    """The pids the album's pages show this user, in page order (every page).

    1.4's pages link pictures by position: a picture is known there by its file name (the manager's
    ``names``), or, when two share one, by the picture page its thumbnail links.
    """
    by_name: dict[str, list[int]] = {}
    for known, name in names.items():
        by_name.setdefault(name, []).append(known)
    shown: list[int] = []
    page, last = 1, 1
    while page <= last:
        resp = web.page("thumbnails.php", {"album": str(aid), "page": str(page)})
        thumbs = pages.thumbnails(html(resp), web.base_url, aid)
        for row in thumbs.photos:
            pid: int | None = row["id"]
            if pid is None:
                same = by_name.get(row.get("filename") or "", [])
                pid = same[0] if len(same) == 1 else pages.shown_pid(html(web.page(str(row["page_url"]))))
            if pid is not None and pid not in shown:
                shown.append(int(pid))
        last = thumbs.pages
        page += 1
    return shown


# -- reading the pages -------------------------------------------------------------------------------
def _form(doc: lxml.html.HtmlElement, ident: str) -> lxml.html.FormElement | None:
    for form in doc.forms:
        if ident in (form.get("id"), form.get("name")):
            return form
    return None


def _picture_form(web: WebSession, resp: requests.Response, pid: int) -> PictureForm | None:
    """The edit form of picture ``pid`` on a page, or None when the page has none.

    The keyword separator is the one the form's label names (1.5 to 1.7), else the one the
    gallery's other forms named, else a blank for 1.4's editor (1.4 splits keywords on blanks).
    """
    doc = pages.parse(html(resp))
    form = _form(doc, EDIT_FORM)
    if form is None:
        return None
    values = dict(form.form_values())
    if values.get("id") != str(pid):
        return None
    web.dialect.learn(doc)  # a signed-in page without a token: the gallery has none (1.4)
    token = pages.form_token(doc)
    action = (form.get("action") or "").split("?", 1)[0].rsplit("/", 1)[-1] or web.dialect.editor or EDITOR
    _learn_picture_links(web, form, pid)
    album = _form_album(form, values)
    legacy = " " if action == LEGACY_EDITOR else DEFAULT_SEPARATOR
    separator = pages.keyword_separator(doc) or web.dialect.separator or legacy
    raw = values.get("keywords", "")
    words = raw.split() if separator == " " else raw.split(separator)
    fields = {k: v for k, v in values.items() if k not in ("form_token", "timestamp")}
    fields["aid"] = str(album)
    approved = values.get("approved")
    return PictureForm(
        pid=pid,
        album=album,
        title=values.get("title", ""),
        caption=_newlines(values.get("caption", "")),
        keywords=tuple(w.strip() for w in words if w.strip()),
        filename=values.get("filename", ""),
        approved=None if approved is None and not form.xpath(".//input[@name='approved']") else approved == "YES",
        separator=separator,
        fields=fields,
        token=token,
        charset=_charset(resp),
        action=action,
        submit=_submit_button(form),
    )


def _submit_button(form: lxml.html.FormElement) -> tuple[str, str]:
    """The form's submit button, as a browser sends it: ``apply_changes`` (1.5 to 1.7), ``submitDescription`` (1.4)."""
    for el in form.xpath(".//input[@type='submit'][@name] | .//button[@name][not(@type) or @type='submit']"):
        return el.get("name") or "", el.get("value") or ""
    return "apply_changes", "Apply changes"


def _learn_picture_links(web: WebSession, form: lxml.html.FormElement, pid: int) -> None:
    """Note how the gallery links one picture's page, when the form's thumbnail says ``displayimage.php?pos=-<pid>``
    (1.4, whose ``?pid=`` says "does not exist")."""
    if web.dialect.picture_by_pos is not None:
        return
    for a in form.iter("a"):
        m = _LEGACY_POSITION.search((a.get("href") or "").replace("&amp;", "&"))
        if m and int(m.group(1)) == pid:
            web.dialect.picture_by_pos = True
            return


def _other_form(resp: requests.Response) -> bool:
    """Whether the page holds an edit form of no picture or another (1.4 shows an admin an empty one for a missing pid)."""
    return _form(pages.parse(html(resp)), EDIT_FORM) is not None


def _form_album(form: lxml.html.FormElement, values: dict[str, str]) -> int:
    """The picture's own album: the form's "Thumbnail view" link names it (the album list may lack it)."""
    for a in form.iter("a"):
        m = pages.ALBUM_LINK.search((a.get("href") or "").replace("&amp;", "&"))
        if m:
            return int(m.group(1))
    try:
        return int(values.get("aid", ""))
    except ValueError:
        raise BadReply("the picture's edit form names no album", junk=str(values)[:200]) from None


def _refusal(resp: requests.Response) -> str | None:
    """The message of the page's ``cpg_die`` box, or None (see :func:`.pages.die_message`: 1.4's boxes too, and not
    1.7.02's "Unsupported version!" warning to admins, which is no refusal)."""
    if not resp.content:
        return None
    return pages.die_message(html(resp))


def _refused(
    web: WebSession, resp: requests.Response, what: str, *, pid: int | None = None, look: bool = True
) -> Exception:
    """The error for a page that did not do what was asked: the gallery's words, with their code.

    For an edit page that says "no permission" (the gallery words a missing picture so too),
    ``look`` asks the picture's own page: shown means 20 (not yours), else 19 (it does not exist).
    """
    text = html(resp)
    ban = pages.ban_message(text)
    if ban:
        return banned(what, ban)
    message = _refusal(resp)
    if message is None:
        return BadReply(
            f"{what}: the gallery answered HTTP {resp.status_code} with a page that is not the one expected: "
            f"{pages.error_text(text)}",
            url=resp.url,
            status=resp.status_code,
            junk=pages.error_text(text),
        )
    if _MISSING.search(message):
        code = NOT_FOUND
    elif _DENIED.search(message):
        code = NOT_ALLOWED
        if look and pid is not None:
            code = NOT_ALLOWED if _shown(web, pid) else NOT_FOUND
    else:
        code = Code(code_for(message))
    hint = {
        NOT_FOUND: " (it does not exist, or you may not see it)",
        NOT_ALLOWED: " (it is not yours: the gallery lets users change only what is in their own albums, unless "
        "its admin allows more)",
    }.get(code, "")
    return CoppermineError(code, f"{what}: {message}{hint}")


def _need_user(web: WebSession, what: str) -> None:
    if web.username is None:
        raise CoppermineError(NOT_SIGNED_IN, f"{what} needs a signed-in user (a client with a user name and password)")


# -- small helpers ---------------------------------------------------------------------------------
def _token(token: pages.FormToken | None) -> dict[str, str]:
    return {} if token is None else {"form_token": token.form_token, "timestamp": token.timestamp}


def _tokens(web: WebSession, *, fresh: bool = False) -> dict[str, str]:
    """The user's form token fields for a request, or none on a gallery whose pages carry none (1.4)."""
    if not web.uses_tokens:
        return {}
    try:
        return _token(web.form_token(fresh=fresh))
    except CoppermineError:
        if not web.uses_tokens:  # the pages have just shown that there are none
            return {}
        raise


def _again_if_lost(send: Callable[[], requests.Response]) -> requests.Response:
    """Send; when the reply is lost, send once more (only for requests that store the same thing twice)."""
    try:
        return send()
    except _LOST:
        return send()


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _charset(resp: requests.Response) -> str:
    """The charset the gallery declares for a page (header, then ``<meta>``), for the form sent back."""
    header = _HEADER_CHARSET.search(resp.headers.get("Content-Type") or "")
    meta = _META_CHARSET.search((resp.content or b"")[:4096])
    name = header.group(1) if header else meta.group(1).decode("ascii") if meta else "utf-8"
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def _encoded(fields: Mapping[str, str | list[str]], charset: str) -> dict[str, bytes | list[bytes]]:
    """Form fields in the gallery's charset (characters outside it as ``&#N;``, as browsers send them); a list is a
    name sent once per value (1.4's ``to[]``)."""

    def enc(v: str) -> bytes:
        return v.encode(charset, "xmlcharrefreplace")

    return {k: [enc(x) for x in v] if isinstance(v, list) else enc(v) for k, v in fields.items()}


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _squash(text: object) -> str:
    return " ".join(_newlines(str(text)).split())
