"""A Fotki server that is hostile or broken cannot hurt the client: bounded memory and time, no secret sent away.

The sandbox plays the server with its network faults (endless, drip, silent, 307/308 to
another host); a recording server plays "another host". Client memory is measured in a
subprocess; calls are timed only against bounds a user would notice, far from the hours
(or the exhausted machine) the same server cost before.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from support.hostile import Recorder, elapsed

from galleryk.access import sandbox_fotki
from galleryk.base.errors import FileChanged, RedirectRefused, RequestTimeout
from galleryk.fotki import Fotki
from galleryk.transport import DEFAULT_MAX_REPLY


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def other_host():
    recorder = Recorder()
    try:
        yield recorder
    finally:
        recorder.stop()


_MEMORY_PROBE = """
import json, sys, threading
import psutil
from galleryk import Fotki
from galleryk.base.errors import ReplyTooLarge
a = json.loads(sys.argv[1])
client = Fotki(a["key"], a["secret"], token=a["token"], api_url=a["api"], auth_url=a["auth"], token_cache="memory")
client.check_token()  # a first call, so what it loads on first use is not counted below
me = psutil.Process()
before = peak = me.memory_info().rss
done = threading.Event()
def watch():  # the peak while the endless reply is read (ru_maxrss would also count the imports' peak)
    global peak
    while not done.wait(0.005):
        peak = max(peak, me.memory_info().rss)
watcher = threading.Thread(target=watch)
watcher.start()
try:
    client.photosets()
    error = None
except ReplyTooLarge as exc:
    error = str(exc)
done.set()
watcher.join()
print(json.dumps({"grew_mib": (max(peak, me.memory_info().rss) - before) / (1 << 20), "error": error}))
"""


def test_an_endless_reply_costs_a_bounded_amount_of_client_memory(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    sandbox.faults.set("fotki", endless=1.0, only="getList")
    args = {
        "key": sandbox.api_key,
        "secret": sandbox.secret,
        "token": client.check_token().token,
        "api": sandbox.fotki_api_url,
        "auth": sandbox.fotki_auth_url,
    }
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, json.dumps(args)], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout)
    assert result["error"] and "flickr.photosets.getList" in result["error"] and "64 MiB" in result["error"]
    assert result["grew_mib"] < 3 * DEFAULT_MAX_REPLY / (1 << 20)  # with no cap it grows until the machine gives out


def test_a_reply_dripped_a_byte_at_a_time_ends_at_the_deadline(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", deadline=1.5)
    sandbox.faults.set("fotki", drip=1.0, drip_seconds=0.5)  # a 300-byte reply would take minutes
    seconds, error = elapsed(client.photosets)
    assert isinstance(error, RequestTimeout) and "deadline of 1.5 s" in str(error)
    assert "flickr.photosets.getList" in str(error) and seconds < 20


def test_a_silent_server_is_reported_at_the_deadline_not_after_every_retry(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice", deadline=1.5, timeout=(5, 1.0), retries=3)
    sandbox.faults.set("fotki", silent=1.0)
    seconds, error = elapsed(client.photosets)
    assert isinstance(error, RequestTimeout) and "deadline" in str(error)
    assert seconds < 20 and sandbox.faults.injected("fotki")["silent"] <= 2  # 4 x the timeout was the old cost


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirected_write_never_carries_token_or_signature_to_another_host(sandbox, other_host, status: int) -> None:
    client = sandbox_fotki(sandbox, "alice")
    token = client.check_token().token
    sandbox.faults.set("fotki", **{f"redirect_{status}": 1.0}, redirect_to=other_host.url, only="editMeta")
    with pytest.raises(RedirectRefused, match="another host") as info:
        client.edit_photoset(1, "renamed")
    assert other_host.seen == [] and token not in str(info.value)


def test_a_redirected_upload_is_sent_nowhere_else(sandbox, other_host) -> None:
    client = sandbox_fotki(sandbox, "alice")
    before = len(client.photos())
    sandbox.faults.set("fotki", redirect_307=1.0, redirect_to=other_host.url, only="upload")
    with pytest.raises(RedirectRefused):
        client.upload(_jpeg(), title="once")
    sandbox.faults.clear()
    assert other_host.seen == [] and len(client.photos()) == before


def test_a_redirected_read_keeps_its_token_at_home(sandbox, other_host) -> None:
    client = sandbox_fotki(sandbox, "alice")
    sandbox.faults.set("fotki", redirect_308=1.0, redirect_to=other_host.url, only="getList")
    with pytest.raises(RedirectRefused, match="auth_token"):
        client.photosets()
    assert other_host.seen == []


def test_a_download_redirected_elsewhere_keeps_its_token_at_home(sandbox, other_host, tmp_path: Path) -> None:
    client = sandbox_fotki(sandbox, "alice")
    photo = client.upload(_jpeg(), title="private", is_public=False).id
    sandbox.faults.set("fotki", redirect_307=1.0, redirect_to=other_host.url, only="/files/")
    target = tmp_path / "downloads"
    target.mkdir()
    with pytest.raises(RedirectRefused):
        client.download(photo, target)
    assert other_host.seen == [] and list(target.iterdir()) == []


def test_a_redirect_on_the_same_host_is_followed(sandbox) -> None:
    client = sandbox_fotki(sandbox, "alice")
    set_id = int(client.photosets()["id"].iloc[0])
    sandbox.faults.set("fotki", redirect_307=1.0, redirect_to=sandbox.url, only="editMeta", limit=1)
    client.edit_photoset(set_id, "renamed")
    assert sandbox.faults.injected("fotki")["redirect_307"] == 1
    assert "renamed" in client.photosets()["title"].tolist()


@pytest.mark.parametrize("change", ["shrank", "grew"])
def test_a_file_changing_during_upload_fails_clearly_and_stores_nothing(sandbox, tmp_path: Path, change: str) -> None:
    client = sandbox_fotki(sandbox, "alice")
    before = len(client.photos())
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(_jpeg() + b"\0" * (3 << 20))

    def meddle(sent: int, total: int) -> None:
        if change == "shrank":
            path.write_bytes(b"\xff\xd8")
        else:
            with open(path, "ab") as out:
                out.write(b"\0" * 100)

    with pytest.raises(FileChanged, match=f"IMG_0001.jpg {change} while it was being uploaded"):
        client.upload(path, title="moving", progress=meddle)
    assert len(client.photos()) == before


def test_debug_logs_of_a_sign_in_listing_and_upload_hold_no_secret(sandbox) -> None:
    records: list[logging.LogRecord] = []
    lines: list[str] = []

    class Keep(logging.Handler):  # a handler of the user's own, on the root logger
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)
            lines.append(self.format(record))

    root = logging.getLogger()
    handler, level = Keep(logging.DEBUG), root.level
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        client = Fotki(
            sandbox.api_key,
            sandbox.secret,
            api_url=sandbox.fotki_api_url,
            auth_url=sandbox.fotki_auth_url,
            token_cache="memory",
        )
        pending = client.login("delete")
        frob = parse_qs(urlsplit(pending.url).query)["frob"][0]
        sandbox.approve(frob, "alice", "delete")
        token = pending.finish().token
        client.photosets()
        client.photos()
        client.upload(_jpeg(), title="logged")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert any(r.name.startswith("urllib3") and "flickr_photos_getNotInSet" in r.getMessage() for r in records)
    text = "\n".join(lines)
    for secret in (token, frob, sandbox.secret):
        assert secret not in text
    assert not re.search(r"(auth_token|api_sig|frob)=(?!\*\*\*)[^&\s'\"]+", text)
