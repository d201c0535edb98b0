"""Benchmark of Fotki uploads against plain ``requests``, on camera-size files (a script, not a test).

The sandbox runs in a child process (its server threads do not share the client's GIL), its
data on /dev/shm where there is one (disk writeback of earlier rounds' files would blur later
rounds). Listings have their own benchmark (``bench_listing.py``), pushes theirs (``bench_push.py``).

1. Uploads: ``--uploads`` camera JPEGs (``camerafiles.py``: 12-24 MP, about 5 MB) through
   ``Fotki.upload`` from ``--threads`` threads, against ``requests.post(url, data=signed_fields,
   files={"photo": ...})`` (requests builds the whole body in memory) carrying the same signed
   fields, from as many threads over one pooled session. Goal: at most 1.2x.
2. Memory: a fresh child process uploads one 1 GiB file through ``Fotki.upload`` (with a
   progress callback) and reports its own peak resident memory (VmHWM, from the RSS before
   the upload). The file is a small valid JPEG followed by zeros (sparse on disk); the
   sandbox's size limit is raised for it, and its check accepts it because the JPEG's
   end-of-image marker comes before the zeros. Goal: the upload adds under 50 MB.

Every figure is the median of interleaved rounds with min and max. JSON goes to
benchmarks/results/bench_fotki.json. Usage:
python benchmarks/bench_fotki.py [--quick] [--uploads 16] [--threads 4] [--big-mb 1024] [--rounds 6]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import benchlib
from camerafiles import DEFAULT_CACHE, SIZES, make_camera_files
from sandboxproc import SandboxProcess, scratch_dir

TIMEOUT = (10.0, 300.0)


def bench_uploads(
    sandbox: SandboxProcess, client: Any, token: str, paths: list[Path], threads: int, rounds: int
) -> dict[str, Any]:
    import requests

    from galleryk.fotki.signing import signed

    info = sandbox.info
    url = f"{info['api_url']}/upload"
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=threads * 2))

    def plain_one(path: Path) -> None:
        fields = signed(info["secret"], {"api_key": info["api_key"], "auth_token": token, "title": path.stem})
        with open(path, "rb") as fh:
            resp = session.post(url, data=fields, files={"photo": (path.name, fh, "image/jpeg")}, timeout=TIMEOUT)
        if resp.status_code != 200 or b"<photoid>" not in resp.content:
            raise RuntimeError(f"plain upload failed: {resp.status_code} {resp.content[:200]!r}")

    def plain() -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(plain_one, paths))

    def galleryk() -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda p: client.upload(p, title=p.stem), paths))

    times = benchlib.interleaved({"galleryk": galleryk, "requests.post(files=...)": plain}, rounds)
    size = sum(p.stat().st_size for p in paths)
    r = benchlib.ratio(times, "galleryk", "requests.post(files=...)")
    return {
        "files": len(paths),
        "mb": size / 2**20,
        "threads": threads,
        "vs_requests": r,
        "galleryk_mb_s": size / 2**20 / r["contestant_s"]["median"],
        "requests_mb_s": size / 2**20 / r["baseline_s"]["median"],
    }


def make_big_file(path: Path, size: int) -> Path:
    """A valid small JPEG followed by zeros up to ``size`` bytes (sparse on disk)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buf, "JPEG")
    with open(path, "wb") as out:
        out.write(buf.getvalue())
        out.truncate(size)
    return path


def bench_big_upload(sandbox: SandboxProcess, token: str, path: Path, rounds: int) -> dict[str, Any]:
    size = path.stat().st_size
    sandbox.command("set", "fotki_max_upload_bytes", size + 2**20)
    env = {**os.environ, "BENCH_FOTKI": json.dumps({**sandbox.info, "token": token, "path": str(path)})}
    runs = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, __file__, "--child-big-upload"], env=env, capture_output=True, text=True, timeout=1800
        )
        if out.returncode != 0:
            raise RuntimeError(f"the upload child failed:\n{out.stderr[-2000:]}")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    added = [r["peak_rss_mb"] - r["rss_before_mb"] for r in runs]
    return {
        "bytes": size,
        "rounds": rounds,
        "added_mb": benchlib.spread(added),
        "peak_rss_mb": benchlib.spread([r["peak_rss_mb"] for r in runs]),
        "rss_before_mb": benchlib.spread([r["rss_before_mb"] for r in runs]),
        "seconds": benchlib.spread([r["seconds"] for r in runs]),
        "progress_calls": runs[0]["progress_calls"],
    }


def _child_big_upload() -> None:
    """In a fresh process: upload one big file and report this process's own memory as JSON."""
    from galleryk.fotki import Fotki

    cfg = json.loads(os.environ.pop("BENCH_FOTKI"))
    client = Fotki(
        cfg["api_key"],
        cfg["secret"],
        cfg["token"],
        api_url=cfg["api_url"],
        auth_url=cfg["auth_url"],
        token_cache="memory",
        timeout=TIMEOUT,
    )
    client.check_token()  # connections, imports and code paths warmed up
    before = benchlib.rss_mb()
    benchlib.reset_peak_rss()
    calls = [0]

    def progress(sent: int, total: int) -> None:
        calls[0] += 1

    started = time.perf_counter()
    result = client.upload(cfg["path"], title="one gigabyte", progress=progress)
    print(
        json.dumps(
            {
                "photo_id": result.id,
                "seconds": time.perf_counter() - started,
                "rss_before_mb": before,
                "peak_rss_mb": benchlib.peak_rss_mb(),
                "progress_calls": calls[0],
                "threads": threading.active_count(),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--uploads", type=int, help="camera files uploaded per round (default 16)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--big-mb", type=int, help="size of the big upload in MiB (default 1024)")
    parser.add_argument("--rounds", type=int, help="rounds (default 6; 5 for the big upload)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the camera files are kept")
    parser.add_argument("--child-big-upload", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_big_upload:
        _child_big_upload()
        return 0
    uploads = args.uploads or (3 if args.quick else 16)
    big_mb = args.big_mb or (8 if args.quick else 1024)
    rounds = args.rounds or (1 if args.quick else 6)
    sizes = ((400, 300),) if args.quick else SIZES

    started = time.perf_counter()
    paths = [f.path for f in make_camera_files(uploads, args.cache, sizes)]
    with tempfile.TemporaryDirectory(prefix="galleryk-bench-fotki-", dir=scratch_dir()) as tmp:
        sandbox = SandboxProcess(str(Path(tmp) / "sandbox"), 0)
        try:
            client, token = sandbox.client(workers=args.threads)
            uploads_report = bench_uploads(sandbox, client, token, paths, args.threads, rounds)
            big = bench_big_upload(
                sandbox,
                token,
                make_big_file(Path(tmp) / "big.jpg", big_mb * 2**20),
                max(1, min(rounds, 5)) if not args.quick else 1,
            )
        finally:
            sandbox.stop()

    u = uploads_report
    benchlib.print_table(
        [
            (f"1. uploads: {u['files']} camera files, {u['mb']:.0f} MB, {u['threads']} threads", "", ""),
            (
                "   galleryk upload()",
                benchlib.show_seconds(u["vs_requests"]["contestant_s"]),
                f"{u['galleryk_mb_s']:.0f} MB/s",
            ),
            (
                "   requests.post(files=...)",
                benchlib.show_seconds(u["vs_requests"]["baseline_s"]),
                f"{u['requests_mb_s']:.0f} MB/s",
            ),
            (
                "   galleryk / requests",
                benchlib.show_ratio(u["vs_requests"]),
                "goal <= 1.2x: " + ("met" if u["vs_requests"]["median"] <= 1.2 else "NOT met"),
            ),
            (f"2. one upload of {big_mb} MiB, fresh process", "", ""),
            (
                "   memory added by the upload",
                f"{big['added_mb']['median']:.1f} MB (min {big['added_mb']['min']:.1f}, "
                f"max {big['added_mb']['max']:.1f}, {big['rounds']} rounds)",
                "goal < 50 MB: " + ("met" if big["added_mb"]["median"] < 50 else "NOT met"),
            ),
            (
                "   peak RSS of the whole process",
                f"{big['peak_rss_mb']['median']:.0f} MB",
                f"before: {big['rss_before_mb']['median']:.0f} MB",
            ),
            ("   time", benchlib.show_seconds(big["seconds"]), ""),
        ]
    )
    print(f"({time.perf_counter() - started:.0f} s)")
    path = benchlib.write_report("bench_fotki", {"uploads": uploads_report, "big_upload": big}, args.quick)
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
