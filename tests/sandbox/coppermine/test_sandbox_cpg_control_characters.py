"""Control characters in what a Coppermine user stored never make the sandbox fail.

The cpgAPI writes names unescaped, as the real add-on did (a documented quirk: ``&`` and control
characters make its XML ill-formed, and clients parse with recovery); the sandbox must still
answer, in either charset. The stock pages must answer too.
"""

from __future__ import annotations

import pytest
import requests
from lxml import etree
from support import fotki_raw as fr
from support.cpg_web import base as cpg_base
from support.cpg_web import form_token as cpg_token
from support.cpg_web import signed_in as cpg_signed_in

NASTY = "".join(chr(c) for c in range(1, 32)) + "\x7fend"
"""The C0 control characters but NUL (which a PHP gallery would cut the name at), and DEL."""


def _name_album(sandbox, aid: int, title: str) -> None:
    with sandbox.store.write() as conn:
        conn.execute("UPDATE cpg_albums SET title = ? WHERE aid = ?", (title, aid))


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-1"])
def test_catlist_writes_a_name_with_control_characters_as_it_is(sandbox, charset: str) -> None:
    sandbox.settings.coppermine_charset = charset
    _name_album(sandbox, 5, NASTY)
    form = {"function": "cpgAPI.catList", "username": "alice", "password": sandbox.users["alice"]}
    resp = requests.post(sandbox.coppermine_url + "/api/", data=form, timeout=30)
    assert resp.status_code == 200 and f"<name>{NASTY}</name>".encode(charset) in resp.content


def test_a_catlist_with_control_characters_is_readable_with_recovery(sandbox) -> None:
    _name_album(sandbox, 5, "Alice\x01\x1b's holidays")
    form = {"function": "cpgAPI.catList", "username": "alice", "password": sandbox.users["alice"]}
    resp = requests.post(sandbox.coppermine_url + "/api/", data=form, timeout=30)
    doc = etree.fromstring(resp.content, etree.XMLParser(recover=True))
    assert 5 in {int(a.findtext("id")) for a in doc.iter("album")}


def test_the_stock_pages_show_titles_with_control_characters(sandbox) -> None:
    alice = cpg_signed_in(sandbox, "alice")
    _name_album(sandbox, 5, NASTY)
    resp = alice.post(
        cpg_base(sandbox) + "uniload.php",
        data={"method": "upload_sgl", "album": "5", "title": NASTY, "caption": NASTY, **cpg_token(alice, sandbox)},
        files={"Filedata": ("ctl.jpg", fr.jpeg(), "image/jpeg")},
        allow_redirects=False,
        timeout=30,
    )
    pages = [resp.headers["Location"], "thumbnails.php?album=5", "index.php?cat=10002", "upload.php?single"]
    assert [alice.get(cpg_base(sandbox) + page, timeout=30).status_code for page in pages] == [200] * 4
