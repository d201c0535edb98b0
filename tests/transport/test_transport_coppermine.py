"""The transport's guarantees as the Coppermine client gets them: no password sent away, capped pages, checked files.

The sandbox's gallery misbehaves on purpose (redirects to a recording "other host", endless
pages); both protocols are tried (cpgAPI and the stock web pages).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.hostile import Recorder

from galleryk.base.errors import FileChanged, GallerykError, ReplyTooLarge
from galleryk.coppermine import Coppermine, InsecureGalleryWarning
from galleryk.coppermine.http import Http
from galleryk.sandbox.demo_images import demo_catalog, render_jpeg
from galleryk.transport import Transport

JPEG = render_jpeg(demo_catalog(1, seed=3)[0])


def _client(sandbox, mode: str, **transport) -> Coppermine:
    sandbox.settings.coppermine_api = mode == "api"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureGalleryWarning)
        return Coppermine(
            sandbox.coppermine_url,
            "alice",
            sandbox.users["alice"],
            mode=mode,
            http=Http(transport=Transport(**transport)),
        )


@pytest.fixture
def other_host() -> Iterator[Recorder]:
    recorder = Recorder(b"<html><body>elsewhere</body></html>", "text/html")
    try:
        yield recorder
    finally:
        recorder.stop()


@pytest.mark.parametrize("mode", ["api", "web"])
@pytest.mark.parametrize("status", [307, 308])
def test_a_redirected_sign_in_never_sends_the_password_elsewhere(
    sandbox, other_host: Recorder, mode: str, status: int
) -> None:
    client = _client(sandbox, mode)
    sandbox.faults.set("coppermine", **{f"redirect_{status}": 1.0}, redirect_to=other_host.url)
    with pytest.raises(GallerykError):
        client.albums()
    sent = other_host.everything()
    assert sandbox.users["alice"] not in sent and "password" not in sent and "Cookie" not in sent


@pytest.mark.parametrize("mode", ["api", "web"])
def test_an_endless_page_is_capped(sandbox, mode: str) -> None:
    client = _client(sandbox, mode, max_reply=1 << 20)
    sandbox.faults.set("coppermine", endless=1.0)
    with pytest.raises(ReplyTooLarge, match="1 MiB"):
        client.albums()


@pytest.mark.parametrize("mode", ["api", "web"])
def test_a_picture_that_shrinks_while_uploading_fails_clearly_and_is_not_stored(
    sandbox, tmp_path: Path, mode: str
) -> None:
    client = _client(sandbox, mode)
    before = len(client.photos(5))
    path = tmp_path / "boat.jpg"
    path.write_bytes(JPEG + b"\0" * (3 << 20))
    with pytest.raises(FileChanged, match="boat.jpg shrank"):
        client.upload(path, album=5, progress=lambda sent, total: path.write_bytes(JPEG[:100]))
    assert len(client.photos(5)) == before
