"""Fixtures for the widget tests: a private cache folder, big photosets, folders of photos."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for widget_support.py and widget_browser.py beside this file


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Thumbnails and push journals go to a temporary folder, never the home directory."""
    folder = tmp_path_factory.mktemp("galleryk-cache")
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(folder))
    return folder
