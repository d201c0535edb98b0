"""cpgAPI.upload of the sandbox over raw HTTP: stored pictures, file names, approval, and every error code."""

from __future__ import annotations

import io

import requests
from lxml import etree
from PIL import Image

import galleryk.sandbox.coppermine.cpgapi as cpg_api
from galleryk.sandbox.users import create_user, get_user


def _api(sandbox) -> str:
    return sandbox.coppermine_url + "/api/"


def _creds(sandbox, user: str | None) -> dict[str, str]:
    return {"username": user or "", "password": sandbox.users[user] if user else ""}


def _jpeg(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (30, 160, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def _upload(sandbox, user: str | None = "alice", aid: str | None = "5", name: str = "green.jpg", data=None, **fields):
    form = {"function": "cpgAPI.upload", **_creds(sandbox, user), **fields}
    if aid is not None:
        form["aid"] = aid
    files = {"file": (name, _jpeg() if data is None else data, "image/jpeg")}
    return requests.post(_api(sandbox), data=form, files=files, timeout=30)


def _root(resp: requests.Response) -> etree._Element:
    return etree.fromstring(resp.content)


def _error(resp: requests.Response) -> int:
    root = _root(resp)
    assert root.tag == "cpg" and root.findtext("status") == "fail", resp.text
    return int(root.findtext("error"))


def _pid(resp: requests.Response) -> int:
    root = _root(resp)
    assert root.tag == "uploader" and root.findtext("status") == "ok", resp.text
    return int(root.findtext("pid"))


def _picture(sandbox, pid: int):
    with sandbox.store.read() as conn:
        return conn.execute("SELECT * FROM cpg_pictures WHERE pid = ?", (pid,)).fetchone()


def _uid(sandbox, name: str) -> int:
    with sandbox.store.read() as conn:
        return int(get_user(conn, name=name)["id"])


def _gallery(sandbox):
    return sandbox.coppermine_gallery


# -- success ------------------------------------------------------------------------------
def test_upload_returns_a_new_pid_and_records_the_fields(sandbox):
    pid = _pid(_upload(sandbox, title="Green", description="A green square", keywords="green square"))
    row = _picture(sandbox, pid)
    assert (row["aid"], row["title"], row["caption"], row["keywords"]) == (5, "Green", "A green square", "green square")


def test_upload_stores_the_file_intact_in_the_uploaders_folder(sandbox):
    data = _jpeg(color=(200, 10, 10))
    row = _picture(sandbox, _pid(_upload(sandbox, data=data)))
    assert row["filepath"] == f"userpics/{10000 + _uid(sandbox, 'alice')}/5/"
    assert _gallery(sandbox).file_path(row).read_bytes() == data


def test_upload_replaces_forbidden_characters_in_the_file_name(sandbox):
    row = _picture(sandbox, _pid(_upload(sandbox, name="my pic&co;#1.jpg")))
    assert row["filename"] == "my_pic_co__1.jpg"


def test_upload_gives_clashing_names_a_tilde_number(sandbox):
    names = [_picture(sandbox, _pid(_upload(sandbox, name="same.jpg")))["filename"] for _ in range(3)]
    assert names == ["same.jpg", "same~0.jpg", "same~1.jpg"]


def test_upload_to_a_public_album_waits_for_approval(sandbox):
    assert _picture(sandbox, _pid(_upload(sandbox, aid="3")))["approved"] == 0


def test_upload_to_the_users_own_album_is_approved(sandbox):
    assert _picture(sandbox, _pid(_upload(sandbox, aid="5")))["approved"] == 1


def test_admin_upload_to_a_public_album_is_approved(sandbox):
    assert _picture(sandbox, _pid(_upload(sandbox, user="admin", aid="3")))["approved"] == 1


def test_oversized_picture_is_resized_when_the_gallery_resizes(sandbox):
    sandbox.settings.coppermine_max_pixels = 100
    sandbox.settings.coppermine_oversize = "resize"
    row = _picture(sandbox, _pid(_upload(sandbox, data=_jpeg(size=(300, 200)))))
    assert (row["pwidth"], row["pheight"]) == (100, 67)


def test_urlencoded_upload_without_a_file_part_is_error_2(sandbox):
    form = {"function": "cpgAPI.upload", "aid": "5", **_creds(sandbox, "alice")}
    assert _error(requests.post(_api(sandbox), data=form, timeout=30)) == 2


# -- request-level errors -------------------------------------------------------------------
def test_missing_aid_is_error_1(sandbox):
    assert _error(_upload(sandbox, aid=None)) == 1


def test_missing_file_is_error_2(sandbox):
    form = {"function": "cpgAPI.upload", "aid": "5", **_creds(sandbox, "alice")}
    files = {"other": ("green.jpg", _jpeg(), "image/jpeg")}
    assert _error(requests.post(_api(sandbox), data=form, files=files, timeout=30)) == 2


def test_empty_file_name_is_error_3(sandbox):
    assert _error(_upload(sandbox, name="")) == 3


def test_album_id_that_is_not_a_positive_integer_is_error_4(sandbox):
    assert [_error(_upload(sandbox, aid=aid)) for aid in ("abc", "0", "-5", "", "2.5")] == [4] * 5


def test_forbidden_extension_is_error_5(sandbox):
    assert _error(_upload(sandbox, name="notes.txt")) == 5


def test_file_over_the_php_limit_is_error_6(sandbox):
    sandbox.settings.coppermine_php_upload_max_bytes = 200
    assert _error(_upload(sandbox)) == 6


def test_partially_uploaded_file_is_error_6(sandbox):
    boundary = "XyZbOuNdArY"
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in {"function": "cpgAPI.upload", "aid": "5", **_creds(sandbox, "alice")}.items()
    ).encode()
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.jpg"\r\n'
    part += "Content-Type: image/jpeg\r\n\r\n"
    body = head + part.encode() + _jpeg()[:200]  # the body ends inside the file part
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    assert _error(requests.post(_api(sandbox), data=body, headers=headers, timeout=30)) == 6


def test_unwritable_temporary_file_is_error_7(sandbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cpg_api.tempfile, "NamedTemporaryFile", refuse)
    assert _error(_upload(sandbox)) == 7


def test_file_sent_as_a_plain_field_is_error_10(sandbox):
    form = {"function": "cpgAPI.upload", "aid": "5", "file": "green.jpg", **_creds(sandbox, "alice")}
    files = {"title": (None, "Green")}  # forces multipart/form-data with no file part
    assert _error(requests.post(_api(sandbox), data=form, files=files, timeout=30)) == 10


def test_wrong_password_is_error_18(sandbox):
    form = {"function": "cpgAPI.upload", "aid": "5", "username": "alice", "password": "wrong"}
    files = {"file": ("green.jpg", _jpeg(), "image/jpeg")}
    assert _error(requests.post(_api(sandbox), data=form, files=files, timeout=30)) == 18


def test_user_name_without_password_is_error_18(sandbox):
    form = {"function": "cpgAPI.upload", "aid": "5", "username": "alice", "password": ""}
    files = {"file": ("green.jpg", _jpeg(), "image/jpeg")}
    assert _error(requests.post(_api(sandbox), data=form, files=files, timeout=30)) == 18


# -- errors from the gallery's rules ---------------------------------------------------------
def test_empty_file_is_error_8(sandbox):
    assert _error(_upload(sandbox, data=b"")) == 8


def test_file_over_the_gallery_size_limit_is_error_9(sandbox):
    _gallery(sandbox).set_config(max_upl_size=1)  # KB
    assert _error(_upload(sandbox, data=_jpeg(size=(300, 200)) + b"\0" * 2048)) == 9


def test_picture_over_the_pixel_limit_is_error_9_when_the_gallery_refuses(sandbox):
    sandbox.settings.coppermine_max_pixels = 100
    sandbox.settings.coppermine_oversize = "refuse"
    assert _error(_upload(sandbox, data=_jpeg(size=(300, 200)))) == 9


def test_user_folder_that_cannot_be_created_is_error_11(sandbox):
    with sandbox.store.write() as conn:
        uid = create_user(conn, "dave", "dave-pw")
        conn.execute("INSERT INTO cpg_members VALUES (?, 2)", (uid,))
        conn.execute("INSERT INTO cpg_albums (aid, title, category) VALUES (50, 'Dave''s', ?)", (10000 + uid,))
    blocker = _gallery(sandbox).albums_dir / "userpics" / str(10000 + uid)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the folder should be")
    form = {"function": "cpgAPI.upload", "aid": "50", "username": "dave", "password": "dave-pw"}
    files = {"file": ("green.jpg", _jpeg(), "image/jpeg")}
    assert _error(requests.post(_api(sandbox), data=form, files=files, timeout=30)) == 11


def test_file_that_cannot_be_moved_into_place_is_error_12(sandbox):
    folder = _gallery(sandbox).albums_dir / "userpics" / str(10000 + _uid(sandbox, "alice")) / "5"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "thumb_blocked.jpg").mkdir()  # its thumbnail cannot be written
    assert _error(_upload(sandbox, name="blocked.jpg")) == 12


def test_file_that_is_not_an_image_is_error_17_as_the_real_add_on_answers(sandbox):
    assert _error(_upload(sandbox, data=b"this is not a picture at all")) == 17


def test_unexpected_failure_while_storing_is_error_17(sandbox, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the image library crashed")

    monkeypatch.setattr(_gallery(sandbox), "make_variants", broken)
    assert _error(_upload(sandbox)) == 17


def test_unknown_album_is_error_19(sandbox):
    assert _error(_upload(sandbox, aid="999")) == 19


def test_album_of_another_user_is_error_19(sandbox):
    assert _error(_upload(sandbox, aid="7")) == 19


def test_album_closed_to_uploads_is_error_19(sandbox):
    assert _error(_upload(sandbox, aid="2")) == 19


def test_user_whose_group_may_not_upload_is_error_20(sandbox):
    assert _error(_upload(sandbox, user="carol", aid="3")) == 20


def test_guest_upload_is_refused_with_error_20(sandbox):
    assert _error(_upload(sandbox, user=None, aid="3")) == 20


def test_guest_without_an_anonymous_group_is_error_21(sandbox):
    with sandbox.store.write() as conn:
        conn.execute("DELETE FROM cpg_groups WHERE id = 3")
    assert _error(_upload(sandbox, user=None, aid="3")) == 21


def test_upload_over_the_quota_is_error_22(sandbox):
    with sandbox.store.write() as conn:
        conn.execute("UPDATE cpg_groups SET quota_kb = 1 WHERE id = 2")
    assert _error(_upload(sandbox)) == 22


def test_uploads_leave_no_temporary_file(sandbox, monkeypatch, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(cpg_api.tempfile, "tempdir", str(tmp))
    _error(_upload(sandbox, name="notes.txt"))
    _pid(_upload(sandbox))
    assert list(tmp.iterdir()) == []
