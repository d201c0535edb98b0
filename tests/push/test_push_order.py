"""A push keeps the selection's order where the service keeps the order photos are added in (a Fotki photoset).

The uploads run concurrently and finish in any order; each photo goes into the photoset as soon
as every row before it is done, so the photoset fills in the selection's order while later
uploads still run. Each test makes the finishing order deterministic by holding
the first photo's upload (through the push's own progress callback) until the others are done.
"""

from __future__ import annotations

import threading
import time

from support.holding import held_first
from support.plan_photos import folder, scan


def test_a_new_photoset_holds_the_photos_in_the_selections_order(fotki, tmp_path):
    df = scan(folder(tmp_path, 5))
    report = df.galleryk.push(fotki, album="Ordered", create=True, **held_first(df, 4))
    assert fotki.photos("Ordered")["id"].astype(str).tolist() == report["remote_id"].tolist()


def test_photos_added_to_a_photoset_follow_the_ones_it_held_in_the_selections_order(fotki, tmp_path):
    df = scan(folder(tmp_path, 5))
    first = df.iloc[:2].galleryk.push(fotki, album="Ordered", create=True, progress=False)
    rest = df.iloc[2:].galleryk.push(fotki, album="Ordered", **held_first(df.iloc[2:], 2))
    expected = first["remote_id"].tolist() + rest["remote_id"].tolist()
    assert fotki.photos("Ordered")["id"].astype(str).tolist() == expected


def test_a_photo_that_cannot_be_added_fails_saying_it_was_uploaded(fotki, sandbox, tmp_path):
    df = scan(folder(tmp_path, 3))
    df.iloc[:1].galleryk.push(fotki, album="Ordered", create=True, progress=False)
    sandbox.faults.set("fotki", error_500=1.0, only="addPhoto")
    report = df.iloc[1:].galleryk.push(fotki, album="Ordered", progress=False, retries=0)
    assert report["status"].tolist() == ["failed", "failed"]
    assert all("but not added to the album" in e for e in report["error"])


def test_photos_go_into_the_photoset_while_later_ones_still_upload(fotki, sandbox, tmp_path):
    df = scan(folder(tmp_path, 5))
    last, filled = df.index[-1], threading.Event()

    def on_progress(index, sent, total):  # the last upload is not answered before the others are in the set
        if index == last and sent == total:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not filled.is_set():
                calls = sandbox.faults.requests("fotki")
                if calls.get("flickr.photosets.create", 0) + calls.get("flickr.photosets.addPhoto", 0) >= 4:
                    filled.set()
                time.sleep(0.02)

    report = df.galleryk.push(
        fotki, album="Filling", create=True, workers=len(df), progress=False, on_progress=on_progress
    )
    assert filled.is_set()
    assert fotki.photos("Filling")["id"].astype(str).tolist() == report["remote_id"].tolist()


def test_adds_the_journal_lost_in_a_crash_are_made_again_without_a_second_copy(fotki, tmp_path):
    import sqlite3

    df = scan(folder(tmp_path, 4))
    journal = tmp_path / "journal.sqlite"
    df.galleryk.push(fotki, album="Crashed", create=True, journal=journal, progress=False)
    with sqlite3.connect(journal) as conn:  # what a crash may cost: the adds' records are written without a flush
        conn.execute("UPDATE items SET in_album = 0")
    rerun = df.galleryk.push(fotki, album="Crashed", journal=journal, progress=False)
    assert rerun["status"].tolist() == ["skipped"] * 4
    assert fotki.photos("Crashed")["id"].astype(str).tolist() == rerun["remote_id"].astype(str).tolist()
