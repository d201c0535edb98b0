"""The sandbox keeps HTTP/1.1 connections open between requests, counted on the server side.

A client that reuses its connections must see them reused (one TCP connection for many calls),
a request whose body the sandbox did not read must not spill into the next one, a reply that
asks to close must close, and stopping the sandbox must end the connections it kept open.
"""

from __future__ import annotations

import http.client
import socket
import threading
from typing import ClassVar

import pytest
from werkzeug.serving import make_server

import galleryk as gk
from galleryk.access import sandbox_fotki
from galleryk.base.errors import TransportError
from galleryk.sandbox.keepalive import KeepAliveHandler, Traffic


def test_calls_from_one_client_share_one_connection(sandbox):
    client = sandbox_fotki(sandbox, "alice")
    before = sandbox.traffic()
    for _ in range(20):
        client.check_token()
    after = sandbox.traffic()
    assert (after.requests - before.requests, after.connections - before.connections) == (20, 0)


def test_a_concurrent_listing_opens_no_more_connections_than_its_threads(sandbox):
    client = sandbox_fotki(sandbox, "alice", per_page=1, max_workers=3)
    first = sandbox.traffic()
    df = client.photos("Harbour walk")
    second = sandbox.traffic()
    assert len(df) >= 4 and second.connections - first.connections <= 3
    client.photos("Harbour walk")  # a second listing reuses the pool: never more connections than threads in all
    assert sandbox.traffic().connections - first.connections <= 3


def test_a_request_body_left_unread_does_not_spill_into_the_next_request(sandbox):
    conn = http.client.HTTPConnection(sandbox.host, sandbox.port, timeout=10)
    conn.request("POST", "/no/such/page", body=b"x" * 300_000, headers={"Content-Type": "application/octet-stream"})
    refused = conn.getresponse()
    refused.read()
    assert refused.status == 404
    conn.request("GET", "/")
    reply = conn.getresponse()
    assert reply.status == 200 and b"galleryk sandbox" in reply.read()
    conn.close()
    assert (sandbox.traffic().connections, sandbox.traffic().requests) == (1, 2)  # both on one connection


def test_an_http_1_0_client_gets_one_request_per_connection(sandbox):
    with socket.create_connection((sandbox.host, sandbox.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):  # the server closes after its reply
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200") and b"connection: close" in head


def test_a_reply_cut_short_on_purpose_closes_its_connection(sandbox):
    client = sandbox_fotki(sandbox, "alice")
    sandbox.faults.set("fotki", cut=1.0, limit=1)
    before = sandbox.traffic()
    with pytest.raises(TransportError):
        client.check_token()
    client.check_token()  # served over a new connection
    assert sandbox.traffic().connections - before.connections >= 1


def test_stopping_the_sandbox_ends_the_connections_it_kept_open(sandbox):
    client = sandbox_fotki(sandbox, "alice")
    client.check_token()
    assert sandbox.traffic().open >= 1
    sandbox.stop()
    assert sandbox.traffic().open == 0
    with pytest.raises(TransportError):
        client.check_token()


def test_a_port_in_use_is_an_error_naming_the_port_not_an_exit(sandbox):
    with pytest.raises(OSError, match=f"{sandbox.port}.*in use"):
        gk.sandbox.start(port=sandbox.port, seed=False)


# -- a quiet terminal: idle connections are closed without a word, stalled requests are still reported -------
class _Recorded(KeepAliveHandler):
    """The sandbox's handler with a short idle limit, recording what it would log as an error."""

    timeout = 0.3
    errors: ClassVar[list[str]] = []

    def log_error(self, format: str, *args) -> None:
        self.errors.append(format % args)

    def log_request(self, code="-", size="-") -> None:
        pass


@pytest.fixture
def short_idle_server():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    _Recorded.errors = []
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Recorded)
    server.traffic = Traffic()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _closed_by_server(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):  # until the server hangs up
        data += chunk
    return data


def test_a_kept_alive_connection_left_idle_is_closed_without_an_error(short_idle_server):
    with socket.create_connection(("127.0.0.1", short_idle_server.server_port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = _closed_by_server(sock)  # answered, then idle until the server's limit
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"ok")
    assert _Recorded.errors == []


def test_a_request_that_stops_half_way_is_still_reported(short_idle_server):
    with socket.create_connection(("127.0.0.1", short_idle_server.server_port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost:")  # and nothing more
        _closed_by_server(sock)
    assert len(_Recorded.errors) == 1 and "timed out" in _Recorded.errors[0]
