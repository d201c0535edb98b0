"""Hardened XML parsing for replies from real, imperfect servers: pure functions over bytes.

Every parse uses an lxml parser that resolves no entities, loads no DTD, never touches the
network and refuses huge trees, so a hostile or broken server cannot read local files
(XXE) or blow up memory ("billion laughs"). Real galleries also print PHP notices before
the XML declaration and write names unescaped (``&``, ``<``) into it; :func:`read_xml` skips
the junk (keeping it for error messages) and, with ``recover=True``, keeps whatever of the
tree libxml2 can save. The declared charset (utf-8, iso-8859-1, ...) is honoured.

    doc = read_xml(resp.content, recover=True)
    doc.root, doc.junk, doc.recovered
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_DECLARATION = re.compile(rb"<\?xml[^>]*\?>", re.IGNORECASE)
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(rb"<[^>]*>")
_BOMS = (b"\xef\xbb\xbf",)
_ENCODING_ALIASES = {"utf8": "utf-8", "latin1": "iso-8859-1", "latin-1": "iso-8859-1"}


class XmlError(ValueError):
    """The bytes are not XML that can be read (even with recovery, when asked for)."""

    def __init__(self, message: str, *, junk: str = "", snippet: str = "") -> None:
        super().__init__(message)
        self.junk = junk
        self.snippet = snippet


@dataclass(frozen=True)
class XmlDocument:
    """A parsed reply: its root element, the text printed before the XML, and whether recovery was needed."""

    root: etree._Element
    junk: str = ""
    """Text found before the XML declaration (PHP notices...), tags stripped; empty when there was none."""
    recovered: bool = False
    """True when the XML was malformed and ``root`` is what recovery could save."""
    encoding: str = "utf-8"


def make_parser(recover: bool = False) -> etree.XMLParser:
    """A safe lxml parser: no entities, no DTD, no network, no huge trees; ``recover`` for broken XML."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


_STRICT = make_parser(False)
_RECOVERING = make_parser(True)


def split_junk(data: bytes) -> tuple[bytes, bytes]:
    """(junk, xml): anything printed before the ``<?xml`` declaration, and the rest (a BOM is dropped)."""
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
    m = _DECLARATION.search(data, 0, 65536)
    if m is None or m.start() == 0:
        return b"", data
    return data[: m.start()], data[m.start() :]


def _declaration(xml: bytes) -> tuple[re.Match[bytes], re.Match[bytes], str] | None:
    """The XML declaration, the encoding inside it and that encoding's lowercased name; None without both."""
    m = _DECLARATION.match(xml)
    enc = _ENCODING.search(m.group(0)) if m is not None else None
    if m is None or enc is None:
        return None
    return m, enc, enc.group(1).decode("ascii").lower()


def declared_encoding(xml: bytes) -> str | None:
    """The charset named in the XML declaration, normalised (``utf8`` -> ``utf-8``), or None."""
    found = _declaration(xml)
    return None if found is None else _ENCODING_ALIASES.get(found[2], found[2])


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` is an HTML page (an error page, a login page) rather than an XML reply."""
    head = data[:4096]
    return bool(_HTML_START.match(head)) and _DECLARATION.search(head) is None


def html_summary(data: bytes, limit: int = 200) -> str:
    """A short, readable line from an HTML page: its title, else its text, for error messages."""
    m = _TITLE.search(data[:65536])
    raw = m.group(1) if m else data[:65536]
    text = " ".join(_TAGS.sub(b" ", raw).decode("utf-8", "replace").split())
    return text[:limit]


def text_of(junk: bytes, limit: int = 500) -> str:
    """Junk bytes as one line of text, tags stripped, for error messages."""
    text = " ".join(_TAGS.sub(b" ", junk).decode("utf-8", "replace").split())
    return text[:limit]


def read_xml(data: bytes, *, recover: bool = False) -> XmlDocument:
    """Parse a reply's bytes into an :class:`XmlDocument`; raise :class:`XmlError` when it is not XML.

    Junk before the declaration is skipped; the declared encoding is used (iso-8859-1 and
    ``utf8`` included); with ``recover`` a malformed document yields what can be saved.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"read_xml needs bytes, not {type(data).__name__}")
    junk_bytes, xml = split_junk(bytes(data))
    junk = text_of(junk_bytes)
    encoding = declared_encoding(xml) or "utf-8"
    if not xml.strip():
        raise XmlError("the reply is empty", junk=junk)
    if looks_like_html(xml):
        raise XmlError(f"an HTML page instead of XML: {html_summary(xml)!r}", junk=junk, snippet=_snippet(xml))
    xml = _normalise_declaration(xml)
    try:
        return XmlDocument(etree.fromstring(xml, _STRICT), junk, False, encoding)
    except etree.XMLSyntaxError as exc:
        if not recover:
            raise XmlError(f"malformed XML: {exc}", junk=junk, snippet=_snippet(xml)) from None
        problem = str(exc)
    try:
        root = etree.fromstring(xml, _RECOVERING)
    except etree.XMLSyntaxError as exc:
        raise XmlError(f"malformed XML, not recoverable: {exc}", junk=junk, snippet=_snippet(xml)) from None
    if root is None:
        raise XmlError(f"malformed XML, nothing recoverable: {problem}", junk=junk, snippet=_snippet(xml))
    return XmlDocument(root, junk, True, encoding)


def _normalise_declaration(xml: bytes) -> bytes:
    """Rewrite charset names libxml2 does not know (``utf8``) to their standard spelling."""
    found = _declaration(xml)
    if found is None or found[2] not in _ENCODING_ALIASES:
        return xml
    m, enc, name = found
    fixed = m.group(0).replace(enc.group(1), _ENCODING_ALIASES[name].encode("ascii"))
    return fixed + xml[m.end() :]


def _snippet(xml: bytes, limit: int = 200) -> str:
    return xml[:limit].decode("utf-8", "replace")


def child_text(element: etree._Element, tag: str) -> str | None:
    """The text of ``element``'s first ``tag`` child ("" when empty), or None when there is no such child."""
    child = element.find(tag)
    if child is None:
        return None
    return child.text or ""
