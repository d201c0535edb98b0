"""The page parsers on small HTML snippets: the stock 1.6 layout and a theme that moves things around."""

from __future__ import annotations

from galleryk.coppermine import pages

BASE = "https://example.org/cpg/thumbnails.php?album=1"

CLASSIC_THUMBS = """<!DOCTYPE html><html><body><table class="maintable">
<tr><td class="tableh1" colspan="2">Harbour &amp; Beach</td></tr>
<tr>
 <td valign="top" class="thumbnails" align="center"><table><tr><td align="center">
  <a href="displayimage.php?album=1&amp;pid=3#top_display_media"><img src="albums/userpics/10001/thumb_boat.jpg"
   class="image thumbnail" title="Filename=boat.jpg Filesize=20KiB" /><br /></a>
  <span class="thumb_title thumb_title_title">A boat</span>
  <span class="thumb_caption thumb_caption_caption">Taken with a Nikon</span>
 </td></tr></table></td>
 <td valign="top" class="thumbnails" align="center"><table><tr><td align="center">
  <a href="displayimage.php?album=1&amp;pid=4#top_display_media"><img src="albums/userpics/10001/thumb_sand%20dune.jpg"
   class="image thumbnail" /><br /></a>
  <span class="thumb_title thumb_title_title">Sand</span>
 </td></tr></table></td>
</tr>
<tr><td class="tableh1 tabs">9 files on 3 page(s)</td>
 <td class="navmenu"><a href="thumbnails.php?album=1&amp;page=2">2</a> <a href="thumbnails.php?album=1&amp;page=3">3</a></td></tr>
</table></body></html>"""

# A theme that puts titles above the pictures, uses divs and no "files on pages" text.
MOVED_THUMBS = """<html><body><div class="grid">
 <div class="cell"><p><span class="thumb_title_title">A boat</span></p>
   <div class="pic"><a href="/cpg/displayimage.php?pid=3&album=1"><img src="/cpg/albums/userpics/10001/thumb_boat.jpg"></a></div>
   <em class="thumb_caption_caption">Taken with a Nikon</em></div>
 <div class="cell"><span class="thumb_title_title">Sand</span>
   <div class="pic"><a href="/cpg/displayimage.php?pid=4&album=1"><img src="/cpg/albums/userpics/10001/thumb_sand.jpg"></a></div></div>
</div><div class="pager"><a href="thumbnails.php?page=2&album=1">next</a></div></body></html>"""


def test_thumbnails_gives_pid_album_title_caption_and_urls():
    page = pages.thumbnails(CLASSIC_THUMBS, BASE, album=1)
    first = page.photos[0]
    assert (first["id"], first["album_id"], first["title"], first["description"]) == (
        3,
        1,
        "A boat",
        "Taken with a Nikon",
    )
    assert first["thumb_url"] == "https://example.org/cpg/albums/userpics/10001/thumb_boat.jpg"
    assert first["url"] == "https://example.org/cpg/albums/userpics/10001/boat.jpg"
    assert first["filename"] == "boat.jpg"


def test_thumbnails_keeps_captions_with_their_own_picture():
    page = pages.thumbnails(CLASSIC_THUMBS, BASE, album=1)
    assert [p["description"] for p in page.photos] == ["Taken with a Nikon", ""]


def test_thumbnails_decodes_file_names():
    page = pages.thumbnails(CLASSIC_THUMBS, BASE, album=1)
    assert page.photos[1]["filename"] == "sand dune.jpg"


def test_thumbnails_reads_the_page_count():
    page = pages.thumbnails(CLASSIC_THUMBS, BASE, album=1)
    assert (page.pages, page.total) == (3, 9)


def test_thumbnails_survive_a_theme_that_moves_titles_and_captions():
    page = pages.thumbnails(MOVED_THUMBS, BASE, album=1)
    got = [(p["id"], p["title"], p["description"]) for p in page.photos]
    assert got == [(3, "A boat", "Taken with a Nikon"), (4, "Sand", "")]
    assert page.pages == 2


CATEGORY_PAGE = """<html><body>
<ul><li><a href="index.php">Home</a></li><li><a href="index.php?cat=10002">My gallery</a></li></ul>
<table><tr><td class="statlink"><a href="index.php">Home</a> &gt; <a href="index.php?cat=2">Travel</a></td></tr></table>
<table class="maintable">
 <tr><td class="catrow"><span class="catlink"><a href="index.php?cat=3">Europe &amp; Asia</a></span></td></tr>
 <tr><td><span class="alblink"><a href="thumbnails.php?album=1">Harbour &amp; Beach</a></span>
     <a href="thumbnails.php?album=1" class="albums"><img src="images/thumbs/thumb_nopic.png" /></a></td></tr>
</table>
<table class="maintable"><tr><td><span class="alblink"><a href="thumbnails.php?album=2">City walks</a></span></td></tr>
<tr><td>13 albums on 2 page(s) <a href="index.php?cat=2&amp;page=2">2</a></td></tr></table>
<a href="thumbnails.php?album=lastup&amp;cat=2">Last uploads</a>
<a href="index.php?cat=10003"><img src="albums/userpics/10003/7/thumb_x.jpg" /></a>
</body></html>"""


def test_the_breadcrumb_gives_the_pages_category_chain():
    assert pages.breadcrumb(CATEGORY_PAGE, 2) == ((2, "Travel"),)
    assert pages.breadcrumb(CATEGORY_PAGE, 3) is None


def test_a_category_page_names_its_albums_categories_and_pages():
    page = pages.category_page(CATEGORY_PAGE, 2)
    assert page.chain == ((2, "Travel"),)
    assert page.albums == {1: "Harbour & Beach", 2: "City walks"}
    assert page.categories == {10002: "My gallery", 3: "Europe & Asia", 10003: ""}
    assert page.pages == 2


def test_a_cpg_die_box_is_told_apart_from_an_empty_albums_notice():
    die = (
        '<div class="cpg_message_warning"><h2>Error</h2><span class="cpg_user_message">'
        "The selected album/file does not exist!</span></div>"
    )
    assert pages.die_message(die) == "The selected album/file does not exist!"
    assert pages.die_message('<td><span class="cpg_user_message">No image to display</span></td>') is None
    assert pages.die_message('<div id="cpgMessage" class="cpg_user_message cpg_message_info">Added</div>') is None


def test_the_keyword_separator_is_read_off_the_upload_forms_label():
    assert pages.keyword_separator("<td>Keywords (separate with semicolon)<br /></td>") == ";"
    assert pages.keyword_separator("<td>Keywords (separate with space)</td>") == " "
    assert pages.keyword_separator("<td>Schlagworte</td>") is None


UPLOAD_FORM = """<html><body><form action="uniload.php" method="post" enctype="multipart/form-data">
<select name="album" class="listbox"><option value="">Select album</option>
 <optgroup label="* Personal albums">
<optgroup label="&#160;&#160;&#160;&#160;alice"><option value="5">&#160;&#160;&#160;&#160;Alice's holidays</option>
</optgroup></optgroup>
 <optgroup label="Travel - Europe &amp; Asia"><option value="1">Harbour &amp; Beach</option></optgroup>
</select>
<input type="hidden" name="form_token" value="abc123" /><input type="hidden" name="timestamp" value="1700000000" />
</form><a href="logout.php?form_token=zzz&amp;timestamp=1">Logout</a></body></html>"""


def test_upload_albums_lists_options_with_their_group():
    albums = pages.upload_albums(UPLOAD_FORM)
    assert albums == [
        pages.UploadAlbum(5, "Alice's holidays", "alice"),
        pages.UploadAlbum(1, "Harbour & Beach", "Travel - Europe & Asia"),
    ]


def test_upload_albums_is_none_without_an_album_list():
    assert (
        pages.upload_albums("<html><body><div class='cpg_message_error'>Permission denied</div></body></html>") is None
    )


def test_form_token_prefers_the_hidden_inputs():
    token = pages.form_token(UPLOAD_FORM)
    assert (token.form_token, token.timestamp) == ("abc123", "1700000000")


def test_form_token_falls_back_to_the_logout_link():
    html = '<html><body><a href="logout.php?form_token=f00&amp;timestamp=42&amp;referer=index.php">Logout</a></body></html>'
    token = pages.form_token(html)
    assert (token.form_token, token.timestamp) == ("f00", "42")


def test_form_token_repr_hides_the_token():
    assert "abc123" not in repr(pages.form_token(UPLOAD_FORM))


def test_signed_in_pages_are_told_apart_from_guest_pages():
    assert pages.is_logged_in(UPLOAD_FORM)
    assert not pages.is_logged_in('<html><body><a href="login.php?referer=index.php">Login</a></body></html>')


def test_login_failure_reads_the_validation_message():
    html = """<html><body><div class="cpgMessage cpg_message_validation"><ul><li>Login failed</li></ul></div>
    <form action="login.php"></form></body></html>"""
    assert pages.login_failure(html) == "Login failed"


def test_error_text_quotes_a_php_fatal_page():
    html = "<html><body><b>Fatal error</b>: Allowed memory size exhausted in <b>x.php</b></body></html>"
    assert "Fatal error: Allowed memory size exhausted" in pages.error_text(html)


DISPLAY = """<html><body><table>
<tr><td><a href="javascript:;" onclick="MM_openBrWindow('displayimage.php?pid=3&amp;fullsize=1','x')">
 <img src="albums/userpics/10001/normal_boat.jpg" class="image" /></a></td></tr>
<tr><td><h1 class="pic_title">A boat</h1><h2 class="pic_caption">Taken with a Nikon</h2></td></tr>
</table><table id="picinfo">
<tr><td class="tableb">Filename:</td><td class="tableb">boat.jpg</td></tr>
<tr><td class="tableb">Album name:</td><td class="tableb"><a href="profile.php?uid=1">admin</a> / <a href="thumbnails.php?album=1">Harbour &amp; Beach</a></td></tr>
<tr><td class="tableb">Keywords:</td><td class="tableb"><a href="thumbnails.php?album=search&amp;keywords=on&amp;search=demo">demo</a> <a href="thumbnails.php?album=search&amp;keywords=on&amp;search=nikon">nikon</a></td></tr>
<tr><td class="tableb">Dimensions:</td><td class="tableb">1200 x 800 pixels</td></tr>
</table></body></html>"""


def test_picture_reads_title_caption_keywords_and_file():
    info = pages.picture(DISPLAY, "https://example.org/cpg/displayimage.php?pid=3", pid=3)
    assert (info["title"], info["description"], info["tags"]) == ("A boat", "Taken with a Nikon", ["demo", "nikon"])
    assert (info["filename"], info["album_id"], info["width"], info["height"]) == ("boat.jpg", 1, 1200, 800)


def test_picture_points_at_the_original_beside_the_normal_size():
    info = pages.picture(DISPLAY, "https://example.org/cpg/displayimage.php?pid=3", pid=3)
    assert info["original_url"] == "https://example.org/cpg/albums/userpics/10001/boat.jpg"
    assert info["fullsize_page"] == "https://example.org/cpg/displayimage.php?pid=3&fullsize=1"


# A theme with a definition list for the information and the title in a plain div.
MOVED_DISPLAY = """<html><body><div id="info"><dl>
<dt>Keywords:</dt><dd>beach sunset</dd><dt>Filename:</dt><dd>sea.png</dd></dl></div>
<div class="display"><img src="albums/userpics/10002/sea.png" class="image"></div>
<div class="img_title">Sea</div></body></html>"""


def test_picture_survives_a_theme_with_a_definition_list():
    info = pages.picture(MOVED_DISPLAY, "http://h/cpg/displayimage.php?pid=8", pid=8)
    assert (info["title"], info["tags"], info["filename"]) == ("Sea", ["beach", "sunset"], "sea.png")
    assert info["original_url"] == "http://h/cpg/albums/userpics/10002/sea.png"


def test_personal_category_comes_from_the_my_gallery_link():
    html = '<html><body><a href="index.php?cat=10002" title="Go to my personal gallery">My gallery</a></body></html>'
    assert pages.personal_category(html) == 10002
