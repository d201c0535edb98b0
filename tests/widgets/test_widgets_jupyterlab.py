"""Smoke tests in JupyterLab 4 and Notebook 7 (one Jupyter server serves both): the grid really renders.

A notebook showing an AlbumBrowser is run with the app's own "run all" command; the test
waits for grid tiles whose pictures are ``blob:`` URLs made from the kernel's binary messages.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import widget_browser as wb

import galleryk.sandbox as gks
from galleryk.access import sandbox_fotki

CELL = """\
browser = gw.AlbumBrowser(fotki(), album="Harbour walk")
browser
"""


@pytest.fixture(scope="module")
def lab(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    wb.require("jupyterlab", "notebook", "anywidget")
    root = tmp_path_factory.mktemp("lab-site")
    shutil.copytree(seeded_template, root / "data")
    sandbox = gks.start(root / "data", seed=True)
    try:
        token = sandbox_fotki(sandbox, "alice").check_token().token
        cfg = {
            "api_key": sandbox.api_key,
            "secret": sandbox.secret,
            "api_url": sandbox.fotki_api_url,
            "auth_url": sandbox.fotki_auth_url,
            "token": token,
        }
        work = root / "work"
        work.mkdir()
        wb.notebook(work / "lab.ipynb", wb.PRELUDE, CELL)
        wb.notebook(work / "nb7.ipynb", wb.PRELUDE, CELL)
        env = {
            "GALLERYK_WIDGET_TEST": json.dumps(cfg),
            "GALLERYK_CACHE_DIR": str(root / "cache"),
            "JUPYTER_CONFIG_DIR": str(root / "jupyter-config"),
        }
        with wb.jupyterlab(work, env) as base, wb.chromium() as chromium:
            yield {"base": base, "browser": chromium}
    finally:
        sandbox.stop()


def run_all_and_see_tiles(lab, path: str, name: str) -> None:
    context = lab["browser"].new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        page.goto(f"{lab['base']}{path}", timeout=90_000)
        page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')")
        page.wait_for_function(
            "() => document.querySelector('.jp-Notebook-ExecutionIndicator, "
            ".jp-Toolbar-kernelStatus, .jp-KernelStatus') !== null",
            timeout=60_000,
        )
        page.wait_for_timeout(1500)  # the kernel connects
        page.evaluate("void window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.locator(".gk-tile img[src^='blob:']").first.wait_for(timeout=90_000)
        assert page.locator(".gk-tile img[src^='blob:']").count() == 8
        assert page.locator("text=Loading widget").count() == 0
        wb.element_shot(page.locator(".galleryk-albumbrowser").first, name)
    finally:
        context.close()


def test_album_browser_renders_in_jupyterlab_4(lab):
    run_all_and_see_tiles(lab, "/lab/tree/lab.ipynb", "jupyterlab-albumbrowser")


def test_album_browser_renders_in_notebook_7(lab):
    run_all_and_see_tiles(lab, "/notebooks/nb7.ipynb", "notebook7-albumbrowser")
