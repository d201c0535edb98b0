"""The grid in a real browser: Debian's Chromium, driven by Playwright, on a notebook served by Voilà (and one in JupyterLab).

The notebook shows a ``TileGrid`` over a 60-photo sandbox set with ``tags`` and ``taken``
columns added (every third photo is tagged "sea", the even ones were taken in 2024). What the
kernel knows is read back through a probe widget (``#gk-probe``: selection, marks, focus,
large view, filter, as JSON written by the kernel). Every wait is on a condition (an element,
a class, the probe's content), never on time. Screenshots land in ``artifacts/widgets/`` and,
with ``GALLERYK_UPDATE_DOC_IMAGES=1``, in ``docs/images/``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import widget_browser as wb
from widget_support import fill_photoset

import galleryk.sandbox as gks
from galleryk.access import sandbox_fotki

STEP_MS = 30_000
PHOTOS = 60

GRID_CELL = """\
import html
import pandas as pd
client = fotki()
def original(row):  # the large view shows the photo's original file
    path = client.download(int(row["id"]), cfg["spool"] + "/")
    data = path.read_bytes()
    path.unlink()
    return data
rows = client.photos(cfg["set_id"])
rows["tags"] = [["sea", "boat"] if i % 3 == 0 else ["hill"] for i in range(len(rows))]
rows["taken"] = pd.to_datetime(["2024-06-01" if i % 2 == 0 else "2023-06-01" for i in range(len(rows))])
probe = widgets.HTML()
def show(*_):
    state = {"selected": grid.selected_ids, "marks": {str(k): v for k, v in grid.marks.items()},
             "focus": grid.focus, "lightbox": grid.lightbox, "query": grid.query, "shown": len(grid.filtered)}
    probe.value = "<pre id='gk-probe'>" + html.escape(json.dumps(state)) + "</pre>"
grid = gw.TileGrid(lambda row: client.thumbnail(row, size=120), full=original,
                   id_column="id", height=330, fallback_after=cfg["fallback_after"], on_change=show)
grid.set_rows(rows)
grid.observe(show, "marks")
grid.grid.observe(show, "lightbox")
show()
widgets.VBox([grid, probe], layout=widgets.Layout(width="760px"))
"""

BROWSER_CELL = """\
import html
browser = gw.AlbumBrowser(fotki(), album=cfg["set_id"], height=330, fallback_after=cfg["fallback_after"])
probe = widgets.HTML()
def show(*_):
    focused = browser.focused
    state = {"selected": browser.selected_ids, "marks": {str(k): v for k, v in browser.marks.items()},
             "lightbox": browser.lightbox, "query": browser.query, "shown": len(browser.filtered),
             "focused": None if focused is None else int(focused["id"])}
    probe.value = "<pre id='gk-probe'>" + html.escape(json.dumps(state)) + "</pre>"
browser.observe(show, "selected_ids")
browser.observe(show, "marks")
for name in ("lightbox", "focus", "count"):
    browser.grid.grid.observe(show, name)
show()
widgets.VBox([browser, probe], layout=widgets.Layout(width="960px"))
"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One Chromium for the module (Playwright's sync API allows one at a time)."""
    wb.require("anywidget")
    with wb.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def site(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory, chromium) -> Iterator[dict]:
    """A sandbox with a 60-photo set, the grid notebook, and Voilà serving it."""
    wb.require("voila", "anywidget")
    root = tmp_path_factory.mktemp("grid-site")
    shutil.copytree(seeded_template, root / "data")
    sandbox = gks.start(root / "data", seed=True)
    try:
        set_id, ids = fill_photoset(sandbox, "alice", PHOTOS, "Grid set")
        cfg = _config(sandbox, set_id, root)
        pages = root / "notebooks"
        pages.mkdir()
        wb.notebook(pages / "grid.ipynb", wb.PRELUDE, GRID_CELL)
        wb.notebook(pages / "albumbrowser.ipynb", wb.PRELUDE, BROWSER_CELL)
        env = {"GALLERYK_WIDGET_TEST": json.dumps(cfg), "GALLERYK_CACHE_DIR": str(root / "cache")}
        with wb.voila(pages, env) as base:
            yield {"base": base, "browser": chromium, "ids": ids}
    finally:
        sandbox.stop()


def _config(sandbox, set_id: int, root: Path) -> dict:
    (root / "spool").mkdir()
    return {
        "spool": str(root / "spool"),
        "api_key": sandbox.api_key,
        "secret": sandbox.secret,
        "api_url": sandbox.fotki_api_url,
        "auth_url": sandbox.fotki_auth_url,
        "token": sandbox_fotki(sandbox, "alice", perms="write").check_token().token,
        "set_id": set_id,
        "fallback_after": 4.0,
    }


@pytest.fixture
def page(site):
    context = site["browser"].new_context(viewport={"width": 1000, "height": 800})
    context.set_default_timeout(STEP_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_grid(page, site, query: str = "") -> None:
    page.goto(f"{site['base']}/voila/render/grid.ipynb{query}", timeout=90_000)
    page.locator(".gk-tile img[src^='blob:']").first.wait_for()


def kernel(page, condition: str) -> dict:
    """Wait until the kernel's probe ``p`` meets ``condition`` (a JavaScript expression); return the probe."""
    script = (
        "() => { const e = document.querySelector('#gk-probe');"
        f" if (!e) return false; const p = JSON.parse(e.textContent); return {condition}; }}"
    )
    try:
        page.wait_for_function(script, timeout=STEP_MS)
    except Exception as exc:
        last = page.locator("#gk-probe").inner_text() if page.locator("#gk-probe").count() else None
        raise AssertionError(f"the kernel never reported {condition}; last: {last}") from exc
    return json.loads(page.locator("#gk-probe").inner_text())


def test_arrows_space_and_shift_arrows_select_and_the_kernel_has_it(page, site):
    ids = site["ids"]
    open_grid(page, site)
    tiles = page.locator(".gk-tile")
    tiles.nth(1).click()
    kernel(page, "p.selected.length === 1")
    page.keyboard.press("ArrowRight")
    page.locator(".gk-tile.gk-focus[data-index='2']").wait_for()
    page.keyboard.press("Space")
    assert kernel(page, "p.selected.length === 2")["selected"] == ids[1:3]
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    got = kernel(page, "p.focus === 4 && p.selected.length === 3")
    assert got["selected"] == ids[2:5]  # from the anchor (the tile Space picked) to the focus
    page.keyboard.press("ArrowDown")
    focus = kernel(page, "p.focus > 4")["focus"]
    below = page.locator(f".gk-tile.gk-focus[data-index='{focus}']")
    below.wait_for()
    assert below.bounding_box()["x"] == pytest.approx(tiles.nth(4).bounding_box()["x"], abs=1)  # the same column


def test_enter_opens_the_large_view_arrows_step_and_escape_closes(page, site):
    open_grid(page, site)
    page.locator(".gk-tile").nth(0).click()
    page.keyboard.press("Enter")
    big = page.locator(".gk-lightbox img.gk-lb-img[src^='blob:']")
    big.wait_for()
    assert big.evaluate("img => img.decode().then(() => img.naturalWidth)") > 120  # the large picture, not a tile's
    before = big.get_attribute("src")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "src => { const i = document.querySelector('.gk-lightbox .gk-lb-img');"
        " return i && i.src.startsWith('blob:') && i.src !== src; }",
        arg=before,
    )
    assert "(2 of 60)" in page.locator(".gk-lightbox .gk-lb-title").inner_text()
    assert kernel(page, "p.lightbox === 1")["focus"] == 1
    wb.doc_shot(page.locator(".gk-lightbox"), "grid-lightbox")
    page.keyboard.press("Escape")
    page.locator(".gk-lightbox").wait_for(state="detached")
    kernel(page, "p.lightbox === null && p.focus === 1")


def test_k_and_x_marks_show_on_the_tiles_and_reach_the_kernel(page, site):
    ids = site["ids"]
    open_grid(page, site)
    page.locator(".gk-tile").nth(3).click()
    page.keyboard.press("k")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("x")
    got = kernel(page, "Object.keys(p.marks).length === 2")
    assert got["marks"] == {str(ids[3]): "keep", str(ids[4]): "reject"}
    assert page.locator(".gk-tile.gk-keep[data-index='3'] .gk-mark").inner_text() == "✓ keep"
    assert page.locator(".gk-tile.gk-reject[data-index='4'] .gk-mark").inner_text() == "✕ reject"
    wb.doc_shot(page.locator(".galleryk-tilegrid"), "grid-light")
    page.keyboard.press("x")  # again: unmarked
    kernel(page, "Object.keys(p.marks).length === 1")
    page.locator(".gk-tile[data-index='4']:not(.gk-reject)").wait_for()


def test_the_filter_box_filters_keeps_hidden_selections_and_says_what_is_wrong(page, site):
    ids = site["ids"]
    open_grid(page, site)
    page.locator(".gk-tile").nth(1).click()  # photo 1 has no "sea": the filter will hide it
    kernel(page, "p.selected.length === 1")
    box = page.locator(".galleryk-filter input")
    box.fill("tags.str.contains('sea') and taken.dt.year == 2024")
    box.press("Enter")
    kernel(page, "p.shown === 10")
    page.wait_for_function("() => document.querySelectorAll('.gk-tile[data-id]').length === 10")
    shown = page.locator(".gk-tile[data-id]").evaluate_all("ts => ts.map(t => Number(t.dataset.id))")
    assert shown == ids[::6]
    page.get_by_text("1 selected, 1 hidden by the filter").wait_for()
    box.fill("tgas == 'sea'")
    box.press("Enter")
    page.get_by_text("Filter not applied: there is no column 'tgas'", exact=False).wait_for()
    got = kernel(page, "p.shown === 10")
    assert got["query"] == "tags.str.contains('sea') and taken.dt.year == 2024" and got["selected"] == [ids[1]]


def test_readable_in_the_dark_theme_with_focus_and_marks_visible(page, site):
    open_grid(page, site, "?theme=dark")
    page.locator(".gk-tile").nth(2).click()
    page.keyboard.press("k")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("x")
    kernel(page, "Object.keys(p.marks).length === 2")
    colours = page.evaluate(
        """() => {
        const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
        return {background: css('.gk-viewport', 'backgroundColor'), caption: css('.gk-caption', 'color'),
                ring: css('.gk-tile.gk-focus', 'outlineColor'), keep: css('.gk-keep .gk-mark', 'backgroundColor')};
    }"""
    )
    assert _luminance(colours["background"]) < 0.1, colours  # the dark theme's background, not a white box
    assert _luminance(colours["caption"]) > 0.6, colours  # light text on it
    assert _luminance(colours["ring"]) > 0.3 and _luminance(colours["keep"]) > 0.05, colours
    wb.doc_shot(page.locator(".galleryk-tilegrid"), "grid-dark")


def test_without_the_grid_javascript_the_pager_marks_and_shows_a_photo_large(page, site):
    ids = site["ids"]
    page.set_viewport_size({"width": 1000, "height": 1300})  # the large view above the tiles, all on screen
    page.route("**/labextensions/anywidget/**", lambda route: route.abort())
    page.goto(f"{site['base']}/voila/render/grid.ipynb", timeout=90_000)
    page.wait_for_function(  # a tile's picture drawn, fetched from galleryk's local server (never widget state)
        "() => [...document.querySelectorAll('.galleryk-pager-tile img')]"
        ".some(i => i.naturalWidth > 0 && i.src.startsWith('http://127.0.0.1:'))",
        timeout=60_000,
    )
    assert page.locator(".gk-tile").count() == 0  # the JavaScript grid really is absent
    page.locator(".galleryk-tile-keep").nth(1).click()
    page.locator(".galleryk-tile-reject").nth(2).click()
    got = kernel(page, "Object.keys(p.marks).length === 2")
    assert got["marks"] == {str(ids[1]): "keep", str(ids[2]): "reject"}
    page.locator(".galleryk-tile-large").nth(3).click()
    page.wait_for_function(  # the original, whole, from the local server
        "() => { const i = document.querySelector('.galleryk-pager-large img');"
        " return i.naturalWidth > 120 && i.src.startsWith('http://127.0.0.1:'); }"
    )
    kernel(page, "p.lightbox === 3")
    wb.doc_shot(page.locator(".galleryk-tilegrid"), "grid-fallback")


# -- the album browser over the grid: the same keys, its own API, the large view from the original ---------------
def open_browser(page, site, query: str = "") -> None:
    page.goto(f"{site['base']}/voila/render/albumbrowser.ipynb{query}", timeout=90_000)
    page.locator(".gk-tile img[src^='blob:']").first.wait_for()


def test_album_browser_keys_marks_and_the_large_view_from_the_original(page, site):
    ids = site["ids"]
    open_browser(page, site)
    page.locator(".gk-tile").nth(0).click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    page.keyboard.press("k")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("x")
    got = kernel(page, "Object.keys(p.marks).length === 2 && p.selected.length === 2")
    assert got["selected"] == ids[0:2] and got["marks"] == {str(ids[1]): "keep", str(ids[2]): "reject"}
    assert got["focused"] == ids[2]  # the details pane follows the keys
    page.locator(".galleryk-details h4", has_text="Grid set 3").wait_for()
    wb.doc_shot(page.locator(".galleryk-albumbrowser"), "albumbrowser-triage")
    page.keyboard.press("Enter")
    big = page.locator(".gk-lightbox img.gk-lb-img[src^='blob:']")
    big.wait_for()
    assert big.evaluate("img => img.decode().then(() => img.naturalWidth)") > 200  # not a 100 px thumbnail
    kernel(page, "p.lightbox === 2")
    wb.doc_shot(page.locator(".gk-lightbox"), "albumbrowser-lightbox")
    page.keyboard.press("Escape")
    page.locator(".gk-lightbox").wait_for(state="detached")
    kernel(page, "p.lightbox === null")


def test_album_browser_filter_box_in_the_dark_theme(page, site):
    ids = site["ids"]
    open_browser(page, site, "?theme=dark")
    page.locator(".gk-tile").nth(1).click()
    kernel(page, "p.selected.length === 1")
    box = page.locator(".galleryk-filter input")
    box.fill("title.str.endswith('5')")
    box.press("Enter")
    got = kernel(page, "p.shown === 6")
    assert got["query"] == "title.str.endswith('5')" and got["selected"] == [ids[1]]  # hidden, still selected
    page.wait_for_function("() => document.querySelectorAll('.gk-tile[data-id]').length === 6")
    page.get_by_text("1 selected, 1 hidden by the filter").wait_for()
    page.locator(".gk-tile").nth(0).click()
    page.keyboard.press("k")
    kernel(page, f"p.marks['{ids[4]}'] === 'keep'")
    colours = page.evaluate(
        """() => {
        const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
        return {background: css('.gk-viewport', 'backgroundColor'), details: css('.galleryk-details', 'color'),
                status: css('.galleryk-albumbrowser .galleryk-status', 'color')};
    }"""
    )
    assert _luminance(colours["background"]) < 0.1, colours
    assert _luminance(colours["details"]) > 0.6 and _luminance(colours["status"]) > 0.6, colours
    wb.doc_shot(page.locator(".galleryk-albumbrowser"), "albumbrowser-dark")


def _luminance(css: str) -> float:
    """Relative luminance (0 black .. 1 white) of a computed ``rgb(...)``/``rgba(...)`` colour."""
    parts = [float(v) for v in css[css.index("(") + 1 : css.index(")")].replace("/", ",").split(",")[:3]]
    r, g, b = (c / 255 for c in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# -- JupyterLab: the grid's keys must not work the notebook -------------------------------------------------
@pytest.fixture(scope="module")
def lab(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory, chromium) -> Iterator[dict]:
    wb.require("jupyterlab", "anywidget")
    root = tmp_path_factory.mktemp("grid-lab")
    shutil.copytree(seeded_template, root / "data")
    sandbox = gks.start(root / "data", seed=True)
    try:
        set_id, _ = fill_photoset(sandbox, "alice", 12, "Lab set")
        work = root / "work"
        work.mkdir()
        wb.notebook(work / "grid.ipynb", wb.PRELUDE, GRID_CELL)
        env = {
            "GALLERYK_WIDGET_TEST": json.dumps(_config(sandbox, set_id, root)),
            "GALLERYK_CACHE_DIR": str(root / "cache"),
            "JUPYTER_CONFIG_DIR": str(root / "jupyter-config"),
        }
        with wb.jupyterlab(work, env) as base:
            yield {"base": base, "browser": chromium}
    finally:
        sandbox.stop()


def test_in_jupyterlab_keys_pressed_on_the_grid_never_work_the_notebook(lab):
    context = lab["browser"].new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        page.goto(f"{lab['base']}/lab/tree/grid.ipynb", timeout=90_000)
        page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')")
        page.wait_for_function(  # the kernel is connected and idle before the cells run
            "() => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.connectionStatus === 'connected'"
            " && w.sessionContext.session.kernel.status === 'idle'; }"
        )
        page.evaluate("void window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.locator(".gk-tile img[src^='blob:']").first.wait_for(timeout=90_000)
        cells = page.locator(".jp-Notebook .jp-Cell").count()
        page.locator(".gk-tile").nth(1).click()
        page.keyboard.press("x")  # in command mode: "cut this cell"
        page.keyboard.press("k")  # "select the cell above"
        page.locator(".gk-tile.gk-keep[data-index='1']").wait_for()
        page.keyboard.press("Enter")  # "edit this cell"
        page.locator(".gk-lightbox img[src^='blob:']").wait_for()
        page.keyboard.press("Escape")
        page.locator(".gk-lightbox").wait_for(state="detached")
        for name in ("d", "d", "b", "m"):  # keys the grid does not use: "delete cell", "insert below", "markdown"
            page.keyboard.press(name)
        page.keyboard.press("ArrowRight")  # a key the grid takes after them, so they were all handled first
        page.locator(".gk-tile.gk-focus[data-index='2']").wait_for()
        assert page.locator(".jp-Notebook .jp-Cell").count() == cells
        assert page.locator(".jp-Notebook .jp-MarkdownCell").count() == 0
        assert page.locator(".jp-Notebook.jp-mod-editMode").count() == 0
        wb.shot(page, "grid-jupyterlab")
    finally:
        context.close()
