"""The sandbox's request log: what each service was asked and answered, read from Python and over the control API."""

from __future__ import annotations

import pytest
import requests
from support import fotki_raw as fr

from galleryk.sandbox.request_log import Hit, RequestLog


def test_each_request_is_logged_with_its_path_name_and_status(sandbox) -> None:
    sandbox.faults.reset_requests()
    fr.call(sandbox, "flickr_photosets_getList", None, user_id=2)
    requests.get(f"{sandbox.fotki_api_url}/no_such_page", timeout=30)
    hits = sandbox.request_log("fotki").hits
    assert [(h.method, h.path, h.name, h.status) for h in hits] == [
        ("GET", "/fotki/v2flkr/flickr_photosets_getList", "flickr.photosets.getList", 200),
        ("GET", "/fotki/v2flkr/no_such_page", "no_such_page", 200),
    ]


def test_a_fault_that_answered_is_named_in_the_log(sandbox) -> None:
    sandbox.faults.reset_requests()
    sandbox.faults.set("fotki", error_500=1.0, limit=1)
    fr.call(sandbox, "flickr_photosets_getList", None, user_id=2)
    fr.call(sandbox, "flickr_photosets_getList", None, user_id=2)
    assert [(h.status, h.fault) for h in sandbox.request_log("fotki").hits] == [(500, "error_500"), (200, None)]


def test_a_request_the_server_refuses_while_reading_it_is_logged_with_that_status(sandbox) -> None:
    sandbox.faults.reset_requests()
    fields = [(f"f{i}", (None, "x")) for i in range(1001)]  # more parts than the server takes
    resp = requests.post(f"{sandbox.fotki_api_url}/upload", files=fields, timeout=30)
    assert resp.status_code == 413 and [h.status for h in sandbox.request_log("fotki").hits] == [413]


def test_uploads_that_reached_the_upload_handler_are_counted_apart_from_those_stored(sandbox) -> None:
    tok = fr.token(sandbox)
    sandbox.faults.reset_requests()
    fr.upload(sandbox, tok)
    fr.upload(sandbox, tok, data=b"not a picture")
    log = sandbox.request_log("fotki")
    assert (log.uploads, log.stored) == (2, 1)


def test_a_stored_upload_is_logged_with_the_id_it_got(sandbox) -> None:
    tok = fr.token(sandbox)
    photo_id = int(fr.root(fr.upload(sandbox, tok)).findtext("photoid"))
    last = sandbox.request_log("fotki").hits[-1]
    assert (last.stored_id, last.named_id) == (photo_id, photo_id)


def test_resetting_empties_the_log(sandbox) -> None:
    fr.call(sandbox, "flickr_photosets_getList", None, user_id=2)
    sandbox.faults.reset_requests("fotki")
    log = sandbox.request_log("fotki")
    assert (log.hits, log.refused, log.uploads, log.stored) == ((), 0, 0, 0)


def test_the_log_is_read_and_reset_over_the_control_api(sandbox) -> None:
    sandbox.faults.reset_requests()
    fr.call(sandbox, "flickr_photosets_getList", None, user_id=2)
    seen = requests.get(f"{sandbox.url}/_sandbox/log", params={"service": "fotki"}, timeout=10).json()
    requests.post(f"{sandbox.url}/_sandbox/log", json={"reset": True, "service": "fotki"}, timeout=10)
    after = requests.get(f"{sandbox.url}/_sandbox/log", params={"service": "fotki"}, timeout=10).json()
    assert [h["name"] for h in seen["hits"]] == ["flickr.photosets.getList"] and sum(seen["per_second"].values()) == 1
    assert after["hits"] == []


@pytest.mark.parametrize("query", [{}, {"service": "flickr"}])
def test_the_log_needs_a_known_service(sandbox, query: dict) -> None:
    assert requests.get(f"{sandbox.url}/_sandbox/log", params=query, timeout=10).status_code == 400


def _log(*times: float, refused: tuple[float, ...] = ()) -> RequestLog:
    hits = [Hit(t, "GET", "/x", "x", 200) for t in times]
    hits += [Hit(t, "GET", "/x", "x", 429, "rate_limit") for t in refused]
    return RequestLog(tuple(sorted(hits, key=lambda h: h.at)), refused=len(refused), uploads=0, stored=0)


def test_busiest_counts_the_most_requests_handled_in_any_sliding_window() -> None:
    log = _log(0.0, 0.5, 0.9, 1.2, 1.3, 1.4, 3.0, refused=(1.25, 1.35))
    assert (log.busiest(1.0), log.busiest(0.25), log.busiest(10)) == (5, 3, 7)


def test_per_second_counts_the_requests_handled_in_each_whole_second() -> None:
    assert _log(10.1, 10.9, 11.0, refused=(10.5,)).per_second() == {10: 2, 11: 1}
