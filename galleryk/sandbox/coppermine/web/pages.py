"""The markup of the sandbox's stock Coppermine 1.6 pages: every id, class, name and link a client reads.

A minimal theme, written for the sandbox, that keeps the structure of 1.6's classic theme
where clients look: the ``logout.php?form_token=..&timestamp=..`` link of a signed-in user,
``cpgMessage cpg_message_<kind>`` message boxes, the ``cpg_die`` error table, the upload
form's ``<select name="album">`` with ``<optgroup>``s, the breadcrumb's sibling links, the bare
``sidebar.php`` template's ``<ul id="tree">``,
thumbnail cells with ``span.thumb_title_title`` / ``span.thumb_caption_caption`` and the
"N files on P page(s)" line, and the picture page's ``.pic_title`` / ``.pic_caption`` and
"Label:" / value information table. Functions here return text; they decide nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote, urlencode

GALLERY_NAME = "Sandbox gallery"

# Class names and ids clients depend on, in one place.
DIE_CLASS = "cpg_message_{kind}"
TREE_ID = "tree"
THUMB_TITLE_CLASS = "thumb_title thumb_title_title"
THUMB_CAPTION_CLASS = "thumb_caption thumb_caption_caption"
THUMB_DATE_CLASS = "thumb_caption thumb_caption_ctime"
PIC_TITLE_CLASS = "pic_title"
PIC_CAPTION_CLASS = "pic_caption"


def h(text: object) -> str:
    """Text escaped for HTML content and attribute values."""
    return escape(str(text), quote=True)


def link(script: str, /, **query: object) -> str:
    """A relative link to a gallery script with its query, escaped for an ``href``."""
    return h(f"{script}?{urlencode(query)}" if query else script)


def file_url(filepath: str, filename: str, prefix: str = "") -> str:
    """The URL (relative to the gallery base) of a stored file or its ``thumb_``/``normal_`` variant."""
    return "albums/" + quote(f"{filepath}{prefix}{filename}")


PERSONAL_GROUP = "\u00a0\u00a0\u00a0\u00a0"
"""1.6 pads the user's name with four non-breaking spaces in the upload list's personal group."""


@dataclass(frozen=True)
class Viewer:
    """Who a page is drawn for: their name (None for a guest) and, when signed in, a form token."""

    name: str | None
    form_token: str = ""
    timestamp: str = ""
    personal_category: int | None = None


@dataclass
class TreeNode:
    """A category (``index.php?cat=``) or an album (``thumbnails.php?album=``) of the gallery tree."""

    kind: str
    id: int
    name: str
    children: list[TreeNode] = field(default_factory=list)


# -- the frame of every page --------------------------------------------------------------------
def page(title: str, body: str, viewer: Viewer, charset: str) -> str:
    """A whole page: head, menu (login or logout link), content."""
    if viewer.name is None:
        account = f'<li><a href="{link("login.php", referer="index.php")}" title="Log in">Login</a></li>'
    else:
        logout = link("logout.php", form_token=viewer.form_token, timestamp=viewer.timestamp)
        account = f'<li><a href="{logout}" title="Log out">Logout [{h(viewer.name)}]</a></li>'
        if viewer.personal_category is not None:
            mine = link("index.php", cat=viewer.personal_category)
            account = f'<li><a href="{mine}" title="Go to my personal gallery">My gallery</a></li>\n' + account
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={h(charset)}" />
<title>{h(GALLERY_NAME)} - {h(title)}</title>
</head>
<body>
<div id="cpg_logo_block_outer"><h1><a href="index.php">{h(GALLERY_NAME)}</a></h1></div>
<div id="cpg_header_block_outer">
<ul id="main_menu">
<li><a href="index.php" title="Go to the album list">Album list</a></li>
<li><a href="upload.php?single" title="Upload a file into an album">Upload file</a></li>
{account}
</ul>
</div>
<div id="cpg_main_block_outer">
{body}
</div>
<div class="footer" align="center">Sandbox stand-in for Coppermine Photo Gallery 1.6</div>
</body>
</html>
"""


def message_box(text: str, kind: str = "info") -> str:
    """1.6's message block after a redirect (``message_id``): ``kind`` is success, info, warning or error."""
    return (
        f'<a name="cpgMessageBlock"></a><div id="cpgMessage" class="cpg_user_message cpg_message_{kind}">'
        f"{h(text)}</div>\n"
    )


def info_box(message: str) -> str:
    """1.6's bare message box (``msg_box``): no heading, as the ban notice is drawn."""
    return f'<div class="cpg_message_info">\n<span class="cpg_user_message">{h(message)}</span>\n</div>\n'


def die_body(title: str, message: str, kind: str = "error") -> str:
    """The body of a ``cpg_die`` page (1.6 answers them with status 200): ``kind`` is info, warning or error."""
    return f"""<div class="{DIE_CLASS.format(kind=kind)}">
<h2>{h(title)}</h2>
<span class="cpg_user_message">{h(message)}</span>
<br /><br />
</div>
"""


def breadcrumb(chain: Sequence[tuple[int, str]], album: tuple[int, str] | None = None) -> str:
    """1.6's breadcrumb: Home > category > ... [> album], sibling links in one cell."""
    links = ['<a href="index.php">Home</a>']
    links += [f'<a href="{link("index.php", cat=cid)}">{h(name)}</a>' for cid, name in chain]
    if album is not None:
        links.append(f'<a href="{link("thumbnails.php", album=album[0])}">{h(album[1])}</a>')
    return f'<table width="100%"><tr><td class="statlink">{" &gt; ".join(links)}</td></tr></table>\n'


# -- login ---------------------------------------------------------------------------------
def login_body(referer: str, failure: str | None = None) -> str:
    """The login form, with a validation message above it after a failed attempt."""
    note = ""
    if failure is not None:
        note = message_box(failure, "validation")
    action = link("login.php", referer=referer)
    return f"""{note}<form action="{action}" method="post" name="loginbox" id="cpgform">
<table class="maintable" align="center">
<tr><td class="tableh1" colspan="2"><h2>Log in</h2></td></tr>
<tr><td class="tableb">User name</td><td class="tableb"><input type="text" class="textinput" name="username" id="username" /></td></tr>
<tr><td class="tableb">Password</td><td class="tableb"><input type="password" class="textinput" name="password" id="password" /></td></tr>
<tr><td class="tableb" colspan="2"><input type="checkbox" name="remember_me" id="remember_me" value="1" /><label for="remember_me">Remember me</label></td></tr>
<tr><td class="tablef" colspan="2"><input type="hidden" name="submitted" value="1" /><button type="submit" class="button">Log in</button></td></tr>
</table>
</form>
"""


# -- the gallery tree ------------------------------------------------------------------------
def _tree_items(nodes: Iterable[TreeNode], indent: str) -> str:
    out = []
    for node in nodes:
        if node.kind == "album":
            out.append(f'{indent}<li><a href="{link("thumbnails.php", album=node.id)}">{h(node.name)}</a></li>')
            continue
        head = f'<span class="folder"><a href="{link("index.php", cat=node.id)}">{h(node.name)}</a></span>'
        if node.children:
            inner = _tree_items(node.children, indent + "  ")
            out.append(f"{indent}<li>{head}\n{indent}<ul>\n{inner}\n{indent}</ul></li>")
        else:
            out.append(f"{indent}<li>{head}</li>")
    return "\n".join(out)


def sidebar_page(nodes: Sequence[TreeNode], charset: str) -> str:
    """``sidebar.php``: 1.6's bare template, the tree the viewer may see and nothing else (no menu, no login link)."""
    return f"""<!DOCTYPE html>
<html dir="ltr">
<head>
<meta http-equiv="content-type" content="text/html; charset={h(charset)}" />
<title>Side Bar - {h(GALLERY_NAME)}</title>
</head>
<body>
<ul id="{TREE_ID}" class="treeview">
<li><a href="index.php">{h(GALLERY_NAME)}</a>
<ul>
{_tree_items(nodes, "  ")}
</ul>
</li>
</ul>
</body>
</html>
"""


def index_body(
    title: str,
    nodes: Sequence[TreeNode],
    message: str | None = None,
    kind: str = "success",
    chain: Sequence[tuple[int, str]] = (),
    blocks: str = "",
) -> str:
    """``index.php``: the breadcrumb, then the categories and albums under one category (or the top), then
    ``blocks`` (the front page's thumbnail blocks)."""
    note = (message_box(message, kind) if message else "") + (breadcrumb(chain) if chain else "")
    rows = []
    for node in nodes:
        if node.kind == "album":
            rows.append(
                f'<tr><td class="tableb albums"><a href="{link("thumbnails.php", album=node.id)}" class="albums">'
                f"{h(node.name)}</a></td></tr>"
            )
        else:
            rows.append(
                f'<tr><td class="catrow"><span class="catlink"><a href="{link("index.php", cat=node.id)}">'
                f"{h(node.name)}</a></span></td></tr>"
            )
    if not rows:
        rows.append('<tr><td class="tableb">Nothing to show here.</td></tr>')
    body = "\n".join(rows)
    return f"""{note}<table class="maintable" width="100%">
<tr><td class="tableh1"><h2>{h(title)}</h2></td></tr>
{body}
</table>
{blocks}"""


# -- album pages -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Thumb:
    pid: int
    aid: int
    filepath: str
    filename: str
    title: str
    caption: str
    filesize: int
    width: int
    height: int
    approved: bool
    ctime: float = 0.0


def _thumb_cell(
    t: Thumb, query: dict[str, object], dated: bool = False, width: str = "", captioned: bool = True
) -> str:
    """One thumbnail's cell: the picture's link (naming ``query``'s album), its title, then its upload date
    (``dated``) or caption (``captioned``)."""
    tip = f"Filename={t.filename} Filesize={max(1, t.filesize // 1024)}KiB Dimensions={t.width}x{t.height}"
    title = f'<span class="{THUMB_TITLE_CLASS}">{h(t.title)}</span>' if t.title else ""
    if dated:
        day = time.strftime("%b %d, %Y", time.localtime(t.ctime))
        caption = f'<span class="{THUMB_DATE_CLASS}">{day}</span>'
    else:
        caption = f'<span class="{THUMB_CAPTION_CLASS}">{h(t.caption)}</span>' if t.caption and captioned else ""
    return (
        f'<td valign="top" class="thumbnails"{width} align="center"><table><tr><td align="center">'
        f'<a href="{link("displayimage.php", **query, pid=t.pid)}#top_display_media">'
        f'<img src="{h(file_url(t.filepath, t.filename, "thumb_"))}" class="image thumbnail" '
        f'alt="{h(t.filename)}" title="{h(tip)}" /><br /></a>{title}{caption}</td></tr></table></td>'
    )


def thumb_block(heading: str, thumbs: Sequence[Thumb], query: dict[str, object], cols: int, dated: bool = False) -> str:
    """One of the index pages' blocks ("Random files", "Last additions"): a heading over rows of ``cols``
    thumbnails (titles, no captions, as 1.6.26 draws them), the last row filled with empty cells, or "No image
    to display" when there are none."""
    top = (
        f'<tr><td class="" colspan="{cols if thumbs else 1}"><div class="cpg_starttable_outer">'
        f'<div class="cpg_starttable_inner">{h(heading)}</div></div></td></tr>'
    )
    if not thumbs:
        rows = (
            '<tr><td class="tableb tableb_alternate" height="200" align="center">'
            '<span class="cpg_user_message">No image to display</span></td></tr>'
        )
    else:
        width = f' width ="{100 // cols}%"'
        cells = [_thumb_cell(t, query, dated, width, captioned=False) for t in thumbs]
        cells += ['<td valign="top" class="thumbnails" align="center">&nbsp;</td>'] * (-len(cells) % cols)
        rows = "\n".join("<tr>" + "".join(cells[i : i + cols]) + "</tr>" for i in range(0, len(cells), cols))
    return f"""<table align="center" width="100%" cellspacing="1" cellpadding="0" class="maintable ">
{top}
{rows}
</table>
"""


def thumbnails_body(
    heading: str, thumbs: Sequence[Thumb], page_no: int, pages: int, total: int, crumbs: str, query: dict[str, object]
) -> str:
    """``thumbnails.php``: the breadcrumb, one page of thumbnails, the file count and the page links.

    ``query`` names the album in every link (``{"album": 7}``, or ``{"album": "lastup", "cat": -7}`` for the
    meta album, whose picture links name it instead of the picture's album, as 1.6 writes them). An empty page
    says "No image to display" in a bare ``span.cpg_user_message``, as 1.6 does.
    """
    if not thumbs:
        return f"""{crumbs}<table class="maintable" width="100%">
<tr><td class="tableh1"><h2>{h(heading)}</h2></td></tr>
<tr><td class="tableb tableb_alternate" height="200" align="center"><span class="cpg_user_message">No image to display</span></td></tr>
</table>
"""
    cells = [_thumb_cell(t, query) for t in thumbs]
    rows = ["<tr>" + "".join(cells[i : i + 4]) + "</tr>" for i in range(0, len(cells), 4)]
    nav = []
    for n in range(1, pages + 1):
        if n == page_no:
            nav.append(f'<span class="tableb_compact">{n}</span>')
        else:
            nav.append(f'<a href="{link("thumbnails.php", **query, page=n)}">{n}</a>')
    grid = "\n".join(rows)
    return f"""{crumbs}<table class="maintable" width="100%">
<tr><td class="tableh1" colspan="4"><h2>{h(heading)}</h2></td></tr>
{grid}
<tr><td class="tableh1 tabs" colspan="2">{total} files on {pages} page(s)</td>
<td class="navmenu" colspan="2">{" ".join(nav)}</td></tr>
</table>
"""


@dataclass(frozen=True)
class PictureView:
    pid: int
    aid: int
    album_title: str
    filepath: str
    filename: str
    title: str
    caption: str
    keywords: str
    filesize: int
    width: int
    height: int
    date_added: str
    has_normal: bool
    approved: bool


def displayimage_body(p: PictureView, separator: str = ";") -> str:
    """``displayimage.php``: the intermediate picture, its title, caption and information table.

    Keywords are split on the gallery's separator, one link each (shown " / " apart, as 1.6 does).
    """
    shown = file_url(p.filepath, p.filename, "normal_" if p.has_normal else "")
    full = link("displayimage.php", pid=p.pid, fullsize=1)
    words = [w.strip() for w in p.keywords.split(separator)] if separator != " " else p.keywords.split()
    keywords = " / ".join(
        f'<a href="{link("thumbnails.php", album="search", keywords="on", search=word)}">{h(word)}</a>'
        for word in words
        if word
    )
    info = [
        ("Filename", h(p.filename)),
        ("Album name", f'<a href="{link("thumbnails.php", album=p.aid)}">{h(p.album_title)}</a>'),
        ("Keywords", keywords),
        ("Filesize", f"{max(1, p.filesize // 1024)}&nbsp;KiB"),
        ("Date added", h(p.date_added)),
        ("Dimensions", f"{p.width} x {p.height} pixels"),
        ("URL", f'<a href="{link("displayimage.php", pid=p.pid)}">displayimage.php?pid={p.pid}</a>'),
    ]
    rows = "\n".join(
        f'<tr><td class="tableb" valign="top">{label}:</td><td class="tableb">{value}</td></tr>'
        for label, value in info
    )
    return f"""<a name="top_display_media"></a>
<table class="maintable" width="100%">
<tr><td class="tableh1"><h2>{h(p.album_title)}</h2></td></tr>
<tr><td class="display_media" align="center">
<a href="{full}"><img src="{h(shown)}" class="image" border="0" alt="{h(p.filename)}" /></a>
</td></tr>
<tr><td class="tableb tableb_alternate"><h2 class="{PIC_TITLE_CLASS}">{h(p.title)}</h2>
<div class="{PIC_CAPTION_CLASS}">{h(p.caption)}</div></td></tr>
</table>
<table class="maintable" width="100%" id="picinfo">
<tr><td class="tableh2" colspan="2">File information</td></tr>
{rows}
</table>
"""


def fullsize_page(p: PictureView, charset: str) -> str:
    """``displayimage.php?pid=N&fullsize=1``: a bare page with the original picture."""
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={h(charset)}" />
<title>{h(p.title or p.filename)}</title>
</head>
<body class="fullsize">
<a href="javascript: window.close()"><img src="{h(file_url(p.filepath, p.filename))}" class="fullsize_image" alt="{h(p.filename)}" width="{p.width}" height="{p.height}" /></a>
</body>
</html>
"""


# -- upload --------------------------------------------------------------------------------
SEPARATOR_NAMES = {";": "semicolon", ",": "comma", " ": "space"}


def upload_body(
    groups: Sequence[tuple[str | None, Sequence[tuple[int, str]]]],
    form_token: str,
    timestamp: str,
    separator: str = ";",
) -> str:
    """``upload.php?single``: the single-file form; ``groups`` are (optgroup label or None, [(aid, title)]).

    A personal group (label starting with :data:`PERSONAL_GROUP`) sits inside "* Personal albums"
    with its options padded the same way, as 1.6 draws it.
    """
    options = []
    for label, albums in groups:
        personal = label is not None and label.startswith(PERSONAL_GROUP)
        pad = PERSONAL_GROUP if personal else ""
        opts = "".join(f'<option value="{aid}">{h(pad + title)}</option>' for aid, title in albums)
        if personal:
            options.append(
                f'<optgroup label="* Personal albums">\n<optgroup label="{h(label)}">{opts}</optgroup></optgroup>'
            )
        else:
            options.append(f'<optgroup label="{h(label)}">{opts}</optgroup>' if label is not None else opts)
    select = "\n".join(options)
    return f"""<form name="cpgform" id="cpgform" method="post" action="uniload.php" enctype="multipart/form-data">
<table class="maintable" width="100%">
<tr><td class="tableh1" colspan="2"><h2>Upload file</h2></td></tr>
<tr><td class="tableb tableb_alternate">Album</td><td class="tableb tableb_alternate">
<select name="album" class="listbox">
<option value="">Select Album</option>
{select}
</select></td></tr>
<tr><td class="tableb">File</td><td class="tableb"><input type="file" name="Filedata" size="40" class="listbox" /></td></tr>
<tr><td class="tableb">Title</td><td class="tableb"><input type="text" name="title" maxlength="255" class="textinput" id="title" /></td></tr>
<tr><td class="tableb">Description</td><td class="tableb"><textarea name="caption" rows="5" cols="40" class="textinput"></textarea></td></tr>
<tr><td class="tableb">Keywords (separate with {SEPARATOR_NAMES.get(separator, "semicolon")})</td><td class="tableb"><input type="text" name="keywords" maxlength="255" class="textinput" id="keywords" /></td></tr>
<tr><td colspan="2">
<input type="hidden" name="method" value="upload_sgl" />
<input type="hidden" name="form_token" value="{h(form_token)}" />
<input type="hidden" name="timestamp" value="{h(timestamp)}" />
</td></tr>
<tr><td colspan="2" align="center" class="tablef"><button type="submit" class="button" value="Upload">Upload</button></td></tr>
</table>
</form>
"""


NOT_FOUND = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
    "</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
)
FORBIDDEN = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>403 Forbidden</title>\n'
    "</head><body>\n<h1>Forbidden</h1>\n<p>You don't have permission to access this resource.</p>\n</body></html>\n"
)
