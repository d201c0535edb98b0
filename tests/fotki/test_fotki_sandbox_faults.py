"""A misbehaving Fotki server: reads are retried, uploads never; broken replies give clear TransportErrors."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from galleryk.access import sandbox_fotki
from galleryk.base.errors import BadReply, HttpStatusError, RequestTimeout, ResponseCut, TransportError


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(buf, "JPEG")
    return buf.getvalue()


def test_reads_are_retried_after_500(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    sandbox.faults.set("fotki", error_500=1.0, limit=2)
    assert len(client.photosets()) == 3
    assert sandbox.faults.injected("fotki")["error_500"] == 2


def test_uploads_are_not_retried_after_500(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    before = len(client.photos())
    sandbox.faults.set("fotki", error_500=1.0, limit=1)
    with pytest.raises(HttpStatusError, match="500") as info:
        client.upload(_jpeg(), title="once")
    assert info.value.status == 500 and sandbox.faults.injected("fotki")["error_500"] == 1
    assert len(client.photos()) == before


def test_cut_reply_raises_response_cut_naming_the_masked_url(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    sandbox.faults.set("fotki", cut=1.0, limit=1)
    with pytest.raises(ResponseCut, match="cut short") as info:
        client.photos()
    assert "flickr_photos_getNotInSet" in str(info.value) and client.transport  # names the call
    assert "auth_token=***" in str(info.value) and sandbox.secret not in str(info.value)


def test_truncated_reply_raises_bad_reply(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    sandbox.faults.set("fotki", truncate=1.0, limit=1)
    with pytest.raises(BadReply, match="malformed"):
        client.photosets()


def test_truncated_json_reply_raises_bad_reply(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", format="json")
    sandbox.faults.set("fotki", truncate=1.0, limit=1)
    with pytest.raises(BadReply, match="JSON"):
        client.photosets()


def test_html_page_with_status_200_raises_bad_reply(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    sandbox.faults.set("fotki", html_200=1.0, limit=1)
    with pytest.raises(BadReply, match="HTML page"):
        client.photosets()


def test_slow_server_raises_a_timeout(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", timeout=(2, 0.2), retries=0)
    sandbox.faults.set("fotki", latency=0.5)
    with pytest.raises(RequestTimeout):
        client.photosets()


def test_every_transport_failure_is_a_transport_error() -> None:
    assert all(issubclass(e, TransportError) for e in (BadReply, HttpStatusError, RequestTimeout, ResponseCut))
