"""The sandbox's rate limit, seen with plain HTTP: a budget per window, 429 or 503 with Retry-After, nothing done.

Windows are long (60 s) where a test counts refusals, so that no request can slip into a fresh
window while the test runs; the one test that waits for the window waits what Retry-After says.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from support import fotki_raw as fr
from support.cpg_web import base as cpg_base
from support.cpg_web import form_token as cpg_token
from support.cpg_web import signed_in as cpg_signed_in


def _get_list(sandbox) -> requests.Response:
    return fr.call(sandbox, "flickr_photosets_getList", None, user_id=2)


def test_requests_beyond_the_budget_are_answered_429_with_retry_after(sandbox) -> None:
    sandbox.faults.set("fotki", rate_limit=3, rate_window=60)
    answers = [_get_list(sandbox) for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
    assert all(1 <= int(r.headers["Retry-After"]) <= 60 for r in answers[3:])


def test_the_rate_limit_can_answer_503_as_nginx_does(sandbox) -> None:
    sandbox.faults.set("fotki", rate_limit=1, rate_window=60, rate_status=503)
    _get_list(sandbox)
    refused = _get_list(sandbox)
    assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()


def test_retry_after_can_be_left_out(sandbox) -> None:
    sandbox.faults.set("fotki", rate_limit=1, rate_window=60, rate_retry_after=False)
    _get_list(sandbox)
    refused = _get_list(sandbox)
    assert refused.status_code == 429 and "Retry-After" not in refused.headers


def test_a_client_that_waits_retry_after_is_admitted(sandbox) -> None:
    sandbox.faults.set("fotki", rate_limit=1, rate_window=1.0)
    _get_list(sandbox)
    refused = _get_list(sandbox)
    time.sleep(int(refused.headers["Retry-After"]))
    assert refused.status_code == 429 and _get_list(sandbox).status_code == 200


def test_an_upload_refused_by_the_rate_limit_stores_nothing(sandbox) -> None:
    tok = fr.token(sandbox)
    before = fr.photo_ids(sandbox, tok)
    sandbox.faults.set("fotki", rate_limit=1, rate_window=60, rate_only="upload")
    stored = fr.upload(sandbox, tok)
    refused = fr.upload(sandbox, tok)
    assert stored.status_code == 200 and refused.status_code == 429
    assert len(fr.photo_ids(sandbox, tok) - before) == 1


def test_rate_only_limits_only_the_requests_it_names(sandbox) -> None:
    sandbox.faults.set("fotki", rate_limit=1, rate_window=60, rate_only="getInfo")
    fr.call(sandbox, "flickr_photos_getInfo", None, photo_id=4000000001)
    assert fr.call(sandbox, "flickr_photos_getInfo", None, photo_id=4000000001).status_code == 429
    assert _get_list(sandbox).status_code == 200


def test_the_server_log_counts_refusals_and_keeps_handled_requests_within_the_budget(sandbox) -> None:
    sandbox.faults.reset_requests()
    sandbox.faults.set("fotki", rate_limit=5, rate_window=60)
    with ThreadPoolExecutor(8) as pool:
        statuses = [r.status_code for r in pool.map(lambda _: _get_list(sandbox), range(24))]
    log = sandbox.request_log("fotki")
    assert statuses.count(200) == 5 and log.refused == 19 and log.busiest(60) == 5


def test_each_service_has_its_own_budget(sandbox) -> None:
    sandbox.faults.set("coppermine", rate_limit=1, rate_window=60)
    requests.get(cpg_base(sandbox) + "index.php", timeout=30)
    assert requests.get(cpg_base(sandbox) + "index.php", timeout=30).status_code == 429
    assert _get_list(sandbox).status_code == 200


def test_a_coppermine_upload_refused_by_the_rate_limit_stores_nothing(sandbox) -> None:
    alice = cpg_signed_in(sandbox, "alice")
    form = {"method": "upload_sgl", "album": "5", **cpg_token(alice, sandbox)}
    sandbox.faults.reset_requests()
    sandbox.faults.set("coppermine", rate_limit=1, rate_window=60, rate_only="uniload")
    answers = [
        alice.post(
            cpg_base(sandbox) + "uniload.php",
            data=form,
            files={"Filedata": (f"r{i}.jpg", fr.jpeg(), "image/jpeg")},
            allow_redirects=False,
            timeout=30,
        )
        for i in range(2)
    ]
    log = sandbox.request_log("coppermine")
    assert [r.status_code for r in answers] == [302, 429]
    assert (log.uploads, log.stored, log.refused) == (1, 1, 1)


def test_a_cpgapi_upload_refused_by_the_rate_limit_stores_nothing(sandbox) -> None:
    sandbox.faults.reset_requests()
    sandbox.faults.set("coppermine", rate_limit=1, rate_window=60, rate_only="cpgAPI.upload")
    form = {"function": "cpgAPI.upload", "username": "alice", "password": sandbox.users["alice"], "aid": "5"}
    answers = [
        requests.post(
            sandbox.coppermine_url + "/api/",
            data=form,
            files={"file": (f"a{i}.jpg", fr.jpeg(), "image/jpeg")},
            timeout=30,
        )
        for i in range(2)
    ]
    assert [r.status_code for r in answers] == [200, 429]
    assert sandbox.request_log("coppermine").stored == 1


def test_the_rate_limit_is_set_over_the_control_api(sandbox) -> None:
    resp = requests.post(
        f"{sandbox.url}/_sandbox/faults",
        json={"service": "coppermine", "rate_limit": 1, "rate_window": 60, "rate_status": 503},
        timeout=10,
    )
    requests.get(cpg_base(sandbox) + "index.php", timeout=30)
    refused = requests.get(cpg_base(sandbox) + "thumbnails.php?album=5", timeout=30)
    assert resp.status_code == 200 and refused.status_code == 503
    assert resp.json()["coppermine"]["settings"]["rate_limit"] == 1


@pytest.mark.parametrize(
    "values",
    [{"rate_limit": 0}, {"rate_limit": 2.5}, {"rate_limit": 5, "rate_window": 0}, {"rate_status": 500}],
)
def test_impossible_rate_limits_are_refused(sandbox, values: dict) -> None:
    resp = requests.post(f"{sandbox.url}/_sandbox/faults", json=values, timeout=10)
    assert resp.status_code == 400 and "rate_" in resp.json()["error"]
