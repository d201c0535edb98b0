"""``PlanView(plan)``: a plan seen, not only read: one tile per row, ticked rows applied with progress.

A thin view over :func:`galleryk.push.plan.plan` and :func:`galleryk.push.apply.apply`. Each tile
shows what its row is about: for a photo recognised online (a skip or an update found by its
marker, digest or picture) the local picture and the one online side by side; for a conflict
the local picture and every candidate; for an upload the local picture; for a delete or an edit
of a listing the photo online. The caption under a tile says the action and how the photo was
matched, with the distance in bits for a perceptual match. Rows are ticked (selected) to be
applied: every row at first but conflicts and impossible rows, which are never applied. A click
unticks (or ticks again); the filter box narrows the grid with a pandas query
(``action == "skip" and distance > 4``). :attr:`PlanView.plan` is the plan with only the ticked
rows, what Apply runs, in the background, with a bar; :attr:`PlanView.report` is the report.
"""

from __future__ import annotations

import functools
import html
import io
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets
from PIL import Image, ImageDraw

from ..media import thumbnail
from ..push.apply import ADOPTED, apply
from ..push.plan import SOURCE_ATTR, plan_client
from ..services.contract import Service, check_service
from ._grid import FALLBACK_AFTER, TileGrid
from .words import describe, status_html

NEVER_APPLIED = ("conflict", "impossible")
GAP = 6
"""Pixels between the pictures of one tile."""


class PlanView(widgets.VBox):
    """A plan to review and apply; a normal ipywidgets container.

    Public: ``rows`` (the whole plan), ``plan`` (the ticked rows: what Apply runs), ``ticked`` (their
    labels), ``tick(label, on=True)``, ``tile(position)`` (a tile's JPEG), ``grid`` (the
    :class:`~galleryk.widgets.TileGrid`), ``apply()``, ``cancel()``, ``wait(timeout)``, ``running``,
    ``status``, ``report`` (the apply's report, after a run).
    """

    report = traitlets.Instance(pd.DataFrame, allow_none=True, help="The apply's report of the last run (observe it).")

    def __init__(
        self,
        plan: pd.DataFrame,
        target: Service | None = None,
        *,
        source: Service | None = None,
        tile_size: int = 180,
        height: int = 420,
        workers: int = 4,
        fallback_after: float | None = FALLBACK_AFTER,
    ) -> None:
        if "action" not in plan.columns or "identity" not in plan.attrs:
            raise ValueError("PlanView needs a plan made by df.galleryk.plan(...)")
        super().__init__()
        found = target if target is not None else plan_client(plan)
        if found is None:
            raise ValueError("the plan's target client is gone (the plan was saved and loaded): pass target=")
        self.target = check_service(found, "PlanView")
        self.source = source if source is not None else plan_client(plan, SOURCE_ATTR)
        self.rows = plan
        self.workers = workers
        self.status = ""
        self._size = max(32, min(int(tile_size), 512))
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._active = False
        shown = plan.reset_index(drop=True).assign(caption=[_caption(r) for _, r in plan.iterrows()])
        self.grid = TileGrid(
            self._tile_of,
            id_column=None,
            title_column="caption",
            tile_size=tile_size,
            height=height,
            show_progress=True,
            fallback_after=fallback_after,
        )
        self.grid.set_rows(shown)
        self.grid.selected_ids = [i for i, a in enumerate(plan["action"].astype(str)) if a not in NEVER_APPLIED]
        self._apply = widgets.Button(description="Apply", button_style="primary", icon="check")
        self._stop = widgets.Button(description="Cancel", button_style="warning", icon="stop", disabled=True)
        self._apply.on_click(lambda _: self.apply())
        self._stop.on_click(lambda _: self.cancel())
        self._bar = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="min(320px, 100%)"))
        self._counts = widgets.Label()
        self._status = widgets.HTML()
        self._summary = widgets.HTML(_summary_html(plan))
        self.children = [
            self._summary,
            self.grid,
            widgets.HBox([self._apply, self._stop, self._bar, self._counts]),
            self._status,
        ]
        self.add_class("galleryk-planview")

    # -- the rows ------------------------------------------------------------------------------------
    @property
    def ticked(self) -> list[Any]:
        """The labels (the plan's index) of the rows ticked to be applied, in the plan's order."""
        return [self.rows.index[i] for i in sorted(self.grid.selected_ids)]

    def tick(self, label: Any, on: bool = True) -> None:
        """Tick (or untick) the row with this label."""
        position = dict(zip(self.rows.index, range(len(self.rows))))[label]
        ids = set(self.grid.selected_ids)
        ids = ids | {position} if on else ids - {position}
        self.grid.selected_ids = sorted(ids)

    @property
    def plan(self) -> pd.DataFrame:
        """The plan with only the ticked rows (what Apply runs), its attrs kept."""
        out = self.rows.iloc[sorted(self.grid.selected_ids)]
        out.attrs = dict(self.rows.attrs)
        return out

    # -- tiles ---------------------------------------------------------------------------------------------
    def tile(self, position: int) -> bytes:
        """The JPEG of the tile of row ``position``: the local picture, then the ones online it is about."""
        return self._tile_of(self.rows.iloc[position])

    def _tile_of(self, row: pd.Series) -> bytes:
        pictures = [self._picture(fetch) for fetch in self._fetches(row)]
        return _side_by_side(pictures or [_blank(self._size, str(row.get("title") or row["action"]))], self._size)

    def _fetches(self, row: pd.Series) -> list[Callable[[], Image.Image]]:
        size = self._size
        out: list[Callable[[], Image.Image]] = []
        if isinstance(row.get("path"), str):
            path = row["path"]
            out.append(lambda: thumbnail(path, size))
        elif not pd.isna(row.get("source_id")) and self.source is not None and row.get("match") != "id":
            sid, source = int(row["source_id"]), self.source
            out.append(lambda: _image(source.thumbnail(sid, size=size)))
        online: list[int] = []
        if row["action"] == "conflict" and isinstance(row.get("candidates"), (list, tuple)):
            online = [int(c) for c in row["candidates"]]
        elif (
            not pd.isna(row.get("remote_id"))
            and (row.get("kind") == "photo")
            and (row.get("match") in ADOPTED or row.get("match") == "id" or row["action"] == "delete" or not out)
        ):
            online = [int(row["remote_id"])]
        out += [functools.partial(_online, self.target, rid, size) for rid in online]
        return out

    def _picture(self, fetch: Callable[[], Image.Image]) -> Image.Image:
        try:
            return fetch()
        except Exception as exc:  # one missing picture must not blank the tile: say so in its place
            return _blank(self._size, f"no picture: {type(exc).__name__}")

    # -- applying ----------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._active

    def apply(self) -> None:
        """Apply the ticked rows in the background (see :func:`galleryk.push.apply.apply`); ``wait()`` for the end."""
        if self.running:
            return
        chosen = self.plan
        if not len(chosen):
            self._say("No row is ticked: nothing to apply.", "warn")
            return
        self._cancel = threading.Event()
        self._bar.max, self._bar.value = len(chosen), 0
        self._counts.value = f"0 of {len(chosen):,} rows"
        self._busy(True)
        self._say(f"Applying {len(chosen):,} rows to {self.target.label}…", "busy")
        self._active = True
        self._thread = threading.Thread(target=self._run, args=(chosen,), daemon=True, name="galleryk-apply")
        self._thread.start()

    def cancel(self) -> None:
        """Stop: rows not started are not applied (uploads under way are cut, as a push's are)."""
        if self.running:
            self._cancel.set()
            self._stop.disabled = True
            self._say("Cancelling…", "warn")

    def wait(self, timeout: float | None = None) -> pd.DataFrame | None:
        """Wait for the apply to end; returns ``report``."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.report

    def _run(self, chosen: pd.DataFrame) -> None:
        done = threading.Lock()
        finished: set[Any] = set()

        def on_item(label: Any, status: str) -> None:
            with done:
                finished.add(label)
                count = len(finished)
            self._bar.value = count
            self._counts.value = f"{count:,} of {len(chosen):,} rows"

        try:
            report = apply(
                chosen,
                self.target,
                source=self.source,
                cancel=self._cancel,
                progress=False,
                workers=self.workers,
                on_item=on_item,
            )
        except Exception as exc:
            self._finish(describe(exc), "error")
            return
        where = dict(zip(self.rows.index, range(len(self.rows))))
        states = {where[label]: (1.0, str(status)) for label, status in report["status"].items()}
        with self.hold_sync():
            self.grid.set_progress(states)
            self._bar.value = len(chosen)
            self._counts.value = f"{len(chosen):,} of {len(chosen):,} rows"
        self.report = report
        counts = report["status"].value_counts()
        said = ", ".join(f"{int(counts[s])} {s}" for s in report["status"].cat.categories if counts.get(s))
        order = str(report.attrs.get("order") or "")
        text = f"Done: {said}." + (f" {order[:1].upper()}{order[1:]}." if order else "")
        bad = self._cancel.is_set() or bool((report["status"] == "failed").any())
        self._finish(text, "warn" if bad else "ok")

    def _finish(self, text: str, kind: str) -> None:
        self._say(text, kind)
        self._active = False
        self._busy(False)

    def _busy(self, busy: bool) -> None:
        with self.hold_sync():
            self._apply.disabled = busy
            self._stop.disabled = not busy

    def _say(self, text: str, kind: str = "info") -> None:
        self.status = text
        self._status.value = status_html(text, kind)

    def close(self) -> None:
        self._cancel.set()
        self.grid.close()
        super().close()


# -- pictures ------------------------------------------------------------------------------------------
def _image(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        return im.convert("RGB")


def _online(client: Service, photo: int, size: int) -> Image.Image:
    return _image(client.thumbnail(photo, size=size))


def _blank(size: int, text: str) -> Image.Image:
    im = Image.new("RGB", (size, size), (225, 225, 225))
    ImageDraw.Draw(im).text((6, size // 2 - 6), text[: size // 7], fill=(90, 90, 90))
    return im


def _side_by_side(pictures: list[Image.Image], size: int) -> bytes:
    """The pictures in a row, each scaled to ``size`` pixels high, as one JPEG."""
    scaled = []
    for im in pictures:
        w, h = im.size
        scaled.append(im.resize((max(1, round(w * size / h)), size)) if h != size else im)
    width = sum(im.size[0] for im in scaled) + GAP * (len(scaled) - 1)
    out = Image.new("RGB", (width, size), (255, 255, 255))
    x = 0
    for im in scaled:
        out.paste(im, (x, 0))
        x += im.size[0] + GAP
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=82)
    return buf.getvalue()


# -- words ---------------------------------------------------------------------------------------------
def _caption(row: pd.Series) -> str:
    """What a tile's row does, and how its photo was matched: ``skip · perceptual, 2 bits``."""
    action, how = str(row["action"]), row.get("match")
    if action == "conflict":
        found = row.get("candidates")
        count = len(found) if isinstance(found, (list, tuple)) else 0
        return f"conflict · {count} look-alike{'s' if count != 1 else ''}" + _bits(row)
    if action == "update" and isinstance(row.get("changes"), str):
        fields = ", ".join(part.split(":", 1)[0] for part in row["changes"].split("; "))
        return f"update {fields}" + (f" · {how}{_bits(row)}" if how in ADOPTED else "")
    if how in ADOPTED:
        return f"{action} · {how}{_bits(row)}"
    return action


def _bits(row: pd.Series) -> str:
    distance = row.get("distance")
    return "" if row.get("match") != "perceptual" or pd.isna(distance) else f", {int(distance)} bits"


def _summary_html(plan: pd.DataFrame) -> str:
    counts = plan["action"].value_counts()
    said = ", ".join(f"{int(counts[a])} {a}" for a in plan["action"].cat.categories if counts.get(a))
    cost = plan.attrs.get("estimate") or {}
    target = plan.attrs.get("target", "")
    album = plan.attrs.get("album")
    where = f"{target}" + (f", {album}" if album else "")
    return (
        f"<b>Plan for {html.escape(str(where))}</b>: {html.escape(said)}. Applying it sends about "
        f"{int(cost.get('requests', 0)):,} requests. Click a tile to untick (or tick) its row."
    )


__all__ = ["PlanView"]
