"""The app driven from Python as its buttons would be, on a sandbox of its own."""

from __future__ import annotations

import time

import ipywidgets as widgets
import pytest
from support.widget_tree import find, shown_text

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


def test_mistakes_are_said_under_their_step_and_nowhere_else(app, tmp_path):
    app.open_folder(str(tmp_path / "nowhere"))
    assert "There is no folder" in shown_text(app.tabs.children[2])  # the Upload tab
    app.browse("coppermine")
    app.copy(album="x")
    assert "Select photos" in shown_text(app.tabs.children[3])  # the Copy tab
    above_the_tabs = [w for w in app.children if w is not app.tabs]
    assert all(
        "There is no folder" not in shown_text(w) and "Select photos" not in shown_text(w) for w in above_the_tabs
    )


def test_a_warning_goes_away_once_it_is_no_longer_true(app, tmp_path):
    app.copy(album="x")
    assert "Select photos" in app.notes["copy"].text
    browser = app.browse("coppermine")
    browser.album = "Harbour & Beach"
    assert browser.wait()
    browser.click(0)
    assert app.notes["copy"].text == ""
    app.open_folder(str(tmp_path / "nowhere"))
    find(app.tabs.children[2], widgets.Text, "Folder").value = str(tmp_path)  # typing in the folder box
    assert "There is no folder" not in shown_text(app.tabs.children[2])


def test_the_copy_report_links_to_the_album_it_went_to(app):
    app.approve_on_sandbox()
    app.wait()
    browser = app.browse("fotki")
    browser.album = "Harbour walk"
    assert browser.wait()
    browser.click(0)
    app.copy(album="Linked picks")
    app.wait()
    url = app.report.attrs["album_url"]
    assert url.startswith("http") and f"href='{url}'" in shown_text(app.tabs.children[3])
    assert "Linked picks" in shown_text(app.tabs.children[3])


def test_signed_in_is_said_once(app):
    app.approve_on_sandbox()
    app.wait()
    assert shown_text(app).count("Signed in to Fotki as alice") == 1


def test_a_relative_folder_is_found_where_the_app_was_started(app, tmp_path, monkeypatch):
    gk.sandbox.sample_photos(tmp_path / "started-here" / "trip", 2)
    monkeypatch.setenv("GALLERYK_APP_FOLDER", str(tmp_path / "started-here"))
    app.open_folder("trip")
    _until(lambda: app.uploader is not None and len(app.uploader.files) == 2)


def test_cancel_does_not_look_pressable_while_nothing_is_sent(app, tmp_path):
    app.open_folder(str(gk.sandbox.sample_photos(tmp_path / "trip", 1)))
    cancel = find(app.uploader, widgets.Button, "Cancel")
    assert cancel.disabled and cancel.button_style == ""


def test_a_folder_opens_in_the_uploader(app, tmp_path):
    app.open_folder(str(gk.sandbox.sample_photos(tmp_path / "trip", 3)))
    _until(lambda: len(app.uploader.files) == 3)
