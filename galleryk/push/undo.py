"""``report.galleryk.undo()``: take back what one push or apply did, where the service allows it.

From a push's or an apply's report and the journal it names:

- each photo the run uploaded is deleted (``delete_photo``); on a service that cannot delete
  photos (Fotki's documented API) the row says so, and the photo stays;
- each update the run sent is reverted to the values the journal recorded before it was sent;
- an album the run made is deleted when the service can (a Fotki photoset: its photos stay in
  the photostream), else the row says it is left, empty of what the run put there;
- a deleted photo cannot be brought back (the service keeps no copy galleryk could restore):
  the row says so.

Undo is safe to repeat: what is gone already, or was undone before, is reported as such
(``already``). It returns its own report, one row per thing it looked at.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pandas as pd

from ..base.errors import GallerykError, Reason, ServiceError, Unsupported
from ..services.contract import Service, check_service
from ..services.registry import client_for
from .journal import Change, Journal
from .report import TARGET_ATTR

UNDO_COLUMNS = ["item", "action", "status", "remote_id", "note"]
UNDO_STATUSES = ["undone", "already", "impossible", "failed"]


def undo(report: pd.DataFrame, target: Any = None, *, journal: str | Path | None = None) -> pd.DataFrame:
    """Undo the push or apply whose report this is; ``target``: its client when the report no longer finds it.

    Returns one row per photo, update or album: ``action`` (delete, restore, delete_album, none), ``status``
    (undone, already, impossible, failed) and ``note`` (why, for the last three).
    """
    if "status" not in report.columns or "identity" not in report.attrs:
        raise ValueError("undo needs the report of a push or an apply (its status column and attrs)")
    found = target if target is not None else client_for(report, TARGET_ATTR)
    if found is None:
        raise ValueError("the report's client is gone (the report was saved and loaded): pass target=")
    client = check_service(found, "undo")
    path = journal or report.attrs.get("journal")
    if not path:
        raise ValueError("the report names no journal: pass journal=")
    with Journal(path) as jr:
        return _Undo(report, client, jr).run()


class _Undo:
    def __init__(self, report: pd.DataFrame, client: Service, jr: Journal) -> None:
        self.report, self.client, self.jr = report, client, jr
        self.identity = str(report.attrs["identity"])
        self.run_id = report.attrs.get("run")
        self.changes: list[Change] = jr.changes(self.run_id) if self.run_id else []
        self.rows: list[dict[str, Any]] = []

    def run(self) -> pd.DataFrame:
        self._uploads()
        self._updates()
        self._deletes()
        self._album()
        out = pd.DataFrame(self.rows, columns=UNDO_COLUMNS)
        out["status"] = pd.Categorical(out["status"], categories=UNDO_STATUSES)
        for col in ("item", "action", "remote_id", "note"):
            out[col] = out[col].astype("string")
        out.attrs.update(
            {
                "target": self.report.attrs.get("target"),
                "run": self.run_id,
                "journal": str(self.jr.path),
                "undone": "the run's uploads removed and its updates reverted, where the service allows it",
            }
        )
        return out

    def _add(self, item: str, action: str, status: str, remote_id: str | None, note: str | None = None) -> None:
        self.rows.append({"item": item, "action": action, "status": status, "remote_id": remote_id, "note": note})

    # -- uploads ------------------------------------------------------------------------------------
    def _uploads(self) -> None:
        recorded = {c.remote_id: c for c in self.changes if c.action == "upload"}
        for _, row in self.report.iterrows():
            if row["status"] != "uploaded":
                continue
            item = str(row["item"])
            rid = None if pd.isna(row["remote_id"]) else str(row["remote_id"])
            if rid is None:
                self._add(
                    item,
                    "none",
                    "impossible",
                    None,
                    "held for the gallery admin's approval when it was uploaded: the gallery gave no id to delete it "
                    "by; remove it on the gallery's pages",
                )
                continue
            change = recorded.get(rid)
            if change is not None and change.state == "undone":
                self._add(item, "delete", "already", rid, "undone before")
                continue
            status, note = self._try(functools.partial(self.client.delete_photo, int(rid)), "no longer on the service")
            self._add(item, "delete", status, rid, note)
            if status in ("undone", "already"):
                if change is not None:
                    self.jr.change_state(change.run, change.target, "upload", rid, "undone")
                self._forget(rid, change.key if change is not None else None)

    def _forget(self, remote_id: str, key: str | None) -> None:
        """The journal no longer calls the photo uploaded (a later push uploads the file again)."""
        if key is None:
            key = next((k for k, e in self.jr.entries(self.identity).items() if e.remote_id == remote_id), None)
        if key is not None:
            self.jr.failed(self.identity, key, "removed by undo")

    # -- updates, deletes, the album --------------------------------------------------------------------
    def _updates(self) -> None:
        order = {str(r): i for i, r in enumerate(self.report["remote_id"]) if not pd.isna(r)}
        for change in sorted(self.changes, key=lambda c: order.get(c.remote_id, len(order))):  # the report's order
            if change.action not in ("update", "update_album") or change.state == "undone":
                if change.action in ("update", "update_album"):
                    self._add(f"#{change.remote_id}", "restore", "already", change.remote_id, "undone before")
                continue
            if change.action == "update":
                old = {k: v for k, v in change.old.items() if k in ("title", "description", "tags")}

                def restore(rid: str = change.remote_id, values: dict = old) -> None:
                    self.client.edit_photo(int(rid), **values)
            else:

                def restore(rid: str = change.remote_id, values: dict = change.old) -> None:
                    self.client.edit_album(int(rid), **values)

            status, note = self._try(restore, "no longer on the service: nothing to restore")
            fields = ", ".join(change.old) or "nothing"
            self._add(f"#{change.remote_id}", "restore", status, change.remote_id, note or f"restored: {fields}")
            if status == "undone":
                self.jr.change_state(change.run, change.target, change.action, change.remote_id, "undone")

    def _deletes(self) -> None:
        for change in self.changes:
            if change.action in ("delete", "delete_album") and change.state == "done":
                what = "photo" if change.action == "delete" else self.client.album_noun
                title = change.old.get("title")
                self._add(
                    f"#{change.remote_id}" + (f" {title!r}" if title else ""),
                    "none",
                    "impossible",
                    change.remote_id,
                    f"a deleted {what} cannot be brought back: the service keeps no copy galleryk could restore "
                    "(upload it again from its file)",
                )

    def _album(self) -> None:
        made = [c for c in self.changes if c.action == "create_album"]
        album_id = made[0].remote_id if made else None
        if album_id is None and self.report.attrs.get("album_created") and self.report.attrs.get("album_id"):
            album_id = str(self.report.attrs["album_id"])
        if album_id is None:
            return
        if made and made[0].state == "undone":
            self._add(f"{self.client.album_noun} {album_id}", "delete_album", "already", album_id, "undone before")
            return
        status, note = self._try(lambda: self.client.delete_album(int(album_id)), "no longer on the service")
        if status == "impossible":
            note = f"{note}; the {self.client.album_noun} the run made is left (remove it on the service's pages)"
        elif status == "undone" and not self.client.capabilities.delete_photos:
            note = f"the {self.client.album_noun} the run made is deleted; its photos stay (see the rows above)"
        self._add(f"{self.client.album_noun} {album_id}", "delete_album", status, album_id, note)
        if status in ("undone", "already") and made:
            self.jr.change_state(made[0].run, made[0].target, "create_album", album_id, "undone")

    @staticmethod
    def _try(work: Any, gone: str) -> tuple[str, str | None]:
        """Run one undo step: (status, note)."""
        try:
            work()
        except Unsupported as exc:
            return "impossible", str(exc)
        except ServiceError as exc:
            if exc.reason is Reason.NOT_FOUND:
                return "already", gone
            return "failed", f"{type(exc).__name__}: {exc}"
        except GallerykError as exc:
            return "failed", f"{type(exc).__name__}: {exc}"
        return "undone", None


__all__ = ["UNDO_COLUMNS", "UNDO_STATUSES", "undo"]
