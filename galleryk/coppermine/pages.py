"""Everything galleryk reads from stock Coppermine (1.5-1.7) HTML pages, written down in one place.

The web protocol has no machine-readable replies, so the client depends on page structure.
These are the facts it relies on; a theme may move elements around, so each parser looks for
*links and class names*, never for table positions:

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
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

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


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# -- sign-in state, messages, form tokens ----------------------------------------------------
def is_logged_in(page: str | bytes | lxml.html.HtmlElement) -> bool:
    """Whether the page shows a signed-in user (it offers a logout link)."""
    return any(LOGOUT_LINK in (a.get("href") or "") for a in _doc(page).iter("a"))


def messages(page: str | bytes | lxml.html.HtmlElement) -> list[str]:
    """The gallery's own messages on a page (validation, errors, warnings, notices), outermost first."""
    doc = _doc(page)
    found: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str) or not _has_class(el, MESSAGE_CLASSES):
            continue
        if any(_has_class(a, MESSAGE_CLASSES) for a in el.iterancestors()):
            continue
        text = _text(el)
        if text and text not in found:
            found.append(text)
    return found


def is_gallery_page(page: str | bytes | lxml.html.HtmlElement) -> bool:
    """Whether the page is one of the gallery's own (its menu offers login or logout), not a PHP error page."""
    doc = _doc(page)
    return any(
        LOGOUT_LINK in (a.get("href") or "") or LOGIN_LINK in (a.get("href") or "") for a in doc.iter("a")
    ) or bool(messages(doc))


def ban_message(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """The gallery's "you are banned" message on a page, or None."""
    for text in messages(page):
        if re.search(r"\bbanned\b", text, re.I):
            return text
    return None


def die_message(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """The message of a ``cpg_die`` box (an error page, a ban), or None when the page has none.

    A notice such as an empty album's "No image to display" is not in such a box.
    """
    for el in _doc(page).iter():
        if not isinstance(el.tag, str) or el.get("id") == "cpgMessage":
            continue
        classes = (el.get("class") or "").lower().split()
        if not any(c in DIE_CLASSES for c in classes) or el.find(".//h2") is None:
            continue
        span = next(
            (x for x in el.iter() if isinstance(x.tag, str) and USER_MESSAGE_CLASS in (x.get("class") or "").split()),
            None,
        )
        return _text(span) if span is not None else _text(el)
    return None


def keyword_separator(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """The gallery's keyword separator as the upload form's label names it, or None when it does not say."""
    m = _SEPARATOR_LABEL.search(_text(_doc(page)))
    if m is None:
        return None
    word = m.group(1).lower().rstrip("s")
    return KEYWORD_SEPARATORS.get(word)


def login_failure(page: str | bytes | lxml.html.HtmlElement) -> str | None:
    """The "Login failed" (or ban) message of a login reply, or None when the page shows none."""
    doc = _doc(page)
    for el in doc.iter():
        if isinstance(el.tag, str) and "cpg_message_validation" in (el.get("class") or ""):
            return _text(el) or "Login failed"
    for text in messages(doc):
        if re.search(r"login failed|banned|incorrect|wrong password|invalid", text, re.I):
            return text
    return None


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
        aid = _int((opt.get("value") or "").strip())
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
    return _int(q.get("pid")), _int(q.get("album"))


def _cell_of(link: lxml.html.HtmlElement, pid: int) -> lxml.html.HtmlElement:
    """The largest element around a thumbnail link that holds no other picture's link."""
    cell = link
    for anc in link.iterancestors():
        others = False
        for a in anc.iter("a"):
            other, _ = _pid_of(a.get("href") or "")
            if other is not None and other != pid:
                others = True
                break
        if others or anc.tag in ("body", "html"):
            break
        cell = anc
    return cell


def _first_with_class(root: lxml.html.HtmlElement, names: tuple[str, ...]) -> lxml.html.HtmlElement | None:
    for el in root.iter():
        if isinstance(el.tag, str) and _has_class(el, names):
            return el
    return None


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


def thumbnails(page: str | bytes | lxml.html.HtmlElement, base_url: str, album: int | None = None) -> ThumbPage:
    """The pictures of one ``thumbnails.php`` page, in page order, with absolute URLs."""
    doc = _doc(page)
    result = ThumbPage()
    seen: set[int] = set()
    for a in doc.iter("a"):
        href = a.get("href") or ""
        pid, aid = _pid_of(href)
        if pid is None or pid in seen:
            continue
        img = next(a.iter("img"), None)
        if img is None:
            continue
        seen.add(pid)
        cell = _cell_of(a, pid)
        src = urljoin(base_url, img.get("src") or "")
        folder, filename = _file_of(src)
        hint = img.get("title") or ""
        m = re.search(r"(?:File ?name)\s*[=:]\s*(\S+)", hint, re.I)
        if m and not filename:
            filename = m.group(1)
        title_el = _first_with_class(cell, (THUMB_TITLE_CLASS,))
        caption_el = _first_with_class(cell, (THUMB_CAPTION_CLASS,))
        result.photos.append(
            {
                "id": pid,
                "album_id": aid if aid is not None else album,
                "title": _text(title_el),
                "description": _text(caption_el),
                "filename": filename,
                "thumb_url": src,
                "url": urljoin(src, folder + _quote_name(filename)) if filename else None,
                "page_url": urljoin(base_url, href),
            }
        )
    pages = 1
    for a in doc.iter("a"):
        href = a.get("href") or ""
        if "thumbnails.php" in href and "page=" in href:
            q = _query(href)
            if album is None or _int(q.get("album")) in (None, album):
                pages = max(pages, _int(q.get("page")) or 1)
    m = FILES_ON_PAGES.search(_text(doc))
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
        key = INFO_LABELS.get(label[:-1].strip().lower())
        if key is None or key in rows:
            continue
        value = cell.getnext()
        if value is None and cell.tag in ("strong", "b", "span"):
            parent = cell.getparent()
            value = parent.getnext() if parent is not None else None
        if value is not None:
            rows[key] = value
    return rows


def picture(page: str | bytes | lxml.html.HtmlElement, base_url: str, pid: int | None = None) -> dict:
    """Title, caption, keywords, file name and URLs of one picture, from its ``displayimage.php`` page."""
    doc = _doc(page)
    info = _info_rows(doc)
    title_el = _first_with_class(doc, PIC_TITLE_CLASSES)
    caption_el = _first_with_class(doc, PIC_CAPTION_CLASSES)
    title = _text(title_el) if title_el is not None else _text(info.get("title"))
    caption = _text(caption_el) if caption_el is not None else _text(info.get("caption"))

    keywords: list[str] = []
    kw_el = info.get("keywords")
    if kw_el is not None:
        links = [_text(a) for a in kw_el.iter("a") if _text(a)]
        keywords = links or [k for k in re.split(r"[\s,;]+", _text(kw_el)) if k]
    else:
        for a in doc.iter("a"):
            href = a.get("href") or ""
            if "album=search" in href and "keywords=on" in href and _text(a):
                keywords.append(_text(a))

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
    """The signed-in user's own category (``10000 + uid``) from the "My gallery" link, or a link named after them."""
    doc = _doc(page)
    named = None
    for a in doc.iter("a"):
        m = CATEGORY_LINK.search(a.get("href") or "")
        if not m or int(m.group(1)) < 10000:
            continue
        label = " ".join(filter(None, (_text(a), a.get("title") or ""))).lower()
        if "my gallery" in label:
            return int(m.group(1))
        if username and _text(a).lower() == username.lower() and named is None:
            named = int(m.group(1))
    return named
