"""The grid in stock ipywidgets, for where the grid's JavaScript cannot load (VS Code offline, a blocked extension).

A fixed pool of tiles is reused page after page, so the number of widget models stays
constant. What keys do in the JavaScript grid, buttons do here: each tile has Keep and
Reject toggles and a "Large" button; the large view has Previous, Next, Keep, Reject and
Close. A "Range" toggle stands in for shift-click.

A stock ``Image`` keeps its picture as model state, which a saved notebook keeps too. So the
pager's ``Image`` widgets hold addresses, never pictures: each picture is published on
galleryk's local server (:mod:`._local`) under a random name while it is shown, and the
browser fetches it from there. If the browser never asks for a page's pictures (the notebook
runs on another computer), the pager says so and how to give it a reachable address.
"""

from __future__ import annotations

import html
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from ..media.thumbcache import downscale
from . import _local
from ._lightbox import image_type

if TYPE_CHECKING:
    from ._grid import TileGrid

_BAR_STYLES = {"uploaded": "success", "skipped": "success", "failed": "danger", "cancelled": "warning"}
UNREACHED_AFTER = 20.0
"""Seconds after a page's pictures are published without the browser asking for any before the pager says why."""
LARGEST = 4096
"""The longest side a large picture is made to when the browser cannot show its format as it is."""


def _toggle(icon: str, tooltip: str, css: str, width: str) -> widgets.ToggleButton:
    button = widgets.ToggleButton(icon=icon, tooltip=tooltip, layout=widgets.Layout(width=width, padding="0"))
    button.add_class(css)
    return button


class _PagerTile(widgets.VBox):
    def __init__(self, size: int, show_progress: bool) -> None:
        self.image = widgets.Image(
            format="url", layout=widgets.Layout(width=f"{size}px", height=f"{size}px", object_fit="contain")
        )
        self.toggle = widgets.ToggleButton(layout=widgets.Layout(width=f"{size}px"))
        self.toggle.add_class("galleryk-tile-toggle")
        third = f"{size // 3 - 2}px"
        self.keep = _toggle("check", "Keep (K)", "galleryk-tile-keep", third)
        self.reject = _toggle("times", "Reject (X)", "galleryk-tile-reject", third)
        self.large = widgets.Button(
            icon="search-plus", tooltip="Large", layout=widgets.Layout(width=third, padding="0")
        )
        self.large.add_class("galleryk-tile-large")
        self.bar = widgets.FloatProgress(
            min=0.0,
            max=1.0,
            layout=widgets.Layout(width=f"{size}px", height="10px", display=None if show_progress else "none"),
        )
        marks = widgets.HBox([self.keep, self.reject, self.large], layout=widgets.Layout(width=f"{size}px"))
        super().__init__([self.image, self.toggle, marks, self.bar], layout=widgets.Layout(margin="2px"))
        self.add_class("galleryk-pager-tile")
        self.index = -1  # the tile's position among those shown; -1: an empty slot


class _LargePanel(widgets.VBox):
    """The large view: one capped picture, its title, and the buttons that stand in for the keys."""

    def __init__(self) -> None:
        self.image = widgets.Image(
            format="url", layout=widgets.Layout(width="100%", height="400px", object_fit="contain")
        )
        self.title = widgets.HTML()
        self.previous = widgets.Button(description="◀", tooltip="Previous photo", layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(description="▶", tooltip="Next photo", layout=widgets.Layout(width="auto"))
        self.keep = _toggle("check", "Keep (K)", "galleryk-large-keep", "auto")
        self.reject = _toggle("times", "Reject (X)", "galleryk-large-reject", "auto")
        self.close_button = widgets.Button(description="Close", tooltip="Close the large view (Escape)")
        self.close_button.layout.width = "auto"
        self.keep.description, self.reject.description = "Keep", "Reject"
        bar = widgets.HBox([self.previous, self.next, self.keep, self.reject, self.close_button, self.title])
        super().__init__([bar, self.image], layout=widgets.Layout(display="none", margin="0 0 6px 0"))
        self.add_class("galleryk-pager-large")


class Pager(widgets.VBox):
    """The grid in stock ipywidgets: a fixed pool of tiles reused page after page, and a range toggle for shift."""

    def __init__(self, owner: TileGrid, size: int, show_progress: bool, tile_size: int) -> None:
        self.owner = owner
        self.size = max(1, size)
        self.number = 0
        self._updating = False
        self._shown_page: tuple | None = None
        self._large_key: Any = None
        self._loader = ThreadPoolExecutor(1, thread_name_prefix="galleryk-pager")
        self._server = _local.acquire()
        self._urls: dict[str, str] = {}  # an Image's model id -> the address it shows
        self._urls_lock = threading.Lock()
        self._reach_timer: threading.Timer | None = None
        self._closed = False
        # refresh() is called from the watchdog timer, the listing thread and the kernel's: one at a time, so a
        # refresh that read the rows earlier cannot overwrite a later one's page (which then never drew)
        self._refreshing = threading.RLock()
        self.tiles = [_PagerTile(min(tile_size, 120), show_progress) for _ in range(self.size)]
        for slot, tile in enumerate(self.tiles):
            tile.toggle.observe(lambda change, slot=slot: self._toggled(slot), "value")
            tile.keep.observe(lambda change, slot=slot: self._marked(slot, "keep"), "value")
            tile.reject.observe(lambda change, slot=slot: self._marked(slot, "reject"), "value")
            tile.large.on_click(lambda _, slot=slot: self._open(slot))
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
        self.reach = widgets.HTML(layout=widgets.Layout(display="none"))
        self.reach.add_class("galleryk-pager-reach")
        self.large = _LargePanel()
        self.previous.on_click(lambda _: self.go(self.number - 1))
        self.next.on_click(lambda _: self.go(self.number + 1))
        self.page_button.on_click(lambda _: self._select_page())
        self.large.previous.on_click(lambda _: owner.press("ArrowLeft"))
        self.large.next.on_click(lambda _: owner.press("ArrowRight"))
        self.large.close_button.on_click(lambda _: owner.close_lightbox())
        self.large.keep.observe(lambda change: self._marked_large("keep"), "value")
        self.large.reject.observe(lambda change: self._marked_large("reject"), "value")
        box = widgets.Box(self.tiles, layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        nav = widgets.HBox([self.previous, self.label, self.next, self.range, self.page_button])
        super().__init__([self.note, self.reach, nav, self.large, box])
        self.add_class("galleryk-pager")

    @property
    def pages(self) -> int:
        return max(1, -(-self.owner.count // self.size))

    def go(self, number: int) -> None:
        """Show page ``number`` (from 0; clamped)."""
        self.number = max(0, min(number, self.pages - 1))
        self.refresh()

    def refresh(self, reset: bool = False) -> None:
        """Redraw labels, selection, marks, bars and the large view; fetch this page's pictures when the page changed."""
        with self._refreshing:
            self._refresh(reset)

    def _refresh(self, reset: bool) -> None:
        owner = self.owner
        if reset:
            self.number = 0
            self._shown_page = None
        if owner.view != "pager":
            return
        rows = owner.rows
        total = owner.count
        start = self.number * self.size
        positions = list(owner.positions_between(start, start + self.size))
        chosen = set(owner.selected_ids)
        marks = owner.marks
        progress = owner.grid.progress
        self._updating = True
        try:
            with self.hold_sync():
                self.label.value = f"Page {self.number + 1} of {self.pages} ({total:,} photos)"
                self.previous.disabled = self.number == 0
                self.next.disabled = self.number >= self.pages - 1
                for slot, tile in enumerate(self.tiles):
                    if slot >= len(positions):
                        tile.layout.visibility = "hidden"
                        tile.index = -1
                        continue
                    position = positions[slot]
                    row_id = owner.row_id(position)
                    tile.layout.visibility = None
                    tile.index = start + slot
                    title = owner.title_of(rows.iloc[position])
                    tile.toggle.description = title[:18]
                    tile.toggle.tooltip = title
                    tile.toggle.value = row_id in chosen
                    tile.toggle.button_style = "info" if row_id in chosen else ""
                    tile.keep.value = marks.get(row_id) == "keep"
                    tile.keep.button_style = "success" if tile.keep.value else ""
                    tile.reject.value = marks.get(row_id) == "reject"
                    tile.reject.button_style = "danger" if tile.reject.value else ""
                    p = progress.get(str(position))
                    tile.bar.value = float(p[0]) if p else 0.0
                    tile.bar.bar_style = _BAR_STYLES.get(p[1] if p else "", "")
                self._refresh_large(marks)
        finally:
            self._updating = False
        key = (owner.version, self.number, tuple(positions), len(rows))  # a page that filled up too
        if key != self._shown_page:
            self._shown_page = key
            self._loader.submit(self._load_images, key, rows.iloc[positions])

    def _refresh_large(self, marks: dict) -> None:
        owner = self.owner
        position = owner.lightbox
        panel = self.large
        if position is None:
            panel.layout.display = "none"
            self._large_key = None
            self._show(panel.image, None)
            return
        row_id = owner.row_id(position)
        panel.layout.display = None
        index = owner.focus_index or 0
        title = owner.title_of(owner.rows.iloc[position])
        if self._large_key != (owner.version, row_id):
            self._large_key = (owner.version, row_id)
            self._show(panel.image, None)
            panel.title.value = f"<b>{_escape(title)}</b> ({index + 1:,} of {owner.count:,}) · loading…"
        panel.previous.disabled = index == 0
        panel.next.disabled = index >= owner.count - 1
        panel.keep.value = marks.get(row_id) == "keep"
        panel.keep.button_style = "success" if panel.keep.value else ""
        panel.reject.value = marks.get(row_id) == "reject"
        panel.reject.button_style = "danger" if panel.reject.value else ""

    def show_large(self, key: Any, data: bytes | None, error: str | None) -> None:
        """Show the picture that came for ``key`` (the grid's version and the photo's id), or why there is none."""
        if data is not None and image_type(data) == "application/octet-stream":
            try:
                data = downscale(data, LARGEST)  # a format browsers do not show (TIFF, say): made a JPEG
            except ValueError as exc:
                data, error = None, str(exc)
        with self._refreshing:
            owner = self.owner
            position = owner.lightbox
            if position is None or key != (owner.version, owner.row_id(position)):
                return  # the view moved on while it was fetched
            self._large_key = key  # a refresh for this photo keeps it
            title = _escape(owner.title_of(owner.rows.iloc[position]))
            where = f"({(owner.focus_index or 0) + 1:,} of {owner.count:,})"
            with self.hold_sync():
                self._show(self.large.image, data)
                self.large.title.value = f"<b>{title}</b> {where}" + (f" · {_escape(error)}" if error else "")

    def _load_images(self, key: tuple, rows: pd.DataFrame) -> None:
        pictures = self.owner.thumbs(rows)
        if self._shown_page != key or self.owner.view != "pager" or self._closed:
            return
        with self.hold_sync():
            for tile, data in zip(self.tiles, pictures):
                self._show(tile.image, data)
        self._watch_reach()

    def _show(self, image: widgets.Image, data: bytes | None) -> None:
        """Point ``image`` at ``data`` published on the local server (None: at nothing); the old address is withdrawn."""
        url = self._server.publish(data, image_type(data)) if data and not self._closed else None
        with self._urls_lock:
            old = self._urls.pop(image.model_id, None)
            if url is not None:
                self._urls[image.model_id] = url
        if url is not None or image.value:
            image.value = (url or "").encode()
        self._server.withdraw(old)

    @property
    def addresses(self) -> list[str]:
        """The addresses the pager's pictures are shown from now (the page's thumbnails and the large view's)."""
        with self._urls_lock:
            return list(self._urls.values())

    def _watch_reach(self) -> None:
        if self._reach_timer is not None:
            self._reach_timer.cancel()
        if self._closed:
            return
        self._reach_timer = threading.Timer(UNREACHED_AFTER, self.check_reach)
        self._reach_timer.daemon = True
        self._reach_timer.start()

    def check_reach(self) -> bool:
        """Whether the browser fetched any picture shown now; if not, say why none may show. (Run after each page.)"""
        addresses = self.addresses
        reached = not addresses or any(self._server.asked(url) for url in addresses)
        if reached:
            self.reach.value = ""
            self.reach.layout.display = "none"
        else:
            self.reach.value = (
                "<span class='galleryk-note'>No picture reached this browser: they come from a small server "
                f"beside the kernel ({_escape(self._server.base)}). If the notebook runs on another computer, set "
                f"{_local.URL_VARIABLE} to an address that reaches it (a Jupyter server proxy, say) before the "
                "kernel starts.</span>"
            )
            self.reach.layout.display = None
        return reached

    def clear_images(self) -> None:
        """Drop the pictures (used when the JavaScript grid takes over)."""
        self._shown_page = None
        self._large_key = None
        if self._reach_timer is not None:
            self._reach_timer.cancel()
        for image in [tile.image for tile in self.tiles] + [self.large.image]:
            self._show(image, None)

    def _toggled(self, slot: int) -> None:
        tile = self.tiles[slot]
        if self._updating or tile.index < 0:
            return
        shift = bool(self.range.value)
        self.owner.click(tile.index, shift=shift, toggle=True)
        if shift:
            self.range.value = False

    def _marked(self, slot: int, kind: str) -> None:
        tile = self.tiles[slot]
        if self._updating or tile.index < 0:
            return
        self.owner.toggle_mark(tile.index, kind)

    def _marked_large(self, kind: str) -> None:
        index = self.owner.focus_index
        if self._updating or index is None or self.owner.lightbox is None:
            return
        self.owner.toggle_mark(index, kind)

    def _open(self, slot: int) -> None:
        tile = self.tiles[slot]
        if tile.index >= 0:
            self.owner.open_lightbox(tile.index)

    def close(self) -> None:
        if self._closed:
            return
        self._loader.shutdown(wait=False, cancel_futures=True)
        self.clear_images()
        self._closed = True
        _local.release()
        super().close()

    def _select_page(self) -> None:
        owner = self.owner
        start = self.number * self.size
        ids = [owner.row_id(p) for p in owner.positions_between(start, start + self.size)]
        owner.selected_ids = list(dict.fromkeys([*owner.selected_ids, *ids]))


def _escape(text: str) -> str:
    return html.escape(text)
