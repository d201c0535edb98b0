"""The sandbox is bounded like a real server: oversized forms, too many parts and huge fields get a short 413.

The sandbox runs in a subprocess so its memory can be read from outside (its peak RSS, from
/proc); bodies are sent over raw sockets, as a hostile client would, so nothing on our side
buffers them. Uploaded files still stream to disk up to each service's own limit.
"""

from __future__ import annotations

import http.client
import io
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image

from galleryk.access import sandbox_fotki
from galleryk.sandbox.server import FIELD_LIMIT, FORM_BODY_LIMIT, PARTS_LIMIT

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")

_SERVE = (
    "import sys, galleryk.sandbox as s; sb = s.start(sys.argv[1]); print(sb.url, flush=True); "
    "sys.stdin.read(); sb.stop()"
)


class _Remote:
    def __init__(self, data: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(data)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.url = self.proc.stdout.readline().strip()
        host, port = self.url.split("//")[1].split(":")
        self.address = (host, int(port))

    def peak_mib(self) -> float:
        """The server's peak resident memory so far (VmHWM)."""
        with open(f"/proc/{self.proc.pid}/status") as status:
            line = next(line for line in status if line.startswith("VmHWM"))
        return int(line.split()[1]) / 1024

    def post_raw(
        self, path: str, content_type: str, *, declared: int | None, send: int, head: bytes = b"", tail: bytes = b""
    ) -> tuple[int, bytes]:
        """POST ``send`` bytes of body (``declared`` as Content-Length, chunked when None); (status, reply body)."""
        framing = f"Content-Length: {declared}" if declared is not None else "Transfer-Encoding: chunked"
        with socket.create_connection(self.address, timeout=60) as s:
            s.sendall(
                f"POST {path} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: {content_type}\r\n{framing}\r\n\r\n".encode()
            )
            block, sent = b"a" * (1 << 20), 0
            try:
                for part in filter(None, [head] + [block] * (send // len(block)) + [tail]):
                    s.sendall(part if declared is not None else b"%x\r\n%s\r\n" % (len(part), part))
                    sent += len(part)
                if declared is None:
                    s.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the server answered and hung up before taking it all: fine, the answer is what counts
            reply = http.client.HTTPResponse(s)  # read the answer, then hang up as a client would
            reply.begin()
            return reply.status, reply.read()

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def remote(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Remote]:
    data = tmp_path_factory.mktemp("limits") / "data"
    shutil.copytree(seeded_template, data)
    server = _Remote(data)
    try:
        yield server
    finally:
        server.stop()


def _multipart_field(name: str) -> tuple[bytes, bytes, str]:
    head = f'--XyZ\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
    return head, b"\r\n--XyZ--\r\n", "multipart/form-data; boundary=XyZ"


@pytest.mark.parametrize("declared", [2 << 30, None], ids=["2GB-announced", "chunked"])
def test_a_huge_urlencoded_login_gets_413_and_is_never_held(remote: _Remote, declared: int | None) -> None:
    before = remote.peak_mib()
    status, body = remote.post_raw(
        "/cpg/login.php", "application/x-www-form-urlencoded", declared=declared, send=64 << 20
    )
    assert status == 413 and len(body) < 300 and b"larger than" in body
    assert remote.peak_mib() - before < 48  # the 64 MiB sent never sat in the server's memory


@pytest.mark.parametrize(
    "path",
    [
        "/fotki/v2flkr/upload",
        "/fotki/v2flkr/flickr_photos_getInfo",
        "/fotki/api_auth",
        "/cpg/login.php",
        "/cpg/uniload.php",
    ],
)
def test_5000_multipart_parts_get_413_on_every_service(remote: _Remote, path: str) -> None:
    fields = [(f"f{i}", (None, "v")) for i in range(5 * PARTS_LIMIT)]
    resp = requests.post(remote.url + path, files=fields, timeout=30)
    assert resp.status_code == 413 and len(resp.content) < 300


@pytest.mark.parametrize("path", ["/fotki/v2flkr/upload", "/cpg/login.php"])
def test_a_huge_text_field_gets_413_and_is_never_held(remote: _Remote, path: str) -> None:
    head, tail, kind = _multipart_field("title")
    before = remote.peak_mib()
    status, body = remote.post_raw(
        path, kind, declared=len(head) + (64 << 20) + len(tail), send=64 << 20, head=head, tail=tail
    )
    assert status == 413 and len(body) < 300
    assert remote.peak_mib() - before < 48


def test_a_field_just_under_the_limit_is_still_read(remote: _Remote) -> None:
    resp = requests.post(remote.url + "/cpg/login.php", files={"title": (None, "t" * (FIELD_LIMIT - 1024))}, timeout=30)
    assert resp.status_code == 200


def test_an_urlencoded_body_just_under_the_limit_is_still_read(remote: _Remote) -> None:
    resp = requests.post(remote.url + "/cpg/login.php", data={"x": "y" * (FORM_BODY_LIMIT - 4096)}, timeout=30)
    assert resp.status_code == 200


def test_an_upload_larger_than_every_form_limit_still_streams_in(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buf, "JPEG")
    photo = buf.getvalue() + b"\0" * (2 * FORM_BODY_LIMIT)  # trailing bytes after the JPEG's end marker
    result = client.upload(photo, title="big one")
    assert result.id and result.bytes == len(photo)
