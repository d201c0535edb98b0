"""galleryk's local server, as a browser meets it: pictures and redirects by random address, nothing else, and quietly."""

from __future__ import annotations

import pytest
import requests

from galleryk.widgets._local import URL_VARIABLE, LocalServer


@pytest.fixture
def server():
    local = LocalServer()
    yield local
    local.close()


def test_a_published_picture_is_served_until_it_is_withdrawn(server):
    url = server.publish(b"\x89PNG\r\n\x1a\nfake", "image/png")
    assert url.startswith(f"http://127.0.0.1:{server.port}/p/")
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 200 and reply.content == b"\x89PNG\r\n\x1a\nfake"
    assert reply.headers["Content-Type"] == "image/png" and reply.headers["X-Content-Type-Options"] == "nosniff"
    assert server.asked(url)
    server.withdraw(url)
    assert requests.get(url, timeout=10).status_code == 404 and server.published == 0


def test_a_forward_sends_the_browser_on_and_the_target_is_not_in_its_address(server):
    target = "https://fotki.example/auth?frob=SECRETFROB&api_sig=abc"
    url = server.forward(target)
    assert "SECRETFROB" not in url
    reply = requests.get(url, allow_redirects=False, timeout=10)
    assert reply.status_code == 302 and reply.headers["Location"] == target
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    server.withdraw(url)
    assert requests.get(url, allow_redirects=False, timeout=10).status_code == 404


def test_only_published_names_are_served(server):
    server.publish(b"data", "image/jpeg")
    base = server.base
    for path in ("", "p/", "p/../p", "p/nothing", "go/nothing", "x/y", "p/a/b", "?p=1"):
        assert requests.get(base + path, allow_redirects=False, timeout=10).status_code == 404, path
    assert requests.head(base + "p/nothing", timeout=10).status_code == 404


def test_it_listens_on_the_loopback_only_and_says_nothing_on_the_terminal(server, capfd):
    assert server._httpd.server_address[0] == "127.0.0.1"
    url = server.publish(b"data", "image/jpeg")
    requests.get(url, timeout=10)
    requests.get(server.base + "p/missing", timeout=10)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_the_address_the_browser_reaches_can_be_given(monkeypatch):
    monkeypatch.setenv(URL_VARIABLE, "https://hub.example.org/user/me/proxy/{port}")
    local = LocalServer()
    try:
        url = local.publish(b"data", "image/jpeg")
        assert url.startswith(f"https://hub.example.org/user/me/proxy/{local.port}/p/")
    finally:
        local.close()
