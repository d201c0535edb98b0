"""The album browser's triage from Python, as the keys and buttons drive it: marks, the filter, the large view.

Against the sandbox, no browser: keys are pressed with ``press()`` (what the grid's JavaScript
forwards), and what the browser would receive is read at the grid's comm.
"""

from __future__ import annotations

import time

import pytest
from support.widget_tree import to_frontend
from widget_support import fill_photoset

import galleryk.widgets as gw
from galleryk.access import sandbox_coppermine, sandbox_fotki
from galleryk.media.thumbcache import longest_side


def until(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {check}")


@pytest.fixture
def browser(sandbox):
    set_id, _ = fill_photoset(sandbox, "alice", 30, "Triage")
    fotki = sandbox_fotki(sandbox, "alice")
    shown = gw.AlbumBrowser(fotki, album=set_id, fallback_after=None)
    assert shown.wait(30)
    yield shown
    shown.close()


def ids(frame) -> list[int]:
    return [int(i) for i in frame["id"]]


def test_arrows_move_the_focus_space_selects_and_shift_arrows_extend(browser):
    listing = ids(browser.listing)
    browser.click(2)
    browser.press("ArrowRight")
    assert int(browser.focused["id"]) == listing[3]
    assert browser.selected_ids == [listing[2]]  # moving the focus selects nothing
    browser.press(" ")
    assert browser.selected_ids == [listing[2], listing[3]]
    browser.press("ArrowRight", shift=True)
    browser.press("ArrowRight", shift=True)
    assert browser.selected_ids == listing[3:6]  # the range from where the arrows started
    assert int(browser.focused["id"]) == listing[5]


def test_k_and_x_mark_the_focused_photo_and_the_marks_come_back_as_rows(browser):
    listing = ids(browser.listing)
    seen = []
    browser.observe(lambda change: seen.append(dict(change["new"])), "marks")
    browser.click(0)
    browser.press("k")
    browser.press("ArrowRight")
    browser.press("x")
    assert browser.marks == {listing[0]: "keep", listing[1]: "reject"}
    assert seen[-1] == browser.marks
    marked = browser.marked_rows()
    assert ids(marked) == listing[:2] and list(marked["mark"]) == ["keep", "reject"]
    assert ids(browser.marked_rows("keep")) == [listing[0]]
    browser.press("k", shift=False)  # on the rejected photo: it becomes keep
    assert browser.marks[listing[1]] == "keep"


def test_marks_set_from_python_show_in_the_grid_and_strangers_are_refused(browser):
    listing = ids(browser.listing)
    browser.marks = {listing[5]: "reject"}
    assert browser.grid.grid.marks == {str(listing[5]): "reject"}  # what the browser draws
    with pytest.raises(ValueError, match="keep' or 'reject"):
        browser.marks = {listing[5]: "maybe"}
    with pytest.raises(ValueError, match="not in this listing"):
        browser.marks = {1: "keep"}
    assert browser.marks == {listing[5]: "reject"}


def test_kept_rows_push_like_a_selection(browser, sandbox):
    listing = ids(browser.listing)
    browser.marks = {listing[3]: "keep", listing[4]: "reject", listing[7]: "keep"}
    cpg = sandbox_coppermine(sandbox, "alice")
    report = browser.marked_rows("keep").galleryk.push(cpg, album="Alice's holidays", progress=False)
    assert list(report["status"]) == ["uploaded", "uploaded"]
    assert {"Triage 4", "Triage 8"} <= set(cpg.photos("Alice's holidays")["title"])


def test_a_query_filters_the_grid_and_the_selection_survives_it(browser):
    listing = ids(browser.listing)
    browser.selected_ids = [listing[1], listing[20]]
    browser.query = "title.str.endswith('0') or title == 'Triage 2'"
    assert ids(browser.filtered) == [listing[1], listing[9], listing[19], listing[29]]
    assert browser.query == "title.str.endswith('0') or title == 'Triage 2'"
    assert browser.grid.grid.count == 4  # the grid shows the four
    assert browser.selected_ids == [listing[1], listing[20]]  # the hidden one stays selected
    assert "1 hidden by the filter" in browser.grid.status
    browser.query = ""
    assert len(browser.filtered) == 30


def test_a_bad_query_raises_and_leaves_the_filter_as_it_was(browser):
    browser.query = "title == 'Triage 3'"
    with pytest.raises(ValueError):
        browser.query = "__import__('os').system('true')"
    assert browser.query == "title == 'Triage 3'" and len(browser.filtered) == 1


def test_a_query_on_tags_and_dates_uses_the_details_read_with_the_listing(sandbox):
    set_id, _ = fill_photoset(sandbox, "alice", 6, "Tagged")
    shown = gw.AlbumBrowser(sandbox_fotki(sandbox, "alice"), album=set_id, fallback_after=None, details=True)
    try:
        assert shown.wait(30)
        shown.query = "tags.str.contains('bulk') and taken.dt.year == 2024"
        assert len(shown.filtered) == 6
        shown.query = "tags.str.contains('sea')"
        assert len(shown.filtered) == 0
    finally:
        shown.close()


def large_pictures(browser) -> list:
    got: list = []
    to_frontend(browser.grid.grid, lambda content, buffers: got.append((content, buffers)))
    return got


def test_enter_shows_the_photo_large_from_the_original_and_escape_closes(browser):
    got = large_pictures(browser)
    browser.click(4)
    browser.press("Enter")
    assert browser.lightbox == 4
    content, buffers = until(lambda: [m for m in got if m[0].get("type") == "large"])[0]
    assert content["id"] == int(browser.listing["id"].iloc[4]) and content["mime"] == "image/jpeg"
    assert longest_side(bytes(buffers[0])) > 120  # larger than any tile: made from the original
    browser.press("ArrowRight")
    assert browser.lightbox == 5
    until(lambda: [m for m in got if m[0].get("type") == "large" and m[0]["id"] == int(browser.listing["id"].iloc[5])])
    browser.press("Escape")
    assert browser.lightbox is None and int(browser.focused["id"]) == int(browser.listing["id"].iloc[5])


def test_a_coppermine_photo_opens_large_from_the_picture_not_its_thumbnail(sandbox):
    cpg = sandbox_coppermine(sandbox, "alice")
    shown = gw.AlbumBrowser(cpg, album="Harbour & Beach", fallback_after=None, large_size=600)
    try:
        assert shown.wait(30)
        got = large_pictures(shown)
        shown.open_lightbox(0)
        _, buffers = until(lambda: [m for m in got if m[0].get("type") == "large"])[0]
        assert longest_side(bytes(buffers[0])) == 600  # its thumb_ file is 128 px: this came from the picture
    finally:
        shown.close()
