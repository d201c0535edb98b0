"""The token cache: private files, one per (endpoint, api_key, user), reused and forgotten."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from galleryk.fotki.tokencache import CachedToken, CacheKey, FileTokenCache, MemoryTokenCache, default_cache_dir

KEY = CacheKey("https://secure.fotki.com/api_auth", "key123", "alice")
TOKEN = CachedToken("72157-secret-token", "write", "7", "alice", "Alice Example")


def test_file_cache_round_trip(tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path / "tokens")
    cache.set(KEY, TOKEN)
    assert FileTokenCache(tmp_path / "tokens").get(KEY) == TOKEN


def test_file_cache_is_private(tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path / "tokens")
    cache.set(KEY, TOKEN)
    assert stat.S_IMODE(cache.path(KEY).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "tokens").stat().st_mode) == 0o700


def test_file_name_reveals_neither_user_nor_key(tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path)
    cache.set(KEY, TOKEN)
    assert "alice" not in cache.path(KEY).name and "key123" not in cache.path(KEY).name


def test_keys_differ_by_endpoint_api_key_and_user(tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path)
    cache.set(KEY, TOKEN)
    others = [
        CacheKey("http://other/api_auth", "key123", "alice"),
        CacheKey(KEY.endpoint, "k2", "alice"),
        CacheKey(KEY.endpoint, "key123", "bob"),
    ]
    assert [cache.get(k) for k in others] == [None, None, None]


def test_forget_removes_the_token(tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path)
    cache.set(KEY, TOKEN)
    cache.forget(KEY)
    assert cache.get(KEY) is None and list(tmp_path.iterdir()) == []


def test_corrupt_file_reads_as_no_token(tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path)
    cache.set(KEY, TOKEN)
    cache.path(KEY).write_text("{not json")
    assert cache.get(KEY) is None


def test_default_folder_follows_galleryk_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path / "tokens"


def test_memory_cache_round_trip() -> None:
    cache = MemoryTokenCache()
    cache.set(KEY, TOKEN)
    assert cache.get(KEY) == TOKEN
    cache.forget(KEY)
    assert cache.get(KEY) is None


def test_default_folder_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GALLERYK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "galleryk" / "tokens"


def test_galleryk_cache_dir_wins_over_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(tmp_path / "gk"))
    assert default_cache_dir() == tmp_path / "gk" / "tokens"
