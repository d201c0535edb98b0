"""The notebooks as committed: executed, with no secret, no machine path, no image bytes in widget
state and no metadata that changes on every run; every nbval exception says why.

``make notebooks`` (tools/run_notebooks.py) writes them this way; these tests keep it so.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest
from galleryk.access import sandbox_fotki

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
WORKED = ["00-quickstart", "01-list-and-curate", "02-push-and-copy", "03-explore", "04-uploader", "05-plan-and-apply"]

SECRETS = {
    "an approval signature": re.compile(r"api_sig"),
    "a frob": re.compile(r"frob="),
    "a token": re.compile(r"auth_token=|\b[0-9a-f]{8}-[0-9a-f]{32}\b"),
    "a demo password": re.compile(r"-demo-pw"),
    # the sandbox's api secret (16 hex), frobs (24) and keys (32); push markers (galleryk:sha=<16 hex>, and the
    # forms services keep of it: gallerykshaXXXX, galleryk-XXXX, gallerykXXXX) are not secret
    "a hex secret": re.compile(
        r"(?<![0-9a-f])(?<!galleryk)(?<!galleryk-)(?<!sha=)"
        r"([0-9a-f]{16}|[0-9a-f]{24}|[0-9a-f]{32})(?![0-9a-f])"
    ),
}
MACHINE_PATHS = re.compile(
    r"/tmp/|/home/|/root/|/work/|/Users/|/var/folders/|site-packages|[A-Z]:\\\\|"
    r"galleryk-nb-|galleryk-sandbox-"
)
IMAGE_BYTES = re.compile(r"/9j/|iVBORw0KGgo|R0lGOD")  # base64 of JPEG, PNG, GIF starts


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _texts(nb: dict) -> str:
    """Every text output and the metadata, widget state included (images left out: plots are allowed)."""
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            for mime, value in output.get("data", {}).items():
                if not mime.startswith("image/"):
                    parts.append(value if isinstance(value, str) else json.dumps(value))
    parts.append(json.dumps(nb["metadata"]))
    text = "\n".join(parts)
    # widget model ids are random uuid4 hex, not secrets
    return re.sub(
        r'(?<=IPY_MODEL_)[0-9a-f]{32}|(?<="model_id": ")[0-9a-f]{32}|"[0-9a-f]{32}"(?=: \{"model_)', "MODEL", text
    )


def test_the_worked_notebooks_are_all_there_and_the_app_ships_in_the_package_unrun():
    assert [p.stem for p in PATHS] == WORKED
    app = _load(NOTEBOOKS.parent / "galleryk" / "app" / "app.ipynb")
    assert all(not c.get("outputs") for c in app["cells"]) and "widgets" not in app["metadata"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_notebook_holds_no_secret(path: Path):
    text = _texts(_load(path))
    for what, pattern in SECRETS.items():
        found = pattern.search(text)
        assert found is None, f"{path.name} holds {what}: …{text[max(0, found.start() - 40) : found.end() + 40]}…"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_notebook_holds_no_machine_path(path: Path):
    text = _texts(_load(path))
    found = MACHINE_PATHS.search(text)
    assert found is None, f"{path.name}: …{text[max(0, found.start() - 60) : found.end() + 60]}…"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_widget_state_holds_no_image_bytes(path: Path):
    state = _load(path)["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    assert not [m["model_name"] for m in models.values() if m.get("buffers")], "binary buffers in widget state"
    assert IMAGE_BYTES.search(json.dumps(state)) is None
    assert len(json.dumps(state)) < 300_000


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_notebook_has_no_metadata_that_changes_on_every_run(path: Path):
    nb = _load(path)
    assert set(nb["metadata"]) <= {"kernelspec", "language_info", "widgets"}
    assert "version" not in nb["metadata"].get("language_info", {})
    for cell in nb["cells"]:
        assert set(cell.get("metadata", {})) <= {"tags"}, f"{path.name}: cell metadata {cell['metadata']}"
        for output in cell.get("outputs", []):
            assert "execution" not in output.get("metadata", {})


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_notebook_is_executed_so_nbval_compares_its_outputs(path: Path):
    code = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    assert code and all(c.get("execution_count") for c in code), f"{path.name} has cells never run: make notebooks"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_each_notebook_has_one_parameters_cell_and_a_reason_for_each_nbval_exception(path: Path):
    cells = _load(path)["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and "SANDBOX" in "".join(tagged[0]["source"])
    for cell in cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag.startswith("nbval-"):
                assert "".join(cell["source"]).startswith(f"# {tag}: "), f"{path.name}: a {tag} cell says not why"


def test_each_sanitizer_says_why():
    lines = (NOTEBOOKS / "sanitize.cfg").read_text(encoding="utf-8").splitlines()
    sections = configparser.ConfigParser()
    sections.read(NOTEBOOKS / "sanitize.cfg")
    for name in sections.sections():
        at = lines.index(f"[{name}]")
        assert lines[at + 1].startswith("# "), f"sanitizer [{name}] has no reason under its name"


def test_the_checks_catch_what_a_careless_notebook_would_save(sandbox):  # noqa: ANN001
    """Negative control: real sandbox secrets, a temp path and a JPEG in widget state are all caught."""
    import base64

    fotki = sandbox_fotki(sandbox, "alice")
    leaks = [sandbox.secret, fotki.check_token().token, fotki.auth_url(fotki.get_frob()), sandbox.users["alice"]]
    for leak in leaks:
        nb = {
            "cells": [{"cell_type": "code", "source": [], "outputs": [{"output_type": "stream", "text": leak}]}],
            "metadata": {},
        }
        assert any(p.search(_texts(nb)) for p in SECRETS.values()), f"not caught: {leak[:6]}…"
    nb = {
        "cells": [{"cell_type": "code", "source": [], "outputs": [{"output_type": "stream", "text": "/tmp/x/a.jpg"}]}],
        "metadata": {},
    }
    assert MACHINE_PATHS.search(_texts(nb))
    jpeg = base64.b64encode(gk_jpeg()).decode()
    assert IMAGE_BYTES.search(jpeg)
    marker = {
        "cells": [
            {
                "cell_type": "code",
                "source": [],
                "outputs": [
                    {
                        "output_type": "stream",
                        "text": "tags [summer, galleryka5493e7820f1d919, galleryk-ecb2c65f9aa0b1c2]",
                    }
                ],
            }
        ],
        "metadata": {},
    }
    assert not any(p.search(_texts(marker)) for p in SECRETS.values()), "push markers are not secrets"


def gk_jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def test_the_quickstart_ends_with_its_widgets_showing():
    """Run All leaves the showcase on screen: no cell closes a widget or stops what they show, the last shows one."""
    code = [c for c in _load(NOTEBOOKS / "00-quickstart.ipynb")["cells"] if c["cell_type"] == "code"]
    assert not [c for c in code if ".close()" in "".join(c["source"])]
    last = code[-1]["outputs"]
    assert last and "application/vnd.jupyter.widget-view+json" in last[-1].get("data", {})
