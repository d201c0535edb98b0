"""The grid's Python model driven as its JavaScript drives it: messages in (``receive``), messages out (``send``).

No browser and no kernel: keys, clicks and page requests are the dicts grid.js sends; what
the browser would receive is caught by replacing the grid's ``send``. The pictures are made
by small callbacks, so each test says exactly which photo was asked for.
"""

from __future__ import annotations

import io
import threading
import time

import ipywidgets as widgets
import pandas as pd
import pytest
import requests
from PIL import Image

from galleryk.widgets import TileGrid, _local
from galleryk.widgets._keys import moved
from galleryk.widgets._query import matching
from galleryk.widgets._selection import Selection


def until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not true within {timeout} s")


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def listing(count: int = 10) -> pd.DataFrame:
    """Photos 101.. : every third has the tag "sea", the even ones were taken in 2024."""
    return pd.DataFrame(
        {
            "id": pd.array(range(101, 101 + count), dtype="Int64"),
            "title": [f"photo {i}" for i in range(count)],
            "tags": [["sea", "boat"] if i % 3 == 0 else ["hill"] for i in range(count)],
            "taken": pd.to_datetime(["2024-06-01" if i % 2 == 0 else "2023-06-01" for i in range(count)]),
        }
    )


class Outbox(list):
    """What the grid sends to its JavaScript: (content, buffers) pairs."""

    def __call__(self, content: dict, buffers: list | None = None) -> None:
        self.append((content, list(buffers or [])))

    def of(self, kind: str) -> list[tuple[dict, list]]:
        return [(c, b) for c, b in self if c.get("type") == kind]


@pytest.fixture
def made() -> list[int]:
    return []


@pytest.fixture
def grid(made):
    def thumb(row: pd.Series) -> bytes:
        made.append(int(row["id"]))
        return b"thumb %d" % int(row["id"])

    def full(row: pd.Series) -> bytes:
        return b"large %d" % int(row["id"])

    tiles = TileGrid(thumb, full=full, id_column="id", page_size=4, fallback_after=None)
    tiles.grid.send = Outbox()
    tiles.set_rows(listing())
    yield tiles
    tiles.close()


def key(grid: TileGrid, name: str, shift: bool = False, ctrl: bool = False, cols: int = 4, rows: int = 2) -> None:
    grid.receive({"type": "key", "key": name, "shift": shift, "ctrl": ctrl, "cols": cols, "rows": rows})


# -- keys ---------------------------------------------------------------------------------------------------
def test_arrows_move_the_focus_ring_by_tiles_and_rows(grid):
    key(grid, "ArrowRight")  # the first key lands on the first tile
    assert grid.focus_index == 0 and grid.grid.focus == 0
    key(grid, "ArrowRight")
    key(grid, "ArrowDown")
    assert grid.focus_index == 5 and grid.grid.focus == 5  # what the browser draws the ring on
    key(grid, "ArrowUp")
    key(grid, "ArrowLeft")
    assert grid.focus_index == 0
    key(grid, "ArrowUp")  # no row above: it stays
    assert grid.focus_index == 0
    key(grid, "End")
    assert grid.focus == 9 and grid.rows.iloc[grid.focus]["title"] == "photo 9"


def test_arrows_tell_the_listener_the_focus_moved():
    heard = []
    grid = TileGrid(lambda row: b"x", id_column="id", fallback_after=None, on_change=heard.append)
    grid.grid.send = Outbox()
    grid.set_rows(listing())
    heard.clear()
    key(grid, "ArrowRight")
    assert heard == ["focus"]
    grid.close()


def test_space_selects_and_unselects_the_focused_photo(grid):
    key(grid, "ArrowRight")
    key(grid, "ArrowRight")
    key(grid, " ")
    assert grid.selected_ids == [102] and grid.grid.selected_ids == [102]
    key(grid, " ")
    assert grid.selected_ids == []


def test_shift_arrows_select_the_range_from_where_the_focus_was(grid):
    key(grid, "ArrowRight")
    key(grid, "ArrowRight")  # on photo 1
    key(grid, "ArrowRight", shift=True)
    key(grid, "ArrowRight", shift=True)
    assert grid.selected_ids == [102, 103, 104]
    key(grid, "ArrowLeft", shift=True)  # the range shrinks back towards the anchor
    assert grid.selected_ids == [102, 103]


def test_ctrl_a_selects_every_photo_shown(grid):
    key(grid, "a", ctrl=True)
    assert len(grid.selected_ids) == 10


def test_k_and_x_mark_keep_and_reject_and_again_unmark(grid):
    seen = []
    grid.observe(lambda change: seen.append(dict(change["new"])), "marks")
    key(grid, "ArrowRight")
    key(grid, "k")
    assert grid.marks == {101: "keep"} and grid.grid.marks == {"101": "keep"}
    key(grid, "X")
    assert grid.marks == {101: "reject"}
    key(grid, "x")
    assert grid.marks == {}
    assert seen == [{101: "keep"}, {101: "reject"}, {}]


def test_keys_with_no_focus_mark_nothing(grid):
    key(grid, "k")
    key(grid, " ")
    assert grid.marks == {} and grid.selected_ids == []


# -- marks from Python ---------------------------------------------------------------------------------------
def test_marks_set_from_python_show_and_read_back_as_rows(grid):
    grid.marks = {104: "keep", 107: "reject", 101: "keep"}
    assert grid.grid.marks == {"104": "keep", "107": "reject", "101": "keep"}
    assert grid.marked_rows("keep")["id"].tolist() == [101, 104]
    assert "2 keep, 1 reject" in grid.status


def test_marks_refuse_unknown_kinds_and_photos(grid):
    with pytest.raises(ValueError, match="'keep' or 'reject'"):
        grid.marks = {101: "maybe"}
    with pytest.raises(ValueError, match="not in this listing: 999"):
        grid.marks = {999: "keep"}
    assert grid.marks == {}


def test_a_new_listing_clears_the_marks_a_grown_one_keeps_them(grid):
    grid.marks = {101: "keep"}
    grid.set_rows(listing(12), reset=False)
    assert grid.marks == {101: "keep"}
    grid.set_rows(listing(3))
    assert grid.marks == {}


# -- the large view --------------------------------------------------------------------------------------------
def test_enter_opens_the_focused_photo_large_and_its_bytes_come_as_a_buffer(grid):
    key(grid, "ArrowRight")
    key(grid, "ArrowRight")
    key(grid, "Enter")
    assert grid.lightbox == 1 and grid.grid.lightbox is True
    content, buffers = until(lambda: grid.grid.send.of("large"))[0]
    assert content["index"] == 1 and content["id"] == 102 and content["title"] == "photo 1"
    assert buffers == [b"large 102"]
    assert b"large 102" not in repr(grid.grid.get_state()).encode()  # never widget state


def test_arrows_in_the_large_view_step_photo_by_photo_and_escape_closes(grid):
    grid.open_lightbox(3)
    until(lambda: grid.grid.send.of("large"))
    key(grid, "ArrowDown")  # one photo on, not one row
    assert grid.lightbox == 4
    until(lambda: len(grid.grid.send.of("large")) == 2)
    assert grid.grid.send.of("large")[-1][1] == [b"large 105"]
    key(grid, "Escape")
    assert grid.lightbox is None and grid.grid.lightbox is False
    assert grid.focus == 4  # the focus stays on the photo it showed


def test_only_the_photo_asked_for_last_is_sent_when_the_arrows_outrun_the_fetch():
    gate, started = threading.Event(), threading.Event()
    asked = []

    def full(row: pd.Series) -> bytes:
        asked.append(int(row["id"]))
        if int(row["id"]) == 101:
            started.set()
            gate.wait(10)  # a slow first picture
        return b"large %d" % int(row["id"])

    grid = TileGrid(lambda row: b"t", full=full, id_column="id", fallback_after=None)
    grid.grid.send = Outbox()
    grid.set_rows(listing())
    try:
        grid.open_lightbox(0)
        assert started.wait(5)
        key(grid, "ArrowRight")
        key(grid, "ArrowRight")  # on photo 103 before 101 came
        gate.set()
        until(lambda: grid.grid.send.of("large"))
        grid.close_lightbox()
        grid.open_lightbox(2)  # the same photo again: fetched after all earlier requests
        until(lambda: len(grid.grid.send.of("large")) == 2)
        assert [c["id"] for c, _ in grid.grid.send.of("large")] == [103, 103]
        assert asked == [101, 103, 103]  # 102 was overtaken before its turn: never fetched
    finally:
        grid.close()


def test_a_photo_that_cannot_be_fetched_large_says_why_in_the_view():
    def full(row: pd.Series) -> bytes:
        raise OSError("the service is down")

    grid = TileGrid(lambda row: b"t", full=full, id_column="id", fallback_after=None)
    grid.grid.send = Outbox()
    grid.set_rows(listing())
    grid.open_lightbox(0)
    content, buffers = until(lambda: grid.grid.send.of("large"))[0]
    assert buffers == [] and "the service is down" in content["error"].lower()
    grid.close()


# -- the filter ----------------------------------------------------------------------------------------------
def test_query_shows_only_matching_rows_and_gives_them_back(grid):
    grid.query = "tags.str.contains('sea') and taken.dt.year == 2024"
    assert grid.query == "tags.str.contains('sea') and taken.dt.year == 2024"
    assert grid.filtered["title"].tolist() == ["photo 0", "photo 6"]
    assert grid.grid.count == 2
    grid.receive({"type": "page", "page": 0, "version": grid.version})
    content, buffers = until(lambda: grid.grid.send.of("page"))[0]
    assert content["ids"] == [101, 107] and content["rows"] == [0, 6] and buffers == [b"thumb 101", b"thumb 107"]


def test_clicks_and_keys_under_a_filter_count_the_tiles_shown(grid):
    grid.query = "tags.str.contains('sea')"  # photos 0, 3, 6, 9
    grid.click(1)
    assert grid.selected_ids == [104] and grid.focus == 3
    key(grid, "ArrowRight")
    key(grid, "k")
    assert grid.marks == {107: "keep"}


def test_selected_and_marked_rows_hidden_by_the_filter_stay_and_the_status_says_so(grid):
    grid.selected_ids = [101, 102, 104]
    grid.marks = {102: "reject"}
    grid.query = "tags.str.contains('sea')"
    assert grid.selected_ids == [101, 102, 104] and grid.hidden_selected == 1
    assert "3 selected, 1 hidden by the filter" in grid.status
    key(grid, "a", ctrl=True)  # the grid's actions touch the photos shown only
    assert grid.selected_ids == [101, 102, 104, 107, 110]
    grid.select_none()
    assert grid.selected_ids == [102] and grid.marks == {102: "reject"}
    grid.query = ""
    assert len(grid.filtered) == 10 and grid.selected_ids == [102]


def test_a_bad_query_raises_naming_the_problem_and_the_previous_filter_stays(grid):
    grid.query = "taken.dt.year == 2024"
    with pytest.raises(ValueError, match="no column 'tgas'"):
        grid.query = "tgas.str.contains('sea')"
    with pytest.raises(ValueError, match="not a valid expression"):
        grid.query = "taken.dt.year =="
    assert grid.query == "taken.dt.year == 2024" and len(grid.filtered) == 5


def test_the_filter_box_applies_a_query_and_shows_a_bad_one_in_the_status(grid):
    grid.filter_box.value = "taken.dt.year == 2023"
    assert grid.query == "taken.dt.year == 2023" and len(grid.filtered) == 5
    grid.filter_box.value = "title.to_csv('/tmp/x')"
    assert grid.query == "taken.dt.year == 2023"  # unchanged
    assert "Filter not applied" in grid.status and "'.to_csv' is not allowed" in grid.status


def test_the_filter_cannot_run_code():
    rows = listing(3)
    for text in ("__import__('os').system('true')", "title.__class__", "@secret > 1", "title.apply(print)"):
        with pytest.raises(ValueError):
            matching(rows, text)


def test_a_listing_that_grows_under_a_filter_shows_the_new_matches(grid):
    grid.query = "tags.str.contains('sea')"
    grid.set_rows(listing(13), reset=False)
    assert grid.filtered["id"].tolist() == [101, 104, 107, 110, 113]


# -- pages of thumbnails ---------------------------------------------------------------------------------------
def test_a_prefetched_page_is_made_once_when_the_browser_asks_for_it(grid, made):
    until(lambda: len(made) >= 4)  # set_rows prefetches the first page
    grid.receive({"type": "page", "page": 0, "version": grid.version})
    until(lambda: grid.grid.send.of("page"))
    assert sorted(made) == [101, 102, 103, 104]


def test_a_page_scrolled_past_before_its_turn_is_dropped_not_made(grid, made):
    grid.set_rows(listing(60))
    until(lambda: len(made) >= 4)
    grid.receive({"type": "near", "first": 9, "last": 10})  # the browser is far on by the time page 1's turn comes
    grid.receive({"type": "page", "page": 1, "version": grid.version})
    content, buffers = until(lambda: grid.grid.send.of("page"))[0]
    assert content["page"] == 1 and content["dropped"] is True and buffers == []
    assert not {105, 106, 107, 108} & set(made)


# -- the stock pager ---------------------------------------------------------------------------------------
@pytest.fixture
def big() -> bytes:
    return jpeg(2400, 1600)


@pytest.fixture
def pager_grid(big):
    grid = TileGrid(lambda row: jpeg(100, 80), full=lambda row: big, id_column="id", fallback_after=None)
    grid.set_rows(listing(30))
    grid.use_pager()
    yield grid
    grid.close()


def test_pager_keep_and_reject_toggles_mark_the_photo(pager_grid):
    tiles = pager_grid.pager.tiles
    tiles[2].keep.value = True
    tiles[3].reject.value = True
    assert pager_grid.marks == {103: "keep", 104: "reject"}
    tiles[2].reject.value = True  # reject replaces keep
    assert pager_grid.marks == {103: "reject", 104: "reject"} and tiles[2].keep.value is False


def test_pager_large_button_shows_the_original_by_address_and_steps_with_its_buttons(pager_grid, big):
    pager = pager_grid.pager
    pager.tiles[1].large.click()
    assert pager_grid.lightbox == 1 and pager.large.layout.display is None
    address = until(lambda: bytes(pager.large.image.value)).decode()
    reply = requests.get(address, timeout=10)
    assert reply.content == big and reply.headers["Content-Type"] == "image/jpeg"  # the original, whole
    pager.large.next.click()
    assert pager_grid.lightbox == 2
    pager.large.keep.value = True
    assert pager_grid.marks == {103: "keep"}
    pager.large.close_button.click()
    assert pager_grid.lightbox is None and pager.large.layout.display == "none"
    assert bytes(pager.large.image.value) == b""
    assert requests.get(address, timeout=10).status_code == 404  # withdrawn with the view


def _tree(widget: widgets.Widget) -> list[widgets.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += _tree(child)
    return found


def test_pager_pictures_are_addresses_never_bytes_in_widget_state(pager_grid):
    pager = pager_grid.pager
    values = until(lambda: all(t.image.value for t in pager.tiles) and [bytes(t.image.value) for t in pager.tiles])
    addresses = [v.decode() for v in values]
    assert all(a.startswith("http://127.0.0.1:") for a in addresses)
    reply = requests.get(addresses[0], timeout=10)
    assert Image.open(io.BytesIO(reply.content)).size == (100, 80)
    assert reply.headers["Cache-Control"] == "no-store"  # private photos stay out of the browser's disk cache
    pager.tiles[0].large.click()
    until(lambda: pager.large.image.value)
    for widget in _tree(pager_grid):
        for name, value in widget.get_state().items():
            data = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
            assert b"\xff\xd8\xff" not in data, f"picture bytes in {type(widget).__name__}.{name}"


def test_turning_the_page_withdraws_the_pictures_it_showed(pager_grid):
    pager = pager_grid.pager
    first = until(lambda: all(t.image.value for t in pager.tiles) and pager.addresses)
    pager.next.click()
    until(lambda: pager.addresses and not set(pager.addresses) & set(first) and len(pager.addresses) == 12)
    assert requests.get(first[0], timeout=10).status_code == 404
    assert requests.get(pager.addresses[0], timeout=10).status_code == 200
    assert len(pager.addresses) == 12  # what is published stays one page


def test_pager_says_when_the_browser_never_fetches_its_pictures(pager_grid):
    pager = pager_grid.pager
    until(lambda: len(pager.addresses) == 12)
    assert pager.check_reach() is False
    assert pager.reach.layout.display is None and _local.URL_VARIABLE in pager.reach.value
    requests.get(pager.addresses[3], timeout=10)  # as a browser that reaches the server does
    assert pager.check_reach() is True
    assert pager.reach.layout.display == "none" and pager.reach.value == ""


def test_the_local_server_stops_with_the_last_pager():
    users = _local._users
    grid = TileGrid(lambda row: jpeg(100, 80), id_column="id", fallback_after=None)
    grid.set_rows(listing(3))
    grid.use_pager()
    address = until(lambda: grid.pager.addresses)[0]
    assert _local._users == users + 1
    grid.close()
    assert _local._users == users
    if users == 0:  # no other pager in this process holds it
        with pytest.raises(requests.ConnectionError):
            requests.get(address, timeout=5)


def test_pager_shows_the_filtered_rows(pager_grid):
    pager_grid.query = "tags.str.contains('sea')"
    assert pager_grid.pager.label.value == "Page 1 of 1 (10 photos)"
    assert pager_grid.pager.tiles[1].toggle.tooltip == "photo 3"


# -- pure logic -------------------------------------------------------------------------------------------------
def test_selection_shift_range_counts_only_the_shown_ids():
    sel = Selection(list("abcdefgh"))
    sel.show(list("aceg"))
    sel.click(0)
    sel.click(2, shift=True)
    assert sel.ids == list("ace")


def test_arrow_down_on_a_short_last_row_goes_to_the_last_tile():
    assert moved(5, "ArrowDown", count=10, cols=4) == 9  # rows 0-3, 4-7, 8-9
    assert moved(9, "ArrowDown", count=10, cols=4) == 9
    assert moved(None, "End", count=10, cols=4) == 0  # the first key only lands
    assert moved(2, "PageDown", count=10, cols=4, rows=2) == 9
