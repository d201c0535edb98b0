"""Benchmark of the local media layer against plain Pillow loops (a script, not a test).

1. scan() of N moderate JPEGs (1600x1200) against a sequential loop doing Image.open, .size and
   getexif() (headers only), and one that also load()s every image. scan() does more work than
   either (it also hashes every byte), so the ratio is conservative.
   Then scan() of a few big, detailed JPEGs (about 6 MB each, where hashing dominates) with its
   default thread pool against one worker.
2. thumbnail() (JPEG draft mode) on large JPEGs (4000x3000) against a full decode followed by
   Image.thumbnail, and against Image.thumbnail on a lazily opened image (Pillow's own draft use).

The pictures are generated once into a cache folder and reused. Results go to
benchmarks/results/bench_media.json. Usage: python benchmarks/bench_media.py [--count 2000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image

from galleryk.media import scan, thumbnail
from galleryk.sandbox.demo_images import DemoPicture, demo_catalog, render_jpeg

RESULTS = Path(__file__).resolve().parent / "results" / "bench_media.json"


def make_pictures(folder: Path, count: int, width: int, height: int) -> list[Path]:
    """``count`` demo JPEGs of the given size in ``folder``, made only if not already there."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, pic in enumerate(demo_catalog(count, seed=11)):
        path = folder / f"IMG_{i:05d}.jpg"
        if not path.exists():
            sized = DemoPicture(pic.seed, width, height, pic.taken, pic.make, pic.model, pic.title)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(render_jpeg(sized))
            tmp.replace(path)
        paths.append(path)
    return paths


def make_big_pictures(folder: Path, count: int) -> list[Path]:
    """``count`` detailed 3000x2000 JPEGs (noise compresses badly: about 6 MB each), distinct bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"BIG_{i:04d}.jpg" for i in range(count)]
    if not all(p.exists() for p in paths):
        noise = Image.merge("RGB", [Image.effect_noise((3000, 2000), 80) for _ in range(3)])
        buf = io.BytesIO()
        noise.save(buf, "JPEG", quality=95)
        for i, p in enumerate(paths):
            p.write_bytes(buf.getvalue() + i.to_bytes(4, "big"))  # bytes after the end: distinct digests
    return paths


def timed(fn, repeat: int = 3) -> float:
    """The best of ``repeat`` wall-clock runs, in seconds (files are in the page cache after the first)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def plain_headers(paths: list[Path]) -> None:
    for p in paths:
        with Image.open(p) as im:
            im.size, im.getexif()


def plain_full_load(paths: list[Path]) -> None:
    for p in paths:
        with Image.open(p) as im:
            im.load()
            im.size, im.getexif()


def thumbs_full_decode(paths: list[Path], size: int) -> None:
    for p in paths:
        with Image.open(p) as im:
            im.load()
            im.thumbnail((size, size))


def thumbs_pillow_lazy(paths: list[Path], size: int) -> None:
    for p in paths:
        with Image.open(p) as im:
            im.thumbnail((size, size))


def thumbs_galleryk(paths: list[Path], size: int) -> None:
    for p in paths:
        thumbnail(p, size)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="moderate JPEGs to scan")
    parser.add_argument("--large-count", type=int, default=20, help="large JPEGs to thumbnail")
    parser.add_argument("--big-count", type=int, default=60, help="big detailed JPEGs to scan")
    parser.add_argument("--size", type=int, default=256, help="thumbnail box")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "galleryk-bench-media")
    args = parser.parse_args()

    t0 = time.perf_counter()
    moderate = make_pictures(args.cache / "moderate", args.count, 1600, 1200)
    large = make_pictures(args.cache / "large", args.large_count, 4000, 3000)
    make_big_pictures(args.cache / "big", args.big_count)
    print(f"pictures ready in {time.perf_counter() - t0:.1f}s under {args.cache}", flush=True)
    folder = args.cache / "moderate"

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a scan warning would mean unreadable files: fail loudly
        df = scan(folder, progress=False)
    assert len(df) == args.count and df.error.isna().all(), "benchmark pictures must all scan cleanly"

    results: dict[str, float] = {}
    results["scan_default_s"] = timed(lambda: scan(folder, progress=False))
    results["scan_one_worker_s"] = timed(lambda: scan(folder, workers=1, progress=False))
    results["scan_big_default_s"] = timed(lambda: scan(args.cache / "big", progress=False))
    results["scan_big_one_worker_s"] = timed(lambda: scan(args.cache / "big", workers=1, progress=False))
    results["plain_headers_loop_s"] = timed(lambda: plain_headers(moderate))
    results["plain_full_load_loop_s"] = timed(lambda: plain_full_load(moderate), repeat=1)
    results["thumb_galleryk_draft_s"] = timed(lambda: thumbs_galleryk(large, args.size))
    results["thumb_full_decode_s"] = timed(lambda: thumbs_full_decode(large, args.size))
    results["thumb_pillow_lazy_thumbnail_s"] = timed(lambda: thumbs_pillow_lazy(large, args.size))

    ratios = {
        "full_load_loop_over_scan": results["plain_full_load_loop_s"] / results["scan_default_s"],
        "headers_loop_over_scan": results["plain_headers_loop_s"] / results["scan_default_s"],
        "scan_one_worker_over_default": results["scan_one_worker_s"] / results["scan_default_s"],
        "big_scan_one_worker_over_default": results["scan_big_one_worker_s"] / results["scan_big_default_s"],
        "full_decode_thumb_over_draft": results["thumb_full_decode_s"] / results["thumb_galleryk_draft_s"],
        "pillow_lazy_thumb_over_draft": results["thumb_pillow_lazy_thumbnail_s"] / results["thumb_galleryk_draft_s"],
    }
    for name, seconds in results.items():
        print(f"{name:32s} {seconds:8.3f} s")
    for name, ratio in ratios.items():
        print(f"{name:32s} {ratio:8.2f} x")

    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
                    "pillow": Image.__version__},
        "counts": {"moderate_1600x1200": args.count, "large_4000x3000": args.large_count, "big_3000x2000_noise": args.big_count, "thumb_size": args.size,
                   "moderate_bytes": int(df.bytes.sum())},
        "note": "warm page cache; scan() also sha256-hashes every file; best of 3 (full-load loop: 1 run)",
        "seconds": results,
        "ratios": ratios,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
