"""The hardened XML reader: junk before the declaration, charsets, recovery, and no entity tricks."""

from __future__ import annotations

from pathlib import Path

import pytest

from galleryk.transport.xmlparse import XmlError, declared_encoding, looks_like_html, read_xml, split_junk

PHP_NOTICE = (
    b"<br />\n<b>Notice</b>:  Undefined index:  keywords in <b>/var/www/api/index.php</b> on line <b>137</b><br />\n"
)


def test_plain_reply_parses() -> None:
    doc = read_xml(b'<?xml version="1.0" encoding="utf-8"?><rsp stat="ok"><photoid>1</photoid></rsp>')
    assert doc.root.tag == "rsp" and doc.root.findtext("photoid") == "1"
    assert doc.junk == "" and not doc.recovered


def test_php_notices_before_the_declaration_are_skipped_and_kept() -> None:
    doc = read_xml(PHP_NOTICE + b'<?xml version="1.0"?><cpg><status>ok</status></cpg>')
    assert doc.root.findtext("status") == "ok"
    assert "Undefined index" in doc.junk and "<b>" not in doc.junk


def test_split_junk_without_junk_returns_everything_as_xml() -> None:
    assert split_junk(b"<a/>") == (b"", b"<a/>")


def test_iso_8859_1_declared_charset_is_honoured() -> None:
    data = '<?xml version="1.0" encoding="iso-8859-1"?><cpg><name>Café Zürich</name></cpg>'.encode("iso-8859-1")
    doc = read_xml(data)
    assert doc.root.findtext("name") == "Café Zürich"
    assert doc.encoding == "iso-8859-1"


def test_fotki_doc_utf8_spelling_is_accepted() -> None:
    data = '<?xml version="1.0" encoding="utf8" ?>\n<rsp stat="ok"><t>é</t></rsp>'.encode()
    assert declared_encoding(data) == "utf-8"
    assert read_xml(data).root.findtext("t") == "é"


def test_unescaped_ampersand_fails_strictly_with_a_clear_error() -> None:
    with pytest.raises(XmlError, match="malformed XML"):
        read_xml(b"<cpg><cat><name>Rock & Roll</name></cat></cpg>")


def test_unescaped_ampersand_is_recovered_when_asked() -> None:
    doc = read_xml(b"<cpg><cat><id>3</id><name>Rock & Roll</name></cat><cat><id>4</id></cat></cpg>", recover=True)
    assert doc.recovered
    assert [c.findtext("id") for c in doc.root.iter("cat")] == ["3", "4"]


def test_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]><r><t>&xxe;</t></r>').encode()
    doc = read_xml(data, recover=True)
    assert b"TOP-SECRET-CONTENT" not in __import__("lxml.etree").etree.tostring(doc.root)


def test_internal_entities_are_not_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<r><t>&b;</t></r>"
    )
    doc = read_xml(data, recover=True)
    assert "AAAA" not in "".join(doc.root.itertext())


def test_html_error_page_is_reported_as_html() -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Fatal error</title></head><body>boom</body></html>"
    assert looks_like_html(page)
    with pytest.raises(XmlError, match="HTML page.*Fatal error"):
        read_xml(page)


def test_empty_reply_is_an_error() -> None:
    with pytest.raises(XmlError, match="empty"):
        read_xml(b"   ")


def test_nothing_recoverable_is_an_error() -> None:
    with pytest.raises(XmlError):
        read_xml(b"this is not xml at all", recover=True)
