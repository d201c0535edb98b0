"""Which photos online look like which rows of a plan: perceptual hashes, one thumbnail per remote photo at most.

The rows' pictures are hashed from their files (or, for a copy, from the source service's
thumbnails); the remote photos' from the target's thumbnails, each in its four quarter turns
(:mod:`.matching`). Every pair within ``max_distance`` bits is kept, both ways, so that the
planner can tell one candidate from several: two candidates are a conflict, never a guess. A
thumbnail that cannot be fetched matches nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..services.contract import Service
from .matching import THUMB_SIZE, close_pairs, local_hashes, remote_hashes


@dataclass
class LookAlikes:
    """The pairs within the distance: by row position, the remote photos and their distances (closest first); by
    remote photo, the row positions; and how many remote thumbnails were read."""

    by_row: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    by_photo: dict[int, list[int]] = field(default_factory=dict)
    thumbnails: int = 0


def of_files(paths: Sequence[str], workers: int) -> np.ndarray:
    """The hashes of local pictures, one row each."""
    return local_hashes(list(paths), workers)


def of_photos(client: Service, ids: Sequence[int], workers: int) -> np.ndarray:
    """The hashes of photos on ``client`` (a copy's source), upright, one row each."""
    return remote_hashes(lambda pid: client.thumbnail(int(pid), size=THUMB_SIZE), ids, workers, skip_failures=True)[
        :, 0, :
    ]


def look_alikes(
    ours: np.ndarray, client: Service, photos: dict[int, pd.Series], max_distance: int, workers: int
) -> LookAlikes:
    """Pairs of the rows hashed in ``ours`` and the ``photos`` online (id -> a listing row) within ``max_distance``."""
    found = LookAlikes()
    ids = list(photos)
    if not len(ours) or not ids:
        return found
    theirs = remote_hashes(lambda rid: client.thumbnail(photos[rid], size=THUMB_SIZE), ids, workers, skip_failures=True)
    found.thumbnails = len(ids)
    for distance, a, b, _turn in close_pairs(ours, theirs, int(max_distance)):
        found.by_row.setdefault(a, []).append((ids[b], distance))
        found.by_photo.setdefault(ids[b], []).append(a)
    return found


__all__ = ["LookAlikes", "look_alikes", "of_files", "of_photos"]
