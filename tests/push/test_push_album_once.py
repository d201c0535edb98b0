"""Album creation is exactly once, like uploads: a create whose reply was lost is looked for before it is sent again.

The sandbox holds the album manager's request (Coppermine) or photosets.create (Fotki) before
it stores it: the client stops waiting, or its process is killed, and the album appears later.
Counted on the server: how many albums of the title there are in the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import galleryk as gk
from galleryk.access import sandbox_coppermine, sandbox_fotki

CREATE = {"fotki": "photosets_create", "coppermine": "delete.php"}
CREATE_NAME = {"fotki": "flickr.photosets.create", "coppermine": "delete.php"}


def _titled(client, title: str) -> list[int]:
    albums = client.albums()
    return [int(i) for i in albums.loc[albums["title"] == title, "id"]]


def _client(sandbox, service: str, **options):
    if service == "fotki":
        return sandbox_fotki(sandbox, "alice", **options)
    sandbox.settings.coppermine_api = False
    return sandbox_coppermine(sandbox, "alice", **options)


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_a_create_stored_after_its_client_stopped_waiting_makes_one_album(sandbox, service, tmp_path, make_photos):
    make_photos(tmp_path / "photos", 3)
    timeout = (5.0, 0.6) if service == "fotki" else 0.6
    client = _client(sandbox, service, timeout=timeout)
    client.albums()
    # the server stores the album 2 s after it got the request; the client stops waiting after 0.6 s
    sandbox.faults.set(service, store_delay=2.0, delay_only=CREATE[service], limit=1)
    report = gk.scan(tmp_path / "photos", progress=False).galleryk.push(
        client, album="Held once", create=True, journal=tmp_path / "j.sqlite", progress=False
    )
    sandbox.faults.clear()
    assert _until(lambda: _all_answered(sandbox, service))  # the slow server has stored what it was holding
    assert report["status"].tolist() == ["uploaded"] * 3, report[["status", "error"]]
    assert len(_titled(client, "Held once")) == 1
    assert len(client.photos("Held once")) == 3


_CHILD = """
import os, sys
import galleryk as gk
service, folder, journal = sys.argv[1:4]
if service == "fotki":
    client = gk.Fotki(os.environ["SB_KEY"], os.environ["SB_SECRET"], os.environ["SB_TOKEN"],
                      api_url=os.environ["SB_API"], auth_url=os.environ["SB_AUTH"], token_cache="memory")
else:
    client = gk.Coppermine(os.environ["SB_CPG"], "alice", os.environ["SB_PASSWORD"])
gk.scan(folder, progress=False).galleryk.push(
    client, album="Killed while creating", create=True, journal=journal, workers=1, progress=False
)
"""


@pytest.mark.parametrize("service", ["fotki", "coppermine"])
def test_a_process_killed_while_the_server_creates_the_album_leaves_one_album_after_the_rerun(
    sandbox, service, tmp_path, make_photos
):
    make_photos(tmp_path / "photos", 3)
    journal = tmp_path / "j.sqlite"
    client = _client(sandbox, service)
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(_CHILD))
    env = {
        **os.environ,
        "SB_KEY": sandbox.api_key,
        "SB_SECRET": sandbox.secret,
        "SB_API": sandbox.fotki_api_url,
        "SB_AUTH": sandbox.fotki_auth_url,
        "SB_CPG": sandbox.coppermine_url,
        "SB_PASSWORD": sandbox.users["alice"],
        "SB_TOKEN": client.check_token().token if service == "fotki" else "",
    }
    sandbox.faults.set(service, store_delay=300, delay_only=CREATE[service], limit=1)  # the child's create only
    child = subprocess.Popen([sys.executable, str(script), service, str(tmp_path / "photos"), str(journal)], env=env)
    try:
        assert sandbox.faults.wait_held(service, timeout=60), "the child never asked for the album"
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()

    reports: list = []
    began = time.monotonic()
    rerun = threading.Thread(
        target=lambda: reports.append(
            gk.scan(tmp_path / "photos", progress=False).galleryk.push(
                _client(sandbox, service), album="Killed while creating", create=True, journal=journal, progress=False
            )
        )
    )
    rerun.start()
    # let the held request go once the rerun has asked for an album of its own, or has looked for the dead
    # process's one again and again (each look reads the albums: a few pages)
    listing, looks = ("flickr.photosets.getList", 6) if service == "fotki" else ("index.php", 30)
    assert _until(
        lambda: (
            _hits_since(sandbox, service, CREATE_NAME[service], began) > 0
            or _hits_since(sandbox, service, listing, began) >= looks
        )
    ), "the rerun neither looked nor asked"
    sandbox.faults.release_held()
    rerun.join(60)
    assert _until(lambda: _all_answered(sandbox, service))  # the dead process's request is stored by now
    assert reports and reports[0]["status"].tolist() != [], "the rerun did not finish"
    assert set(reports[0]["status"]) <= {"uploaded", "skipped"}, reports[0][["status", "error"]]
    assert len(_titled(client, "Killed while creating")) == 1
    assert len(client.photos("Killed while creating")) == 3


def _all_answered(sandbox, service: str) -> bool:
    """Whether every album creation the service was sent has been handled (the log has each once it is)."""
    name = CREATE_NAME[service]
    handled = sum(1 for hit in sandbox.request_log(service).hits if hit.name == name)
    return sandbox.faults.held(service) == 0 and handled == sandbox.faults.requests(service).get(name, 0)


def _hits_since(sandbox, service: str, name: str, since: float) -> int:
    return sum(1 for hit in sandbox.request_log(service).hits if hit.name == name and hit.at > since)


def _until(condition, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def test_a_title_that_names_two_albums_is_an_error_with_plain_ids_and_how_to_choose(
    stock_sandbox, tmp_path, make_photos
):
    cpg = sandbox_coppermine(stock_sandbox, "alice")
    first, second = cpg.create_album("Twice"), cpg.create_album("Twice")
    make_photos(tmp_path / "photos", 1)
    with pytest.raises(gk.AmbiguousAlbum) as ambiguous:
        gk.scan(tmp_path / "photos", progress=False).galleryk.push(cpg, album="Twice", progress=False)
    message = str(ambiguous.value)
    assert ambiguous.value.ids == (first, second) and all(type(i) is int for i in ambiguous.value.ids)
    assert f"ids {first}, {second}" in message and "int64" not in message and f"album={first}" in message
