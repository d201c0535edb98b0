"""The shared transport: timeouts, retries only where safe, streaming uploads, masked errors."""

from __future__ import annotations

import hashlib
import io
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

import galleryk
from galleryk.errors import ConnectionFailed, HttpStatusError, RequestTimeout, ResponseCut, mask_secrets
from galleryk.transport import RateLimiter, Transport, open_source

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

    def _app(self, environ: dict, start_response):  # noqa: ANN001
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
            return Response(json.dumps({
                "md5": hashlib.md5(data).hexdigest(), "size": len(data),
                "filename": file.filename if file is not None else None,
                "fields": {k: v for k, v in request.form.items()},
                "ua": request.headers.get("User-Agent"),
            }), content_type="application/json")
        if path == "/file":
            return Response(b"0123456789" * 1000, content_type="application/octet-stream")
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
    with open_source(source, "pic.jpg") as up:
        assert up.size == len(data)
        resp = transport.post_multipart(f"{server.url}/echo", {"title": "T"}, ("photo", up.filename, up.stream),
                                        progress=lambda sent, total: seen.append((sent, total)))
    body = resp.json()
    assert body["md5"] == hashlib.md5(data).hexdigest() and body["fields"] == {"title": "T"}
    assert seen[-1][0] == seen[-1][1] and [s for s, _ in seen] == sorted(s for s, _ in seen)


def test_upload_of_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nothere.jpg"):
        with open_source(tmp_path / "nothere.jpg"):
            pass


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
