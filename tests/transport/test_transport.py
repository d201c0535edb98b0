"""The shared transport: timeouts, retries only where safe, streaming uploads, masked errors."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.hostile import RawServer, Recorder, elapsed
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

import galleryk
from galleryk.base.errors import (
    ConnectionFailed,
    FileChanged,
    HttpStatusError,
    RateLimited,
    RedirectRefused,
    ReplyTooLarge,
    RequestTimeout,
    ResponseCut,
    UploadStalled,
    mask_secrets,
)
from galleryk.transport import DEFAULT_DEADLINE, DEFAULT_MAX_REPLY, DEFAULT_STALL, RateLimiter, Transport, UploadSource

SECRET_SIG = "0123456789abcdef0123456789abcdef"


class _Server:
    """A tiny loopback server whose paths misbehave on purpose, counting hits per path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _app(self, environ: dict, start_response):
        request = Request(environ)
        self.hits[request.path] += 1
        response = self._route(request)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/flaky":
            fail = int(request.args.get("fail", "1"))
            status = 500 if self.hits[path] <= fail else 200
            return Response("<ok/>" if status == 200 else "boom", status=status)
        if path == "/always500":
            return Response("boom", status=500)
        if path == "/slow":
            time.sleep(float(request.args.get("s", "1")))
            return Response("<late/>")
        if path == "/cut":
            body = b"x" * 10000
            sock = request.environ.get("werkzeug.socket")

            def stream() -> Iterator[bytes]:
                yield body[:100]
                if sock is not None:
                    sock.shutdown(socket.SHUT_RDWR)

            return Response(stream(), headers={"Content-Length": str(len(body)), "Connection": "close"})
        if path == "/echo":
            file = request.files.get("photo")
            data = file.read() if file is not None else b""
            return Response(
                json.dumps(
                    {
                        "md5": hashlib.md5(data).hexdigest(),
                        "size": len(data),
                        "filename": file.filename if file is not None else None,
                        "fields": {k: v for k, v in request.form.items()},
                        "ua": request.headers.get("User-Agent"),
                    }
                ),
                content_type="application/json",
            )
        if path == "/file":
            return Response(b"0123456789" * 1000, content_type="application/octet-stream")
        if path == "/huge":  # announces 2 GB, would send them slowly

            def slow() -> Iterator[bytes]:
                for _ in range(100):
                    time.sleep(0.05)
                    yield b"x" * 1024

            return Response(slow(), headers={"Content-Length": str(2 << 30)})
        if path == "/busy":
            return Response("come back tomorrow", status=503, headers={"Retry-After": "86400"})
        if path == "/redirect":
            location = request.args["to"]
            if request.args.get("keep"):  # like a server's Redirect rule: the query goes along
                location += "?" + request.query_string.decode()
            response = Response("moved", status=int(request.args["status"]), headers={"Location": location})
            response.set_cookie("session", "cookie-value-1")
            return response
        if path == "/seen":
            return Response(
                json.dumps(
                    {
                        "method": request.method,
                        "body": request.get_data().decode(),
                        "cookie": request.headers.get("Cookie"),
                    }
                ),
                content_type="application/json",
            )
        return Response("nope", status=404)


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def transport() -> Iterator[Transport]:
    with Transport(timeout=(2, 5), retries=3, backoff=0.01) as t:
        yield t


def test_get_is_retried_on_500_until_it_succeeds(server: _Server, transport: Transport) -> None:
    resp = transport.get(f"{server.url}/flaky", params={"fail": 2})
    assert resp.status_code == 200 and server.hits["/flaky"] == 3


def test_post_is_not_retried_on_500(server: _Server, transport: Transport) -> None:
    resp = transport.post(f"{server.url}/flaky", data={"fail": "2"})
    assert resp.status_code == 500 and server.hits["/flaky"] == 1


def test_get_with_retry_false_is_sent_once(server: _Server, transport: Transport) -> None:
    transport.get(f"{server.url}/always500", retry=False)
    assert server.hits["/always500"] == 1


def test_post_with_retry_true_is_retried(server: _Server, transport: Transport) -> None:
    resp = transport.post(f"{server.url}/flaky", params={"fail": 1}, retry=True)
    assert resp.status_code == 200 and server.hits["/flaky"] == 2


def test_retries_give_up_and_return_the_last_error_status(server: _Server, transport: Transport) -> None:
    resp = transport.get(f"{server.url}/always500")
    assert resp.status_code == 500 and server.hits["/always500"] == 4
    with pytest.raises(HttpStatusError, match="HTTP 500"):
        Transport.check_status(resp)


def test_connection_refused_names_the_masked_url(transport: Transport) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionFailed) as info:
        Transport(retries=0).get(f"http://127.0.0.1:{port}/x", params={"api_sig": SECRET_SIG, "api_key": "k"})
    text = str(info.value)
    assert f"127.0.0.1:{port}/x" in text and "api_sig=***" in text and SECRET_SIG not in text


def test_slow_server_raises_a_timeout(server: _Server) -> None:
    with pytest.raises(RequestTimeout, match="/slow"):
        Transport(timeout=(2, 0.2), retries=0).get(f"{server.url}/slow", params={"s": "1"})


def test_cut_reply_raises_response_cut(server: _Server, transport: Transport) -> None:
    with pytest.raises(ResponseCut, match="cut short"):
        transport.get(f"{server.url}/cut")


def test_user_agent_is_galleryk_and_version(server: _Server, transport: Transport) -> None:
    body = transport.post_multipart(f"{server.url}/echo", {"a": "1"}).json()
    assert body["ua"] == f"galleryk/{galleryk.__version__}"


@pytest.mark.parametrize("kind", ["path", "bytes", "fileobj"])
def test_multipart_upload_sends_the_whole_file_and_reports_progress(
    server: _Server, transport: Transport, tmp_path: Path, kind: str
) -> None:
    data = bytes(range(256)) * 12000  # ~3 MB
    path = tmp_path / "pic.jpg"
    path.write_bytes(data)
    source = {"path": path, "bytes": data, "fileobj": io.BytesIO(data)}[kind]
    seen: list[tuple[int, int]] = []
    with UploadSource(source, "pic.jpg").opened() as up:
        assert up.size == len(data)
        resp = transport.post_multipart(
            f"{server.url}/echo",
            {"title": "T"},
            ("photo", up.filename, up.stream),
            progress=lambda sent, total: seen.append((sent, total)),
        )
    body = resp.json()
    assert body["md5"] == hashlib.md5(data).hexdigest() and body["fields"] == {"title": "T"}
    assert seen[-1][0] == seen[-1][1] and [s for s, _ in seen] == sorted(s for s, _ in seen)


def test_upload_of_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nothere.jpg"):
        UploadSource(tmp_path / "nothere.jpg")


def test_download_writes_the_file(server: _Server, transport: Transport, tmp_path: Path) -> None:
    target = transport.download(f"{server.url}/file", tmp_path / "out.bin")
    assert target.read_bytes() == b"0123456789" * 1000


def test_cut_download_leaves_no_file(server: _Server, transport: Transport, tmp_path: Path) -> None:
    with pytest.raises(ResponseCut):
        transport.download(f"{server.url}/cut", tmp_path / "out.bin")
    assert list(tmp_path.iterdir()) == []


def test_mask_secrets_hides_every_secret_field() -> None:
    text = mask_secrets('u?api_key=k&api_sig=abc&auth_token=t-1&frob=f1&password=pw {"auth_token": "zz"}')
    assert text == 'u?api_key=k&api_sig=***&auth_token=***&frob=***&password=*** {"auth_token": "***"}'


def test_rate_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="calls_per_hour"):
        RateLimiter(0)


def test_rate_limiter_spaces_calls_evenly() -> None:
    limiter = RateLimiter(3600 * 1000)  # one call per millisecond
    assert limiter.interval == pytest.approx(0.001)


# -- limits a hostile or broken server cannot get past ------------------------------------------


def test_defaults_bound_every_call() -> None:
    t = Transport()
    assert (t.deadline, t.stall, t.max_reply) == (DEFAULT_DEADLINE, DEFAULT_STALL, DEFAULT_MAX_REPLY)
    assert DEFAULT_DEADLINE <= 120 and DEFAULT_STALL <= 120 and DEFAULT_MAX_REPLY <= 256 << 20


def test_a_reply_announcing_2_gb_is_refused_before_it_is_read(server: _Server, transport: Transport) -> None:
    seconds, error = elapsed(lambda: transport.get(f"{server.url}/huge", what="listing", max_reply=1 << 20))
    assert isinstance(error, ReplyTooLarge) and error.limit == 1 << 20
    assert "listing" in str(error) and "1 MiB" in str(error) and "2,147,483,648" in str(error)
    assert seconds < 2.5  # the 5 s the server would take to send even its first 100 KiB were not waited for


def test_a_head_request_is_not_refused_for_the_length_it_announces(server: _Server, transport: Transport) -> None:
    resp = transport.request("HEAD", f"{server.url}/huge", max_reply=1 << 20)
    assert resp.status_code == 200 and resp.headers["Content-Length"] == str(2 << 30)


def test_retry_after_a_day_is_not_waited_for(server: _Server, transport: Transport) -> None:
    seconds, error = elapsed(lambda: transport.get(f"{server.url}/busy"))
    assert isinstance(error, RateLimited) and seconds < 30  # it fails at once instead of sleeping 86400 s
    assert server.hits["/busy"] == 1


def test_headers_dripped_one_byte_at_a_time_hit_the_deadline() -> None:
    raw = RawServer("drip", interval=0.3)  # the whole reply would take about 25 s
    try:
        t = Transport(timeout=(2, 5), retries=3, backoff=0.01, deadline=1.0)
        seconds, error = elapsed(lambda: t.get(f"{raw.url}/x", what="flickr.photos.getInfo"))
    finally:
        raw.stop()
    assert isinstance(error, RequestTimeout) and "deadline of 1 s" in str(error) and "getInfo" in str(error)
    assert seconds < 15 and raw.connections == 1  # no retry once the deadline has passed


def test_a_server_that_stops_reading_an_upload_stalls_it(tmp_path: Path) -> None:
    raw = RawServer("hold")
    try:
        t = Transport(timeout=(2, 5), stall=1.0)
        data = io.BytesIO(b"\xff" * (48 << 20))  # more than the socket buffers hold
        seconds, error = elapsed(
            lambda: t.post_multipart(f"{raw.url}/upload", {"title": "T"}, ("photo", "big.jpg", data), what="upload")
        )
    finally:
        raw.stop()
    assert isinstance(error, UploadStalled) and "no progress for 1 s" in str(error) and "big.jpg" in str(error)
    assert seconds < 20


@pytest.mark.parametrize("change", ["shrinks", "grows"])
def test_a_file_that_changes_while_uploading_gets_a_clear_error(
    server: _Server, transport: Transport, tmp_path: Path, change: str
) -> None:
    path = tmp_path / "pic.jpg"
    path.write_bytes(b"\xd8" * (3 << 20))

    def meddle(sent: int, total: int) -> None:
        if change == "shrinks":
            path.write_bytes(b"\xd8" * 1000)
        else:
            with open(path, "ab") as out:
                out.write(b"more")

    with (
        UploadSource(path).opened() as up,
        pytest.raises(FileChanged, match={"shrinks": "shrank", "grows": "grew"}[change]) as info,
    ):
        transport.post_multipart(f"{server.url}/echo", {}, ("photo", up.filename, up.stream), progress=meddle)
    assert info.value.path == str(path) and info.value.expected == 3 << 20


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirected_post_never_carries_its_body_to_another_host(
    server: _Server, transport: Transport, status: int
) -> None:
    other = Recorder()
    try:
        with pytest.raises(RedirectRefused, match=f"HTTP {status}.*another host") as info:
            transport.post(
                f"{server.url}/redirect",
                params={"status": status, "to": f"{other.url}/steal"},
                data={"auth_token": "tok-1", "api_sig": SECRET_SIG},
                what="flickr.photosets.create",
            )
    finally:
        other.stop()
    assert other.seen == [] and info.value.status == status and "create" in str(info.value)


def test_a_redirect_to_another_host_with_a_secret_in_its_address_is_not_followed(
    server: _Server, transport: Transport
) -> None:
    other = Recorder()
    try:
        with pytest.raises(RedirectRefused, match="auth_token in the address") as info:
            transport.get(
                f"{server.url}/redirect",
                params={"status": 302, "to": f"{other.url}/x", "keep": 1, "auth_token": "tok-1", "api_sig": SECRET_SIG},
            )
    finally:
        other.stop()
    assert other.seen == [] and SECRET_SIG not in str(info.value) and "tok-1" not in str(info.value)


def test_a_redirect_to_another_host_goes_without_body_or_cookies(server: _Server, transport: Transport) -> None:
    other = Recorder()
    try:
        transport.get(f"{server.url}/redirect", params={"status": 302, "to": f"{server.url}/seen"})  # sets the cookie
        resp = transport.post(
            f"{server.url}/redirect", params={"status": 303, "to": f"{other.url}/landing"}, data={"password": "pw-1"}
        )
    finally:
        other.stop()
    assert resp.status_code == 200 and len(other.seen) == 1
    assert other.seen[0].method == "GET" and other.seen[0].body == b"" and "Cookie" not in other.seen[0].headers
    assert "pw-1" not in other.everything()


def test_a_same_host_redirect_keeps_working(server: _Server, transport: Transport) -> None:
    resp = transport.post(f"{server.url}/redirect", params={"status": 307, "to": "/seen"}, data={"a": "1"})
    assert resp.json() == {"method": "POST", "body": "a=1", "cookie": "session=cookie-value-1"}
    assert [r.status_code for r in resp.history] == [307]


def test_a_redirected_upload_is_not_sent_again(server: _Server, transport: Transport) -> None:
    with pytest.raises(RedirectRefused, match="cannot be sent again"):
        transport.post_multipart(f"{server.url}/redirect?status=307&to=/echo", {}, ("photo", "a.jpg", io.BytesIO(b"j")))
    assert server.hits["/echo"] == 0


def test_urllib3_debug_logs_hold_no_secret_whatever_the_handler(server: _Server, transport: Transport) -> None:
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name != "werkzeug":  # the test server's own log, not the client's
                seen.append(self.format(record))

    root = logging.getLogger()
    handler, level = Keep(logging.DEBUG), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        transport.get(f"{server.url}/flaky", params={"fail": 1, "auth_token": "tok-1", "api_sig": SECRET_SIG})
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    urllib3_lines = [line for line in seen if "/flaky" in line and "auth_token=***" in line]
    assert len(urllib3_lines) >= 2  # the request lines and the retry, masked
    assert not any(SECRET_SIG in line or "tok-1" in line for line in seen)
