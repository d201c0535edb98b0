"""``Uploader(local, targets=[...])``: send a folder or a ``scan()`` table to Fotki or Coppermine, with progress.

A thin view over :func:`galleryk.push`: the journal makes a second Start resume without
duplicates. The push runs in a background thread, so Cancel is handled while files are
sent (a body half-sent is stopped, and the next Start looks on the service before
re-sending it); bars are redrawn a few times a second, never per chunk.
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from ..media import scan, thumbnail_bytes
from ..push import PushOptions, push
from ..services.contract import Service, check_service
from . import albums as pickers
from ._grid import FALLBACK_AFTER, TileGrid
from .words import describe, status_html

NEW_ALBUM = pickers.NEW_ALBUM
NO_ALBUM = pickers.NO_ALBUM
UPDATES_PER_SECOND = 4


class Uploader(widgets.VBox):
    """Upload local photos; a normal ipywidgets container.

    Public: ``files`` (path, title, tags per file), ``targets``, ``target`` (the chosen client;
    settable), ``album`` (an id or title of the chosen target; a title not there yet means a new
    album; settable), ``start()``, ``cancel()``, ``wait(timeout)``, ``running``, ``report`` (the
    push report, after a run), ``progress`` (row position -> (fraction, state)), ``status``,
    ``set_title(i, text)``, ``set_tags(i, tags)``, ``apply_to_all(title=, tags=)``, ``options`` (a
    :class:`~galleryk.push.PushOptions` for every push, such as ``PushOptions(marker="description")``).
    """

    report = traitlets.Instance(pd.DataFrame, allow_none=True, help="The push report of the last run (observe it).")
    status = traitlets.Unicode("", help="The status line's text: what the widget is doing, or how the last run ended.")

    def __init__(
        self,
        local: str | os.PathLike | pd.DataFrame,
        targets: Sequence[Service] = (),
        *,
        workers: int = 2,
        tile_size: int = 110,
        height: int = 300,
        fallback_after: float | None = FALLBACK_AFTER,
        options: PushOptions | None = None,
    ) -> None:
        targets = list(targets)
        if not targets:
            raise ValueError("Uploader needs at least one target: Uploader(local, targets=[fotki, cpg])")
        targets = [check_service(t, "Uploader's targets") for t in targets]
        super().__init__()
        self.targets = targets
        self.workers = workers
        self.options = options
        """How every push goes (marker, resize, upload_unseen...), as :func:`~galleryk.push.push` takes them; the
        widget sets workers, cancel, progress and the callbacks itself."""
        self._sending = ""
        self.progress: dict[int, tuple[float, str]] = {}
        self._ran = False
        self._sent: dict[int, int] = {}
        self._sizes: dict[int, int] = {}
        self._files = pd.DataFrame({"path": pd.Series([], dtype="string"), "title": [], "tags": []})
        self._thread: threading.Thread | None = None
        self._active = False  # from Start until the controls are given back (the thread may still be ending)
        self._again = False  # start() asked for while a cancelled run was ending
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._thumb_px = max(16, min(int(tile_size), 1024))
        self._thumb_cache: OrderedDict[str, bytes] = OrderedDict()
        self._albums: dict[int, list[tuple[str, Any]]] = {}
        self._quiet = False
        self._album_lock = threading.RLock()  # the album list is filled from a thread and from the setter
        self._build(tile_size, height, fallback_after)
        self.add_class("galleryk-uploader")
        if isinstance(local, pd.DataFrame):
            self._use(local)
        else:
            self._say(f"Reading {local}…", "busy")
            threading.Thread(target=self._scan, args=(local,), daemon=True, name="galleryk-scan").start()
        self._target_changed({"new": 0})

    # -- layout ----------------------------------------------------------------------------------------
    def _build(self, tile_size: int, height: int, fallback_after: float | None) -> None:
        self.grid = TileGrid(
            self._thumbnail,
            id_column=None,
            title_column="title",
            tile_size=tile_size,
            height=height,
            show_progress=True,
            fallback_after=fallback_after,
            on_change=self._grid_changed,
        )
        wide = widgets.Layout(width="380px")
        self._file = widgets.HTML(
            "<i>Click a photo to edit its title and tags.</i>", layout=widgets.Layout(width="380px")
        )
        self._title = widgets.Text(description="Title", continuous_update=False, layout=wide, disabled=True)
        self._tags = widgets.Text(
            description="Tags", placeholder="comma separated", continuous_update=False, layout=wide, disabled=True
        )
        self._title.observe(lambda c: self._edited("title", c["new"]), "value")
        self._tags.observe(lambda c: self._edited("tags", c["new"]), "value")
        self._all_title = widgets.Text(description="Title", placeholder="same title for every file", layout=wide)
        self._all_tags = widgets.Text(
            description="Tags", placeholder="tags for every file, comma separated", layout=wide
        )
        self._apply = widgets.Button(description="Apply to all files", layout=widgets.Layout(width="auto"))
        self._apply.on_click(
            lambda _: self.apply_to_all(self._all_title.value or None, _tag_list(self._all_tags.value) or None)
        )
        self._target = widgets.Dropdown(
            description="Send to",
            options=[(_target_label(t), i) for i, t in enumerate(self.targets)],
            value=0,
            layout=wide,
        )
        self._album = widgets.Dropdown(description="Album", options=[("Loading…", None)], layout=wide)
        self._new_album = widgets.Text(
            description="New album",
            placeholder="its title",
            layout=widgets.Layout(width="min(420px, 100%)", display="none"),
        )
        self._target.observe(self._target_changed, "value")
        self._album.observe(self._album_changed, "value")
        self._start = widgets.Button(description="Start", button_style="primary", icon="upload")
        self._stop = widgets.Button(description="Cancel", icon="stop", disabled=True)  # coloured only while it can act
        self._start.on_click(lambda _: self.start())
        self._stop.on_click(lambda _: self.cancel())
        self._overall = widgets.FloatProgress(
            value=0.0, min=0.0, max=1.0, description="Overall", layout=widgets.Layout(width="min(420px, 100%)")
        )
        self._counts = widgets.Label()
        self._status = widgets.HTML()
        self._report = widgets.HTML()
        each = widgets.VBox([widgets.HTML("<b>This file</b>"), self._file, self._title, self._tags])
        every = widgets.VBox([widgets.HTML("<b>Every file</b>"), self._all_title, self._all_tags, self._apply])
        where = widgets.VBox([widgets.HTML("<b>Where</b>"), self._target, self._album, self._new_album])
        self.children = [
            self.grid,
            widgets.HBox([each, every], layout=widgets.Layout(flex_flow="row wrap", grid_gap="24px")),
            where,
            widgets.HBox([self._start, self._stop, self._overall, self._counts]),
            self._status,
            self._report,
        ]

    # -- files ------------------------------------------------------------------------------------------
    def _scan(self, folder: str | os.PathLike) -> None:
        try:
            self._use(scan(folder, progress=False))
        except Exception as exc:
            self._say(f"Could not read {folder}: {describe(exc)}", "error")

    def _use(self, df: pd.DataFrame) -> None:
        if "path" not in df.columns:
            raise KeyError(
                f"Uploader needs a folder or a table with a 'path' column (as scan() gives); "
                f"this one has {list(df.columns)}"
            )
        files = df.reset_index(drop=True).copy()
        if "title" not in files.columns:
            files["title"] = [Path(str(p)).stem for p in files["path"]]
        files["tags"] = (
            [_tag_list(v) for v in files["tags"]] if "tags" in files.columns else [[] for _ in range(len(files))]
        )
        broken = int(files["error"].notna().sum()) if "error" in files.columns else 0
        self._files = files
        rows_needed = -(-len(files) // 7) or 1
        self.grid.grid.height = min(self.grid.grid.height, rows_needed * (self.grid.grid.tile_size + 40) + 14)
        self.grid.set_rows(files, message="" if len(files) else "No photos in this folder.")
        note = f" ({broken} cannot be read and will be reported as failed)" if broken else ""
        self._say(f"{len(files):,} files ready{note}. Choose where they go, then press Start.")
        self._counts.value = f"0 of {len(files):,} files"

    @property
    def files(self) -> pd.DataFrame:
        """The files to send, with the title and tags each will get."""
        return self._files

    def set_title(self, index: int, title: str) -> None:
        """The title file ``index`` (row position) gets."""
        self._files.at[index, "title"] = title
        self._refresh_editor()

    def set_tags(self, index: int, tags: Iterable[str] | str) -> None:
        """The tags file ``index`` gets (a list, or a comma-separated string)."""
        self._files.at[index, "tags"] = _tag_list(tags)
        self._refresh_editor()

    def apply_to_all(self, title: str | None = None, tags: Iterable[str] | str | None = None) -> None:
        """Give every file this title and/or these tags (added to each file's own)."""
        if title:
            self._files["title"] = title
        if tags:
            extra = _tag_list(tags)
            self._files["tags"] = [list(dict.fromkeys([*own, *extra])) for own in self._files["tags"]]
        self._refresh_editor()
        self._say(
            "Applied to every file." if (title or tags) else "Type a title or tags for every file first.",
            "ok" if (title or tags) else "warn",
        )

    def _grid_changed(self, what: str) -> None:
        if what == "focus":
            self._refresh_editor()

    def _refresh_editor(self) -> None:
        index = self.grid.focus
        self._quiet = True
        try:
            if index is None or index >= len(self._files):
                self._title.disabled = self._tags.disabled = True
                return
            row = self._files.iloc[index]
            self._file.value = f"<code>{html.escape(Path(str(row['path'])).name)}</code>"
            self._title.value = str(row["title"] or "")
            self._tags.value = ", ".join(row["tags"])
            self._title.disabled = self._tags.disabled = self.running
        finally:
            self._quiet = False

    def _edited(self, field: str, value: str) -> None:
        index = self.grid.focus
        if self._quiet or index is None or index >= len(self._files):
            return
        self._files.at[index, field] = value if field == "title" else _tag_list(value)

    def _thumbnail(self, row: pd.Series) -> bytes:
        path = str(row["path"])
        with self._lock:
            data = self._thumb_cache.get(path)
        if data is None:
            data = thumbnail_bytes(path, self._thumb_px, "JPEG", quality=80)
            with self._lock:
                self._thumb_cache[path] = data
                while len(self._thumb_cache) > 2000:
                    self._thumb_cache.popitem(last=False)
        return data

    # -- where ---------------------------------------------------------------------------------------------
    @property
    def target(self) -> Service:
        return self.targets[self._target.value]

    @target.setter
    def target(self, client: Service | int) -> None:
        index = (
            client if isinstance(client, int) else next((i for i, t in enumerate(self.targets) if t is client), None)
        )
        if index is None or not 0 <= index < len(self.targets):
            raise ValueError(f"not one of this uploader's targets: {client!r}")
        self._target.value = index

    @property
    def album(self) -> Any:
        """The album chosen: an id, a new album's title, or None (in no album, where the service allows it)."""
        value = self._album.value
        if value == NEW_ALBUM:
            return self._new_album.value.strip() or None
        return None if value == NO_ALBUM else value

    @album.setter
    def album(self, album: int | str | None) -> None:
        with self._album_lock:
            self._set_album(album)

    def _set_album(self, album: int | str | None) -> None:
        options = self._albums.get(self._target.value)
        if options is None:
            options = self._load_albums(self._target.value)
        if album is None:
            if not any(v == NO_ALBUM for _, v in options):
                raise ValueError(f"{self.target.name} needs an {self.target.album_noun}")
            self._album.value = NO_ALBUM
            return
        for label, value in options:
            if value == album or (isinstance(album, str) and (label == album or str(value) == album)):
                self._album.value = value
                return
        self._album.value = NEW_ALBUM
        self._new_album.value = str(album)

    def _target_changed(self, change: dict) -> None:
        index = change["new"]
        if index in self._albums:
            self._show_albums(index)
            return
        self._album.options = [("Loading…", None)]
        threading.Thread(target=self._load_albums, args=(index,), daemon=True, name="galleryk-albums").start()

    def _load_albums(self, index: int) -> list[tuple[str, Any]]:
        with self._album_lock:
            if index in self._albums:
                self._show_albums(index)
                return self._albums[index]
            return self._read_albums(index)

    def _read_albums(self, index: int) -> list[tuple[str, Any]]:
        client = self.targets[index]
        before, after = pickers.extra_choices(client, new=True)
        try:
            options: list[tuple[str, Any]] = [*before, *pickers.choices(client.albums(), uploadable=True), *after]
        except Exception as exc:
            self._say(f"Could not read the albums of {client.label}: {describe(exc)}", "error")
            options = [*before, *after]
        self._albums[index] = options
        if self._target.value == index:
            self._show_albums(index)
        return options

    def _show_albums(self, index: int) -> None:
        if self._target.value != index:
            return
        options = self._albums[index]
        keep = self._album.value
        self._album.options = options
        self._album.value = keep if any(v == keep for _, v in options) else options[0][1]
        self._album_changed({"new": self._album.value})

    def _album_changed(self, change: dict) -> None:
        self._new_album.layout.display = None if change["new"] == NEW_ALBUM else "none"

    # -- running ------------------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._active

    def start(self) -> None:
        """Start (or resume) sending every file to the chosen target and album, in the background.

        Right after ``cancel()``, while the files being sent are still stopping, the next run
        starts once they have; while a run goes on uncancelled, the status says so and nothing starts.
        """
        if self.running:
            if self._cancel.is_set():
                self._again = True
                self._say("Cancelling; the next run starts once the files being sent have stopped…", "busy")
            else:
                self._say("Already sending: press Cancel first, or wait for this run to end.", "warn")
            return
        files = self._files
        if len(files) == 0:
            self._say("There are no files to send.", "warn")
            return
        if self._album.value is None:
            self._say("The albums of this target are still being read; try again in a moment.", "warn")
            return
        album = self.album
        if self._album.value == NEW_ALBUM and not album:
            self._say("Type the new album's title first.", "warn")
            return
        create = self._album.value == NEW_ALBUM
        target = self.target
        self._cancel = threading.Event()
        self.progress = {i: (0.0, "waiting") for i in range(len(files))}
        self._sent = dict.fromkeys(range(len(files)), 0)
        self._sizes = {i: _size(p) for i, p in enumerate(files["path"])}
        self._report.value = ""
        self._busy(True)
        where = f"{_target_label(target)}, {'new album ' if create else ''}{album if album is not None else 'no album'}"
        self._sending = f"Sending {len(files):,} files to {where}"
        self._say(f"{self._sending}…", "busy")
        self._active = True
        self._thread = threading.Thread(
            target=self._run, args=(files.copy(), target, album, create), daemon=True, name="galleryk-upload"
        )
        self._thread.start()

    def cancel(self) -> None:
        """Stop: files not started are not sent, bodies being sent are cut; Start resumes later."""
        if not self.running:
            return
        self._cancel.set()
        self._stop.disabled = True
        self._say("Cancelling…", "warn")

    def wait(self, timeout: float | None = None) -> pd.DataFrame | None:
        """Wait for the run to end (and for the one a ``start()`` after ``cancel()`` asked for); returns ``report``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (thread := self._thread) is not None:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if thread.is_alive() or self._thread is thread:
                break  # timed out, or no run started after this one
        return self.report

    def _run(self, files: pd.DataFrame, target: Any, album: Any, create: bool) -> None:
        files = files.reset_index(drop=True)  # row labels are positions: what the push's callbacks name

        def sending(position: int, sent: int, total: int) -> None:
            self._sent[position] = sent
            self.progress[position] = (sent / total if total > 0 else 0.0, "sending")

        def finished(position: int, status: str) -> None:
            if status in ("uploaded", "skipped"):
                self._sent[position] = self._sizes[position]
                self.progress[position] = (1.0, status)

        def told(text: str) -> None:  # the push names its waits (a rate limit, lost replies); else it is sending
            if not self._cancel.is_set():
                self._say(f"{self._sending}…" if text.startswith("push to ") else f"{self._sending}: {text}…", "busy")

        stop_ticks = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(stop_ticks,), daemon=True, name="galleryk-progress")
        ticker.start()
        try:
            result = push(
                files,
                target,
                album=album,
                create=create,
                title="title",
                tags="tags",
                cancel=self._cancel,
                progress=False,
                workers=self.workers,
                on_item=finished,
                on_progress=sending,
                on_status=told,
                options=self.options,
            )
        except Exception as exc:
            stop_ticks.set()
            ticker.join()
            self.progress = {i: (0.0, "") for i in self.progress}
            self._flush()
            self._finish(describe(exc), "error")
            return
        stop_ticks.set()
        ticker.join()
        self._ran = True
        for position, status in enumerate(result["status"].astype(str)):
            done = status in ("uploaded", "skipped")
            self.progress[position] = (1.0 if done else self.progress.get(position, (0.0, ""))[0], status)
            if done:
                self._sent[position] = self._sizes[position]
        self._flush()
        self.report = result  # before the status says so, so a cell watching the report is current
        self._report.value = _report_html(result, files)
        if create:
            self._albums.pop(self._target.value, None)  # the new album is in the list from now on
            self._load_albums(self._target.value)
            self.album = album
        self._finish(
            _summary(result, self._cancel.is_set()),
            "warn" if self._cancel.is_set() or (result["status"] == "failed").any() else "ok",
        )

    def _finish(self, text: str, kind: str) -> None:
        """Say how the run ended and give the controls back: from here a click on Start starts again."""
        self._say(text, kind)
        self._active = False
        self._busy(False)
        if self._again:  # start() was called after cancel(), while this run was ending
            self._again = False
            self.start()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(1.0 / UPDATES_PER_SECOND):
            self._flush()

    def _flush(self) -> None:
        """Redraw the bars from ``progress`` (called a few times a second, never per chunk)."""
        total = sum(self._sizes.values()) or 1
        done = sum(1 for f, s in self.progress.values() if s in ("uploaded", "skipped"))
        with self.hold_sync():
            self.grid.set_progress(dict(self.progress))
            self._overall.value = min(1.0, sum(self._sent.values()) / total)
            self._counts.value = f"{done:,} of {len(self.progress):,} files"

    def _busy(self, busy: bool) -> None:
        with self.hold_sync():
            self._start.disabled = busy
            self._start.description = "Start again" if (not busy and self._ran) else "Start"
            self._stop.disabled = not busy
            self._stop.button_style = "warning" if busy else ""
            for w in (self._target, self._album, self._new_album, self._apply, self._all_title, self._all_tags):
                w.disabled = busy
            self._title.disabled = self._tags.disabled = busy or self.grid.focus is None

    def _say(self, text: str, kind: str = "info") -> None:
        self.status = text
        self._status.value = status_html(text, kind)

    def close(self) -> None:
        if hasattr(self, "grid"):  # not there when the constructor raised (ipywidgets closes it when collected)
            self._cancel.set()
            self.grid.close()
        super().close()


def _tag_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    return [str(t).strip() for t in value if str(t).strip()]


def _size(path: Any) -> int:
    try:
        return os.path.getsize(str(path))
    except OSError:
        return 0


def _target_label(client: Service) -> str:
    return client.label


def _summary(report: pd.DataFrame, cancelled: bool) -> str:
    counts = report["status"].astype(str).value_counts()
    parts = [f"{counts.get(s, 0):,} {s}" for s in ("uploaded", "skipped", "failed", "cancelled") if counts.get(s, 0)]
    head = "Cancelled" if cancelled else "Done"
    tail = " Press “Start again” to send the rest: nothing is sent twice." if cancelled or counts.get("failed") else ""
    return f"{head}: {', '.join(parts) or 'nothing to do'}.{tail}"


def _report_html(report: pd.DataFrame, files: pd.DataFrame) -> str:
    colours = {"uploaded": "#1a7f37", "skipped": "#1a7f37", "failed": "#cf222e", "cancelled": "#9a6700"}
    rows = []
    for position, (_, r) in enumerate(report.iterrows()):
        name = Path(str(files["path"].iloc[position])).name
        status = str(r["status"])
        why = r["error"] if pd.notna(r["error"]) else (r["note"] if pd.notna(r["note"]) else "")
        remote = r["remote_id"] if pd.notna(r["remote_id"]) else ""
        rows.append(
            f"<tr><td>{html.escape(name)}</td><td style='color:{colours.get(status, 'inherit')}'>"
            f"{html.escape(status)}</td><td>{html.escape(str(remote))}</td>"
            f"<td>{html.escape(str(why))}</td></tr>"
        )
    return (
        "<table class='galleryk-report' style='border-collapse:collapse' cellpadding='4'><thead><tr><th>file</th><th>status</th><th>id</th><th>note</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )
