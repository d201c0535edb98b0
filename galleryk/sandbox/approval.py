"""Play a person on the sandbox's Fotki approval page: sign in there and answer Yes (or No).

A notebook run by nbval or a script clicks nothing, so this walks the same pages a browser
would (sign-in form, then "Allow ... ?" with its CSRF field) over plain HTTP. It works with
any sandbox on this machine, in this process or another (``galleryk lab``, Binder), and
only with a sandbox: the real Fotki page is for a person.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests
from lxml import html as lxml_html

from .seed import DEMO_USERS


class ApprovalError(RuntimeError):
    """The approval page did not end in "Success!"; the message says what it showed instead."""


def approve_in_page(
    url: str, user: str = "alice", password: str | None = None, *, answer: str = "yes", timeout: float = 30.0
) -> str:
    """Open the approval ``url`` (``PendingLogin.url``), sign in as ``user`` and answer; returns the page's message.

    ``password`` defaults to the demo user's. Raises :class:`ApprovalError` (a plain message,
    never the link, which holds a one-time frob) when a page says no.
    """
    if answer not in ("yes", "no"):
        raise ValueError(f"answer must be 'yes' or 'no', not {answer!r}")
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ApprovalError(
            f"only a sandbox on this machine is approved this way, not a page on {host or 'nowhere'}: "
            "open the link in your browser instead"
        )
    if password is None:
        if user not in DEMO_USERS:
            raise ApprovalError(f"{user!r} is not a demo user ({', '.join(DEMO_USERS)}); pass password=")
        password = DEMO_USERS[user][0]
    with requests.Session() as browser:
        page = _get(browser, url, timeout)
        form = _form(page, "login-form")
        if form is not None:
            fields = {**_fields(form), "username": user, "password": password}
            page = _post(browser, page, form, fields, timeout)
        consent = _form(page, "consent-form")
        if consent is None:
            raise ApprovalError(f"the approval page did not ask for consent: {_says(page)}")
        page = _post(browser, page, consent, {**_fields(consent), "decision": answer}, timeout)
        result = page.get_element_by_id("result", None)
        if result is None:
            raise ApprovalError(f"the approval page did not accept the answer: {_says(page)}")
        message = page.get_element_by_id("message", None)
        return (message.text_content() if message is not None else result.text_content()).strip()


def _get(browser: requests.Session, url: str, timeout: float) -> lxml_html.HtmlElement:
    resp = browser.get(url, timeout=timeout)
    return _page(resp)


def _post(
    browser: requests.Session, page: lxml_html.HtmlElement, form: lxml_html.FormElement, fields: dict, timeout: float
) -> lxml_html.HtmlElement:
    resp = browser.post(urljoin(page.base_url or "", form.get("action") or ""), data=fields, timeout=timeout)
    return _page(resp)


def _page(resp: requests.Response) -> lxml_html.HtmlElement:
    doc = lxml_html.fromstring(resp.content, base_url=resp.url)
    if resp.status_code >= 400 and not doc.xpath("//*[@id='error']"):
        raise ApprovalError(f"the approval page answered HTTP {resp.status_code}")
    return doc


def _form(page: lxml_html.HtmlElement, form_id: str) -> lxml_html.FormElement | None:
    found = page.xpath(f"//form[@id='{form_id}']")
    return found[0] if found else None


def _fields(form: lxml_html.FormElement) -> dict[str, str]:
    return {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@type='hidden']") if i.get("name")}


def _says(page: lxml_html.HtmlElement) -> str:
    error = page.get_element_by_id("error", None)
    text = error.text_content() if error is not None else (page.findtext(".//h1") or "an unexpected page")
    return " ".join(text.split())
