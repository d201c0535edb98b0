"""A push that dies half-way (SIGKILL, Ctrl-C, a lost reply) is finished by a rerun, with nothing uploaded twice."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki

CHILD = textwrap.dedent(
    """
    import sys, galleryk as gk
    folder, journal = sys.argv[1], sys.argv[2]
    fotki = gk.connect("fotki", token_cache="memory")
    df = gk.scan(folder, progress=False)
    df.galleryk.push(fotki, album="Killed", create=True, journal=journal, workers=2, progress=False)
    """
)


def _uploaded(journal) -> int:
    if not journal.exists():
        return 0
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM items WHERE state = 'uploaded'").fetchone()[0]
        except sqlite3.OperationalError:  # the table is not there yet
            return 0


def test_sigkill_half_way_then_rerun_leaves_every_photo_there_exactly_once(
    sandbox, fotki, tmp_path, make_photos, fotki_titles, child_env
):
    make_photos(tmp_path / "photos", 16)
    journal = tmp_path / "journal.sqlite"
    env = child_env(sandbox, fotki)
    sandbox.faults.set("fotki", latency=0.15)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "photos"), str(journal)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while _uploaded(journal) < 5 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert child.poll() is None, child.stdout.read().decode()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    done_before = _uploaded(journal)
    assert 5 <= done_before < 16

    sandbox.faults.clear()
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        fotki, album="Killed", create=True, journal=journal, settle=1.5, progress=False
    )
    assert set(report["status"]) <= {"uploaded", "skipped"}
    assert (report["status"] == "skipped").sum() >= done_before
    titles = fotki_titles(fotki)
    assert {f"photo_{i:03d}" for i in range(16)} <= set(titles)
    assert all(titles[f"photo_{i:03d}"] == 1 for i in range(16))
    assert len(fotki.photos("Killed")) == 16
    assert (fotki.photosets()["title"] == "Killed").sum() == 1


def test_a_lost_upload_reply_is_found_on_the_service_not_uploaded_again(
    sandbox, fotki, tmp_path, make_photos, fotki_titles
):
    make_photos(tmp_path / "photos", 3)
    # the first upload is stored, but its reply is cut: the outcome is in doubt
    sandbox.faults.set("fotki", cut=1.0, only="upload", limit=1)
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        fotki, journal=tmp_path / "j.sqlite", workers=1, settle=0.5, progress=False
    )
    assert sandbox.faults.injected("fotki")["cut"] == 1
    assert report["status"].tolist() == ["uploaded"] * 3
    assert "the upload had arrived" in report["note"].fillna("").str.cat()
    titles = fotki_titles(fotki)
    assert [titles[f"photo_{i:03d}"] for i in range(3)] == [1, 1, 1]


def test_a_lost_reply_on_coppermine_is_resolved_the_same_way(
    stock_sandbox, cpg, tmp_path, make_photos, coppermine_titles
):
    make_photos(tmp_path / "photos", 3)
    stock_sandbox.faults.set("coppermine", cut=1.0, only="uniload", limit=1)
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        cpg, album="Alice's holidays", journal=tmp_path / "j.sqlite", workers=1, settle=0.5, progress=False
    )
    assert stock_sandbox.faults.injected("coppermine")["cut"] == 1
    assert report["status"].tolist() == ["uploaded"] * 3
    titles = coppermine_titles(cpg, "Alice's holidays")
    assert [titles[f"photo_{i:03d}"] for i in range(3)] == [1, 1, 1]


def test_cancel_stops_the_push_and_a_rerun_finishes_it(sandbox, fotki, tmp_path, make_photos, fotki_titles):
    make_photos(tmp_path / "photos", 10)
    df = gk.scan(tmp_path / "photos", progress=False)
    cancel = threading.Event()
    sandbox.faults.set("fotki", latency=0.2)
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    first = df.galleryk.push(fotki, journal=tmp_path / "j.sqlite", workers=2, cancel=cancel, progress=False)
    timer.cancel()
    assert "cancelled" in set(first["status"])
    assert set(first["status"]) <= {"uploaded", "cancelled"}
    sandbox.faults.clear()
    second = df.galleryk.push(fotki, journal=tmp_path / "j.sqlite", progress=False)
    assert set(second["status"]) <= {"uploaded", "skipped"}
    titles = fotki_titles(fotki)
    assert [titles[f"photo_{i:03d}"] for i in range(10)] == [1] * 10


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_with_a_fifth_of_requests_failing_and_some_cut_the_result_is_complete_without_duplicates(
    service, sandbox, tmp_path, make_photos, fotki_titles, coppermine_titles
):
    make_photos(tmp_path / "photos", 12)
    df = gk.scan(tmp_path / "photos", progress=False)
    if service == "fotki":
        client, album = sandbox_fotki(sandbox, "alice"), "Stormy"
        options = {"create": True}
    else:
        sandbox.settings.coppermine_api = False
        client = sandbox_coppermine(sandbox, "alice")
        album, options = "Alice's garden", {}
    sandbox.faults.set(service, error_500=0.2, cut=0.05)
    report = df.galleryk.push(
        client, album=album, journal=tmp_path / "j.sqlite", retries=6, settle=0.5, progress=False, **options
    )
    injected = sandbox.faults.injected(service)
    sandbox.faults.clear()
    assert injected["error_500"] > 0
    # whatever a first run left failed, a rerun finishes; the service then holds each photo once
    if (report["status"] == "failed").any():
        report = df.galleryk.push(client, album=album, journal=tmp_path / "j.sqlite", progress=False, **options)
    assert set(report["status"]) <= {"uploaded", "skipped"}
    titles = fotki_titles(client) if service == "fotki" else coppermine_titles(client, album)
    assert [titles[f"photo_{i:03d}"] for i in range(12)] == [1] * 12


CTRL_C_CHILD = textwrap.dedent(
    """
    import json, sys, galleryk as gk
    folder, journal = sys.argv[1], sys.argv[2]
    fotki = gk.connect("fotki", token_cache="memory")
    report = gk.scan(folder, progress=False).galleryk.push(fotki, journal=journal, workers=2, progress=False)
    print(json.dumps(report["status"].astype(str).tolist()))
    """
)


def test_ctrl_c_returns_a_report_with_the_rest_cancelled_and_nothing_in_doubt(
    sandbox, fotki, tmp_path, make_photos, fotki_titles, child_env
):
    make_photos(tmp_path / "photos", 16)
    journal = tmp_path / "journal.sqlite"
    env = child_env(sandbox, fotki)
    sandbox.faults.set("fotki", latency=0.15)
    child = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_CHILD, str(tmp_path / "photos"), str(journal)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while _uploaded(journal) < 3 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    statuses = json.loads(out.strip().splitlines()[-1])
    assert "cancelled" in statuses and "uploaded" in statuses
    with sqlite3.connect(journal) as conn:
        assert conn.execute("SELECT COUNT(*) FROM items WHERE state = 'started'").fetchone()[0] == 0
    sandbox.faults.clear()
    rerun = gk.scan(tmp_path / "photos", progress=False).galleryk.push(fotki, journal=journal, progress=False)
    assert (rerun["status"] == "skipped").sum() == statuses.count("uploaded")
    titles = fotki_titles(fotki)
    assert [titles[f"photo_{i:03d}"] for i in range(16)] == [1] * 16


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_an_error_page_after_the_upload_was_stored_never_leads_to_a_second_copy(
    service, sandbox, tmp_path, make_photos, fotki_titles, coppermine_titles
):
    make_photos(tmp_path / "photos", 3)
    if service == "fotki":
        client, album = sandbox_fotki(sandbox, "alice"), None
    else:
        sandbox.settings.coppermine_api = False
        client, album = sandbox_coppermine(sandbox, "alice"), "Alice's garden"
    sandbox.faults.set(service, stored_500=1.0, only=r"v2flkr/upload$|uniload\.php", limit=1)  # stored, then "500"
    df = gk.scan(tmp_path / "photos", progress=False)
    report = df.galleryk.push(client, album=album, journal=tmp_path / "j.sqlite", settle=0.2, progress=False)
    assert sandbox.faults.injected(service)["stored_500"] == 1
    if (report["status"] == "failed").any():  # taken as a final refusal: the rerun looks before it uploads
        report = df.galleryk.push(client, album=album, journal=tmp_path / "j.sqlite", progress=False)
    assert set(report["status"]) <= {"uploaded", "skipped"}
    titles = fotki_titles(client) if service == "fotki" else coppermine_titles(client, album)
    assert [titles[f"photo_{i:03d}"] for i in range(3)] == [1, 1, 1]
