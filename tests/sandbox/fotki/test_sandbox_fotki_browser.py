"""A person walks through the sandbox's Fotki approval page in a real (headless) Chromium.

galleryk's client starts ``login()``; Playwright opens ``pending.url``, signs in, reads the
question and answers it, the way a user would; then ``pending.finish()`` shows what the
answer granted. Screenshots of each page land in the test's tmp_path.

Needs Debian's ``/usr/bin/chromium`` and the ``playwright`` package (no ``playwright
install``). Without them the tests skip, unless GALLERYK_REQUIRE_BROWSER=1 (CI), when they fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.chromium import chromium, require

import galleryk
from galleryk.fotki.auth import PendingLogin
from galleryk.sandbox.fotki.db import DEMO_APP_NAME

STEP_TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Debian Chromium for the whole module."""
    require()
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page in its own context (no cookies shared between tests)."""
    context = browser.new_context(viewport={"width": 900, "height": 600})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def start_login(sandbox, perms: str = "write") -> tuple[galleryk.Fotki, PendingLogin]:
    """A fresh client (memory token cache) and the login it started."""
    client = galleryk.Fotki(
        sandbox.api_key,
        sandbox.secret,
        api_url=sandbox.fotki_api_url,
        auth_url=sandbox.fotki_auth_url,
        token_cache="memory",
    )
    return client, client.login(perms)


def sign_in(page, user: str, password: str) -> None:
    """Fill in and send the sign-in form, as a person would."""
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    press(page, "Sign in")


def press(page, button: str) -> None:
    """Click the button named exactly ``button`` and wait for the page it submits to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def text_of(page, selector: str) -> str:
    """The visible text of ``selector``, whitespace collapsed."""
    return " ".join(page.locator(selector).inner_text().split())


def test_alice_signs_in_approves_and_the_client_gets_her_write_token(page, sandbox, tmp_path):
    client, pending = start_login(sandbox, "write")
    page.goto(pending.url)
    assert text_of(page, "h1") == "Sign in to Fotki"
    page.screenshot(path=tmp_path / "approval-1-sign-in.png", full_page=True)

    sign_in(page, "alice", sandbox.users["alice"])
    assert text_of(page, "#question") == f"Allow {DEMO_APP_NAME} to write your photos?"
    assert text_of(page, "#signed-in-user") == "alice"
    page.screenshot(path=tmp_path / "approval-2-grant.png", full_page=True)

    press(page, "Yes")
    assert text_of(page, "#result") == "Success!"
    assert f"allowed {DEMO_APP_NAME} to write your photos" in text_of(page, "#message")
    page.screenshot(path=tmp_path / "approval-3-confirmation.png", full_page=True)

    token = pending.finish()
    assert (token.username, token.perms) == ("alice", "write")
    assert client.username == "alice" and client.perms == "write"
    assert len(client.photosets()) > 0


def test_asking_for_delete_names_delete_on_the_page_and_in_the_token(page, sandbox):
    _, pending = start_login(sandbox, "delete")
    page.goto(pending.url)
    sign_in(page, "bob", sandbox.users["bob"])
    assert text_of(page, "#question") == f"Allow {DEMO_APP_NAME} to delete your photos?"
    press(page, "Yes")
    assert (pending.finish().username, pending.finish().perms) == ("bob", "delete")


def test_saying_no_shows_not_allowed_and_finish_fails_clearly(page, sandbox):
    client, pending = start_login(sandbox)
    page.goto(pending.url)
    sign_in(page, "alice", sandbox.users["alice"])
    press(page, "No")
    assert text_of(page, "#result") == "Not allowed"
    assert f"did not allow {DEMO_APP_NAME}" in text_of(page, "#message")

    with pytest.raises(galleryk.FotkiAuthError) as info:
        pending.finish()
    assert info.value.code == 108
    assert "denied" in str(info.value) and "login()" in str(info.value)
    assert not client.signed_in


def test_a_wrong_password_shows_the_error_and_grants_nothing(page, sandbox, tmp_path):
    client, pending = start_login(sandbox)
    page.goto(pending.url)
    sign_in(page, "alice", "not-" + sandbox.users["alice"])
    assert text_of(page, "[role=alert]") == "Wrong user name or password."
    assert page.get_by_label("User name").input_value() == "alice"
    assert page.locator("#question").count() == 0
    page.screenshot(path=tmp_path / "approval-wrong-password.png", full_page=True)

    with pytest.raises(galleryk.FotkiAuthError) as info:
        pending.finish()
    assert info.value.code == 108
    assert not client.signed_in


def test_after_a_wrong_password_the_right_one_still_gets_through(page, sandbox):
    _, pending = start_login(sandbox)
    page.goto(pending.url)
    sign_in(page, "alice", "wrong")
    sign_in(page, "alice", sandbox.users["alice"])
    press(page, "Yes")
    assert pending.finish().username == "alice"


def test_reopening_an_answered_link_says_it_was_answered(page, sandbox):
    _, pending = start_login(sandbox)
    page.goto(pending.url)
    sign_in(page, "alice", sandbox.users["alice"])
    press(page, "Yes")
    page.goto(pending.url)
    assert "already been answered" in text_of(page, "#error")


def test_a_signed_in_browser_goes_straight_to_the_question_next_time(page, sandbox):
    _, first = start_login(sandbox)
    page.goto(first.url)
    sign_in(page, "alice", sandbox.users["alice"])
    press(page, "Yes")

    _, second = start_login(sandbox, "read")
    page.goto(second.url)
    assert text_of(page, "#question") == f"Allow {DEMO_APP_NAME} to read your photos?"
    assert text_of(page, "#signed-in-user") == "alice"


def test_signing_out_lets_another_user_approve(page, sandbox):
    _, first = start_login(sandbox)
    page.goto(first.url)
    sign_in(page, "alice", sandbox.users["alice"])
    press(page, "Yes")

    _, second = start_login(sandbox)
    page.goto(second.url)
    press(page, "Not alice? Sign out")
    sign_in(page, "bob", sandbox.users["bob"])
    assert text_of(page, "#signed-in-user") == "bob"
    press(page, "Yes")
    assert second.finish().username == "bob"
