"""Fixtures for push tests: folders of distinct photos, signed-in clients, and a way to count what arrived."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki


def make_photos(folder: Path, count: int, prefix: str = "photo", size: tuple[int, int] = (320, 240)) -> list[Path]:
    """``count`` small JPEGs with different pixels (so different digests) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}_{i:03d}.jpg"
        Image.new("RGB", size, ((i * 37) % 256, (i * 91) % 256, (i * 13 + 60) % 256)).save(path, quality=90)
        paths.append(path)
    return paths


def fotki_titles(client: gk.Fotki) -> Counter:
    """How many times each title occurs among all of the user's photos (in sets and in none)."""
    frames = [client.photos()]
    frames += [client.photos(int(set_id)) for set_id in client.photosets()["id"]]
    listed = pd.concat(frames, ignore_index=True).drop_duplicates("id")
    return Counter(listed["title"].tolist())


def coppermine_titles(client: gk.Coppermine, album: int | str) -> Counter:
    return Counter(client.photos(album)["title"].fillna("").tolist())


def _delete_fotki_photos(sandbox, ids) -> None:
    """Delete photos on the sandbox's Fotki as its website would (it has no API call for that)."""
    with sandbox.store.write() as conn:
        for photo_id in map(int, ids):
            conn.execute("DELETE FROM fotki_set_photos WHERE photo_id = ?", (photo_id,))
            conn.execute("DELETE FROM fotki_tags WHERE photo_id = ?", (photo_id,))
            conn.execute("DELETE FROM fotki_photos WHERE id = ?", (photo_id,))


def _delete_coppermine_pictures(sandbox, pids) -> None:
    """Delete pictures on the sandbox gallery as its admin pages would."""
    with sandbox.store.write() as conn:
        conn.executemany("DELETE FROM cpg_pictures WHERE pid = ?", [(int(p),) for p in pids])


@pytest.fixture
def child_env(tmp_path: Path):
    """Environment for a child process that pushes to the sandbox as alice (credentials as a user would set them)."""
    import os

    def env(sandbox, fotki: gk.Fotki) -> dict:
        return {
            **os.environ,
            "GALLERYK_CONFIG": str(tmp_path / "none.ini"),
            "GALLERYK_FOTKI_API_KEY": sandbox.api_key,
            "GALLERYK_FOTKI_SECRET": sandbox.secret,
            "GALLERYK_FOTKI_API_URL": sandbox.fotki_api_url,
            "GALLERYK_FOTKI_AUTH_URL": sandbox.fotki_auth_url,
            "GALLERYK_FOTKI_TOKEN": fotki.check_token().token,
        }

    return env


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Push locks, default journals and match's remote thumbnails go to a folder of the test run, never home."""
    monkeypatch.setenv("GALLERYK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    make_photos(tmp_path / "photos", 6)
    return tmp_path / "photos"


@pytest.fixture
def fotki(sandbox) -> gk.Fotki:
    return sandbox_fotki(sandbox, "alice")


@pytest.fixture
def stock_sandbox(sandbox):
    """The sandbox gallery as a stock Coppermine 1.6 (no api/)."""
    sandbox.settings.coppermine_api = False
    return sandbox


@pytest.fixture
def cpg(stock_sandbox) -> gk.Coppermine:
    return sandbox_coppermine(stock_sandbox, "alice")


@pytest.fixture
def cpg_api(sandbox) -> gk.Coppermine:
    sandbox.settings.coppermine_api = True
    return sandbox_coppermine(sandbox, "alice")


@pytest.fixture(name="make_photos")
def _make_photos_fixture():
    return make_photos


@pytest.fixture(name="fotki_titles")
def _fotki_titles_fixture():
    return fotki_titles


@pytest.fixture(name="coppermine_titles")
def _coppermine_titles_fixture():
    return coppermine_titles


@pytest.fixture
def delete_fotki_photos():
    return _delete_fotki_photos


@pytest.fixture
def delete_coppermine_pictures():
    return _delete_coppermine_pictures
