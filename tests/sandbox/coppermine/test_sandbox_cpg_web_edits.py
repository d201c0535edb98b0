"""The sandbox's pages that change pictures, by raw HTTP: the edit form, the delete link, the picture manager.

What the real 1.6.26 does with the same requests is pinned by the differential test; here are the
sandbox's own promises: each album sort order, the file renames and moves of the edit form, the
files a delete removes, the picture manager's refusals, and a gallery from before positions.
"""

from __future__ import annotations

import io
import sqlite3
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import requests
from PIL import Image
from support.cpg_web import base as _base
from support.cpg_web import form_token as _token
from support.cpg_web import signed_in as _signed_in

from galleryk.sandbox.coppermine.gallery import Gallery
from galleryk.sandbox.settings import SandboxSettings
from galleryk.sandbox.store import Store

ALICE_HOLIDAYS, MEMBERS_CORNER = 5, 3


def _jpeg(seed: int = 1, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (seed * 40 % 256, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def _upload(s, sandbox, album: int, name: str, seed: int = 1, **fields) -> int | None:
    form = {"method": "upload_sgl", "album": str(album), **_token(s, sandbox), **fields}
    r = s.post(
        _base(sandbox) + "uniload.php",
        data=form,
        files={"Filedata": (name, _jpeg(seed), "image/jpeg")},
        allow_redirects=False,
    )
    pid = parse_qs(urlsplit(r.headers["Location"]).query).get("pid")
    return int(pid[0]) if pid else None


def _album(s, sandbox, title: str) -> int:
    q = {"what": "albmgr", "op": "add", "cat": "10002", "name": title, "position": "0", **_token(s, sandbox)}
    return int(s.get(_base(sandbox) + "delete.php", params=q).json()["newAid"])


def _edit_form(s, sandbox, pid: int) -> dict[str, str]:
    doc = lxml.html.fromstring(s.get(_base(sandbox) + "edit_one_pic.php", params={"id": pid}).content)
    return dict(doc.get_element_by_id("cpgform_editonepic").form_values())


def _die(r: requests.Response) -> str:
    doc = lxml.html.fromstring(r.content)
    return " ".join(s.text_content() for s in doc.find_class("cpg_user_message"))


def _album_page(s, sandbox, aid: int) -> list[str]:
    doc = lxml.html.fromstring(s.get(_base(sandbox) + "thumbnails.php", params={"album": aid}).content)
    return [span.text_content() for span in doc.find_class("thumb_title_title")]


def _picmgr(s, sandbox, aid: int) -> dict[str, str]:
    doc = lxml.html.fromstring(s.get(_base(sandbox) + "picmgr.php", params={"aid": aid}).content)
    return dict(doc.get_element_by_id("cpgformPic").form_values())


# -- album pages follow the gallery's sort order -------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "titles"),
    [
        ("na", ["A", "B", "C"]),  # file names a.jpg, b.jpg, c.jpg
        ("nd", ["C", "B", "A"]),
        ("ta", ["A", "B", "C"]),
        ("td", ["C", "B", "A"]),
        ("da", ["B", "C", "A"]),  # uploaded b, c, a (in the same second: then by pid)
        ("dd", ["A", "C", "B"]),
        ("pa", ["C", "A", "B"]),  # the picture manager's order: c, a, b
        ("pd", ["B", "A", "C"]),
    ],
)
def test_album_pages_follow_the_default_sort_order(sandbox, code, titles):
    s = _signed_in(sandbox, "alice")
    aid = _album(s, sandbox, f"Sorted {code}")
    pids = {name: _upload(s, sandbox, aid, f"{name}.jpg", seed=i, title=name.upper()) for i, name in enumerate("bca")}
    order = "".join(f"{pids[n]}," for n in ("c", "a", "b"))
    s.post(_base(sandbox) + "delete.php?what=picmgr", data={**_picmgr(s, sandbox, aid), "picture_order": order})
    sandbox.configure_coppermine(default_sort_order=code)
    assert _album_page(s, sandbox, aid) == titles


# -- the edit form -------------------------------------------------------------------------------------
def test_a_new_file_name_renames_the_stored_files(sandbox):
    s = _signed_in(sandbox, "alice")
    pid = _upload(s, sandbox, ALICE_HOLIDAYS, "old.jpg")
    s.post(
        _base(sandbox) + "edit_one_pic.php",
        data={**_edit_form(s, sandbox, pid), "filename": "new.jpg", "apply_changes": "1"},
    )
    thumb = s.get(_base(sandbox) + f"albums/userpics/10002/{ALICE_HOLIDAYS}/thumb_new.jpg")
    assert (thumb.status_code, _edit_form(s, sandbox, pid)["filename"]) == (200, "new.jpg")


def test_a_file_name_of_another_type_is_refused(sandbox):
    s = _signed_in(sandbox, "alice")
    pid = _upload(s, sandbox, ALICE_HOLIDAYS, "kept.jpg")
    r = s.post(
        _base(sandbox) + "edit_one_pic.php",
        data={**_edit_form(s, sandbox, pid), "filename": "kept.png", "apply_changes": "1"},
    )
    assert ("Cannot convert file from 'jpg' to 'png'" in _die(r), _edit_form(s, sandbox, pid)["filename"]) == (
        True,
        "kept.jpg",
    )


def test_moving_a_picture_into_a_public_album_waits_for_approval_again(sandbox):
    s = _signed_in(sandbox, "alice")
    pid = _upload(s, sandbox, ALICE_HOLIDAYS, "moving.jpg", title="Moving")
    s.post(
        _base(sandbox) + "edit_one_pic.php",
        data={**_edit_form(s, sandbox, pid), "aid": str(MEMBERS_CORNER), "apply_changes": "1"},
    )
    admin = _signed_in(sandbox, "admin")
    assert (
        "Moving" in _album_page(admin, sandbox, MEMBERS_CORNER),
        "Moving" in _album_page(s, sandbox, MEMBERS_CORNER),
    ) == (
        True,
        False,
    )


def test_the_owner_of_a_picture_in_a_public_album_may_delete_it_when_the_admin_allows_it(sandbox):
    s = _signed_in(sandbox, "alice")
    _upload(s, sandbox, MEMBERS_CORNER, "public.jpg", title="Public")  # awaits approval: no pid in the reply
    admin = _signed_in(sandbox, "admin")
    doc = lxml.html.fromstring(admin.get(_base(sandbox) + "thumbnails.php", params={"album": MEMBERS_CORNER}).content)
    pid = max(
        int(parse_qs(urlsplit(a.get("href")).query)["pid"][0])
        for a in doc.iter("a")
        if "displayimage.php" in (a.get("href") or "")
    )
    link = {"id": pid, "what": "picture"}
    refused = _die(s.get(_base(sandbox) + "delete.php", params={**link, **_token(s, sandbox)}))
    sandbox.configure_coppermine(users_can_edit_pics="1")
    allowed = _die(s.get(_base(sandbox) + "delete.php", params={**link, **_token(s, sandbox)}))
    assert (refused, allowed) == ("You don't have permission to access this page.", "")


# -- the delete link -------------------------------------------------------------------------------------
def test_a_deleted_picture_leaves_no_file_behind(sandbox):
    s = _signed_in(sandbox, "alice")
    pid = _upload(s, sandbox, ALICE_HOLIDAYS, "gone.jpg")
    folder = sandbox.store.files / "coppermine" / "albums" / "userpics" / "10002" / str(ALICE_HOLIDAYS)
    before = sorted(p.name for p in folder.iterdir() if "gone" in p.name)
    s.get(_base(sandbox) + "delete.php", params={"id": pid, "what": "picture", **_token(s, sandbox)})
    assert (before, sorted(p.name for p in folder.iterdir() if "gone" in p.name)) == (
        ["gone.jpg", "thumb_gone.jpg"],
        [],
    )


# -- the picture manager ----------------------------------------------------------------------------------
def test_the_picture_manager_refuses_a_user_whose_group_may_not_create_albums(sandbox):
    r = _signed_in(sandbox, "carol").get(_base(sandbox) + "picmgr.php", params={"aid": ALICE_HOLIDAYS})
    assert _die(r) == "You don't have permission to access this page."


def test_a_sort_order_that_is_not_pid_at_position_is_invalid_data(sandbox):
    s = _signed_in(sandbox, "alice")
    r = s.post(_base(sandbox) + "delete.php?what=picmgr", data={"album_id": ALICE_HOLIDAYS, "sort_order": "12,13@2,"})
    assert _die(r) == "Invalid data received in '12,13@2,'"


def test_the_picture_manager_names_its_rows_positions_from_100(sandbox):
    s = _signed_in(sandbox, "alice")
    form = _picmgr(s, sandbox, ALICE_HOLIDAYS)
    positions = [item.split("@")[1] for item in form["sort_order"].split(",") if item]
    assert positions == [str(100 + i) for i in range(len(positions))] and positions


# -- a gallery from before the sandbox kept positions ------------------------------------------------------
def test_a_gallery_made_before_positions_gets_them(tmp_path):
    store = Store(tmp_path / "old")
    with sqlite3.connect(store.db_path) as conn:
        conn.execute(
            "CREATE TABLE cpg_pictures (pid INTEGER PRIMARY KEY, aid INTEGER NOT NULL, filepath TEXT NOT NULL,"
            " filename TEXT NOT NULL, filesize INTEGER NOT NULL, pwidth INTEGER NOT NULL, pheight INTEGER NOT NULL,"
            " owner_id INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '', caption TEXT NOT NULL DEFAULT '',"
            " keywords TEXT NOT NULL DEFAULT '', approved INTEGER NOT NULL DEFAULT 1, ctime INTEGER NOT NULL)"
        )
    Gallery(store, SandboxSettings())
    with store.read() as conn:
        assert "position" in {row[1] for row in conn.execute("PRAGMA table_info(cpg_pictures)")}
