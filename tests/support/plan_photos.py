"""Helpers of the plan tests: a folder of real-looking photos, and "another tool" that uploaded some of them.

The other tool uploads resized, recompressed copies with titles of its own and no galleryk
marker, as the owners who ask for adoption describe: galleryk can recognise them only by their
pictures.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from PIL import Image

import galleryk as gk

WRITE_METHODS = (
    "upload",
    "flickr.photosets.addPhoto",
    "flickr.photosets.create",
    "flickr.photosets.editMeta",
    "flickr.photosets.delete",
)
"""The Fotki sandbox's calls that change something."""


def folder(root: Path, count: int = 6) -> Path:
    """``count`` of the sandbox's sample photos (distinct pictures, camera names) in a folder of their own."""
    target = root / "photos"
    gk.sandbox.sample_photos(target, count)
    return target


def files(where: Path) -> list[Path]:
    return sorted(where.glob("*.jpg"))


def resized(path: Path, side: int = 400, quality: int = 80) -> bytes:
    """What another tool would have uploaded: the picture made smaller and saved again."""
    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((side, side))
        out = io.BytesIO()
        im.save(out, "JPEG", quality=quality)
        return out.getvalue()


def other_tool(client: gk.Service, paths: list[Path], album: str | None, *, into_album: bool = True) -> list[int]:
    """Upload resized copies of ``paths`` as another tool would (its own titles, no marker); their ids, in order.

    On a service whose albums need a first photo, the album is made with the first copy; with
    ``into_album=False`` (such a service only) the copies stay outside every album.
    """
    caps = client.capabilities
    ids: list[int] = []
    aid: int | None = None
    if album is not None and not caps.album_needs_photo:
        aid = client.create_album(album)
    for path in paths:
        into = aid if not caps.adds_to_album else None
        result = client.upload(resized(path), album=into, title=path.stem.upper(), filename=path.name)
        assert result.id is not None
        ids.append(int(result.id))
        if caps.adds_to_album and album is not None and into_album:
            if aid is None:
                aid = client.create_album(album, photo=result.id)
            else:
                client.add_to_album(aid, result.id)
    return ids


def scan(where: Path) -> pd.DataFrame:
    return gk.scan(where, progress=False)


def titled(df: pd.DataFrame) -> pd.DataFrame:
    """The scan with a title per photo, as a user would set before pushing: the name without the date."""
    out = df.copy()
    out["title"] = [Path(p).stem.split("_", 2)[-1].replace("_", " ").title() for p in out["path"]]
    return out
