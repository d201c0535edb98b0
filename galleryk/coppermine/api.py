"""The cpgAPI add-on (``<gallery>/api/``): request fields, and replies read the way real servers write them.

Real servers are sloppy, and every reply goes through :func:`read_reply`, which survives
them: the XML declaration's charset (utf-8 or iso-8859-1) is honoured; names written
unescaped (``Harbour & Beach``, ``a < b``) are repaired before parsing, and parsing recovers
from whatever is left; PHP notices printed as HTML before the XML are skipped but kept for
error messages; an HTML page where XML was expected (a fatal PHP error with status 200, a
404 of a gallery without the add-on) becomes a :class:`NotXmlReply` with the page's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..base.errors import Reason
from ..base.numbers import whole_number
from .errors import Code, CoppermineError
from .pages import error_text

UNKNOWN_FUNCTION = 100
"""The cpgAPI's code for an unknown ``function``; the mode probe relies on it."""
PROBE_FUNCTION = "galleryk.probe"

_XML_START = re.compile(rb"<\?xml\b|<(?:cpg|uploader)\b")
_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_BARE_LT = re.compile(rb"<(?![A-Za-z_/?!])")


class NotXmlReply(Exception):
    """The reply held no cpgAPI XML at all (an HTML page); ``text`` is what the page says."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass
class Reply:
    """A parsed cpgAPI reply: its root element and any junk printed before the XML."""

    root: etree._Element
    junk: str = ""

    @property
    def failed(self) -> bool:
        return (self.root.findtext("status") or "").strip().lower() == "fail"

    @property
    def code(self) -> int | None:
        return whole_number(self.root.findtext("error"))

    @property
    def verbose(self) -> str:
        return " ".join((self.root.findtext("verbose") or "").split())


_DECLARED = re.compile(rb"""<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")


def declared_charset(body: bytes) -> str | None:
    """The charset a reply's XML declaration names (the gallery's charset), or None."""
    m = _DECLARED.search(body[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _junk_text(junk: bytes) -> str:
    if not junk.strip():
        return ""
    return error_text(junk, limit=300)


def read_reply(body: bytes) -> Reply:
    """Parse a cpgAPI reply body; raise :class:`NotXmlReply` when it holds no XML."""
    m = _XML_START.search(body)
    if m is None:
        raise NotXmlReply(error_text(body) if body.strip() else "an empty reply")
    junk, xml = body[: m.start()], body[m.start() :]
    xml = _BARE_LT.sub(b"&lt;", _BARE_AMP.sub(b"&amp;", xml))
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(xml, parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        raise NotXmlReply(error_text(body))
    return Reply(root, _junk_text(junk))


_UPLOAD_LIMITS: dict[int, str] = {
    Code.PHP_UPLOAD_ERROR: "the file is larger than the gallery's PHP upload limit (upload_max_filesize)",
    Code.INVALID_FUNCTION: (
        "the upload was larger than the gallery's PHP limit on a request (post_max_size): PHP dropped the whole form"
    ),
}
"""What the real add-on's bare codes mean for an upload: 6 comes with an empty message, and a body over
``post_max_size`` reaches it as an empty form, answered 100 "Invalid function name passed"."""


def raise_for_failure(reply: Reply, function: str) -> None:
    """Turn a ``<status>fail</status>`` reply into a CoppermineError with the gallery's code and text."""
    if reply.failed:
        code = reply.code if reply.code is not None else 0
        text = reply.verbose or "the gallery gave no reason"
        reason = None
        if function == "cpgAPI.upload" and code in _UPLOAD_LIMITS:
            text = f"{_UPLOAD_LIMITS[code]}" + (f" ({reply.verbose})" if reply.verbose else "")
            reason = Reason.FILE
        if reply.junk:
            text += f" (the server also printed: {reply.junk})"
        raise CoppermineError(code, f"{function}: {text}", reason=reason)


def upload_pid(reply: Reply) -> int:
    """The new picture id of a ``cpgAPI.upload`` success reply."""
    text = (reply.root.findtext("pid") or reply.root.findtext(".//pid") or "").strip()
    if not text.isdigit():
        raise CoppermineError(
            Code.NONE, f"cpgAPI.upload: the reply has no picture id: {etree.tostring(reply.root)[:200]!r}"
        )
    return int(text)


@dataclass(frozen=True)
class ApiAlbum:
    """An album of ``cpgAPI.catList`` with the chain of categories above it (below "Parent")."""

    aid: int
    title: str
    categories: tuple[tuple[int, str], ...]


def catlist_albums(reply: Reply) -> list[ApiAlbum]:
    """Flatten the nested ``<cat>``/``<album>`` tree of a catList reply, in document order."""
    out: list[ApiAlbum] = []

    def text(el: etree._Element, tag: str) -> str:
        return " ".join((el.findtext(tag) or "").split())

    def walk(el: etree._Element, chain: tuple[tuple[int, str], ...]) -> None:
        for child in el:
            if child.tag == "cat":
                cid = whole_number(text(child, "id"))
                name = text(child, "name")
                here = chain if cid in (None, 0) else (*chain, (cid, name))
                walk(child, here)
            elif child.tag == "album":
                aid = whole_number(text(child, "id"))
                if aid is not None:
                    out.append(ApiAlbum(aid, text(child, "name"), chain))

    walk(reply.root, ())
    return out


def is_complete(body: bytes) -> bool:
    """Whether a reply ends with the closing tag of a cpgAPI root (a cut reply parses, but loses data)."""
    tail = body.rstrip()[-32:]
    return tail.endswith((b"</cpg>", b"</uploader>"))
