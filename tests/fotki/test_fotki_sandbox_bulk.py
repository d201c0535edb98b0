"""Big work against the sandbox: a listing of thousands of photos over many pages, and a large streamed upload."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import psutil
from PIL import Image

from galleryk.access import sandbox_fotki
from galleryk.sandbox.fotki import db


def _jpeg(size: tuple[int, int] = (16, 16)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "purple").save(buf, "JPEG")
    return buf.getvalue()


def fill_photoset(sandbox, owner: str, count: int, title: str = "Bulk") -> tuple[int, list[int]]:
    """A photoset of ``count`` photos, made through the sandbox's own Fotki store helpers in one transaction."""
    files = sandbox.data_dir / "files" / "fotki"
    with sandbox.store.write() as conn:
        owner_id = int(conn.execute("SELECT id FROM users WHERE name = ?", (owner,)).fetchone()[0])
        relative = f"{owner_id}/bulk.jpg"
        (files / str(owner_id)).mkdir(parents=True, exist_ok=True)
        (files / relative).write_bytes(_jpeg())
        first = db.next_photo_id(conn)
        ids = list(range(first, first + count))
        for i, photo_id in enumerate(ids):
            record = db.NewPhoto(
                owner_id=owner_id,
                title=f"bulk {i}",
                description="",
                ispublic=i % 7 != 0,
                isfriend=False,
                isfamily=False,
                rotation=0,
                originalformat="jpg",
                width=16,
                height=16,
                filesize=100,
                taken="2024-06-01 12:00:00",
                tags=[],
            )
            db.insert_photo(conn, photo_id, record, relative)
        set_id = db.create_photoset(conn, owner_id, title, "", ids[0])
        for photo_id in ids[1:]:
            db.add_to_photoset(conn, set_id, photo_id)
    return set_id, ids


def test_listing_of_thousands_of_photos_over_many_pages(sandbox) -> None:
    set_id, ids = fill_photoset(sandbox, "carol", 3000)
    client = sandbox_fotki(sandbox, "carol", per_page=100, workers=4)
    df = client.photos(set_id)
    assert df["id"].tolist() == ids
    assert df["ispublic"].sum() == sum(1 for i in range(3000) if i % 7 != 0)


def test_other_users_see_only_the_public_photos_of_a_big_set(sandbox) -> None:
    set_id, _ = fill_photoset(sandbox, "carol", 1500)
    df = sandbox_fotki(sandbox, "alice", per_page=200).photos(set_id)
    assert len(df) == sum(1 for i in range(1500) if i % 7 != 0) and bool(df["ispublic"].all())


def test_limit_across_pages_returns_exactly_that_many(sandbox) -> None:
    set_id, ids = fill_photoset(sandbox, "carol", 1000)
    df = sandbox_fotki(sandbox, "carol", per_page=100).photos(set_id, limit=250)
    assert df["id"].tolist() == ids[:250]


class _PeakRss:
    """Samples this process's resident memory in a thread; ``peak`` is the highest seen."""

    def __init__(self) -> None:
        self._proc = psutil.Process(os.getpid())
        self.base = self._proc.memory_info().rss
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_large_upload_streams_from_disk_with_progress(sandbox, tmp_path: Path) -> None:
    size = 200 * 1024 * 1024
    path = tmp_path / "big.jpg"
    with open(path, "wb") as out:
        out.write(_jpeg((64, 64)))
        out.truncate(size)  # a valid JPEG followed by padding (sparse on disk)
    sandbox.settings.fotki_max_upload_bytes = 2 * size
    client = sandbox_fotki(sandbox, "alice")
    seen: list[tuple[int, int]] = []
    with _PeakRss() as rss:
        result = client.upload(path, title="big", progress=lambda sent, total: seen.append((sent, total)))
    assert result.bytes == size
    assert seen[-1][0] == seen[-1][1] >= size
    assert rss.peak - rss.base < 60 * 1024 * 1024, f"peak RSS grew by {(rss.peak - rss.base) / 2**20:.0f} MB"
