"""Unit tests of the sandbox's Fotki signing and reply writing (pure functions, no server)."""

from __future__ import annotations

import hashlib
import json

from lxml import etree

from galleryk.sandbox.fotki.reply import Node, fail, ok
from galleryk.sandbox.fotki.sign import sign, signature_matches


def test_flickr_published_test_vector_signs_as_published():
    params = {"api_key": "9a0554259914a86fb9e7eb014e4e5d52", "method": "flickr.auth.getFrob"}
    assert sign("000005fab4534d05", params) == "8ad70cd3888ce493c8dde4931f7d6bd0"


def test_doc_example_sorts_names_before_concatenating():
    expected = hashlib.md5(b"SECRETone1three3two2").hexdigest()
    assert sign("SECRET", {"one": "1", "two": "2", "three": "3"}) == expected


def test_api_sig_itself_is_never_signed():
    assert sign("s", {"a": "1", "api_sig": "whatever"}) == sign("s", {"a": "1"})


def test_values_are_signed_as_utf8():
    expected = hashlib.md5("stitleCafé ü 東京".encode()).hexdigest()
    assert sign("s", {"title": "Café ü 東京"}) == expected


def test_excluded_names_such_as_the_upload_body_are_left_out():
    assert sign("s", {"a": "1", "photo": "bytes"}, exclude=("photo",)) == sign("s", {"a": "1"})


def test_signature_check_accepts_upper_case_hex_and_rejects_a_wrong_one():
    good = sign("s", {"a": "1"})
    assert signature_matches("s", {"a": "1"}, good.upper())
    assert not signature_matches("s", {"a": "2"}, good)


def test_json_reply_keeps_list_children_as_lists_even_when_single():
    photos = Node("photos", {"page": 1}, lists=("photo",))
    photos.add(Node("photo", {"id": 5, "title": "x"}))
    data = json.loads(ok(photos, "json").get_data())
    assert data == {"photos": {"page": "1", "photo": [{"id": "5", "title": "x"}]}, "stat": "ok"}


def test_json_reply_writes_text_as_content():
    data = json.loads(ok(Node("frob", text="abc"), "json").get_data())
    assert data == {"frob": {"_content": "abc"}, "stat": "ok"}


def test_json_upload_reply_follows_the_doc_and_names_it_photo():
    data = json.loads(ok(Node("photoid", text="12"), "json").get_data())
    assert data == {"photo": {"_content": "12"}, "stat": "ok"}


def test_xml_failure_carries_code_and_escaped_message():
    root = etree.fromstring(fail(1, 'Photo "<x>" not found', "xml").get_data())
    assert (root.get("stat"), root.find("err").get("code"), root.find("err").get("msg")) == (
        "fail",
        "1",
        'Photo "<x>" not found',
    )


def test_xml_reply_starts_with_the_declaration_and_escapes_text():
    body = ok(Node("title", text="a & <b>"), "xml").get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8" ?>')
    assert etree.fromstring(body).findtext("title") == "a & <b>"
