"""Benchmark of a push under a rate limit the sandbox enforces: how close to the budget's floor, how many 429s.

The sandbox runs in a child process (its server threads do not share the client's GIL). It
enforces a sliding-window budget (``rate_limit`` requests in any ``rate_window`` second) and
answers the rest 429 with Retry-After, as a front web server does. The client knows nothing
of the budget beforehand: it meets the limit, pauses, learns the pace and keeps to it. Each
round uses a new client (nothing learned carries over), a new album and a new journal.

Scenarios (200 small JPEGs by default, 20 requests a second):

1. ``fotki, uploads limited``: the budget covers uploads (``rate_only="upload"``), as a
   service's upload limit does; push into a new photoset (upload, the look-up that checks the
   reply, addPhoto). Floor: photos / rate. Goal: wall time <= 1.1x the floor, no 429 after the
   first pause (those under way when the first came are counted apart), no duplicate.
2. ``coppermine, uploads limited``: the same on a stock 1.6 gallery (``uniload.php``), into an
   album. Floor: photos / rate.
3. ``fotki, every request limited``: the budget covers every request; push to no photoset
   (upload and the look-up that checks the reply: two requests a photo), without markers (so
   each round uploads anew). Floor: requests / rate (and photos / rate, reported too).
4. ``fotki, every request limited, budget given``: as 3, with the client told the budget
   (``calls_per_hour`` at 95 % of it): no 429 at all.

Counted on the server: uploads that reached the upload handler, photos stored, requests refused
(in all, and after the first pause), the busiest one-second window. Wall time is the push's,
from the call to its report. The median of the rounds, with min and max, is printed and written
as JSON to benchmarks/results/bench_push_ratelimit.json.

Usage: python benchmarks/bench_push_ratelimit.py [--photos 200] [--rate 20] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import print_table, write_report

USER = "alice"
WORKERS = 4
UPLOADS = {"fotki": "upload", "coppermine": "uniload"}


# -- the sandbox, in a child process ------------------------------------------------------------
def _server_main(conn: Any, data_dir: str) -> None:
    """Child process: a seeded sandbox that obeys approve / limit / log / stop commands."""
    import galleryk.sandbox as gks

    tempfile.tempdir = str(Path(data_dir).parent)
    sandbox = gks.start(data_dir, seed=True, settings=gks.SandboxSettings(coppermine_api=False))
    with sandbox.store.write() as db:
        db.execute("UPDATE cpg_groups SET quota_kb = 0")
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
        reply: Any = "ok"
        if cmd == "approve":
            sandbox.approve(*args)
        elif cmd == "limit":
            service, values = args
            sandbox.faults.clear()
            sandbox.faults.reset_requests(service)
            sandbox.faults.set(service, **values)
        elif cmd == "log":
            log = sandbox.request_log(args[0])
            reply = {
                "hits": [(h.at, h.name, h.refused) for h in log.hits],
                "uploads": log.uploads,
                "stored": log.stored,
                "refused": log.refused,
            }
        elif cmd == "stop":
            sandbox.stop()
            conn.send("stopped")
            return
        conn.send(reply)


class _Server:
    def __init__(self, data_dir: str) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_server_main, args=(child, data_dir), daemon=True)
        self._proc.start()
        self.info: dict[str, Any] = self._conn.recv()

    def command(self, *cmd: Any) -> Any:
        self._conn.send(cmd)
        return self._conn.recv()

    def stop(self) -> None:
        self.command("stop")
        self._proc.join(30)


# -- clients and photos ---------------------------------------------------------------------------
def _client(server: _Server, service: str, calls_per_hour: float | None = None) -> Any:
    import galleryk as gk

    info = server.info
    if service == "coppermine":
        return gk.Coppermine(info["cpg_url"], USER, info["password"])
    client = gk.Fotki(
        info["api_key"],
        info["secret"],
        api_url=info["api_url"],
        auth_url=info["auth_url"],
        token_cache="memory",
        calls_per_hour=calls_per_hour,
    )
    frob = client.get_frob()
    server.command("approve", frob, USER, "write")
    client.get_token(frob)
    return client


def _photos(folder: Path, count: int) -> Path:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        Image.new("RGB", (96, 64), ((i * 37) % 256, (i * 91) % 256, (i * 13) % 256)).save(
            folder / f"limited_{i:04d}.jpg", quality=85
        )
    return folder


# -- one round ------------------------------------------------------------------------------------
def _round(server: _Server, scenario: dict[str, Any], selection: Any, rate: int, n: int, tag: str) -> dict[str, Any]:
    service = scenario["service"]
    client = _client(server, service, scenario.get("calls_per_hour"))
    if service == "coppermine":
        client.albums()  # signed in before the budget starts counting
    limit = {"rate_limit": rate, "rate_window": 1.0}
    if scenario["only_uploads"]:
        limit["rate_only"] = UPLOADS[service]
    server.command("limit", service, limit)
    journal = Path(os.environ["GALLERYK_CACHE_DIR"]) / f"journal-{tag}.sqlite3"
    started = time.perf_counter()
    report = selection.galleryk.push(
        client,
        album=None if scenario["album"] is None else f"{scenario['album']} {tag}",
        create=scenario["album"] is not None,
        journal=journal,
        workers=WORKERS,
        marker="tag" if scenario["album"] is not None else None,  # no album: nothing to tell rounds apart by
        progress=False,
    )
    wall = time.perf_counter() - started
    log = server.command("log", service)
    server.command("limit", service, {})
    hits = log["hits"]
    refused = [at for at, _, was_refused in hits if was_refused]
    limited = [
        at
        for at, name, was_refused in hits
        if not was_refused
        and (not scenario["only_uploads"] or name == ("upload" if service == "fotki" else "uniload.php"))
    ]
    busiest, first = 0, 0
    for last, now in enumerate(limited):
        while limited[first] <= now - 1.0:
            first += 1
        busiest = max(busiest, last - first + 1)
    handled = len(limited)
    floor_photos = n / rate
    floor_requests = handled / rate
    statuses = report["status"].value_counts().to_dict()
    return {
        "wall_s": round(wall, 3),
        "floor_photos_s": floor_photos,
        "floor_requests_s": floor_requests,
        "x_photos_floor": round(wall / floor_photos, 3),
        "x_requests_floor": round(wall / floor_requests, 3),
        "limited_requests": handled,
        "uploads_reached": log["uploads"],
        "stored": log["stored"],
        "duplicates": log["stored"] - n,
        "refused": len(refused),
        "refused_after_first_pause": sum(1 for at in refused if at > refused[0] + 0.5) if refused else 0,
        "busiest_1s": busiest,
        "statuses": {str(k): int(v) for k, v in statuses.items() if v},
    }


SCENARIOS = [
    {"name": "fotki, uploads limited", "service": "fotki", "only_uploads": True, "album": "Limited"},
    {"name": "coppermine, uploads limited", "service": "coppermine", "only_uploads": True, "album": "Limited"},
    {"name": "fotki, every request limited", "service": "fotki", "only_uploads": False, "album": None},
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--rate", type=int, default=20, help="requests a second the sandbox admits")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a tiny run: does the script still work?")
    args = parser.parse_args(argv)
    if args.quick:
        args.photos, args.rate, args.rounds = 12, 12, 1
    scenarios = [
        *SCENARIOS,
        {
            "name": "fotki, every request limited, budget given",
            "service": "fotki",
            "only_uploads": False,
            "album": None,
            "calls_per_hour": args.rate * 3600 * 0.95,
        },
    ]
    import galleryk as gk

    scratch = Path(tempfile.mkdtemp(prefix="gk-bench-ratelimit-"))
    os.environ["GALLERYK_CACHE_DIR"] = str(scratch / "cache")
    results: dict[str, list[dict[str, Any]]] = {s["name"]: [] for s in scenarios}
    try:
        folder = _photos(scratch / "photos", args.photos)
        selection = gk.scan(folder, progress=False)
        server = _Server(str(scratch / "sandbox"))
        try:
            for r in range(args.rounds):
                for scenario in scenarios:
                    results[scenario["name"]].append(
                        _round(server, scenario, selection, args.rate, args.photos, f"r{r}-{time.time_ns()}")
                    )
        finally:
            server.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows, summary = [], {}
    for name, runs in results.items():
        ratio_key = "x_requests_floor" if "every request" in name else "x_photos_floor"
        ratios = [run[ratio_key] for run in runs]
        med = statistics.median(ratios)
        after = max(run["refused_after_first_pause"] for run in runs)
        dups = max(run["duplicates"] for run in runs)
        first = max(run["refused"] - run["refused_after_first_pause"] for run in runs)
        summary[name] = {"median_x_floor": med, "min": min(ratios), "max": max(ratios), "floor": ratio_key}
        rows.append(
            (
                name,
                f"{med:.2f}x the floor ({min(ratios):.2f}-{max(ratios):.2f}x), "
                f"{statistics.median(run['wall_s'] for run in runs):.1f} s",
                f"429s: {first} at the first pause, {after} after; duplicates {dups}; "
                f"busiest second {max(run['busiest_1s'] for run in runs)}",
            )
        )
    print(f"push of {args.photos} photos, {WORKERS} workers, budget {args.rate} requests/s, {args.rounds} round(s)")
    print_table(rows)
    path = write_report(
        "bench_push_ratelimit",
        {"photos": args.photos, "rate": args.rate, "workers": WORKERS, "summary": summary, "runs": results},
        quick=args.quick,
    )
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
