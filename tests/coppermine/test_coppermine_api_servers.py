"""The Coppermine client in api mode, one suite against the sandbox's cpgAPI and the real add-on on 1.4.27.

The real add-on (``api/`` of the 1.4.27 tree) sits on a stock 1.4 gallery, whose pages give what
the add-on has no call for: picture listings, the albums open to uploads, album creation. Each test
runs on both with the same assertions; where the real add-on answers otherwise than the sandbox
(its codes), the test says so.
"""

from __future__ import annotations

from collections import Counter

import pytest
from support.cpg_fixtures import server_for
from support.cpg_servers import CpgServer, SandboxServer, unique

import galleryk as gk
from galleryk.base.errors import Reason
from galleryk.coppermine.errors import CoppermineError

from .test_coppermine_servers import WRONG, code_of, jpeg, posts


@pytest.fixture(params=["sandbox", "1.4.27"])
def api_server(request) -> CpgServer:
    """The sandbox with its cpgAPI add-on, and the real 1.4.27 with the real one."""
    server = server_for(request)
    if isinstance(server, SandboxServer):
        server.sandbox.settings.coppermine_api = True
    return server


def client(server: CpgServer, role: str = "user", **options) -> gk.Coppermine:
    return server.client(role, mode="api", **options)


def test_auto_mode_finds_the_add_on(api_server):
    cpg = api_server.client(mode="auto")
    assert cpg.mode == "api"


def test_albums_say_which_albums_are_open_to_uploads(api_server):
    df = client(api_server).albums().set_index("id")
    assert bool(df.loc[api_server.album("own"), "can_upload"])
    closed = df.loc[api_server.album("closed"), "can_upload"]
    # 1.4's pages name the public albums open to a user only in the upload's placement form: unknown until then
    assert pd_na(closed) if api_server.version == "1.4.27" else not bool(closed)
    assert df.attrs["can_upload"]


def pd_na(value) -> bool:
    import pandas as pd

    return value is pd.NA


def test_an_upload_gets_its_pid_and_the_album_lists_it_with_its_title_and_caption(api_server):
    cpg = client(api_server)
    aid = api_server.fresh_album()
    pids = [
        int(cpg.upload(jpeg(i), album=aid, title=f"Boat {i}", description=f"At sea {i}", filename=f"b{i}.jpg").id)
        for i in range(6)
    ]
    df = cpg.photos(aid).set_index("id")
    assert sorted(df.index) == sorted(pids)
    assert df.loc[pids[3], "title"] == "Boat 3" and df.loc[pids[3], "description"] == "At sea 3"


def test_tags_are_joined_by_the_gallerys_separator(api_server):
    cpg = client(api_server)
    pid = int(cpg.upload(jpeg(7), album=api_server.album("own"), tags=["sea", "boats"], filename="t.jpg").id)
    assert cpg.photo_info(pid)["tags"] == ["sea", "boats"]
    assert cpg.keyword_separator == (" " if api_server.version == "1.4.27" else ";")  # 1.4 splits on blanks


def test_an_upload_that_waits_for_approval_still_gets_its_pid(api_server):
    result = client(api_server).upload(jpeg(8), album=api_server.album("open"), filename="club.jpg")
    assert result.status == "uploaded" and result.id is not None


def test_a_wrong_password_is_error_18_and_is_sent_once(api_server):
    cpg = client(api_server, password=WRONG)
    assert code_of(cpg.albums) == 18
    sent = posts(cpg, "api/")
    assert code_of(cpg.albums) == 18 and sent == []  # not sent again


def test_refusals_carry_the_add_ons_codes(api_server):
    cpg = client(api_server)
    own = api_server.album("own")
    assert code_of(lambda: cpg.upload(jpeg(9), album=api_server.album("closed"), filename="x.jpg")) == 19
    assert code_of(lambda: cpg.upload(jpeg(9), album=own, filename="x.exe")) == 5
    with api_server.set_size_limit_kb(20):
        assert code_of(lambda: cpg.upload(jpeg(size=(200, 200), noise=True), album=own, filename="big.jpg")) == 9


def test_a_file_that_is_not_an_image_is_refused_as_a_file(api_server):
    with pytest.raises(CoppermineError) as info:
        client(api_server).upload(b"not a picture at all" * 10, album=api_server.album("own"), filename="x.jpg")
    # the add-on answers 17 ("Error in inserting or resizing image"), never 13 ("not an image")
    assert info.value.code == 17 and info.value.reason is Reason.FILE


def test_create_album_uses_the_gallerys_album_manager(api_server):
    cpg = client(api_server)
    title = unique("Made in api mode")
    aid = cpg.create_album(title)
    row = cpg.albums().set_index("id").loc[aid]
    assert row["title"] == title and row["category_id"] == api_server.user_category
    assert cpg.upload(jpeg(10), album=aid, filename="first.jpg").id is not None


def test_a_push_with_create_makes_the_album_once_and_a_rerun_with_a_fresh_journal_uploads_nothing(api_server, tmp_path):
    from .test_coppermine_servers import jpeg as picture

    folder = tmp_path / "p"
    folder.mkdir()
    for i in range(4):
        (folder / f"photo_{i}.jpg").write_bytes(picture(20 + i))
    cpg = client(api_server)
    title = unique("Api push")
    df = gk.scan(folder, progress=False)
    first = df.galleryk.push(cpg, album=title, create=True, tags="sea harbour", journal=tmp_path / "a.sqlite")
    assert first["status"].tolist() == ["uploaded"] * 4
    again = df.galleryk.push(cpg, album=title, create=True, journal=tmp_path / "b.sqlite", progress=False)
    assert set(again["status"]) <= {"skipped", "found"}
    assert api_server.album_count(title) == 1
    assert Counter(cpg.photos(title)["title"]) == Counter(f"photo_{i}" for i in range(4))
