"""Fotki replies stay well-formed XML and valid JSON whatever a user stored: control characters, DEL, CR.

Values go in over raw HTTP (an upload's title, description and tags; a photoset's title) and
straight through the sandbox's own model; replies are parsed strictly (lxml without recovery).
What XML 1.0 cannot carry comes back as U+FFFD; JSON carries every character.
"""

from __future__ import annotations

import json

import pytest
import requests
from lxml import etree
from support import fotki_raw as fr

from galleryk.sandbox.fotki import db
from galleryk.sandbox.fotki.reply import Node, ok

NASTY = "".join(chr(c) for c in range(32)) + "\x7f<&>\"'end"
"""Every C0 control character, DEL and the XML specials."""
IN_XML = "".join(c if c in "\t\n\r" else "\ufffd" for c in NASTY[:32]) + NASTY[32:]
"""What the XML says for it: the C0 characters XML 1.0 cannot carry replaced by U+FFFD."""


def _uploaded(sandbox, tok: str) -> str:
    tag = NASTY.replace('"', "")  # a quoted tag holds no quote
    resp = fr.upload(sandbox, tok, title=NASTY, description=NASTY, tags=f'"{tag}" plain')
    return fr.root(resp).findtext("photoid")


def test_get_info_of_a_photo_with_control_characters_is_well_formed_xml(sandbox) -> None:
    tok = fr.token(sandbox)
    photo = fr.root(fr.call(sandbox, "flickr_photos_getInfo", tok, photo_id=_uploaded(sandbox, tok))).find("photo")
    raws = [tag.get("raw") for tag in photo.iter("tag")]
    assert (photo.findtext("title"), photo.findtext("description")) == (IN_XML, IN_XML)
    assert raws == [IN_XML.replace('"', ""), "plain"]


def test_get_info_in_json_carries_every_character(sandbox) -> None:
    tok = fr.token(sandbox)
    photo_id = _uploaded(sandbox, tok)
    resp = fr.call(sandbox, "flickr_photos_getInfo", tok, photo_id=photo_id, format="json")
    assert json.loads(resp.content)["photo"]["title"]["_content"] == NASTY


@pytest.mark.parametrize("method", ["flickr_photos_getNotInSet", "flickr_photosets_getPhotos"])
def test_listings_of_photos_with_control_characters_are_well_formed(sandbox, method: str) -> None:
    tok = fr.token(sandbox)
    with sandbox.store.write() as conn:
        conn.execute("UPDATE fotki_photos SET title = ?", (NASTY,))
    titles = {p.get("title") for p in fr.root(fr.call(sandbox, method, tok, photoset_id=72157000001)).iter("photo")}
    assert titles == {IN_XML}


def test_photoset_titles_stored_through_the_model_come_back_well_formed(sandbox) -> None:
    tok = fr.token(sandbox)
    with sandbox.store.write() as conn:
        db.edit_photoset(conn, 72157000001, NASTY, NASTY)
    first = next(fr.root(fr.call(sandbox, "flickr_photosets_getList", tok)).iter("photoset"))
    assert (first.findtext("title"), first.findtext("description")) == (IN_XML, IN_XML)


def test_a_photoset_created_with_control_characters_is_listed_well_formed(sandbox) -> None:
    tok = fr.token(sandbox)
    fr.post(sandbox, "flickr_photosets_create", tok, btitle=NASTY, primary_photo_id=4000000027)
    titles = {s.findtext("title") for s in fr.root(fr.call(sandbox, "flickr_photosets_getList", tok)).iter("photoset")}
    assert IN_XML in titles


def test_a_method_name_with_control_characters_fails_in_well_formed_xml(sandbox) -> None:
    params = fr.signed(sandbox.secret, {"api_key": sandbox.api_key})
    err = fr.root(requests.get(f"{sandbox.fotki_api_url}/flickr_%00%1b_x", params=params, timeout=30)).find("err")
    assert (err.get("code"), err.get("msg")) == ("112", 'Method "flickr_\ufffd\ufffd_x" not found')


def test_bytes_that_are_not_utf8_arrive_as_replacement_characters(sandbox) -> None:
    tok = fr.token(sandbox)
    raw = b"lone \xed\xa0\x80 surrogate"  # a UTF-16 surrogate encoded as if it were a character
    read = raw.decode("utf-8", "replace")  # what the server reads, and so signs
    fields = fr.signed(sandbox.secret, {"api_key": sandbox.api_key, "auth_token": tok, "title": read})
    del fields["title"]
    files = {"photo": ("p.jpg", fr.jpeg(), "image/jpeg"), "title": (None, raw)}
    resp = requests.post(f"{sandbox.fotki_api_url}/upload", data=fields, files=files, timeout=30)
    photo_id = fr.root(resp).findtext("photoid")
    title = fr.root(fr.call(sandbox, "flickr_photos_getInfo", tok, photo_id=photo_id)).findtext("photo/title")
    assert title.startswith("lone \ufffd") and title.endswith(" surrogate")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_lone_surrogate_in_a_value_is_written_as_a_replacement_character(fmt: str) -> None:
    body = ok(Node("photo", {"title": "a\ud800b"}, text="c\udfffd"), fmt).get_data()
    photo = json.loads(body)["photo"] if fmt == "json" else etree.fromstring(body).find("photo")
    title, text = (photo["title"], photo["_content"]) if fmt == "json" else (photo.get("title"), photo.text)
    assert (title, text) == ("a\ufffdb", "c\ufffdd")
