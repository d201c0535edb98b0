"""Benchmark of ``galleryk.push`` against the plain uploads it makes, all in one run (a script, not a test).

The sandbox runs in a child process (its server threads do not share the client's GIL), in
stock-Coppermine web mode, with the upload quota lifted. The photos are camera-like JPEGs
made here: 12 MP by default, a smooth colour field with sensor-like noise (3-6 MB each at
quality 90), EXIF Make, Model and DateTimeOriginal, every file different.

1. First push, per service: ``push(df, client, album=..., workers=4)`` into a new photoset /
   album, against the same uploads done by hand with the same 4 threads: Fotki ``upload`` +
   ``add_to_photoset`` (the set made with the first photo, as push does), Coppermine
   ``upload`` into a new album. Rounds alternate which goes first; after each run the
   sandbox's copies are deleted so the disk does not fill up. Goal: push / plain <= 1.2.
2. A rerun without the journal: the same photos, all titled ``IMG_0001``, pushed once, then
   pushed again with a fresh journal; the requests the sandbox received for the rerun are
   counted by method or page. Goal: O(n), about one look-up per item (it was n(n+1)/2).

Each figure is the median of the rounds (at least 5) with min and max. A table is printed
and JSON written to benchmarks/results/bench_push.json.

Usage: python benchmarks/bench_push.py [--photos 300] [--megapixels 12] [--rounds 5] [--services fotki,coppermine]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RESULTS = Path(os.environ.get("GALLERYK_BENCH_RESULTS") or Path(__file__).resolve().parent / "results")
"""Where reports go, as for the other benchmarks: ``benchmarks/results/``, or ``$GALLERYK_BENCH_RESULTS``."""
USER = "alice"
WORKERS = 4
TAGS = ["bench", "summer"]


# -- the sandbox, in a child process ------------------------------------------------------------
def _server_main(conn: Any, data_dir: str) -> None:
    """Child process: a seeded sandbox that obeys approve / requests / reset / purge / stop commands."""
    import galleryk.sandbox as gks

    tempfile.tempdir = str(Path(data_dir).parent)  # werkzeug spools big request bodies next to the data
    sandbox = gks.start(data_dir, seed=True, settings=gks.SandboxSettings(coppermine_api=False))
    sandbox.configure_coppermine(max_upl_size=64 << 10)  # KB, as the gallery's admin page has it
    with sandbox.store.write() as db:
        db.execute("UPDATE cpg_groups SET quota_kb = 0")
        marks = {
            "photo": db.execute("SELECT COALESCE(MAX(id), 0) FROM fotki_photos").fetchone()[0],
            "set": db.execute("SELECT COALESCE(MAX(id), 0) FROM fotki_photosets").fetchone()[0],
            "pid": db.execute("SELECT COALESCE(MAX(pid), 0) FROM cpg_pictures").fetchone()[0],
            "aid": db.execute("SELECT COALESCE(MAX(aid), 0) FROM cpg_albums").fetchone()[0],
        }
    conn.send(
        {
            "api_url": sandbox.fotki_api_url,
            "auth_url": sandbox.fotki_auth_url,
            "api_key": sandbox.api_key,
            "secret": sandbox.secret,
            "cpg_url": sandbox.coppermine_url,
            "password": sandbox.users[USER],
        }
    )
    while True:
        cmd, *args = conn.recv()
        if cmd == "approve":
            sandbox.approve(*args)
            conn.send("ok")
        elif cmd == "requests":
            conn.send(sandbox.faults.requests(args[0]))
        elif cmd == "reset":
            sandbox.faults.reset_requests()
            conn.send("ok")
        elif cmd == "purge":
            _purge(sandbox, marks)
            conn.send("ok")
        elif cmd == "stop":
            sandbox.stop()
            conn.send("stopped")
            return


def _purge(sandbox: Any, marks: dict) -> None:
    """Delete every photo, photoset, picture and album made since the start (rows and files)."""
    root = sandbox.store.files
    with sandbox.store.write() as db:
        for (name,) in db.execute("SELECT filename FROM fotki_photos WHERE id > ?", (marks["photo"],)).fetchall():
            (root / "fotki" / name).unlink(missing_ok=True)
        db.execute("DELETE FROM fotki_set_photos WHERE photo_id > ? OR set_id > ?", (marks["photo"], marks["set"]))
        db.execute("DELETE FROM fotki_tags WHERE photo_id > ?", (marks["photo"],))
        db.execute("DELETE FROM fotki_photos WHERE id > ?", (marks["photo"],))
        db.execute("DELETE FROM fotki_photosets WHERE id > ?", (marks["set"],))
        rows = db.execute("SELECT filepath, filename FROM cpg_pictures WHERE pid > ?", (marks["pid"],)).fetchall()
        for folder, name in rows:
            for prefix in ("", "thumb_", "normal_"):
                (root / "coppermine" / "albums" / folder / f"{prefix}{name}").unlink(missing_ok=True)
        db.execute("DELETE FROM cpg_pictures WHERE pid > ?", (marks["pid"],))
        db.execute("DELETE FROM cpg_albums WHERE aid > ?", (marks["aid"],))


class Server:
    def __init__(self, data_dir: Path) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_server_main, args=(child, str(data_dir)), daemon=True)
        self.proc.start()
        self.info = self.conn.recv()

    def ask(self, *cmd: Any) -> Any:
        self.conn.send(cmd)
        return self.conn.recv()

    def stop(self) -> None:
        self.ask("stop")
        self.proc.join(timeout=30)


# -- photos ---------------------------------------------------------------------------------------
def make_photos(folder: Path, count: int, megapixels: float) -> list[Path]:
    """``count`` camera-like JPEGs: smooth colour fields under sensor-like noise, with EXIF; all different."""
    import numpy as np
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    width = int((megapixels * 1e6 * 4 / 3) ** 0.5) // 16 * 16
    height = width * 3 // 4
    rng = np.random.default_rng(2025)
    grain = rng.normal(0.0, 9.0, (height, width, 3)).astype(np.int16)  # one sensor's noise, shared
    paths = []
    for i in range(count):
        field = Image.fromarray(rng.integers(30, 226, (height // 250 + 2, width // 250 + 2, 3), dtype=np.uint8))
        scene = field.resize((width, height), Image.Resampling.BICUBIC)
        draw = ImageDraw.Draw(scene)
        for _ in range(40):  # edges and shapes, as a scene has
            x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
            w, h = int(rng.integers(width // 40, width // 6)), int(rng.integers(height // 40, height // 6))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=colour)
        base = np.asarray(scene, dtype=np.int16)
        shift = (i * 7919) % (width * height)  # each photo sees the grain from elsewhere
        pixels = np.clip(base + np.roll(grain.reshape(-1, 3), shift, axis=0).reshape(height, width, 3), 0, 255)
        exif = Image.Exif()
        exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 90D"
        exif.get_ifd(0x8769)[0x9003] = f"2025:07:{1 + i % 28:02d} {8 + i % 12:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
        path = folder / f"IMG_{i + 1:04d}.JPG"
        Image.fromarray(pixels.astype(np.uint8)).save(path, quality=90, exif=exif)
        paths.append(path)
    return paths


# -- the runs -------------------------------------------------------------------------------------
def plain_fotki(fotki: Any, paths: list[Path], set_title: str) -> None:
    first = fotki.upload(paths[0], title=paths[0].stem, tags=TAGS)
    set_id = fotki.create_photoset(set_title, first.id)

    def one(path: Path) -> None:
        fotki.add_to_photoset(set_id, fotki.upload(path, title=path.stem, tags=TAGS).id)

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, paths[1:]))


def plain_coppermine(cpg: Any, paths: list[Path], aid: int) -> None:
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda p: cpg.upload(p, album=aid, title=p.stem, tags=TAGS), paths))


def pushed(df: Any, client: Any, album: Any, journal: Path, **options: Any) -> Any:
    import galleryk as gk

    report = gk.push.push(
        df, client, album=album, tags=TAGS, workers=WORKERS, journal=journal, progress=False, **options
    )
    bad = report[~report["status"].isin(["uploaded", "skipped"])]
    if len(bad):
        raise RuntimeError(f"push failed for {len(bad)} items: {bad['error'].iloc[0]}")
    return report


def first_push_rounds(
    service: str, client: Any, df: Any, paths: list[Path], server: Server, rounds: int, work: Path
) -> dict:
    times: dict[str, list[float]] = {"push": [], "plain": []}
    for r in range(rounds):
        order = ["push", "plain"] if r % 2 == 0 else ["plain", "push"]
        for kind in order:
            title = f"bench {kind} {r}"
            album: Any = title
            if service == "coppermine":
                album = client.create_album(title)
            started = time.perf_counter()
            if kind == "push":
                pushed(df, client, album, work / f"first-{service}-{r}.sqlite3", create=True)
            elif service == "fotki":
                plain_fotki(client, paths, title)
            else:
                plain_coppermine(client, paths, album)
            times[kind].append(time.perf_counter() - started)
            server.ask("purge")
        print(
            f"  {service} round {r + 1}: push {times['push'][-1]:.2f} s, plain {times['plain'][-1]:.2f} s", flush=True
        )
    ratios = [p / q for p, q in zip(times["push"], times["plain"])]
    return {"push_s": _spread(times["push"]), "plain_s": _spread(times["plain"]), "ratio": _spread(ratios)}


def rerun_requests(service: str, client: Any, df: Any, server: Server, work: Path) -> dict:
    album: Any = "bench same titles"
    if service == "coppermine":
        album = client.create_album(album)
    pushed(df, client, album, work / f"same-{service}-a.sqlite3", create=True, title="IMG_0001")
    server.ask("reset")
    started = time.perf_counter()
    report = pushed(df, client, album, work / f"same-{service}-b.sqlite3", create=True, title="IMG_0001")
    seconds = time.perf_counter() - started
    calls = server.ask("requests", service)
    server.ask("purge")
    n = len(df)
    skipped = int((report["status"] == "skipped").sum())
    total = sum(calls.values())
    return {
        "items": n,
        "skipped": skipped,
        "requests": calls,
        "total": total,
        "per_item": round(total / n, 3),
        "quadratic_before": n * (n + 1) // 2,
        "seconds": round(seconds, 3),
    }


def _spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "values": [round(v, 3) for v in values],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", type=int, default=300)
    ap.add_argument("--megapixels", type=float, default=12.0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--services", default="fotki,coppermine")
    ap.add_argument("--out", type=Path, default=None, help="the JSON report (default: results/bench_push.json)")
    ap.add_argument("--quick", action="store_true", help="a tiny run that only checks the script works")
    args = ap.parse_args()
    if args.quick:
        args.photos, args.megapixels, args.rounds = 6, 0.3, 1
    if args.out is None:
        args.out = RESULTS / f"bench_push{'-quick' if args.quick else ''}.json"
    if args.rounds < 5 and not args.quick:
        print("note: fewer than 5 rounds; the figures are indicative only", file=sys.stderr)

    import galleryk as gk

    work = Path(tempfile.mkdtemp(prefix="galleryk-bench-push-"))
    server = None
    try:
        print(f"making {args.photos} photos of {args.megapixels:g} MP ...", flush=True)
        started = time.perf_counter()
        paths = make_photos(work / "photos", args.photos, args.megapixels)
        sizes = [p.stat().st_size for p in paths]
        print(f"  {time.perf_counter() - started:.0f} s; {statistics.median(sizes) / 1e6:.1f} MB median", flush=True)
        df = gk.scan(work / "photos", progress=False)  # digests computed here, not in the timed pushes
        server = Server(work / "sandbox")
        info = server.info
        fotki = gk.Fotki(
            info["api_key"],
            info["secret"],
            api_url=info["api_url"],
            auth_url=info["auth_url"],
            token_cache="memory",
            workers=WORKERS,
        )
        frob = fotki.get_frob()
        server.ask("approve", frob, USER, "delete")
        fotki.get_token(frob)
        cpg = gk.Coppermine(info["cpg_url"], username=USER, password=info["password"], mode="web", workers=WORKERS)
        clients = {"fotki": fotki, "coppermine": cpg}
        results: dict[str, Any] = {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
            "photos": args.photos,
            "megapixels": args.megapixels,
            "median_bytes": int(statistics.median(sizes)),
            "workers": WORKERS,
            "rounds": args.rounds,
            "services": {},
        }
        for service in [s.strip() for s in args.services.split(",") if s.strip()]:
            print(f"{service}: first push against plain uploads", flush=True)
            first = first_push_rounds(service, clients[service], df, paths, server, args.rounds, work)
            print(f"{service}: rerun of same-titled photos without the journal", flush=True)
            rerun = rerun_requests(service, clients[service], df, server, work)
            results["services"][service] = {"first_push": first, "rerun_without_journal": rerun}
        _print(results)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"written to {args.out}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _print(results: dict) -> None:
    print()
    print(
        f"{results['photos']} photos of {results['megapixels']:g} MP ({results['median_bytes'] / 1e6:.1f} MB median), "
        f"{results['workers']} threads, median of {results['rounds']} interleaved rounds [min, max]"
    )
    for service, res in results["services"].items():
        f, r = res["first_push"], res["rerun_without_journal"]
        print(
            f"  {service:10s} first push / plain uploads: {f['ratio']['median']:.3f}x "
            f"[{f['ratio']['min']:.3f}, {f['ratio']['max']:.3f}]  (goal <= 1.2; push {f['push_s']['median']:.1f} s, "
            f"plain {f['plain_s']['median']:.1f} s)"
        )
        print(
            f"  {service:10s} rerun without journal, {r['items']} same-titled: {r['total']} requests, "
            f"{r['per_item']:.2f} per item (O(n); before: ~{r['quadratic_before']} look-ups), {r['skipped']} skipped, "
            f"{r['seconds']:.1f} s"
        )


if __name__ == "__main__":
    raise SystemExit(main())
