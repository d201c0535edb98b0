"""Benchmark: listing a real Coppermine 1.6.26 of 5,000 pictures in 20 albums, galleryk against a hand-written scraper.

A real, unmodified 1.6.26 (``tests/support/real_coppermine.py``: private MariaDB, ``php -S`` with
4 workers) gets 20 albums in one category, made through the album manager, and 250 pictures in
each, written straight into its ``cpg_pictures`` table (as rows; their files are not needed to list
them). Then, in interleaved rounds (``benchlib.interleaved``), two contestants list everything as a
signed-in user:

- galleryk: ``albums()``, then ``photos(aid)`` of every album (its default concurrency: 4);
- a hand-written scraper of the same pages: sign in, read the category pages the albums are on,
  then album by album its ``thumbnails.php`` page 1 (which says how many pages there are) and its
  other pages over 4 threads, the pids and titles taken with one XPath each; no checks, no retries,
  no DataFrame beyond one per page;
- the same scraper reading every album's page 1 at once, then every other page at once: what no
  call per album can do (shown, not the goal: each ``photos()`` waits for its album's page 1).

Goal: galleryk at most 1.2x the (album by album) scraper's time (median of the per-round ratios). Also counted, on
the server's side (PHP's request log), for one galleryk listing: requests per page kind, and
that ``thumbnails.php`` was read exactly once per album page (12 pictures a page: 21 pages x 20
albums = 420), nothing read twice. JSON goes to benchmarks/results/bench_cpg_scale.json. Needs
PHP, MariaDB and the 1.6.26 tarball (see tests/support/real_coppermine.py); without them it says
what is missing and exits 0 with ``--quick`` (the smoke test), 1 otherwise. Usage:
python benchmarks/bench_cpg_scale.py [--quick] [--albums 20] [--per-album 250] [--rounds 5]
"""

from __future__ import annotations

import argparse
import functools
import math
import re
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import benchlib
import lxml.html
import pandas as pd
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support import real_coppermine as rc  # noqa: E402
from support.real_coppermine import PREFIX  # noqa: E402

import galleryk as gk  # noqa: E402

THREADS = 4
PER_PAGE = 12
"""1.6.26's thumbnails per page (4 x 3), left as installed."""


def seed(real: rc.RealCoppermine, albums: int, per_album: int) -> tuple[int, list[int]]:
    """A category of ``albums`` albums of ``per_album`` pictures each (rows only); (category, album ids)."""
    cid = real.add_category("Scale")
    aids = [real.add_album(f"Scale album {i:02d}", cid) for i in range(albums)]
    now = int(time.time())
    for aid in aids:
        values = ",".join(
            f"({aid},'userpics/','scale_{aid}_{n:04d}.jpg',1000,1000,64,48,{now - n},1,'Picture {n}','Caption {n}',"
            f"'a;b','YES','',0,'','','','',0,{n})"
            for n in range(per_album)
        )
        real.sql(
            f"INSERT INTO {PREFIX}pictures (aid, filepath, filename, filesize, total_filesize, pwidth, pheight, ctime,"
            f" owner_id, title, caption, keywords, approved, pic_raw_ip, galleryicon, user1, user2, user3, user4,"
            f" url_prefix, position) VALUES {values}"
        )
    return cid, aids


def galleryk_listing(url: str, user: str, password: str, aids: list[int]) -> int:
    """albums() then photos() of every album; how many pictures."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.InsecureGalleryWarning)
        cpg = gk.Coppermine(url, user, password, mode="web", workers=THREADS)
    listed = set(cpg.albums()["id"])
    assert set(aids) <= listed
    return sum(len(cpg.photos(aid)) for aid in aids)


def scraper_listing(url: str, user: str, password: str, cid: int, aids: list[int], *, batched: bool = False) -> int:
    """The same pages by hand: sign in, the category pages, each album's pages over THREADS threads; ``batched``:
    every album's first page at once, then every other page at once (what no per-album call can do)."""
    s = requests.Session()
    s.headers["User-Agent"] = "hand-written-scraper"
    s.get(url + "login.php")
    s.get(url + "index.php")
    s.post(url + "login.php?referer=index.php", data={"username": user, "password": password, "submitted": "1"})

    def albums_on(n: int) -> tuple[set[int], int]:
        doc = lxml.html.fromstring(s.get(url + "index.php", params={"cat": str(cid), "page": str(n)}).content)
        hrefs = doc.xpath("//a/@href")
        found = {int(m) for h in hrefs for m in re.findall(r"thumbnails\.php\?album=(\d+)", h)}
        last = max([int(p) for h in hrefs for p in re.findall(rf"cat={cid}&(?:amp;)?page=(\d+)", h)] or [1])
        return found, last

    found, last = albums_on(1)
    for n in range(2, last + 1):
        found |= albums_on(n)[0]
    assert set(aids) <= found

    def page(aid: int, n: int) -> tuple[pd.DataFrame, int]:
        d = lxml.html.fromstring(s.get(url + "thumbnails.php", params={"album": str(aid), "page": str(n)}).content)
        pids = [int(m) for h in d.xpath("//a[img]/@href") for m in re.findall(r"[?&]pid=(\d+)", h)]
        titles = d.xpath("//span[contains(@class, 'thumb_title_title')]/text()")
        last = max([int(p) for p in d.xpath("//a/@href") for p in re.findall(r"[?&]page=(\d+)", p)] or [1])
        return pd.DataFrame({"id": pids, "title": titles[: len(pids)] + [""] * (len(pids) - len(titles))}), last

    total = 0
    with ThreadPoolExecutor(THREADS) as pool:
        if not batched:  # album by album, as albums() then photos(aid) go: page 1, then the others at once
            for aid in aids:
                first, last = page(aid, 1)
                rest = pool.map(functools.partial(page, aid), range(2, last + 1))
                total += len(first) + sum(len(f) for f, _ in rest)
            return total
        firsts = list(pool.map(lambda aid: page(aid, 1), aids))
        rest = [(aid, n) for aid, (_, last) in zip(aids, firsts) for n in range(2, last + 1)]
        others = list(pool.map(lambda job: page(*job)[0], rest))
    return sum(len(f) for f, _ in firsts) + sum(len(o) for o in others)


def requests_of_one_listing(real: rc.RealCoppermine, run) -> dict[str, int]:
    """What one galleryk listing asked the server for, page by page (PHP's request log)."""
    kinds = ("index.php", "thumbnails.php", "login.php", "upload.php", "displayimage.php", "profile.php")
    before = {k: real.served(k) for k in kinds}
    run()
    return {k: real.served(k) - before[k] for k in kinds}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a tiny size, to check the script works")
    ap.add_argument("--albums", type=int, default=20)
    ap.add_argument("--per-album", type=int, default=250)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if args.quick:
        args.albums, args.per_album, args.rounds = 2, 30, 1
    lack = rc.missing("1.6.26")
    if lack is not None:
        print(f"bench_cpg_scale: no real Coppermine 1.6.26 here (no {lack}): {rc.HOW_TO_RUN}")
        if args.quick:
            benchlib.write_report("bench_cpg_scale", {"machine": benchlib.machine(), "skipped": lack}, quick=True)
        return 0 if args.quick else 1
    real = rc.RealCoppermine(workers=THREADS).start()
    try:
        user, password = "scale", "scale-pw"
        real.add_user(user, password)
        cid, aids = seed(real, args.albums, args.per_album)
        total = args.albums * args.per_album
        mine = lambda: galleryk_listing(real.url, user, password, aids)  # noqa: E731
        theirs = lambda: scraper_listing(real.url, user, password, cid, aids)  # noqa: E731
        batched = lambda: scraper_listing(real.url, user, password, cid, aids, batched=True)  # noqa: E731
        assert mine() == theirs() == batched() == total
        asked = requests_of_one_listing(real, mine)
        pages_needed = args.albums * math.ceil(args.per_album / PER_PAGE)
        contestants = {"galleryk": mine, "scraper": theirs, "scraper, all albums at once": batched}
        times = benchlib.interleaved(contestants, args.rounds)
        r = benchlib.ratio(times, "galleryk", "scraper")
        r_batched = benchlib.ratio(times, "galleryk", "scraper, all albums at once")
        ok = benchlib.goal_met(r, at_most=1.2)
        report = {
            "machine": benchlib.machine(),
            "pictures": total,
            "albums": args.albums,
            "speed": r,
            "speed_against_all_albums_at_once": r_batched,
            "goal_at_most": 1.2,
            "goal_met": ok,
            "requests": asked,
            "thumbnail_pages_needed": pages_needed,
            "read_twice": asked["thumbnails.php"] != pages_needed,
        }
        path = benchlib.write_report("bench_cpg_scale", report, quick=args.quick)
        benchlib.print_table(
            [
                ("listing", f"{total:,} pictures in {args.albums} albums", benchlib.show_ratio(r, "<= 1.2x")),
                ("", "against all albums' pages at once", benchlib.show_ratio(r_batched)),
                ("thumbnails.php", f"{asked['thumbnails.php']} requests", f"{pages_needed} pages (albums x pages)"),
                ("other pages", ", ".join(f"{k} {v}" for k, v in asked.items() if k != "thumbnails.php"), ""),
            ]
        )
        print(f"report: {path}")
        return 0 if (ok and not report["read_twice"]) or args.quick else 1
    finally:
        real.stop()


if __name__ == "__main__":
    sys.exit(main())
