"""The cache folder and its scopes: what is kept for a sandbox's address lives in the sandbox's folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from galleryk.base.cachedir import cache_dir, register_scope, scope_for, scopes


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_address_under_a_scope_keeps_its_files_there_until_the_scope_ends(root, tmp_path):
    (tmp_path / "sandbox").mkdir()
    end = register_scope("http://127.0.0.1:4321", tmp_path / "sandbox" / "cache")
    assert cache_dir("tokens", url="http://127.0.0.1:4321/fotki/api_auth") == tmp_path / "sandbox" / "cache" / "tokens"
    assert cache_dir("tokens", url="http://127.0.0.1:4322/fotki/api_auth") == root / "tokens"  # another port
    assert cache_dir("tokens", url="https://secure.fotki.com/api_auth") == root / "tokens"
    end()
    assert cache_dir("tokens", url="http://127.0.0.1:4321/fotki/api_auth") == root / "tokens"


def test_a_scope_whose_folder_is_gone_no_longer_counts_and_goes_at_the_next_registration(root, tmp_path):
    root.mkdir()
    (root / "scopes.json").write_text(json.dumps({"http://127.0.0.1:9": str(tmp_path / "gone" / "cache")}))
    assert scope_for("http://127.0.0.1:9/cpg") is None
    (tmp_path / "alive").mkdir()
    register_scope("http://127.0.0.1:10", tmp_path / "alive" / "cache")
    assert list(scopes()) == ["http://127.0.0.1:10"]


def test_another_process_sees_a_scope_through_the_file(root, tmp_path):
    (tmp_path / "sandbox").mkdir()
    register_scope("http://127.0.0.1:4321", tmp_path / "sandbox" / "cache")
    written = json.loads((root / "scopes.json").read_text())
    assert written == {"http://127.0.0.1:4321": str((tmp_path / "sandbox" / "cache").resolve())}
