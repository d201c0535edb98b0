"""The package as a stranger meets it: a LICENSE that matches the metadata, a README whose links work on PyPI, docs
that refer only to files in the repository."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest

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
