"""Paging of the sandbox's album pages and of its newest-first meta album (``lastup``), at the boundaries.

Pictures are written straight into the gallery's table, as an admin's tool would, so that the
pages are read against the database as it is, not as the sandbox's own uploads left it; pages
are read over HTTP as a browser would.
"""

from __future__ import annotations

import time

import pytest
import requests
from support.cpg_web import base, guest, signed_in

from galleryk.coppermine import pages

PER_PAGE = 12  # 1.6.26's 4 x 3


def add_pictures(sandbox, aid: int, count: int, *, approved: bool = True, start: int = 0) -> list[int]:
    """``count`` pictures in album ``aid`` (names in reverse of their upload time), by SQL; their pids."""
    when = int(time.time()) - 10_000
    with sandbox.store.write() as conn:
        pids = []
        for i in range(start, start + count):
            cur = conn.execute(
                "INSERT INTO cpg_pictures (aid, filepath, filename, filesize, pwidth, pheight, owner_id, title,"
                " approved, ctime) VALUES (?, ?, ?, 1000, 160, 120, 1, ?, ?, ?)",
                (aid, f"userpics/10001/{aid}/", f"p{9999 - i:04d}.jpg", f"Picture {i}", int(approved), when + i),
            )
            pids.append(int(cur.lastrowid))
    return pids


def new_album(sandbox, title: str = "Paged", category: int = 2) -> int:
    with sandbox.store.write() as conn:
        return int(conn.execute("INSERT INTO cpg_albums (title, category) VALUES (?, ?)", (title, category)).lastrowid)


def page(s: requests.Session, sandbox, query: str, n: int) -> requests.Response:
    r = s.get(base(sandbox) + f"thumbnails.php?{query}&page={n}")
    assert r.status_code == 200
    return r


def read_all(s, sandbox, query: str) -> tuple[list[int], list[int]]:
    """(pids page by page, the number of pictures on each page)."""
    first = pages.thumbnails(page(s, sandbox, query, 1).text, base(sandbox))
    got, sizes = [p["id"] for p in first.photos], [len(first.photos)]
    for n in range(2, first.pages + 1):
        rows = pages.thumbnails(page(s, sandbox, query, n).text, base(sandbox)).photos
        got += [p["id"] for p in rows]
        sizes.append(len(rows))
    return got, sizes


@pytest.mark.parametrize("count", [PER_PAGE * 2 - 1, PER_PAGE * 2, PER_PAGE * 2 + 1])
def test_every_picture_is_on_exactly_one_page_of_the_album_and_of_the_newest_first_album(sandbox, count):
    aid = new_album(sandbox)
    pids = add_pictures(sandbox, aid, count)
    s = guest(sandbox)
    by_name, sizes = read_all(s, sandbox, f"album={aid}")
    assert by_name == pids[::-1]  # by file name: the names run backwards
    assert sizes == [PER_PAGE] * (count // PER_PAGE) + ([count % PER_PAGE] if count % PER_PAGE else [])
    newest, sizes = read_all(s, sandbox, f"album=lastup&cat=-{aid}")
    assert newest == pids[::-1] and sum(sizes) == count


@pytest.mark.parametrize("query", ["album={aid}", "album=lastup&cat=-{aid}"])
def test_past_the_last_page_the_next_is_empty_and_a_further_one_a_database_error(sandbox, query):
    # 1.6.26's LIMIT: a page starting right after the last picture selects nothing; one further fails in SQL
    aid = new_album(sandbox)
    add_pictures(sandbox, aid, PER_PAGE * 2)
    s = guest(sandbox)
    q = query.format(aid=aid)
    after = page(s, sandbox, q, 3)
    assert pages.messages(after.text) == ["No image to display"] and pages.die_message(after.text) is None
    further = page(s, sandbox, q, 4)
    assert pages.die_message(further.text) == "There was an error while processing a database query"


def test_pages_follow_pictures_added_removed_and_approved_behind_the_gallerys_back(sandbox):
    aid = new_album(sandbox)
    pids = add_pictures(sandbox, aid, PER_PAGE + 3)
    s = guest(sandbox)
    assert read_all(s, sandbox, f"album={aid}")[0] == pids[::-1]
    late = add_pictures(sandbox, aid, 1, start=100)  # sorts first by name, newest by time
    held = add_pictures(sandbox, aid, 1, start=200, approved=False)
    with sandbox.store.write() as conn:
        conn.execute("DELETE FROM cpg_pictures WHERE pid = ?", (pids[0],))
    assert read_all(s, sandbox, f"album={aid}")[0] == late + pids[:0:-1]
    assert read_all(s, sandbox, f"album=lastup&cat=-{aid}")[0][:2] == [*late, pids[-1]]
    with sandbox.store.write() as conn:
        conn.execute("UPDATE cpg_pictures SET approved = 1 WHERE pid = ?", (held[0],))
    assert read_all(s, sandbox, f"album=lastup&cat=-{aid}")[0][0] == held[0]


def albums_listed(sandbox, s: requests.Session, cat: str | None) -> tuple[set[int], int]:
    """(the albums of the pictures on page 1 of ``lastup`` for ``cat``, the number of pictures it counts)."""
    r = page(s, sandbox, "album=lastup" + (f"&cat={cat}" if cat else ""), 1)
    listing = pages.thumbnails(r.text, base(sandbox))
    with sandbox.store.read() as conn:
        aids = {
            row[0]
            for row in conn.execute(
                "SELECT aid FROM cpg_pictures WHERE pid IN ({})".format(
                    ",".join(str(int(p["id"])) for p in listing.photos) or "0"
                )
            )
        }
    return aids, listing.total or 0


def test_the_newest_first_album_of_a_category_covers_its_sub_categories_and_only_what_the_viewer_sees(sandbox):
    # demo gallery: "Harbour & Beach" (1) lies in "Europe & Asia", under "Travel" (2) beside "City walks" (2);
    # alice's albums 5 and 6 (private) and bob's 7 are user galleries
    visitor, alice = guest(sandbox), signed_in(sandbox, "alice")
    assert albums_listed(sandbox, visitor, "2")[0] == {1, 2}
    assert albums_listed(sandbox, alice, "1")[0] == {5, 6, 7}
    assert albums_listed(sandbox, visitor, "1")[0] == {5, 7}
    assert albums_listed(sandbox, alice, "10002")[0] == {5, 6}
    assert albums_listed(sandbox, alice, None)[1] == albums_listed(sandbox, visitor, None)[1] + 1  # the private one
