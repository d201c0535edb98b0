"""The cpgAPI of the sandbox over raw HTTP: dispatch, charsets, fault modes and concurrent uploads."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor

import requests
from lxml import etree
from PIL import Image


def _api(sandbox) -> str:
    return sandbox.coppermine_url + "/api/"


def _creds(sandbox, user: str) -> dict[str, str]:
    return {"username": user, "password": sandbox.users[user]}


def _jpeg(color: tuple[int, int, int] = (30, 160, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "JPEG", quality=95)
    return out.getvalue()


def _upload(sandbox, data: bytes | None = None, name: str = "green.jpg", **fields) -> requests.Response:
    form = {"function": "cpgAPI.upload", "aid": "5", **_creds(sandbox, "alice"), **fields}
    files = {"file": (name, _jpeg() if data is None else data, "image/jpeg")}
    return requests.post(_api(sandbox), data=form, files=files, timeout=60)


def _root(body: bytes) -> etree._Element:
    """Parse as a tolerant client must: skip PHP junk before the XML, repair bare ``&``, recover."""
    body = body[max(body.find(b"<?xml"), 0) :]
    repaired = re.sub(rb"&(?!#?[A-Za-z0-9]+;)", b"&amp;", body)
    return etree.fromstring(repaired, etree.XMLParser(recover=True))


def _error(resp: requests.Response) -> int:
    root = _root(resp.content)
    assert root.findtext("status") == "fail", resp.text
    return int(root.findtext("error"))


def _pictures(sandbox) -> list:
    with sandbox.store.read() as conn:
        return conn.execute("SELECT * FROM cpg_pictures ORDER BY pid").fetchall()


def _rename_album(sandbox, aid: int, title: str) -> None:
    with sandbox.store.write() as conn:
        conn.execute("UPDATE cpg_albums SET title = ? WHERE aid = ?", (title, aid))


# -- dispatch -----------------------------------------------------------------------------
def test_unknown_function_is_error_100(sandbox):
    resp = requests.post(_api(sandbox), data={"function": "cpgAPI.nothing", **_creds(sandbox, "alice")}, timeout=30)
    assert (_error(resp), _root(resp.content).findtext("verbose")) == (100, "Invalid function name passed")


def test_missing_function_is_error_100(sandbox):
    assert _error(requests.post(_api(sandbox), data=_creds(sandbox, "alice"), timeout=30)) == 100


def test_get_is_read_like_an_empty_post_and_gives_error_100(sandbox):
    resp = requests.get(_api(sandbox), params={"function": "cpgAPI.catList"}, timeout=30)
    assert (resp.status_code, _error(resp)) == (200, 100)


def test_unknown_function_is_error_100_even_with_wrong_credentials(sandbox):
    resp = requests.post(_api(sandbox), data={"function": "probe", "username": "alice", "password": "x"}, timeout=30)
    assert _error(resp) == 100


def test_text_field_over_the_post_limit_empties_the_post_with_a_php_warning(sandbox):
    fields = {"function": (None, "cpgAPI.upload"), "aid": (None, "5"), "file": (None, "x" * (2 * 1024 * 1024))}
    resp = requests.post(_api(sandbox), files=fields, timeout=60)
    assert resp.content.startswith(b"<br />\n<b>Warning</b>") and _error(resp) == 100


# -- charsets -----------------------------------------------------------------------------
def test_reply_is_text_xml_declaring_utf8_by_default(sandbox):
    resp = requests.post(_api(sandbox), data={"function": "x"}, timeout=30)
    assert (resp.headers["Content-Type"], resp.content.splitlines()[0]) == (
        "text/xml; charset=utf-8",
        b'<?xml version="1.0" encoding="utf-8" ?>',
    )


def test_utf8_gallery_writes_names_as_utf8(sandbox):
    _rename_album(sandbox, 2, "Café Жук")
    body = requests.post(_api(sandbox), data={"function": "cpgAPI.catList"}, timeout=30).content
    assert "<name>Café Жук</name>".encode() in body


def test_latin1_gallery_declares_its_charset(sandbox):
    sandbox.settings.coppermine_charset = "iso-8859-1"
    resp = requests.post(_api(sandbox), data={"function": "x"}, timeout=30)
    assert (resp.headers["Content-Type"], resp.content.splitlines()[0]) == (
        "text/xml; charset=iso-8859-1",
        b'<?xml version="1.0" encoding="iso-8859-1" ?>',
    )


def test_latin1_gallery_writes_names_in_latin1_and_other_characters_as_references(sandbox):
    sandbox.settings.coppermine_charset = "iso-8859-1"
    _rename_album(sandbox, 2, "Café Жук")
    body = requests.post(_api(sandbox), data={"function": "cpgAPI.catList"}, timeout=30).content
    assert b"<name>Caf\xe9 &#1046;&#1091;&#1082;</name>" in body


def test_latin1_reply_parses_back_to_the_names(sandbox):
    sandbox.settings.coppermine_charset = "iso-8859-1"
    _rename_album(sandbox, 2, "Café Жук")
    body = requests.post(_api(sandbox), data={"function": "cpgAPI.catList"}, timeout=30).content
    assert "Café Жук" in [a.findtext("name") for a in _root(body).iter("album")]


def test_latin1_gallery_reads_posted_text_as_latin1(sandbox):
    sandbox.settings.coppermine_charset = "iso-8859-1"
    form = {"function": "cpgAPI.upload", "aid": "5", **_creds(sandbox, "alice"), "title": "Caf\xe9".encode("latin-1")}
    files = {"file": ("green.jpg", _jpeg(), "image/jpeg")}
    pid = int(_root(requests.post(_api(sandbox), data=form, files=files, timeout=30).content).findtext("pid"))
    assert [p["title"] for p in _pictures(sandbox) if p["pid"] == pid] == ["Café"]


# -- fault modes on this side ----------------------------------------------------------------
def test_php_notice_comes_before_the_xml_declaration(sandbox):
    sandbox.faults.set("coppermine", php_notice=1.0)
    body = _upload(sandbox).content
    junk, _, rest = body.partition(b"<?xml")
    assert junk.startswith(b"<br />") and b"<b>Notice</b>" in junk and b"<pid>" in rest


def test_upload_behind_a_php_notice_is_stored(sandbox):
    before = len(_pictures(sandbox))
    sandbox.faults.set("coppermine", php_notice=1.0)
    _upload(sandbox)
    assert len(_pictures(sandbox)) == before + 1


def test_truncated_reply_loses_its_closing_tag(sandbox):
    sandbox.faults.set("coppermine", truncate=1.0)
    body = _upload(sandbox).content
    assert body.startswith(b"<?xml") and not body.rstrip().endswith(b"</uploader>")


def test_upload_with_a_truncated_reply_is_stored(sandbox):
    before = len(_pictures(sandbox))
    sandbox.faults.set("coppermine", truncate=1.0)
    _upload(sandbox)
    assert len(_pictures(sandbox)) == before + 1


def test_fault_targeted_at_the_upload_function_still_reads_the_post(sandbox):
    sandbox.faults.set("coppermine", php_notice=1.0, only="cpgAPI.upload")
    body = _upload(sandbox, title="targeted").content
    assert b"<b>Notice</b>" in body and [p["title"] for p in _pictures(sandbox)][-1] == "targeted"


# -- concurrency -----------------------------------------------------------------------------
def test_fifty_simultaneous_uploads_are_each_stored_once_intact_under_unique_names(sandbox):
    before = {p["pid"] for p in _pictures(sandbox)}
    images = {str(i): _jpeg((i * 5, 255 - i * 5, (i * 37) % 256)) for i in range(50)}
    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(lambda i: _upload(sandbox, images[i], name="same.jpg", title=i), images))
    pids = [int(_root(r.content).findtext("pid")) for r in replies]
    new = [p for p in _pictures(sandbox) if p["pid"] not in before]
    gallery = sandbox.coppermine_gallery
    assert sorted(pids) == sorted(p["pid"] for p in new)
    assert len({p["filename"] for p in new}) == 50
    assert all(gallery.file_path(p).read_bytes() == images[p["title"]] for p in new)
