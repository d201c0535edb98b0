"""The thumbnail grid shared by the album browser and the uploader: one small anywidget and a stock fallback.

:class:`ThumbGrid` is the anywidget (``grid.js``): a virtual scroller that asks for pages of
thumbnails, which the kernel sends as binary buffers in custom messages, never as synced
state (so a saved notebook stays small). :class:`TileGrid` is the container other widgets
use. It holds the rows and everything done to them (the filter, the selection, keep/reject
marks, the focus and the large view), serves pages from a thread pool, and, when the grid's
JavaScript does not report within ``fallback_after`` seconds (VS Code offline, a blocked
extension), shows :class:`~._pager.Pager`, the same grid in stock ipywidgets.

Tile positions (``click(i)``, ``open_lightbox(i)``) count the tiles shown, that is the rows
the filter lets through; ``focus``, ``lightbox`` and ``set_progress`` speak of row positions
in ``rows``. Everything the JavaScript can do arrives as a message (:meth:`TileGrid.receive`),
so a test or another widget can do it too.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from ..base.errors import mask_secrets
from . import _keys, _query
from ._lightbox import LargeFetcher, image_type
from ._selection import Selection
from .words import describe, status_html

log = logging.getLogger("galleryk.widgets")

FALLBACK_AFTER = 8.0
"""Seconds a grid waits for its JavaScript to say it is running before showing the stock pager."""
PAGE_SIZE = 24  # about one screenful: the first screen needs no more
THUMB_WORKERS = 8
PAGES_KEPT = 6
"""Pages of thumbnails the kernel keeps made (a prefetched page and the one the browser asks for are one)."""
NEAR = 2
"""Pages beyond those on screen still worth making; a request for a page scrolled further away is dropped."""
MARKS = ("keep", "reject")
_HERE = Path(__file__).parent


class ThumbGrid(anywidget.AnyWidget):
    """The browser side of the grid. Traits are small (counts, ids, marks); pixels travel in messages."""

    _esm = _HERE / "grid.js"
    _css = _HERE / "grid.css"
    count = traitlets.Int(0).tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    page_size = traitlets.Int(PAGE_SIZE).tag(sync=True)
    tile_size = traitlets.Int(120).tag(sync=True)
    height = traitlets.Int(420).tag(sync=True)
    selected_ids = traitlets.List(traitlets.Int()).tag(sync=True)
    marks = traitlets.Dict(help="str(id) -> 'keep' or 'reject'").tag(sync=True)
    focus = traitlets.Int(-1, help="the focused tile's position among those shown").tag(sync=True)
    lightbox = traitlets.Bool(False, help="whether the focused photo is shown large").tag(sync=True)
    progress = traitlets.Dict(help="str(row position) -> [fraction, state]").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)


class _Made:
    """One page of thumbnails made (or being made) for the browser."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.result: tuple[dict, list[bytes]] | None = None


class TileGrid(widgets.VBox):
    """Thumbnails of ``rows`` to select, filter, mark and open large, page by page.

    ``thumb(row) -> JPEG bytes`` makes one tile's picture (run in a pool of threads);
    ``full(row) -> image bytes`` the large view's (default: ``thumb``'s, stretched).
    ``id_column``: the column of ids that ``selected_ids`` and ``marks`` hold (None: row positions).
    ``on_change(what)`` is called with "selection" or "focus" after a click, a key or a change from Python.
    ``filter_box``: show the text box for :attr:`query` above the grid.
    """

    marks = traitlets.Dict(help="Row id -> 'keep' or 'reject'. Set it to mark, observe it to follow K and X.")

    def __init__(
        self,
        thumb: Callable[[pd.Series], bytes],
        *,
        id_column: str | None,
        title_column: str = "title",
        full: Callable[[pd.Series], bytes] | None = None,
        page_size: int = PAGE_SIZE,
        tile_size: int = 120,
        height: int = 420,
        pager_size: int = 12,
        show_progress: bool = False,
        fallback_after: float | None = FALLBACK_AFTER,
        on_change: Callable[[str], Any] | None = None,
        filter_box: bool = True,
    ) -> None:
        super().__init__(layout=widgets.Layout(width="100%"))
        self._thumb = thumb
        self.id_column = id_column
        self.title_column = title_column
        self.fallback_after = fallback_after
        self._on_change = on_change
        self._rows = pd.DataFrame()
        self._complete = False
        self._version = 0
        self._cond = threading.Condition()
        self._selection = Selection()
        self._positions: np.ndarray | None = None  # row positions the filter lets through; None: all
        self._query = ""
        self._problem = ""
        self._focus_id: Any = None
        self._made: OrderedDict[tuple[int, int], _Made] = OrderedDict()
        self._near: tuple[int, int] | None = None  # the pages on screen, once the browser said
        self._pages = ThreadPoolExecutor(2, thread_name_prefix="galleryk-pages")
        self._thumbs = ThreadPoolExecutor(THUMB_WORKERS, thread_name_prefix="galleryk-thumbs")
        self._large = LargeFetcher(full or thumb, self._deliver_large, lambda exc: mask_secrets(describe(exc)))
        self._timer: threading.Timer | None = None
        self.view = "waiting"
        """"grid" once the JavaScript grid reported, "pager" when it did not in time, "waiting" before."""
        self.grid = ThumbGrid(page_size=page_size, tile_size=tile_size, height=height, message="Loading…")
        self.grid.on_msg(self._on_msg)
        self._pager_args = (pager_size, show_progress, tile_size)
        self._pager: Any = None  # made only when needed: ~150 small models that saved state would keep
        self._making_pager = threading.Lock()
        self.filter_box = widgets.Text(
            placeholder="Filter, e.g. tags.str.contains('sea') and taken.dt.year == 2024 (Enter applies it)",
            continuous_update=False,
            layout=widgets.Layout(width="100%", display=None if filter_box else "none"),
        )
        self.filter_box.add_class("galleryk-filter")
        self.filter_box.observe(self._typed_query, "value")
        self._status = widgets.HTML(layout=widgets.Layout(display="none"))
        # the pager goes into a box of its own: re-rendering the grid's view (which may be a failed one) is avoided
        self._pager_box = widgets.Box(layout=widgets.Layout(width="100%"))
        self.children = [self.filter_box, self._status, self.grid, self._pager_box]
        self.add_class("galleryk-tilegrid")
        self.start_watchdog()

    @property
    def pager(self) -> Any:
        """The stock fallback (made on first use, by one thread only)."""
        with self._making_pager:
            if self._pager is None:
                from ._pager import Pager

                pager = Pager(self, *self._pager_args)
                pager.layout.display = "none"
                self._pager_box.children = [pager]
                self._pager = pager
        return self._pager

    # -- rows -------------------------------------------------------------------------------
    @property
    def rows(self) -> pd.DataFrame:
        """The rows of the listing (for a listing still loading: those known so far), filtered or not."""
        return self._rows

    @property
    def complete(self) -> bool:
        """Whether ``rows`` is the whole listing."""
        return self._complete

    @property
    def version(self) -> int:
        """Changes whenever tile positions change meaning (a new listing, a new filter); pages carry it."""
        return self._version

    def set_rows(self, rows: pd.DataFrame, *, complete: bool = True, reset: bool = True, message: str = "") -> None:
        """Show ``rows``. ``reset``: a new listing (scroll to top, clear selection and marks); else the same one, grown.

        The filter stays; if it no longer applies to the new rows it is dropped, and the status says why.
        """
        ids = self._ids_of(rows)
        with self._cond:
            before = self._positions
            self._rows = (
                rows.reset_index(drop=True) if reset or not rows.index.equals(pd.RangeIndex(len(rows))) else rows
            )
            self._complete = complete
            self._selection.reset(ids, keep=not reset)
            self._apply_query(self._query, quiet=True)
            renumbered = reset or not _extends(before, self._positions)
            if renumbered:
                self._version += 1
            if reset or self._selection.index_of(self._focus_id) is None:
                self._focus_id = None
            self._cond.notify_all()
        kept = {} if reset else {k: v for k, v in self.marks.items() if self._selection.index_of(k) is not None}
        with self.grid.hold_sync():
            self.grid.message = message
            self._sync_view(renumbered)
        if kept != self.marks:
            self.marks = kept
        if self._pager is not None:
            self._pager.refresh(reset=reset)
        self._show_status()
        if reset:
            self._notify("selection")
            self.prefetch(0)

    def _ids_of(self, rows: pd.DataFrame) -> list[int]:
        if self.id_column is None:
            return list(range(len(rows)))
        return [int(v) for v in rows[self.id_column].tolist()]

    def set_message(self, text: str) -> None:
        """A line above the grid ("Loading…", "This album is empty")."""
        self.grid.message = text
        if self._pager is not None:
            self._pager.note.value = text

    # -- the filter ---------------------------------------------------------------------------
    @property
    def query(self) -> str:
        """The filter: a pandas query on the rows ("" shows them all). A bad one raises ValueError and changes nothing.

        It may use the columns, constants, comparisons, and/or/not, arithmetic and read-only
        methods such as ``.isin``, ``.between``, ``.str.contains`` and ``.dt.year``; list columns
        (tags) are matched as their items joined by spaces; a missing value never matches.
        """
        return self._query

    @query.setter
    def query(self, text: str) -> None:
        with self._cond:
            self._apply_query(str(text or ""))
            self._version += 1
            self._cond.notify_all()
        self._problem = ""
        with self.grid.hold_sync():
            self._sync_view(True)
        if self.filter_box.value != self._query:
            self.filter_box.value = self._query
        if self._pager is not None:
            self._pager.refresh(reset=True)
        self._show_status()
        self.prefetch(0)
        self._notify("selection")

    @property
    def filtered(self) -> pd.DataFrame:
        """The rows the filter lets through (all rows when there is none), in listing order."""
        positions = self._positions
        return self._rows if positions is None else self._rows.iloc[positions]

    @property
    def count(self) -> int:
        """How many tiles are shown (the rows the filter lets through)."""
        return len(self._selection.shown)

    @property
    def positions(self) -> Sequence[int]:
        """The row positions of the tiles shown, in order."""
        return self.positions_between(0, None)

    def positions_between(self, start: int, stop: int | None) -> list[int] | range:
        """The row positions of shown tiles ``start`` to ``stop`` (excluded; None: to the end)."""
        positions = self._positions
        if positions is None:
            total = len(self._rows)
            return range(min(start, total), total if stop is None else min(stop, total))
        return positions[start:stop].tolist()

    def row_id(self, position: int) -> Any:
        """The id of the row at ``position`` in ``rows`` (the position itself without an id column)."""
        return self._selection.listing[position]

    def _apply_query(self, text: str, quiet: bool = False) -> None:
        """Filter with ``text`` (held: self._cond). ``quiet``: a listing changed under the filter; drop a failing one."""
        text = text.strip()
        if not text:
            self._query, self._positions = "", None
            self._selection.show(None)
            return
        if not len(self._rows):  # nothing to filter yet (a listing about to come): keep the filter for it
            self._query, self._positions = text, np.arange(0)
            self._selection.show([])
            return
        try:
            mask = _query.matching(self._rows, text)
        except ValueError as exc:
            if not quiet:
                raise
            self._problem = f"The filter was dropped: {exc}"
            self._query, self._positions = "", None
            self._selection.show(None)
            return
        positions = np.flatnonzero(mask.to_numpy())
        listing = self._selection.listing
        self._query, self._positions = text, positions
        self._selection.show([listing[p] for p in positions.tolist()])

    def _typed_query(self, change: dict) -> None:
        if change["new"] == self._query:
            return
        try:
            self.query = change["new"]
        except ValueError as exc:
            self._problem = f"Filter not applied: {exc}"
            self._show_status()

    # -- selection ----------------------------------------------------------------------------
    @property
    def selected_ids(self) -> list[int]:
        """The selected ids, in listing order, whether the filter shows them or not."""
        return self._selection.ids

    @selected_ids.setter
    def selected_ids(self, ids: Sequence[Any]) -> None:
        unknown = self._selection.set_ids(int(i) for i in ids)
        if unknown and self._complete:
            shown = ", ".join(map(str, unknown[:10]))
            self._sync_selection()
            raise ValueError(f"not in this listing: {shown}")
        self._sync_selection()

    @property
    def hidden_selected(self) -> int:
        """How many selected photos the filter hides (they stay selected)."""
        return self._selection.hidden

    def click(self, index: int, shift: bool = False, toggle: bool = False) -> None:
        """What a click on shown tile ``index`` does (as the browser reports it)."""
        self._selection.click(index, shift=shift, toggle=toggle)
        self._focus_id = self._selection.id_at(index)
        with self.grid.hold_sync():
            self.grid.focus = index
            self._sync_selection(notify=False)
        self._notify("focus")
        self._notify("selection")

    def select_all(self) -> None:
        """Select every photo shown (those the filter hides keep their state)."""
        self._selection.select_all()
        self._sync_selection()

    def select_none(self) -> None:
        """Unselect every photo shown (those the filter hides keep their state)."""
        self._selection.select_none()
        self._sync_selection()

    def selected_rows(self) -> pd.DataFrame:
        """The rows of the selected tiles, in listing order, whether the filter shows them or not."""
        rows = self._rows
        if self.id_column is None:
            return rows.iloc[self._selection.ids]
        wanted = set(self._selection.ids)
        return rows[rows[self.id_column].isin(wanted)]

    def _sync_selection(self, notify: bool = True) -> None:
        self.grid.selected_ids = self._selection.ids
        if self._pager is not None:
            self._pager.refresh()
        self._show_status()
        if notify:
            self._notify("selection")

    def _notify(self, what: str) -> None:
        if self._on_change is not None:
            try:
                self._on_change(what)
            except Exception:  # a listener's bug must not break the grid
                log.exception("galleryk grid listener failed")

    # -- focus and keys -----------------------------------------------------------------------
    @property
    def focus(self) -> int | None:
        """Row position (in ``rows``) of the focused photo: clicked last or reached with the arrows; None before."""
        return None if self._focus_id is None else self._selection.index_of(self._focus_id)

    @property
    def focus_index(self) -> int | None:
        """The focused photo's position among the tiles shown (None if none, or hidden by the filter)."""
        return None if self._focus_id is None else self._selection.position_of(self._focus_id)

    def press(self, key: str, *, shift: bool = False, ctrl: bool = False, cols: int = 1, rows: int = 1) -> None:
        """What ``key`` (a ``KeyboardEvent.key``) does, with the grid ``cols`` tiles wide and ``rows`` tiles high.

        Arrows, Home, End, PageUp/PageDown move the focus (shift: select the range from the
        anchor; ctrl+shift: add it); Space selects or unselects the focused photo; Enter opens
        it large (again: closes); Escape closes; K and X mark it keep or reject (again: unmark);
        Ctrl+A selects every photo shown. In the large view the arrows step photo by photo.
        """
        what = _keys.action(key, ctrl=ctrl)
        count = len(self._selection.shown)
        focus = self.focus_index
        if what == "move":
            target = _keys.moved(focus, key, count, cols, rows, large=self.grid.lightbox)
            if target is None:
                return
            if shift and not self.grid.lightbox:
                if self._selection.anchor is None:
                    self._selection.set_anchor(target if focus is None else focus)
                self._selection.click(target, shift=True, toggle=ctrl)
            else:
                self._selection.set_anchor(target)
            self._move_focus(target, selection_changed=shift)
        elif what == "all":
            self.select_all()
        elif what == "close":
            self.close_lightbox()
        elif what == "open":
            if self.grid.lightbox:
                self.close_lightbox()
            elif count:
                self.open_lightbox(0 if focus is None else focus)
        elif what in ("toggle", "keep", "reject") and focus is not None:
            if what == "toggle":
                self.click(focus, toggle=True)
            else:
                self.toggle_mark(focus, what)

    def _move_focus(self, index: int, selection_changed: bool = False) -> None:
        self._focus_id = self._selection.id_at(index)
        with self.grid.hold_sync():
            self.grid.focus = index
            if selection_changed:
                self._sync_selection(notify=False)
        if self._pager is not None:
            self._pager.refresh()
        if self.grid.lightbox:
            self._ask_large()
        self._notify("focus")
        if selection_changed:
            self._notify("selection")

    # -- keep / reject marks --------------------------------------------------------------------
    @traitlets.validate("marks")
    def _check_marks(self, proposal: dict) -> dict:
        marks: dict[int, str] = {}
        unknown = []
        for key, value in dict(proposal["value"]).items():
            if value is None:
                continue
            if value not in MARKS:
                raise ValueError(f"a mark is 'keep' or 'reject' (or None to remove it), not {value!r}")
            row_id = int(key)
            if self._selection.index_of(row_id) is None:
                unknown.append(row_id)
            else:
                marks[row_id] = value
        if unknown and self._complete:
            raise ValueError(f"not in this listing: {', '.join(map(str, unknown[:10]))}")
        return marks

    @traitlets.observe("marks")
    def _marks_changed(self, change: dict) -> None:
        self.grid.marks = {str(k): v for k, v in change["new"].items()}
        if self._pager is not None:
            self._pager.refresh()
        self._show_status()

    def toggle_mark(self, index: int, kind: str) -> None:
        """Mark shown tile ``index`` ``kind`` ("keep" or "reject"); if it already is, unmark it."""
        if kind not in MARKS:
            raise ValueError(f"a mark is 'keep' or 'reject', not {kind!r}")
        row_id = self._selection.id_at(index)
        marks = dict(self.marks)
        if marks.get(row_id) == kind:
            del marks[row_id]
        else:
            marks[row_id] = kind
        self.marks = marks

    def marked_rows(self, kind: str) -> pd.DataFrame:
        """The rows marked ``kind`` ("keep" or "reject"), in listing order, whether the filter shows them or not."""
        if kind not in MARKS:
            raise ValueError(f"a mark is 'keep' or 'reject', not {kind!r}")
        wanted = sorted(
            p for p in (self._selection.index_of(k) for k, v in self.marks.items() if v == kind) if p is not None
        )
        return self._rows.iloc[wanted]

    # -- the large view -------------------------------------------------------------------------
    @property
    def lightbox(self) -> int | None:
        """Row position (in ``rows``) of the photo shown large, or None when the large view is closed."""
        return self.focus if self.grid.lightbox else None

    def open_lightbox(self, index: int | None = None) -> None:
        """Show shown tile ``index`` (default: the focused one) large; the arrows then step through the photos."""
        if index is None:
            index = self.focus_index if self.focus_index is not None else 0
        if not 0 <= index < len(self._selection.shown):
            raise IndexError(f"tile {index} is not in this view of {len(self._selection.shown)}")
        self.grid.lightbox = True
        self._move_focus(index)

    def close_lightbox(self) -> None:
        """Close the large view (the focus stays on the photo it showed)."""
        self._large.cancel()
        self.grid.lightbox = False
        if self._pager is not None:
            self._pager.refresh()

    def _ask_large(self) -> None:
        position = self.focus
        if position is None:
            return
        key = (self._version, self._focus_id)
        self._large.request(key, self._rows.iloc[position])

    def _deliver_large(self, key: Any, data: bytes | None, error: str | None) -> None:
        version, row_id = key
        index = self._selection.position_of(row_id)
        if not self.grid.lightbox or version != self._version or index is None:
            return
        if self.view == "pager":
            self.pager.show_large(key, data, error)
            return
        position = self._selection.index_of(row_id)
        content = {
            "type": "large",
            "version": version,
            "index": index,
            "id": row_id,
            "title": self.title_of(self._rows.iloc[position]) if position is not None else "",
            "mime": image_type(data) if data else "",
            "error": error or "",
        }
        self.grid.send(content, [data] if data else [])

    # -- per-tile progress (the uploader) ------------------------------------------------------------
    def set_progress(self, progress: dict[int, tuple[float, str]]) -> None:
        """Bars under the tiles: row position -> (fraction done, state)."""
        self.grid.progress = {str(i): [round(float(f), 3), s] for i, (f, s) in progress.items()}
        if self._pager is not None:
            self._pager.refresh()

    # -- messages from the JavaScript ----------------------------------------------------------------
    def _on_msg(self, _widget: Any, content: dict, buffers: list) -> None:
        self.receive(content, buffers)

    def receive(self, content: dict, buffers: Sequence[bytes] = ()) -> None:
        """Do what a message from the grid's JavaScript asks, exactly as when the browser sends it.

        ``{"type": "ready"}``, ``{"type": "page", "page": k, "version": v}``, ``{"type": "near",
        "first": k0, "last": k1}`` (the pages on screen), ``{"type": "click", "index": i, "shift":
        bool, "toggle": bool}``, ``{"type": "key", "key": "ArrowRight", "shift": bool, "ctrl":
        bool, "cols": c, "rows": r}``. Anything else is ignored.
        """
        kind = content.get("type") if isinstance(content, dict) else None
        try:
            if kind == "ready":
                self.use_grid()
            elif kind == "page":
                self._pages.submit(self._serve, int(content.get("page", 0)), int(content.get("version", -1)))
            elif kind == "near":
                self._near = (int(content.get("first", 0)), int(content.get("last", 0)))
            elif kind == "click":
                self.click(int(content["index"]), bool(content.get("shift")), bool(content.get("toggle")))
            elif kind == "key":
                self.press(
                    str(content.get("key", "")),
                    shift=bool(content.get("shift")),
                    ctrl=bool(content.get("ctrl")),
                    cols=int(content.get("cols", 1)),
                    rows=int(content.get("rows", 1)),
                )
        except (KeyError, ValueError, IndexError, TypeError):
            pass  # a click or key on a tile of a listing that just changed

    # -- pages of thumbnails ---------------------------------------------------------------------
    def _serve(self, page: int, version: int) -> None:
        try:
            near = self._near
            if near is not None and version == self._version and not near[0] - NEAR <= page <= near[1] + NEAR:
                self.grid.send({"type": "page", "page": page, "version": version, "dropped": True}, [])
                return  # scrolled past before its turn came: the browser asks again if it comes back
            content, buffers = self._page_made(page, version)
            if content["version"] == self._version:
                self.grid.send(content, buffers)
        except Exception:
            log.exception("galleryk grid: page %s failed", page)

    def _page_made(self, page: int, version: int) -> tuple[dict, list[bytes]]:
        with self._cond:
            made = self._made.get((version, page))
            if made is None:
                made = self._made[(version, page)] = _Made()
                while len(self._made) > PAGES_KEPT:
                    self._made.popitem(last=False)
        with made.lock:
            result = made.result
            shown = len(self._selection.shown)
            per = self.grid.page_size
            if result is None or (len(result[0]["ids"]) < per and page * per + len(result[0]["ids"]) < shown):
                result = made.result = self.page(page, version)  # not made yet, or made before the listing grew
            return result

    def page(self, page: int, version: int | None = None, wait: float = 120.0) -> tuple[dict, list[bytes]]:
        """Page ``page`` of the tiles shown, as the grid receives it: (content, buffers), one buffer per tile that has one.

        Waits (in the calling worker thread) for a listing still loading to reach that page.
        """
        per = self.grid.page_size
        start = page * per
        with self._cond:
            version = self._version if version is None else version
            self._cond.wait_for(
                lambda: self._version != version or self._complete or len(self._selection.shown) > start,
                timeout=wait,
            )
            current = self._version == version
            positions = list(self.positions_between(start, start + per)) if current else []
            rows = self._rows.iloc[positions]
        records = [row for _, row in rows.iterrows()]
        results = list(self._thumbs.map(self._safe_thumb, records))
        content = {
            "type": "page",
            "page": page,
            "version": version,
            "ids": self._ids_of(rows) if self.id_column is not None else positions,
            "rows": positions,
            "titles": [self.title_of(row) for row in records],
            "ok": [data is not None for data in results],
        }
        return content, [data for data in results if data is not None]

    def prefetch(self, page: int, wait: float | None = None) -> Future:
        """Start making page ``page`` of the tiles shown now, before the browser asks; ``wait``: seconds to wait for it.

        The browser's request for that page is then answered from the same work. A page the
        listing has not reached yet is not waited for.
        """
        if len(self._selection.shown) <= page * self.grid.page_size and not self._complete:
            done: Future = Future()
            done.set_result(None)
            return done
        future = self._pages.submit(self._page_made, page, self._version)
        if wait is not None:
            try:
                future.result(wait)
            except Exception:  # too slow, or failed: the listing goes on
                pass
        return future

    def thumbs(self, rows: pd.DataFrame) -> list[bytes | None]:
        """The thumbnails of ``rows`` (None where one cannot be made), made in the pool."""
        return list(self._thumbs.map(self._safe_thumb, [row for _, row in rows.iterrows()]))

    def _safe_thumb(self, row: pd.Series) -> bytes | None:
        try:
            return self._thumb(row)
        except Exception as exc:  # one bad photo gets a "no preview" tile, the rest still show
            log.info("galleryk grid: no thumbnail for %s: %s", row.get(self.id_column or "path", "?"), exc)
            return None

    def title_of(self, row: pd.Series) -> str:
        """The caption of ``row``'s tile."""
        for name in (self.title_column, "title", "filename", "path"):
            value = row.get(name)
            if value is not None and not (isinstance(value, float) and value != value) and str(value) != "<NA>":
                text = str(value)
                return Path(text).name if name == "path" else text
        return ""

    # -- status ---------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """The grid's status line: what the filter shows, what is selected (and hidden), the marks, or a problem."""
        parts = []
        if self._problem:
            parts.append(self._problem)
        if self._query:
            parts.append(f"Showing {len(self._selection.shown):,} of {len(self._rows):,} (filter: {self._query}).")
        chosen, hidden = len(self._selection), self._selection.hidden
        if chosen:
            parts.append(
                f"{chosen:,} selected, {hidden:,} hidden by the filter." if hidden else f"{chosen:,} selected."
            )
        kinds = list(self.marks.values())
        if kinds:
            parts.append(f"{kinds.count('keep'):,} keep, {kinds.count('reject'):,} reject.")
        return " ".join(parts)

    def _show_status(self) -> None:
        text = self.status
        shown = bool(self._problem or self._query or self.marks)
        self._status.value = status_html(text, "error" if self._problem else "info") if shown else ""
        self._status.layout.display = None if shown else "none"

    def _sync_view(self, renumbered: bool) -> None:
        """Send the browser what it draws from (held: hold_sync)."""
        self.grid.count = len(self._selection.shown)
        if renumbered:
            self.grid.version = self._version
        focus = self.focus_index
        self.grid.focus = -1 if focus is None else focus
        if focus is None and self.grid.lightbox:
            self.grid.lightbox = False
        self.grid.selected_ids = self._selection.ids

    # -- which view ------------------------------------------------------------------------------
    def start_watchdog(self) -> None:
        """(Re)start the wait for the JavaScript grid; the pager shows if it does not report in time."""
        if self.fallback_after is None or self.view == "grid":
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.fallback_after, self._watchdog)
        self._timer.daemon = True
        self._timer.start()

    def _watchdog(self) -> None:
        if self.view != "grid":
            self.use_pager()

    def use_grid(self) -> None:
        """Show the JavaScript grid (its view said it runs)."""
        if self._timer is not None:
            self._timer.cancel()
        self.view = "grid"
        self.grid.layout.display = None
        if self._pager is not None:
            self._pager.layout.display = "none"
            self._pager.clear_images()
        if self.grid.lightbox:
            self._ask_large()

    def use_pager(self) -> None:
        """Show the stock pager. The grid stays in the page, hidden, so it can still report and take over."""
        pager = self.pager  # made before the view says "pager", so whoever sees that finds it
        self.view = "pager"
        with self.hold_sync():
            self.grid.layout.display = "none"
            pager.layout.display = None
        self.pager.refresh(reset=True)
        if self.grid.lightbox:
            self._ask_large()

    def close(self) -> None:
        if not hasattr(self, "_pager_box"):  # the constructor raised (ipywidgets closes it when collected)
            super().close()
            return
        if self._timer is not None:
            self._timer.cancel()
        self._pages.shutdown(wait=False, cancel_futures=True)
        self._thumbs.shutdown(wait=False, cancel_futures=True)
        self._large.close()
        if self._pager is not None:
            self._pager.close()
        self.filter_box.close()
        self._status.close()
        self.grid.close()
        super().close()


def _extends(before: np.ndarray | None, after: np.ndarray | None) -> bool:
    """Whether the tiles ``after`` keep the positions they had ``before`` (the same, or more at the end)."""
    if before is None or after is None:
        return before is None and after is None
    return len(after) >= len(before) and bool(np.array_equal(after[: len(before)], before))
