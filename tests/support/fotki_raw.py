"""Raw-HTTP calls to the sandbox's Fotki, written from the API document, for the sandbox's fault tests.

A tiny client of its own (signing, tokens, calls, uploads) so that the server is checked
against the document, never against galleryk's client.
"""

from __future__ import annotations

import hashlib
import io

import requests
from lxml import etree
from PIL import Image

TIMEOUT = 30


def signed(secret: str, params: dict[str, str]) -> dict[str, str]:
    """``params`` with their ``api_sig``."""
    text = secret + "".join(f"{k}{params[k]}" for k in sorted(params))
    return {**params, "api_sig": hashlib.md5(text.encode("utf-8")).hexdigest()}


def token(sb, user: str = "alice", perms: str = "write") -> str:
    """A fresh token of ``user``, through getFrob, the approval and getToken."""

    def auth(**p: str) -> etree._Element:
        query = signed(sb.secret, {"api_key": sb.api_key, **p})
        return etree.fromstring(requests.get(sb.fotki_auth_url, params=query, timeout=TIMEOUT).content)

    frob = auth(method="flickr.auth.getFrob").findtext("frob")
    sb.approve(frob, user, perms)
    return auth(method="flickr.auth.getToken", frob=frob).findtext("auth/token")


def call(sb, method: str, tok: str | None = None, /, **params: object) -> requests.Response:
    """A signed GET of ``method`` (``flickr_photos_getInfo``), with the token when given."""
    fields = {"api_key": sb.api_key, **({"auth_token": tok} if tok else {}), **{k: str(v) for k, v in params.items()}}
    return requests.get(f"{sb.fotki_api_url}/{method}", params=signed(sb.secret, fields), timeout=TIMEOUT)


def post(sb, method: str, tok: str, /, **params: object) -> requests.Response:
    """A signed POST of ``method`` with the token."""
    fields = {"api_key": sb.api_key, "auth_token": tok, **{k: str(v) for k, v in params.items()}}
    return requests.post(f"{sb.fotki_api_url}/{method}", data=signed(sb.secret, fields), timeout=TIMEOUT)


def jpeg(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def upload(sb, tok: str, data: bytes | None = None, **fields: str) -> requests.Response:
    """POST an upload (a small JPEG unless ``data`` is given) with ``fields`` (title, tags, format...)."""
    params = signed(sb.secret, {"api_key": sb.api_key, "auth_token": tok, **fields})
    files = {"photo": ("p.jpg", jpeg() if data is None else data, "image/jpeg")}
    return requests.post(f"{sb.fotki_api_url}/upload", data=params, files=files, timeout=TIMEOUT)


def root(resp: requests.Response) -> etree._Element:
    """The reply parsed strictly (an ill-formed reply raises)."""
    return etree.fromstring(resp.content)


def error_code(resp: requests.Response) -> int | None:
    """The ``<err code>`` of a failed call, None for a success."""
    doc = root(resp)
    return int(doc.find("err").get("code")) if doc.get("stat") == "fail" else None


def photo_ids(sb, tok: str) -> set[int]:
    """Every photo of the token's user that is in no photoset."""
    doc = root(call(sb, "flickr_photos_getNotInSet", tok, per_page=500))
    return {int(p.get("id")) for p in doc.iter("photo")}
