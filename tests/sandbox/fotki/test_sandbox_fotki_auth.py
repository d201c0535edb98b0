"""The sandbox's Fotki auth host over raw HTTP: frobs, tokens, and the browser approval pages."""

from __future__ import annotations

import hashlib
import re

import pytest
import requests
from lxml import etree, html

TIMEOUT = 10


# -- a tiny client, written here so the server is checked against the doc, not against galleryk --
def signed(secret: str, params: dict) -> dict:
    text = secret + "".join(f"{k}{params[k]}" for k in sorted(params))
    return {**params, "api_sig": hashlib.md5(text.encode("utf-8")).hexdigest()}


def auth_call(sb, method: str, *, api_key=None, secret=None, **params) -> etree._Element:
    params = {"method": method, "api_key": api_key or sb.api_key, **params}
    r = requests.get(sb.fotki_auth_url, params=signed(secret or sb.secret, params), timeout=TIMEOUT)
    assert r.status_code == 200
    return etree.fromstring(r.content)


def error_code(root: etree._Element) -> int | None:
    return int(root.find("err").get("code")) if root.get("stat") == "fail" else None


def get_frob(sb, **kw) -> str:
    return auth_call(sb, "flickr.auth.getFrob", **kw).findtext("frob")


def approval_url(sb, frob: str, perms: str = "write", secret: str | None = None) -> str:
    query = signed(secret or sb.secret, {"api_key": sb.api_key, "perms": perms, "frob": frob})
    return requests.Request("GET", sb.fotki_auth_url, params=query).prepare().url


def form_fields(page: requests.Response, form_id: str) -> tuple[str, dict]:
    doc = html.fromstring(page.content)
    form = doc.get_element_by_id(form_id)
    action = requests.compat.urljoin(page.url, form.get("action"))
    return action, {i.get("name"): i.get("value", "") for i in form.iter("input") if i.get("name")}


def second_app(sb) -> tuple[str, str]:
    with sb.store.write() as conn:
        conn.execute(
            "INSERT INTO fotki_apps (api_key, secret, name, is_demo, created) VALUES ('otherkey', 'othersecret', 'Other', 0, 0)"
        )
    return "otherkey", "othersecret"


# -- background calls ------------------------------------------------------------------------------
def test_get_frob_returns_a_frob_in_rsp(sandbox):
    root = auth_call(sandbox, "flickr.auth.getFrob")
    assert root.get("stat") == "ok" and re.fullmatch(r"\w{8,}", root.findtext("frob"))


def test_get_frob_in_json(sandbox):
    params = signed(sandbox.secret, {"method": "flickr.auth.getFrob", "api_key": sandbox.api_key, "format": "json"})
    data = requests.get(sandbox.fotki_auth_url, params=params, timeout=TIMEOUT).json()
    assert data["stat"] == "ok" and data["frob"]["_content"]


def test_get_token_after_approval_returns_token_perms_and_user(sandbox):
    frob = get_frob(sandbox)
    sandbox.approve(frob, "alice", "write")
    auth = auth_call(sandbox, "flickr.auth.getToken", frob=frob).find("auth")
    user = auth.find("user")
    assert auth.findtext("token") and auth.findtext("perms") == "write"
    assert (user.get("username"), user.get("fullname"), user.get("nsid").isdigit()) == ("alice", "Alice Example", True)


def test_underscore_method_names_work_on_the_auth_host(sandbox):
    frob = auth_call(sandbox, "flickr_auth_getFrob").findtext("frob")
    sandbox.approve(frob, "bob", "read")
    assert auth_call(sandbox, "flickr_auth_getToken", frob=frob).findtext("auth/perms") == "read"


def test_get_token_before_approval_fails_with_108(sandbox):
    assert error_code(auth_call(sandbox, "flickr.auth.getToken", frob=get_frob(sandbox))) == 108


def test_frob_is_good_for_one_exchange_only(sandbox):
    frob = get_frob(sandbox)
    sandbox.approve(frob, "alice", "write")
    auth_call(sandbox, "flickr.auth.getToken", frob=frob)
    assert error_code(auth_call(sandbox, "flickr.auth.getToken", frob=frob)) == 108


def test_expired_frob_fails_with_108(sandbox):
    frob = get_frob(sandbox)
    sandbox.approve(frob, "alice", "write")
    sandbox.settings.fotki_frob_lifetime = 0
    assert error_code(auth_call(sandbox, "flickr.auth.getToken", frob=frob)) == 108


def test_frob_belongs_to_the_api_key_that_asked_for_it(sandbox):
    key, secret = second_app(sandbox)
    frob = get_frob(sandbox)
    sandbox.approve(frob, "alice", "write")
    assert error_code(auth_call(sandbox, "flickr.auth.getToken", api_key=key, secret=secret, frob=frob)) == 108


def test_get_token_without_frob_fails_with_108_naming_it(sandbox):
    root = auth_call(sandbox, "flickr.auth.getToken")
    assert error_code(root) == 108 and "frob" in root.find("err").get("msg")


def test_check_token_returns_the_same_auth_shape(sandbox):
    frob = get_frob(sandbox)
    sandbox.approve(frob, "alice", "delete")
    token = auth_call(sandbox, "flickr.auth.getToken", frob=frob).findtext("auth/token")
    auth = auth_call(sandbox, "flickr.auth.checkToken", auth_token=token).find("auth")
    assert (auth.findtext("token"), auth.findtext("perms"), auth.find("user").get("username")) == (
        token,
        "delete",
        "alice",
    )


def test_check_token_with_unknown_token_fails_with_98(sandbox):
    assert error_code(auth_call(sandbox, "flickr.auth.checkToken", auth_token="nope")) == 98


def test_token_is_tied_to_its_api_key(sandbox):
    key, secret = second_app(sandbox)
    frob = get_frob(sandbox)
    sandbox.approve(frob, "alice", "write")
    token = auth_call(sandbox, "flickr.auth.getToken", frob=frob).findtext("auth/token")
    root = auth_call(sandbox, "flickr.auth.checkToken", api_key=key, secret=secret, auth_token=token)
    assert error_code(root) == 98


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"api_key": "unknown"}, 100),
        ({"api_key": None, "api_sig": None}, 97),
        ({"api_key": None, "api_sig": "0" * 32}, 96),
    ],
)
def test_auth_host_checks_key_and_signature(sandbox, params, code):
    query = signed(sandbox.secret, {"method": "flickr.auth.getFrob", "api_key": sandbox.api_key})
    for name, value in params.items():
        if value is not None:
            query[name] = value
        elif name == "api_sig":
            del query["api_sig"]
    root = etree.fromstring(requests.get(sandbox.fotki_auth_url, params=query, timeout=TIMEOUT).content)
    assert error_code(root) == code


def test_unknown_auth_method_fails_with_112(sandbox):
    root = auth_call(sandbox, "flickr.auth.getSomething")
    assert error_code(root) == 112 and "flickr.auth.getSomething" in root.find("err").get("msg")


def test_auth_host_accepts_post(sandbox):
    params = signed(sandbox.secret, {"method": "flickr.auth.getFrob", "api_key": sandbox.api_key})
    root = etree.fromstring(requests.post(sandbox.fotki_auth_url, data=params, timeout=TIMEOUT).content)
    assert root.findtext("frob")


@pytest.mark.parametrize(
    ("frob", "user", "perms"), [("nofrob", "alice", "write"), (None, "nobody", "write"), (None, "alice", "admin")]
)
def test_approve_refuses_unknown_frob_user_or_perms(sandbox, frob, user, perms):
    with pytest.raises(ValueError):
        sandbox.approve(frob or get_frob(sandbox), user, perms)


# -- the browser approval pages -----------------------------------------------------------------------
def test_approval_page_asks_a_stranger_to_sign_in(sandbox):
    page = requests.get(approval_url(sandbox, get_frob(sandbox)), timeout=TIMEOUT)
    doc = html.fromstring(page.content)
    assert page.status_code == 200
    assert doc.get_element_by_id("username") is not None and doc.get_element_by_id("password").get("type") == "password"


def test_wrong_password_shows_the_form_again_with_an_error(sandbox):
    with requests.Session() as browser:
        page = browser.get(approval_url(sandbox, get_frob(sandbox)), timeout=TIMEOUT)
        action, fields = form_fields(page, "login-form")
        page = browser.post(action, data={**fields, "username": "alice", "password": "wrong"}, timeout=TIMEOUT)
    doc = html.fromstring(page.content)
    assert "Wrong user name or password" in doc.get_element_by_id("error").text_content()
    assert doc.get_element_by_id("login-form") is not None


def _sign_in(browser, sandbox, frob, perms="write", user="alice"):
    page = browser.get(approval_url(sandbox, frob, perms), timeout=TIMEOUT)
    action, fields = form_fields(page, "login-form")
    return browser.post(action, data={**fields, "username": user, "password": sandbox.users[user]}, timeout=TIMEOUT)


def test_signed_in_user_is_asked_whether_to_allow_the_app(sandbox):
    with requests.Session() as browser:
        page = _sign_in(browser, sandbox, get_frob(sandbox), "delete")
    question = html.fromstring(page.content).get_element_by_id("question").text_content()
    assert question == "Allow galleryk demo to delete your photos?"


def test_yes_approves_the_frob_for_that_user_and_perms(sandbox):
    frob = get_frob(sandbox)
    with requests.Session() as browser:
        page = _sign_in(browser, sandbox, frob, "read", user="bob")
        action, fields = form_fields(page, "consent-form")
        done = browser.post(action, data={**fields, "decision": "yes"}, timeout=TIMEOUT)
    message = html.fromstring(done.content).get_element_by_id("message").text_content()
    assert "go back to the application" in message.lower()
    auth = auth_call(sandbox, "flickr.auth.getToken", frob=frob).find("auth")
    assert (auth.findtext("perms"), auth.find("user").get("username")) == ("read", "bob")


def test_no_denies_the_frob(sandbox):
    frob = get_frob(sandbox)
    with requests.Session() as browser:
        page = _sign_in(browser, sandbox, frob)
        action, fields = form_fields(page, "consent-form")
        browser.post(action, data={**fields, "decision": "no"}, timeout=TIMEOUT)
    assert error_code(auth_call(sandbox, "flickr.auth.getToken", frob=frob)) == 108


def test_signed_in_browser_goes_straight_to_the_question_next_time(sandbox):
    with requests.Session() as browser:
        _sign_in(browser, sandbox, get_frob(sandbox))
        page = browser.get(approval_url(sandbox, get_frob(sandbox)), timeout=TIMEOUT)
    assert html.fromstring(page.content).get_element_by_id("consent-form") is not None


def test_consent_without_the_form_token_is_refused(sandbox):
    frob = get_frob(sandbox)
    with requests.Session() as browser:
        page = _sign_in(browser, sandbox, frob)
        action, fields = form_fields(page, "consent-form")
        fields["csrf"] = "forged"
        refused = browser.post(action, data={**fields, "decision": "yes"}, timeout=TIMEOUT)
    assert refused.status_code == 400
    assert error_code(auth_call(sandbox, "flickr.auth.getToken", frob=frob)) == 108


def test_approval_url_with_a_wrong_signature_is_refused(sandbox):
    page = requests.get(approval_url(sandbox, get_frob(sandbox), secret="not-the-secret"), timeout=TIMEOUT)
    assert page.status_code == 400 and "Invalid signature" in page.text


def test_approval_url_with_an_unknown_frob_is_refused(sandbox):
    page = requests.get(approval_url(sandbox, "unknownfrob"), timeout=TIMEOUT)
    assert page.status_code == 400 and "Invalid frob" in page.text


def test_session_lives_in_the_database_across_a_restart(sandbox):
    import galleryk.sandbox as gks

    with requests.Session() as browser:
        _sign_in(browser, sandbox, get_frob(sandbox))
        sandbox.stop()
        again = gks.start(sandbox.data_dir)
        try:
            browser.cookies.clear_expired_cookies()
            frob = get_frob(again)
            page = browser.get(approval_url(again, frob), timeout=TIMEOUT)
        finally:
            again.stop()
    assert html.fromstring(page.content).get_element_by_id("consent-form") is not None
