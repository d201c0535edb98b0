"""``galleryk cache``: what galleryk keeps on disk, and ``--clean`` to remove what no longer serves.

What is kept (:mod:`galleryk.base.cachedir`): Fotki tokens, push journals and their locks,
unfinished sign-ins, thumbnails, and the register of running sandboxes (whose own files live in
their data folders and go with them). What no longer serves, and ``--clean`` removes, saying
what: the record of a sandbox whose folder is gone; tokens and journals for an address on this
machine where nothing answers any more (a sandbox that is gone); lock files no push holds;
sign-ins left unfinished for a day; files half-written by a process that died. Thumbnails
serve a later scroll, so they go only with ``--thumbnails``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..base.cachedir import cache_root, drop_scopes, scopes

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})
STALE_LOGIN_SECONDS = 24 * 3600
"""An unfinished sign-in older than this has no use: its one-time frob has long expired."""
STALE_PART_SECONDS = 3600
"""A half-written file older than this was left by a process that died."""
KINDS = ("tokens", "journals", "locks", "logins", "thumbs")


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "cache",
        parents=[common],
        help="what galleryk keeps on disk; --clean removes what no longer serves",
        description="Show what galleryk keeps in its cache folder (tokens, push journals and locks, unfinished "
        "sign-ins, thumbnails, running sandboxes). With --clean, remove what no longer serves and say what.",
    )
    p.add_argument("--clean", action="store_true", help="remove what no longer serves, one line per item removed")
    p.add_argument("--thumbnails", action="store_true", help="with --clean: remove every thumbnail too")
    p.set_defaults(func=run)


@dataclass(frozen=True)
class Stale:
    """A file (or a sandbox's record) that no longer serves, and why."""

    path: Path | None
    what: str
    why: str
    scope: str | None = None  # the sandbox address of a record to drop


def run(args: argparse.Namespace) -> int:
    root = cache_root()
    stale = list(find_stale(root, thumbnails=args.thumbnails and args.clean))
    if not args.clean:
        show(root, stale)
        return 0
    removed = 0
    for item in stale:
        if item.scope is not None:
            drop_scopes([item.scope])
        elif item.path is not None and not _remove(item.path):
            continue  # gone already, or a push took the lock since it was listed
        removed += 1
        print(f"removed {item.what}: {item.why}")
    s = "s" if removed != 1 else ""
    print(
        f"galleryk cache: removed {removed} item{s} from {root}"
        if removed
        else f"galleryk cache: nothing to remove in {root}"
    )
    return 0


def show(root: Path, stale: list[Stale]) -> None:
    """What is kept, kind by kind, and how much of it no longer serves."""
    print(f"galleryk's cache folder: {root}" + ("" if root.is_dir() else " (empty: nothing kept yet)"))
    for kind in KINDS:
        found = [p for p in (root / kind).rglob("*") if p.is_file()] if (root / kind).is_dir() else []
        size = sum(_size(p) for p in found)
        files = [p for p in found if not p.name.endswith(("-wal", "-shm"))]  # a journal's companions are part of it
        print(f"  {kind:<9} {len(files):>6,} file{'s' if len(files) != 1 else ' '}  {_bytes(size):>9}  {_about(kind)}")
    running = {key: folder for key, folder in scopes().items() if folder.parent.is_dir()}
    for key, folder in sorted(running.items()):
        print(f"  sandbox   {key}: its tokens, journals, locks and thumbnails are in {folder}")
    if stale:
        print(f"{len(stale)} item{'s' if len(stale) != 1 else ''} no longer serve:")
        for item in stale:
            print(f"  {item.what}: {item.why}")
        print('"galleryk cache --clean" removes them.')
    else:
        print("Everything kept still serves.")


def _about(kind: str) -> str:
    return {
        "tokens": "Fotki sign-ins (galleryk login)",
        "journals": "what each push sent, so a rerun resumes",
        "locks": "one push at a time per album",
        "logins": "sign-ins waiting for approval",
        "thumbs": "thumbnails of remote photos",
    }[kind]


def find_stale(root: Path, *, thumbnails: bool = False) -> Iterator[Stale]:
    """Everything under ``root`` that no longer serves (and, with ``thumbnails``, every thumbnail)."""
    listening: dict[str, bool] = {}

    def gone(url: str | None) -> bool:
        """Whether ``url`` is an address on this machine where nothing answers (a sandbox that stopped)."""
        if not url:
            return False
        parts = urlsplit(url)
        if parts.hostname not in LOOPBACK:
            return False
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = f"{parts.hostname}:{port}"
        if key not in listening:
            listening[key] = _answers(parts.hostname or "127.0.0.1", port)
        return not listening[key]

    for key, folder in sorted(scopes().items()):
        if not folder.parent.is_dir():
            yield Stale(None, f"the record of the sandbox at {key}", "its folder is gone", scope=key)
    for path in _files(root / "tokens", "*.json"):
        endpoint = _json(path).get("endpoint")
        if gone(endpoint):
            yield Stale(path, f"a Fotki token for {endpoint}", "nothing answers there any more")
    for path in _files(root / "journals", "*.sqlite3"):
        endpoints = _journal_endpoints(path)
        if endpoints and all(gone(e) for e in endpoints):
            yield Stale(
                path,
                f"the push journal {path.name} (pushes to {', '.join(sorted(endpoints))})",
                "nothing answers there any more",
            )
    for path in _files(root / "locks", "*.lock"):
        if not _held(path):
            yield Stale(path, f"the lock file {path.name}", "no push holds it")
    for path in _files(root / "locks", "*.who"):
        if not path.with_suffix(".lock").exists():
            yield Stale(path, f"the note {path.name}", "its lock file is gone")
    now = time.time()
    for path in _files(root / "logins", "*.json"):
        started = _json(path).get("started")
        if not isinstance(started, (int, float)) or now - started > STALE_LOGIN_SECONDS:
            yield Stale(
                path, f"an unfinished sign-in to {_json(path).get('endpoint') or '?'}", "started over a day ago"
            )
    for pattern in (".*.part", ".*.tmp"):
        for path in _files(root, pattern, deep=True):
            if now - _mtime(path) > STALE_PART_SECONDS:
                yield Stale(path, f"the half-written file {path.relative_to(root)}", "left by a process that stopped")
    if thumbnails:
        for path in _files(root / "thumbs", "*.jpg", deep=True):
            yield Stale(path, f"the thumbnail {path.name}", "--thumbnails asks for every thumbnail")


def _files(folder: Path, pattern: str, deep: bool = False) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in (folder.rglob(pattern) if deep else folder.glob(pattern)) if p.is_file())


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _journal_endpoints(path: Path) -> set[str]:
    """The addresses a journal's pushes went to (its targets are ``service|endpoint|user|album``)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as db:
            targets = [r[0] for r in db.execute("SELECT target FROM items UNION SELECT target FROM albums")]
    except sqlite3.Error:
        return set()
    return {t.split("|")[1] for t in targets if t.count("|") >= 2}


def _held(path: Path, remove: bool = False) -> bool:
    """Whether a push holds the lock file now (the OS lock is taken for an instant to find out).

    ``remove``: when no push holds it, remove the file while holding its lock, so no push takes it meanwhile.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    try:
        if remove:
            path.unlink(missing_ok=True)
    finally:
        lock.release()
    return False


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _remove(path: Path) -> bool:
    if path.suffix == ".lock":
        return not _held(path, remove=True)  # a push may have taken it since it was listed
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    for extra in ("-wal", "-shm"):  # a journal's companions
        Path(f"{path}{extra}").unlink(missing_ok=True)
    return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()


def _bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"
