"""Benchmark of the local media layer (scan, thumbnails) on camera-size JPEGs, against loops doing the same work.

The pictures come from ``benchmarks/camerafiles.py``: 12-24 MP, 3.5-6 MB, with detail at every
scale and a camera's EXIF, made once into a cache folder outside the repository.

1. Scan, warm files (goal: within 1.1x). ``galleryk.scan(folder)`` against the same work in
   a plain loop, one file after the other: open, ``Image.open`` (header only), size, EXIF
   (date taken, make, model, orientation), sha256 of every byte (``hashlib.file_digest``),
   one DataFrame of the rows. Floors: sha256 of every byte alone, and reading every byte alone.
2. Scan, cold files (goal: no slower than the loop). The same, each run preceded by dropping
   every file from the page cache (``posix_fadvise(POSIX_FADV_DONTNEED)``; ``fincore`` checks
   it took, where there is one).
3. Threads by file size. ``scan(workers=1)`` against ``scan(workers=4)`` on warm folders of small
   (640x480), web-size (1600x1200) and camera files, and which of the two ``scan()`` picks.
4. Thumbnails (256 px). ``galleryk.thumbnail(path)`` (JPEG draft mode, EXIF orientation applied,
   RGB) against ``Image.open(p).thumbnail((256, 256))`` (Pillow's own, which also uses draft
   mode but keeps twice the size before the last resize, and ignores orientation), and against
   a full decode followed by ``thumbnail``.

Every figure is the median of interleaved rounds with min and max. JSON goes to
benchmarks/results/bench_media.json. Usage:
python benchmarks/bench_media.py [--quick] [--files 24] [--rounds 7] [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import benchlib
from camerafiles import DEFAULT_CACHE, SIZES, make_camera_files

THUMB = 256
SMALL, WEB = ((640, 480),), ((1600, 1200),)


# -- the baselines ---------------------------------------------------------------------------------
def same_work_loop(paths: list[Path]) -> Any:
    """What scan() does, written as one would by hand: header, EXIF facts, sha256, one DataFrame."""
    import pandas as pd
    from PIL import Image

    rows = []
    for path in paths:
        with open(path, "rb") as fh:
            with Image.open(fh) as im:
                width, height = im.size
                exif = im.getexif()
                sub = exif.get_ifd(0x8769)
                row = {
                    "path": str(path),
                    "bytes": os.fstat(fh.fileno()).st_size,
                    "format": im.format,
                    "width": width,
                    "height": height,
                    "taken": sub.get(0x9003) or exif.get(0x0132),
                    "camera_make": exif.get(0x010F),
                    "camera_model": exif.get(0x0110),
                    "orientation": exif.get(0x0112),
                }
            fh.seek(0)
            row["digest"] = _sha256(fh)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["taken"] = pd.to_datetime(frame["taken"], format="%Y:%m:%d %H:%M:%S")
    return frame


def _sha256(fh: Any) -> str:
    if hasattr(hashlib, "file_digest"):
        return hashlib.file_digest(fh, "sha256").hexdigest()
    h = hashlib.sha256()
    while block := fh.read(1 << 20):
        h.update(block)
    return h.hexdigest()


def sha256_floor(paths: list[Path]) -> None:
    """The physical floor of a scan: the sha256 of every byte, nothing else."""
    for path in paths:
        with open(path, "rb") as fh:
            _sha256(fh)


def read_floor(paths: list[Path]) -> None:
    """Below that: reading every byte into one buffer, nothing else."""
    buf = bytearray(1 << 20)
    for path in paths:
        with open(path, "rb", buffering=0) as fh:
            while fh.readinto(buf):
                pass


def drop_from_cache(paths: list[Path]) -> None:
    """Evict the files' pages from the page cache (no root needed: they are clean pages of files we can read)."""
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)  # dirty pages (a file just made) cannot be dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def cached_fraction(paths: list[Path]) -> float | None:
    """The share of the files' bytes in the page cache, by ``fincore`` (None when it is not installed)."""
    if shutil.which("fincore") is None:
        return None
    out = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES,SIZE", *map(str, paths)], capture_output=True, text=True
    )
    res = size = 0
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            res, size = res + int(parts[0]), size + int(parts[1])
    return res / size if size else None


# -- the measurements ---------------------------------------------------------------------------------
def bench_scan(folder: Path, paths: list[Path], rounds: int, cold: bool) -> dict[str, Any]:
    from galleryk import scan

    mine, theirs = scan(folder, progress=False), same_work_loop(paths)
    assert len(mine) == len(theirs) == len(paths) and mine.error.isna().all()
    assert mine["digest"].tolist() == theirs["digest"].tolist()  # the same work, the same answers
    assert mine["taken"].dt.floor("s").tolist() == theirs["taken"].tolist()  # scan adds the sub-seconds
    before = (lambda: drop_from_cache(paths)) if cold else None
    if cold:
        drop_from_cache(paths)
        evicted = cached_fraction(paths)
    else:
        read_floor(paths)
        evicted = None
    cpu: dict[str, list[float]] = {}
    times = benchlib.interleaved(
        {
            "scan": lambda: scan(folder, progress=False),
            "same-work loop": lambda: same_work_loop(paths),
            "sha256 of every byte": lambda: sha256_floor(paths),
            "reading every byte": lambda: read_floor(paths),
        },
        rounds,
        before=before,
        cpu=cpu,
    )
    size = sum(p.stat().st_size for p in paths)
    return {
        "files": len(paths),
        "mb": size / 2**20,
        "cold": cold,
        "cached_after_drop": evicted,
        "vs_loop": benchlib.ratio(times, "scan", "same-work loop"),
        "cpu_vs_loop": benchlib.ratio(cpu, "scan", "same-work loop"),
        "vs_sha256": benchlib.ratio(times, "scan", "sha256 of every byte"),
        "vs_read": benchlib.ratio(times, "scan", "reading every byte"),
        "loop_vs_sha256": benchlib.ratio(times, "same-work loop", "sha256 of every byte"),
        "mb_s": {name: size / 2**20 / benchlib.spread(t)["median"] for name, t in times.items()},
    }


def bench_threads(folders: dict[str, Path], rounds: int) -> dict[str, Any]:
    from galleryk import scan
    from galleryk.media.scan import default_workers, find_images

    out = {}
    for label, folder in folders.items():
        paths = find_images(folder)
        read_floor([Path(p) for p in paths])
        times = benchlib.interleaved(
            {
                "one worker": lambda folder=folder: scan(folder, workers=1, progress=False),
                "4 workers": lambda folder=folder: scan(folder, workers=4, progress=False),
                "default": lambda folder=folder: scan(folder, progress=False),
            },
            rounds,
        )
        out[label] = {
            "files": len(paths),
            "mean_kb": sum(os.path.getsize(p) for p in paths) / len(paths) / 1024,
            "threads_vs_one": benchlib.ratio(times, "4 workers", "one worker"),
            "default_vs_one": benchlib.ratio(times, "default", "one worker"),
            "default_workers": default_workers(paths),
            "load_avg": os.getloadavg()[0],
        }
    return out


def bench_thumbnails(paths: list[Path], rounds: int) -> dict[str, Any]:
    from PIL import Image

    from galleryk import thumbnail

    def galleryk_thumbs() -> None:
        for p in paths:
            thumbnail(p, THUMB)

    def pillow_thumbs() -> None:
        for p in paths:
            with Image.open(p) as im:
                im.thumbnail((THUMB, THUMB))

    def full_decode() -> None:
        for p in paths:
            with Image.open(p) as im:
                im.load()
                im.thumbnail((THUMB, THUMB))

    read_floor(paths)
    times = benchlib.interleaved(
        {"galleryk": galleryk_thumbs, "Image.open(p).thumbnail": pillow_thumbs, "full decode + thumbnail": full_decode},
        rounds,
    )
    return {
        "files": len(paths),
        "size": THUMB,
        "vs_pillow_thumbnail": benchlib.ratio(times, "galleryk", "Image.open(p).thumbnail"),
        "vs_full_decode": benchlib.ratio(times, "galleryk", "full decode + thumbnail"),
        "per_file_ms": {name: benchlib.spread(t)["median"] / len(paths) * 1000 for name, t in times.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few small files, a smoke run")
    parser.add_argument("--files", type=int, help="camera files (default 24: six each of 12, 16, 20 and 24 MP)")
    parser.add_argument("--rounds", type=int, help="rounds per comparison (default 7)")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help=f"where the pictures are kept ({DEFAULT_CACHE})"
    )
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 7)
    count = args.files or (3 if args.quick else 24)
    sizes = ((400, 300),) if args.quick else SIZES

    started = time.perf_counter()
    camera = make_camera_files(count, args.cache, sizes)
    small = make_camera_files(
        3 if args.quick else 200, args.cache, ((160, 120),) if args.quick else SMALL, prefix="SML"
    )
    web = make_camera_files(2 if args.quick else 60, args.cache, ((320, 240),) if args.quick else WEB, prefix="WEB")
    print(f"pictures ready in {time.perf_counter() - started:.0f} s under {args.cache}", flush=True)
    paths = [f.path for f in camera]
    folder = paths[0].parent
    mb = sum(f.bytes for f in camera) / len(camera) / 2**20
    mp = sum(f.width * f.height for f in camera) / len(camera) / 1e6

    warm = bench_scan(folder, paths, rounds, cold=False)
    cold = bench_scan(folder, paths, rounds, cold=True)
    threads = bench_threads({"small": small[0].path.parent, "web": web[0].path.parent, "camera": folder}, rounds)
    thumbs = bench_thumbnails(paths, rounds)

    rows = [(f"{len(paths)} camera files, {mp:.0f} MP and {mb:.1f} MB on average", "", "")]
    for label, r, goal, met in (
        ("1. scan, warm files", warm, "goal <= 1.1x", warm["vs_loop"]["median"] <= 1.1),
        ("2. scan, cold files", cold, "goal <= 1.0x", cold["vs_loop"]["median"] <= 1.0),
    ):
        rows += [
            (
                label,
                "",
                "" if r["cached_after_drop"] is None else f"(cached after the drop: {r['cached_after_drop']:.0%})",
            ),
            ("   scan / same-work loop", benchlib.show_ratio(r["vs_loop"]), f"{goal}: {'met' if met else 'NOT met'}"),
            ("   the same in CPU time", benchlib.show_ratio(r["cpu_vs_loop"]), ""),
            ("   scan / sha256 of every byte", benchlib.show_ratio(r["vs_sha256"]), ""),
            ("   scan / reading every byte", benchlib.show_ratio(r["vs_read"]), ""),
            ("   same-work loop / sha256 of every byte", benchlib.show_ratio(r["loop_vs_sha256"]), ""),
            ("   MB/s: scan, loop, sha256, read", ", ".join(f"{v:.0f}" for v in r["mb_s"].values()), ""),
        ]
    rows.append(("3. threads: 4 workers / one worker, warm", "", ""))
    for label, t in threads.items():
        rows.append(
            (
                f"   {label} files ({t['files']} x {t['mean_kb']:.0f} kB)",
                benchlib.show_ratio(t["threads_vs_one"]),
                f"scan() picks {t['default_workers']} (load {t['load_avg']:.1f}): {t['default_vs_one']['median']:.2f}x of one",
            )
        )
    rows += [
        (f"4. thumbnails ({THUMB} px) of the camera files", "", ""),
        ("   galleryk / Image.open(p).thumbnail", benchlib.show_ratio(thumbs["vs_pillow_thumbnail"]), ""),
        ("   galleryk / full decode + thumbnail", benchlib.show_ratio(thumbs["vs_full_decode"]), ""),
        (
            "   ms a file: galleryk, Pillow's, full decode",
            ", ".join(f"{v:.1f}" for v in thumbs["per_file_ms"].values()),
            "",
        ),
    ]
    print(f"\nMedia ({time.perf_counter() - started:.0f} s; medians of interleaved rounds, with min and max)")
    benchlib.print_table(rows)
    path = benchlib.write_report(
        "bench_media",
        {
            "camera_files": {"count": len(paths), "mean_mb": mb, "mean_mp": mp, "cache": str(args.cache)},
            "scan_warm": warm,
            "scan_cold": cold,
            "threads": threads,
            "thumbnails": thumbs,
        },
        args.quick,
    )
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
