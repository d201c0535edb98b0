"""The sandbox's network faults, seen from outside with plain HTTP: redirects, endless, silent and dripped replies.

Each is switched per service, from Python or over the control API, and stops with the sandbox.
"""

from __future__ import annotations

import threading

import pytest
import requests
from support.hostile import elapsed


def _api(sandbox, method: str = "flickr.test.echo") -> str:
    return f"{sandbox.fotki_api_url}/{method.replace('.', '_')}"


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirect_fault_sends_the_request_elsewhere_with_its_path_and_query(sandbox, status: int) -> None:
    sandbox.faults.set("fotki", **{f"redirect_{status}": 1.0}, redirect_to="http://127.0.0.1:1")
    resp = requests.post(_api(sandbox) + "?api_key=k&x=1", data={"a": "b"}, allow_redirects=False, timeout=10)
    assert resp.status_code == status
    assert resp.headers["Location"] == "http://127.0.0.1:1/fotki/v2flkr/flickr_test_echo?api_key=k&x=1"
    assert sandbox.faults.injected("fotki")[f"redirect_{status}"] == 1


def test_faults_set_over_the_control_api_hit_only_their_service(sandbox) -> None:
    resp = requests.post(
        f"{sandbox.url}/_sandbox/faults",
        json={"service": "coppermine", "redirect_308": 1.0, "redirect_to": "http://127.0.0.1:1"},
        timeout=10,
    )
    assert resp.status_code == 200 and resp.json()["coppermine"]["settings"]["redirect_308"] == 1.0
    assert requests.get(f"{sandbox.coppermine_url}/index.php", allow_redirects=False, timeout=10).status_code == 308
    assert requests.get(_api(sandbox), allow_redirects=False, timeout=10).status_code == 200


def test_a_redirect_target_that_is_not_http_is_refused(sandbox) -> None:
    resp = requests.post(
        f"{sandbox.url}/_sandbox/faults", json={"redirect_307": 1.0, "redirect_to": "ftp://x"}, timeout=10
    )
    assert resp.status_code == 400 and "redirect_to" in resp.json()["error"]


def test_an_endless_reply_goes_on_past_any_size(sandbox) -> None:
    sandbox.faults.set("coppermine", endless=1.0)
    with requests.get(f"{sandbox.coppermine_url}/index.php", stream=True, timeout=10) as resp:
        got = 0
        for chunk in resp.iter_content(1 << 20):
            got += len(chunk)
            if got > 16 << 20:
                break
    assert resp.status_code == 200 and "Content-Length" not in resp.headers and got > 16 << 20


def test_a_silent_server_sends_nothing(sandbox) -> None:
    sandbox.faults.set("fotki", silent=1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(_api(sandbox), timeout=(5, 0.5))


def test_a_dripped_reply_is_the_real_reply_one_byte_at_a_time(sandbox) -> None:
    whole = requests.get(_api(sandbox), timeout=10).content
    sandbox.faults.set("fotki", drip=1.0, drip_seconds=0.001)
    with requests.get(_api(sandbox), stream=True, timeout=10) as resp:
        first = resp.raw.read(1)
        rest = resp.raw.read()
    assert first + rest == whole and int(resp.headers["Content-Length"]) == len(whole)


def test_stopping_the_sandbox_ends_a_silent_answer(sandbox) -> None:
    sandbox.faults.set("fotki", silent=1.0, silent_seconds=300)
    outcome: list[BaseException | None] = []
    waiting = threading.Thread(
        target=lambda: outcome.append(elapsed(lambda: requests.get(_api(sandbox), timeout=120))[1])
    )
    waiting.start()
    while sandbox.faults.injected("fotki")["silent"] == 0:
        waiting.join(0.02)
    sandbox.stop()
    waiting.join(60)
    assert not waiting.is_alive() and isinstance(outcome[0], requests.exceptions.ConnectionError)
