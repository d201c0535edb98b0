"""A push tells its caller how it goes (``on_item``, ``on_progress``), and Cancel stops an upload mid-body."""

from __future__ import annotations

import os
import sqlite3
import threading

import pytest

import galleryk as gk


@pytest.mark.filterwarnings("ignore::galleryk.ScanWarning")  # the broken file is there on purpose
def test_on_item_names_every_row_once_with_its_status_and_on_progress_follows_each_body(
    sandbox, fotki, tmp_path, make_photos
):
    make_photos(tmp_path / "photos", 4)
    (tmp_path / "photos" / "broken.jpg").write_text("not a picture")
    df = gk.scan(tmp_path / "photos", progress=False).set_index("name")
    items: list[tuple[str, str]] = []
    sent: dict[str, list[tuple[int, int]]] = {}
    lock = threading.Lock()

    def on_item(index, status):
        with lock:
            items.append((index, status))

    def on_progress(index, done, total):
        with lock:
            sent.setdefault(index, []).append((done, total))

    report = df.galleryk.push(
        fotki, journal=tmp_path / "j.sqlite", progress=False, on_item=on_item, on_progress=on_progress
    )
    assert sorted(items) == sorted(zip(report.index, report["status"].astype(str)))
    assert dict(items)["broken.jpg"] == "failed"
    for name in df.index.drop("broken.jpg"):
        steps = sent[name]
        assert [d for d, _ in steps] == sorted(d for d, _ in steps) and steps[-1][0] == steps[-1][1]
        assert steps[-1][1] > os.path.getsize(df.loc[name, "path"])  # the whole multipart body, the file in it
    assert "broken.jpg" not in sent


def test_a_failing_callback_does_not_break_the_push(sandbox, fotki, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 2)

    def broken(*_):
        raise RuntimeError("the display went away")

    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        fotki, journal=tmp_path / "j.sqlite", progress=False, on_item=broken, on_progress=broken
    )
    assert report["status"].tolist() == ["uploaded", "uploaded"]


def test_cancel_stops_an_upload_mid_body_leaves_nothing_in_doubt_and_a_rerun_sends_it(
    sandbox, fotki, tmp_path, fotki_titles
):
    folder = tmp_path / "photos"
    folder.mkdir()
    big = folder / "big.jpg"
    from PIL import Image

    Image.frombytes("RGB", (1400, 1000), os.urandom(1400 * 1000 * 3)).save(big, "JPEG", quality=98)  # ~3 MB
    cancel = threading.Event()

    def on_progress(_index, done, total):
        if done < total:
            cancel.set()  # as a Cancel button pressed while the first megabyte goes out

    journal = tmp_path / "j.sqlite"
    report = gk.scan(folder, progress=False).galleryk.push(
        fotki, journal=journal, progress=False, cancel=cancel, on_progress=on_progress
    )
    assert report["status"].tolist() == ["cancelled"]
    assert fotki_titles(fotki)["big"] == 0
    with sqlite3.connect(journal) as conn:
        assert conn.execute("SELECT COUNT(*) FROM items WHERE state = 'started'").fetchone()[0] == 0
    again = gk.scan(folder, progress=False).galleryk.push(fotki, journal=journal, progress=False)
    assert again["status"].tolist() == ["uploaded"] and fotki_titles(fotki)["big"] == 1


def test_a_file_that_grows_while_it_is_sent_fails_alone_and_nothing_of_it_is_stored(
    sandbox, fotki, tmp_path, make_photos, fotki_titles
):
    make_photos(tmp_path / "photos", 2)
    victim = tmp_path / "photos" / "growing.jpg"
    from PIL import Image

    Image.frombytes("RGB", (1400, 1000), os.urandom(1400 * 1000 * 3)).save(victim, "JPEG", quality=98)  # ~3 MB
    grown = threading.Event()

    def on_progress(index, done, total):
        if str(victim) == index and done < total and not grown.is_set():
            grown.set()
            with open(victim, "ab") as out:  # a camera app still writing the file
                out.write(b"\0" * 4096)

    df = gk.scan(tmp_path / "photos", progress=False)
    df.index = df["path"].astype(str)
    journal = tmp_path / "j.sqlite"
    report = df.galleryk.push(fotki, journal=journal, progress=False, on_progress=on_progress)
    assert report.loc[str(victim), "status"] == "failed" and "grew" in report.loc[str(victim), "error"]
    assert (report.drop(index=str(victim))["status"] == "uploaded").all()
    assert fotki_titles(fotki)[victim.stem] == 0
    with sqlite3.connect(journal) as conn:
        assert conn.execute("SELECT COUNT(*) FROM items WHERE state = 'started'").fetchone()[0] == 0


def test_an_upload_redirected_to_another_host_fails_at_once_and_is_not_tried_again(
    sandbox, fotki, tmp_path, make_photos
):
    make_photos(tmp_path / "photos", 1)
    sandbox.faults.reset_requests("fotki")
    sandbox.faults.set("fotki", redirect_307=1.0, only="v2flkr/upload")
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        fotki, journal=tmp_path / "j.sqlite", progress=False, settle=0.1
    )
    assert report["status"].tolist() == ["failed"] and "not followed" in report["error"].iloc[0]
    assert sandbox.faults.requests("fotki").get("upload", 0) == 1
