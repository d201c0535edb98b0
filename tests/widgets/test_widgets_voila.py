"""The widgets in a real browser: Debian's Chromium, driven by Playwright, on notebooks served by Voilà.

One sandbox, one Voilà server and one Chromium for the module; each test opens a page (a
fresh kernel). What the kernel knows is read back through a probe widget the notebook shows
(``#gk-probe``: ``browser.selection`` and ``uploader.report`` as JSON, computed in the kernel).
Screenshots land in ``artifacts/widgets/``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import widget_browser as wb
from widget_support import fill_photoset, make_photos

import galleryk.sandbox as gks
from galleryk.access import sandbox_fotki
from galleryk.sandbox.fotki.db import DEMO_APP_NAME

STEP_MS = 30_000

BROWSER_CELL = """\
browser = gw.AlbumBrowser(fotki(), album=cfg["big_set"])
probe = widgets.HTML()
def show(change=None):
    sel = browser.selection
    probe.value = "<pre id='gk-probe'>" + json.dumps({"ids": [int(i) for i in sel["id"]],
                                                      "listing": len(browser.listing)}) + "</pre>"
browser.observe(show, "selected_ids")
widgets.VBox([browser, probe])
"""
SIGNIN_CELL = "signin = gw.SignIn(fotki(signed_in=False), fallback_after=3.0)\nsignin"
UPLOADER_CELL = """\
uploader = gw.Uploader(cfg["folder"], targets=[fotki()], workers=1)
uploader.album = cfg["album"]
probe = widgets.HTML()
def show(change):
    counts = change["new"]["status"].astype(str).value_counts().to_dict()
    probe.value = "<pre id='gk-probe'>" + json.dumps(counts) + "</pre>"
uploader.observe(show, "report")
widgets.VBox([uploader, probe])
"""


@pytest.fixture(scope="module")
def site(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A sandbox with a 2,000-photo set, a folder of photos, the notebooks, and Voilà serving them."""
    wb.require("voila", "anywidget")
    root = tmp_path_factory.mktemp("voila-site")
    shutil.copytree(seeded_template, root / "data")
    sandbox = gks.start(root / "data", seed=True)
    try:
        set_id, ids = fill_photoset(sandbox, "alice", 2000, "Big set")
        make_photos(root / "trip", 8, prefix="trip")
        token = sandbox_fotki(sandbox, "alice", perms="write").check_token().token
        cfg = {
            "api_key": sandbox.api_key,
            "secret": sandbox.secret,
            "api_url": sandbox.fotki_api_url,
            "auth_url": sandbox.fotki_auth_url,
            "token": token,
            "big_set": set_id,
            "folder": str(root / "trip"),
            "album": "Voila trip",
        }
        pages = root / "notebooks"
        pages.mkdir()
        wb.notebook(pages / "browser.ipynb", wb.PRELUDE, BROWSER_CELL)
        wb.notebook(pages / "signin.ipynb", wb.PRELUDE, SIGNIN_CELL)
        wb.notebook(pages / "uploader.ipynb", wb.PRELUDE, UPLOADER_CELL)
        env = {"GALLERYK_WIDGET_TEST": json.dumps(cfg), "GALLERYK_CACHE_DIR": str(root / "cache")}
        with wb.voila(pages, env) as base, wb.chromium() as chromium:
            yield {"base": base, "browser": chromium, "sandbox": sandbox, "ids": ids, "set_id": set_id}
    finally:
        sandbox.stop()


@pytest.fixture
def page(site):
    context = site["browser"].new_context(viewport={"width": 1100, "height": 850})
    context.set_default_timeout(STEP_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_notebook(page, site, name: str) -> None:
    page.goto(f"{site['base']}/voila/render/{name}.ipynb", timeout=90_000)


def probe(page) -> dict:
    return json.loads(page.locator("#gk-probe").inner_text())


def wait_probe(page, check, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if page.locator("#gk-probe").count():
            last = probe(page)
            if check(last):
                return last
        time.sleep(0.1)
    raise AssertionError(f"the kernel's answer never matched: {last}")


@pytest.mark.parametrize("javascript", [True, False], ids=["link", "fallback-link"])
def test_sign_in_through_the_approval_page_then_continue(page, site, javascript):
    if not javascript:  # the link's JavaScript cannot load: a plain link to galleryk's local server shows instead
        page.route("**/labextensions/anywidget/**", lambda route: route.abort())
    open_notebook(page, site, "signin")
    page.get_by_role("button", name="Sign in to Fotki").click()
    link = page.locator("a.gk-link" if javascript else "a.galleryk-approve")
    link.wait_for(state="visible", timeout=60_000)
    if not javascript:
        href = link.get_attribute("href") or ""
        assert href.startswith("http://127.0.0.1:") and "frob" not in href, href
    wb.shot(page, "signin-1-link" if javascript else "signin-1-fallback-link")
    with page.expect_popup() as popup_info:
        link.click()
    approval = popup_info.value
    approval.get_by_label("User name").fill("alice")
    approval.get_by_label("Password").fill(site["sandbox"].users["alice"])
    approval.get_by_role("button", name="Sign in", exact=True).click()
    approval.get_by_text(f"Allow {DEMO_APP_NAME} to write your photos?").wait_for()
    approval.get_by_role("button", name="Yes", exact=True).click()
    approval.locator("#result").wait_for()
    approval.close()
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Signed in to Fotki as alice (write).").wait_for()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert not link.is_visible()
    wb.shot(page, "signin-2-signed-in")


def test_scroll_click_shift_click_select_all_and_the_kernel_has_the_selection(page, site):
    ids = site["ids"]
    open_notebook(page, site, "browser")
    page.locator(".gk-tile img[src^='blob:']").first.wait_for()
    assert page.locator("text=Loading widget").count() == 0
    first_screen = page.locator(".gk-tile img[src^='blob:']").count()
    assert first_screen >= 12

    tiles = page.locator(".gk-tile")
    tiles.nth(2).click()
    tiles.nth(6).click(modifiers=["Shift"])
    tiles.nth(9).click(modifiers=["Control"])
    got = wait_probe(page, lambda p: len(p["ids"]) == 6)
    assert got["ids"] == [*ids[2:7], ids[9]]
    page.get_by_text("Big set 10").first.wait_for()  # the details pane names the tile clicked last
    wb.shot(page, "browser-1-selected")

    page.locator(".gk-viewport").evaluate("v => v.scrollTop = v.scrollHeight / 2")
    page.locator(".gk-tile[data-index='1000'] img[src^='blob:']").wait_for()
    wb.shot(page, "browser-2-scrolled")

    page.get_by_role("button", name="Select all").click()
    got = wait_probe(page, lambda p: len(p["ids"]) == 2000)
    assert got["ids"] == ids and got["listing"] == 2000
    page.wait_for_function(  # every tile on screen is drawn selected
        "() => { const t = document.querySelectorAll('.gk-tile[data-id]');"
        " return t.length > 0 && [...t].every(e => e.classList.contains('gk-selected')); }"
    )


def test_upload_cancel_half_way_then_start_again(page, site):
    sandbox = site["sandbox"]
    open_notebook(page, site, "uploader")
    page.locator(".gk-tile img[src^='blob:']").first.wait_for()
    sandbox.faults.set("fotki", latency=0.25)
    try:
        page.get_by_role("button", name="Start").click()
        page.wait_for_function(  # the overall count is redrawn a few times a second, so it may skip a number
            "() => /\\b[3-7] of 8 files/.test(document.body.innerText)", timeout=60_000
        )
        page.get_by_role("button", name="Cancel").click()
        page.get_by_text("Cancelled:", exact=False).wait_for(timeout=60_000)
        first = probe(page)
        wb.shot(page, "uploader-1-cancelled")
    finally:
        sandbox.faults.clear("fotki")
    assert first.get("cancelled", 0) >= 1 and first.get("uploaded", 0) >= 3, first
    page.get_by_role("button", name="Start again").click()
    page.get_by_text("Done:", exact=False).wait_for(timeout=60_000)
    second = wait_probe(page, lambda p: p != first)
    assert set(second) <= {"uploaded", "skipped"} and sum(second.values()) == 8
    wb.shot(page, "uploader-2-done")

    fotki = sandbox_fotki(sandbox, "alice")
    sets = fotki.photosets()
    trip = sets[sets["title"] == "Voila trip"]
    assert len(trip) == 1
    titles = Counter(fotki.photos(int(trip["id"].iloc[0]))["title"])
    assert titles == Counter({f"trip_{i:03d}": 1 for i in range(8)})


def test_without_the_grid_javascript_the_stock_pager_shows_and_selects(page, site):
    page.route("**/labextensions/anywidget/**", lambda route: route.abort())
    open_notebook(page, site, "browser")
    pager = page.locator(".galleryk-pager")
    pager.wait_for(state="visible", timeout=60_000)
    page.wait_for_function(  # a tile's picture drawn, fetched from galleryk's local server (never widget state)
        "() => [...document.querySelectorAll('.galleryk-pager-tile img')]"
        ".some(i => i.naturalWidth > 0 && i.src.startsWith('http://127.0.0.1:'))"
    )
    assert page.locator(".gk-tile").count() == 0  # the JavaScript grid really is absent
    page.locator(".galleryk-tile-toggle").nth(1).click()
    got = wait_probe(page, lambda p: len(p["ids"]) == 1)
    assert got["ids"] == [site["ids"][1]]
    wb.shot(page, "browser-3-fallback-pager")
