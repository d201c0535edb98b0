"""Benchmark of the sandbox itself: requests per second, keep-alive, paging cost, and who dominates a client benchmark.

The sandbox runs in a child process (as in the client benchmarks) with one photoset of
``--photos`` photos (100,000 by default). Measured:

1. Requests per second of trivial calls (``flickr.auth.checkToken``, ``flickr.photos.getInfo``)
   sent by ``--threads`` threads over kept-alive ``http.client`` connections with the signed
   query made in advance (the cheapest client there is), and the server's CPU time per request
   (the child's own ``getrusage``), whose inverse is what one core of the server can answer.
2. Keep-alive: the connections and requests the server counted during those calls.
3. Paging: the server's CPU time for one getPhotos page of 500 at the start, the middle and the
   end of the set (the same at every offset means O(page size)), and for a whole listing.
4. Who dominates: for a galleryk ``photos()`` of 20,000 photos, ``check_token()`` calls and 20
   uploads of 2 MB, the client's CPU time against the server's. The sandbox is never the
   bottleneck when the client's share is the larger one.

Every figure is the median of interleaved rounds with min and max. JSON goes to
benchmarks/results/bench_sandbox.json. Usage:
python benchmarks/bench_sandbox.py [--quick] [--photos 100000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import http.client
import io
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import benchlib
from sandboxproc import OWNER, SandboxProcess, scratch_dir

TRIVIAL_CALLS = 2000


def _signed_query(info: dict[str, Any], token: str, params: dict[str, Any]) -> str:
    from galleryk.fotki.signing import signed

    return urlencode(signed(info["secret"], {"api_key": info["api_key"], "auth_token": token, **params}))


def hammer(url: str, paths: list[str], threads: int) -> float:
    """Send every path in ``paths`` (GET) over ``threads`` kept-alive connections; wall seconds."""
    parts = urlsplit(url)
    errors: list[str] = []

    def run(mine: list[str]) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            for path in mine:
                conn.request("GET", path)
                reply = conn.getresponse()
                body = reply.read()
                if reply.status != 200 or b'stat="ok"' not in body:
                    errors.append(f"{reply.status} {body[:200]!r}")
                    return
        finally:
            conn.close()

    workers = [threading.Thread(target=run, args=(paths[i::threads],)) for i in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise RuntimeError(f"sandbox calls failed: {errors[0]}")
    return time.perf_counter() - start


def bench_trivial(sandbox: SandboxProcess, token: str, threads: int, rounds: int, calls: int) -> dict[str, Any]:
    info = sandbox.info
    api = urlsplit(info["api_url"]).path
    auth = urlsplit(info["auth_url"]).path
    photo = info["first_photo_id"]
    kinds = {
        "checkToken": f"{auth}?{_signed_query(info, token, {'method': 'flickr.auth.checkToken'})}",
        "getInfo": f"{api}/flickr.photos.getInfo?{_signed_query(info, token, {'photo_id': photo})}",
    }
    out: dict[str, Any] = {}
    for name, path in kinds.items():
        rates, cpu_per_call, connections, requests = [], [], [], []
        hammer(info["url"], [path] * 50, threads)  # warm
        for _ in range(rounds):
            before = sandbox.traffic()
            seconds = hammer(info["url"], [path] * calls, threads)
            after = sandbox.traffic()
            rates.append(calls / seconds)
            cpu_per_call.append((after["cpu_s"] - before["cpu_s"]) / calls)
            connections.append(after["connections"] - before["connections"])
            requests.append(after["requests"] - before["requests"])
        out[name] = {
            "requests_per_s": benchlib.spread(rates),
            "server_cpu_ms": benchlib.spread([c * 1000 for c in cpu_per_call]),
            "one_core_capacity_per_s": benchlib.spread([1 / c for c in cpu_per_call]),
            "connections": connections,
            "requests": requests,
        }
    return out


def bench_paging(sandbox: SandboxProcess, token: str, photos: int, rounds: int, repeat: int = 20) -> dict[str, Any]:
    info = sandbox.info
    api = urlsplit(info["api_url"]).path
    pages = -(-photos // 500)

    def page_path(n: int) -> str:
        return f"{api}/flickr.photosets.getPhotos?" + _signed_query(
            info, token, {"photoset_id": info["set_id"], "page": n, "per_page": 500}
        )

    where = {"first page": 1, "middle page": max(1, pages // 2), "last page": pages}
    cpu: dict[str, list[float]] = {name: [] for name in where}
    hammer(info["url"], [page_path(1)], 1)  # the set's order is read once, here
    for i in range(rounds):
        for name, n in list(where.items()) if i % 2 == 0 else list(reversed(where.items())):
            before = sandbox.traffic()["cpu_s"]
            hammer(info["url"], [page_path(n)] * repeat, 1)
            cpu[name].append((sandbox.traffic()["cpu_s"] - before) / repeat * 1000)
    walks = []
    for _ in range(max(1, rounds // 2)):
        before = sandbox.traffic()["cpu_s"]
        hammer(info["url"], [page_path(n) for n in range(1, pages + 1)], 1)
        walks.append(sandbox.traffic()["cpu_s"] - before)
    return {
        "photos": photos,
        "pages": pages,
        "page_cpu_ms": {name: benchlib.spread(v) for name, v in cpu.items()},
        "last_over_first": benchlib.spread([b / a for a, b in zip(cpu["first page"], cpu["last page"])]),
        "full_walk_cpu_s": benchlib.spread(walks),
    }


def bench_dominance(
    sandbox: SandboxProcess, client: Any, rounds: int, listing_photos: int, uploads: int, calls: int
) -> dict[str, Any]:
    """Client CPU against server CPU, for a listing, trivial calls and uploads made by galleryk."""
    from PIL import Image

    noise = Image.merge("RGB", [Image.effect_noise((1600, 1200), 80) for _ in range(3)])
    buf = io.BytesIO()
    noise.save(buf, "JPEG", quality=95)
    photo = buf.getvalue()
    set_id = sandbox.info["small_set_id"]
    work = {
        f"photos() of {listing_photos:,}": lambda: client.photos(set_id),
        f"{calls} check_token()": lambda: [client.check_token() for _ in range(calls)],
        f"{uploads} uploads of {len(photo) / 2**20:.1f} MB": lambda: [
            client.upload(photo, title=f"b{i}") for i in range(uploads)
        ],
    }
    out = {}
    for name, fn in work.items():
        fn()
        shares, client_cpu, server_cpu = [], [], []
        for _ in range(rounds):
            before, c0 = sandbox.traffic()["cpu_s"], time.process_time()
            fn()
            c, s = time.process_time() - c0, sandbox.traffic()["cpu_s"] - before
            client_cpu.append(c)
            server_cpu.append(s)
            shares.append(c / s)
        out[name] = {
            "client_over_server_cpu": {**benchlib.spread(shares), "rounds": rounds},
            "client_cpu_s": benchlib.spread(client_cpu),
            "server_cpu_s": benchlib.spread(server_cpu),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--photos", type=int, help="photos in the big set (default 100000)")
    parser.add_argument("--listing-photos", type=int, help="photos listed by galleryk (default 20000)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, help="rounds (default 5)")
    args = parser.parse_args()
    photos = args.photos or (1000 if args.quick else 100_000)
    listing = args.listing_photos or (500 if args.quick else 20_000)
    rounds = args.rounds or (1 if args.quick else 5)
    calls = 50 if args.quick else TRIVIAL_CALLS

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="galleryk-bench-sandbox-", dir=scratch_dir()) as tmp:
        sandbox = SandboxProcess(str(Path(tmp) / "sandbox"), photos, extra_set=listing)
        try:
            client, token = sandbox.client()
            trivial = bench_trivial(sandbox, token, args.threads, rounds, calls)
            paging = bench_paging(sandbox, token, photos, rounds, 3 if args.quick else 20)
            dominance = bench_dominance(
                sandbox, client, rounds, listing, 3 if args.quick else 20, 20 if args.quick else 200
            )
        finally:
            sandbox.stop()

    rows: list[tuple[str, str, str]] = [(f"1. trivial calls, {args.threads} threads, keep-alive", "", "")]
    for name, r in trivial.items():
        rps, cpu, cap = r["requests_per_s"], r["server_cpu_ms"], r["one_core_capacity_per_s"]
        rows += [
            (
                f"   {name}: requests per second",
                f"{rps['median']:.0f} (min {rps['min']:.0f}, max {rps['max']:.0f})",
                "",
            ),
            (
                f"   {name}: server CPU per request",
                f"{cpu['median']:.2f} ms (min {cpu['min']:.2f}, max {cpu['max']:.2f})",
                f"= {cap['median']:.0f} requests/s on one core",
            ),
            (
                f"2. {name}: connections / requests on the server",
                f"{max(r['connections'])} / {r['requests'][0]}",
                "per round",
            ),
        ]
    pc = paging["page_cpu_ms"]
    rows += [
        (f"3. paging, {photos:,} photos, 500 a page: server CPU", "", ""),
        ("   first, middle, last page", ", ".join(f"{pc[k]['median']:.1f}" for k in pc) + " ms", ""),
        (
            "   last page / first page",
            f"{paging['last_over_first']['median']:.2f}x (min {paging['last_over_first']['min']:.2f}x,"
            f" max {paging['last_over_first']['max']:.2f}x)",
            "O(page size): about 1x",
        ),
        (f"   whole listing, {paging['pages']} pages", benchlib.show_seconds(paging["full_walk_cpu_s"]), ""),
        ("4. client CPU / server CPU (> 1: the client dominates)", "", ""),
    ]
    for name, r in dominance.items():
        share = r["client_over_server_cpu"]
        rows.append(
            (
                f"   {name}",
                f"{share['median']:.2f}x (min {share['min']:.2f}x, max {share['max']:.2f}x)",
                "met" if share["median"] > 1 else "NOT met: the server dominates",
            )
        )
    print(f"\nSandbox ({time.perf_counter() - started:.0f} s; medians of rounds, with min and max)")
    benchlib.print_table(rows)
    path = benchlib.write_report(
        "bench_sandbox", {"trivial": trivial, "paging": paging, "dominance": dominance, "owner": OWNER}, args.quick
    )
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
