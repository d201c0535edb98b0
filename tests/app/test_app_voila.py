"""``galleryk app`` as a user meets it: the command starts the sandbox and Voilà, the app works in
Debian's Chromium (Playwright), errors show in the page, and Ctrl-C stops everything.

One ``galleryk app`` process for the module. The sign-in test takes the screenshots README shows
(``artifacts/widgets/app.png`` and ``app-report.png``; copied to ``docs/images/`` by hand when they change).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "widgets"))
import widget_browser as wb

ROOT = Path(__file__).resolve().parents[2]
STEP_MS = 30_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    wb.require("voila", "anywidget")
    folder = tmp_path_factory.mktemp("app")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERYK_")}
    env["GALLERYK_CACHE_DIR"] = str(folder / "cache")
    port = wb.free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "galleryk.cli",
            "app",
            "--port",
            str(port),
            "--data",
            str(folder / "data"),
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not any("Press Ctrl-C" in line for line in lines):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "galleryk app exited:\n" + "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "galleryk app printed no URL:\n" + "".join(lines)
        url = next(line.split(" open ", 1)[1].strip() for line in lines if " open http" in line)
        with wb.chromium() as browser:
            yield {"url": url, "browser": browser, "proc": proc, "lines": lines, "port": port, "folder": folder}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # its own cleanup stops Voila and the sandbox
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


@pytest.fixture
def page(served):
    context = served["browser"].new_context(viewport={"width": 1150, "height": 900})
    context.set_default_timeout(STEP_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _open(page, served) -> None:
    page.goto(served["url"], timeout=90_000)
    page.get_by_role("tab", name="1 Sign in").wait_for()
    assert page.locator("text=Loading widget").count() == 0


def test_the_command_prints_where_to_go_and_binds_loopback_only(served):
    assert served["url"] == f"http://127.0.0.1:{served['port']}/"
    assert any("GALLERYK_CONFIG=" in line for line in served["lines"])


def test_a_folder_that_is_not_there_is_said_in_the_page_and_dropped_files_are_explained(page, served):
    _open(page, served)
    page.get_by_role("tab", name="3 Upload").click()
    page.get_by_placeholder("the folder that holds your photos").fill(str(served["folder"] / "no-such-folder"))
    page.get_by_role("button", name="Open folder").click()
    page.get_by_text("There is no folder").wait_for()
    assert page.get_by_text("Photos cannot be dropped on this page").is_visible()


def test_sign_in_browse_select_copy_and_see_the_report(page, served):
    _open(page, served)
    page.get_by_text("Signed in to the gallery as alice.").wait_for()
    page.get_by_role("button", name="Sign in to Fotki").click()
    link = page.locator("a.gk-link")
    link.wait_for(state="visible")
    with page.expect_popup() as popup_info:
        link.click()
    approval = popup_info.value
    approval.get_by_label("User name").fill("alice")
    approval.get_by_label("Password").fill("alice-demo-pw")
    approval.get_by_role("button", name="Sign in", exact=True).click()
    approval.get_by_role("button", name="Yes", exact=True).click()
    approval.locator("#result").wait_for()
    approval.close()
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Signed in to Fotki as alice (write).").wait_for()

    page.get_by_role("tab", name="2 Browse").click()
    page.locator(".gk-tile img[src^='blob:']").first.wait_for()
    tiles = page.locator(".gk-tile")
    tiles.nth(0).click()
    tiles.nth(2).click(modifiers=["Shift"])
    page.get_by_text("3 selected").wait_for()
    page.locator(".gk-tile.gk-selected img[src^='blob:']").nth(2).wait_for()
    wb.shot(page, "app")  # README's picture of the app

    page.get_by_role("tab", name="4 Copy").click()
    page.get_by_text("3 photos selected on Fotki").wait_for()
    page.get_by_placeholder("its title").fill("From the app")
    page.get_by_role("button", name="Copy the selection").click()
    page.get_by_text("Copied: 3 uploaded.").wait_for(timeout=60_000)
    assert page.locator("table.galleryk-copy-report tbody tr").count() == 3
    link = page.locator(".galleryk-copy-album a")
    assert link.inner_text().startswith("From the app") and link.get_attribute("href").startswith("http://127.0.0.1")
    wb.shot(page, "app-report")


CUT_LABELS = """() => [...document.querySelectorAll(
    '.jupyter-button, .widget-label, .widget-toggle-button, .lm-TabBar-tabLabel, .widget-html-content i')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.trim())"""


def test_no_label_is_cut_at_1280_pixels_and_messages_sit_under_their_step(served):
    context = served["browser"].new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(STEP_MS)
    try:
        page = context.new_page()
        _open(page, served)
        page.get_by_text("Signed in to the gallery as alice.").wait_for()
        wb.shot(page, "app-sign-in-1280")
        assert page.evaluate(CUT_LABELS) == []
        page.get_by_role("tab", name="3 Upload").click()
        page.get_by_role("button", name="Open folder").click()
        note = page.get_by_text("Type the folder that holds your photos first.")
        tabs = page.locator(".lm-TabBar, .p-TabBar").first
        assert note.bounding_box()["y"] > tabs.bounding_box()["y"]  # under the step, not above the tabs
        assert page.evaluate(CUT_LABELS) == []
        page.get_by_placeholder("the folder that holds your photos").fill("trip")
        note.wait_for(state="detached")  # no longer true once a folder is typed
        page.get_by_role("tab", name="2 Browse").click()
        page.get_by_role("button", name="Coppermine").click()  # signed in from the settings
        page.locator(".galleryk-albumbrowser .galleryk-status-info").first.wait_for()  # an album is open
        wb.shot(page, "app-browse-1280")
        assert page.evaluate(CUT_LABELS) == []
        page.get_by_role("tab", name="4 Copy").click()
        page.get_by_role("button", name="Copy the selection").wait_for()
        assert page.evaluate(CUT_LABELS) == []
    finally:
        context.close()


def test_ctrl_c_stops_voila_and_the_sandbox(served):
    proc = served["proc"]
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0 and "app and sandbox stopped" in rest
    assert not wb.listening(served["port"])
