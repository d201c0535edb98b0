"""The app driven from Python as its buttons would be, on a sandbox of its own."""

from __future__ import annotations

import time

import pytest
from support.widget_tree import shown_text

import galleryk as gk
from galleryk.access import settings_in_environment
from galleryk.app import App


@pytest.fixture
def app(monkeypatch, tmp_path):
    for name in settings_in_environment():
        monkeypatch.delenv(name)
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(tmp_path / "cache"))
    made = App(gk.accounts(sign_in=False))
    try:
        yield made
    finally:
        made.close()
        made.accounts.close()


def _until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the app never got there"
        time.sleep(0.05)


def test_sign_in_on_the_sandbox_browse_select_and_copy_to_the_gallery(app):
    app.approve_on_sandbox()
    app.wait()
    assert app.fotki_signin.signed_in and "alice" in app.fotki_signin.status
    browser = app.browse("fotki")
    browser.album = "Harbour walk"
    assert browser.wait()
    browser.click(1)
    browser.click(3, shift=True)
    app.copy(album="Harbour picks")
    app.wait()
    assert list(app.report["status"].astype(str)) == ["uploaded"] * 3
    titles = sorted(app.cpg.photos("Harbour picks")["title"])
    assert titles == sorted(browser.selection["title"])


def test_mistakes_are_said_in_the_page(app, tmp_path):
    app.open_folder(str(tmp_path / "nowhere"))
    assert "There is no folder" in app.status
    app.browse("coppermine")
    app.copy(album="x")
    assert "Select photos" in shown_text(app.tabs.children[3])  # the Copy tab


def test_a_folder_opens_in_the_uploader(app, tmp_path):
    app.open_folder(str(gk.sandbox.sample_photos(tmp_path / "trip", 3)))
    _until(lambda: len(app.uploader.files) == 3)
