"""Text that XML 1.0 can carry: the one rule every XML reply of the sandbox writes its values by.

XML 1.0 allows tab, LF, CR and the characters from U+0020 up, except the surrogates
(U+D800-U+DFFF, which a Python string can hold alone but UTF-8 cannot encode) and U+FFFE and
U+FFFF. The rest (NUL and the other C0 controls) cannot appear in a document at all, not even as
character references, so a reply that wrote them would be ill-formed. They are replaced with
U+FFFD, the replacement character. DEL and the C1 controls are legal XML and are kept.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
"""What a character that XML 1.0 (or, for lone surrogates, UTF-8) cannot carry is written as."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry replaced by :data:`REPLACEMENT`."""
    return _NOT_XML.sub(REPLACEMENT, text)


def utf8_safe(text: str) -> str:
    """``text`` with every lone surrogate (which UTF-8 cannot encode) replaced by :data:`REPLACEMENT`."""
    return _SURROGATE.sub(REPLACEMENT, text)
