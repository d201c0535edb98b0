"""The markup of the sandbox's pages that change pictures: the edit form, the delete report, the picture manager.

The structure clients read is 1.6.26's: ``form#cpgform_editonepic`` (``id``, the ``aid`` list, ``title``,
``filename``, ``caption``, ``keywords`` under the label "Keywords (separate with <separator>)",
an admin's ``approved`` radios, ``apply_changes``), the "Changes successfully saved" item above it
after a save, the delete report's table (a green ``ok.png`` per file removed, then "Continue" to
the album), and ``form#cpgformPic`` (``album_id``, ``sort_order`` as ``pid@100,pid@101,...``,
``picture_order``, the ``aid`` list, rows ``tr#sort-<pid>``, the hidden "not saved" reminder).
Functions here return text; they decide nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .pages import SEPARATOR_NAMES, file_url, h, link

OK_ICON = '<img src="images/icons/ok.png" border="0" alt="" width="16" height="16" title="{}" class="icon" />'
SAVED = "Changes successfully saved"
DELETED = "successfully deleted"
REMINDER = 'Sorting changes are not saved until you click "Apply changes".'


@dataclass(frozen=True)
class EditView:
    """One picture as its edit form shows it."""

    pid: int
    aid: int
    filepath: str
    filename: str
    title: str
    caption: str
    keywords: str
    width: int
    height: int
    filesize: int
    approved: bool
    public: bool
    """In a public album (not a user's gallery): the "make this my icon" box is disabled there."""


def album_options(albums: Sequence[tuple[int, str, str]], selected: int | None = None) -> str:
    """The ``<option>``s of an album list, grouped by label: (aid, title, group label)."""
    out: list[str] = []
    current = None
    for aid, title, group in albums:
        if group != current:
            if current is not None:
                out.append("</optgroup>")
            out.append(f'<optgroup label="{h(group)}">')
            current = group
        mark = ' selected="selected"' if aid == selected else ""
        out.append(f'<option value="{aid}"{mark}>{h(title)}</option>')
    if current is not None:
        out.append("</optgroup>")
    return "\n".join(out)


def saved_box() -> str:
    """The information table 1.6 draws above the form after a save."""
    return (
        '<table class="maintable" width="100%"><tr><td class="tableh1"><h2>Information</h2></td></tr>\n'
        '<tr><td class="tableb"><ul><li style="list-style-image:url(images/icons/ok.png)">'
        f"{SAVED}</li></ul></td></tr></table>\n"
    )


def edit_form_body(
    p: EditView,
    albums: Sequence[tuple[int, str, str]],
    form_token: str,
    timestamp: str,
    separator: str,
    admin: bool,
    saved: bool,
) -> str:
    """``edit_one_pic.php``: the saved notice (after a save), then the picture's form."""
    thumb = h(file_url(p.filepath, p.filename, "thumb_"))
    if admin:
        yes, no = (' checked="checked"', "") if p.approved else ("", ' checked="checked"')
        approval = (
            '<tr><td class="tableb">Approval</td><td class="tableb" colspan="2">'
            f'<input type="radio" id="approved_yes" name="approved" value="YES"{yes} />'
            '<label for="approved_yes" class="clickable_option">Approved</label> '
            f'<input type="radio" id="approved_no" name="approved" value="NO"{no} />'
            '<label for="approved_no" class="clickable_option">Unapproved</label></td></tr>'
        )
    elif not p.approved:
        approval = '<tr><td class="tableb">Approval</td><td class="tableb" colspan="2">Unapproved</td></tr>'
    else:
        approval = ""
    icon_off = ' disabled="disabled"' if p.public else ""
    label = f"Keywords (separate with {SEPARATOR_NAMES.get(separator, 'semicolon')})"
    return f"""{saved_box() if saved else ""}<form name="editonepicform" id="cpgform_editonepic" method="post" action="edit_one_pic.php">
<input type="hidden" name="id" value="{p.pid}" />
<table class="maintable" width="100%">
<tr><td class="tableh1" colspan="3"><h2>Edit file</h2></td></tr>
<tr><td class="tableh2" colspan="3"><strong>{h(p.filename)}</strong> -
<a href="{link("modifyalb.php", album=p.aid)}" class="admin_menu">Album properties</a> -
<a href="{link("thumbnails.php", album=p.aid)}" class="admin_menu">Thumbnail view</a></td></tr>
<tr><td class="tableb">File info</td><td class="tableb">{p.width} &times; {p.height} - {p.filesize >> 10} KB - 0 views - 0 votes</td>
<td class="tableb" align="center" rowspan="7"><a href="{link("displayimage.php", pid=p.pid)}"><img src="{thumb}" class="image" border="0" alt="{h(p.title)}" /></a></td></tr>
<tr><td class="tableb">Album</td><td class="tableb"><select name="aid" id="album" class="listbox">
{album_options(albums, p.aid)}
</select></td></tr>
<tr><td class="tableb">Title</td><td class="tableb"><input type="text" name="title" maxlength="255" value="{h(p.title)}" class="textinput" /></td></tr>
<tr><td class="tableb">Filename</td><td class="tableb"><tt>albums/{h(p.filepath)}</tt>
<input type="text" name="filename" maxlength="255" size="40" value="{h(p.filename)}" class="textinput" /></td></tr>
<tr><td class="tableb">Description</td><td class="tableb"><textarea name="caption" id="caption" rows="1" cols="60" class="elastic textinput">{h(p.caption)}</textarea></td></tr>
<tr><td class="tableb">{label}<br /><a href="keyword_select.php" class="greybox">Insert from list</a></td>
<td class="tableb"><input type="text" name="keywords" maxlength="255" value="{h(p.keywords)}" id="keywords" class="textinput" /></td></tr>
{approval}
<tr><td class="tableb" colspan="3">
<input type="checkbox" name="galleryicon" id="galleryicon" value="{p.pid}" class="checkbox"{icon_off} /><label for="galleryicon">Make this my icon</label>
<input type="checkbox" name="read_exif" id="read_exif" value="1" class="checkbox" /><label for="read_exif">Read EXIF info again</label>
<input type="checkbox" name="reset_vcount" id="reset_vcount" value="1" class="checkbox" /><label for="reset_vcount">Reset view counter (0)</label>
<input type="checkbox" name="reset_votes" id="reset_votes" value="1" class="checkbox" /><label for="reset_votes">Reset votes (0)</label>
<input type="checkbox" name="del_comments" id="del_comments" value="1" class="checkbox" /><label for="del_comments">Delete comments</label>
</td></tr>
<tr><td colspan="3" align="center" class="tablef"><button type="submit" class="button" name="apply_changes" value="Apply changes">Apply changes</button></td></tr>
</table>
<input type="hidden" name="form_token" value="{h(form_token)}" />
<input type="hidden" name="timestamp" value="{h(timestamp)}" /></form>
"""


PHP_FATAL = (
    "<br />\n<b>Fatal error</b>:  Uncaught TypeError: array_key_exists(): Argument #2 ($array) must be of type "
    "array, null given in include/functions.inc.php:3626\nStack trace:\n#0 edit_one_pic.php(334): get_pic_url()\n"
    "#1 {main}\n  thrown in <b>include/functions.inc.php</b> on line <b>3626</b><br />\n"
)
"""What 1.6.26's ``edit_one_pic.php`` answers an admin who asks for a picture that does not exist."""


def deleted_body(filename: str, aid: int, removed: Sequence[bool]) -> str:
    """``delete.php?what=picture``: the report table (a green icon per file removed), then "Continue" to the album."""
    heads = ["Picture", "full size image", "normal size image", "original image", "thumbnail", "comment"]
    heads.append("image in album")
    header = "".join(f'<td class="tableh2"><strong>{x}</strong></td>' for x in heads)
    green = OK_ICON.format(DELETED)
    cells = "".join(f'<td class="tableb" align="center">{green if r else "&nbsp;"}</td>' for r in removed)
    return f"""<table class="maintable" width="100%">
<tr><td class="tableh1" colspan="7"><h2>Delete file</h2></td></tr>
<tr>{header}</tr>
<tr><td class="tableb">{h(filename)}</td>{cells}<td class="tableb" align="center">&nbsp;</td><td class="tableb" align="center">{green}</td></tr>
<tr><td colspan="7" class="tablef" align="center">
<div class="admin_menu"><a href="{link("thumbnails.php", album=aid)}">{OK_ICON.format("")}Continue</a></div>
</td></tr>
</table>
"""


def moved_box(lines: Sequence[str]) -> str:
    """The message the picture manager shows after a save: what moved, one item each (1.6.26's markup)."""
    items = "".join(f"<li>{h(line)}</li>" for line in lines if line)
    return (
        '<a name="cpgMessageBlock"></a><div id="cpgMessage" class="cpg_user_message cpg_message_info">'
        f'<table border="0" cellspacing="0" cellpadding="0" width="100%"><tr><td colspan="6"><ul>{items}</ul></td></tr>'
        "</table></div>\n"
    )


def picmgr_body(
    aid: int,
    rows: Sequence[tuple[int, str, str, str]],
    albums: Sequence[tuple[int, str, str]],
    form_token: str,
    timestamp: str,
) -> str:
    """``picmgr.php?aid=N``: the form of the album's pictures by position; ``rows`` are (pid, title, filepath,
    filename). ``sort_order`` numbers the rows from 100, as 1.6 writes it."""
    sort_order = "".join(f"{pid}@{100 + i}," for i, (pid, *_) in enumerate(rows))
    trs = []
    for pid, title, filepath, filename in rows:
        name = f"<strong>{h(title)}</strong><br />\n" if title else ""
        trs.append(
            f'<tr id="sort-{pid}"><td class="dragHandle"></td><td valign="middle">{name}'
            f'<pre class="filepath"><a href="javascript:;">albums/{h(filepath + filename)}</a></pre></td>'
            f'<td valign="middle" align="right" class="pic_thumbnail"><a href="{link("displayimage.php", pid=pid)}">'
            f'<img src="{h(file_url(filepath, filename, "thumb_"))}" class="thumbnail" border="0" alt="" /></a></td></tr>'
        )
    if not rows and aid:
        trs.append("<tr><td>No image to display</td></tr>")
    hidden = "" if rows else "display:none;"
    rows_html = "\n".join(trs)
    return f"""<form name="picture_menu" id="cpgformPic" method="post" action="delete.php?what=picmgr">
<table class="maintable" width="100%">
<tr><td class="tableh1"><h2>Picture Manager</h2></td></tr>
<tr><td class="tableh2" valign="top">
<input type="hidden" name="album_id" value="{aid}" />
<input type="hidden" id="sort_order" name="sort_order" value="{sort_order}" />
<input type="hidden" id="picture_order" name="picture_order" value="" />
<select name="aid" class="listbox"><option value="0">Select Album</option>
{album_options(albums, aid)}
</select></td></tr>
<tr><td><div id="sort"><table id="pic_sort" cellspacing="0" cellpadding="0" border="0" width="100%">
{rows_html}
</table></div></td></tr>
<tr><td class="tableb">
<button type="submit" class="button" name="apply" id="apply" value="Apply changes" style="display:none;{hidden}">Apply changes</button>
<div id="submit_reminder" class="cpg_message_warning" style="display: none;">{h(REMINDER)}</div>
</td></tr>
</table>
<input type="hidden" name="form_token" value="{h(form_token)}" />
<input type="hidden" name="timestamp" value="{h(timestamp)}" />
</form>
"""
