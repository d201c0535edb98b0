"""Fotki reply envelopes: one small element tree, written as Flickr-style XML or JSON.

Methods build :class:`Node` trees; :func:`ok` and :func:`fail` wrap them in ``<rsp>``.
JSON follows Flickr's mapping: attributes become string values, an element's text becomes
``{"_content": "..."}``, ``stat`` sits at the top level, and children named in a node's
``lists`` (photos/photo, tags/tag, ...) are always JSON lists, even with zero or one item,
so a client never has to guess. The doc's JSON example names the upload result ``photo``
where the XML says ``photoid``; JSON follows the doc (see ``JSON_RENAMES``).
Built by string joins rather than a DOM, because a page of 500 photos is written per call.

Every reply is well-formed whatever a user stored: the XML writes each character XML 1.0
cannot carry (NUL and the other C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF)
as U+FFFD, by :func:`~galleryk.sandbox.xmltext.xml_safe`. DEL and the C1 controls are legal XML
and go through as they are; a CR is written ``&#13;`` so that parsers do not turn it into a LF. JSON escapes every control character, so it carries them all; only
lone surrogates, which UTF-8 cannot encode, become U+FFFD there too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

from ..xmltext import utf8_safe, xml_safe

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8" ?>\n'
JSON_RENAMES = {"photoid": "photo"}


class Rows(NamedTuple):
    """Many elements of one shape with attributes only, such as a listing page's 500 ``<photo>``:
    one tuple of values a row (in ``names`` order) instead of a :class:`Node` each, written with
    one template. Values of the ``text`` names are escaped; the others are numbers."""

    tag: str
    names: tuple[str, ...]
    rows: list[tuple[object, ...]]
    text: frozenset[str] = frozenset()


@dataclass
class Node:
    """One XML element: tag, attributes (written as text), optional text, children."""

    tag: str
    attrs: dict[str, object] = field(default_factory=dict)
    text: str | None = None
    children: list[Node | Rows] = field(default_factory=list)
    lists: tuple[str, ...] = ()
    """Child tags that JSON always writes as a list."""

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child


def _xml(node: Node, out: list[str], indent: str) -> None:
    attrs = "".join([f' {name}="{_attr(value)}"' for name, value in node.attrs.items()])
    if node.children:
        out.append(f"{indent}<{node.tag}{attrs}>\n")
        inner = indent + "\t"
        for child in node.children:
            if isinstance(child, Rows):
                _rows_xml(child, out, inner)
            else:
                _xml(child, out, inner)
        out.append(f"{indent}</{node.tag}>\n")
    elif node.text is not None:
        out.append(f"{indent}<{node.tag}{attrs}>{_content(node.text)}</{node.tag}>\n")
    else:
        out.append(f"{indent}<{node.tag}{attrs} />\n")


def _rows_xml(rows: Rows, out: list[str], indent: str) -> None:
    if not rows.rows:
        return
    template = f"{indent}<{rows.tag}" + "".join(f' {name}="%s"' for name in rows.names) + " />\n"
    columns = [
        map(_attr, column) if name in rows.text else map(_text, column)
        for name, column in zip(rows.names, zip(*rows.rows))
    ]
    out.append("".join([template % values for values in zip(*columns)]))


_ATTR_SPECIAL = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def _attr(value: object) -> str:
    """An attribute value escaped for double quotes (a page of 500 photos has 3,000 of them: numbers go as they are)."""
    if type(value) is int:
        return str(value)
    text = _text(value)
    return xml_safe(text).translate(_ATTR_ESCAPES) if _ATTR_SPECIAL.search(text) else text


def _content(text: str) -> str:
    """Element text escaped, with what XML cannot carry replaced and CR kept as a reference."""
    return escape(xml_safe(text), {"\r": "&#13;"})


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def to_json_value(node: Node) -> dict:
    """The JSON object for one element (without its tag name)."""
    obj: dict[str, object] = {name: _text(value) for name, value in node.attrs.items()}
    if node.text is not None:
        obj["_content"] = node.text
    for name in node.lists:
        obj[name] = []
    for child in node.children:
        if isinstance(child, Rows):
            items = [{n: _text(v) for n, v in zip(child.names, row)} for row in child.rows]
            rows = obj.setdefault(child.tag, [])
            assert isinstance(rows, list)
            rows.extend(items)
            continue
        name = JSON_RENAMES.get(child.tag, child.tag)
        value = to_json_value(child)
        if child.tag in node.lists:
            listed = obj[name]
            assert isinstance(listed, list)
            listed.append(value)
        elif name in obj:
            existing = obj[name]
            obj[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            obj[name] = value
    return obj


def ok(body: Node | None, fmt: str) -> Response:
    """A success reply holding ``body`` (or nothing), in ``fmt`` ("xml" or "json")."""
    if fmt == "json":
        data: dict[str, object] = {}
        if body is not None:
            data[JSON_RENAMES.get(body.tag, body.tag)] = to_json_value(body)
        data["stat"] = "ok"
        return _json(data)
    out = [XML_DECLARATION, '<rsp stat="ok">\n']
    if body is not None:
        _xml(body, out, "\t")
    out.append("</rsp>\n")
    return _xml_response("".join(out))


def fail(code: int, message: str, fmt: str) -> Response:
    """A failure reply with Flickr's error code and message."""
    if fmt == "json":
        return _json({"stat": "fail", "code": code, "message": message})
    body = f'{XML_DECLARATION}<rsp stat="fail">\n\t<err code="{code}" msg="{_attr(message)}" />\n</rsp>\n'
    return _xml_response(body)


def _json(data: object) -> Response:
    text = json.dumps(data, ensure_ascii=False)
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        body = utf8_safe(text).encode("utf-8")
    return Response(body, content_type="application/json; charset=utf-8")


def _xml_response(text: str) -> Response:
    return Response(text.encode("utf-8"), content_type="text/xml; charset=utf-8")
