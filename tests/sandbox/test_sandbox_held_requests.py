"""Requests held by the delay faults, so a test can kill the client mid-call and know what was stored.

The test waits until the server says it holds the request (no guessing at times), hangs up the
client, then releases the hold: with ``store_delay`` the album or photoset is stored after the
client has gone, with ``reply_delay`` it was stored before the hold began.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from support import fotki_raw as fr
from support.cpg_web import base as cpg_base
from support.cpg_web import form_token as cpg_token
from support.cpg_web import signed_in as cpg_signed_in

HOLD = 300.0
"""Longer than any test: every hold here ends by release_held(), never by its time."""


def _send_get(url: str, headers: dict[str, str] | None = None) -> socket.socket:
    """Send a GET for ``url`` on a new connection and return it, without reading any reply."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    lines = [f"GET {parts.path}?{parts.query} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    return sock


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.01)


def _handled(sandbox, service: str, name: str) -> bool:
    return any(hit.name == name for hit in sandbox.request_log(service).hits)


# -- Coppermine album creation ---------------------------------------------------------------------
def _album_request(sandbox, name: str) -> tuple[requests.Session, socket.socket]:
    """Alice's album creation for ``name``, sent on a raw connection with her session; (session, connection)."""
    alice = cpg_signed_in(sandbox, "alice")
    params = {"what": "albmgr", "op": "add", "cat": 10002, "name": name, "position": 1, **cpg_token(alice, sandbox)}
    url = requests.Request("GET", cpg_base(sandbox) + "delete.php", params=params).prepare().url
    cookies = "; ".join(f"{c.name}={c.value}" for c in alice.cookies)
    return alice, _send_get(url, {"Cookie": cookies, "User-Agent": alice.headers["User-Agent"]})


def _albums(sandbox, alice: requests.Session) -> str:
    return alice.get(cpg_base(sandbox) + "upload.php?single", timeout=30).text


def test_an_album_held_before_storing_is_stored_after_its_client_hung_up(sandbox) -> None:
    sandbox.faults.set("coppermine", store_delay=HOLD, delay_only="delete.php")
    alice, client = _album_request(sandbox, "Held album")
    assert sandbox.faults.wait_held("coppermine")
    client.close()
    assert "Held album" not in _albums(sandbox, alice)
    sandbox.faults.release_held()
    _wait_for(lambda: _handled(sandbox, "coppermine", "delete.php"), "the album creation to finish")
    assert "Held album" in _albums(sandbox, alice)


def test_an_album_whose_reply_is_held_is_already_stored(sandbox) -> None:
    sandbox.faults.set("coppermine", reply_delay=HOLD, delay_only="delete.php")
    alice, client = _album_request(sandbox, "Answered late")
    assert sandbox.faults.wait_held("coppermine")
    client.close()
    stored = "Answered late" in _albums(sandbox, alice)
    sandbox.faults.release_held()
    assert stored


# -- Fotki photoset creation -------------------------------------------------------------------------
def _create_request(sandbox, tok: str, title: str) -> socket.socket:
    fields = {"api_key": sandbox.api_key, "auth_token": tok, "btitle": title, "primary_photo_id": "4000000027"}
    url = requests.Request(
        "GET", f"{sandbox.fotki_api_url}/flickr_photosets_create", params=fr.signed(sandbox.secret, fields)
    ).prepare()
    return _send_get(url.url)


def _set_titles(sandbox, tok: str) -> set[str]:
    return {s.findtext("title") for s in fr.root(fr.call(sandbox, "flickr_photosets_getList", tok)).iter("photoset")}


def test_a_photoset_held_before_storing_is_stored_after_its_client_hung_up(sandbox) -> None:
    tok = fr.token(sandbox)
    sandbox.faults.set("fotki", store_delay=HOLD, delay_only="photosets_create")
    client = _create_request(sandbox, tok, "Held set")
    assert sandbox.faults.wait_held("fotki")
    client.close()
    assert "Held set" not in _set_titles(sandbox, tok)
    sandbox.faults.release_held()
    _wait_for(lambda: _handled(sandbox, "fotki", "flickr.photosets.create"), "the photoset creation to finish")
    assert "Held set" in _set_titles(sandbox, tok)


# -- holds seen and ended from outside ------------------------------------------------------------------
def test_held_requests_are_counted_and_released_over_the_control_api(sandbox) -> None:
    tok = fr.token(sandbox)
    sandbox.faults.set("fotki", store_delay=HOLD, delay_only="photosets_create")
    client = _create_request(sandbox, tok, "Seen held")
    sandbox.faults.wait_held("fotki")
    held = requests.get(f"{sandbox.url}/_sandbox/held", timeout=10).json()
    released = requests.post(f"{sandbox.url}/_sandbox/held", json={"release": True}, timeout=10).json()
    client.close()
    assert held == {"fotki": 1, "coppermine": 0} and released == {"released": 1}


def test_stopping_the_sandbox_ends_a_hold(sandbox) -> None:
    sandbox.faults.set("fotki", store_delay=HOLD)
    client = _send_get(f"{sandbox.fotki_api_url}/flickr_photosets_getList?user_id=2")
    sandbox.faults.wait_held("fotki")
    stopping = threading.Thread(target=sandbox.stop)
    stopping.start()
    stopping.join(60)
    client.close()
    assert not stopping.is_alive()
