"""The thumbnail grid shared by the album browser and the uploader: one small anywidget and a stock fallback.

:class:`ThumbGrid` is the anywidget (``grid.js``): a virtual scroller that asks for pages of
thumbnails, which the kernel sends as binary buffers in custom messages, never as synced
state (so a saved notebook stays small). :class:`TileGrid` is the container other widgets
use: it holds the rows, the :class:`~._selection.Selection`, serves pages from a thread pool,
and, when the grid's JavaScript does not report within ``fallback_after`` seconds (VS Code
offline, a blocked extension), shows :class:`Pager`, a pager of stock ipywidgets instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import pandas as pd
import traitlets

from ._selection import Selection

log = logging.getLogger("galleryk.widgets")

FALLBACK_AFTER = 8.0
"""Seconds a grid waits for its JavaScript to say it is running before showing the stock pager."""
PAGE_SIZE = 24  # about one screenful: the first screen needs no more
THUMB_WORKERS = 8
_HERE = Path(__file__).parent


class ThumbGrid(anywidget.AnyWidget):
    """The browser side of the grid. Traits are small (counts, ids, progress); pixels travel in messages."""

    _esm = _HERE / "grid.js"
    _css = _HERE / "grid.css"
    count = traitlets.Int(0).tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    page_size = traitlets.Int(PAGE_SIZE).tag(sync=True)
    tile_size = traitlets.Int(120).tag(sync=True)
    height = traitlets.Int(420).tag(sync=True)
    selected_ids = traitlets.List(traitlets.Int()).tag(sync=True)
    focus = traitlets.Int(-1).tag(sync=True)
    progress = traitlets.Dict().tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)


class TileGrid(widgets.VBox):
    """Thumbnails of ``rows`` with click / shift-click / ctrl-click selection, page by page.

    ``thumb(row) -> JPEG bytes`` makes one tile's picture (run in a pool of threads).
    ``id_column``: the column of ids that ``selected_ids`` holds (None: row positions).
    ``on_change(what)`` is called with "selection" or "focus" after a click or a change from Python.
    """

    def __init__(
        self,
        thumb: Callable[[pd.Series], bytes],
        *,
        id_column: str | None,
        title_column: str = "title",
        page_size: int = PAGE_SIZE,
        tile_size: int = 120,
        height: int = 420,
        pager_size: int = 12,
        show_progress: bool = False,
        fallback_after: float | None = FALLBACK_AFTER,
        on_change: Callable[[str], Any] | None = None,
    ) -> None:
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
        self._pages = ThreadPoolExecutor(2, thread_name_prefix="galleryk-pages")
        self._thumbs = ThreadPoolExecutor(THUMB_WORKERS, thread_name_prefix="galleryk-thumbs")
        self._timer: threading.Timer | None = None
        self.view = "waiting"
        """"grid" once the JavaScript grid reported, "pager" when it did not in time, "waiting" before."""
        self.grid = ThumbGrid(page_size=page_size, tile_size=tile_size, height=height, message="Loading…")
        self.grid.on_msg(self._on_msg)
        self._pager_args = (pager_size, show_progress, tile_size)
        self._pager: Pager | None = None  # made only when needed: ~100 small models that saved state would keep
        self._send = self.grid.send
        # the pager goes into a box of its own: re-rendering the grid's view (which may be a failed one) is avoided
        self._pager_box = widgets.Box(layout=widgets.Layout(width="100%"))
        super().__init__([self.grid, self._pager_box], layout=widgets.Layout(width="100%"))
        self.add_class("galleryk-tilegrid")
        self.start_watchdog()

    @property
    def pager(self) -> Pager:
        """The stock fallback (made on first use)."""
        if self._pager is None:
            self._pager = Pager(self, *self._pager_args)
            self._pager.layout.display = "none"
            self._pager_box.children = [self._pager]
        return self._pager

    # -- rows -------------------------------------------------------------------------------
    @property
    def rows(self) -> pd.DataFrame:
        """The rows shown (for a listing still loading: those known so far)."""
        return self._rows

    @property
    def complete(self) -> bool:
        """Whether ``rows`` is the whole listing."""
        return self._complete

    def set_rows(self, rows: pd.DataFrame, *, complete: bool = True, reset: bool = True, message: str = "") -> None:
        """Show ``rows``. ``reset``: a new listing (scroll to top, clear selection); else the same one, grown."""
        ids = self._ids_of(rows)
        with self._cond:
            if reset:
                self._version += 1
            self._rows = (
                rows.reset_index(drop=True) if reset or not rows.index.equals(pd.RangeIndex(len(rows))) else rows
            )
            self._complete = complete
            self._selection.reset(ids, keep=not reset)
            self._cond.notify_all()
        with self.grid.hold_sync():
            self.grid.count = len(rows)
            self.grid.message = message
            if reset:
                self.grid.version = self._version
                self.grid.focus = -1
            self.grid.selected_ids = self._selection.ids
        if self._pager is not None:
            self._pager.refresh(reset=reset)
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

    # -- selection ----------------------------------------------------------------------------
    @property
    def selected_ids(self) -> list[int]:
        """The selected ids, in listing order."""
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
    def focus(self) -> int | None:
        """Row position of the tile clicked last (None before any click)."""
        return None if self.grid.focus < 0 else self.grid.focus

    def click(self, index: int, shift: bool = False, toggle: bool = False) -> None:
        """What a click on tile ``index`` does (as the browser reports it)."""
        self._selection.click(index, shift=shift, toggle=toggle)
        with self.grid.hold_sync():
            self.grid.focus = index
            self._sync_selection(notify=False)
        self._notify("focus")
        self._notify("selection")

    def select_all(self) -> None:
        self._selection.select_all()
        self._sync_selection()

    def select_none(self) -> None:
        self._selection.select_none()
        self._sync_selection()

    def selected_rows(self) -> pd.DataFrame:
        """The rows of the selected tiles, in listing order."""
        rows = self._rows
        if self.id_column is None:
            return rows.iloc[self._selection.ids]
        wanted = set(self._selection.ids)
        return rows[rows[self.id_column].isin(wanted)]

    def _sync_selection(self, notify: bool = True) -> None:
        self.grid.selected_ids = self._selection.ids
        if self._pager is not None:
            self._pager.refresh()
        if notify:
            self._notify("selection")

    def _notify(self, what: str) -> None:
        if self._on_change is not None:
            try:
                self._on_change(what)
            except Exception:  # a listener's bug must not break the grid
                log.exception("galleryk grid listener failed")

    # -- per-tile progress (the uploader) ------------------------------------------------------------
    def set_progress(self, progress: dict[int, tuple[float, str]]) -> None:
        """Bars under the tiles: row position -> (fraction done, state)."""
        self.grid.progress = {str(i): [round(float(f), 3), s] for i, (f, s) in progress.items()}
        if self._pager is not None:
            self._pager.refresh()

    # -- pages of thumbnails ---------------------------------------------------------------------
    def _on_msg(self, _widget: Any, content: dict, _buffers: list) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ready":
            self.use_grid()
        elif kind == "page":
            self._pages.submit(self._reply, int(content.get("page", 0)), int(content.get("version", -1)))
        elif kind == "click":
            try:
                self.click(int(content["index"]), bool(content.get("shift")), bool(content.get("toggle")))
            except (KeyError, ValueError, IndexError):
                pass  # a click on a tile of a listing that just changed

    def _reply(self, page: int, version: int) -> None:
        try:
            content, buffers = self.page(page, version)
            if content["version"] == self._version:
                self._send(content, buffers)
        except Exception:
            log.exception("galleryk grid: page %s failed", page)

    def page(self, page: int, version: int | None = None, wait: float = 120.0) -> tuple[dict, list[bytes]]:
        """Page ``page`` of thumbnails as the grid receives it: (content, buffers), one buffer per tile that has one.

        Waits (in the calling worker thread) for a listing still loading to reach that page.
        """
        per = self.grid.page_size
        start = page * per
        with self._cond:
            version = self._version if version is None else version
            self._cond.wait_for(
                lambda: self._version != version or self._complete or len(self._rows) > start, timeout=wait
            )
            rows = self._rows.iloc[start : start + per] if self._version == version else self._rows.iloc[0:0]
        ids = self._ids_of(rows)
        titles = [self._title(row) for _, row in rows.iterrows()]
        results = list(self._thumbs.map(self._safe_thumb, [row for _, row in rows.iterrows()]))
        ok = [data is not None for data in results]
        content = {"type": "page", "page": page, "version": version, "ids": ids, "titles": titles, "ok": ok}
        return content, [data for data in results if data is not None]

    def prefetch(self, page: int) -> None:
        """Start making page ``page``'s thumbnails now, before the browser asks (they land in the cache)."""
        rows = self._rows.iloc[page * self.grid.page_size : (page + 1) * self.grid.page_size]
        for _, row in rows.iterrows():
            self._thumbs.submit(self._safe_thumb, row)

    def thumbs(self, rows: pd.DataFrame) -> list[bytes | None]:
        """The thumbnails of ``rows`` (None where one cannot be made), made in the pool."""
        return list(self._thumbs.map(self._safe_thumb, [row for _, row in rows.iterrows()]))

    def _safe_thumb(self, row: pd.Series) -> bytes | None:
        try:
            return self._thumb(row)
        except Exception as exc:  # one bad photo gets a "no preview" tile, the rest still show
            log.info("galleryk grid: no thumbnail for %s: %s", row.get(self.id_column or "path", "?"), exc)
            return None

    def _title(self, row: pd.Series) -> str:
        for name in (self.title_column, "title", "filename", "path"):
            value = row.get(name)
            if value is not None and not (isinstance(value, float) and value != value) and str(value) != "<NA>":
                text = str(value)
                return Path(text).name if name == "path" else text
        return ""

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

    def use_pager(self) -> None:
        """Show the stock pager. The grid stays in the page, hidden, so it can still report and take over."""
        self.view = "pager"
        with self.hold_sync():
            self.grid.layout.display = "none"
            self.pager.layout.display = None
        self.pager.refresh(reset=True)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._pages.shutdown(wait=False, cancel_futures=True)
        self._thumbs.shutdown(wait=False, cancel_futures=True)
        if self._pager is not None:
            self._pager.close()
        self.grid.close()
        super().close()


class _PagerTile(widgets.VBox):
    def __init__(self, size: int, show_progress: bool) -> None:
        self.image = widgets.Image(
            format="jpeg", layout=widgets.Layout(width=f"{size}px", height=f"{size}px", object_fit="contain")
        )
        self.toggle = widgets.ToggleButton(layout=widgets.Layout(width=f"{size}px"))
        self.toggle.add_class("galleryk-tile-toggle")
        self.bar = widgets.FloatProgress(
            min=0.0,
            max=1.0,
            layout=widgets.Layout(width=f"{size}px", height="10px", display=None if show_progress else "none"),
        )
        super().__init__([self.image, self.toggle, self.bar], layout=widgets.Layout(margin="2px"))
        self.index = -1


class Pager(widgets.VBox):
    """The grid in stock ipywidgets: a fixed pool of tiles reused page after page, and a range toggle for shift."""

    def __init__(self, owner: TileGrid, size: int, show_progress: bool, tile_size: int) -> None:
        self.owner = owner
        self.size = max(1, size)
        self.number = 0
        self._updating = False
        self._shown_page: tuple | None = None
        # refresh() is called from the watchdog timer, the listing thread and the kernel's: one at a time, so a
        # refresh that read the rows earlier cannot overwrite a later one's page (which then never drew)
        self._refreshing = threading.RLock()
        self.tiles = [_PagerTile(min(tile_size, 120), show_progress) for _ in range(self.size)]
        for slot, tile in enumerate(self.tiles):
            tile.toggle.observe(lambda change, slot=slot: self._toggled(slot, change), "value")
        self.previous = widgets.Button(description="◀ Previous", layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(description="Next ▶", layout=widgets.Layout(width="auto"))
        self.label = widgets.Label()
        self.range = widgets.ToggleButton(
            description="Range",
            tooltip=(
                "Instead of shift-click: turn on, then click a photo to select everything from the photo "
                "clicked last to it"
            ),
            layout=widgets.Layout(width="auto"),
        )
        self.page_button = widgets.Button(description="Select page", layout=widgets.Layout(width="auto"))
        self.note = widgets.HTML()
        self.previous.on_click(lambda _: self.go(self.number - 1))
        self.next.on_click(lambda _: self.go(self.number + 1))
        self.page_button.on_click(lambda _: self._select_page())
        box = widgets.Box(self.tiles, layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        nav = widgets.HBox([self.previous, self.label, self.next, self.range, self.page_button])
        super().__init__([self.note, nav, box])
        self.add_class("galleryk-pager")

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.owner.rows) // self.size))

    def go(self, number: int) -> None:
        """Show page ``number`` (from 0; clamped)."""
        self.number = max(0, min(number, self.pages - 1))
        self.refresh()

    def refresh(self, reset: bool = False) -> None:
        """Redraw labels, selection and bars; fetch this page's pictures when the page changed."""
        with self._refreshing:
            self._refresh(reset)

    def _refresh(self, reset: bool) -> None:
        if reset:
            self.number = 0
            self._shown_page = None
        if self.owner.view != "pager":
            return
        rows = self.owner.rows
        chosen = set(self.owner.selected_ids)
        ids = self.owner._ids_of(rows) if len(rows) else []
        progress = self.owner.grid.progress
        start = self.number * self.size
        total = len(rows)
        self._updating = True
        try:
            with self.hold_sync():
                self.label.value = f"Page {self.number + 1} of {self.pages} ({total:,} photos)"
                self.previous.disabled = self.number == 0
                self.next.disabled = self.number >= self.pages - 1
                for slot, tile in enumerate(self.tiles):
                    index = start + slot
                    if index >= total:
                        tile.layout.visibility = "hidden"
                        tile.index = -1
                        continue
                    tile.layout.visibility = None
                    tile.index = index
                    title = self.owner._title(rows.iloc[index])
                    tile.toggle.description = title[:18]
                    tile.toggle.tooltip = title
                    tile.toggle.value = ids[index] in chosen
                    tile.toggle.button_style = "info" if ids[index] in chosen else ""
                    p = progress.get(str(index))
                    tile.bar.value = float(p[0]) if p else 0.0
                    tile.bar.bar_style = {
                        "uploaded": "success",
                        "skipped": "success",
                        "failed": "danger",
                        "cancelled": "warning",
                    }.get(p[1] if p else "", "")
        finally:
            self._updating = False
        key = (self.owner._version, self.number, tuple(ids[start : start + self.size]))  # a page that filled up too
        if key != self._shown_page:
            self._shown_page = key
            self.owner._pages.submit(self._load_images, key, rows.iloc[start : start + self.size])

    def _load_images(self, key: tuple, rows: pd.DataFrame) -> None:
        pictures = self.owner.thumbs(rows)
        if self._shown_page != key or self.owner.view != "pager":
            return
        with self.hold_sync():
            for tile, data in zip(self.tiles, pictures):
                tile.image.value = data or b""

    def clear_images(self) -> None:
        """Drop the pictures (they are widget state while shown); used when the JavaScript grid takes over."""
        self._shown_page = None
        for tile in self.tiles:
            if tile.image.value:
                tile.image.value = b""

    def _toggled(self, slot: int, change: dict) -> None:
        if self._updating:
            return
        tile = self.tiles[slot]
        if tile.index < 0:
            return
        shift = bool(self.range.value)
        self.owner.click(tile.index, shift=shift, toggle=True)
        if shift:
            self.range.value = False

    def _select_page(self) -> None:
        rows = self.owner.rows
        ids = self.owner._ids_of(rows)[self.number * self.size : (self.number + 1) * self.size]
        self.owner.selected_ids = list(dict.fromkeys([*self.owner.selected_ids, *ids]))
