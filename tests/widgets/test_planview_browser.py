"""PlanView in a real browser: Debian's Chromium through Playwright, on a notebook served by Voilà.

The notebook plans a folder of four photos against a sandbox album where another tool left
resized copies of the first two, and shows the plan. What the kernel knows comes back through a
probe (``#gk-probe``: the ticked rows and the report's statuses). Every wait is on a condition.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import widget_browser as wb
from support.plan_photos import files, folder, other_tool

import galleryk.sandbox as gks
from galleryk.access import sandbox_coppermine

STEP_MS = 30_000

PLAN_CELL = """\
import html
cpg = gk.Coppermine(cfg["url"], cfg["user"], cfg["password"], mode="web")
plan = gk.scan(cfg["folder"], progress=False).galleryk.plan(cpg, album="Half")
view = gw.PlanView(plan, fallback_after=cfg["fallback_after"], height=300)
probe = widgets.HTML()
def show(*_):
    report = view.report
    state = {"ticked": [int(i) for i in view.ticked],
             "statuses": None if report is None else report["status"].astype(str).tolist()}
    probe.value = "<pre id='gk-probe'>" + html.escape(json.dumps(state)) + "</pre>"
view.grid.grid.observe(show, "selected_ids")
view.observe(show, "report")
show()
widgets.VBox([view, probe], layout=widgets.Layout(width="820px"))
"""


@pytest.fixture(scope="module")
def site(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A sandbox gallery with a half-uploaded album, the notebook, Voilà serving it, and Chromium."""
    wb.require("voila", "anywidget")
    root = tmp_path_factory.mktemp("planview-site")
    shutil.copytree(seeded_template, root / "data")
    sandbox = gks.start(root / "data", seed=True)
    try:
        sandbox.settings.coppermine_api = False
        photos = folder(root, 4)
        other_tool(sandbox_coppermine(sandbox, "alice"), files(photos)[:2], "Half")
        cfg = {
            "url": sandbox.coppermine_url,
            "user": "alice",
            "password": sandbox.users["alice"],
            "folder": str(photos),
            "fallback_after": 4.0,
        }
        pages = root / "notebooks"
        pages.mkdir()
        wb.notebook(pages / "plan.ipynb", wb.PRELUDE, PLAN_CELL)
        env = {"GALLERYK_WIDGET_TEST": json.dumps(cfg), "GALLERYK_CACHE_DIR": str(root / "cache")}
        with wb.chromium() as browser, wb.voila(pages, env) as base:
            yield {"base": base, "browser": browser}
    finally:
        sandbox.stop()


def kernel(page, condition: str) -> dict:
    """Wait until the kernel's probe ``p`` meets ``condition`` (a JavaScript expression); return the probe."""
    script = (
        "() => { const e = document.querySelector('#gk-probe');"
        f" if (!e) return false; const p = JSON.parse(e.textContent); return {condition}; }}"
    )
    page.wait_for_function(script, timeout=STEP_MS)
    return json.loads(page.locator("#gk-probe").inner_text())


def test_the_plan_shows_its_tiles_an_untick_reaches_the_kernel_and_apply_runs_the_rest(site):
    context = site["browser"].new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(STEP_MS)
    try:
        page = context.new_page()
        page.goto(f"{site['base']}/voila/render/plan.ipynb", timeout=90_000)
        page.locator(".gk-tile img[src^='blob:']").nth(3).wait_for()
        assert "perceptual" in page.locator(".gk-tile").first.inner_text()
        kernel(page, "p.ticked.length === 4")
        wb.doc_shot(page.locator(".galleryk-planview"), "planview")
        page.locator(".gk-tile").nth(3).click(modifiers=["Control"])
        kernel(page, "p.ticked.length === 3")
        page.get_by_role("button", name="Apply").click()
        probe = kernel(page, "p.statuses !== null")
        assert probe["statuses"] == ["skipped", "skipped", "uploaded"]
    finally:
        context.close()
