"""Fotki request signing, checked against the doc's pattern and Flickr's published test vector."""

from __future__ import annotations

import hashlib

from galleryk.fotki.signing import sign, signed


def test_doc_example_sorts_names_and_prefixes_the_secret() -> None:
    expected = hashlib.md5(b"SECRETone1three3two2").hexdigest()
    assert sign("SECRET", {"one": "1", "two": "2", "three": "3"}) == expected


def test_flickr_test_vector() -> None:
    params = {"api_key": "9a0554259914a86fb9e7eb014e4e5d52", "method": "flickr.auth.getFrob"}
    assert sign("000005fab4534d05", params) == "8ad70cd3888ce493c8dde4931f7d6bd0"


def test_api_sig_and_the_photo_file_are_not_signed() -> None:
    base = {"api_key": "k", "title": "t"}
    assert sign("s", {**base, "api_sig": "old", "photo": "bytes"}) == sign("s", base)


def test_values_are_signed_as_utf8_text() -> None:
    expected = hashlib.md5("stitleCafé Zürich".encode()).hexdigest()
    assert sign("s", {"title": "Café Zürich"}) == expected


def test_signed_adds_api_sig_and_drops_none_values() -> None:
    out = signed("s", {"a": 1, "b": None, "c": True})
    assert out == {"a": "1", "c": "1", "api_sig": sign("s", {"a": "1", "c": "1"})}
