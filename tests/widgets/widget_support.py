"""Helpers for the widget tests: big photosets made straight in the sandbox's store, folders of photos."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from galleryk.sandbox.demo_images import demo_catalog, render_jpeg
from galleryk.sandbox.fotki import db


def fill_photoset(sandbox, owner: str, count: int, title: str, kinds: int = 12) -> tuple[int, list[int]]:
    """A photoset of ``count`` photos of ``owner``, in one transaction; ``kinds`` different pictures, reused."""
    files = sandbox.data_dir / "files" / "fotki"
    pictures = [render_jpeg(p, quality=70) for p in demo_catalog(kinds, seed=5)]
    with sandbox.store.write() as conn:
        owner_id = int(conn.execute("SELECT id FROM users WHERE name = ?", (owner,)).fetchone()[0])
        folder = files / str(owner_id)
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for k, data in enumerate(pictures):
            name = f"{owner_id}/bulk-{title.replace(' ', '_')}-{k}.jpg"
            (files / name).write_bytes(data)
            names.append(name)
        first = db.next_photo_id(conn)
        ids = list(range(first, first + count))
        for i, photo_id in enumerate(ids):
            record = db.NewPhoto(
                owner_id=owner_id,
                title=f"{title} {i + 1}",
                description="",
                ispublic=True,
                isfriend=False,
                isfamily=False,
                rotation=0,
                originalformat="jpg",
                width=640,
                height=480,
                filesize=len(pictures[i % kinds]),
                taken="2024-06-01 12:00:00",
                tags=["bulk"],
            )
            db.insert_photo(conn, photo_id, record, names[i % kinds])
        set_id = db.create_photoset(conn, owner_id, title, "", ids[0])
        for photo_id in ids[1:]:
            db.add_to_photoset(conn, set_id, photo_id)
    return set_id, ids


def make_photos(folder: Path, count: int, prefix: str = "photo", size: tuple[int, int] = (480, 360)) -> list[Path]:
    """``count`` JPEGs with different pixels (so different digests) and a visible number."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}_{i:03d}.jpg"
        image = Image.new("RGB", size, ((i * 47) % 256, (i * 91 + 40) % 256, (i * 13 + 120) % 256))
        draw = ImageDraw.Draw(image)
        draw.ellipse(
            (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=((i * 97) % 256, 200, (i * 31) % 256)
        )
        draw.text((10, 10), f"{prefix} {i + 1}", fill=(255, 255, 255))
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=85)
        path.write_bytes(buf.getvalue())
        paths.append(path)
    return paths
