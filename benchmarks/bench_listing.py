"""Benchmark of Fotki listings: speed and memory against a page server that costs nothing, and latency.

1. Speed (goal: at most 1.1x). ``Fotki.photos(...)`` of 20,000 photos (40 pages of 500)
   from ``benchmarks/pageserver.py`` (replies made in advance, keep-alive, so the server's
   cost is out of the picture), against a hand-written client doing the same work: signed
   requests over one pooled ``requests.Session``, page 1 then the rest over the same threads,
   ``lxml.etree.fromstring`` and one XPath per attribute on each page, one typed DataFrame
   (the same columns and dtypes, checked equal). Both use ``--threads`` threads (4). Also
   shown: the same fetches with the bodies left unparsed ("fetch alone").
2. Memory (goal: at most 3x). In a fresh process, a listing of 100,000 photos: peak resident
   memory (VmHWM, reset just before) above the resident memory before the listing, against
   the DataFrame's own size (``memory_usage(deep=True)``). The hand-written client's figure
   is shown beside it.
3. Latency (goal: at least 6x). The sandbox, in a child process, with 100 ms injected before
   every reply: ``Fotki.photos()`` of 20,000 photos with its default concurrency (one thread
   a page after page 1, up to ``max_workers``), against a sequential walk at the same page
   size (the hand-written client, one page after the other).

Every figure is the median of interleaved rounds with min and max. JSON goes to
benchmarks/results/bench_listing.json. Usage:
python benchmarks/bench_listing.py [--quick] [--photos 20000] [--memory-photos 100000] [--rounds 15]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import benchlib
from pageserver import PageServer
from sandboxproc import SandboxProcess, scratch_dir

NAMES = ("id", "title", "isprimary", "ispublic", "isfriend", "isfamily")
TIMEOUT = (10.0, 300.0)


class HandWritten:
    """The listing as one would write it by hand with requests, lxml and pandas: the baseline."""

    def __init__(self, api_url: str, api_key: str, secret: str, token: str, threads: int) -> None:
        import requests
        from lxml import etree

        self.url = f"{api_url}/flickr_photosets_getPhotos"
        self.api_key, self.secret, self.token, self.threads = api_key, secret, token, threads
        self.session = requests.Session()
        self.session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=max(threads, 1)))
        self.paths = {name: etree.XPath(f"photo/@{name}", smart_strings=False) for name in NAMES}
        self.fromstring = etree.fromstring

    def _get(self, set_id: int, page: int, per_page: int) -> bytes:
        params = {
            "api_key": self.api_key,
            "auth_token": self.token,
            "page": str(page),
            "per_page": str(per_page),
            "photoset_id": str(set_id),
        }
        text = self.secret + "".join(name + params[name] for name in sorted(params))
        params["api_sig"] = hashlib.md5(text.encode("utf-8")).hexdigest()
        reply = self.session.get(self.url, params=params, timeout=TIMEOUT)
        reply.raise_for_status()
        return reply.content

    def _page(self, set_id: int, page: int, per_page: int) -> tuple[int, str, dict[str, list[str]]]:
        root = self.fromstring(self._get(set_id, page, per_page))
        if root.get("stat") != "ok":
            raise RuntimeError(f"page {page} failed: {root[0].attrib}")
        photoset = root.find("photoset")
        return int(photoset.get("pages")), photoset.get("owner"), {n: p(photoset) for n, p in self.paths.items()}

    def photos(self, set_id: int, per_page: int = 500, sequential: bool = False, max_pages: int | None = None) -> Any:
        import numpy as np
        import pandas as pd

        pages, owner, first = self._page(set_id, 1, per_page)
        rest = range(2, (pages if max_pages is None else min(pages, max_pages)) + 1)
        if sequential:
            parts = [first, *(self._page(set_id, n, per_page)[2] for n in rest)]
        else:
            with ThreadPoolExecutor(self.threads) as pool:
                parts = [first, *(cols for _, _, cols in pool.map(lambda n: self._page(set_id, n, per_page), rest))]
        columns = {name: [v for part in parts for v in part[name]] for name in NAMES}
        n = len(columns["id"])
        no_gaps = np.zeros(n, dtype=bool)

        def flags(name: str) -> Any:
            return pd.arrays.BooleanArray(np.array(columns[name]) == "1", no_gaps)

        return pd.DataFrame(
            {
                "id": pd.array(np.array(columns["id"], dtype=np.int64), dtype="Int64"),
                "album_id": pd.array(np.full(n, set_id), dtype="Int64"),
                "title": pd.array(columns["title"], dtype="string"),
                "description": pd.array(np.full(n, None, dtype=object), dtype="string"),
                "tags": np.full(n, None, dtype=object),
                "taken": pd.DatetimeIndex(np.full(n, np.datetime64("NaT", "s"))),
                "owner": pd.array(np.full(n, int(owner)), dtype="Int64"),
                "ispublic": flags("ispublic"),
                "isfriend": flags("isfriend"),
                "isfamily": flags("isfamily"),
                "isprimary": flags("isprimary"),
            }
        )

    def fetch(self, set_id: int, per_page: int = 500) -> list[bytes]:
        """The same requests, bodies left unparsed (the number of pages is read off page 1's bytes)."""
        first = self._get(set_id, 1, per_page)
        pages = int(first.split(b'pages="', 1)[1].split(b'"', 1)[0])
        with ThreadPoolExecutor(self.threads) as pool:
            return [first, *pool.map(lambda n: self._get(set_id, n, per_page), range(2, pages + 1))]


def galleryk_client(api_url: str, token: str, **options: Any) -> Any:
    from galleryk.fotki import Fotki

    return Fotki(
        "bench-key",
        "bench-secret",
        token,
        api_url=api_url,
        auth_url=api_url,
        token_cache="memory",
        timeout=TIMEOUT,
        **options,
    )


# -- 1. speed ---------------------------------------------------------------------------------------
def bench_speed(photos: int, threads: int, rounds: int) -> dict[str, Any]:
    import pandas as pd

    with PageServer(photos) as server:
        gk = galleryk_client(server.api_url, "bench-token", max_workers=threads)
        gk_default = galleryk_client(server.api_url, "bench-token")
        hand = HandWritten(server.api_url, "bench-key", "bench-secret", "bench-token", threads)
        mine, theirs = gk.photos(server.set_id), hand.photos(server.set_id)
        pd.testing.assert_frame_equal(mine, theirs)  # the same work, the same result
        cpu: dict[str, list[float]] = {}
        times = benchlib.interleaved(
            {
                "galleryk": lambda: gk.photos(server.set_id),
                "hand-written": lambda: hand.photos(server.set_id),
                "fetch alone": lambda: hand.fetch(server.set_id),
                "galleryk, default max_workers": lambda: gk_default.photos(server.set_id),
            },
            rounds,
            cpu=cpu,
        )
    return {
        "photos": photos,
        "pages": -(-photos // 500),
        "threads": threads,
        "vs_hand_written": benchlib.ratio(times, "galleryk", "hand-written"),
        "cpu_vs_hand_written": benchlib.ratio(cpu, "galleryk", "hand-written"),
        "vs_fetch_alone": benchlib.ratio(times, "galleryk", "fetch alone"),
        "hand_written_vs_fetch_alone": benchlib.ratio(times, "hand-written", "fetch alone"),
        "default_vs_hand_written": benchlib.ratio(times, "galleryk, default max_workers", "hand-written"),
    }


# -- 2. memory ----------------------------------------------------------------------------------------
def _child_memory(who: str, api_url: str, photos: int) -> None:
    """In a fresh process: one listing of ``photos`` rows; print peak RSS above the RSS before, and the frame size."""
    from pageserver import SET_ID

    if who == "galleryk":
        client = galleryk_client(api_url, "bench-token")
        run = lambda limit=None: client.photos(SET_ID, limit=limit)  # noqa: E731
    else:
        hand = HandWritten(api_url, "bench-key", "bench-secret", "bench-token", 4)
        run = lambda limit=None: hand.photos(SET_ID, max_pages=limit and 2)  # noqa: E731
    run(1000)  # imports, connections and code paths warmed up on two pages
    gc.collect()
    before = benchlib.rss_mb()
    if not benchlib.reset_peak_rss():
        raise SystemExit("cannot reset VmHWM (/proc/self/clear_refs)")
    df = run()
    peak = benchlib.peak_rss_mb()
    print(
        json.dumps(
            {
                "rows": len(df),
                "frame_mb": float(df.memory_usage(deep=True).sum()) / 2**20,
                "rss_before_mb": before,
                "peak_above_mb": peak - before,
            }
        )
    )


def bench_memory(photos: int, rounds: int, who_runs: tuple[str, ...] = ("galleryk", "hand-written")) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {who: [] for who in who_runs}
    with PageServer(photos) as server:
        for i in range(rounds):
            for who in who_runs if i % 2 == 0 else tuple(reversed(who_runs)):
                out = subprocess.run(
                    [sys.executable, __file__, "--child-memory", who, server.api_url, str(photos)],
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                if out.returncode != 0:
                    raise RuntimeError(f"memory child failed:\n{out.stderr[-2000:]}")
                runs[who].append(json.loads(out.stdout.strip().splitlines()[-1]))
    result: dict[str, Any] = {"photos": photos, "rounds": rounds}
    for who, items in runs.items():
        assert all(item["rows"] == photos for item in items)
        result[who] = {
            "frame_mb": items[0]["frame_mb"],
            "peak_above_mb": benchlib.spread([item["peak_above_mb"] for item in items]),
            "ratio_to_frame": {
                **benchlib.spread([item["peak_above_mb"] / item["frame_mb"] for item in items]),
                "rounds": rounds,
            },
        }
    return result


# -- 3. latency --------------------------------------------------------------------------------------
def bench_latency(photos: int, latency: float, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="galleryk-bench-listing-", dir=scratch_dir()) as tmp:
        sandbox = SandboxProcess(str(Path(tmp) / "sandbox"), photos)
        try:
            set_id = sandbox.info["set_id"]
            client, token = sandbox.client()
            hand = HandWritten(sandbox.info["api_url"], sandbox.info["api_key"], sandbox.info["secret"], token, 1)
            assert len(client.photos(set_id)) == len(hand.photos(set_id, sequential=True)) == photos
            sandbox.command("faults", {"latency": latency})
            before = sandbox.traffic()
            times = benchlib.interleaved(
                {
                    "galleryk": lambda: client.photos(set_id),
                    "sequential walk": lambda: hand.photos(set_id, sequential=True),
                },
                rounds,
                warmup=False,
            )
            after = sandbox.traffic()
        finally:
            sandbox.stop()
    pages = -(-photos // 500)
    return {
        "photos": photos,
        "pages": pages,
        "latency_s": latency,
        "speedup": benchlib.ratio(times, "sequential walk", "galleryk"),
        "server_requests": after["requests"] - before["requests"],
        "server_connections": after["connections"] - before["connections"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--photos", type=int, help="photos listed for speed and latency (default 20000)")
    parser.add_argument("--memory-photos", type=int, help="photos listed for memory (default 100000)")
    parser.add_argument("--threads", type=int, default=4, help="threads on both sides of the speed comparison")
    parser.add_argument("--rounds", type=int, help="rounds of the speed comparison (default 15)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds injected per request (default 0.1)")
    parser.add_argument("--only", help="run only these parts, comma separated: speed, memory, latency")
    parser.add_argument("--child-memory", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        who, url, photos = args.child_memory
        _child_memory(who, url, int(photos))
        return 0
    photos = args.photos or (1000 if args.quick else 20000)
    memory_photos = args.memory_photos or (2000 if args.quick else 100000)
    rounds = args.rounds or (2 if args.quick else 15)
    slow_rounds = 1 if args.quick else 5
    latency_s = 0.01 if args.quick and args.latency == 0.1 else args.latency

    parts = set((args.only or "speed,memory,latency").split(","))
    started = time.perf_counter()
    report: dict[str, Any] = {}
    rows: list[tuple[str, str, str]] = []
    if "speed" in parts:
        report["speed"] = bench_speed(photos, args.threads, rounds)
        rows += _speed_rows(report["speed"])
    if "memory" in parts:
        report["memory"] = bench_memory(
            memory_photos, slow_rounds, ("galleryk",) if args.quick else ("galleryk", "hand-written")
        )
        rows += _memory_rows(report["memory"])
    if "latency" in parts:
        report["latency"] = bench_latency(photos, latency_s, slow_rounds)
        rows += _latency_rows(report["latency"])
    print(f"\nFotki listings ({time.perf_counter() - started:.0f} s; medians of interleaved rounds, with min and max)")
    benchlib.print_table(rows)
    path = benchlib.write_report("bench_listing", report, args.quick)
    print(f"\nresults: {path}")
    return 0


def _speed_rows(s: dict[str, Any]) -> list[tuple[str, str, str]]:
    photos = s["photos"]
    return [
        (f"2. {photos:,} photos, {s['threads']} threads, page server at no cost", "", ""),
        ("   galleryk photos()", benchlib.show_seconds(s["vs_hand_written"]["contestant_s"]), ""),
        ("   hand-written client, same work", benchlib.show_seconds(s["vs_hand_written"]["baseline_s"]), ""),
        ("   fetch alone (bodies unparsed)", benchlib.show_seconds(s["vs_fetch_alone"]["baseline_s"]), ""),
        (
            "   galleryk / hand-written",
            benchlib.show_ratio(s["vs_hand_written"]),
            "goal <= 1.1x: " + ("met" if benchlib.goal_met(s["vs_hand_written"], at_most=1.1) else "NOT met"),
        ),
        ("   the same in CPU time of the client process", benchlib.show_ratio(s["cpu_vs_hand_written"]), ""),
        ("   galleryk / fetch alone", benchlib.show_ratio(s["vs_fetch_alone"]), ""),
        ("   hand-written / fetch alone", benchlib.show_ratio(s["hand_written_vs_fetch_alone"]), ""),
        ("   galleryk default max_workers / hand-written", benchlib.show_ratio(s["default_vs_hand_written"]), ""),
    ]


def _memory_rows(memory: dict[str, Any]) -> list[tuple[str, str, str]]:
    gk_mem, memory_photos = memory["galleryk"], memory["photos"]
    return [
        (f"2. memory, {memory_photos:,} photos: frame {gk_mem['frame_mb']:.1f} MB", "", ""),
        (
            "   galleryk peak above before",
            f"{gk_mem['peak_above_mb']['median']:.1f} MB (min "
            f"{gk_mem['peak_above_mb']['min']:.1f}, max {gk_mem['peak_above_mb']['max']:.1f})",
            "",
        ),
        (
            "   galleryk peak / frame",
            _ratio_text(gk_mem["ratio_to_frame"]),
            "goal <= 3x: " + ("met" if gk_mem["ratio_to_frame"]["median"] <= 3 else "NOT met"),
        ),
    ] + (
        [("   hand-written peak / frame", _ratio_text(memory["hand-written"]["ratio_to_frame"]), "")]
        if "hand-written" in memory
        else []
    )


def _latency_rows(latency: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (f"3. {latency['latency_s'] * 1000:.0f} ms per request, {latency['pages']} pages", "", ""),
        ("   galleryk photoset listing", benchlib.show_seconds(latency["speedup"]["baseline_s"]), ""),
        ("   sequential walk", benchlib.show_seconds(latency["speedup"]["contestant_s"]), ""),
        (
            "   speed-up over the sequential walk",
            benchlib.show_ratio(latency["speedup"]),
            "goal >= 6x: " + ("met" if benchlib.goal_met(latency["speedup"], at_least=6) else "NOT met"),
        ),
        ("   server: requests / connections", f"{latency['server_requests']} / {latency['server_connections']}", ""),
    ]


def _ratio_text(r: dict[str, Any]) -> str:
    return f"{r['median']:.2f}x (min {r['min']:.2f}x, max {r['max']:.2f}x, {r['rounds']} rounds)"


if __name__ == "__main__":
    sys.exit(main())
