"""Fotki reply envelopes, XML or JSON, read into one shape: the body element, or a FotkiError.

Both formats end up as an lxml element, so the DataFrame builders read one thing:

- XML: ``<rsp stat="ok">BODY</rsp>`` or the bare ``BODY`` the doc's per-method examples show;
  ``<rsp stat="fail"><err code msg/></rsp>`` (or a bare ``<err>``) is a failure.
- JSON (``format=json``): ``{"stat": "ok", "<tag>": {...}}``; attributes are strings (or
  numbers, which are accepted), an element's text is ``{"_content": "..."}``, repeated
  children are lists. Failures are ``{"stat": "fail", "code": N, "message": "..."}``.
  The JSON object is turned into the element the XML would have given; numbers keep the
  text they were sent as (``1e400`` stays ``"1e400"``, never a float that overflows), so the
  DataFrame builders judge every value the same way in both formats and raise
  :class:`~galleryk.errors.BadValue` naming the field that does not parse.

OPEN point kept tolerant: the upload result is ``<photoid>`` in XML and ``photo`` in the doc's
JSON example; :func:`upload_id` accepts both.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from ..base.errors import BadReply, BadValue
from ..transport.xmlparse import XmlError, html_summary, looks_like_html, read_xml
from .errors import FotkiError


def parse_reply(
    content: bytes, fmt: str = "xml", *, method: str | None = None, url: str | None = None
) -> etree._Element | None:
    """The body of a successful reply (None when empty); FotkiError for a failure; BadReply when unreadable."""
    if fmt == "json":
        return parse_json_reply(content, method=method, url=url)
    return parse_xml_reply(content, method=method, url=url)


def parse_xml_reply(content: bytes, *, method: str | None = None, url: str | None = None) -> etree._Element | None:
    """Read an XML reply, wrapped in ``<rsp>`` or bare."""
    try:
        doc = read_xml(content)
    except XmlError as exc:
        raise BadReply(f"{method or 'call'}: unreadable reply: {exc}", url=url, junk=exc.junk) from None
    root = doc.root
    if root.tag == "rsp":
        if root.get("stat", "ok") == "fail":
            raise _failure(root.find("err"), method, url)
        return next((child for child in root if isinstance(child.tag, str)), None)
    if root.tag == "err":
        raise _failure(root, method, url)
    return root


def _failure(err: etree._Element | None, method: str | None, url: str | None) -> Exception:
    if err is None:
        return BadReply(f"{method or 'call'}: a failure reply without <err>", url=url)
    return FotkiError.from_reply(_code(err.get("code"), method, url), err.get("msg") or "", method)


def _code(value: Any, method: str | None, url: str | None) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise BadReply(f"{method or 'call'}: a failure reply with error code {value!r}", url=url) from None


def parse_json_reply(content: bytes, *, method: str | None = None, url: str | None = None) -> etree._Element | None:
    """Read a JSON reply into the element its XML form would have given."""
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_float=str, parse_int=str, parse_constant=_no_constant)
    except BadValue as exc:
        raise BadValue(f"{method or 'call'}: {exc}", field=exc.field, value=exc.value, url=url) from None
    except (UnicodeDecodeError, ValueError) as exc:
        if looks_like_html(content):
            raise BadReply(
                f"{method or 'call'}: an HTML page instead of JSON: {html_summary(content)!r}", url=url
            ) from None
        raise BadReply(f"{method or 'call'}: unreadable JSON reply ({exc})", url=url) from None
    if not isinstance(data, dict):
        raise BadReply(f"{method or 'call'}: a JSON reply that is not an object", url=url)
    if "rsp" in data and isinstance(data["rsp"], dict) and "stat" not in data:
        data = data["rsp"]
    stat = str(data.get("stat", "ok"))
    if stat == "fail":
        err = data["err"] if isinstance(data.get("err"), dict) else data
        code = _code(err.get("code"), method, url)
        raise FotkiError.from_reply(code, str(err.get("message", err.get("msg", ""))), method)
    bodies = [(key, value) for key, value in data.items() if key != "stat"]
    if not bodies:
        return None
    tag, value = bodies[0]
    return json_to_element(tag, value)


def _no_constant(name: str) -> Any:
    raise BadValue(f"the reply holds {name}, which is not a value the protocol sends", field="(number)", value=name)


def json_to_element(tag: str, value: Any) -> etree._Element:
    """The element for one JSON value in Flickr's mapping (scalars are attributes, ``_content`` is text)."""
    element = etree.Element(tag)
    _fill(element, value)
    return element


def _fill(element: etree._Element, value: Any) -> None:
    if not isinstance(value, dict):
        element.text = _scalar(value)
        return
    for key, item in value.items():
        if key == "_content":
            element.text = _scalar(item)
        elif isinstance(item, dict):
            _fill(etree.SubElement(element, key), item)
        elif isinstance(item, list):
            for entry in item:
                _fill(etree.SubElement(element, key), entry)
        elif item is not None:
            element.set(key, _scalar(item))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return ""
    return str(value)


def upload_id(body: etree._Element | None) -> str:
    """The new photo's id from an upload reply: ``<photoid>`` (XML) or ``photo`` (the doc's JSON).

    The id must be a whole number (Flickr-style ids are), else BadValue names the field.
    """
    if body is not None and body.tag in ("photoid", "photo"):
        text = (body.text or body.get("id") or "").strip()
        if text:
            if not (text.isascii() and text.isdigit()):
                raise BadValue(
                    f"upload: the reply's {body.tag} is {text[:40]!r}, not a photo id (a whole number)",
                    field=body.tag,
                    value=text[:40],
                )
            return text
    shown = etree.tostring(body, encoding="unicode")[:200] if body is not None else "nothing"
    raise BadReply(f"upload: the reply has no photo id ({shown})")
