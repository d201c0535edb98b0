"""A push under a rate limit pauses, as a whole, and goes on: nothing re-sent that was not in doubt, nothing failed.

The sandbox enforces the limit (a sliding window) and answers 429 or 503 with Retry-After
instead of the service; every count here is the server's: uploads that reached its upload
handler, requests it refused, what it stores. Windows are one second, budgets small, so each
test takes a few seconds.
"""

from __future__ import annotations

import logging
from collections import Counter

import pytest

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki
from galleryk.base.errors import RateLimited

WORKERS = 4


def _refusals_after_the_first_pause(log) -> int:
    """Refusals that came after the first refused request had been answered, beyond those already in flight."""
    refused = [hit.at for hit in log.hits if hit.refused]
    if not refused:
        return 0
    return sum(1 for at in refused if at > refused[0] + 0.5)


def test_a_fotki_push_under_an_upload_limit_waits_and_uploads_each_photo_once(
    sandbox, fotki, tmp_path, make_photos, fotki_titles
):
    make_photos(tmp_path / "photos", 30)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.reset_requests("fotki")
    sandbox.faults.set("fotki", rate_limit=10, rate_window=1.0, rate_only="upload")
    report = photos.galleryk.push(fotki, album="Limited", create=True, workers=WORKERS, progress=False)
    log = sandbox.request_log("fotki")
    sandbox.faults.clear()
    assert report["status"].tolist() == ["uploaded"] * 30, report[["status", "error"]]
    assert (log.uploads, log.stored) == (30, 30)  # every refused upload was sent again, none twice
    assert 1 <= log.refused <= WORKERS and _refusals_after_the_first_pause(log) == 0
    assert log.busiest(1.0) >= 10  # the budget was used, not left idle: it kept to the rate, not below half of it
    titles = fotki_titles(fotki)
    assert [titles[f"photo_{i:03d}"] for i in range(30)] == [1] * 30
    assert len(fotki.photos("Limited")) == 30


def test_adding_to_the_photoset_under_a_limit_is_waited_for_not_reported_failed(sandbox, fotki, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 12)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.set("fotki", rate_limit=3, rate_window=1.0, rate_only="addPhoto", rate_status=503)
    report = photos.galleryk.push(fotki, album="Added slowly", create=True, workers=WORKERS, progress=False)
    sandbox.faults.clear()
    assert report["status"].tolist() == ["uploaded"] * 12, report[["status", "error"]]
    assert len(fotki.photos("Added slowly")) == 12


def test_a_coppermine_push_under_a_503_limit_waits_and_uploads_each_picture_once(
    stock_sandbox, tmp_path, make_photos, coppermine_titles
):
    sandbox = stock_sandbox
    cpg = sandbox_coppermine(sandbox, "alice")
    make_photos(tmp_path / "photos", 12)
    photos = gk.scan(tmp_path / "photos", progress=False)
    cpg.albums()  # signed in before the limit starts counting
    sandbox.faults.reset_requests("coppermine")
    sandbox.faults.set("coppermine", rate_limit=4, rate_window=1.0, rate_only="uniload", rate_status=503)
    report = photos.galleryk.push(cpg, album="Alice's holidays", workers=WORKERS, progress=False)
    log = sandbox.request_log("coppermine")
    sandbox.faults.clear()
    assert report["status"].tolist() == ["uploaded"] * 12, report[["status", "error"]]
    assert (log.uploads, log.stored) == (12, 12)
    assert 1 <= log.refused <= WORKERS and _refusals_after_the_first_pause(log) == 0
    titles = coppermine_titles(cpg, "Alice's holidays")
    assert [titles[f"photo_{i:03d}"] for i in range(12)] == [1] * 12


def test_a_listing_under_a_limit_is_read_whole_with_one_pause(sandbox, fotki):
    sets = fotki.albums()
    biggest = int(sets.sort_values("photos").iloc[-1]["id"])
    expected = len(fotki.photos(biggest))
    fresh = sandbox_fotki(sandbox, "alice")
    fresh.per_page = 1  # a demo photoset's 8 photos: eight pages, the later ones fetched concurrently
    sandbox.faults.reset_requests("fotki")
    sandbox.faults.set("fotki", rate_limit=2, rate_window=1.0)
    listed = fresh.photos(biggest)
    log = sandbox.request_log("fotki")
    sandbox.faults.clear()
    assert len(listed) == expected and listed["id"].is_unique
    assert log.refused >= 1 and _refusals_after_the_first_pause(log) == 0  # one pause, then the learned pace


def test_a_coppermine_sign_in_refused_by_the_limit_is_sent_again_after_the_pause(stock_sandbox):
    sandbox = stock_sandbox
    expected = sandbox_coppermine(sandbox, "alice").albums()
    sandbox.faults.reset_requests("coppermine")
    sandbox.faults.set("coppermine", rate_limit=1, rate_window=1.0, rate_only="login")
    again = sandbox_coppermine(sandbox, "alice").albums()  # GET login.php, then the POST: refused, then let in
    log = sandbox.request_log("coppermine")
    sandbox.faults.clear()
    logins = [hit for hit in log.hits if hit.name == "login.php"]
    assert log.refused >= 1 and [h.status for h in logins if h.method == "POST"][-1] == 302
    assert sorted(again["id"].tolist()) == sorted(expected["id"].tolist())
    refused_at = next(h.at for h in logins if h.refused)
    assert all(h.at >= refused_at + 1.0 for h in log.hits if h.at > refused_at + 0.05)  # nothing during the pause


def test_the_progress_says_it_waits_for_the_rate_limit_and_until_when(sandbox, fotki, tmp_path, make_photos, caplog):
    make_photos(tmp_path / "photos", 8)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.set("fotki", rate_limit=3, rate_window=1.0, rate_only="upload")
    shown: list[str] = []
    with caplog.at_level(logging.INFO, logger="galleryk.push"):
        photos.galleryk.push(fotki, album=None, workers=WORKERS, progress=False, on_status=shown.append)
    sandbox.faults.clear()
    said = [r.getMessage() for r in caplog.records if "rate limit" in r.getMessage()]
    assert said and all("waiting for its rate limit until " in s for s in said)
    assert said[0][-8:].count(":") == 2  # HH:MM:SS
    waits = [text for text in shown if "rate limit" in text]
    assert waits and waits[0].startswith("waiting for the rate limit until ") and waits[0][-8:].count(":") == 2
    assert shown[-1].startswith("push to ")  # and it says so when it goes on


def test_a_limit_asking_for_a_very_long_wait_stops_the_push_and_says_until_when(sandbox, fotki, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 10)
    photos = gk.scan(tmp_path / "photos", progress=False)
    sandbox.faults.reset_requests("fotki")
    sandbox.faults.set("fotki", rate_limit=2, rate_window=3600, rate_only="upload")
    with pytest.raises(RateLimited, match="until") as stopped:
        photos.galleryk.push(fotki, album=None, workers=2, progress=False)
    log = sandbox.request_log("fotki")
    sandbox.faults.clear()
    assert stopped.value.retry_after > 300
    assert log.stored == 2 and log.refused <= 2  # no upload went out after the refusal was known
    with pytest.raises(RateLimited):  # this client was told to wait: it sends nothing until then
        fotki.albums()
    assert sandbox.request_log("fotki").refused == log.refused
    rerun = photos.galleryk.push(sandbox_fotki(sandbox, "alice"), album=None, workers=2, progress=False)
    assert Counter(rerun["status"]) == {"skipped": 2, "uploaded": 8}
