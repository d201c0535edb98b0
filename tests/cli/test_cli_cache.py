"""Housekeeping: a sandbox's files live in its folder and go with it; ``galleryk cache`` shows what is kept and
``--clean`` removes what no longer serves, saying what, and nothing that still serves."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest
from filelock import FileLock

import galleryk as gk
import galleryk.sandbox as gks
from galleryk.access import sandbox_coppermine, sandbox_fotki
from galleryk.fotki.tokencache import CachedToken, CacheKey, FileTokenCache
from galleryk.push.journal import Journal


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(folder))
    return folder


def files_in(folder: Path) -> list[str]:
    """The files under ``folder`` (a journal's -wal and -shm companions left out)."""
    if not folder.is_dir():
        return []
    found = (p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(("-wal", "-shm")))
    return sorted(str(p.relative_to(folder)) for p in found)


def closed_port() -> int:
    """A port nothing listens on (it was free a moment ago, and nothing here opens it again)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_sandboxs_tokens_journals_locks_and_thumbnails_live_in_its_folder_and_go_with_it(root, tmp_path):
    sandbox = gks.start()  # a temporary folder, gone at stop()
    try:
        fotki = sandbox_fotki(sandbox, "alice", token_cache=FileTokenCache())
        photo = gk.sandbox.sample_photos(tmp_path / "one", 1)
        report = gk.scan(photo, progress=False).galleryk.push(fotki, album="Kept apart", create=True, progress=False)
        assert list(report["status"]) == ["uploaded"]
        fotki.thumbnail(int(fotki.photos("Kept apart")["id"].iloc[0]))
        cpg = sandbox_coppermine(sandbox, "alice")
        cpg.thumbnail(int(cpg.photos("Harbour & Beach")["id"].iloc[0]))
        kept = files_in(sandbox.data_dir / "cache")
        assert {name.split("/")[0] for name in kept} == {"tokens", "journals", "locks", "thumbs"}, kept
        assert files_in(root) == ["scopes.json", "scopes.json.lock"]  # nothing of the sandbox's in the cache
    finally:
        sandbox.stop()
    assert not sandbox.data_dir.exists()
    assert json.loads((root / "scopes.json").read_text()) == {}


def test_cache_shows_each_kind_and_the_running_sandbox(root, cli, sandbox):
    r = cli("cache")
    assert r.code == 0
    assert f"galleryk's cache folder: {root}" in r.out
    for kind in ("tokens", "journals", "locks", "logins", "thumbs"):
        assert f"  {kind} " in r.out
    assert f"sandbox   http://127.0.0.1:{sandbox.port}" in r.out and str(sandbox.data_dir) in r.out


@pytest.fixture
def leftovers(root: Path) -> dict[str, Path]:
    """What a cache holds after months of use: some of it stale, some still serving."""
    gone = f"http://127.0.0.1:{closed_port()}"
    tokens = FileTokenCache(root / "tokens")
    tokens.set(CacheKey(f"{gone}/fotki/api_auth", "k"), CachedToken("t1", "write"))
    tokens.set(CacheKey("https://secure.fotki.com/api_auth", "k"), CachedToken("t2", "write"))
    (root / "journals").mkdir()
    with Journal(root / "journals" / "push-gone.sqlite3") as journal:
        journal.start(f"fotki|{gone}/fotki/v2flkr|alice|Trip", "sha:1")
    with Journal(root / "journals" / "push-real.sqlite3") as journal:
        journal.start("fotki|https://api.fotki.com/v2flkr|alice|Trip", "sha:1")
    (root / "locks").mkdir()
    (root / "locks" / "push-free.lock").write_bytes(b"")
    (root / "locks" / "push-held.lock").write_bytes(b"")
    (root / "logins").mkdir()
    old = {"endpoint": f"{gone}/fotki/api_auth", "api_key": "k", "frob": "f", "started": int(time.time()) - 3 * 86400}
    (root / "logins" / "old.json").write_text(json.dumps(old))
    (root / "logins" / "new.json").write_text(json.dumps({**old, "started": int(time.time())}))
    (root / "thumbs" / "ab").mkdir(parents=True)
    (root / "thumbs" / "ab" / "ab12.jpg").write_bytes(b"\xff\xd8\xff")
    half = root / "thumbs" / "ab" / ".thumb-x.part"
    half.write_bytes(b"\xff")
    os.utime(half, (time.time() - 7200, time.time() - 7200))
    (root / "scopes.json").write_text(json.dumps({"http://127.0.0.1:9": str(root / "no-such-sandbox" / "cache")}))
    return {"gone": Path(gone)}


def test_clean_removes_what_no_longer_serves_and_says_what(root, cli, leftovers):
    with FileLock(str(root / "locks" / "push-held.lock")):  # a push running now
        r = cli("cache", "--clean")
    assert r.code == 0
    removed = [line for line in r.out.splitlines() if line.startswith("removed ")]
    assert len(removed) == 6, r.out
    assert files_in(root) == [
        "journals/push-real.sqlite3",
        "locks/push-held.lock",
        "logins/new.json",
        "scopes.json",
        "scopes.json.lock",
        "thumbs/ab/ab12.jpg",
        f"tokens/{CacheKey('https://secure.fotki.com/api_auth', 'k').digest()}.json",
    ]
    assert "the record of the sandbox at http://127.0.0.1:9: its folder is gone" in r.out
    assert "a Fotki token for http://127.0.0.1:" in r.out and "nothing answers there any more" in r.out
    assert "the lock file push-free.lock: no push holds it" in r.out
    assert r.out.rstrip().endswith(f"removed 6 items from {root}")


def test_clean_keeps_thumbnails_unless_asked_and_cache_lists_what_clean_would_remove(root, cli, leftovers):
    before = files_in(root)
    listing = cli("cache")
    assert "7 items no longer serve" in listing.out and '"galleryk cache --clean" removes them.' in listing.out
    assert files_in(root) == before  # showing removes nothing
    cli("cache", "--clean")
    assert "thumbs/ab/ab12.jpg" in files_in(root)
    r = cli("cache", "--clean", "--thumbnails")
    assert "removed the thumbnail ab12.jpg" in r.out
    assert not [p for p in files_in(root) if p.startswith("thumbs/")]
