"""Raw-HTTP steps on the sandbox's stock Coppermine pages, shared by the sandbox's web tests.

A browser's sequence, with plain requests: two page views make the session cookie, then a
login; form tokens are read off the signed-in user's logout link.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html
import requests


def base(sandbox) -> str:
    """The gallery's base URL, ending in a slash."""
    return sandbox.coppermine_url + "/"


def guest(sandbox, agent: str | None = None) -> requests.Session:
    """A session that has viewed two pages, so the gallery has given it a session cookie."""
    s = requests.Session()
    if agent is not None:
        s.headers["User-Agent"] = agent
    s.get(base(sandbox) + "login.php")
    s.get(base(sandbox) + "index.php")
    return s


def login(s: requests.Session, sandbox, user: str, password: str | None = None) -> requests.Response:
    """POST the login form (the demo password unless one is given); the reply is not followed."""
    return s.post(
        base(sandbox) + "login.php?referer=index.php",
        data={"username": user, "password": sandbox.users[user] if password is None else password, "submitted": "1"},
        allow_redirects=False,
    )


def signed_in(sandbox, user: str, agent: str | None = None) -> requests.Session:
    """A session signed in as ``user``."""
    s = guest(sandbox, agent)
    assert login(s, sandbox, user).status_code == 302
    return s


def form_token(s: requests.Session, sandbox) -> dict[str, str]:
    """The ``form_token`` and ``timestamp`` of the signed-in user, from the logout link on the index page."""
    doc = lxml.html.fromstring(s.get(base(sandbox) + "index.php").content)
    link = next(a.get("href") for a in doc.iter("a") if "logout.php" in (a.get("href") or ""))
    q = parse_qs(urlsplit(link).query)
    return {"form_token": q["form_token"][0], "timestamp": q["timestamp"][0]}
