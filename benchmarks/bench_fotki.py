"""Benchmark of the Fotki client against plain baselines, all in one run (a script, not a test).

The sandbox runs in a child process (so its server threads do not share the client's GIL) with
one photoset of 20,000 photos inserted straight into its database. Then, on the same server:

1. Listing: ``Fotki.photos(photoset=...)`` into a typed DataFrame, against (a) the same pages
   fetched with a bare ``requests.Session`` and the same concurrency, bodies left unparsed, and
   (b) ``pandas.read_xml`` on the same XML bodies (parse alone, and fetch plus parse).
2. Uploads: 100 photos of about 2 MB through ``Fotki.upload`` against ``requests.post`` with
   ``files=`` (requests builds the body in memory) carrying the same signed fields, both with
   the same number of threads over one pooled session.
3. Memory: a child process uploads one 1 GB file through ``Fotki.upload`` and reports its own
   peak resident memory (VmHWM, plus a 5 ms psutil sampler). The file is a small valid
   JPEG followed by zeros (sparse on disk); the sandbox's size limit is raised for it, and
   Pillow accepts it because a JPEG decoder stops at the end-of-image marker.

Targets: listing <= 1.3x the bare fetch and faster than fetch + read_xml; uploads <= 1.2x plain
requests; 1 GB upload peak RSS under 150 MB. A table is printed and JSON written to
benchmarks/results/bench_fotki.json (bench_fotki-quick.json with --quick).

Usage: python benchmarks/bench_fotki.py [--quick] [--photos 20000] [--uploads 100] [--big-mb 1024]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "bench_fotki.json"
OWNER = "carol"
WORKERS = 4
TIMEOUT = (10.0, 300.0)


# -- the sandbox, in a child process ------------------------------------------------------------
def _server_main(conn: Any, data_dir: str, photos: int) -> None:
    """Child process: start a seeded sandbox, fill one big set, then obey approve/set/stop commands."""
    import galleryk.sandbox as gks

    tempfile.tempdir = str(Path(data_dir).parent)  # werkzeug spools big request bodies next to the data

    sandbox = gks.start(data_dir, seed=True)
    set_id = fill_photoset(sandbox, OWNER, photos)
    conn.send({"api_url": sandbox.fotki_api_url, "auth_url": sandbox.fotki_auth_url, "api_key": sandbox.api_key,
               "secret": sandbox.secret, "set_id": set_id})
    while True:
        cmd, *args = conn.recv()
        if cmd == "approve":
            sandbox.approve(*args)
        elif cmd == "set":
            setattr(sandbox.settings, args[0], args[1])
        elif cmd == "stop":
            sandbox.stop()
            conn.send("stopped")
            return
        conn.send("ok")


def fill_photoset(sandbox: Any, owner: str, count: int) -> int:
    """A photoset of ``count`` public photos inserted in one transaction (uploading them would take minutes)."""
    from PIL import Image

    from galleryk.sandbox.fotki import db

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "purple").save(buf, "JPEG")
    with sandbox.store.write() as conn:
        owner_id = int(conn.execute("SELECT id FROM users WHERE name = ?", (owner,)).fetchone()[0])
        relative = f"{owner_id}/bench.jpg"
        folder = sandbox.data_dir / "files" / "fotki" / str(owner_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "bench.jpg").write_bytes(buf.getvalue())
        first = db.next_photo_id(conn)
        now = int(time.time())
        conn.executemany(
            "INSERT INTO fotki_photos (id, owner_id, title, description, ispublic, isfriend, isfamily, rotation, "
            "originalformat, width, height, filesize, filename, posted, taken, lastupdate) "
            "VALUES (?, ?, ?, '', 1, 0, 0, 0, 'jpg', 16, 16, ?, ?, ?, '2024-06-01 12:00:00', ?)",
            [(first + i, owner_id, f"bench photo {i}", len(buf.getvalue()), relative, now, now) for i in range(count)],
        )
        set_id = db.create_photoset(conn, owner_id, "Benchmark", "", first)
        conn.executemany(
            "INSERT INTO fotki_set_photos (set_id, photo_id, pos) VALUES (?, ?, ?)",
            [(set_id, first + i, i) for i in range(1, count)],
        )
    return set_id


class Server:
    """The sandbox child process and the pipe that drives it."""

    def __init__(self, data_dir: str, photos: int) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_server_main, args=(child, data_dir, photos), daemon=True)
        self._proc.start()
        self.info: dict[str, Any] = self._conn.recv()

    def command(self, *cmd: Any) -> None:
        self._conn.send(cmd)
        self._conn.recv()

    def stop(self) -> None:
        self.command("stop")
        self._proc.join(30)


def signed_in_client(server: Server, **options: Any):  # noqa: ANN201
    """A Fotki client for the sandbox, signed in as the owner of the big set; (client, token)."""
    from galleryk.fotki import Fotki

    info = server.info
    client = Fotki(info["api_key"], info["secret"], api_url=info["api_url"], auth_url=info["auth_url"],
                   token_cache="memory", timeout=TIMEOUT, **options)
    frob = client.get_frob()
    server.command("approve", frob, OWNER, "delete")
    return client, client.get_token(frob).token


def best_of(fn, repeat: int) -> tuple[float, Any]:  # noqa: ANN001
    """The best wall time of ``repeat`` runs, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


# -- 1. listing ----------------------------------------------------------------------------------
def bench_listing(server: Server, token: str, client: Any, repeat: int) -> dict[str, Any]:
    import pandas as pd
    import requests

    from galleryk.fotki.replies import parse_reply
    from galleryk.fotki.signing import signed
    from galleryk.frames.fotki import photos_frame

    info, set_id = server.info, server.info["set_id"]
    url = f"{info['api_url']}/flickr_photosets_getPhotos"
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=WORKERS * 2))

    def page(n: int) -> bytes:
        params = signed(info["secret"], {"api_key": info["api_key"], "photoset_id": set_id, "page": n,
                                         "per_page": 500, "auth_token": token})
        resp = session.get(url, params=params, timeout=TIMEOUT)
        resp.raise_for_status()
        return resp.content

    def bare() -> list[bytes]:
        first = page(1)
        pages = int(first.split(b'pages="', 1)[1].split(b'"', 1)[0])  # the one number a walk needs
        with ThreadPoolExecutor(WORKERS) as pool:
            return [first, *pool.map(page, range(2, pages + 1))]

    def read_xml(bodies: list[bytes]) -> pd.DataFrame:
        return pd.concat([pd.read_xml(io.BytesIO(b), xpath="//photo") for b in bodies], ignore_index=True)

    def galleryk_parse(bodies: list[bytes]) -> pd.DataFrame:
        return photos_frame((parse_reply(b, "xml") for b in bodies), photoset=set_id)

    def galleryk_list() -> pd.DataFrame:
        return client.photos(photoset=set_id)

    galleryk_list(), bare()  # warm the connections and the server's page cache
    rounds: dict[str, list[float]] = {"galleryk": [], "bare": []}
    results: dict[str, Any] = {}
    for i in range(repeat):  # interleaved, first one then the other, so drift hits both alike
        for name, fn in sorted({"galleryk": galleryk_list, "bare": bare}.items(), reverse=bool(i % 2)):
            t, results[name] = best_of(fn, 1)
            rounds[name].append(t)
    df, bodies = results["galleryk"], results["bare"]
    t_parse_rx, frame_rx = best_of(lambda: read_xml(bodies), repeat)
    t_parse_gk, frame_gk = best_of(lambda: galleryk_parse(bodies), repeat)
    assert len(df) == len(frame_rx) == len(frame_gk) == sum(b.count(b"<photo ") for b in bodies)
    t_gk, t_bare = min(rounds["galleryk"]), min(rounds["bare"])
    return {
        "rows": len(df),
        "pages": len(bodies),
        "bytes": sum(len(b) for b in bodies),
        "galleryk_s": t_gk,
        "bare_fetch_s": t_bare,
        "read_xml_parse_s": t_parse_rx,
        "fetch_plus_read_xml_s": t_bare + t_parse_rx,
        "galleryk_parse_s": t_parse_gk,
        "ratio_vs_bare": t_gk / t_bare,
        "ratio_vs_read_xml": t_gk / (t_bare + t_parse_rx),
        "dtypes": {name: str(dtype) for name, dtype in df.dtypes.items()},
        "read_xml_dtypes": {name: str(dtype) for name, dtype in frame_rx.dtypes.items()},
    }


# -- 2. uploads ----------------------------------------------------------------------------------
def make_photos(folder: Path, count: int) -> list[Path]:
    """``count`` distinct JPEGs of about 2 MB (noise compresses badly), made once and reused."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"IMG_{i:04d}.jpg" for i in range(count)]
    if not all(p.exists() for p in paths):
        noise = Image.merge("RGB", [Image.effect_noise((1600, 1200), 80) for _ in range(3)])
        buf = io.BytesIO()
        noise.save(buf, "JPEG", quality=95)
        for i, p in enumerate(paths):
            p.write_bytes(buf.getvalue() + i.to_bytes(4, "big"))  # after the end marker: distinct files
    return paths


def bench_uploads(server: Server, token: str, client: Any, paths: list[Path], repeat: int) -> dict[str, Any]:
    import requests

    from galleryk.fotki.signing import signed

    info = server.info
    url = f"{info['api_url']}/upload"
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=WORKERS * 2))

    def plain_one(path: Path) -> None:
        fields = signed(info["secret"], {"api_key": info["api_key"], "auth_token": token, "title": path.stem})
        with open(path, "rb") as fh:
            resp = session.post(url, data=fields, files={"photo": (path.name, fh, "image/jpeg")}, timeout=TIMEOUT)
        if resp.status_code != 200 or b"<photoid>" not in resp.content:
            raise RuntimeError(f"plain upload failed: {resp.status_code} {resp.content[:200]!r}")

    def plain() -> None:
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(plain_one, paths))

    def galleryk() -> None:
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda p: client.upload(p, title=p.stem), paths))

    plain_one(paths[0]), client.upload(paths[0], title="warm-up")
    rounds: dict[str, list[float]] = {"galleryk": [], "plain": []}
    for i in range(repeat):  # interleaved, first one then the other: the server slows as it fills up
        for name, fn in sorted({"galleryk": galleryk, "plain": plain}.items(), reverse=bool(i % 2)):
            rounds[name].append(best_of(fn, 1)[0])
    size = sum(p.stat().st_size for p in paths)
    t_gk, t_plain = min(rounds["galleryk"]), min(rounds["plain"])
    return {
        "files": len(paths),
        "mb": size / 2**20,
        "galleryk_s": t_gk,
        "plain_requests_s": t_plain,
        "galleryk_mb_s": size / 2**20 / t_gk,
        "plain_mb_s": size / 2**20 / t_plain,
        "ratio": t_gk / t_plain,
        "rounds": rounds,
    }


# -- 3. memory of a 1 GB upload --------------------------------------------------------------------
def make_big_file(path: Path, size: int) -> Path:
    """A valid small JPEG followed by zeros up to ``size`` bytes (sparse on disk)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buf, "JPEG")
    with open(path, "wb") as out:
        out.write(buf.getvalue())
        out.truncate(size)
    return path


def bench_big_upload(server: Server, token: str, path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    server.command("set", "fotki_max_upload_bytes", size + 2**20)
    info = server.info
    env = {**os.environ, "BENCH_FOTKI": json.dumps({**info, "token": token, "path": str(path)})}
    out = subprocess.run([sys.executable, __file__, "--child-big-upload"], env=env, capture_output=True,
                         text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"the upload child failed:\n{out.stderr[-2000:]}")
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["bytes"] = size
    return report


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB: VmHWM on Linux (``ru_maxrss`` survives exec, so a child
    started from a big parent would report the parent's size), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def _child_big_upload() -> None:
    """In a fresh process: upload one big file and report this process's own memory use as JSON."""
    import psutil

    from galleryk.fotki import Fotki

    cfg = json.loads(os.environ.pop("BENCH_FOTKI"))
    client = Fotki(cfg["api_key"], cfg["secret"], cfg["token"], api_url=cfg["api_url"], auth_url=cfg["auth_url"],
                   token_cache="memory", timeout=TIMEOUT)
    proc = psutil.Process()
    before = proc.memory_info().rss
    hwm_before = peak_rss_mb()
    peak = [before]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            peak[0] = max(peak[0], proc.memory_info().rss)

    calls = [0]

    def progress(sent: int, total: int) -> None:
        calls[0] += 1

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    result = client.upload(cfg["path"], title="one gigabyte", progress=progress)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    print(json.dumps({
        "photo_id": result.id,
        "seconds": seconds,
        "rss_before_mb": before / 2**20,
        "rss_peak_sampled_mb": peak[0] / 2**20,
        "peak_rss_before_upload_mb": hwm_before,
        "peak_rss_mb": peak_rss_mb(),
        "progress_calls": calls[0],
    }))


# -- main ----------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run (about 30 s)")
    parser.add_argument("--photos", type=int, help="photos in the listed set (default 20000; quick 5000)")
    parser.add_argument("--uploads", type=int, help="~2 MB files uploaded per round (default 100; quick 20)")
    parser.add_argument("--big-mb", type=int, help="size of the big upload in MiB (default 1024; quick 256)")
    parser.add_argument("--repeat", type=int, help="rounds per measurement, best kept (default 5; quick 2)")
    parser.add_argument("--scratch", help="folder for the sandbox's data (default /dev/shm when there is one: "
                        "disk writeback would otherwise blur the upload timings)")
    parser.add_argument("--child-big-upload", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_big_upload:
        _child_big_upload()
        return 0
    photos = args.photos or (5000 if args.quick else 20000)
    uploads = args.uploads or (20 if args.quick else 100)
    big_mb = args.big_mb or (256 if args.quick else 1024)
    repeat = args.repeat or (2 if args.quick else 5)

    cache = Path(tempfile.gettempdir()) / "galleryk-bench-fotki"
    shm = Path("/dev/shm")
    scratch = args.scratch or (str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None)
    with tempfile.TemporaryDirectory(prefix="galleryk-bench-fotki-", dir=scratch) as tmp:
        started = time.perf_counter()
        server = Server(str(Path(tmp) / "sandbox"), photos)
        print(f"sandbox with a {photos}-photo set ready in {time.perf_counter() - started:.1f}s")
        try:
            client, token = signed_in_client(server, workers=WORKERS)
            listing = bench_listing(server, token, client, repeat)
            print(f"listing: {listing['rows']} rows in {listing['pages']} pages measured")
            paths = make_photos(cache / "photos", uploads)
            upload = bench_uploads(server, token, client, paths, max(2, repeat // 2))
            print(f"uploads: {upload['files']} files ({upload['mb']:.0f} MB) measured")
            big = bench_big_upload(server, token, make_big_file(Path(tmp) / "big.jpg", big_mb * 2**20))
            print(f"big upload: {big_mb} MiB measured")
        finally:
            server.stop()

    rows = [
        ("listing", f"galleryk photos() -> DataFrame, {listing['rows']} rows", listing["galleryk_s"], ""),
        ("", f"bare requests, same pages, {WORKERS} threads", listing["bare_fetch_s"],
         f"{listing['ratio_vs_bare']:.2f}x (target <= 1.3x)"),
        ("", "bare fetch + pandas.read_xml", listing["fetch_plus_read_xml_s"],
         f"{listing['ratio_vs_read_xml']:.2f}x (target < 1x)"),
        ("", "parse only: pandas.read_xml", listing["read_xml_parse_s"], ""),
        ("", "parse only: galleryk", listing["galleryk_parse_s"],
         f"{listing['galleryk_parse_s'] / listing['read_xml_parse_s']:.2f}x of read_xml"),
        ("uploads", f"galleryk upload(), {upload['files']} x ~2 MB, {WORKERS} threads", upload["galleryk_s"],
         f"{upload['galleryk_mb_s']:.0f} MB/s"),
        ("", "requests.post(files=...), same fields", upload["plain_requests_s"],
         f"{upload['ratio']:.2f}x (target <= 1.2x)"),
        ("memory", f"upload of {big_mb} MiB: peak RSS {big['peak_rss_mb']:.0f} MB", big["seconds"],
         f"before {big['rss_before_mb']:.0f} MB (target peak < 150 MB)"),
    ]
    print(f"\n{'':8} {'what':58} {'seconds':>8}  note")
    for group, what, seconds, note in rows:
        print(f"{group:8} {what:58} {seconds:8.3f}  {note}")

    results = RESULTS.with_name("bench_fotki-quick.json") if args.quick else RESULTS
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "args": {"scratch": scratch, "photos": photos, "uploads": uploads, "big_mb": big_mb, "repeat": repeat, "workers": WORKERS},
        "listing": listing,
        "uploads": upload,
        "big_upload": big,
        "targets_met": {
            "listing_vs_bare": listing["ratio_vs_bare"] <= 1.3,
            "listing_vs_read_xml": listing["ratio_vs_read_xml"] < 1.0,
            "uploads_vs_plain": upload["ratio"] <= 1.2,
            "big_upload_peak_rss": big["peak_rss_mb"] < 150,
        },
    }, indent=2))
    print(f"\nresults: {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
