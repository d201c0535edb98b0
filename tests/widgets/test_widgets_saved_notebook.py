"""A notebook that shows each widget, executed with nbclient and saved with its widget state.

The saved file must hold no secret (API secret, token, frob, password) and no image bytes,
and its widget state must stay small. nbclient has no browser, so the widgets are made with
``fallback_after=None`` (the JavaScript path a JupyterLab user saves); a page of thumbnails
is still sent, as the grid's JavaScript would ask for it, to prove pixels never enter state.
A second browser is switched to the stock pager, as where the JavaScript cannot load: its
pictures are addresses on galleryk's local server, so they are not in the file either.
"""

from __future__ import annotations

import base64
import json

import nbformat
import pytest
from nbclient import NotebookClient
from widget_browser import PRELUDE, notebook
from widget_support import make_photos

from galleryk.access import sandbox_fotki

CELLS = [
    PRELUDE,
    """\
pending = gw.SignIn(fotki(signed_in=False), fallback_after=None)
pending.sign_in(); pending.wait()
open(cfg["spill"], "w").write(json.dumps({"frob_url": pending.approval_url}))
pending""",
    """\
cpg_signin = gw.SignIn(gk.Coppermine(cfg["cpg_url"]))
cpg_signin.type_user("alice")
cpg_signin.type_password(cfg["password"])
cpg_signin.sign_in(); cpg_signin.wait()
cpg_signin""",
    """\
browser = gw.AlbumBrowser(fotki(), album="Harbour walk", fallback_after=None)
browser.wait()
browser.grid.receive({"type": "page", "page": 0, "version": browser.grid.version})
browser.select_all()
browser""",
    """\
import time
stock = gw.AlbumBrowser(fotki(), album="Harbour walk", fallback_after=None)
stock.wait()
stock.grid.use_pager()
started = time.monotonic()
while len(stock.grid.pager.addresses) < 3 and time.monotonic() - started < 60:
    time.sleep(0.05)
open(cfg["spill2"], "w").write(json.dumps(stock.grid.pager.addresses))
stock""",
    """\
uploader = gw.Uploader(cfg["folder"], targets=[fotki()], fallback_after=None)
uploader.album = "Saved notebook"
uploader.start(); uploader.wait(60)
uploader""",
]


@pytest.fixture
def saved(sandbox, tmp_path, monkeypatch) -> tuple[dict, dict]:
    make_photos(tmp_path / "photos", 3)
    token = sandbox_fotki(sandbox, "alice").check_token().token
    cfg = {
        "api_key": sandbox.api_key,
        "secret": sandbox.secret,
        "api_url": sandbox.fotki_api_url,
        "auth_url": sandbox.fotki_auth_url,
        "token": token,
        "cpg_url": sandbox.coppermine_url,
        "password": sandbox.users["alice"],
        "folder": str(tmp_path / "photos"),
        "spill": str(tmp_path / "spill.json"),
        "spill2": str(tmp_path / "addresses.json"),
    }
    monkeypatch.setenv("GALLERYK_WIDGET_TEST", json.dumps(cfg))
    path = notebook(tmp_path / "widgets.ipynb", *CELLS)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", store_widget_state=True, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    nbformat.write(nb, path)
    spilled = json.loads((tmp_path / "spill.json").read_text())
    addresses = json.loads((tmp_path / "addresses.json").read_text())
    return {"text": path.read_text(), "nb": nb}, {**cfg, **spilled, "addresses": addresses}


def test_the_saved_notebook_holds_no_secret(saved):
    file, cfg = saved
    frob = cfg["frob_url"].split("frob=")[1].split("&")[0]
    signature = cfg["frob_url"].split("api_sig=")[1].split("&")[0]
    for name, secret in {
        "api secret": cfg["secret"],
        "token": cfg["token"],
        "frob": frob,
        "approval signature": signature,
        "password": cfg["password"],
    }.items():
        assert secret not in file["text"], f"the {name} is in the saved notebook"


def test_the_saved_notebook_holds_no_image_bytes_and_little_widget_state(saved):
    file, cfg = saved
    state = file["nb"].metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    text = json.dumps(state)
    assert "/9j/" not in file["text"]  # the base64 of a JPEG's first bytes
    # three widgets (about 190 KB) and a stock pager (about 280 KB: some 250 small models, reused page after page)
    assert len(text) < 600_000, f"widget state is {len(text):,} bytes"
    names = {m["model_name"] for m in state["state"].values()}
    assert "AnyModel" in names and "ButtonModel" in names  # the widgets really are in it
    assert len(cfg["addresses"]) >= 3  # the stock pager did show pictures
    images = [m for m in state["state"].values() if m["model_name"] == "ImageModel"]
    shown = []
    for model in images:
        for buffer in model.get("buffers", []):
            shown.append(base64.b64decode(buffer["data"]).decode())  # not text: picture bytes, which would fail
    assert shown and all(a.startswith("http://127.0.0.1:") for a in shown if a), [
        a for a in shown if a[:7] != "http://"
    ]
    assert set(cfg["addresses"]) <= set(shown)
