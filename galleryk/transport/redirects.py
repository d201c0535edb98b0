"""Which redirects a galleryk request may follow: nothing of the request goes to another origin.

requests re-sends a 307/308's body (form fields with ``auth_token`` and ``api_sig``, a
password, a photo) to whatever URL the ``Location`` names, and sends the cookies it keeps
for a host to every port of it. Here, a redirect is followed when:

- it stays on the same origin (scheme, host, port), or only upgrades ``http`` to ``https``
  on the same host's standard ports: everything goes along, as the protocols expect
  (Coppermine's 302s after a login or an upload);
- or it goes elsewhere carrying no body and no secret: requests already turns 301/302/303
  into a GET without a body; the Cookie and Authorization headers are dropped too.

A redirect that would carry a body to another origin, a new URL on another origin whose query
holds a secret field (a server's ``Redirect`` rule appends the query it was sent, with the
``auth_token`` and ``api_sig`` in it), or one that would re-send a body that was streamed (an
upload, which cannot be re-read) is refused with :class:`~galleryk.errors.RedirectRefused`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import requests

from ..base.errors import SECRET_FIELDS, RedirectRefused, mask_secrets

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def same_origin(old: str, new: str) -> bool:
    """Whether ``new`` is on ``old``'s origin, or its https upgrade on the standard ports."""
    a, b = _origin(old), _origin(new)
    if a == b:
        return True
    return a[0] == "http" and b[0] == "https" and a[1] == b[1] and a[2] == 80 and b[2] == 443


def _secret_fields(url: str) -> list[str]:
    return [
        name
        for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        if value and name.lower() in SECRET_FIELDS
    ]


def _resendable(body: object) -> bool:
    return body is None or isinstance(body, (bytes, str))


def check_redirect(response: requests.Response, following: requests.PreparedRequest, label: str) -> None:
    """Raise RedirectRefused unless ``following`` (the request requests made for ``response``'s redirect) is safe.

    Drops the Cookie header of a redirect that leaves the origin.
    """
    old, new = response.url or "", following.url or ""
    status = response.status_code
    where = mask_secrets(new)
    if following.body is not None and not _resendable(following.body):
        raise RedirectRefused(
            f"{label}: the server answered HTTP {status}, a redirect; not followed, because the request's body "
            f"was streamed (an upload) and cannot be sent again: {where}",
            url=mask_secrets(old),
            status=status,
            location=new,
        )
    if same_origin(old, new):
        return
    if following.body is not None:
        raise RedirectRefused(
            f"{label}: the server answered HTTP {status}, redirecting to another host; not followed, because the "
            f"request's body (with its signature, token or password) would be sent there: {where}",
            url=mask_secrets(old),
            status=status,
            location=new,
        )
    secrets = _secret_fields(new)
    if secrets:
        raise RedirectRefused(
            f"{label}: the server answered HTTP {status}, redirecting to another host with "
            f"{', '.join(sorted(set(secrets)))} in the address; not followed: {where}",
            url=mask_secrets(old),
            status=status,
            location=new,
        )
    following.headers.pop("Cookie", None)
    following.headers.pop("Authorization", None)
