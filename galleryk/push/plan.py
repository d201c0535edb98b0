"""``df.galleryk.plan(target, ...)``: what a push or an edit would do, one row per action, changing nothing online.

    plan = gk.scan("~/Pictures/trip").galleryk.plan(cpg, album="Trip", create=True)
    plan[plan.action == "conflict"]                   # two photos online look like this one: decide
    report = plan[plan.action != "delete"].galleryk.apply()

A plan reads the album, the push journal, and only where needed more: the photos in no album
(on a service where photos live outside albums, when the album does not explain every row),
thumbnails, details; it sends no change. Each row
of the selection becomes one row of the plan, and so does each album to make and each photo to
delete. How a local photo is recognised online, cheapest first:

- ``journal``: an earlier push from this machine recorded it (and the album still holds it);
- ``marker``: the galleryk marker of its content shows in the listing (a tag or a caption line);
- ``digest``: the listing has a ``digest`` column (a service that says its files' sha256) equal to it;
- ``perceptual``: the perceptual hash of the remote thumbnail is within ``max_distance`` bits of
  the local picture's (:data:`~galleryk.push.matching.MAX_DISTANCE`); thumbnails are fetched only
  for remote photos no cheaper way explained, at most one each. Two candidates either way (two
  remote photos look like one local, or one remote photo like two locals) make a ``conflict``,
  never a guess.

A listing read from the same service (``fotki.photos("Trip")`` edited in pandas) is planned
against what is online now: ``update`` rows for changed titles, descriptions and tags (match
``id``); ``impossible`` where the service has no way (:meth:`~galleryk.services.contract.Service.unsupported`).
With ``delete=True`` the album's photos that no row accounts for become ``delete`` rows.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..base.errors import AlbumNotFound, Reason, ServiceError, Unsupported
from ..media import file_digest
from ..services.contract import Service, check_service
from ..services.registry import ATTR, client_for, client_ref
from . import lookalikes
from .engine import default_journal_path
from .estimate import estimate
from .items import Item, build_items
from .journal import Journal
from .markers import is_marker, tokens
from .matching import MAX_DISTANCE
from .options import PushOptions
from .planrows import (
    ACTIONS,
    COLUMNS,
    EDITABLE,
    MATCHES,
    Online,
    Row,
    int_of,
    said,
    said_value,
    table,
    tag_list,
    text_of,
)
from .report import TARGET_ATTR
from .targets import Target, make_target

SOURCE_ATTR = "galleryk_source"
"""The ``attrs`` entry naming the client a copy's photos come from."""


def plan(
    df: pd.DataFrame,
    target: Any,
    *,
    album: str | int | None = None,
    create: bool = False,
    update: bool = True,
    delete: bool = False,
    source: Any = None,
    title: Any = None,
    description: Any = None,
    tags: Any = None,
    journal: str | Path | None = None,
    max_distance: int | None = MAX_DISTANCE,
    workers: int = 4,
) -> pd.DataFrame:
    """What pushing (or, for a listing of ``target`` itself, editing) ``df`` would do; nothing is sent but reads.

    ``album``/``create``: as for a push (a missing album with ``create=True`` is a ``create_album`` row; without
    it, AlbumNotFound as a push raises). ``update``: compare titles, descriptions and tags of photos already
    online with the rows' and plan ``update`` rows for the differences. ``delete``: plan ``delete`` rows for the
    album's photos no row accounts for. ``source``: the client a listing from another service comes from (a
    copy; default: the client the listing was read with). ``title``/``description``/``tags``: as for a push (a
    literal, a column name or a function of the row). ``journal``: the push journal (default: the push's).
    ``max_distance``: bits two perceptual hashes may differ by (None: no thumbnails are fetched).

    Returns one row per action (:data:`COLUMNS`); ``attrs`` name the target and album and hold ``estimate``
    (requests, seconds, upload bytes) and ``order`` (what the service keeps of the order).
    """
    client = check_service(target, "plan")
    listed_from = client_for(df)
    src = source if source is not None else (listed_from if "path" not in df.columns else None)
    if "path" not in df.columns and src is None:
        raise ValueError(
            "plan needs a 'path' column (as galleryk.scan gives), or a listing of a service (photos() or albums()) "
            "whose client is still open, or source= for one that was saved and loaded"
        )
    albums_mode = "path" not in df.columns and "can_upload" in df.columns and "album_id" not in df.columns
    same = src is not None and check_service(src, "plan").account == client.account
    if albums_mode:
        if not same:
            raise ValueError("an albums() listing is planned against the service it was read from (to edit it)")
        return _Planner(client, None, False, update, delete, workers, journal, max_distance).albums(df)
    if same and album is None and "album_id" in df.columns:
        ids = pd.to_numeric(df["album_id"], errors="coerce").dropna().unique()
        album = int(ids[0]) if len(ids) == 1 else None
    planner = _Planner(client, album, create, update, delete, workers, journal, max_distance)
    if same:
        return planner.edits(df)
    specs = {"title": title, "description": description, "tags": tags}
    if "path" in df.columns:
        return planner.files(df, specs)
    return planner.copies(df, check_service(src, "plan"), specs)


class _Planner:
    """Makes one plan: the target, its album, the journal, what is online, and the rows."""

    def __init__(
        self,
        client: Service,
        album: str | int | None,
        create: bool,
        update: bool,
        delete: bool,
        workers: int,
        journal: str | Path | None,
        max_distance: int | None,
    ) -> None:
        self.client, self.album, self.create, self.update, self.delete = client, album, create, update, delete
        self.workers, self.journal_path, self.max_distance = workers, journal, max_distance
        self.policy = PushOptions().policy
        self.target: Target = make_target(client, album=album, create=False, policy=self.policy)
        self.missing_album = False
        self.online: dict[int, Online] = {}
        self.album_order: list[int] = []
        self.round_trip: float | None = None
        self.refusals: dict[str, Unsupported | None] = {}
        self.source: Service | None = None
        self.claimed: set[int] = set()
        self.account_read = False
        self.thumbnails_read = 0
        self.journal_file: Path | None = None
        self.pending: set[int] = set()
        """Photos of the album the service showed as awaiting an admin's approval."""

    # -- the three kinds of selection --------------------------------------------------------------
    def files(self, df: pd.DataFrame, specs: dict[str, Any]) -> pd.DataFrame:
        """Local files (a scan): recognise what is online, upload the rest."""
        items = build_items(df, remote=False, **specs)
        with self._journal() as jr:
            self._read_online()
            rows = [self._file_row(item, df.loc[item.index] if df.index.is_unique else None) for item in items]
            self._recognise(rows, jr)
        return self._finish(rows, "files")

    def copies(self, df: pd.DataFrame, source: Service, specs: dict[str, Any]) -> pd.DataFrame:
        """A listing from another service: recognise what is here already, copy the rest."""
        self.source = source
        items = build_items(df, remote=True, **specs)
        with self._journal() as jr:
            self._read_online()
            rows = [
                Row(
                    "upload",
                    "",
                    row=item.index,
                    source_id=item.remote_id,
                    title=item.title,
                    description=item.description,
                    tags=list(item.tags) if item.tags or said(df, "tags", item.index) else None,
                    item=item,
                )
                for item in items
            ]
            self._recognise(rows, jr)
        return self._finish(rows, "copies")

    def edits(self, df: pd.DataFrame) -> pd.DataFrame:
        """A listing of this same service, edited: the differences become updates."""
        if "id" not in df.columns:
            raise ValueError("a listing planned against its own service needs its 'id' column")
        with self._journal():
            self._read_online()
        claimed: set[int] = set()
        rows: list[Row] = []
        for index, values in df.iterrows():
            rid = int_of(values.get("id"))
            if rid is None:
                rows.append(Row("impossible", "the row has no photo id", row=index))
                continue
            row = Row(
                "skip",
                "",
                row=index,
                source_id=str(rid),
                remote_id=rid,
                match="id",
                title=text_of(values.get("title")),
                description=text_of(values.get("description")),
                tags=tag_list(values.get("tags")),
            )
            claimed.add(rid)
            rows.append(row)
        self._details([r.remote_id for r in rows if r.remote_id is not None and self._needs_details(r)])
        for row in rows:
            if row.remote_id is None:
                continue
            seen = self.online.get(row.remote_id)
            if seen is None:
                where = "not in this album, and " if self.update else ""
                row.action, row.reason = "impossible", f"{where}not on the service (or not a photo you may see)"
                continue
            row.in_album = seen.in_album
            self._compare(row, seen, base="unchanged")
        return self._finish(rows, "edits", claimed=claimed)

    def albums(self, df: pd.DataFrame) -> pd.DataFrame:
        """A listing of the albums, edited: title and description changes become album updates."""
        current = self.policy.call(self.client.albums)
        by_id = {int(i): r for i, (_, r) in zip(current["id"], current.iterrows()) if not pd.isna(i)}
        rows: list[Row] = []
        kept: set[int] = set()
        for index, values in df.iterrows():
            aid = int_of(values.get("id"))
            row = Row("skip", "unchanged", kind="album", row=index, remote_id=aid, match="id")
            row.title, row.description = text_of(values.get("title")), text_of(values.get("description"))
            rows.append(row)
            if aid is None or aid not in by_id:
                row.action, row.reason = "impossible", f"no {self.client.album_noun} {aid} of yours on the service"
                continue
            kept.add(aid)
            old = by_id[aid]
            changed = {
                name: (text_of(old.get(name)), getattr(row, name))
                for name in ("title", "description")
                if getattr(row, name) is not None and text_of(old.get(name)) != getattr(row, name)
            }
            if changed and self.update:
                self._changed(row, changed, "edit_album")
        if self.delete:
            for aid, old in by_id.items():
                if aid not in kept:
                    row = Row("delete", "not in the selection", kind="album", remote_id=aid, match="none")
                    row.title = text_of(old.get("title"))
                    self._refusable(row, "delete_album")
                    rows.append(row)
        return self._frame(rows, "albums")

    # -- reading what is online ---------------------------------------------------------------------
    @contextlib.contextmanager
    def _journal(self) -> Iterator[Journal]:
        """The push's journal, read (a plan writes nothing to a journal that does not exist yet)."""
        path = Path(self.journal_path) if self.journal_path is not None else default_journal_path(self.target)
        with contextlib.ExitStack() as stack:
            if path.exists():
                jr = Journal(path)
            else:
                scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="galleryk-plan-"))
                jr = Journal(Path(scratch) / "journal.sqlite3")
            stack.callback(jr.close)
            self.journal_file = path
            started = time.monotonic()
            try:
                self.target.prepare(jr)
            except AlbumNotFound as exc:
                if not (self.create and exc.can_create and exc.album is not None):
                    raise
                self.missing_album = True
            self.round_trip = time.monotonic() - started
            yield jr

    def _read_online(self) -> None:
        """The album's photos (for a push to no album: the photos in none)."""
        if not self.missing_album and (self.target.album_id is not None or self.album is None):
            aid = int(self.target.album_id) if self.target.album_id is not None else None
            listed = self.policy.call(lambda: self.client.photos(aid))
            for place, (_, row) in enumerate(listed.iterrows()):
                self._add_online(row, in_album=aid is not None, place=place)
                if not pd.isna(row.get("id")):
                    self.album_order.append(int(row["id"]))
            if aid is not None:
                self._read_pending(aid)

    def _read_pending(self, aid: int) -> None:
        """The user's photos of the album that wait for approval: they are online, though no listing shows them."""
        held = self.policy.call(lambda: self.client.pending_photos(aid, listed=self.album_order))
        self.target.note_pending(held)
        for _, row in held.iterrows():
            rid = int_of(row.get("id"))
            if rid is not None and rid not in self.online:
                self._add_online(row, in_album=True, place=None)
                self.online[rid].detailed = True  # the album editor showed its title, caption and keywords
                self.pending.add(rid)

    def _read_account(self) -> bool:
        """Where photos live outside albums, the photos in none too (once); whether that listing was read now."""
        if self.album is None or not self.client.capabilities.loose_photos or self.account_read:
            return False
        self.account_read = True
        loose = self.policy.call(lambda: self.client.photos(None))
        for _, row in loose.iterrows():
            self._add_online(row, in_album=False, place=None)
        return True

    def _add_online(self, row: pd.Series, *, in_album: bool, place: int | None) -> None:
        rid = int_of(row.get("id"))
        if rid is None or rid in self.online:
            return
        self.online[rid] = Online(
            rid,
            text_of(row.get("title")),
            text_of(row.get("description")),
            tag_list(row.get("tags")),
            in_album,
            place,
            row,
        )

    def _needs_details(self, row: Row) -> bool:
        """Whether comparing ``row`` with its photo online needs the photo's details (one request)."""
        if not self.update or row.remote_id is None:
            return False
        seen = self.online.get(row.remote_id)
        if seen is None:
            return True  # outside the album, or gone: its details say which
        if seen.detailed:
            return False
        return row.description is not None or row.tags is not None or (row.title is not None and seen.title is None)

    def _details(self, ids: list[int]) -> None:
        """Read the details (description, tags) of these photos, ``workers`` at a time; missing ones are dropped."""
        ids = [i for i in dict.fromkeys(ids)]
        if not ids:
            return

        def one(rid: int) -> dict | None:
            try:
                return self.policy.call(lambda: self.client.photo_info(rid))
            except ServiceError as exc:
                if exc.reason is Reason.NOT_FOUND:
                    return None
                raise

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max(1, min(self.workers, len(ids))), thread_name_prefix="galleryk-plan") as pool:
            infos = list(pool.map(one, ids))
        for rid, info in zip(ids, infos):
            seen = self.online.get(rid)
            if info is None:
                self.online.pop(rid, None)
                continue
            if seen is None:  # on the service, outside the album
                seen = Online(rid, text_of(info.get("title")), None, None, False, None, pd.Series(info))
                self.online[rid] = seen
            seen.title = text_of(info.get("title")) if info.get("title") is not None else seen.title
            seen.description = text_of(info.get("description")) or ""
            seen.tags = tag_list(info.get("tags")) or []
            seen.detailed = True

    # -- recognising local files and copies ----------------------------------------------------------
    def _file_row(self, item: Item, values: pd.Series | None) -> Row:
        assert item.path is not None
        row = Row("upload", "", row=item.index, path=str(item.path), item=item)
        row.title, row.description = item.title, item.description
        row.tags = list(item.tags) if item.tags or (values is not None and said_value(values.get("tags"))) else None
        if item.problem:
            row.action, row.reason = "impossible", f"not readable: {item.problem}"
        elif not item.path.is_file():
            row.action, row.reason = "impossible", f"no such file: {item.path}"
        else:
            item.digest = item.digest or file_digest(item.path)
            row.digest = item.digest
            row.bytes = item.path.stat().st_size
            if row.bytes == 0:
                row.action, row.reason = "impossible", "the file is empty"
        return row

    def _recognise(self, rows: list[Row], jr: Journal) -> None:
        """Journal, marker, digest, then pictures; then updates for what was found, uploads for the rest."""
        unseen = self.target.unseen_pending(jr)
        open_rows = [r for r in rows if r.action == "upload"]
        taken: dict[int, Row] = {}
        seen_keys: dict[str, Row] = {}
        for row in open_rows:  # the same content twice in the selection: one upload serves both
            key = row.item.key if row.item is not None else None
            if key in seen_keys:
                first = seen_keys[key]
                row.action, row.match = "skip", "none"
                row.reason = f"the same photo as {first.path or '#' + str(first.source_id)} (one upload serves both)"
            elif key is not None:
                seen_keys[key] = row
        open_rows = [r for r in open_rows if r.action == "upload"]
        entries = jr.entries(self.target.identity)
        self._exactly(open_rows, entries, taken)
        if any(r.action == "upload" for r in open_rows) and self._read_account():
            self._exactly([r for r in open_rows if r.action == "upload"], entries, taken)
        self._by_picture([r for r in open_rows if r.action == "upload"], taken)
        self._details(
            [r.remote_id for r in rows if r.action == "skip" and r.remote_id is not None and self._needs_details(r)]
        )
        for row in rows:
            if row.action == "skip" and row.remote_id is not None and row.remote_id in self.online:
                self._compare(row, self.online[row.remote_id], base=row.reason)
            elif row.action == "upload":
                where = "the new album" if self.missing_album else f"the {self.client.album_noun}"
                row.match = "none"
                row.reason = f"nothing online matches it: uploaded into {where}"
                if self.album is None:
                    row.reason = "nothing online matches it: uploaded"
                elif unseen:
                    row.reason = (
                        f"nothing online matches it, but the gallery does not show you your pictures awaiting approval "
                        f"in this {self.client.album_noun} ({self.target.pending_why}): apply sends it only with "
                        "upload_unseen=True, if no earlier push sent it"
                    )
        self.claimed = set(taken) | {c for r in rows for c in (r.candidates or [])}

    def _exactly(self, rows: list[Row], entries: dict[str, Any], taken: dict[int, Row]) -> None:
        """The ways that cost nothing but the listings read: the journal, a marker shown, a digest said."""
        by_token: dict[str, int] = {}
        by_digest: dict[str, int] = {}
        for rid, seen in self.online.items():
            for token in tokens(seen.tags, seen.description):
                by_token.setdefault(token, rid)
            digest = seen.row.get("digest") if hasattr(seen.row, "get") else None
            if isinstance(digest, str) and len(digest) == 64:
                by_digest.setdefault(digest, rid)
        for row in rows:
            item = row.item
            assert item is not None
            entry = entries.get(item.key)
            known = int_of(entry.remote_id) if entry is not None and entry.state == "uploaded" else None
            if known is not None and known in self.online and known not in taken:
                self._found(row, known, "journal", taken, "the push journal has it")
                continue
            token_hit = by_token.get(item.token) if item.digest is not None else None
            if token_hit is not None and token_hit not in taken:
                self._found(row, token_hit, "marker", taken, "carries the galleryk marker of this file's content")
                continue
            digest_hit = by_digest.get(item.digest) if item.digest is not None else None
            if digest_hit is not None and digest_hit not in taken:
                self._found(row, digest_hit, "digest", taken, "the service's file has the same sha256")

    def _found(
        self, row: Row, rid: int, how: str, taken: dict[int, Row], why: str, distance: int | None = None
    ) -> None:
        seen = self.online[rid]
        row.action, row.remote_id, row.match, row.distance, row.in_album = "skip", rid, how, distance, seen.in_album
        where = "" if seen.in_album else f"; it is in no {self.client.album_noun}: put in this one, not uploaded again"
        held = ", awaiting the gallery admin's approval" if rid in self.pending else ""
        row.reason = f"already online{held}: {why}{where}"
        taken[rid] = row

    def _by_picture(self, rows: list[Row], taken: dict[int, Row]) -> None:
        """Perceptual hashes: a thumbnail per remote photo nothing else explained, at most once each."""
        # a picture awaiting approval may have no thumbnail the user can fetch
        others = {rid: seen.row for rid, seen in self.online.items() if rid not in taken and rid not in self.pending}
        if self.max_distance is None or not rows or not others:
            return
        if self.source is not None:
            ours = lookalikes.of_photos(self.source, [int(r.source_id or 0) for r in rows], self.workers)
        else:
            ours = lookalikes.of_files([r.path or "" for r in rows], self.workers)
        pairs = lookalikes.look_alikes(ours, self.client, others, int(self.max_distance), self.workers)
        self.thumbnails_read = pairs.thumbnails
        for a, found in pairs.by_row.items():
            row = rows[a]
            if len(found) > 1:
                row.action, row.match, row.candidates = "conflict", "perceptual", [rid for rid, _ in found]
                row.distance = min(d for _, d in found)
                row.reason = "several photos online look like this one: " + ", ".join(
                    f"{rid} ({d} bits apart)" for rid, d in found
                )
                continue
            rid, distance = found[0]
            if len(pairs.by_photo[rid]) > 1:
                names = [Path(rows[i].path or "").name or f"#{rows[i].source_id}" for i in pairs.by_photo[rid]]
                row.action, row.match, row.candidates, row.distance = "conflict", "perceptual", [rid], distance
                row.reason = f"photo {rid} online looks like {len(names)} of the selection ({', '.join(names[:5])})"
                continue
            self._found(row, rid, "perceptual", taken, f"its picture is {distance} bits from this one's", distance)

    # -- comparing ---------------------------------------------------------------------------------
    def _compare(self, row: Row, seen: Online, *, base: str) -> None:
        """An update row when the row's title, description or tags differ from the photo's online (and are said)."""
        if not self.update:
            row.reason = row.reason or base
            return
        changed: dict[str, tuple[Any, Any]] = {}
        if row.title is not None and seen.title is not None and row.title != seen.title:
            changed["title"] = (seen.title, row.title)
        if row.description is not None and (seen.description or "") != row.description:
            changed["description"] = (seen.description or "", row.description)
        if row.tags is not None:
            ours = [t for t in row.tags if not is_marker(t)]
            theirs = [t for t in (seen.tags or []) if not is_marker(t)]
            if sorted(ours) != sorted(theirs):
                changed["tags"] = (theirs, ours)
            row.tags = ours
        if not changed:
            row.reason = row.reason or base
            return
        self._changed(row, changed, "edit_photo")

    def _changed(self, row: Row, changed: dict[str, tuple[Any, Any]], operation: str) -> None:
        row.changes = "; ".join(f"{name}: {old!r} -> {new!r}" for name, (old, new) in changed.items())
        for name in EDITABLE:  # an update sends only what changed
            if name not in changed:
                setattr(row, name, None)
        row.action = "update"
        found = f" ({row.reason})" if row.reason and row.match not in ("id", None) else ""
        row.reason = f"changed: {', '.join(changed)}{found}"
        self._refusable(row, operation)

    def _refusable(self, row: Row, operation: str) -> None:
        """The row becomes ``impossible`` when the service has no way to do ``operation``."""
        if operation not in self.refusals:
            self.refusals[operation] = self.client.unsupported(operation)
        refusal = self.refusals[operation]
        if refusal is not None:
            row.reason = f"{row.reason}; impossible: {refusal}" if row.action == "update" else str(refusal)
            row.action = "impossible"

    # -- the plan as a table ---------------------------------------------------------------------------
    def _finish(self, rows: list[Row], mode: str, claimed: set[int] | None = None) -> pd.DataFrame:
        claimed = claimed if claimed is not None else self.claimed
        if self.delete and not self.missing_album and self.target.album_id is not None:
            for rid in self.album_order:
                if rid in claimed:
                    continue
                seen = self.online[rid]
                row = Row("delete", "online, not in the selection", remote_id=rid, match="none", in_album=True)
                row.title = seen.title
                self._refusable(row, "delete_photo")
                rows.append(row)
        if self.missing_album:
            title = str(self.album)
            made = Row("create_album", f"no {self.client.album_noun} {title!r} yet", kind="album", title=title)
            if self.client.capabilities.album_needs_photo:
                made.reason += ": made with the first photo uploaded, in the selection's order"
            rows.insert(0, made)
        self._positions(rows)
        return self._frame(rows, mode)

    def _positions(self, rows: list[Row]) -> None:
        """Where each photo will be in the album after the apply, as this service keeps order (1 is first)."""
        caps = self.client.capabilities
        staying = [r for r in rows if r.kind == "photo" and r.action in ("upload", "skip", "update")]
        if self.album is None:
            return
        if caps.order_albums:
            for place, row in enumerate(staying, 1):
                row.position = place
        elif caps.keeps_add_order:
            kept = [r for r in staying if r.in_album and r.remote_id is not None]
            places = {rid: i for i, rid in enumerate(self.album_order, 1)}
            for row in kept:
                row.position = places.get(row.remote_id) if row.remote_id is not None else None
            after = len(self.album_order)
            for row in staying:
                if row.position is None and not (row.in_album and row.remote_id is not None):
                    after += 1
                    row.position = after

    def _frame(self, rows: list[Row], mode: str) -> pd.DataFrame:
        out = table(rows)
        caps = self.client.capabilities
        out.attrs.update(
            {
                "target": self.target.label,
                "service": self.client.service,
                "album": self.target.album_title or (None if self.album is None else str(self.album)),
                "album_spec": None if self.album is None else self.album,
                "album_id": self.target.album_id,
                "create": self.missing_album,
                "mode": mode,
                "identity": self.target.identity,
                "journal": str(self.journal_file) if self.journal_file is not None else None,
                "order": _order_words(self.client, caps),
                "thumbnails_read": self.thumbnails_read,
                TARGET_ATTR: client_ref(self.client),
            }
        )
        if self.source is not None:
            out.attrs[SOURCE_ATTR] = client_ref(self.source)
        cost = estimate(
            out, caps, calls_per_hour=self.client.calls_per_hour, round_trip=self.round_trip, workers=self.workers
        )
        out.attrs["estimate"] = cost.as_dict()
        out.attrs.pop(ATTR, None)
        return out


def _order_words(client: Service, caps: Any) -> str:
    noun = client.album_noun
    if caps.order_albums:
        return (
            f"{client.name} stores an {noun}'s order: the apply sets the selection's order (the {noun}'s other "
            "photos after); whether visitors see it depends on the service (see the apply's report)"
        )
    if caps.keeps_add_order:
        return (
            f"a {client.name} {noun} lists its photos in the order they were added: new photos are added in the "
            f"selection's order, after those it holds; those keep their places"
        )
    return f"{client.name} keeps no order of its own for an {noun}'s photos"


def plan_client(plan_df: pd.DataFrame, attr: str = TARGET_ATTR) -> Service | None:
    """The live client a plan (or a report) names in its ``attrs`` (the target; ``SOURCE_ATTR``: a copy's source)."""
    return client_for(plan_df, attr)


__all__ = ["ACTIONS", "COLUMNS", "MATCHES", "SOURCE_ATTR", "plan", "plan_client"]
