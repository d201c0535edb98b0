"""Pushes into Coppermine in web mode, against every server: the sandbox, the four real releases, a live one.

The same assertions on each: ``create=True`` makes the album once, a rerun and a fresh journal
upload nothing twice (the push markers are found again among the keywords), a push killed
half-way is finished by a rerun, a copy between two galleries keeps the metadata, and a rerun
with a lost journal sends nothing again that waits for approval. Each test pushes into an album
of its own, since each real gallery is shared by the session.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from support.cpg_servers import unique

import galleryk as gk
from galleryk.access import sandbox_coppermine


def photos(folder: Path, count: int, prefix: str = "photo") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        Image.new("RGB", (160, 120), ((i * 37) % 256, (i * 91) % 256, (i * 13 + 60) % 256)).save(
            folder / f"{prefix}_{i:03d}.jpg", quality=90
        )
    return folder


def titles(cpg: gk.Coppermine, album) -> Counter:
    return Counter(cpg.photos(album)["title"].fillna("").tolist())


def test_create_makes_the_album_once_and_reruns_upload_nothing_twice(cpg_server, tmp_path):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    title = unique("Pushed & made")
    df = gk.scan(photos(tmp_path / "p", 4), progress=False)
    first = df.galleryk.push(
        cpg, album=title, create=True, tags="sea harbour", journal=tmp_path / "a.sqlite", progress=False
    )
    assert first["status"].tolist() == ["uploaded"] * 4
    again = df.galleryk.push(cpg, album=title, create=True, journal=tmp_path / "a.sqlite", progress=False)
    assert again["status"].tolist() == ["skipped"] * 4
    fresh = df.galleryk.push(cpg, album=title, create=True, journal=tmp_path / "b.sqlite", progress=False)
    assert set(fresh["status"]) <= {"skipped", "found"}
    assert cpg_server.album_count(title) == 1
    assert titles(cpg, title) == Counter({f"photo_{i:03d}": 1 for i in range(4)})
    info = cpg.photo_info(int(first["remote_id"].iloc[0]))
    assert {"sea", "harbour"} <= set(info["tags"]) and any(k.startswith("galleryk") for k in info["tags"])


CHILD = textwrap.dedent(
    """
    import sys, warnings, galleryk as gk
    url, user, password, folder, journal, album = sys.argv[1:7]
    warnings.simplefilter("ignore")
    cpg = gk.Coppermine(url, user, password, mode="web")
    df = gk.scan(folder, progress=False)
    df.galleryk.push(cpg, album=album, create=True, journal=journal, workers=1, progress=False)
    """
)


def _uploaded(journal: Path) -> int:
    if not journal.exists():
        return 0
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM items WHERE state = 'uploaded'").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_a_push_killed_half_way_is_finished_by_a_rerun_without_duplicates(cpg_server, tmp_path):
    cpg_server.need_uploads()
    folder, journal, title = photos(tmp_path / "p", 10), tmp_path / "j.sqlite", unique("Killed push")
    user, password = cpg_server.role("user")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, cpg_server.url, user, password, str(folder), str(journal), title],
        env={**os.environ, "GALLERYK_CONFIG": str(tmp_path / "none.ini")},
    )
    deadline = time.monotonic() + 120
    while _uploaded(journal) < 3 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    cpg = cpg_server.client()
    report = gk.scan(folder, progress=False).galleryk.push(
        cpg, album=title, create=True, journal=journal, progress=False
    )
    assert set(report["status"]) <= {"uploaded", "skipped", "found"}, report["error"].dropna().tolist()
    assert cpg_server.album_count(title) == 1
    assert titles(cpg, title) == Counter({f"photo_{i:03d}": 1 for i in range(10)})


def test_a_copy_between_two_galleries_keeps_title_caption_tags_and_bytes(cpg_server, tmp_path):
    # the source is the sandbox (a second gallery); the target is each server in turn
    cpg_server.need_uploads()
    target = cpg_server.client()
    with gk.sandbox.start(settings=gk.sandbox.SandboxSettings(coppermine_api=False)) as other:
        source = sandbox_coppermine(other, "alice")
        listing = source.photos("Harbour & Beach")
        title = unique("Copied")
        report = listing.galleryk.push(
            target, album=title, create=True, source=source, journal=tmp_path / "c.sqlite", progress=False
        )
        assert report["status"].tolist() == ["uploaded"] * len(listing)
        for pid, copy in zip(listing["id"], report["remote_id"]):
            original, copied = source.photo_info(int(pid)), target.photo_info(int(copy))
            assert copied["title"] == original["title"] and copied["description"] == original["description"]
            assert [k for k in copied["tags"] if not k.startswith("galleryk")] == original["tags"]
            a = source.download(int(pid), tmp_path / f"a{pid}.jpg")
            b = target.download(int(copy), tmp_path / f"b{copy}.jpg")
            assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("pending", [True])
def test_pictures_that_wait_for_approval_are_reported_and_not_sent_again(cpg_server, tmp_path, pending):
    cpg_server.need_uploads()
    cpg = cpg_server.client()
    df = gk.scan(photos(tmp_path / "p", 2, prefix="club"), progress=False)
    journal = tmp_path / "j.sqlite"
    # 1.4 does not show the uploader their pictures awaiting approval in a public album: sending what the journal
    # does not know there takes upload_unseen (see the next test)
    unseen = cpg_server.version == "1.4.27"
    report = df.galleryk.push(
        cpg, album=cpg_server.album("open"), journal=journal, progress=False, upload_unseen=unseen
    )
    assert report["status"].tolist() == ["uploaded", "uploaded"] and report["remote_id"].isna().all(), report[
        ["status", "error", "note"]
    ].to_dict("records")
    assert report["note"].str.contains("approval").all()
    again = df.galleryk.push(cpg, album=cpg_server.album("open"), journal=journal, progress=False)
    assert again["status"].tolist() == ["skipped", "skipped"]


def test_a_rerun_with_a_lost_journal_does_not_upload_again_what_waits_for_approval(cpg_server, tmp_path):
    cpg_server.need_uploads()
    cpg_server.need("an album of the suite's own whose uploads wait for approval")
    aid = cpg_server.fresh_album(public=True)
    cpg = cpg_server.client()
    df = gk.scan(photos(tmp_path / "p", 3, prefix="held"), progress=False)
    # 1.4 shows an uploader nothing of their pictures awaiting approval in a public album: a push sends the rows its
    # journal does not know there only when told to (upload_unseen); else each says why it was not sent
    unseen = cpg_server.version == "1.4.27"
    first = df.galleryk.push(cpg, album=aid, journal=tmp_path / "a.sqlite", progress=False, upload_unseen=unseen)
    assert first["note"].str.contains("approval").all(), first["error"].dropna().tolist()
    again = df.galleryk.push(cpg, album=aid, journal=tmp_path / "lost.sqlite", progress=False)
    held = Counter(cpg_server.stored_titles(aid))
    if unseen:
        assert again["status"].tolist() == ["failed"] * 3
        assert again["error"].str.contains("cannot tell whether this one already waits there").all()
        assert held == Counter({f"held_{i:03d}": 1 for i in range(3)})
    else:
        assert again["status"].tolist() == ["skipped"] * 3, again["error"].dropna().tolist()
        assert again["note"].str.contains("awaiting the gallery admin's approval").all()
        assert held == Counter({f"held_{i:03d}": 1 for i in range(3)})
