"""How long until an AlbumBrowser on a 5,000-photo set sends its first page of thumbnails, against a bare fetch.

Widget: ``AlbumBrowser(client, album=<set>)``, then the page request its JavaScript sends when
it appears; the clock stops when the kernel sends that page (custom message with buffers).
Baseline, same run: ``client.photos(set, limit=page)`` and the same thumbnails fetched with a
pool of the same size. Each round uses a fresh thumbnail cache (nothing is served from a
previous round); rounds interleave widget and baseline. Goal: the first page within 1 s.

    python benchmarks/bench_widgets.py [--rounds 7] [--photos 5000] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "widgets"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import spread, write_report
from widget_support import fill_photoset

import galleryk as gk
import galleryk.widgets as gw
from galleryk import thumbcache
from galleryk.widgets._grid import PAGE_SIZE, THUMB_WORKERS

_CACHES: list[Path] = []
"""Where this run's fresh thumbnail caches go (one folder, removed at the end)."""


def fresh_cache() -> None:
    thumbcache._default = thumbcache.ThumbCache(tempfile.mkdtemp(prefix="thumbs-", dir=_CACHES[0]))


def widget_round(client: gk.Fotki, set_id: int) -> float:
    fresh_cache()
    sent = threading.Event()
    started = time.perf_counter()
    browser = gw.AlbumBrowser(client, album=set_id, fallback_after=None)
    grid = browser.grid

    def send(content: dict, buffers: list) -> None:
        if content.get("page") == 0 and len(buffers) == PAGE_SIZE:
            sent.set()

    grid.grid.send = send  # what goes to the browser, caught here
    grid.receive({"type": "page", "page": 0, "version": grid.version})  # what the JavaScript sends
    if not sent.wait(60):
        raise RuntimeError("the first page never came")
    elapsed = time.perf_counter() - started
    browser.wait(60)
    browser.close()
    return elapsed


def baseline_round(client: gk.Fotki, set_id: int) -> float:
    fresh_cache()
    started = time.perf_counter()
    first = client.photos(set_id, limit=PAGE_SIZE)
    with ThreadPoolExecutor(THUMB_WORKERS) as pool:
        pictures = list(pool.map(lambda row: client.thumbnail(row[1], size=120), first.iterrows()))
    assert len(pictures) == PAGE_SIZE
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--photos", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="a tiny run that only checks the script works")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.photos = 2, 200
    with tempfile.TemporaryDirectory(prefix="galleryk-bench-") as tmp:
        _CACHES[:] = [Path(tmp)]
        sandbox = gk.sandbox.start(Path(tmp) / "data")
        try:
            set_id, _ = fill_photoset(sandbox, "alice", args.photos, "Bench set", kinds=24)
            client = sandbox.fotki("alice")
            widget_round(client, set_id)  # warm-up: imports, connections, the sandbox's own thumbnail files
            baseline_round(client, set_id)
            widget, bare = [], []
            for i in range(args.rounds):  # the order alternates from round to round
                for run in (widget_round, baseline_round) if i % 2 == 0 else (baseline_round, widget_round):
                    (widget if run is widget_round else bare).append(run(client, set_id))
        finally:
            sandbox.stop()
    ratios = [w / b for w, b in zip(widget, bare)]
    print(f"first page of {PAGE_SIZE} thumbnails, {args.photos:,}-photo set, {args.rounds} interleaved rounds")
    for name, values in (("AlbumBrowser", widget), ("bare fetch", bare)):
        print(f"  {name:13s} median {statistics.median(values):.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
    print(f"  ratio         median {statistics.median(ratios):.2f}  (min {min(ratios):.2f}, max {max(ratios):.2f})")
    met = statistics.median(widget) < 1.0
    print(f"  goal: first page within 1 s: {'met' if met else 'NOT met'}")
    path = write_report(
        "bench_widgets",
        {
            "photos": args.photos,
            "rounds": args.rounds,
            "page": PAGE_SIZE,
            "album_browser_s": spread(widget),
            "bare_fetch_s": spread(bare),
            "ratio": spread(ratios),
            "goal_met": met,
        },
        quick=args.quick,
    )
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
