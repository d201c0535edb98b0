"""Remote thumbnails fetched by match go to a temporary cache, never the home directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("galleryk-cache")
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(folder))
    return folder
