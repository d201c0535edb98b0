"""Edges of the widgets' Python API: a Start right after Cancel, and widgets whose constructor raised."""

from __future__ import annotations

import gc
import sys
from collections import Counter

import ipywidgets as widgets
import pytest
from support.widget_tree import find
from widget_support import make_photos

import galleryk.widgets as gw
from galleryk.access import sandbox_fotki

HOLD = 120.0  # seconds a held upload would wait; every test releases it long before


def _albums_read(uploader: gw.Uploader) -> bool:
    return find(uploader, widgets.Dropdown, "Album").value is not None


def _until(check, timeout: float = 30.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {check}")


def test_start_right_after_cancel_runs_again_once_the_cancelled_run_has_ended(sandbox, tmp_path):
    make_photos(tmp_path / "trip", 4)
    fotki = sandbox_fotki(sandbox, "alice")
    uploader = gw.Uploader(tmp_path / "trip", targets=[fotki], workers=1, fallback_after=None)
    _until(lambda: len(uploader.files) == 4 and _albums_read(uploader))
    uploader.album = "Harbour walk"
    sandbox.faults.set("fotki", store_delay=HOLD, delay_only="upload")
    try:
        uploader.start()
        assert sandbox.faults.wait_held("fotki")  # the first file is being stored: the run cannot end yet
        uploader.cancel()
        uploader.start()
        assert "next run starts once" in uploader.status
        sandbox.faults.clear("fotki")
        sandbox.faults.release_held()
        report = uploader.wait(60)
    finally:
        sandbox.faults.clear("fotki")
        sandbox.faults.release_held()
    assert set(report["status"].astype(str)) <= {"uploaded", "skipped"}, report
    assert uploader.status.startswith("Done") and not uploader.running
    titles = Counter(fotki.photos("Harbour walk")["title"])
    assert all(titles[f"photo_{i:03d}"] == 1 for i in range(4)), titles


def test_start_while_a_run_goes_on_says_why_nothing_started(sandbox, tmp_path):
    make_photos(tmp_path / "two", 2)
    fotki = sandbox_fotki(sandbox, "alice")
    uploader = gw.Uploader(tmp_path / "two", targets=[fotki], workers=1, fallback_after=None)
    _until(lambda: len(uploader.files) == 2 and _albums_read(uploader))
    uploader.album = "Harbour walk"
    sandbox.faults.set("fotki", store_delay=HOLD, delay_only="upload")
    try:
        uploader.start()
        assert sandbox.faults.wait_held("fotki")
        uploader.start()
        assert "Already sending" in uploader.status
    finally:
        sandbox.faults.clear("fotki")
        sandbox.faults.release_held()
    report = uploader.wait(60)
    assert list(report["status"].astype(str)) == ["uploaded", "uploaded"]  # one run, not two


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> list:
    """What Python reports from ``__del__`` methods (a traceback a notebook would print) while the test runs."""
    seen: list = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    return seen


@pytest.mark.parametrize(
    "make",
    [
        lambda: gw.Uploader("/nowhere", targets=[]),
        lambda: gw.AlbumBrowser(object()),
        lambda: gw.SignIn(object()),
        lambda: gw.TileGrid(bytes, id_column="id", page_size="many"),
    ],
    ids=["Uploader", "AlbumBrowser", "SignIn", "TileGrid"],
)
def test_a_widget_whose_constructor_raised_leaves_no_traceback_behind(make, unraisable):
    try:
        make()
    except Exception:  # each raises its own kind; the traceback (and the half-built widget) goes with this block
        pass
    else:
        raise AssertionError("the constructor did not raise")
    gc.collect()  # a widget that never reached ipywidgets' registry is collected here
    widgets.Widget.close_all()  # one that did is closed when the kernel ends, as here
    assert unraisable == []
