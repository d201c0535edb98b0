"""The stock 1.6 pages of the sandbox: uniload.php, db_input.php, album creation, and a gallery without api/."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import lxml.html
import requests
from PIL import Image
from support.cpg_web import base as _base
from support.cpg_web import form_token as _token
from support.cpg_web import guest as _guest
from support.cpg_web import signed_in as _signed_in


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 160, 60)).save(out, "JPEG")
    return out.getvalue()


def _uniload(s, sandbox, token, album="5", data=None, name="green.jpg", **fields) -> requests.Response:
    form = {"method": "upload_sgl", **token, **fields}
    if album is not None:
        form["album"] = album
    files = {"Filedata": (name, _jpeg() if data is None else data, "image/jpeg")}
    return s.post(_base(sandbox) + "uniload.php", data=form, files=files, allow_redirects=False)


def _albmgr(s, sandbox, token, cat, name="New album") -> dict:
    params = {"what": "albmgr", "op": "add", "cat": cat, "name": name, "position": 1, **token}
    return s.get(_base(sandbox) + "delete.php", params=params).json()


def _upload_options(s, sandbox) -> set[int]:
    doc = lxml.html.fromstring(s.get(_base(sandbox) + "upload.php?single").content)
    return {int(v) for v in doc.xpath("//select[@name='album']//option/@value") if v}


# -- uniload.php ----------------------------------------------------------------------------------
def test_uniload_success_redirects_to_the_new_picture(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), title="Meadow")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("displayimage.php?pid=")
    page = alice.get(_base(sandbox) + r.headers["Location"]).text
    assert "Meadow" in page


def test_uniload_stores_the_file_in_the_uploaders_folder(sandbox):
    alice = _signed_in(sandbox, "alice")
    _uniload(alice, sandbox, _token(alice, sandbox), name="folder.jpg")
    assert (sandbox.data_dir / "files/coppermine/albums/userpics/10002/5/folder.jpg").read_bytes() == _jpeg()


def test_uniload_clashing_names_get_a_tilde_number(sandbox):
    alice = _signed_in(sandbox, "alice")
    token = _token(alice, sandbox)
    _uniload(alice, sandbox, token, name="same.jpg")
    pid = parse_qs(urlsplit(_uniload(alice, sandbox, token, name="same.jpg").headers["Location"]).query)["pid"][0]
    assert (
        "albums/userpics/10002/5/same~0.jpg"
        in alice.get(_base(sandbox) + f"displayimage.php?pid={pid}&fullsize=1").text
    )


def test_uniload_awaiting_approval_redirects_to_the_album_without_pid(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), album="3")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("thumbnails.php?album=3") and "pid=" not in r.headers["Location"]


def test_uniload_refuses_a_bad_form_token_with_430(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, {"form_token": "0" * 32, "timestamp": _token(alice, sandbox)["timestamp"]})
    assert r.status_code == 430 and "form token" in r.text


def test_uniload_refuses_a_missing_album_with_430(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), album=None)
    assert r.status_code == 430 and "album" in r.text.lower()


def test_uniload_refuses_an_album_closed_to_the_user_with_430(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), album="2")
    assert r.status_code == 430 and "album" in r.text


def test_uniload_refuses_an_unknown_album_with_430(sandbox):
    alice = _signed_in(sandbox, "alice")
    assert _uniload(alice, sandbox, _token(alice, sandbox), album="999").status_code == 430


def test_uniload_refuses_a_forbidden_extension_with_430(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), name="notes.txt")
    assert r.status_code == 430 and "extension" in r.text


def test_uniload_refuses_a_guest_with_430(sandbox):
    guest = _guest(sandbox)
    r = _uniload(guest, sandbox, {"form_token": "x", "timestamp": "1"})
    assert r.status_code == 430 and "permission" in r.text


def test_uniload_refuses_a_user_whose_group_may_not_upload_with_430(sandbox):
    carol = _signed_in(sandbox, "carol")
    assert _uniload(carol, sandbox, _token(carol, sandbox)).status_code == 430


def test_uniload_passes_on_the_gallery_refusing_a_non_image(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), data=b"this is no picture at all", name="fake.jpg")
    assert r.status_code == 430 and r.text == "The file you have uploaded is not a valid image!"


def test_uniload_refuses_a_file_over_the_gallery_limit(sandbox):
    sandbox.configure_coppermine(max_upl_size=1)  # KB
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), data=_jpeg() + b"\0" * 2048)
    assert r.status_code == 430 and r.text == "Exceeded filesize permitted by CPG."


def test_uniload_puts_the_message_in_the_status_line(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = _uniload(alice, sandbox, _token(alice, sandbox), name="notes.txt")
    assert "extension" in r.reason


# -- db_input.php ----------------------------------------------------------------------------------
def test_db_input_stores_a_picture(sandbox):
    alice = _signed_in(sandbox, "alice")
    form = {"event": "picture", "album": "5", **_token(alice, sandbox)}
    r = alice.post(
        _base(sandbox) + "db_input.php",
        data=form,
        files={"userpicture": ("old.jpg", _jpeg(), "image/jpeg")},
        allow_redirects=False,
    )
    assert r.status_code == 302 and r.headers["Location"].startswith("displayimage.php?pid=")


def test_db_input_errors_are_200_pages_with_a_warning(sandbox):
    alice = _signed_in(sandbox, "alice")
    form = {"event": "picture", "album": "2", **_token(alice, sandbox)}
    r = alice.post(
        _base(sandbox) + "db_input.php", data=form, files={"userpicture": ("old.jpg", _jpeg(), "image/jpeg")}
    )
    warnings = lxml.html.fromstring(r.content).find_class("cpg_message_warning")
    assert r.status_code == 200 and warnings and "album" in warnings[0].text_content()


# -- album creation ---------------------------------------------------------------------------------
def test_albmgr_creates_an_album_in_the_users_own_category(sandbox):
    alice = _signed_in(sandbox, "alice")
    reply = _albmgr(alice, sandbox, _token(alice, sandbox), 10002, "Winter")
    assert reply["message"] == "true" and reply["album_name"] == "Winter" and reply["newAid"] > 7
    assert reply["newAid"] in _upload_options(alice, sandbox)


def test_albmgr_lets_a_user_name_a_public_category_as_1_6_does(sandbox):
    alice = _signed_in(sandbox, "alice")
    reply = _albmgr(alice, sandbox, _token(alice, sandbox), 2)
    assert reply["message"] == "true"
    assert reply["newAid"] in _upload_options(alice, sandbox)  # she owns it, so she may upload into it


def test_albmgr_answers_json_as_text_plain(sandbox):
    alice = _signed_in(sandbox, "alice")
    r = alice.get(
        _base(sandbox) + "delete.php",
        params={
            "what": "albmgr",
            "op": "add",
            "cat": "10002",
            "name": "A & B",
            "position": "0",
            **_token(alice, sandbox),
        },
    )
    assert r.headers["Content-Type"] == "text/plain;charset=UTF-8"
    assert r.json()["album_name"] == "A &amp; B"


def test_albmgr_refuses_a_group_that_may_not_create_albums_with_an_error_page(sandbox):
    carol = _signed_in(sandbox, "carol")
    r = carol.get(
        _base(sandbox) + "delete.php",
        params={"what": "albmgr", "op": "add", "cat": "10004", "name": "x", "position": "0", **_token(carol, sandbox)},
    )
    assert r.headers["Content-Type"].startswith("text/html") and "permission to access this page" in r.text


def test_albmgr_refuses_a_bad_form_token(sandbox):
    alice = _signed_in(sandbox, "alice")
    reply = _albmgr(alice, sandbox, {"form_token": "0" * 32, "timestamp": _token(alice, sandbox)["timestamp"]}, 10002)
    assert reply["message"] == "false" and "form token" in reply["description"]


def test_albmgr_refuses_a_guest(sandbox):
    r = _guest(sandbox).get(
        _base(sandbox) + "delete.php",
        params={"what": "albmgr", "op": "add", "cat": "10002", "name": "x", "position": "0"},
    )
    assert r.status_code == 200 and "permission to access this page" in r.text


def test_a_new_album_is_closed_to_uploads_by_others(sandbox):
    alice = _signed_in(sandbox, "alice")
    aid = _albmgr(alice, sandbox, _token(alice, sandbox), 10002)["newAid"]
    bob = _signed_in(sandbox, "bob")
    assert aid not in _upload_options(bob, sandbox)
    assert _uniload(bob, sandbox, _token(bob, sandbox), album=str(aid)).status_code == 430


def test_the_admin_may_create_an_album_in_a_gallery_category(sandbox):
    admin = _signed_in(sandbox, "admin")
    reply = _albmgr(admin, sandbox, _token(admin, sandbox), 2, "Harbours")
    assert reply["message"] == "true"
    assert "Harbours" in requests.get(_base(sandbox) + "index.php?cat=2").text


# -- a stock gallery --------------------------------------------------------------------------------
def test_without_the_api_addon_api_is_404_while_pages_work(sandbox):
    sandbox.settings.coppermine_api = False
    assert requests.post(_base(sandbox) + "api/", data={"function": "cpgAPI.catList"}).status_code == 404
    alice = _signed_in(sandbox, "alice")
    assert _uniload(alice, sandbox, _token(alice, sandbox)).status_code == 302
