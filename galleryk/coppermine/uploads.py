"""One picture into an album through whichever upload form the gallery serves, and what its reply means.

- ``uniload.php`` (1.6, 1.7): one POST; a redirect to ``displayimage.php?pid=N`` (stored), to
  ``thumbnails.php`` (stored, awaiting approval) or a 430 whose body says why not.
- ``db_input.php`` (1.5): one POST; a redirect to the picture (stored), a page that is only a
  message with a "Continue" button (stored, awaiting approval: the ban page has no button), or a
  ``cpg_die`` page saying why not.
- ``upload.php`` in steps (1.4): the file (``control=phase_1``; the reply holds a ``unique_ID``,
  or a report of what was refused), the placement form (``control=phase_2`` with the id: it lists
  the albums the user may upload to), the placement (the album, title, caption and keywords). The
  last reply is a message in words only, and never names the picture: galleryk then finds it
  among the album's newest pictures by its file name (1.4 adds ``~N`` to a name already taken).

A refusal's reason is read from its words in any language the releases ship (:mod:`.texts`) and
given the cpgAPI code of the same failure; words that match no known message are an honest
"unrecognised" error quoting the gallery. Requests are sent once: a stale form token or a session
the gallery forgot is repaired by the caller and the upload sent once more (the gallery refuses
those before it stores anything); a lost reply is the caller's to settle by looking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import requests

from ..base.errors import BadReply, HttpStatusError, Reason
from . import pages, texts
from .errors import Code, CoppermineError, CoppermineServerError

if TYPE_CHECKING:
    from .web import WebSession

REDIRECTS = (301, 302, 303, 307, 308)

MakeBody = Callable[[dict, str], AbstractContextManager[dict]]
"""``make_body(fields, file_field)``: a context giving the request's keyword arguments, a fresh body each time."""

# The messages a refusal may be, by our name for it (see texts.py), and the cpgAPI code of the same failure.
REFUSALS: dict[str, int] = {
    "too_large": Code.TOO_LARGE,
    "php_ini": Code.PHP_UPLOAD_ERROR,
    "quota_exceeded": Code.QUOTA,
    "forbidden_extension": Code.FORBIDDEN_EXTENSION,
    "not_an_image": Code.NOT_AN_IMAGE,
    "unknown_album": Code.ALBUM_REFUSED,
    "non_exist_ap": Code.ALBUM_REFUSED,
    "album_not_selected": Code.NO_ALBUM_ID,
    "perm_denied": Code.PERMISSION,
    "access_denied": Code.PERMISSION,
    "no_album_to_upload": Code.PERMISSION,
    "param_missing": Code.INVALID_FUNCTION,
    "err_login": Code.AUTHENTICATION,
    "banned": Code.AUTHENTICATION,
}
TOKEN = "invalid_form_token"

_PHP_ERROR = re.compile(
    r"\.php line:\s*\d+\s*$|Cannot use object of type|Call to (a member|undefined) function|"
    r"Uncaught \w+(Error|Exception)",
    re.I,
)
"""What Coppermine's error handler prints for a PHP error in its own code (``<message> <file>.php line:<n>``)."""


def reading(message: str) -> str | None:
    """Which known message a refusal's text is (a key of :data:`REFUSALS`, or ``"invalid_form_token"``), or None."""
    return texts.which(message, [*REFUSALS, TOKEN])


def code_for(message: str) -> int:
    """The cpgAPI code of the failure a page's message says, in any shipped language; 0 when it says none we know."""
    name = reading(message)
    return REFUSALS.get(name, Code.NONE) if name is not None else Code.NONE


def refused(what: str, message: str, status: int | None = None) -> CoppermineError:
    """The error for a refusal: its code when the words are known, else "unrecognised" with the gallery's words."""
    how = f" (HTTP {status})" if status else ""
    if _PHP_ERROR.search(message):
        return CoppermineServerError(
            0, f"{what}: the gallery's own code failed{how}, the picture was not stored: {message}"
        )
    code = code_for(message)
    if code == Code.NONE:
        return CoppermineError(
            Code.NONE,
            f"{what} failed{how}; galleryk does not recognise the gallery's reply: {message}",
            reason=Reason.UNRECOGNISED,
        )
    return CoppermineError(code, f"{what} failed{how}: {message}")


@dataclass
class Outcome:
    """What one sending of an upload came to: ``done`` (pid or None, status), or ``retry`` with why."""

    pid: int | None = None
    status: str = ""
    retry: str | None = None
    """``"token"`` (a stale form token) or ``"session"`` (a refusal a guest would get): repair, send once more."""
    error: CoppermineError | None = None
    """The error to raise when the repair is not possible (or was made already)."""


def _location_query(resp: requests.Response) -> tuple[str, dict[str, str]]:
    location = resp.headers.get("Location") or ""
    return location, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _redirect(resp: requests.Response, what: str) -> Outcome:
    location, q = _location_query(resp)
    if "displayimage.php" in location and q.get("pid", "").isdigit():
        return Outcome(int(q["pid"]), "uploaded")
    if "thumbnails.php" in location:
        return Outcome(None, "pending_approval")
    if "login.php" in location:
        raise CoppermineError(
            Code.AUTHENTICATION, f"{what}: the gallery sent us to the login page", reason=Reason.SIGNED_OUT
        )
    raise CoppermineError(
        Code.NONE, f"{what}: unexpected redirect to {location.split('?', 1)[0]}", reason=Reason.UNRECOGNISED
    )


def _refusal(what: str, message: str, status: int, *, token_ok: bool) -> Outcome:
    """A refusal: ask for a fresh token, or for a look at the session (a guest is refused so too), else raise."""
    name = reading(message)
    error = refused(what, message, status)
    if name == TOKEN and token_ok:
        return Outcome(retry="token", error=error)
    if name in (None, TOKEN, "perm_denied", "access_denied") and not isinstance(error, CoppermineServerError):
        return Outcome(retry="session", error=error)
    raise error


def uniload(web: WebSession, make_body: MakeBody, fields: dict, token: pages.FormToken | None, fresh: bool) -> Outcome:
    """1.6 and 1.7: POST ``uniload.php``."""
    what = f"upload to album {fields['album']}"
    form = {"method": "upload_sgl", **fields, **_token(token)}
    with make_body(form, "Filedata") as body:
        resp = web.post("uniload.php", **body)
    if resp.status_code in REDIRECTS:
        return _redirect(resp, what)
    text = web.body_text(resp)
    if resp.status_code >= 500:
        raise HttpStatusError(
            f"{what}: the gallery answered HTTP {resp.status_code} (the picture may or may not have been stored; "
            f"look before sending it again): {text}",
            url=web.url("uniload.php"),
            status=resp.status_code,
        )
    if resp.status_code < 400:
        ban = pages.ban_message(web.html(resp))
        if ban:
            raise web.banned(what, ban)
        # uniload.php answers a redirect or a 430; anything else is a broken server (a PHP fatal error page)
        raise BadReply(
            f"{what}: the gallery answered HTTP {resp.status_code} with a page instead of a redirect (the picture "
            f"may or may not have been stored): {text}",
            url=web.url("uniload.php"),
            status=resp.status_code,
            junk=text,
        )
    return _refusal(what, text, resp.status_code, token_ok=not fresh)


def db_input(web: WebSession, make_body: MakeBody, fields: dict, token: pages.FormToken | None, fresh: bool) -> Outcome:
    """1.5: POST ``db_input.php`` with ``event=picture``."""
    what = f"upload to album {fields['album']}"
    form = {"event": "picture", **fields, **_token(token)}
    with make_body(form, "userpicture") as body:
        resp = web.post("db_input.php", **body)
    if resp.status_code in REDIRECTS:
        return _redirect(resp, what)
    text = web.html(resp)
    if resp.status_code >= 500 or not pages.is_gallery_page(text):
        raise HttpStatusError(
            f"{what}: the gallery answered HTTP {resp.status_code} with {pages.error_text(text) or 'nothing'} (the "
            "picture may or may not have been stored; look before sending it again)",
            url=web.url("db_input.php"),
            status=resp.status_code,
        )
    ban = pages.ban_message(text)
    if ban:
        raise web.banned(what, ban)
    problem = pages.die_message(text)
    if problem is not None:
        return _refusal(what, problem, resp.status_code, token_ok=not fresh)
    shown = pages.info_message(text)
    if shown is not None and shown[1]:
        return Outcome(None, "pending_approval")  # a message and a button on: stored, for an admin to approve
    raise CoppermineError(
        Code.NONE,
        f"{what}: galleryk does not recognise the gallery's reply (the picture may or may not have been stored): "
        f"{pages.error_text(text)}",
        reason=Reason.UNRECOGNISED,
    )


def phases(web: WebSession, make_body: MakeBody, fields: dict, find: Callable[[str], int | None]) -> Outcome:
    """1.4: ``upload.php`` in three POSTs; ``find(stored_name_hint)`` looks for the new picture's pid afterwards."""
    what = f"upload to album {fields['album']}"
    with make_body({"control": "phase_1", "URI_array[]": ""}, "file_upload_array[]") as body:
        resp = web.post("upload.php", **body)
    text = _page(web, resp, what, sent=False)
    doc = pages.parse(text)
    unique = doc.xpath("//input[@name='unique_ID']/@value")
    if not unique:
        report = _report(doc) or pages.die_message(doc)
        if not pages.is_logged_in(doc):  # a guest's page: the gallery forgot the session
            return Outcome(retry="session", error=refused(what, report or pages.error_text(doc)))
        if report:
            raise refused(what, report)
        # PHP dropped the file (over upload_max_filesize), or the whole body (over post_max_size)
        raise CoppermineError(
            Code.PHP_UPLOAD_ERROR,
            f"{what} failed: the gallery received no file (larger than its PHP upload limit?): "
            f"{pages.error_text(doc)[:200]}",
        )
    resp = web.post("upload.php", data={"control": "phase_2", "unique_ID": unique[0]})
    placement = pages.parse(_page(web, resp, what, sent=True))
    offered = pages.upload_albums(placement)
    if offered is not None:
        web.dialect.placed_in(offered)
    keep = {k: fields[k] for k in ("album", "title", "caption", "keywords")}
    resp = web.post("upload.php", data={"control": "phase_2", "unique_ID": unique[0], **keep})
    text = _page(web, resp, what, sent=True)
    problem = pages.die_message(text)
    if problem is not None:
        raise refused(what, problem)
    shown = pages.info_message(text)
    said = shown[0] if shown is not None else pages.error_text(text)
    if texts.says("awaiting_approval", said):
        return Outcome(None, "pending_approval")
    verdict = texts.which(said, ["placed", "not_placed"])
    if verdict == "not_placed":  # what 1.4 says of a file it cannot read as a picture
        raise CoppermineError(Code.NOT_AN_IMAGE, f"{what} failed: {said}")
    pid = find(fields["filename"])
    if pid is not None:
        return Outcome(pid, "uploaded")
    if verdict == "placed":
        return Outcome(None, "uploaded")  # placed, and not among the newest pictures a moment later
    raise CoppermineError(
        Code.NONE,
        f"{what}: galleryk does not recognise the gallery's reply and cannot find the picture (it may or may not "
        f"have been stored): {said}",
        reason=Reason.UNRECOGNISED,
    )


def _page(web: WebSession, resp: requests.Response, what: str, *, sent: bool) -> str:
    """The text of a 1.4 upload step's reply; a reply that is not a gallery page raises (after the file was sent, the
    picture may or may not be stored)."""
    text = web.html(resp)
    if resp.status_code >= 400 or not pages.is_gallery_page(text):
        maybe = " (the picture may or may not have been stored; look before sending it again)" if sent else ""
        raise HttpStatusError(
            f"{what}: the gallery answered HTTP {resp.status_code}{maybe}: {pages.error_text(text)}",
            url=web.url("upload.php"),
            status=resp.status_code,
        )
    ban = pages.ban_message(text)
    if ban:
        raise web.banned(what, ban)
    return text


def _report(doc) -> str | None:
    """The reasons of 1.4's "Error Report" after a refused file: the rows' last cells."""
    rows = []
    for row in doc.xpath("//table[contains(@class, 'maintable')]//tr[count(td) >= 2]"):
        cells = [" ".join(td.text_content().split()) for td in row.xpath("./td")]
        if len(cells) >= 2 and cells[-1] and reading(cells[-1]) is not None:
            rows.append(cells[-1])
    return " | ".join(rows) or None


def _token(token: pages.FormToken | None) -> dict[str, str]:
    return {} if token is None else {"form_token": token.form_token, "timestamp": token.timestamp}


__all__ = ["REFUSALS", "Outcome", "code_for", "db_input", "phases", "reading", "refused", "uniload"]
