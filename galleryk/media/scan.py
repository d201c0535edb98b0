"""Scan a folder of photos into a DataFrame: one row per image file, readable or not.

Only headers and EXIF are read (``Image.open`` is lazy and no pixels are decoded); the bytes are
streamed once for the sha256 digest, which is most of a scan's time. Folders of camera-size
files are read in a thread pool when there are idle cores (hashing and file I/O release the
GIL); smaller files are read one after the other. A tqdm progress bar shows on long scans.

Every image-named file gets a row. Files that cannot be read (empty, truncated, not an image,
unsupported, unreadable, too many pixels) keep their row with the reason in ``error``; for
readable files ``error`` is <NA>. ``df[df.error.isna()]`` is the usable selection.
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .digest import digest_with_tail, has_marker_after
from .errors import MAX_PIXELS, UnreadableImage, too_large_message
from .exif import exif_facts, read_exif
from .opening import open_header

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif"})

COLUMNS = {
    "path": "string",
    "name": "string",
    "bytes": "Int64",
    "format": "string",
    "width": "Int64",
    "height": "Int64",
    "taken": "datetime64[s]",  # as every listing's taken: EXIF and the services count whole seconds
    "taken_source": "string",
    "camera_make": "string",
    "camera_model": "string",
    "orientation": "Int64",
    "digest": "string",
    "error": "string",
}

PROGRESS_MIN_FILES = 200  # below this, progress=None shows no bar
_PARALLEL_MIN_FILES = 16
# Threads pay off only when hashing (which releases the GIL) far outweighs the header parsing
# and bookkeeping (which hold it), and only with a core to spare: on 2 busy cores, 650 kB files
# scanned 1.3x slower with 4 threads than with one, while 5 MB camera files hash at the same
# speed either way and nearly twice as fast on idle cores. So threads for folders of files of
# 2 MB and more, one for each idle core (by the load average) and at most 4; one otherwise.
# (Announcing the next files to the kernel with POSIX_FADV_WILLNEED was tried: on files not
# in the page cache it cost 25% more CPU and saved no time, the kernel's own read-ahead within
# each file already keeping the disk busy.)
_PARALLEL_MIN_MEAN_BYTES = 2 * 1024 * 1024
_MAX_WORKERS = 4

# Where the image data ends, per format: a file without it past the data start is cut short.
_END_MARKERS = {"JPEG": b"\xff\xd9", "MPO": b"\xff\xd9", "PNG": b"IEND"}


class ScanWarning(UserWarning):
    """Some files of a scan could not be read; their rows carry the reason in ``error``."""


def scan(
    folder: str | os.PathLike,
    recursive: bool = True,
    workers: int | None = None,
    progress: bool | None = None,
    max_pixels: int = MAX_PIXELS,
) -> pd.DataFrame:
    """One row per image file under ``folder`` (sorted by path), with size, date taken, camera and digest.

    Columns: path, name, bytes, format, width, height, taken, taken_source ("exif" or "file"),
    camera_make, camera_model, orientation (EXIF 1-8), digest (sha256 hex of the bytes), error.
    ``error`` is <NA> for readable images and the reason otherwise; unreadable files are kept,
    never dropped, and a ``ScanWarning`` says how many there were. An image over ``max_pixels``
    keeps its format, width and height but gets an error, as decoding it is unsafe.
    Hidden files and folders (name starting with ".") are skipped. ``progress``: None shows a bar
    from PROGRESS_MIN_FILES files on, True always, False never. Duplicates share a digest:
    ``df[df.digest.duplicated(keep=False)]``. ``workers``: threads reading files; by default
    several for folders of large files (where hashing dominates) and one for small files.
    """
    root = Path(folder).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"scan: folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"scan: not a folder: {root}")
    paths = find_images(root, recursive)
    rows = _read_all(paths, workers, progress, max_pixels)
    frame = _frame(rows)
    failed = int(frame["error"].notna().sum())
    if failed:
        warnings.warn(
            f"{failed} of {len(frame)} files under {root} could not be read; see the 'error' column",
            ScanWarning,
            stacklevel=2,
        )
    return frame


def find_images(root: Path, recursive: bool = True) -> list[str]:
    """Absolute paths of the image-named files under ``root``, hidden ones skipped, sorted."""
    found: list[str] = []
    top = os.path.abspath(root)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")] if recursive else []
        for name in filenames:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS:
                found.append(os.path.join(dirpath, name))
    found.sort()
    return found


def empty_frame() -> pd.DataFrame:
    """A scan result with no rows but the right columns and dtypes."""
    return _frame([])


def _read_all(paths: list[str], workers: int | None, progress: bool | None, max_pixels: int) -> list[dict]:
    from tqdm.auto import tqdm

    show = progress if progress is not None else len(paths) >= PROGRESS_MIN_FILES
    workers = workers or default_workers(paths)
    with tqdm(total=len(paths), desc="scan", unit="file", disable=not show) as bar:
        if workers <= 1 or len(paths) < _PARALLEL_MIN_FILES:
            rows = []
            for p in paths:
                rows.append(read_file(p, max_pixels))
                bar.update()
            return rows
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="galleryk-scan") as pool:
            rows = []
            for row in pool.map(lambda p: read_file(p, max_pixels), paths):
                rows.append(row)
                bar.update()
            return rows


def default_workers(paths: list[str]) -> int:
    """The threads a scan of ``paths`` uses unless told: more for small files (latency-bound), fewer for large."""
    sample = paths[:: max(1, len(paths) // 64)]
    sizes = []
    for p in sample:
        try:
            sizes.append(os.path.getsize(p))
        except OSError:
            continue
    if not sizes or sum(sizes) / len(sizes) < _PARALLEL_MIN_MEAN_BYTES:
        return 1
    workers = min(_MAX_WORKERS, _cpus(), 1 + _idle_cpus())
    return workers if workers >= 2 else 1


def _cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _idle_cpus() -> int:
    """CPUs left over by what else runs (the 1-minute load average); all of them where that is unknown."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return _cpus()
    return max(0, int(_cpus() - load))


@dataclass
class _Header:
    format: str | None = None
    width: int | None = None
    height: int | None = None
    data_offset: int | None = None
    exif: Any = None


def read_file(path: str, max_pixels: int = MAX_PIXELS) -> dict:
    """The scan row for one file; problems become the row's ``error``, never an exception."""
    row: dict[str, Any] = {"path": path, "name": os.path.basename(path)}
    try:
        st = os.stat(path)
    except OSError as exc:
        row["error"] = _os_reason(exc)
        return row
    row["bytes"] = st.st_size
    row["taken"] = _file_time(st.st_mtime)
    row["taken_source"] = "file" if row["taken"] is not None else None
    try:
        with open(path, "rb") as fh:
            header, problem = _read_header(fh, path, max_pixels)
            fh.seek(0)
            digest, tail = digest_with_tail(fh)
            marker = _END_MARKERS.get(header.format or "") if problem is None else None
            complete = marker is None or _ends_with_marker(fh, marker, header.data_offset or 0, st.st_size, tail)
    except OSError as exc:
        row["error"] = _os_reason(exc)
        return row
    row["digest"] = digest
    if st.st_size == 0:
        row["error"] = "empty file (0 bytes)"
        return row
    row.update(format=header.format, width=header.width, height=header.height)
    if header.exif is not None:
        facts = exif_facts(header.exif)
        row.update(camera_make=facts.make, camera_model=facts.model, orientation=facts.orientation)
        if facts.taken is not None:
            row["taken"], row["taken_source"] = facts.taken, "exif"
    if not complete:
        problem = "truncated: the file ends before the image data does"
    row["error"] = problem
    return row


def _ends_with_marker(fh: Any, marker: bytes, offset: int, size: int, tail: bytes) -> bool:
    """Whether ``marker`` comes past ``offset``: in the bytes the digest read last, else (a long trailer,
    a truncated file) by reading the file again."""
    if marker in tail[max(0, offset - (size - len(tail))) :]:
        return True
    return has_marker_after(fh, marker, offset, size)


def _read_header(fh: Any, path: str, max_pixels: int) -> tuple[_Header, str | None]:
    try:
        im = open_header(fh, path)
    except UnreadableImage as exc:
        return _Header(), str(exc).removeprefix(f"{path}: ")
    try:
        fmt = "JPEG" if im.format == "MPO" else im.format
        width, height = im.size
        tile = getattr(im, "tile", None) or []
        offset = tile[0][2] if tile and isinstance(tile[0][2], int) else None
        header = _Header(fmt, width, height, offset, read_exif(im))
    except Exception as exc:  # a plugin choking on odd metadata: report, do not crash the scan
        return _Header(), f"broken image header ({type(exc).__name__}: {exc})"
    # im is not closed: ImageFile.close() would close fh, which the caller still hashes and closes
    if width * height > max_pixels:
        return header, too_large_message(width, height, max_pixels)
    return header, None


def _file_time(mtime: float) -> datetime | None:
    try:
        stamp = datetime.fromtimestamp(mtime)
    except (OverflowError, OSError, ValueError):
        return None
    return stamp if 1800 <= stamp.year <= 2200 else None


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "file not found (deleted during the scan, or a broken link)"
    return f"cannot read file: {exc.strerror or exc}"


def _frame(rows: list[dict]) -> pd.DataFrame:
    """The typed table, each column made once with its dtype (not a generic frame cast column by column)."""
    data: dict[str, Any] = {}
    for name, dtype in COLUMNS.items():
        values = [row.get(name) for row in rows]
        if name == "taken":
            taken = pd.to_datetime(pd.Series(values, dtype=object)).dt.floor("s")
            data[name] = taken.astype(dtype).to_numpy()  # type: ignore[call-overload]  # COLUMNS' datetime64[s]
        elif isinstance(dtype, pd.CategoricalDtype):
            data[name] = pd.Categorical(values, dtype=dtype)
        else:
            data[name] = pd.array(values, dtype=dtype)  # type: ignore[call-overload]  # a dtype name from COLUMNS
    return pd.DataFrame(data, columns=list(COLUMNS))
