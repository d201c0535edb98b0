"""Everything galleryk reads from stock Coppermine (1.4-1.7) HTML pages, written down in one place.

The web protocol has no machine-readable replies, so the client depends on page structure.
These are the facts it relies on; a theme may move elements around, so each parser looks for
*links and class names*, never for table positions. Where a page says something in words only
(a ban, a refusal's reason), the words are compared with every shipped language (:mod:`.texts`).
What 1.4 and 1.5 do otherwise than the list below: 1.4's boxes are ``table.maintable`` cells
(``<font size="3"><b>message</b>``, after a ``<!-- cpg_die -->`` comment for an error), its
thumbnails link ``displayimage.php?album=N&pos=K`` (no pid: the picture's page has it, in its
``addfav.php?pid=`` link), its picture title and caption follow ``<!-- BEGIN title -->`` and
``<!-- BEGIN caption -->``; 1.4 and 1.5 give thumbnail titles, view counts and the uploader the
one class ``span.thumb_title`` and captions ``span.thumb_caption`` (the last one a date on
``lastup``); the album editor ``editpics.php`` lists a user's pictures as ``pid[]``,
``title<pid>``, ``caption<pid>``, ``keywords<pid>`` and the file's URL in ``<tt>``:

- signed in: a link to ``logout.php?form_token=...&timestamp=...`` (also the form token);
  a guest sees a link to ``login.php`` instead;
- messages: elements whose class contains ``cpg_message`` (``cpg_message_validation`` for
  "Login failed", ``cpg_message_error``/``_warning``/``_info``), ``cpgMessage`` or ``cpg_die``;
  the ``h1``/``h2`` of an error page otherwise;
- form token: hidden ``<input name="form_token">`` and ``<input name="timestamp">``
  (``upload.php?single`` and most forms), or the query of the logout link;
- albums open to uploads: ``<select name="album">`` on ``upload.php?single``, options
  ``value=<aid>`` grouped in ``<optgroup label=...>`` (the user's name padded with non-breaking
  spaces, inside "* Personal albums", for personal albums; category names otherwise);
- the album tree: the category pages ``index.php`` and ``index.php?cat=<cid>[&page=<n>]``
  (both 1.6 and 1.7 have them; 1.6's ``sidebar.php`` is a bare template and 1.7 has none):
  the breadcrumb (sibling links ``index.php`` > ``index.php?cat=<a>`` > ... > ``index.php?cat=<cid>``)
  gives the page's category chain, links to ``index.php?cat=<n>`` lead to more categories
  (user galleries are ``10000 + uid`` under category 1, "My gallery" is the signed-in user's),
  and ``thumbnails.php?album=<aid>`` links name albums; an album belongs to the deepest
  category page that lists it (a page also shows the first albums of its sub-categories);
- a ``cpg_die`` box: an element of class ``cpg_message_error``/``_warning``/``_info`` holding an
  ``h2`` and a ``span.cpg_user_message`` (an error page, or "You are currently banned"); a bare
  ``span.cpg_user_message`` elsewhere is a notice, such as an empty album's "No image to display";
- the keyword separator: the upload form's label "Keywords (separate with semicolon|comma|space)";
- an album page: ``thumbnails.php?album=<aid>&page=<n>``: links to
  ``displayimage.php?album=<aid>&pid=<pid>`` around an ``<img>`` whose ``src`` is
  ``albums/<path>thumb_<file>``; titles in ``span.thumb_title_title``, captions in
  ``span.thumb_caption_caption``; page links ``thumbnails.php?album=<aid>&page=<n>`` and the
  text "<N> files on <P> page(s)";
- the newest pictures: the meta album ``thumbnails.php?album=lastup&cat=-<aid>`` (one album),
  ``&cat=<cid>`` (a category) or no ``cat`` (the whole gallery), newest first, drawn as an album
  page whose picture links name ``album=lastup`` instead of the album; its breadcrumb links the
  album, and none for an album that does not exist (both say "No image to display");
- a picture page: ``displayimage.php?pid=<pid>``: title in ``.pic_title`` (or an ``h1``),
  caption in ``.pic_caption``, an information table of "Label:" / value cell pairs
  (Filename, Album name, Keywords, Filesize, Dimensions, Date added), keyword links to
  ``thumbnails.php?album=search...``, the picture as ``albums/<path>[normal_]<file>``; the
  original lies beside it under the bare file name (or on ``displayimage.php?...&fullsize=1``);
  which picture the page really shows: the "Add to favorites" link ``addfav.php?pid=<pid>``, else the
  information table's URL ``displayimage.php?pid=<pid>`` (1.6 answers the page of a picture it
  does not show you with another one of the album).
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from ..base.numbers import whole_number
from . import texts

# -- link patterns -----------------------------------------------------------------------
LOGOUT_LINK = "logout.php"
LOGIN_LINK = "login.php"
CATEGORY_LINK = re.compile(r"(?:^|/)index\.php\?(?:.*&)?cat=(\d+)")
ALBUM_LINK = re.compile(r"(?:^|/)thumbnails\.php\?(?:.*&)?album=(\d+)(?:&|$|#)")
PICTURE_LINK = re.compile(r"(?:^|/)displayimage\.php\?")
FILES_ON_PAGES = re.compile(r"(\d+)\s+(?:files?|pictures?|images?)\s+on\s+(\d+)\s+pages?", re.I)
THUMB_PREFIX = "thumb_"
NORMAL_PREFIX = "normal_"

# -- class names -------------------------------------------------------------------------
MESSAGE_CLASSES = ("cpg_message", "cpgmessage", "cpg_die", "cpg_user_message")
DIE_CLASSES = ("cpg_message_error", "cpg_message_warning", "cpg_message_info")
USER_MESSAGE_CLASS = "cpg_user_message"
KEYWORD_SEPARATORS = {"semicolon": ";", "comma": ",", "space": " "}
_SEPARATOR_LABEL = re.compile(r"separated?\s+(?:with|by)\s+(semicolons?|commas?|spaces?)", re.I)
_HOME_LINK = re.compile(r"(?:^|/)index\.php(?:\?(?:cat=0)?)?$")
THUMB_TITLE_CLASS = "thumb_title_title"
THUMB_CAPTION_CLASS = "thumb_caption_caption"
PIC_TITLE_CLASSES = ("pic_title", "image_title", "img_title")
PIC_CAPTION_CLASSES = ("pic_caption", "image_caption", "img_caption")

# Labels of the picture information table (English; other languages fall back to the links).
INFO_LABELS = {
    "filename": "filename",
    "file name": "filename",
    "album name": "album_name",
    "album": "album_name",
    "keywords": "keywords",
    "keyword": "keywords",
    "tags": "keywords",
    "filesize": "filesize",
    "file size": "filesize",
    "dimensions": "dimensions",
    "date added": "date_added",
    "displayed": "views",
    "title": "title",
    "caption": "caption",
    "description": "caption",
}


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def _known(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def decode(body: bytes, content_type: str | None = None) -> str:
    """A page's text in its own charset: the HTTP header's, else the ``<meta>`` tag's, else UTF-8.

    Galleries run in utf-8 or iso-8859-1; reading one as the other garbles every name.
    """
    m = _HEADER_CHARSET.search(content_type or "")
    charset = _known(m.group(1) if m else None)
    if charset is None:
        meta = _META_CHARSET.search(body[:4096])
        charset = _known(meta.group(1).decode("ascii") if meta else None) or "utf-8"
    return body.decode(charset, errors="replace")


def parse(html: str | bytes) -> lxml.html.HtmlElement:
    """Parse a page leniently; an empty body gives an empty document instead of an error.

    Bytes are decoded by their ``<meta>`` charset (UTF-8 without one); pass :func:`decode`'s
    text when the HTTP header names the charset.
    """
    if isinstance(html, bytes):
        html = decode(html) if html else ""
    if not html.strip():
        return lxml.html.fromstring("<html><body></body></html>")
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        # e.g. an encoding declaration in a str: parse the bytes instead
        return lxml.html.document_fromstring(html.encode("utf-8", errors="replace"))


def _doc(page: str | bytes | lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return page if isinstance(page, lxml.html.HtmlElement) else parse(page)


def _has_class(el: lxml.html.HtmlElement, names: tuple[str, ...]) -> bool:
    classes = (el.get("class") or "").lower().split()
    return any(c.startswith(n) or c == n for c in classes for n in names)


def _text(el: lxml.html.HtmlElement | None) -> str:
    if el is None:
        return ""
    return " ".join(el.text_content().split())


def _query(href: str) -> dict[str, str]:
    q = parse_qs(urlsplit(href).query.replace("&amp;", "&"), keep_blank_values=True)
    return {k: v[0] for k, v in q.items()}


# -- sign-in state, messages, form tokens ----------------------------------------------------
def is_logged_in(page: str | bytes | lxml.html.HtmlElement) -> bool:
    """Whether the page shows a signed-in user (it offers a logout link)."""
    return any(LOGOUT_LINK in (a.get("href") or "") for a in _doc(page).iter("a"))


def messages(page: str | bytes | lxml.html.HtmlElement) -> list[str]:
    """The gallery's own messages on a page (validation, errors, warnings, notices), outermost first.

    1.5 and later put them in elements of the ``cpg_message`` classes; 1.4 in a ``table.maintable``
    cell as ``<font size="3"><b>message</b></font>`` (its ``cpg_die`` and ``msg_box``).
    """
    doc = _doc(page)
    found: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if _has_class(el, MESSAGE_CLASSES):
            if any(_has_class(a, MESSAGE_CLASSES) for a in el.iterancestors()):
                continue
            text = _text(el)
        elif el.tag == "b" and _is_legacy_box(el):
            text = _text(el)
        else:
            continue
        if text and text not in found:
            found.append(text)
    return found


def _is_legacy_box(b: lxml.html.HtmlElement) -> bool:
    """Whether a ``<b>`` is the message of a 1.4 box: ``td.tableb > font[size=3] > b`` in a ``table.maintable``."""
    font = b.getparent()
    if font is None or font.tag != "font" or font.get("size") != "3":
        return False
    cell = font.getparent()
    if cell is None or cell.tag != "td" or "tableb" not in (cell.get("class") or "").split():
        return False
    return any("maintable" in (t.get("class") or "").split() for t in cell.iterancestors("table"))


def _legacy_boxes(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [b for b in doc.iter("b") if _is_legacy_box(b)]


def is_gallery_page(page: str | bytes | lxml.html.HtmlElement) -> bool:
    """Whether the page is one of the gallery's own (its menu offers login or logout), not a PHP error page."""
    doc = _doc(page)
    return any(
        LOGOUT_LINK in (a.get("href") or "") or LOGIN_LINK in (a.get("href") or "") for a in doc.iter("a")
    ) or bool(messages(doc))


def ban_message(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """The gallery's "you are banned" message on a page (in any shipped language), or None."""
    for text in messages(page):
        if texts.says("banned", text) or re.search(r"\bbanned\b", text, re.I):
            return text
    return None


def _user_message(box: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    return next(
        (x for x in box.iter() if isinstance(x.tag, str) and USER_MESSAGE_CLASS in (x.get("class") or "").split()),
        None,
    )


def die_message(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """The message of a ``cpg_die`` box (an error page, a ban), or None when the page has none.

    1.5 and later: an element of class ``cpg_message_error``/``_warning``/``_info`` holding an
    ``h2`` and a ``span.cpg_user_message`` (1.7.02's admin-only "Unsupported version!" warning has
    no such span, and is no error); 1.4: the cell that follows the ``<!-- cpg_die -->`` comment. A
    notice such as an empty album's "No image to display" is not in such a box.
    """
    doc = _doc(page)
    for el in doc.iter():
        if el.tag is etree.Comment and "cpg_die" in (el.text or ""):
            nxt = el.getnext()
            if nxt is not None and not _has_class(nxt, DIE_CLASSES) and _text(nxt):
                return _text(nxt)  # 1.4: the table row after the comment
            continue
        if not isinstance(el.tag, str) or el.get("id") == "cpgMessage":
            continue
        classes = (el.get("class") or "").lower().split()
        if not any(c in DIE_CLASSES for c in classes) or el.find(".//h2") is None:
            continue
        span = _user_message(el)
        if span is not None:
            return _text(span)
    return None


def info_message(page: str | bytes | lxml.html.HtmlElement) -> tuple[str, bool] | None:
    """The message of a page that is only a message (``msg_box``), and whether it offers a button on, or None.

    1.5 and later: ``div.cpg_message_info > span.cpg_user_message`` (a button is a ``span.admin_menu``
    link in the box; the ban page has none); 1.4: a ``table.maintable`` box without the ``cpg_die``
    comment (a button is a link in its ``td.tablef`` row).
    """
    doc = _doc(page)
    if any(el.tag is etree.Comment and "cpg_die" in (el.text or "") for el in doc.iter()):
        return None
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.get("id") == "cpgMessage":
            continue
        if "cpg_message_info" in (el.get("class") or "").lower().split():
            span = _user_message(el)
            if span is not None:
                button = any("admin_menu" in (x.get("class") or "") for x in el.iter() if isinstance(x.tag, str))
                return _text(span), button
    for b in _legacy_boxes(doc):
        table = next(b.iterancestors("table"))
        button = any(a.get("href") for a in table.xpath(".//td[contains(@class, 'tablef')]//a"))
        return _text(b), button
    return None


def keyword_separator(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """The gallery's keyword separator as a form's label names it (in any shipped language), or None.

    The label is the row of the form's ``keywords`` field ("Keywords (separate with semicolon)";
    1.4's "Keywords (separate with spaces)", since 1.4 always splits on blanks).
    """
    doc = _doc(page)
    for field_ in doc.xpath("//input[starts-with(@name, 'keywords')]"):
        row = next(field_.iterancestors("tr"), None)
        if row is not None:
            sep = texts.separator_named(_text(row))
            if sep is not None:
                return sep
    m = _SEPARATOR_LABEL.search(_text(doc))
    if m is None:
        return None
    word = m.group(1).lower().rstrip("s")
    return KEYWORD_SEPARATORS.get(word)


def login_form(page: str | bytes | lxml.html.HtmlElement) -> bool:
    """Whether the page holds a login form (one with a password field, or posting to ``login.php``): the gallery
    asks for the password."""
    doc = _doc(page)
    if doc.xpath("//form[.//input[@type='password']]"):
        return True
    return any(LOGIN_LINK in (f.get("action") or "") for f in doc.iter("form"))


def meta_refresh(page: str | bytes | lxml.html.HtmlElement) -> bool:
    """Whether the page sends the browser on by itself (``<meta http-equiv="refresh">``: 1.4's "Welcome" page)."""
    return bool(_doc(page).xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']"))


def login_failure(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """Why a login reply that shows the login form again refused the password, or None when it shows no form.

    1.5 and later put the reason in a ``cpg_message_validation`` box, 1.4 in red above the form;
    the form itself is what says "refused", in any language.
    """
    doc = _doc(page)
    if not login_form(doc):
        return None
    for el in doc.iter():
        if isinstance(el.tag, str) and "cpg_message_validation" in (el.get("class") or ""):
            return _text(el) or "the gallery showed its login form again"
    for el in doc.xpath("//*[contains(translate(@style, ' ', ''), 'color:red')]"):
        if _text(el):
            return _text(el)
    said = [t for t in messages(doc) if texts.says("err_login", t)]
    return said[0] if said else "the gallery showed its login form again"


def error_text(page: str | bytes | lxml.html.HtmlElement, limit: int = 500) -> str:
    """What an error page says, for an exception message: its messages, else its headings, else its text."""
    doc = _doc(page)
    parts = messages(doc)
    if not parts:
        parts = [_text(h) for h in doc.iter("h1", "h2") if _text(h)]
        body = doc.find("body")
        rest = _text(body if body is not None else doc)
        if rest and rest not in parts:
            parts.append(rest)
    text = " | ".join(p for p in parts if p)
    return text[:limit] + ("..." if len(text) > limit else "")


@dataclass(frozen=True)
class FormToken:
    """A Coppermine form token: valid for one user for about an hour, on any form."""

    form_token: str
    timestamp: str

    def __repr__(self) -> str:
        return f"FormToken(timestamp={self.timestamp!r}, form_token=***)"


def form_token(page: str | bytes | lxml.html.HtmlElement) -> FormToken | None:
    """The form token of a page: hidden inputs first, else the logout link's query."""
    doc = _doc(page)
    token = doc.xpath("//input[@name='form_token']/@value")
    stamp = doc.xpath("//input[@name='timestamp']/@value")
    if token and stamp and token[0] and stamp[0]:
        return FormToken(token[0], stamp[0])
    for a in doc.iter("a"):
        href = a.get("href") or ""
        if LOGOUT_LINK in href or "form_token=" in href:
            q = _query(href)
            if q.get("form_token") and q.get("timestamp"):
                return FormToken(q["form_token"], q["timestamp"])
    return None


# -- albums open to uploads --------------------------------------------------------------
@dataclass(frozen=True)
class UploadAlbum:
    """One ``<option>`` of the upload form's album list, with the label of its ``<optgroup>``."""

    aid: int
    title: str
    group: str | None


def upload_albums(page: str | bytes | lxml.html.HtmlElement) -> list[UploadAlbum] | None:
    """Albums the upload form offers; None when the page has no album list (no upload right, error page)."""
    doc = _doc(page)
    selects = doc.xpath("//select[@name='album']")
    if not selects:
        return None
    out: list[UploadAlbum] = []
    for opt in selects[0].iter("option"):
        aid = whole_number((opt.get("value") or "").strip())
        if aid is None or aid <= 0:
            continue
        label = next((g.get("label") for g in opt.iterancestors("optgroup")), None)
        group = " ".join(label.split()) if label is not None else None  # 1.6 pads user names with &nbsp;
        out.append(UploadAlbum(aid, _text(opt), group))
    return out


# -- the album tree (index.php?cat=N) -----------------------------------------------------
@dataclass
class CategoryPage:
    """What one ``index.php?cat=<cid>[&page=<n>]`` page says about the album tree."""

    chain: tuple[tuple[int, str], ...] | None
    """The category chain of the page from its breadcrumb, outermost first (None: no breadcrumb found)."""
    categories: dict[int, str] = field(default_factory=dict)
    """Every category linked from the page (id -> link text), to visit in turn."""
    albums: dict[int, str] = field(default_factory=dict)
    """Albums linked from the page (id -> title): its own and the first ones of its sub-categories."""
    pages: int = 1
    """How many pages the category's album list has."""


def breadcrumb(page: str | bytes | lxml.html.HtmlElement, cid: int) -> tuple[tuple[int, str], ...] | None:
    """The chain of categories down to ``cid`` from a page's breadcrumb ("Home > Travel > Europe"), or None.

    The breadcrumb is a run of sibling links: ``index.php`` first, then ``index.php?cat=<id>``
    links, the last one to ``cid`` (on an album page it may go on to the album).
    """
    doc = _doc(page)
    for parent in doc.iter():
        if not isinstance(parent.tag, str):
            continue
        links = [a for a in parent if isinstance(a.tag, str) and a.tag == "a"]
        if len(links) < 1 or not _HOME_LINK.search(links[0].get("href") or ""):
            continue
        chain: list[tuple[int, str]] = []
        for a in links[1:]:
            m = CATEGORY_LINK.search(a.get("href") or "")
            if m is None:
                break
            chain.append((int(m.group(1)), _text(a)))
        if cid == 0 and not chain and len(links) == 1:
            return ()
        if chain and chain[-1][0] == cid:
            return tuple(chain)
    return None


def category_page(page: str | bytes | lxml.html.HtmlElement, cid: int) -> CategoryPage:
    """Parse one category page: its chain, the categories and albums it links, its album-list pages."""
    doc = _doc(page)
    result = CategoryPage(breadcrumb(doc, cid))
    for a in doc.iter("a"):
        href = (a.get("href") or "").replace("&amp;", "&")
        title = _text(a)
        m = ALBUM_LINK.search(href)
        if m is not None:
            aid = int(m.group(1))
            if title and aid not in result.albums:
                result.albums[aid] = title
            continue
        m = CATEGORY_LINK.search(href)
        if m is None:
            continue
        other = int(m.group(1))
        q = _query(href)
        if other == cid and q.get("page", "").isdigit():
            result.pages = max(result.pages, int(q["page"]))
        elif other not in (0, cid) and not result.categories.get(other):
            result.categories[other] = title  # a user gallery is often linked by a thumbnail only
    return result


# -- an album's thumbnails (thumbnails.php) ------------------------------------------------
@dataclass
class ThumbPage:
    """One page of an album: its pictures and how many pages the album has."""

    photos: list[dict] = field(default_factory=list)
    pages: int = 1
    total: int | None = None


def _pid_of(href: str) -> tuple[int | None, int | None]:
    if not PICTURE_LINK.search(href):
        return None, None
    q = _query(href)
    return whole_number(q.get("pid")), whole_number(q.get("album"))


def _picture_key(href: str) -> tuple[str, int] | None:
    """Which picture a thumbnail link names: ("pid", N) (1.5 and later), ("pos", K) (1.4 links by position), or None."""
    if not PICTURE_LINK.search(href):
        return None
    q = _query(href)
    pid, pos = whole_number(q.get("pid")), whole_number(q.get("pos"))
    if pid is not None:
        return ("pid", pid)
    if pos is not None and pos >= 0:
        return ("pos", pos)
    return None


def _cells(links: list[tuple[lxml.html.HtmlElement, tuple[str, int]]]) -> list[lxml.html.HtmlElement]:
    """For each picture link, the largest element around it that holds no other picture's link.

    One pass: each link marks its ancestors with its picture; an ancestor two pictures mark is shared.
    """
    seen: dict[lxml.html.HtmlElement, tuple[str, int] | None] = {}
    for link, key in links:
        for anc in link.iterancestors():
            if anc in seen and seen[anc] != key:
                seen[anc] = None  # holds another picture's link too
            else:
                seen.setdefault(anc, key)
    cells = []
    for link, key in links:
        cell = link
        for anc in link.iterancestors():
            if seen.get(anc) != key or anc.tag in ("body", "html"):
                break
            cell = anc
        cells.append(cell)
    return cells


def _first_with_class(root: lxml.html.HtmlElement, names: tuple[str, ...]) -> lxml.html.HtmlElement | None:
    for el in root.iter():
        if isinstance(el.tag, str) and _has_class(el, names):
            return el
    return None


@functools.cache
def _class_xpath(name: str) -> etree.XPath:
    return etree.XPath(f"descendant-or-self::*[contains(concat(' ', normalize-space(@class)), ' {name}')][1]")


def _first_by_class(root: lxml.html.HtmlElement, name: str) -> lxml.html.HtmlElement | None:
    """The first element in ``root`` (itself included) with a class that begins with ``name`` (a compiled XPath)."""
    found = _class_xpath(name)(root)
    return found[0] if isinstance(found, list) and found else None


def _joiner(base_url: str) -> Callable[[str], str]:
    """``urljoin(base_url, ref)``, quick for the plain relative links a gallery's pages are made of."""
    parts = urlsplit(base_url)
    folder = base_url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[0] + "/"
    origin = f"{parts.scheme}://{parts.netloc}"

    def join(ref: str) -> str:
        if not ref or "://" in ref or ref.startswith(("./", "../", "?", "#", "//")) or "/../" in ref or "/./" in ref:
            return urljoin(base_url, ref)
        return origin + ref if ref.startswith("/") else folder + ref

    return join


def _file_of(src: str) -> tuple[str, str]:
    """(folder URL, original file name) from a ``thumb_``/``normal_`` picture URL."""
    path = urlsplit(src).path
    folder, _, name = path.rpartition("/")
    name = unquote(name)
    for prefix in (THUMB_PREFIX, NORMAL_PREFIX):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return folder + "/", name


def _spans(cell: lxml.html.HtmlElement, name: str) -> list[lxml.html.HtmlElement]:
    """The cell's spans whose classes are exactly ``name`` (1.4's and 1.5's captions have no second class)."""
    return [el for el in cell.iter("span") if (el.get("class") or "").split() == [name]]


def _old_captions(cells: list[lxml.html.HtmlElement], dated: bool) -> list[tuple[str, str]]:
    """(title, caption) of each cell of a 1.4 or 1.5 album page, where every line is a ``span.thumb_title`` or
    ``span.thumb_caption``: the title (when the picture has one), the view count (when the gallery shows it),
    the owner (a ``profile.php`` link); the caption, the upload date (``lastup`` pages)."""
    titles = [
        [t for t in _spans(c, "thumb_title") if not t.xpath(".//a[contains(@href, 'profile.php')]")] for c in cells
    ]
    views_shown = any(len(t) >= 2 for t in titles) or (
        any(titles) and all(texts.views_template(_text(t[0])) for t in titles if len(t) == 1)
    )
    out = []
    for cell, lines in zip(cells, titles):
        if views_shown and lines:
            lines = lines[:-1]  # the view count comes after the title
        captions = _spans(cell, "thumb_caption")
        if dated and captions:
            captions = captions[:-1]  # the upload date comes last
        out.append((_text(lines[0]) if lines else "", _text(captions[0]) if captions else ""))
    return out


def thumbnails(
    page: str | bytes | lxml.html.HtmlElement, base_url: str, album: int | None = None, *, dated: bool = False
) -> ThumbPage:
    """The pictures of one ``thumbnails.php`` page, in page order, with absolute URLs.

    Pictures linked by pid (1.5 and later) have their ``id``; 1.4 links them by their position in
    the album (``displayimage.php?album=N&pos=K``): such rows have ``id`` None and ``pos`` K, and
    the caller asks the picture's page for its pid. ``dated``: a ``lastup`` page, whose last
    caption line is the upload date.
    """
    doc = _doc(page)
    result = ThumbPage()
    seen: set[tuple[str, int]] = set()
    anchors = [(a, a.get("href") or "") for a in doc.iter("a")]
    every = [(a, k) for a, h in anchors if "displayimage" in h and (k := _picture_key(h)) is not None]
    links = []
    for a, key in every:
        img = next(a.iter("img"), None)
        if img is not None and key not in seen:
            seen.add(key)
            links.append((a, key, img))
    cells = _cells(every)
    cell_of = dict(zip((id(a) for a, _ in every), cells))
    cells = []
    join = _joiner(base_url)
    for a, key, img in links:
        href = a.get("href") or ""
        _, aid = _pid_of(href)
        cell = cell_of[id(a)]
        cells.append(cell)
        src = join(img.get("src") or "")
        _, filename = _file_of(src)
        hint = img.get("title") or ""
        m = re.search(r"(?:File ?name)\s*[=:]\s*(\S+)", hint, re.I)
        if m and not filename:
            filename = m.group(1)
        title_el = _first_by_class(cell, THUMB_TITLE_CLASS)
        caption_el = _first_by_class(cell, THUMB_CAPTION_CLASS)
        row = {
            "id": key[1] if key[0] == "pid" else None,
            "album_id": aid if aid is not None else album,
            "title": _text(title_el),
            "description": _text(caption_el),
            "filename": filename,
            "thumb_url": src,
            "url": (src.rsplit("/", 1)[0] + "/" + _quote_name(filename)) if filename else None,
            "page_url": join(href.replace("&amp;", "&")),
        }
        if key[0] == "pos":
            row["pos"] = key[1]
        result.photos.append(row)
    if cells and _first_by_class(doc, THUMB_TITLE_CLASS) is None and _first_by_class(doc, THUMB_CAPTION_CLASS) is None:
        for row, (title, caption) in zip(result.photos, _old_captions(cells, dated)):
            row["title"], row["description"] = title, caption
    pages = 1
    for _, href in anchors:
        if "thumbnails.php" in href and "page=" in href:
            q = _query(href)
            if album is None or whole_number(q.get("album")) in (None, album):
                pages = max(pages, whole_number(q.get("page")) or 1)
    heads = doc.xpath("//td[contains(@class, 'tableh1')]")  # where "<N> files on <P> page(s)" stands
    m = next(filter(None, (FILES_ON_PAGES.search(_text(h)) for h in heads)), None)
    if m:
        result.total = int(m.group(1))
        pages = max(pages, int(m.group(2)))
    result.pages = pages
    return result


def links_album(page: str | bytes | lxml.html.HtmlElement, aid: int) -> bool:
    """Whether the page links ``thumbnails.php?album=<aid>`` (a breadcrumb names an album that exists)."""
    for a in _doc(page).iter("a"):
        m = ALBUM_LINK.search((a.get("href") or "").replace("&amp;", "&"))
        if m is not None and int(m.group(1)) == aid:
            return True
    return False


_ADDFAV = re.compile(r"(?:^|/)addfav\.php\?(?:.*&)?pid=(\d+)")
_BARE_PICTURE = re.compile(r"(?:^|/)displayimage\.php\?pid=(\d+)$")


def shown_pid(page: str | bytes | lxml.html.HtmlElement) -> int | None:
    """The pid of the picture a ``displayimage.php`` page shows (its favorites link, else its URL), or None."""
    doc = _doc(page)
    bare = None
    for a in doc.iter("a"):
        href = (a.get("href") or "").replace("&amp;", "&")
        m = _ADDFAV.search(href)
        if m is not None:
            return int(m.group(1))
        m = _BARE_PICTURE.search(href)
        if m is not None and bare is None:
            bare = int(m.group(1))
    return bare


def _quote_name(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# -- one picture (displayimage.php) --------------------------------------------------------
def _info_rows(doc: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    """Label -> value element of the picture information table (any element pair "Label:" then value)."""
    rows: dict[str, lxml.html.HtmlElement] = {}
    for cell in doc.iter("td", "th", "dt", "span", "div", "strong", "b"):
        label = _text(cell)
        if not label.endswith(":") or len(label) > 40 or len(cell) > 1:
            continue
        key = INFO_LABELS.get(label[:-1].strip().lower()) or _label_key(label)
        if key is None or key in rows:
            continue
        value = cell.getnext()
        if value is None and cell.tag in ("strong", "b", "span"):
            parent = cell.getparent()
            value = parent.getnext() if parent is not None else None
        if value is not None:
            rows[key] = value
    return rows


_LABEL_KEYS = {
    "label_filename": "filename",
    "label_album": "album_name",
    "label_keywords": "keywords",
    "label_filesize": "filesize",
    "label_dimensions": "dimensions",
    "label_date_added": "date_added",
}


def _label_key(label: str) -> str | None:
    """The information table's row a label names in any shipped language ("Dateiname:" is the file name)."""
    return next((key for name, key in _LABEL_KEYS.items() if texts.is_label(name, label)), None)


def _marked(doc: lxml.html.HtmlElement, block: str) -> str | None:
    """The text of the template block 1.4 marks with ``<!-- BEGIN <block> -->`` (its picture title and caption)."""
    for el in doc.iter(etree.Comment):
        if (el.text or "").strip() == f"BEGIN {block}":
            nxt = el.getnext()
            return _text(nxt) if nxt is not None else ""
    return None


def _keyword_links(doc: lxml.html.HtmlElement) -> list[str]:
    """The keywords as the picture page links them to a search (1.5+: ``keywords=on``; 1.4: ``search=`` only,
    inside the information block)."""
    found = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").replace("&amp;", "&")
        if "album=search" not in href or not _text(a):
            continue
        if "keywords=on" in href or any(p.get("id") == "picinfo" for p in a.iterancestors()):
            found.append(_text(a))
    return found


def picture(page: str | bytes | lxml.html.HtmlElement, base_url: str, pid: int | None = None) -> dict:
    """Title, caption, keywords, file name and URLs of one picture, from its ``displayimage.php`` page."""
    doc = _doc(page)
    info = _info_rows(doc)
    title_el = _first_with_class(doc, PIC_TITLE_CLASSES)
    caption_el = _first_with_class(doc, PIC_CAPTION_CLASSES)
    title = _text(title_el) if title_el is not None else (_marked(doc, "title") or _text(info.get("title")))
    caption = _text(caption_el) if caption_el is not None else (_marked(doc, "caption") or _text(info.get("caption")))

    keywords: list[str] = []
    kw_el = info.get("keywords")
    if kw_el is not None:
        links = [_text(a) for a in kw_el.iter("a") if _text(a)]
        keywords = links or [k for k in re.split(r"[\s,;]+", _text(kw_el)) if k]
    else:
        keywords = _keyword_links(doc)

    filename = _text(info.get("filename")) or None
    album = None
    album_el = info.get("album_name")
    if album_el is not None:
        for a in album_el.iter("a"):
            m = ALBUM_LINK.search(a.get("href") or "")
            if m:
                album = int(m.group(1))
                break
    shown = None
    for img in doc.iter("img"):
        src = img.get("src") or ""
        if "albums/" not in src:
            continue
        folder, name = _file_of(src)
        base = urlsplit(src).path.rpartition("/")[2]
        if filename and name == filename and not base.startswith(THUMB_PREFIX):
            shown = urljoin(base_url, src)
            break
        if shown is None and not base.startswith(THUMB_PREFIX) and _has_class(img, ("image", "fullsize", "display")):
            shown = urljoin(base_url, src)
            if not filename:
                filename = name
    url = None
    if shown is not None and filename:
        folder, _ = _file_of(shown)
        url = urljoin(shown, folder + _quote_name(filename))
    fullsize = None
    for el in doc.iter("a"):
        blob = " ".join(filter(None, (el.get("href"), el.get("onclick"))))
        m = re.search(r"displayimage\.php\?[^'\"\s]*fullsize=1[^'\"\s]*", blob)
        if m:
            fullsize = urljoin(base_url, m.group(0).replace("&amp;", "&"))
            break
    if album is None:
        for a in doc.iter("a"):
            p, aid = _pid_of(a.get("href") or "")
            if aid is not None and (pid is None or p == pid):
                album = aid
                break
    dims = _text(info.get("dimensions"))
    m = re.search(r"(\d+)\s*[x×]\s*(\d+)", dims)
    return {
        "id": pid,
        "album_id": album,
        "title": title,
        "description": caption,
        "tags": keywords,
        "taken": None,
        "page_url": urljoin(base_url, f"displayimage.php?pid={pid}") if pid is not None else None,
        "original_url": url,
        "filename": filename,
        "display_url": shown,
        "fullsize_page": fullsize,
        "width": int(m.group(1)) if m else None,
        "height": int(m.group(2)) if m else None,
        "filesize": _text(info.get("filesize")) or None,
        "date_added": _text(info.get("date_added")) or None,
        "album_name": _text(album_el) or None,
        "shown_pid": shown_pid(doc),
    }


def fullsize_image(page: str | bytes | lxml.html.HtmlElement, base_url: str) -> str | None:
    """The original picture's URL on a ``displayimage.php?fullsize=1`` page."""
    doc = _doc(page)
    for img in doc.iter("img"):
        src = img.get("src") or ""
        name = urlsplit(src).path.rpartition("/")[2]
        if "albums/" in src and not name.startswith((THUMB_PREFIX, NORMAL_PREFIX)):
            return urljoin(base_url, src)
    return None


def personal_category(page: str | bytes | lxml.html.HtmlElement, username: str | None = None) -> int | None:
    """The signed-in user's own category (``10000 + uid``) from the menu's "My gallery" link, or None.

    The link is known by its icon (``my_gallery.png``, 1.5 and later) or its words in any shipped
    language; else by being the index page's only link to a user gallery, or one named after the user.
    """
    doc = _doc(page)
    named = None
    users: set[int] = set()
    for a in doc.iter("a"):
        m = CATEGORY_LINK.search(a.get("href") or "")
        if not m or int(m.group(1)) < 10000:
            continue
        cid = int(m.group(1))
        users.add(cid)
        if any("my_gallery" in (img.get("src") or "") for img in a.iter("img")):
            return cid
        for label in (_text(a), a.get("title") or ""):
            if label and (texts.is_label("my_gallery", label) or "my gallery" in label.lower()):
                return cid
        if username and _text(a).lower() == username.lower() and named is None:
            named = cid
    if named is None and len(users) == 1:
        named = users.pop()
    return named


_UID_LINK = re.compile(r"(?:^|/)thumbnails\.php\?(?:.*&)?album=lastcomby&(?:.*&)?uid=(\d+)")


def profile_uid(page: str | bytes | lxml.html.HtmlElement) -> int | None:
    """The signed-in user's id from their profile page (``profile.php?op=edit_profile`` links
    ``thumbnails.php?album=lastcomby&uid=<id>`` on 1.5 and later), or None."""
    for a in _doc(page).iter("a"):
        m = _UID_LINK.search((a.get("href") or "").replace("&amp;", "&"))
        if m:
            return int(m.group(1))
    return None


# -- the album editor (editpics.php) ---------------------------------------------------------
def album_editor(page: str | bytes | lxml.html.HtmlElement, base_url: str) -> list[dict]:
    """The pictures the album editor ``editpics.php?album=<aid>`` lists, newest first: id, title, description,
    keywords (raw, as the gallery joined them), filename and url (its ``<tt>`` shows the file's URL)."""
    doc = _doc(page)
    out = []
    for field_ in doc.xpath("//input[@name='pid[]']"):
        pid = whole_number(field_.get("value"))
        if pid is None:
            continue
        title = doc.xpath(f"//input[@name='title{pid}']/@value")
        caption = doc.xpath(f"//textarea[@name='caption{pid}']")
        keywords = doc.xpath(f"//input[@name='keywords{pid}']/@value")
        file_ = field_.xpath("preceding::tt[1]")
        url = urljoin(base_url, _text(file_[0])) if file_ else None
        out.append(
            {
                "id": pid,
                "title": " ".join((title[0] if title else "").split()),
                "description": (caption[0].text or "").strip() if caption else "",
                "keywords": keywords[0] if keywords else "",
                "filename": unquote(urlsplit(url).path.rpartition("/")[2]) if url else None,
                "url": url,
            }
        )
    return out
