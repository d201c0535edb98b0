"""Debian's Chromium driven by Playwright, for every browser test (no ``playwright install`` needed).

Without ``/usr/bin/chromium`` or the packages a test needs, ``require()`` skips it, unless
``GALLERYK_REQUIRE_BROWSER=1`` (CI), when it fails.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def missing(*modules: str) -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    for name in ("playwright", *modules):
        if importlib.util.find_spec(name) is None:
            return f"the Python package {name} is not installed (pip install -e '.[test]')"
    return None


def require(*modules: str) -> None:
    """Skip (or, with GALLERYK_REQUIRE_BROWSER=1, fail) when the browser or a needed package is missing."""
    reason = missing(*modules)
    if reason is not None:
        if os.environ.get("GALLERYK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GALLERYK_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium, closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
