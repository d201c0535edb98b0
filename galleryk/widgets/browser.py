"""``AlbumBrowser(client, album=None)``: an album's photos as a thumbnail grid; the selection as a DataFrame.

The first page of the listing is asked for alone (``photos(album, limit=page)``) so its
thumbnails are on screen at once; the rest of the listing follows in the background, then
the grid grows. Thumbnails come through the kernel (``client.thumbnail``), cached, a page
at a time. ``.selection`` is the selected rows of the listing, ready for ``.galleryk.push``;
the grid's keys, keep/reject marks, filter and large view (:class:`~._grid.TileGrid`) are
forwarded as ``.marks``, ``.query``/``.filtered``, ``press()`` and ``open_lightbox()``.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from ..base.errors import AlbumNotFound
from ..media import thumbcache
from ..push.markers import is_marker
from ..services.albums import resolve
from ..services.contract import Service, check_service
from ..services.registry import tag_listing
from . import albums as pickers
from ._grid import FALLBACK_AFTER, MARKS, PAGE_SIZE, TileGrid
from .words import describe, status_html

NOT_IN_SET = "not-in-set"
"""The pseudo-album of a service that keeps photos outside albums: your photos in none."""
LARGE_SIZE = 1024
"""The longest side, in pixels, of the picture the large view shows (the most a thumbnail may be)."""


class AlbumBrowser(widgets.VBox):
    """Browse an album of any service (a Fotki photoset, a Coppermine album); a normal ipywidgets container.

    Public: ``client``, ``album`` (id; settable, by id or title), ``albums`` (the table behind
    the picker), ``listing`` (the album's rows), ``selected_ids`` (settable), ``selection``
    (DataFrame), ``marks`` (id -> "keep"/"reject"; settable), ``marked_rows(kind=None)``,
    ``query`` (a pandas filter; settable), ``filtered`` (the rows it lets through), ``focused``
    (the row clicked or reached last, or None), ``press(key, shift=, ctrl=)``, ``lightbox``,
    ``open_lightbox(i=None)``, ``close_lightbox()``, ``status``, ``view`` ("grid" or "pager"),
    ``select_all()``, ``select_none()``, ``click(i, shift=, toggle=)``, ``refresh()``,
    ``wait(timeout)`` (until the listing is complete). ``large_size``: the longest side of the
    large view's picture (made from the original when the service's thumbnails are smaller).
    ``details=True`` reads each photo's tags, date taken and description with the listing (one
    call per photo, as ``photos(details=True)``), so that the filter can use them.
    """

    NOT_IN_SET = NOT_IN_SET
    selected_ids: traitlets.List = traitlets.List(
        help="Ids of the selected photos, in listing order; set it to select, observe it."
    )
    marks: traitlets.Dict = traitlets.Dict(
        help="Photo id -> 'keep' or 'reject' (K and X); set it to mark from Python, observe it to follow the keys."
    )

    def __init__(
        self,
        client: Service,
        album: int | str | None = None,
        *,
        tile_size: int = 120,
        height: int = 420,
        page_size: int = PAGE_SIZE,
        fallback_after: float | None = FALLBACK_AFTER,
        large_size: int = LARGE_SIZE,
        details: bool = False,
    ) -> None:
        super().__init__()
        self.client = check_service(client, "AlbumBrowser")
        self.large_size = thumbcache.check_size(large_size)
        self.details = bool(details)
        self.id_column = "id"
        self.status = ""
        self.albums: pd.DataFrame | None = None
        self._album: Any = None
        self._generation = 0
        self._lock = threading.Lock()
        self._loaded = threading.Event()
        self._infos: dict[int, dict] = {}
        self._thumb_px = max(16, min(int(tile_size), 1024))
        self._quiet = False
        self._syncing = False
        self._syncing_marks = False
        noun = self.client.album_noun.capitalize()
        self._labels: dict[Any, str] = {}
        self._picker = widgets.Dropdown(
            description=noun, options=[("Loading…", None)], value=None, layout=widgets.Layout(width="min(460px, 100%)")
        )
        self._picker.observe(self._picked, "value")
        self._reload = widgets.Button(
            icon="refresh", tooltip="Read the list of albums and this album again", layout=widgets.Layout(width="40px")
        )
        self._all = widgets.Button(description="Select all", layout=widgets.Layout(width="auto"))
        self._none = widgets.Button(description="Select none", layout=widgets.Layout(width="auto"))
        self._reload.on_click(lambda _: self.refresh())
        self._all.on_click(lambda _: self.select_all())
        self._none.on_click(lambda _: self.select_none())
        self._status = widgets.HTML()
        self._details = widgets.HTML(layout=widgets.Layout(width="240px", min_width="200px", padding="0 0 0 10px"))
        self.grid = TileGrid(
            self._thumbnail,
            full=self._large_picture,
            id_column=self.id_column,
            page_size=page_size,
            tile_size=tile_size,
            height=height,
            fallback_after=fallback_after,
            on_change=self._grid_changed,
        )
        self.grid.layout.flex = "1 1 auto"
        self.grid.observe(self._grid_marks, "marks")
        self.children = [
            widgets.HBox([self._picker, self._reload, self._all, self._none]),
            self._status,
            widgets.HBox([self.grid, self._details], layout=widgets.Layout(width="100%")),
        ]
        self.add_class("galleryk-albumbrowser")
        self._show_details(None)
        self._say("Reading the list of albums…", "busy")
        if album is not None and (not isinstance(album, str) or album == NOT_IN_SET or album.strip().isdigit()):
            self._open(album if album == NOT_IN_SET else int(album))  # an id: no need to wait for the list
            threading.Thread(target=self._load_albums, args=(None,), daemon=True, name="galleryk-albums").start()
        else:
            threading.Thread(target=self._load_albums, args=(album,), daemon=True, name="galleryk-albums").start()

    # -- public ---------------------------------------------------------------------------------
    @property
    def album(self) -> Any:
        """The album (Coppermine) or photoset (Fotki) shown: its id, or ``NOT_IN_SET``; None before one is picked."""
        return self._album

    @album.setter
    def album(self, album: int | str) -> None:
        self._open(self._resolve(album))

    @property
    def listing(self) -> pd.DataFrame:
        """The album's rows known so far (all of them once ``wait()`` returned)."""
        return self.grid.rows

    @traitlets.validate("selected_ids")
    def _check_ids(self, proposal: dict) -> list[int]:
        if self._syncing:
            return list(proposal["value"])
        self.grid.selected_ids = proposal["value"]  # raises ValueError for ids not in the listing
        return self.grid.selected_ids

    @property
    def selection(self) -> pd.DataFrame:
        """The selected rows of the listing, ready for ``.galleryk.push(target, album=...)``."""
        return tag_listing(self.grid.selected_rows().copy(), self.client)

    @property
    def focused(self) -> pd.Series | None:
        """The row of the photo clicked or reached with the keys last (the one the details pane shows)."""
        index = self.grid.focus
        return None if index is None or index >= len(self.grid.rows) else self.grid.rows.iloc[index]

    @property
    def view(self) -> str:
        return self.grid.view

    # -- marks --------------------------------------------------------------------------------------
    @traitlets.validate("marks")
    def _check_marks(self, proposal: dict) -> dict:
        if self._syncing_marks:
            return dict(proposal["value"])
        self.grid.marks = proposal["value"]  # raises ValueError for a wrong mark or an id not in the listing
        return dict(self.grid.marks)

    def _grid_marks(self, change: dict) -> None:
        self._syncing_marks = True
        try:
            self.marks = dict(change["new"])
        finally:
            self._syncing_marks = False

    def marked_rows(self, kind: str | None = None) -> pd.DataFrame:
        """The marked rows of the listing with a ``mark`` column ("keep" or "reject"); ``kind``: only those.

        Like ``selection``, it remembers its client: ``browser.marked_rows("keep").galleryk.push(...)``.
        """
        if kind is not None and kind not in MARKS:
            raise ValueError(f"a mark is 'keep' or 'reject', not {kind!r}")
        rows = self.grid.rows
        marks: dict[Any, str] = dict(self.grid.marks)
        mark = pd.Series([marks.get(int(i)) for i in rows[self.id_column]], index=rows.index, dtype="object")
        wanted = mark.isin(MARKS if kind is None else (kind,))
        return tag_listing(rows[wanted].assign(mark=mark[wanted].astype("string")), self.client)

    # -- the filter -------------------------------------------------------------------------------------
    @property
    def query(self) -> str:
        """The grid's filter, a pandas query on the listing ("" shows every photo); see ``TileGrid.query``.

        ``browser.query = "tags.str.contains('sea') and taken.dt.year == 2024"``; a query that
        cannot run raises ValueError and leaves the filter as it was. Selected and marked photos
        the filter hides stay selected and marked.
        """
        return self.grid.query

    @query.setter
    def query(self, text: str) -> None:
        self.grid.query = text

    @property
    def filtered(self) -> pd.DataFrame:
        """The rows of the listing the filter lets through (all of them without a filter), ready to push."""
        return tag_listing(self.grid.filtered.copy(), self.client)

    # -- keys and the large view ----------------------------------------------------------------------
    def press(self, key: str, shift: bool = False, ctrl: bool = False) -> None:
        """Press ``key`` on the grid (a ``KeyboardEvent.key``: "ArrowRight", " ", "Enter", "k", ...), as the browser would."""
        self.grid.press(key, shift=shift, ctrl=ctrl)

    @property
    def lightbox(self) -> int | None:
        """Row position in ``listing`` of the photo shown large, or None when the large view is closed."""
        return self.grid.lightbox

    def open_lightbox(self, index: int | None = None) -> None:
        """Show tile ``index`` (default: the focused photo) large, from the original; the arrows step on."""
        self.grid.open_lightbox(index)

    def close_lightbox(self) -> None:
        """Close the large view."""
        self.grid.close_lightbox()

    def click(self, index: int, shift: bool = False, toggle: bool = False) -> None:
        """Click tile ``index`` (its place among the photos shown), as the browser would."""
        self.grid.click(index, shift=shift, toggle=toggle)

    def select_all(self) -> None:
        self.grid.select_all()

    def select_none(self) -> None:
        self.grid.select_none()

    def wait(self, timeout: float | None = 60.0) -> bool:
        """Wait until the whole listing is loaded; False on timeout."""
        return self._loaded.wait(timeout)

    def refresh(self) -> None:
        """Read the list of albums and the current album again (after signing in, say)."""
        threading.Thread(target=self._load_albums, args=(self._album,), daemon=True, name="galleryk-albums").start()

    # -- albums ---------------------------------------------------------------------------------------
    def _load_albums(self, wanted: Any) -> None:
        try:
            table = self.client.albums()
        except Exception as exc:
            self._say(describe(exc), "error")
            self._set_options([("(no albums: see above)", None)], None)
            return
        self.albums = table
        options = self._options(table)
        current = self._album
        if wanted is not None:
            try:
                current = self._resolve(wanted)
            except AlbumNotFound as exc:
                self._say(describe(exc), "error")
                current = None
        elif current is None and len(options) > 0:
            current = next((value for _, value in options if value is not None and value != NOT_IN_SET), options[0][1])
        self._set_options(options, current)
        if current is not None and current != self._album:
            self._open(current)
        elif current is not None and wanted is not None:
            self._open(current, force=True)
        elif current is None and not options:
            self._say("There are no albums to show here.", "warn")

    def _options(self, table: pd.DataFrame) -> list[tuple[str, Any]]:
        self._labels = {int(row["id"]): pickers.short_label(row) for _, row in table.iterrows()}
        out: list[tuple[str, Any]] = list(pickers.choices(table))
        if self.client.capabilities.loose_photos and self.client.signed_in:
            out.append((f"Photos in no {self.client.album_noun}", NOT_IN_SET))
        return out

    def _set_options(self, options: list[tuple[str, Any]], value: Any) -> None:
        self._quiet = True
        try:
            values = [v for _, v in options]
            if value is not None and value not in values:
                options = [*options, (f"Album {value}", value)]
            self._picker.options = options or [("(none)", None)]
            self._picker.value = value if value is not None or not options else options[0][1]
        finally:
            self._quiet = False

    def _resolve(self, album: int | str) -> Any:
        if album == NOT_IN_SET:
            return NOT_IN_SET
        if self.albums is None and isinstance(album, str) and not album.strip().isdigit():
            self.albums = self.client.albums()
        table = self.albums if self.albums is not None else self.client.albums
        return resolve(album, table, service=self.client.service, noun=self.client.album_noun)

    def _picked(self, change: dict) -> None:
        if self._quiet or change["new"] is None or change["new"] == self._album:
            return
        self._open(change["new"])

    # -- one album ---------------------------------------------------------------------------------------
    def _open(self, album: Any, force: bool = False) -> None:
        with self._lock:
            if album == self._album and not force:
                return
            refreshing = album == self._album  # the same album read again: keep what is shown and selected
            self._generation += 1
            generation = self._generation
            self._album = album
        if self._picker.value != album and any(v == album for _, v in self._picker.options):
            self._quiet = True
            try:
                self._picker.value = album
            finally:
                self._quiet = False
        self._loaded.clear()
        if not refreshing:
            self._show_details(None)
            self.grid.set_rows(
                pd.DataFrame({self.id_column: pd.Series([], dtype="Int64")}), complete=False, message="Loading…"
            )
        self._say(f"{'Reading' if refreshing else 'Opening'} {self._album_label(album)}…", "busy")
        threading.Thread(
            target=self._load_listing, args=(album, generation, refreshing), daemon=True, name="galleryk-listing"
        ).start()

    def _list(self, album: Any, limit: int | None) -> pd.DataFrame:
        return self.client.photos(None if album == NOT_IN_SET else album, limit=limit, details=self.details)

    def _load_listing(self, album: Any, generation: int, refreshing: bool = False) -> None:
        per = self.grid.grid.page_size
        try:
            if refreshing:  # the whole listing at once: a first page alone would drop the selection beyond it
                first, done = None, False
            else:
                first = self._list(album, per)
                if generation != self._generation:
                    return
                done = len(first) < per
                self.grid.set_rows(
                    first, complete=done, reset=False, message="" if len(first) else "This album is empty."
                )
                self.grid.prefetch(0, wait=5.0)  # its thumbnails first: the rest of the listing would slow them
                self._count_status(loading=not done)
            full = first if done and first is not None else self._list(album, None)
            if generation != self._generation:
                return
            self.grid.set_rows(full, complete=True, reset=False, message="" if len(full) else "This album is empty.")
            self._count_status()
        except Exception as exc:
            if generation == self._generation:
                self.grid.set_rows(self.grid.rows, complete=True, reset=False, message="")
                self._say(f"Could not open {self._album_label(album)}: {describe(exc)}", "error")
        finally:
            if generation == self._generation:
                self._loaded.set()

    def _album_label(self, album: Any) -> str:
        if album == NOT_IN_SET:
            return f"photos in no {self.client.album_noun}"
        return self._labels.get(album, f"{self.client.album_noun} {album}")

    def _count_status(self, loading: bool = False) -> None:
        rows = len(self.grid.rows)
        chosen = len(self.grid.selected_ids)
        more = " (reading the rest…)" if loading else ""
        self._say(f"{self._album_label(self._album)}: {rows:,} photos{more}, {chosen:,} selected.", "info")

    # -- grid events ----------------------------------------------------------------------------------------
    def _grid_changed(self, what: str) -> None:
        if what == "focus":
            self._show_details(self.grid.focus)
        elif what == "selection":
            self._syncing = True
            try:
                self.selected_ids = self.grid.selected_ids
            finally:
                self._syncing = False
            if self._album is not None and self.grid.complete:
                self._count_status()

    def _thumbnail(self, row: pd.Series) -> bytes:
        return self.client.thumbnail(row, size=self._thumb_px)

    def _large_picture(self, row: pd.Series) -> bytes:
        return self.client.thumbnail(row, size=self.large_size)

    def _show_details(self, index: int | None) -> None:
        if index is None or index >= len(self.grid.rows):
            self._details.value = (
                '<div class="galleryk-details"><i>Click a photo to see its details. '
                "Shift-click selects a range, Ctrl/⌘-click adds or removes one. On the grid: the arrows "
                "move, Space selects, Enter shows the photo large, K marks it keep and X reject.</i></div>"
            )
            return
        row = self.grid.rows.iloc[index]
        photo_id = int(row[self.id_column])
        self._details.value = self._details_html(row, self._infos.get(photo_id), loading=photo_id not in self._infos)
        if photo_id not in self._infos:
            threading.Thread(
                target=self._fetch_info, args=(index, photo_id), daemon=True, name="galleryk-details"
            ).start()

    def _fetch_info(self, index: int, photo_id: int) -> None:
        try:
            info = self.client.photo_info(photo_id)
        except Exception as exc:
            info = {"error": describe(exc)}
        self._infos[photo_id] = info
        if self.grid.focus == index:
            self._details.value = self._details_html(self.grid.rows.iloc[index], info)

    def _details_html(self, row: pd.Series, info: dict | None, loading: bool = False) -> str:
        info = info or {}
        title = info.get("title") or row.get("title") or ""
        tags = [t for t in info.get("tags") or [] if not is_marker(str(t))]
        size = f"{info['width']} × {info['height']} px" if info.get("width") else None
        if info.get("filesize"):
            size = f"{size}, {info['filesize']}" if size else info["filesize"]
        facts: list[tuple[str, Any]] = [
            ("Id", row.get(self.id_column)),
            ("Taken", info.get("taken")),
            ("Added", info.get("date_added")),
            ("Tags", ", ".join(map(str, tags)) or None),
            ("Size", size),
            ("File", info.get("filename") or row.get("filename")),
            ("Format", info.get("originalformat")),
            ("Visible to", _visibility(info) if "ispublic" in info else None),
            ("Description", info.get("description") or row.get("description")),
        ]
        lines = "".join(
            f"<tr><th style='text-align:left;padding-right:8px;white-space:nowrap;vertical-align:top'>"
            f"{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in facts
            if v is not None and not (isinstance(v, str) and not v) and not (not isinstance(v, list) and pd.isna(v))
        )
        extra = "<p><i>Reading details…</i></p>" if loading else ""
        if info.get("error"):
            extra = f"<p style='color:#cf222e'>{html.escape(info['error'])}</p>"
        return (
            f'<div class="galleryk-details"><h4 style="margin:4px 0">{html.escape(str(title))}</h4>'
            f"<table>{lines}</table>{extra}</div>"
        )

    def _say(self, text: str, kind: str = "info") -> None:
        self.status = text
        self._status.value = status_html(text, kind)

    def close(self) -> None:
        if hasattr(self, "grid"):  # not there when the constructor raised (ipywidgets closes it when collected)
            self.grid.close()
        super().close()


def _visibility(info: dict) -> str:
    if info.get("ispublic"):
        return "everyone"
    who = [name for name, key in (("friends", "isfriend"), ("family", "isfamily")) if info.get(key)]
    return " and ".join(who) if who else "only you"
