"""The album browser's grid: its first page of thumbnails against a bare fetch, and a 50,000-photo scroll.

First page (default): ``AlbumBrowser(client, album=<5,000-photo set>)``, then the page request
its JavaScript sends when it appears; the clock stops when the kernel sends that page (custom
message with buffers). Baseline, same run: ``client.photos(set, limit=page)`` and the same
thumbnails fetched with a pool of the same size. Each round uses a fresh thumbnail cache
(nothing is served from a previous round); rounds interleave widget and baseline. Goal: the
first page within 0.3 s.

Scroll (``--scroll``): Voilà and Debian's Chromium show an AlbumBrowser on a 50,000-photo set;
the grid is scrolled from top to bottom in ``--steps`` jumps, each waiting until every tile
on screen shows its picture; the kernel's resident memory is read (psutil) before, at every
step and after. Goal: the last photo reached, the kernel's memory bounded: its growth stays
under the thumbnail memory cache's cap (``--cache-mib``, default 64 MiB) whatever the number
of thumbnails made.

    python benchmarks/bench_widgets.py [--rounds 7] [--photos 5000] [--quick]
    python benchmarks/bench_widgets.py --scroll [--photos 50000] [--steps 150] [--cache-mib 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "widgets"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import spread, write_report
from widget_support import fill_photoset

import galleryk as gk
import galleryk.widgets as gw
from galleryk.access import sandbox_fotki
from galleryk.media import thumbcache
from galleryk.widgets import PAGE_SIZE, THUMB_WORKERS

GOAL_S = 0.3
_CACHES: list[Path] = []
"""Where this run's fresh thumbnail caches go (one folder, removed at the end)."""


def fresh_cache() -> None:
    """An empty thumbnail cache: a new folder (the cache follows GALLERYK_CACHE_DIR at each call), nothing in memory."""
    os.environ["GALLERYK_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-", dir=_CACHES[0])
    thumbcache.default_cache().clear_memory()


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
    parser.add_argument("--scroll", action="store_true", help="scroll a big set in a real browser instead")
    parser.add_argument("--steps", type=int, default=150, help="--scroll: jumps from top to bottom")
    parser.add_argument(
        "--cache-mib", type=float, default=None, help="--scroll: the kernel's thumbnail memory cache (default 64 MiB)"
    )
    args = parser.parse_args()
    if args.scroll:
        scroll_main(args)
        return
    if args.quick:
        args.rounds, args.photos = 2, 200
    with tempfile.TemporaryDirectory(prefix="galleryk-bench-") as tmp:
        _CACHES[:] = [Path(tmp)]
        sandbox = gk.sandbox.start(Path(tmp) / "data")
        try:
            set_id, _ = fill_photoset(sandbox, "alice", args.photos, "Bench set", kinds=24)
            client = sandbox_fotki(sandbox, "alice")
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
    met = statistics.median(widget) <= GOAL_S
    print(f"  goal: first page within {GOAL_S} s: {'met' if met else 'NOT met'}")
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


SCROLL_CELL = """\
from galleryk.media import thumbcache
if cfg["cache_bytes"]:
    thumbcache.default_cache().memory_bytes = cfg["cache_bytes"]
browser = gw.AlbumBrowser(fotki(), album=cfg["set_id"], height=600)
probe = widgets.HTML()
def show(*_):
    probe.value = f"<pre id='gk-probe'>{len(browser.listing)} {int(browser.grid.complete)}</pre>"
browser.observe(show, "selected_ids")
threading.Thread(target=lambda: (browser.wait(600), show()), daemon=True).start()
widgets.VBox([browser, probe])
"""

_VISIBLE_DRAWN = """() => {
    const v = document.querySelector('.gk-viewport');
    const box = v.getBoundingClientRect();
    const seen = [...document.querySelectorAll('.gk-tile')].filter(t => {
        const r = t.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
    });
    return seen.length > 0 && seen.every(t => (t.querySelector('img').src || '').startsWith('blob:')
                                              || t.classList.contains('gk-missing'));
}"""


def kernel_of(marker: str):
    """The ipykernel process whose environment carries ``marker``."""
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "ipykernel_launcher" in " ".join(proc.info["cmdline"] or []) and marker in str(proc.environ()):
                return proc
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    raise RuntimeError("the notebook's kernel was not found")


def scroll_main(args: argparse.Namespace) -> None:
    import json
    import uuid

    import widget_browser as wb

    photos = 50_000 if args.photos == 5000 else args.photos
    steps = 10 if args.quick else args.steps
    marker = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="galleryk-bench-") as tmp:
        root = Path(tmp)
        sandbox = gk.sandbox.start(root / "data")
        try:
            set_id, _ = fill_photoset(sandbox, "alice", photos, "Huge set", kinds=24)
            cfg = {
                "api_key": sandbox.api_key,
                "secret": sandbox.secret,
                "api_url": sandbox.fotki_api_url,
                "auth_url": sandbox.fotki_auth_url,
                "token": sandbox_fotki(sandbox, "alice", perms="write").check_token().token,
                "set_id": set_id,
                "marker": marker,
                "cache_bytes": int(args.cache_mib * 2**20) if args.cache_mib else None,
            }
            (root / "nb").mkdir()
            wb.notebook(root / "nb" / "scroll.ipynb", wb.PRELUDE + "import threading\n", SCROLL_CELL)
            env = {"GALLERYK_WIDGET_TEST": json.dumps(cfg), "GALLERYK_CACHE_DIR": str(root / "cache")}
            with wb.voila(root / "nb", env) as base, wb.chromium() as chromium:
                page = chromium.new_page(viewport={"width": 1100, "height": 900})
                page.set_default_timeout(120_000)
                started = time.perf_counter()
                page.goto(f"{base}/voila/render/scroll.ipynb", timeout=120_000)
                page.locator(".gk-tile img[src^='blob:']").first.wait_for()
                first_screen = time.perf_counter() - started
                page.wait_for_function(
                    f"() => (document.querySelector('#gk-probe') || {{}}).textContent === '{photos} 1'"
                )
                listed = time.perf_counter() - started
                kernel = kernel_of(marker)
                before = kernel.memory_info().rss / 2**20
                rss, waits = [before], []
                for step in range(1, steps + 1):
                    page.locator(".gk-viewport").evaluate(
                        "(v, f) => { v.scrollTop = f * (v.scrollHeight - v.clientHeight); }", step / steps
                    )
                    t0 = time.perf_counter()
                    page.wait_for_function(_VISIBLE_DRAWN)
                    waits.append(time.perf_counter() - t0)
                    rss.append(kernel.memory_info().rss / 2**20)
                last = page.locator(f".gk-tile[data-index='{photos - 1}'] img[src^='blob:']").count() == 1
                blobs = page.evaluate("() => document.querySelectorAll('img[src^=\"blob:\"]').length")
                after = kernel.memory_info().rss / 2**20
            made = [f.stat().st_size for f in (root / "cache" / "thumbs").rglob("*.jpg")]  # one file per thumbnail
        finally:
            sandbox.stop()
    print(f"scroll: {photos:,} photos, {steps} jumps top to bottom, Voilà + Chromium")
    print(f"  first screen {first_screen:.2f} s after the page load began; whole listing {listed:.2f} s")
    print(f"  per jump until every tile on screen is drawn: {show(waits)}")
    print(f"  last photo drawn: {last}; <img> with blob: pictures in the page at the end: {blobs}")
    cap = f"{args.cache_mib:g} MiB" if args.cache_mib else "64 MiB (the default)"
    print(f"  the kernel's thumbnail memory cache: at most {cap}")
    print(f"  kernel RSS: before {before:.0f} MiB, peak {max(rss):.0f} MiB, after {after:.0f} MiB")
    print(f"  thumbnails the kernel made on the way: {len(made):,}, {sum(made) / 2**20:.1f} MiB in all")
    path = write_report(
        "bench_widgets_scroll" + (f"-cache{args.cache_mib:g}" if args.cache_mib else ""),
        {
            "photos": photos,
            "steps": steps,
            "thumbnail_memory_cache_mib": args.cache_mib or thumbcache.MEMORY_BYTES / 2**20,
            "first_screen_s": first_screen,
            "listing_s": listed,
            "jump_s": spread(waits),
            "last_photo_drawn": last,
            "blob_images_at_end": blobs,
            "thumbnails_made": len(made),
            "thumbnail_mib": sum(made) / 2**20,
            "kernel_rss_mib": {"before": before, "peak": max(rss), "after": after, "per_step": rss},
        },
        quick=args.quick,
    )
    print(f"\nresults: {path}")


def show(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"


if __name__ == "__main__":
    main()
