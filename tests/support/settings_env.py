"""Settings isolated for a test: no GALLERYK_* variable, a config file of the test's own (not written yet)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Clear every GALLERYK_* variable; GALLERYK_CONFIG names a file under ``tmp_path``, returned unwritten."""
    for name in [n for n in os.environ if n.startswith("GALLERYK_")]:
        monkeypatch.delenv(name)
    path = tmp_path / "conf" / "galleryk.ini"
    monkeypatch.setenv("GALLERYK_CONFIG", str(path))
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(tmp_path / "cache"))
    return path
