"""Real-browser plumbing for the widget tests: Debian's Chromium through Playwright, Voilà and JupyterLab servers.

Chromium itself comes from ``support.chromium``. Servers are started once per module on free loopback ports and stopped after. Notebooks are
written by the tests (nbformat), and their kernels find the sandbox through one environment
variable (``GALLERYK_WIDGET_TEST``, JSON). Without Chromium, Playwright or the Jupyter
packages the tests skip, unless ``GALLERYK_REQUIRE_BROWSER=1`` (CI), when they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support.chromium import chromium, require  # noqa: F401  (the browser tests reach them as wb.chromium, wb.require)

from galleryk.cli.jupyter import (  # free_port: the browser tests reach it as wb.free_port
    free_port,
    listening,
)

ARTIFACTS = Path(os.environ.get("GALLERYK_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts" / "widgets"))
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
"""Where ``doc_shot`` also writes when ``GALLERYK_UPDATE_DOC_IMAGES=1`` (the screenshots the docs show)."""


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        if listening(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {port} within {timeout} s:\n{log.read_text()[-3000:]}")


@contextmanager
def server(argv: list[str], port: int, folder: Path, env: dict[str, str], name: str) -> Iterator[str]:
    """Run a Jupyter server command until the block ends; yields its base URL."""
    log = folder / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, cwd=folder, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def voila(folder: Path, env: dict[str, str]) -> contextmanager:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.show_tracebacks=True",
        "--ServerApp.port_retries=0",
    ]
    return server(argv, port, folder, env, "voila")


def jupyterlab(folder: Path, env: dict[str, str]) -> contextmanager:
    """JupyterLab 4 (and Notebook 7 on the same server, at /notebooks/)."""
    port = free_port()
    settings = folder / "_lab-settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True, exist_ok=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={folder}",
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={folder / '_lab-workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
        f"--JupyterNotebookApp.user_settings_dir={settings}",
        f"--JupyterNotebookApp.workspaces_dir={folder / '_lab-workspaces'}",
    ]
    return server(argv, port, folder, env, "jupyterlab")


def notebook(path: Path, *cells: str) -> Path:
    """Write a notebook of code cells (no outputs) to ``path``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


PRELUDE = """\
import json, os
import ipywidgets as widgets
import galleryk as gk
import galleryk.widgets as gw
cfg = json.loads(os.environ["GALLERYK_WIDGET_TEST"])
def fotki(signed_in=True):
    return gk.Fotki(cfg["api_key"], cfg["secret"], api_url=cfg["api_url"], auth_url=cfg["auth_url"],
                    token=cfg["token"] if signed_in else None, token_cache="memory")
"""


def shot(page, name: str) -> Path:
    """A screenshot kept as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def element_shot(locator, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    locator.screenshot(path=str(path))
    return path


def doc_shot(locator, name: str) -> Path:
    """An element's screenshot kept as an artifact, and, with ``GALLERYK_UPDATE_DOC_IMAGES=1``, in docs/images/."""
    path = element_shot(locator, name)
    if os.environ.get("GALLERYK_UPDATE_DOC_IMAGES") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        (DOC_IMAGES / path.name).write_bytes(path.read_bytes())
    return path
