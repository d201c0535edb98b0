"""``galleryk.match(local, remote)``: which of my photos are already online, and which online photos I lack.

    m = gk.match(gk.scan("~/Pictures/trip"), fotki.photos("Trip"))
    m.local[m.local["how"].isna()].galleryk.push(fotki, album="Trip")   # send only what is missing
    m.remote_only                                                      # online, with no copy here

Three ways to recognise a copy, strongest first:

- ``marker``: the remote photo carries the push marker tag or keyword of the local file's
  content digest (galleryk put it there when it uploaded that file);
- ``digest``: the remote original's sha256 equals the local file's (the service kept the
  bytes): from a ``digest`` column of ``remote``, or computed by downloading the originals
  when ``originals=True``;
- ``phash``: a perceptual hash of the remote thumbnail (``client.thumbnail``) is within
  ``max_distance`` bits of the local picture's, for copies the service resized, recompressed
  or turned a quarter turn. Each remote photo is then the copy of at most one local photo.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..media import file_digest, thumbnail
from ..services.contract import Service, check_service
from ..services.registry import client_for
from . import markers
from .items import Item

HASH_SIZE = 16
"""Side of the perceptual hash: 16 gives 256 bits (imagehash's default 8 gives 64, too few to tell bursts apart)."""
MAX_DISTANCE = 12
"""Bits (of 256) two pictures may differ by and still be copies. Measured on the sample photos:
resized and recompressed copies differ by 0 to 4 bits, near-duplicates (a 6 % crop, one shape
added) by 22 or more, different pictures by about 130."""
THUMB_SIZE = 128
"""Pixels a side of the pictures hashed: the hash reads 64 x 64, so a service's own small preview (Fotki's
100 px thumbnail, Coppermine's 128 px one) serves, and no original is downloaded to match."""
ROTATIONS = (0, 90, 180, 270)


class Match(NamedTuple):
    """What :func:`match` found; unpacks as ``local, remote_only = gk.match(...)``.

    ``local``: the local table (same index and columns) plus ``remote_id`` (Int64),
    ``how`` ("marker", "digest" or "phash"; <NA> when nothing matched), ``distance``
    (Int64: bits apart for phash, 0 for the exact ways) and ``rotation`` (Int64: degrees the
    remote copy is turned clockwise from the local picture, for phash; else 0).
    ``remote_only``: the rows of ``remote`` (same index and columns) no local photo matched.
    """

    local: pd.DataFrame
    remote_only: pd.DataFrame


def match(
    local: pd.DataFrame,
    remote: pd.DataFrame,
    client: Service | None = None,
    *,
    max_distance: int | None = MAX_DISTANCE,
    originals: bool = False,
    workers: int = 4,
) -> Match:
    """Match the photos of a scan (``local``) with a listing from Fotki or Coppermine (``remote``).

    ``client`` is the client ``remote`` was listed with (default: the one the listing
    remembers). It reads tags or keywords for markers, thumbnails for perceptual hashes and,
    with ``originals=True``, the original files for digests. ``max_distance=None`` turns
    perceptual matching off (then no thumbnail is fetched).
    """
    if not isinstance(local, pd.DataFrame) or "path" not in local.columns:
        raise ValueError("match: local must be a table of files with a 'path' column, as galleryk.scan gives")
    if not isinstance(remote, pd.DataFrame):
        raise TypeError(f"match: remote must be a listing DataFrame, not {type(remote).__name__}")
    id_column = "id"
    if id_column not in remote.columns:
        raise ValueError(
            "match: remote needs an 'id' column, as photos() gives; "
            f"its columns are: {', '.join(map(str, remote.columns))}"
        )
    if max_distance is not None and (isinstance(max_distance, bool) or not 0 <= int(max_distance) <= HASH_SIZE**2):
        raise ValueError(f"match: max_distance is a number of bits from 0 to {HASH_SIZE**2}, or None")
    client = client if client is not None else client_for(remote)
    if client is not None:
        client = check_service(client, "match")

    files = local.reset_index(drop=True)  # positions inside; the caller's index is kept in the result
    digests = _local_digests(files)
    remote_ids = [int(v) for v in remote[id_column]]
    found: dict[int, tuple[int, str, int, int]] = {}  # local position -> (remote id, how, distance, rotation)
    taken: set[int] = set()

    marks = _remote_markers(remote, client, remote_ids, workers)
    if marks is not None:
        by_marker: dict[str, int] = {}
        for rid, row_tokens in zip(remote_ids, marks):
            for token in row_tokens:
                by_marker.setdefault(token, rid)
        for index, digest in digests.items():
            hit = by_marker.get(Item(index=index, label="", digest=digest).token)
            if hit is not None:
                found[index] = (hit, "marker", 0, 0)
                taken.add(hit)

    remote_digests = _remote_digests(remote, client, remote_ids, taken, originals, workers)
    if remote_digests:
        by_digest: dict[str, int] = {}
        for rid, digest in remote_digests.items():
            by_digest.setdefault(digest, rid)
        for index, digest in digests.items():
            if index not in found and digest in by_digest:
                found[index] = (by_digest[digest], "digest", 0, 0)
                taken.add(by_digest[digest])

    if max_distance is not None:
        readable = files["error"].isna() if "error" in files.columns else pd.Series(True, index=files.index)
        wanted = [i for i in range(len(files)) if i not in found and bool(readable.iloc[i])]
        others = [rid for rid in remote_ids if rid not in taken]
        if wanted and others:
            if client is None:
                raise ValueError(
                    "match: this listing does not say which client it came from (it was saved and "
                    "loaded, or built by hand): pass client=, or max_distance=None to skip thumbnails"
                )
            for index, (rid, distance, rotation) in _by_picture(
                files, wanted, remote, id_column, others, client, int(max_distance), workers
            ).items():
                found[index] = (rid, "phash", distance, rotation)
                taken.add(rid)

    out = local.copy()
    rows = [found.get(i) for i in range(len(files))]
    out["remote_id"] = pd.array([r[0] if r else None for r in rows], dtype="Int64")
    out["how"] = pd.array([r[1] if r else None for r in rows], dtype="string")
    out["distance"] = pd.array([r[2] if r else None for r in rows], dtype="Int64")
    out["rotation"] = pd.array([r[3] if r else None for r in rows], dtype="Int64")
    remote_only = remote[[rid not in taken for rid in remote_ids]].copy()
    remote_only.attrs = dict(remote.attrs)
    return Match(out, remote_only)


# -- exact ways ------------------------------------------------------------------------------------
def _local_digests(files: pd.DataFrame) -> dict[int, str]:
    out: dict[int, str] = {}
    given = files["digest"] if "digest" in files.columns else pd.Series(None, index=files.index, dtype=object)
    for position, (path, digest) in enumerate(zip(files["path"], given)):
        if not isinstance(digest, str) or len(digest) != 64:
            try:
                digest = file_digest(str(path))
            except OSError:
                continue
        out[position] = digest
    return out


def _remote_markers(remote: pd.DataFrame, client: Any, ids: list[int], workers: int) -> list[set[str]] | None:
    """Each remote photo's push-marker tokens, from its tags and description: from the table where it says
    them (a listing read with details, or built by hand), else asked of the client (one details call per photo)."""
    n = len(remote)
    tags = remote["tags"] if "tags" in remote.columns else pd.Series([None] * n, index=remote.index)
    texts = remote["description"] if "description" in remote.columns else pd.Series([None] * n, index=remote.index)
    out: list[set[str] | None] = [
        None if _unknown(t) else markers.tokens(_as_list(t), _text(d)) for t, d in zip(tags, texts)
    ]
    missing = [rid for rid, found in zip(ids, out) if found is None]
    if missing and client is not None:
        infos = client.photo_infos(missing, workers=workers)
        by_id = {
            int(i): markers.tokens(_as_list(t), _text(d))
            for i, t, d in zip(infos["id"], infos["tags"], infos["description"])
        }
        out = [found if found is not None else by_id.get(rid, set()) for rid, found in zip(ids, out)]
    elif missing:
        if len(missing) == n:
            return None
        out = [found if found is not None else set() for found in out]
    return [found or set() for found in out]


def _unknown(value: Any) -> bool:
    """Whether a tags cell says nothing (the listing did not read them), as opposed to an empty list."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and value != value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _as_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return []
    if isinstance(value, str):
        return [t for t in re.split(r"[\s,;]+", value) if t]
    return [str(t) for t in value]


def _remote_digests(
    remote: pd.DataFrame, client: Any, ids: list[int], taken: set[int], originals: bool, workers: int
) -> dict[int, str]:
    if "digest" in remote.columns:
        return {rid: d for rid, d in zip(ids, remote["digest"]) if isinstance(d, str) and len(d) == 64}
    if not originals:
        return {}
    if client is None:
        raise ValueError("match: originals=True needs the client the listing came from: pass client=")
    todo = [rid for rid in ids if rid not in taken]
    with tempfile.TemporaryDirectory(prefix="galleryk-match-") as folder:

        def digest_of(rid: int) -> str:
            path = client.download(rid, f"{folder}/{rid}")
            try:
                return file_digest(path)
            finally:
                path.unlink(missing_ok=True)

        return dict(zip(todo, _pool_map(digest_of, todo, workers)))


# -- perceptual hashes --------------------------------------------------------------------------------
def _bits(image: Any) -> np.ndarray:
    import imagehash

    return imagehash.phash(image, hash_size=HASH_SIZE).hash.reshape(-1)


def _remote_bits(data: bytes) -> np.ndarray:
    """The remote thumbnail's hash in each of the four quarter turns: shape (4, bits)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        upright = im.convert("RGB")
    # PIL's rotate turns counter-clockwise: turning the remote copy back by r undoes a clockwise turn of r
    return np.stack([_bits(upright.rotate(r, expand=True) if r else upright) for r in ROTATIONS])


def _by_picture(
    files: pd.DataFrame,
    wanted: list[int],
    remote: pd.DataFrame,
    id_column: str,
    others: list[int],
    client: Any,
    max_distance: int,
    workers: int,
) -> dict[int, tuple[int, int, int]]:
    """Local position -> (remote id, distance, rotation) for the closest pairs within ``max_distance``, one to one."""
    rows = {int(r[id_column]): r for _, r in remote.iterrows()}
    paths = files["path"]
    ours = local_hashes([str(paths.iloc[i]) for i in wanted], workers)
    theirs = remote_hashes(lambda rid: client.thumbnail(rows[rid], size=THUMB_SIZE), others, workers)
    out: dict[int, tuple[int, int, int]] = {}
    used: set[int] = set()
    for distance, a, b, rotation in close_pairs(ours, theirs, max_distance):
        if wanted[a] in out or b in used:
            continue
        out[wanted[a]] = (others[b], distance, rotation)
        used.add(b)
    return out


def local_hashes(paths: Sequence[str], workers: int = 4) -> np.ndarray:
    """The perceptual hash of each local picture (its upright thumbnail): shape (n, bits), booleans."""
    if not paths:
        return np.zeros((0, HASH_SIZE**2), dtype=bool)
    return np.stack(list(_pool_map(lambda path: _bits(thumbnail(str(path), THUMB_SIZE)), paths, workers)))


def remote_hashes(
    fetch: Callable[[Any], bytes], refs: Sequence[Any], workers: int = 4, *, skip_failures: bool = False
) -> np.ndarray:
    """The hash of each remote thumbnail (``fetch(ref)`` gives its JPEG bytes) in each quarter turn: shape
    (m, 4, bits). With ``skip_failures``, a thumbnail that cannot be fetched or read gets a row that matches
    nothing (the reason is lost; the photo is simply not recognised by its picture)."""

    def one(ref: Any) -> np.ndarray | None:
        try:
            return _remote_bits(fetch(ref))
        except Exception:
            if not skip_failures:
                raise
            return None

    rows = list(_pool_map(one, refs, workers))
    bits = HASH_SIZE**2
    out = np.zeros((len(rows), len(ROTATIONS), bits), dtype=bool)
    for i, row in enumerate(rows):
        if row is None:
            out[i, :, : bits // 2] = True  # half the bits set, half not: far from any real picture's hash
        else:
            out[i] = row
    return out


def close_pairs(ours: np.ndarray, theirs: np.ndarray, max_distance: int) -> list[tuple[int, int, int, int]]:
    """Every (distance, local position, remote position, rotation) within ``max_distance`` bits, closest first.

    ``ours`` (n, bits) from :func:`local_hashes`, ``theirs`` (m, 4, bits) from :func:`remote_hashes`;
    the rotation is the quarter turn (degrees clockwise) of the remote copy that fits best.
    """
    if not len(ours) or not len(theirs):
        return []
    signed_ours = ours.astype(np.float32) * 2 - 1  # (n, bits) as +-1
    signed_theirs = theirs.astype(np.float32) * 2 - 1  # (m, 4, bits)
    bits = signed_ours.shape[1]
    pairs: list[tuple[int, int, int, int]] = []
    flat = signed_theirs.reshape(-1, bits)
    count = len(theirs)
    for start in range(0, len(signed_ours), 512):
        block = signed_ours[start : start + 512]
        distance = np.rint((bits - block @ flat.T) / 2).astype(np.int64).reshape(len(block), count, len(ROTATIONS))
        best_turn = distance.argmin(axis=2)
        best = np.take_along_axis(distance, best_turn[..., None], axis=2)[..., 0]
        for a, b in zip(*np.nonzero(best <= max_distance)):
            pairs.append((int(best[a, b]), start + int(a), int(b), ROTATIONS[int(best_turn[a, b])]))
    pairs.sort()
    return pairs


def _pool_map(fn: Callable[[Any], Any], items: Iterable[Any], workers: int) -> Iterable[Any]:
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="galleryk-match") as pool:
        return list(pool.map(fn, items))


__all__ = ["HASH_SIZE", "MAX_DISTANCE", "Match", "close_pairs", "local_hashes", "match", "remote_hashes"]
