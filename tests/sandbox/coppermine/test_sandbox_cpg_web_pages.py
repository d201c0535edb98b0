"""The stock 1.6 pages of the sandbox: upload form, sidebar tree, album and picture pages, stored files."""

from __future__ import annotations

import http.client
import io
import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
import requests
from PIL import Image
from support.cpg_web import base as _base
from support.cpg_web import form_token as _token
from support.cpg_web import guest as _guest
from support.cpg_web import signed_in as _signed_in


def _doc(r: requests.Response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(r.content)


def _picture(size=(40, 30), color=(10, 120, 200), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def _upload(s, sandbox, album: int, data: bytes, name="pic.jpg", **fields) -> requests.Response:
    form = {"method": "upload_sgl", "album": str(album), **_token(s, sandbox), **fields}
    return s.post(
        _base(sandbox) + "uniload.php", data=form, files={"Filedata": (name, data, "image/jpeg")}, allow_redirects=False
    )


def _pid(r: requests.Response) -> int:
    return int(parse_qs(urlsplit(r.headers["Location"]).query)["pid"][0])


def _tree_albums(doc) -> set[int]:
    tree = doc.get_element_by_id("tree")
    return {int(m.group(1)) for a in tree.iter("a") if (m := re.search(r"thumbnails\.php\?album=(\d+)", a.get("href")))}


def _errors(doc) -> str:
    """The text of the page's cpg_die boxes (1.6: ``div.cpg_message_error|warning`` with an h2)."""
    return " ".join(
        el.text_content() for kind in ("cpg_message_error", "cpg_message_warning") for el in doc.find_class(kind)
    )


# -- upload.php ---------------------------------------------------------------------------------
def test_upload_form_lists_the_albums_alice_may_upload_to(sandbox):
    doc = _doc(_signed_in(sandbox, "alice").get(_base(sandbox) + "upload.php?single"))
    options = {int(o.get("value")) for o in doc.xpath("//select[@name='album']//option") if o.get("value")}
    assert options == {1, 3, 5, 6}


def test_upload_form_groups_own_albums_as_personal_and_others_by_category(sandbox):
    doc = _doc(_signed_in(sandbox, "alice").get(_base(sandbox) + "upload.php?single"))
    groups = {
        " ".join(g.get("label").split()): {int(o.get("value")) for o in g.iter("option") if o.getparent() is g}
        for g in doc.xpath("//select[@name='album']//optgroup")
    }
    # 1.6.26: "* Personal albums" holds a group labelled with the user's name padded by non-breaking spaces
    assert groups == {"* Personal albums": set(), "alice": {5, 6}, "Europe & Asia": {1}, "Club events": {3}}
    assert doc.xpath("//optgroup[@label='* Personal albums']/optgroup")[0].get("label") == "\u00a0" * 4 + "alice"


def test_upload_form_groups_other_users_albums_by_user_name_for_the_admin(sandbox):
    doc = _doc(_signed_in(sandbox, "admin").get(_base(sandbox) + "upload.php?single"))
    labels = [g.get("label") for g in doc.xpath("//select[@name='album']/optgroup")]
    assert "alice" in labels and "bob" in labels


def test_upload_form_carries_a_form_token_and_timestamp(sandbox):
    doc = _doc(_signed_in(sandbox, "alice").get(_base(sandbox) + "upload.php?single"))
    assert doc.xpath("//input[@type='hidden' and @name='form_token']/@value")[0]
    assert doc.xpath("//input[@type='hidden' and @name='timestamp']/@value")[0].isdigit()


def test_upload_form_is_permission_denied_for_carol(sandbox):
    r = _signed_in(sandbox, "carol").get(_base(sandbox) + "upload.php?single")
    doc = _doc(r)
    assert r.status_code == 200 and not doc.xpath("//select[@name='album']")
    assert "permission" in _errors(doc)


def test_upload_form_is_permission_denied_for_a_guest(sandbox):
    doc = _doc(_guest(sandbox).get(_base(sandbox) + "upload.php?single"))
    assert "permission" in _errors(doc) and not doc.xpath("//select[@name='album']")


# -- sidebar.php and index.php -------------------------------------------------------------------
def test_sidebar_hides_a_private_album_from_others(sandbox):
    assert 6 not in _tree_albums(_doc(_signed_in(sandbox, "bob").get(_base(sandbox) + "sidebar.php")))


def test_sidebar_shows_a_private_album_to_its_owner(sandbox):
    assert 6 in _tree_albums(_doc(_signed_in(sandbox, "alice").get(_base(sandbox) + "sidebar.php")))


def test_sidebar_of_a_guest_holds_every_public_album(sandbox):
    assert _tree_albums(_doc(_guest(sandbox).get(_base(sandbox) + "sidebar.php"))) == {1, 2, 3, 5, 7}


def test_sidebar_nests_user_galleries_under_category_one(sandbox):
    doc = _doc(_guest(sandbox).get(_base(sandbox) + "sidebar.php"))
    a = doc.xpath("//ul[@id='tree']//a[contains(@href, 'album=7')]")[0]
    cats = [
        x.get("href") for li in a.iterancestors("li") for x in li.xpath("./span/a | ./a") if "cat=" in x.get("href")
    ]
    assert cats == ["index.php?cat=10003", "index.php?cat=1"]


def test_index_lists_the_albums_of_a_category(sandbox):
    doc = _doc(_guest(sandbox).get(_base(sandbox) + "index.php?cat=4"))
    assert [a.text_content() for a in doc.xpath("//a[contains(@href, 'thumbnails.php')]")] == ["Members' corner"]


# -- thumbnails.php -------------------------------------------------------------------------------
def test_thumbnails_link_each_picture_with_thumb_title_and_caption(sandbox):
    doc = _doc(_guest(sandbox).get(_base(sandbox) + "thumbnails.php?album=5"))
    links = doc.xpath("//a[contains(@href, 'displayimage.php?album=5&pid=')]")
    assert len(links) == 4
    assert all(re.match(r"albums/userpics/10002/5/thumb_", a.find(".//img").get("src")) for a in links)
    assert len(doc.find_class("thumb_title_title")) == 4 and len(doc.find_class("thumb_caption_caption")) == 4


def test_thumbnails_count_files_and_pages(sandbox):
    assert "4 files on 1 page(s)" in _guest(sandbox).get(_base(sandbox) + "thumbnails.php?album=5").text


def test_thumbnails_are_paged_twelve_at_a_time(sandbox):
    admin = _signed_in(sandbox, "admin")
    for i in range(10):
        assert _upload(admin, sandbox, 2, _picture(color=(i * 20, 0, 0)), name=f"p{i}.jpg").status_code == 302
    guest = _guest(sandbox)
    first = guest.get(_base(sandbox) + "thumbnails.php?album=2&page=1")
    second = _doc(guest.get(_base(sandbox) + "thumbnails.php?album=2&page=2"))
    assert "13 files on 2 page(s)" in first.text
    assert len(_doc(first).xpath("//a[contains(@href, 'displayimage.php')]")) == 12
    assert _doc(first).xpath("//a[@href='thumbnails.php?album=2&page=2']")
    assert len(second.xpath("//a[contains(@href, 'displayimage.php')]")) == 1


def test_thumbnails_of_an_unknown_album_is_an_error_page(sandbox):
    r = _guest(sandbox).get(_base(sandbox) + "thumbnails.php?album=999")
    assert r.status_code == 200 and "does not exist" in _errors(_doc(r))


def test_thumbnails_of_a_private_album_shows_others_no_picture(sandbox):
    r = _signed_in(sandbox, "bob").get(_base(sandbox) + "thumbnails.php?album=6")  # as 1.6.26: the page, empty
    assert not _errors(_doc(r)) and "displayimage.php" not in r.text and "No image to display" in r.text


def test_an_empty_album_says_no_image_to_display_outside_any_error_box(sandbox):
    with sandbox.store.write() as conn:
        conn.execute("INSERT INTO cpg_albums (aid, title, category, visibility, uploads) VALUES (50, 'Empty', 2, 0, 0)")
    doc = _doc(_guest(sandbox).get(_base(sandbox) + "thumbnails.php?album=50"))
    assert [el.text_content() for el in doc.find_class("cpg_user_message")] == ["No image to display"]
    assert not _errors(doc)


# -- displayimage.php and files -----------------------------------------------------------------
def test_displayimage_shows_title_caption_and_keywords(sandbox):
    alice = _signed_in(sandbox, "alice")
    pid = _pid(
        _upload(alice, sandbox, 5, _picture(), title="Red roof", caption="From the tower", keywords="roof;old tower")
    )
    doc = _doc(alice.get(_base(sandbox) + f"displayimage.php?album=5&pid={pid}"))
    assert doc.find_class("pic_title")[0].text_content() == "Red roof"
    assert doc.find_class("pic_caption")[0].text_content() == "From the tower"
    # split on the gallery's keyword separator (";" in 1.6.26): a keyword may hold spaces
    assert [a.text_content() for a in doc.xpath("//a[contains(@href, 'search=')]")] == ["roof", "old tower"]


def test_displayimage_shows_the_intermediate_picture_of_a_large_one(sandbox):
    alice = _signed_in(sandbox, "alice")
    pid = _pid(_upload(alice, sandbox, 5, _picture(size=(1200, 900)), name="big.jpg"))
    doc = _doc(alice.get(_base(sandbox) + f"displayimage.php?album=5&pid={pid}"))
    assert doc.xpath("//img[@src='albums/userpics/10002/5/normal_big.jpg']")


def test_fullsize_page_links_the_original_and_its_bytes_are_the_upload(sandbox):
    alice = _signed_in(sandbox, "alice")
    data = _picture(size=(64, 48))
    pid = _pid(_upload(alice, sandbox, 5, data, name="orig.jpg"))
    doc = _doc(alice.get(_base(sandbox) + f"displayimage.php?pid={pid}&fullsize=1"))
    src = doc.xpath("//img/@src")[0]
    assert src == "albums/userpics/10002/5/orig.jpg"
    r = requests.get(_base(sandbox) + src)
    assert r.status_code == 200 and r.content == data and r.headers["Content-Type"] == "image/jpeg"


def test_the_thumbnail_file_is_served_as_a_small_jpeg(sandbox):
    r = requests.get(_base(sandbox) + "thumbnails.php?album=5")
    src = _doc(r).xpath("//img[contains(@src, 'thumb_')]/@src")[0]
    thumb = requests.get(_base(sandbox) + src)
    assert thumb.headers["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 128


def test_a_png_upload_is_served_as_png(sandbox):
    alice = _signed_in(sandbox, "alice")
    data = _picture(fmt="PNG")
    _upload(alice, sandbox, 5, data, name="flat.png")
    r = requests.get(_base(sandbox) + "albums/userpics/10002/5/flat.png")
    assert r.headers["Content-Type"] == "image/png" and r.content == data


def test_an_unapproved_picture_is_served_to_its_owner_only(sandbox):
    alice = _signed_in(sandbox, "alice")
    _upload(alice, sandbox, 3, _picture(), name="waiting.jpg")
    url = _base(sandbox) + "albums/userpics/10002/3/waiting.jpg"
    assert alice.get(url).status_code == 200
    assert _signed_in(sandbox, "bob").get(url).status_code == 403


def test_an_unapproved_picture_is_on_album_pages_for_administrators_only(sandbox):
    # 1.6.26's get_pic_data: "approved = YES" unless GALLERY_ADMIN_MODE; its owner does not see it either
    alice = _signed_in(sandbox, "alice")
    _upload(alice, sandbox, 3, _picture(), name="waiting.jpg")
    assert "waiting.jpg" in _signed_in(sandbox, "admin").get(_base(sandbox) + "thumbnails.php?album=3").text
    assert "waiting.jpg" not in alice.get(_base(sandbox) + "thumbnails.php?album=3").text
    assert "waiting.jpg" not in _guest(sandbox).get(_base(sandbox) + "thumbnails.php?album=3").text


def _raw_get(sandbox, path: str) -> int:
    conn = http.client.HTTPConnection(sandbox.host, sandbox.port, timeout=10)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_path_traversal_out_of_the_albums_folder_is_refused(sandbox):
    assert (sandbox.data_dir / "sandbox.sqlite3").exists()
    for path in (
        "/cpg/albums/../../../sandbox.sqlite3",
        "/cpg/albums/%2e%2e/%2e%2e/%2e%2e/sandbox.sqlite3",
        "/cpg/albums/userpics/..%2f..%2f..%2fsandbox.sqlite3",
    ):
        assert _raw_get(sandbox, path) in (403, 404)


def test_a_file_that_is_no_stored_picture_is_not_found(sandbox):
    assert requests.get(_base(sandbox) + "albums/userpics/10002/nothing.jpg").status_code == 404


def test_pages_are_written_in_the_gallery_charset(sandbox):
    sandbox.settings.coppermine_charset = "iso-8859-1"
    r = requests.get(_base(sandbox) + "thumbnails.php?album=5")
    assert r.headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert "Café 10" in r.content.decode("iso-8859-1")
