"""Fixtures for the Fotki client tests: no test may write a token into the real home directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_token_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default file token cache at a temporary folder for every test here."""
    folder = tmp_path_factory.mktemp("galleryk-cache")
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(folder))
    return folder
