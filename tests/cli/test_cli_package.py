"""The package as a stranger meets it: a LICENSE that matches the metadata, a README whose links work on PyPI, docs
that refer only to files in the repository."""

from __future__ import annotations

import importlib.metadata
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

import galleryk

ROOT = Path(__file__).resolve().parents[2]
HOME = "https://github.com/galleryk/galleryk/blob/main/"
RAW = "https://raw.githubusercontent.com/galleryk/galleryk/main/"  # for images
LINK = re.compile(r"\]\(([^)\s]+)\)")


def pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_license_file_matches_the_metadata():
    project = pyproject()["project"]
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_the_metadata_names_the_home_and_the_documentation():
    urls = pyproject()["project"]["urls"]
    assert urls["Homepage"] == "https://github.com/galleryk/galleryk"
    assert urls["Documentation"].startswith("https://github.com/galleryk/galleryk/")


def test_the_version_is_the_same_in_the_metadata_and_the_package():
    meta = pyproject()
    assert "version" in meta["project"]["dynamic"] and "version" not in meta["project"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "galleryk._version.__version__"}
    assert importlib.metadata.version("galleryk") == galleryk.__version__


def test_readme_links_are_absolute_and_point_at_files_that_exist():
    links = LINK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert links
    for link in links:
        assert link.startswith("https://"), f"a relative link breaks on PyPI: {link}"
        for base in (HOME, RAW):
            if link.startswith(base):
                assert (ROOT / link[len(base) :].split("#")[0]).exists(), link


def test_docs_links_point_at_files_in_the_repository():
    for doc in (ROOT / "docs").glob("*.md"):
        for link in LINK.findall(doc.read_text(encoding="utf-8")):
            if "://" in link or link.startswith("#"):
                continue
            assert (doc.parent / link.split("#")[0]).resolve().exists(), f"{doc.name}: {link}"


@pytest.mark.parametrize("outside", ["PROTOCOLS.md", "../shared", "STYLE.md", "DESIGN.md", "/work/"])
def test_docs_and_docstrings_name_no_file_a_user_does_not_have(outside):
    files = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "galleryk").rglob("*.py")]
    naming = [str(f.relative_to(ROOT)) for f in files if outside in f.read_text(encoding="utf-8")]
    assert naming == []


# -- the wheel, as `pip install galleryk` gives it ------------------------------------------------------------
def _run(argv: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GALLERYK_", "VIRTUAL_ENV", "PYTHON"))}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The wheel built from this tree, installed (without extras) in a fresh virtual environment."""
    root = tmp_path_factory.mktemp("wheel")
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(root / "dist"), str(ROOT)], root)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("galleryk-*.whl")
    made = _run([sys.executable, "-m", "venv", str(root / "venv")], root)
    assert made.returncode == 0, made.stderr
    pip = [str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "-q"]
    done = _run([*pip, str(wheel)], root)
    assert done.returncode == 0, done.stderr
    (root / "elsewhere").mkdir()
    return {"bin": root / "venv" / "bin", "pip": pip, "wheel": wheel, "cwd": root / "elsewhere"}


@pytest.mark.timeout(900)
def test_from_a_wheel_without_the_extra_app_says_the_one_line_to_install_and_lab_what_to_get(installed):
    galleryk = str(installed["bin"] / "galleryk")
    app = _run([galleryk, "app"], installed["cwd"], timeout=60)
    assert app.returncode == 2 and app.stdout == ""
    assert app.stderr.strip().endswith("pip install 'galleryk[app]'") and app.stderr.count("\n") == 1
    lab = _run([galleryk, "lab"], installed["cwd"], timeout=60)
    assert lab.returncode == 2 and "git clone https://github.com/galleryk/galleryk" in lab.stderr
    assert "galleryk app" in lab.stderr  # the app needs no clone


@pytest.mark.timeout(900)
def test_from_a_wheel_with_the_app_extra_the_app_starts_and_stops_on_ctrl_c(installed):
    done = _run([*installed["pip"], f"{installed['wheel']}[app]"], installed["cwd"])
    assert done.returncode == 0, done.stderr
    assert _run([str(installed["bin"] / "galleryk"), "app", "--help"], installed["cwd"], timeout=60).returncode == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GALLERYK_", "VIRTUAL_ENV", "PYTHON"))}
    env["GALLERYK_CACHE_DIR"] = str(installed["cwd"] / "cache")
    proc = subprocess.Popen(
        [str(installed["bin"] / "galleryk"), "app", "--port", str(port)],
        cwd=installed["cwd"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        while not any("Press Ctrl-C" in line for line in lines):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "galleryk app exited:\n" + "".join(lines)
            lines.append(line)
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=120)
        assert page.status_code == 200 and "This is a practice copy" in page.text  # the App ran, on its sandbox
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0 and "app and sandbox stopped" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
