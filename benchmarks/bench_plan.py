"""Benchmark of ``df.galleryk.plan``: what a plan costs in requests, against what listing the album costs (a script).

A folder of ``--photos`` distinct small pictures is made here (random 32x24 patterns of coloured
blocks smoothed to 240x180, so that every two differ by about half their perceptual-hash bits,
as different photos do, and a resized copy by a few). Against the sandbox's Fotki, counting on the server's side:

1. **Marked**: the folder pushed by galleryk into a photoset (markers and journal), then
   planned with that journal. Goal: no more requests than listing the photoset
   (``photos(title)``: the photoset list and the listing's pages), and every photo a skip.
2. **Unmarked copies**: another tool uploaded every picture resized to 75 % and recompressed
   (quality 80), with titles of its own and no marker, into another photoset; the folder is
   planned against it with a fresh journal. Goal: the listings plus at most one thumbnail per
   remote photo (a Fotki thumbnail is two requests: getInfo names the file, then the file), and
   every photo found by its picture, no conflict.
3. The same folder against the same copies on the sandbox's Coppermine (stock web mode), for
   the page-based service: the album's pages plus one thumbnail file per picture.

The sandbox runs in this process (the figures are counts, not timings; times are printed for
reference). A table is printed and JSON written to benchmarks/results/bench_plan.json.

Usage: python benchmarks/bench_plan.py [--photos 5000] [--quick]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np
from benchlib import print_table, write_report
from PIL import Image

WORKERS = 4


def make_folder(folder: Path, count: int, seed: int = 20) -> list[Path]:
    """``count`` distinct pictures: a random 32x24 pattern of coloured blocks each, smoothed to 240x180, as JPEG."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        blocks = rng.integers(0, 256, size=(24, 32, 3), dtype=np.uint8)
        im = Image.fromarray(blocks, "RGB").resize((240, 180), Image.Resampling.BICUBIC)
        path = folder / f"IMG_{i:05d}.jpg"
        im.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths


def resized(path: Path) -> bytes:
    """What the other tool uploaded: the picture at 75 %, recompressed at quality 80."""
    with Image.open(path) as im:
        small = im.resize((im.width * 3 // 4, im.height * 3 // 4), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def other_tool(client: Any, paths: list[Path], album: str) -> list[int]:
    """Resized copies uploaded as another tool would (titles of its own, no marker), into ``album``."""

    def one(path: Path) -> int:
        return int(client.upload(resized(path), title=f"copy of {path.stem}", filename=path.name).id)

    with ThreadPoolExecutor(WORKERS) as pool:
        ids = list(pool.map(one, paths))
    if client.capabilities.album_needs_photo:
        aid = client.create_album(album, photo=ids[0])
        for rid in ids[1:]:
            client.add_to_album(aid, rid)
    return ids


def cpg_other_tool(client: Any, paths: list[Path], album: str) -> list[int]:
    aid = client.create_album(album)

    def one(path: Path) -> int:
        return int(client.upload(resized(path), album=aid, title=f"copy of {path.stem}", filename=path.name).id)

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, paths))


def counted(sandbox: Any, service: str, work: Any) -> tuple[Any, dict[str, int], float]:
    """Run ``work()``; what it returned, the requests the service received meanwhile (by name), the seconds."""
    sandbox.faults.reset_requests(service)
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    return result, dict(sandbox.faults.requests(service)), seconds


def total(requests: dict[str, int]) -> int:
    return sum(requests.values())


def grouped(requests: dict[str, int]) -> dict[str, int]:
    """Requests by method or page, the image files (one name each) counted together as "image files"."""
    out: dict[str, int] = {}
    for name, n in requests.items():
        key = "image files" if name.lower().endswith((".jpg", ".jpeg", ".png")) else name
        out[key] = out.get(key, 0) + n
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="a tiny run (40 photos) to check the script works")
    args = parser.parse_args(argv)
    count = 40 if args.quick else args.photos

    with tempfile.TemporaryDirectory(prefix="galleryk-bench-plan-") as tmp:
        root = Path(tmp)
        os.environ["GALLERYK_CACHE_DIR"] = str(root / "cache")  # no thumbnail of an earlier run is reused
        import galleryk as gk
        import galleryk.sandbox as gks

        warnings.filterwarnings("ignore", category=gk.InsecureGalleryWarning)
        sandbox = gks.start(root / "data", seed=True, settings=gks.SandboxSettings(coppermine_api=False))
        try:
            with sandbox.store.write() as db:
                db.execute("UPDATE cpg_groups SET quota_kb = 0")
            paths = make_folder(root / "photos", count)
            local = gk.scan(root / "photos", progress=False)
            fotki = gk.sandbox_fotki(sandbox, "alice")
            journal = root / "marked.sqlite"
            print(f"{count} photos: pushing them (marked), and uploading resized copies as another tool…", flush=True)
            local.galleryk.push(fotki, album="Marked", create=True, journal=journal, progress=False, workers=WORKERS)
            other_tool(fotki, paths, "Copies")

            results: dict[str, Any] = {"photos": count}
            _, listed, t_list = counted(sandbox, "fotki", lambda: fotki.photos("Marked"))
            plan, asked, t_plan = counted(
                sandbox, "fotki", lambda: local.galleryk.plan(fotki, album="Marked", journal=journal)
            )
            results["fotki_marked"] = {
                "listing_requests": total(listed),
                "plan_requests": total(asked),
                "plan_by_method": grouped(asked),
                "skips": int((plan["action"] == "skip").sum()),
                "by_journal": int((plan["match"] == "journal").sum()),
                "listing_seconds": round(t_list, 2),
                "plan_seconds": round(t_plan, 2),
            }
            _, listed_copies, _ = counted(sandbox, "fotki", lambda: fotki.photos("Copies"))
            plan, asked, t_plan = counted(
                sandbox, "fotki", lambda: local.galleryk.plan(fotki, album="Copies", journal=root / "fresh.sqlite")
            )
            thumbs = plan.attrs["thumbnails_read"]
            results["fotki_copies"] = {
                "album_listing_requests": total(listed_copies),
                "plan_requests": total(asked),
                "plan_by_method": grouped(asked),
                "thumbnails_read": thumbs,
                "found_by_picture": int((plan["match"] == "perceptual").sum()),
                "conflicts": int((plan["action"] == "conflict").sum()),
                "uploads": int((plan["action"] == "upload").sum()),
                "max_distance_seen": int(plan["distance"].max()) if plan["distance"].notna().any() else None,
                "plan_seconds": round(t_plan, 2),
            }

            cpg = gk.sandbox_coppermine(sandbox, "alice")
            cpg_other_tool(cpg, paths, "Copies")
            _, listed_cpg, _ = counted(sandbox, "coppermine", lambda: cpg.photos("Copies"))
            plan, asked, t_plan = counted(
                sandbox, "coppermine", lambda: local.galleryk.plan(cpg, album="Copies", journal=root / "cpg.sqlite")
            )
            results["coppermine_copies"] = {
                "album_listing_requests": total(listed_cpg),
                "plan_requests": total(asked),
                "plan_by_page": grouped(asked),
                "thumbnails_read": plan.attrs["thumbnails_read"],
                "found_by_picture": int((plan["match"] == "perceptual").sum()),
                "conflicts": int((plan["action"] == "conflict").sum()),
                "plan_seconds": round(t_plan, 2),
            }
        finally:
            sandbox.stop()

    m, c, p = results["fotki_marked"], results["fotki_copies"], results["coppermine_copies"]
    extra_c = c["plan_requests"] - c["album_listing_requests"]
    extra_p = p["plan_requests"] - p["album_listing_requests"]
    rows = [
        (
            "Fotki, marked: plan requests",
            f"{m['plan_requests']} (listing the photoset: {m['listing_requests']}); {m['by_journal']} of {count} "
            f"skips by the journal; {m['plan_seconds']} s",
            "goal: <= listing",
        ),
        (
            "Fotki, unmarked copies: plan requests",
            f"{c['plan_requests']} = the photoset's listing ({c['album_listing_requests']}) + {extra_c} "
            f"({c['thumbnails_read']} thumbnails of 2 requests, and the photos in no set); "
            f"found {c['found_by_picture']} of {count}, {c['conflicts']} conflicts; {c['plan_seconds']} s",
            "goal: listing + <= 1 thumbnail per remote photo; all found",
        ),
        (
            "Coppermine, unmarked copies: plan requests",
            f"{p['plan_requests']} = the album's listing ({p['album_listing_requests']}) + {extra_p} "
            f"({p['thumbnails_read']} thumbnail files); found {p['found_by_picture']} of {count}, "
            f"{p['conflicts']} conflicts; {p['plan_seconds']} s",
            "",
        ),
    ]
    print_table(rows)
    path = write_report("bench_plan", results, quick=args.quick)
    print(f"report: {path}")
    ok = (
        m["plan_requests"] <= m["listing_requests"]
        and c["found_by_picture"] == count
        and c["thumbnails_read"] <= count
        and p["found_by_picture"] == count
    )
    return 0 if ok or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
