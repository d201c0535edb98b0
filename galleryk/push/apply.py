"""``plan.galleryk.apply()``: carry out exactly the rows left in a plan, journaled and once, and report each.

The rows are applied in this order, under the push's lock for the target and album:

1. the album is found, or made when a ``create_album`` row is left (with its first photo, on a
   service whose albums need one);
2. ``upload`` rows are pushed, concurrently, as :func:`~galleryk.push.push` does (journal,
   markers, lost replies settled, never twice);
3. ``skip`` and ``update`` rows whose photo was recognised online are adopted: the journal
   records the file as that photo, so later pushes skip it without looking, and a photo found
   outside the album is put in it;
4. ``update`` rows are sent: the photo's current values are read and written to the journal
   before the change goes out (what :mod:`.undo` restores), and only what still differs is sent;
5. ``delete`` rows are deleted (a photo gone already counts as deleted);
6. the album is put in the order of the plan's rows (sort the plan to change it), the service's
   way: photos added in that order, or the album ordered after; the report's ``attrs["order"]``
   says what visitors see.

``conflict`` and ``impossible`` rows are never applied; their report rows say why. A push is
this with a plan of ``upload`` rows only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from ..base.errors import GallerykError, Reason, ServiceError
from ..services.contract import Service, check_service
from .engine import default_journal_path, push_to
from .journal import Journal
from .lock import album_lock
from .markers import EXPLANATION, check_style, is_marker
from .options import PushOptions
from .plan import ACTIONS, SOURCE_ATTR, plan_client
from .report import REPORT_COLUMNS, TARGET_ATTR
from .targets import Target, make_target

STATUSES = ["uploaded", "created", "updated", "deleted", "skipped", "failed", "cancelled"]
"""What became of a plan row (an apply's report has these beside a push's)."""
ADOPTED = ("journal", "marker", "digest", "perceptual")
"""Matches that make a row's file the photo found online (recorded in the journal by the apply)."""
NEEDED = ("action", "kind", "path", "source_id", "title", "description", "tags", "remote_id", "in_album", "digest")


def apply(
    plan: pd.DataFrame,
    target: Any = None,
    *,
    source: Any = None,
    journal: str | Path | None = None,
    options: PushOptions | None = None,
    **option: Any,
) -> pd.DataFrame:
    """Apply the rows of ``plan`` (as :func:`~galleryk.push.plan.plan` made it, filtered or edited as you like).

    ``target``/``source``: the clients, when the plan no longer finds the ones it was made with (a plan
    saved and loaded). ``journal``: default the plan's. How uploads go: ``options`` (:class:`PushOptions`)
    and/or its fields by name (``workers``, ``marker``, ``resize``, ``progress``, ``cancel`` ...).

    Returns a report, one row per plan row (same index): ``action``, then a push report's columns; its
    ``status`` is uploaded, created, updated, deleted, skipped, failed or cancelled. ``attrs["run"]`` names
    this apply in the journal, for :func:`~galleryk.push.undo.undo`.
    """
    missing = [c for c in NEEDED if c not in plan.columns]
    if missing or "identity" not in plan.attrs:
        raise ValueError(
            "apply needs a plan made by df.galleryk.plan(...) (its columns and attrs); "
            + (f"this table lacks {', '.join(missing)}" if missing else "this table's attrs do not name a target")
        )
    unknown = sorted(set(plan["action"].dropna().astype(str)) - set(ACTIONS))
    if unknown:
        raise ValueError(
            f"unknown action(s) {', '.join(map(repr, unknown))}; a plan's actions are {', '.join(ACTIONS)}"
        )
    found = target if target is not None else plan_client(plan)
    if found is None:
        raise ValueError("the plan's target client is gone (the plan was saved and loaded): pass target=")
    client = check_service(found, "apply")
    opts = (options or PushOptions()).with_(**option).with_(title="title", description="description", tags="tags")
    src = source if source is not None else plan_client(plan, SOURCE_ATTR)
    job = _Apply(plan, client, src, opts, journal)
    if job.identity != plan.attrs["identity"]:
        raise ValueError(
            f"this plan was made for {plan.attrs.get('target')}, not for {client.label}: plan again for this client"
        )
    return job.run()


class _Apply:
    """One apply: the plan, the target, the journal, and each row's outcome."""

    def __init__(
        self, plan: pd.DataFrame, client: Service, source: Service | None, opts: PushOptions, journal: Any
    ) -> None:
        self.plan, self.client, self.source, self.opts = plan, client, source, opts
        self.albums_mode = plan.attrs.get("mode") == "albums"
        create = bool((plan["action"] == "create_album").any())
        spec = plan.attrs.get("album_spec")
        self.target: Target = make_target(client, album=spec, create=create, policy=opts.policy)
        self.identity = self.target.identity
        self.path = Path(journal or plan.attrs.get("journal") or default_journal_path(self.target))
        self.run_id = uuid.uuid4().hex[:16]
        self.out: dict[Any, dict[str, Any]] = {}
        self.keys: dict[Any, str] = {}
        self.uploaded_ids: dict[Any, str] = {}

    # -- the whole apply -----------------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        plan, cancel = self.plan, self.opts.cancel
        for label, row in plan.iterrows():
            self.out[label] = _outcome(row)
            if row["action"] in ("conflict", "impossible"):
                self.out[label].update(status="skipped", note=f"not applied ({row['action']}): {row.get('reason')}")
        key = self._lock_key()
        lock = album_lock(key, self.target.lock_label(), timeout=self.opts.lock_timeout, cancel=cancel)
        with lock, Journal(self.path) as jr:
            if self.albums_mode:
                self._albums(jr)
            else:
                self.target.prepare(jr)
                self._uploads(jr)
                self._adopt(jr)
                self._each(jr, "update", self._update)
                self._each(jr, "delete", self._delete)
                self._arrange(jr)
                self._album_row(jr)
        return self._report()

    def _lock_key(self) -> str:
        try:
            return self.target.lock_key()
        except GallerykError:
            return self.target.identity

    def _rows(self, action: str) -> pd.DataFrame:
        return self.plan[self.plan["action"] == action]

    def _stopped(self) -> bool:
        return self.opts.cancel is not None and self.opts.cancel.is_set()

    # -- uploads -----------------------------------------------------------------------------------
    def _uploads(self, jr: Journal) -> None:
        rows = self._rows("upload")
        if not len(rows):
            return
        copies = rows["path"].isna()
        if copies.any() and self.source is None:
            for label in rows.index[copies]:
                self.out[label].update(
                    status="failed", error="a copy needs its source client (the plan's is gone): pass source="
                )
            rows = rows[~copies]
        for remote, part in ((False, rows[rows["path"].notna()]), (True, rows[rows["path"].isna()])):
            if not len(part):
                continue
            df = pd.DataFrame(
                {
                    ("id" if remote else "path"): part["source_id" if remote else "path"].astype(object),
                    "title": part["title"].astype(object),
                    "description": part["description"].astype(object),
                    "tags": part["tags"].map(lambda t: list(t) if isinstance(t, (list, tuple)) else None),
                },
                index=part.index,
            )
            if not remote:
                df["digest"] = part["digest"].astype(object)
            report = push_to(
                self.target, df, source=self.source if remote else None, journal=jr, opts=self.opts, arrange=False
            )
            for label, done in report.iterrows():
                self.out[label].update({c: done[c] for c in REPORT_COLUMNS if c != "item"})
                rid = done["remote_id"]
                key = _key(part.loc[label])
                self.keys[label] = key
                if done["status"] == "uploaded" and not pd.isna(rid):
                    self.uploaded_ids[label] = str(rid)
                    jr.change(self.run_id, self.identity, "upload", str(rid), key=key)
                    jr.change_state(self.run_id, self.identity, "upload", str(rid), "done")

    # -- recognised photos ---------------------------------------------------------------------------
    def _adopt(self, jr: Journal) -> None:
        for label, row in self.plan.iterrows():
            if row["action"] not in ("skip", "update") or row["kind"] != "photo":
                continue
            how, rid = row.get("match"), row["remote_id"]
            if pd.isna(rid) or how not in ADOPTED:
                if row["action"] == "skip":
                    self.out[label].update(status="skipped", note=_text(row.get("reason")))
                continue
            key = _key(row)
            self.keys[label] = key
            if how != "journal":
                jr.found(self.identity, key, str(int(rid)), {"label": self.out[label]["item"], "adopted": how})
            if row["in_album"] is False:
                self.target.place(str(int(rid)), jr, key)
            else:
                jr.added_to_album(self.identity, key)
            if row["action"] == "skip":
                self.out[label].update(status="skipped", remote_id=str(int(rid)), note=_text(row.get("reason")))

    # -- updates and deletes ----------------------------------------------------------------------------
    def _each(self, jr: Journal, action: str, work: Callable[[Journal, Any, pd.Series], dict]) -> None:
        rows = self._rows(action)
        if not len(rows):
            return

        def one(item: tuple[Any, pd.Series]) -> tuple[Any, dict]:
            label, row = item
            if self._stopped():
                return label, {"status": "cancelled", "error": "cancelled before it started"}
            try:
                return label, work(jr, label, row)
            except GallerykError as exc:
                return label, {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}

        with ThreadPoolExecutor(max(1, min(self.opts.workers, len(rows))), thread_name_prefix="galleryk-apply") as pool:
            for label, result in pool.map(one, list(rows.iterrows())):
                self.out[label].update(result)

    def _update(self, jr: Journal, label: Any, row: pd.Series) -> dict:
        rid = str(int(row["remote_id"]))
        if row["kind"] == "album":
            return self._update_album(jr, rid, row)
        current = self.opts.policy.call(lambda: self.client.photo_info(int(rid)))
        send: dict[str, Any] = {}
        old: dict[str, Any] = {}
        title, description = _text(row["title"]), _text(row["description"])
        if title is not None and title != (current.get("title") or ""):
            send["title"], old["title"] = title, current.get("title") or ""
        if description is not None and description != (current.get("description") or ""):
            send["description"], old["description"] = description, current.get("description") or ""
        tags = row["tags"]
        if isinstance(tags, (list, tuple)):
            now = [str(t) for t in current.get("tags") or []]
            ours = [str(t) for t in tags if not is_marker(t)]
            if sorted(ours) != sorted(t for t in now if not is_marker(t)):
                send["tags"], old["tags"] = ours + [t for t in now if is_marker(t)], now
        if not send:
            return {"status": "skipped", "remote_id": rid, "note": "already as planned: nothing sent"}
        jr.change(self.run_id, self.identity, "update", rid, old=old, new=send)
        try:
            self.opts.policy.call(lambda: self.client.edit_photo(int(rid), **send))
        except GallerykError:
            jr.change_state(self.run_id, self.identity, "update", rid, "failed")
            raise
        jr.change_state(self.run_id, self.identity, "update", rid, "done")
        return {"status": "updated", "remote_id": rid, "note": f"changed: {', '.join(send)}"}

    def _update_album(self, jr: Journal, aid: str, row: pd.Series) -> dict:
        albums = self.opts.policy.call(self.client.albums)
        now = albums[albums["id"] == int(aid)]
        if not len(now):
            return {"status": "failed", "remote_id": aid, "error": f"no {self.client.album_noun} {aid} any more"}
        current = now.iloc[0]
        send = {
            name: _text(row[name])
            for name in ("title", "description")
            if _text(row[name]) is not None and _text(row[name]) != (_text(current.get(name)) or "")
        }
        if not send:
            return {"status": "skipped", "remote_id": aid, "note": "already as planned: nothing sent"}
        old = {name: _text(current.get(name)) or "" for name in ("title", "description")}
        jr.change(self.run_id, self.identity, "update_album", aid, old=old, new=send)
        try:
            self.client.edit_album(int(aid), **send)
        except GallerykError:
            jr.change_state(self.run_id, self.identity, "update_album", aid, "failed")
            raise
        jr.change_state(self.run_id, self.identity, "update_album", aid, "done")
        return {"status": "updated", "remote_id": aid, "note": f"changed: {', '.join(send)}"}

    def _delete(self, jr: Journal, label: Any, row: pd.Series) -> dict:
        rid = str(int(row["remote_id"]))
        album = row["kind"] == "album"
        action = "delete_album" if album else "delete"
        jr.change(self.run_id, self.identity, action, rid, old={"title": _text(row.get("title"))})
        try:
            if album:
                self.client.delete_album(int(rid))
            else:
                self.client.delete_photo(int(rid))
        except ServiceError as exc:
            if exc.reason is not Reason.NOT_FOUND:
                jr.change_state(self.run_id, self.identity, action, rid, "failed")
                raise
            jr.change_state(self.run_id, self.identity, action, rid, "done")
            return {"status": "deleted", "remote_id": rid, "note": "it was gone already"}
        except GallerykError:
            jr.change_state(self.run_id, self.identity, action, rid, "failed")
            raise
        jr.change_state(self.run_id, self.identity, action, rid, "done")
        return {"status": "deleted", "remote_id": rid}

    def _albums(self, jr: Journal) -> None:
        self._each(jr, "update", self._update)
        self._each(jr, "delete", self._delete)

    # -- order and the album ---------------------------------------------------------------------------
    def _arrange(self, jr: Journal) -> None:
        staying = self.plan[self.plan["action"].isin(["upload", "skip", "update"]) & (self.plan["kind"] == "photo")]
        order: list[tuple[str, str | None]] = []
        labels: dict[str, Any] = {}
        for label, row in staying.iterrows():
            if self.out[label]["status"] in ("failed", "cancelled"):
                continue
            rid = self.uploaded_ids.get(label) or (None if pd.isna(row["remote_id"]) else str(int(row["remote_id"])))
            key = self.keys.get(label) or _key(row)
            order.append((key, rid))
            labels[key] = label
        if self._stopped():
            order = []  # only what waits to be added: quickly, without ordering
        failed = self.target.arrange(jr, order, set_order=not self._stopped() and len(order) > 1)
        for key, exc in failed.items():
            label = labels.get(key)
            if label is not None:
                rid = self.out[label].get("remote_id")
                self.out[label].update(
                    status="failed",
                    error=f"{rid or 'it'} is online but was not put in the album ({type(exc).__name__}: {exc}); "
                    "apply (or push) again to retry",
                )

    def _album_row(self, jr: Journal) -> None:
        made = self._rows("create_album")
        if self.target.created and self.target.album_id is not None:
            jr.change(self.run_id, self.identity, "create_album", self.target.album_id)
            jr.change_state(self.run_id, self.identity, "create_album", self.target.album_id, "done")
        for label in made.index:
            if self.target.created:
                self.out[label].update(status="created", remote_id=self.target.album_id)
            elif self.target.album_id is not None:
                self.out[label].update(status="skipped", remote_id=self.target.album_id, note="it exists already")
            else:
                self.out[label].update(status="failed", error="not made: no photo was uploaded to make it with")

    # -- the report ---------------------------------------------------------------------------------------
    def _report(self) -> pd.DataFrame:
        columns = ["action", *REPORT_COLUMNS]
        report = pd.DataFrame([self.out[label] for label in self.plan.index], index=self.plan.index, columns=columns)
        report["status"] = pd.Categorical(report["status"].fillna("skipped"), categories=STATUSES)
        report["action"] = pd.Categorical(self.plan["action"].astype(object), categories=ACTIONS)
        for col in ("bytes", "attempts"):
            report[col] = pd.array([None if pd.isna(v) else int(v) for v in report[col]], dtype="Int64")
        report["seconds"] = pd.to_numeric(report["seconds"], errors="coerce")
        for col in ("item", "remote_id", "album", "album_id", "error", "note", "marker"):
            report[col] = report[col].map(lambda v: None if v is None or pd.isna(v) else str(v)).astype("string")
        t = self.target
        style = check_style(self.opts.marker)
        report.attrs.update(
            {
                "target": t.label,
                "album": t.album_title or t.album_key,
                "album_id": t.album_id,
                "album_url": t.album_url if not self.albums_mode else None,
                "journal": str(self.path),
                "identity": self.identity,
                "run": self.run_id,
                "album_created": t.created,
                "order": t.order_note,
                "marker": f"{style}: {EXPLANATION}" if style else "none",
                TARGET_ATTR: self.plan.attrs.get(TARGET_ATTR),
            }
        )
        for col in ("album", "album_id"):
            report[col] = pd.array([report.attrs[col]] * len(report), dtype="string")
        return report


def _outcome(row: pd.Series) -> dict[str, Any]:
    if not pd.isna(row.get("path")):
        item = str(row["path"])
    elif not pd.isna(row.get("source_id")):
        item = f"#{row['source_id']}"
    elif row["kind"] == "album":
        item = f"album {row.get('title')!s}"
    else:
        item = f"#{row['remote_id']}" if not pd.isna(row["remote_id"]) else ""
    return {"action": row["action"], "item": item, "status": None, "remote_id": None, "seconds": 0.0, "attempts": 0}


def _key(row: pd.Series) -> str:
    """The journal key of a plan row's item: its file's digest, or its id on the service it is copied from."""
    digest = row.get("digest")
    if isinstance(digest, str) and len(digest) == 64:
        return f"sha256:{digest}"
    if not pd.isna(row.get("source_id")):
        return f"remote:{row['source_id']}"
    return f"photo:{row['remote_id']}"


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


__all__ = ["STATUSES", "apply"]
